# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP for the client: one request in, one ``Answer`` (or a ``TransportError``) out.

Private to the agora.cloud_recording collection: not an API, may change in any release.

The client depends only on ``Transport.send``; tests hand it a fake. ``RequestsTransport`` is the real one: one
``requests.Session`` per run, so connections and TLS sessions are reused (a fresh TLS context per request doubled a
batch's time), and a deadline that covers the whole exchange, body included.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import sys
import threading
import time
import traceback
from enum import Enum
from typing import Any, Callable

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import (
    Answer,
    decode_body,
    parse_retry_after,
)

REQUESTS_IMPORT_ERROR: str | None
try:
    import requests
    import requests.adapters
    import requests.certs
    from urllib3 import connection as urllib3_connection
    from urllib3 import connectionpool as urllib3_connectionpool
    from urllib3.util.ssl_ import create_urllib3_context
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

# requests 2.32.3 brought the adapter hook that shares one TLS context per CA bundle (``_Adapter``); with an older one,
# every request with a CA bundle would fail its TLS verification.
MIN_REQUESTS_VERSION = (2, 32, 3)
USER_AGENT = 'ansible-collection-agora.cloud_recording'
# Agora's answers are a few kilobytes; a body larger than this is not Agora's and is not read further.
MAX_BODY_BYTES = 4 * 1024 * 1024


def requests_too_old() -> str | None:
    """What to install when the requests found is older than this collection needs; None when it will do."""
    found = tuple(int(part) for part in requests.__version__.split('.')[:3] if part.isdigit())
    if found >= MIN_REQUESTS_VERSION:
        return None
    wanted = '.'.join(str(part) for part in MIN_REQUESTS_VERSION)
    return ('This module needs requests %s or later, found %s, in the Python that runs it (%s): pip install '
            '"requests>=%s".' % (wanted, requests.__version__, sys.executable, wanted))


class Failure(Enum):
    """Why no HTTP answer came back."""

    DNS = 'dns'                          # the host name did not resolve
    REFUSED = 'refused'                  # nothing listens there
    CONNECT = 'connect'                  # no connection for another reason, or none within the timeout
    TLS_VERIFY = 'tls_verify'            # the certificate did not verify: retrying will not help
    TLS = 'tls'                          # TLS broke for another reason
    TIMEOUT = 'timeout'                  # the request went out; no whole answer within the deadline
    CLOSED = 'closed'                    # the connection closed or reset after the request went out
    BROKEN = 'broken'                    # the answer broke off midway


# Failures that can come after the request went out, when the transport cannot tell whether it had.
SENT = frozenset((Failure.TLS, Failure.TIMEOUT, Failure.CLOSED, Failure.BROKEN))


class TransportError(Exception):
    """No HTTP answer from one URL. ``str()`` says why in plain words.

    ``sent``: whether the whole request had gone out before the failure, so that it may have reached Agora and taken
    effect. The requests transport knows; when it is not given, it is assumed from the kind of failure.
    """

    def __init__(self, failure: Failure, message: str, sent: bool | None = None) -> None:
        super().__init__(message)
        self.failure = failure
        self.may_have_acted = failure in SENT if sent is None else sent


class Transport:
    """What the client needs from HTTP. ``send`` returns the answer or raises ``TransportError``."""

    def send(self, method: str, url: str, body: dict[str, Any] | None, timeout: float) -> Answer:
        raise NotImplementedError

    def close(self) -> None:
        """Release connections; the default has none."""


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, through requests' and urllib3's wrappers."""
    seen: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending and len(seen) < 20:
        current = pending.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        linked = [getattr(current, 'reason', None), current.__cause__, current.__context__, *current.args]
        # ssl.SSLError's ``reason`` is a string; only exceptions lead further down the chain.
        pending.extend(item for item in linked if isinstance(item, BaseException))
    return seen


def _timed_out(timeout: float, sent: bool) -> TransportError:
    if not sent:
        return TransportError(Failure.CONNECT, 'no connection within %s s (timeout); the request was not sent' % timeout,
                              sent=False)
    return TransportError(Failure.TIMEOUT, 'no answer within %s s (timeout); the request may still have reached Agora'
                          % timeout, sent=True)


def _after(sent: bool) -> str:
    return 'the request may still have reached Agora' if sent else 'the request was not sent'


def classify_exception(exc: Exception, timeout: float, sent: bool) -> TransportError:
    """Name, in plain words, why a request got no answer; requests' own text is a wall of wrapper names.

    ``sent``: whether the request had gone out whole; failures that can only come before it never count as sent.
    """
    chain = _exception_chain(exc)
    names = {type(item).__name__ for item in chain}
    cause = chain[-1].__class__.__name__
    if 'SSLCertVerificationError' in names or 'CertificateError' in names:
        return TransportError(Failure.TLS_VERIFY, 'TLS failed (%s): the certificate is not trusted or does not match the '
                                                  'host; check the URL, or the CA bundle (REQUESTS_CA_BUNDLE) for a '
                                                  'TLS-inspecting proxy' % cause, sent=False)
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportError(Failure.TLS, 'TLS failed (%s); %s' % (cause, _after(sent)), sent=sent)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransportError(Failure.CONNECT, 'no connection within %s s (connect timeout)' % timeout, sent=False)
    if isinstance(exc, requests.exceptions.ReadTimeout) or {'ReadTimeoutError', 'TimeoutError', 'timeout'} & names:
        # requests turns a read timeout while streaming the body into a ConnectionError: it is a timeout all the same.
        return _timed_out(timeout, sent)
    if 'NameResolutionError' in names or 'gaierror' in names:
        return TransportError(Failure.DNS, 'the host name could not be resolved (DNS)', sent=False)
    if 'ConnectionRefusedError' in names:
        return TransportError(Failure.REFUSED, 'connection refused', sent=False)
    if 'NewConnectionError' in names:
        return TransportError(Failure.CONNECT, 'no connection (%s)' % cause, sent=False)
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return TransportError(Failure.BROKEN, 'the answer broke off midway; %s' % _after(sent), sent=sent)
    return TransportError(Failure.CLOSED, 'the connection was closed before an answer arrived (%s); %s'
                          % (cause, _after(sent)), sent=sent)


class _Deadlines:
    """One thread that shuts a connection's socket once its request's deadline has passed.

    requests' timeout bounds each read, not the exchange: an answer trickling a byte at a time would hold a request
    for ever. Shutting the socket down ends the blocked read at once, whatever phase the exchange is in.
    """

    RETRY_UNCONNECTED = 0.05

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> '_Deadline':
        deadline = _Deadline()
        self._push(self._clock() + seconds, deadline)
        return deadline

    def _push(self, when: float, deadline: '_Deadline') -> None:
        with self._condition:
            heapq.heappush(self._heap, (when, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name='agora-deadlines', daemon=True)
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._heap or self._heap[0][0] > self._clock():
                    self._condition.wait(self._heap[0][0] - self._clock() if self._heap else None)
                dummy_when, dummy_order, deadline = heapq.heappop(self._heap)
            if not deadline.expire():
                # Still connecting: the connect timeout bounds that; shut the socket as soon as there is one.
                self._push(self._clock() + self.RETRY_UNCONNECTED, deadline)


class _Deadline:
    """One request's deadline: which connection carries the request, and whether time ran out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.connection: Any = None
        # The socket the request went out on, kept from the connection: http.client lets go of it once an answer says
        # ``Connection: close`` (or is HTTP/1.0), while the body is still read from it.
        self.sock: Any = None
        self.expired = False
        self.done = False
        # The whole request went out on the connection: from here on it may reach Agora and take effect.
        self.sent = False

    def expire(self) -> bool:
        """Time is up: shut the socket. False while the request has no socket yet."""
        # Under the lock: once ``finish`` has run, the connection may already serve another request.
        with self._lock:
            if self.done:
                return True
            self.expired = True
            sock = self.sock if self.sock is not None else getattr(self.connection, 'sock', None)
            if sock is None:
                return False
            try:
                # socket.socket's own shutdown: an SSLSocket's would also drop its TLS state under the reading thread.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed
            return True

    def finish(self) -> bool:
        """The exchange is over; True when it was cut short by the deadline."""
        with self._lock:
            self.done = True
            return self.expired


_current = threading.local()


def _send_tracked(connection: Any, send: Callable[[], Any]) -> Any:
    """Send a request on ``connection``, telling the running request's deadline which connection carries it and when
    the whole request has gone out."""
    deadline = getattr(_current, 'deadline', None)
    if deadline is not None:
        deadline.connection = connection
    result = send()
    if deadline is not None:
        deadline.sock = getattr(connection, 'sock', None)
        deadline.sent = True
    return result


if HAS_REQUESTS:
    class _HTTPConnection(urllib3_connection.HTTPConnection):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            return _send_tracked(self, lambda: super(_HTTPConnection, self).request(*args, **kwargs))

    class _HTTPSConnection(urllib3_connection.HTTPSConnection):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            return _send_tracked(self, lambda: super(_HTTPSConnection, self).request(*args, **kwargs))

    class _HTTPConnectionPool(urllib3_connectionpool.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSConnectionPool(urllib3_connectionpool.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    class _Adapter(requests.adapters.HTTPAdapter):
        """requests' adapter with connections that a deadline can end, and one TLS context per CA bundle.

        Given a CA bundle (REQUESTS_CA_BUNDLE, as behind a TLS-inspecting proxy), requests has urllib3 load it into
        a new context for every connection: 17 ms of CPU and 0.7 MiB each for a bundle of certifi's size, which
        with hundreds of connections in flight costs hundreds of MiB (docs/performance.md). The bundle is loaded
        once instead, as requests' documentation of ``build_connection_pool_key_attributes`` describes.
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._contexts: dict[str, Any] = {}
            self._contexts_lock = threading.Lock()
            super().__init__(*args, **kwargs)

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            # urllib3 keeps these per pool manager so that a manager can use its own classes.
            self.poolmanager.pool_classes_by_scheme = {'http': _HTTPConnectionPool, 'https': _HTTPSConnectionPool}

        def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
            host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
            if host_params.get('scheme') == 'https' and verify is not False:
                bundle = verify if isinstance(verify, str) else requests.certs.where()
                for key in ('ca_certs', 'ca_cert_dir'):
                    pool_kwargs.pop(key, None)
                pool_kwargs['ssl_context'] = self.context_for(bundle)
            return host_params, pool_kwargs

        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            super().cert_verify(conn, url, verify, cert)
            if url.lower().startswith('https') and verify is not False:
                # The pool's context holds the bundle already; naming it again would reload it on every connection.
                conn.ca_certs = None
                conn.ca_cert_dir = None

        def context_for(self, bundle: str) -> Any:
            """The one TLS context that verifies against ``bundle`` (a file or a directory of certificates)."""
            with self._contexts_lock:
                if bundle not in self._contexts:
                    context = create_urllib3_context()
                    try:
                        if os.path.isdir(bundle):
                            context.load_verify_locations(capath=bundle)
                        else:
                            context.load_verify_locations(cafile=bundle)
                    except (OSError, ValueError) as exc:
                        raise TransportError(Failure.TLS_VERIFY, 'the CA bundle %s cannot be used (%s): check '
                                                                 'REQUESTS_CA_BUNDLE' % (bundle, exc))
                    self._contexts[bundle] = context
                return self._contexts[bundle]


def _cut_short(raw: bytes, content_length: str | None) -> bool:
    """Whether fewer bytes came than the answer's Content-Length announced (a body over MAX_BODY_BYTES is cut on purpose)."""
    try:
        announced = int(content_length or '')
    except ValueError:
        return False
    return len(raw) < min(announced, MAX_BODY_BYTES + 1)


class RequestsTransport(Transport):
    """HTTP through one ``requests.Session``: Basic auth, pooled connections, a deadline per request."""

    def __init__(self, customer_id: str, customer_secret: str, validate_certs: bool, max_connections: int,
                 hosts: int = 1) -> None:
        self._session = requests.Session()
        self._session.auth = (customer_id, customer_secret)
        self._session.headers['User-Agent'] = USER_AGENT
        # Passed on every request: a session-level verify=False loses to REQUESTS_CA_BUNDLE (requests#3829).
        self._verify = validate_certs
        adapter = _Adapter(pool_connections=max(hosts, 1), pool_maxsize=max_connections)
        self._session.mount('https://', adapter)
        self._session.mount('http://', adapter)
        self._deadlines = _Deadlines()

    def close(self) -> None:
        self._session.close()

    def send(self, method: str, url: str, body: dict[str, Any] | None, timeout: float) -> Answer:
        deadline = self._deadlines.arm(timeout)
        _current.deadline = deadline
        try:
            return self._exchange(method, url, body, timeout, deadline)
        except requests.exceptions.RequestException as exc:
            if deadline.finish():
                raise _timed_out(timeout, deadline.sent)
            raise classify_exception(exc, timeout, deadline.sent)
        finally:
            _current.deadline = None
            deadline.finish()

    def _exchange(self, method: str, url: str, body: dict[str, Any] | None, timeout: float, deadline: _Deadline) -> Answer:
        with self._session.request(method, url, json=body, timeout=timeout, verify=self._verify, allow_redirects=False,
                                   stream=True) as response:
            raw = self._read_body(response)
            # Before the connection goes back to the pool. A socket shut down midway can still look like a short
            # answer to http.client: that is no answer.
            if deadline.finish():
                raise _timed_out(timeout, deadline.sent)
            if _cut_short(raw, response.headers.get('content-length')):
                # urllib3 2 says so itself; urllib3 1.26 hands over the part that came.
                raise TransportError(Failure.BROKEN, 'the answer broke off midway; %s' % _after(True), sent=True)
            decoded, text = decode_body(raw)
            return Answer(response.status_code, decoded, text, response.headers.get('x-request-id'),
                          parse_retry_after(response.headers.get('retry-after')))

    @staticmethod
    def _read_body(response: Any) -> bytes:
        """The body, or its first MAX_BODY_BYTES when it is longer (then it is not Agora's, and is not JSON)."""
        chunks = []
        size = 0
        for chunk in response.iter_content(chunk_size=65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                break
        return b''.join(chunks)[:MAX_BODY_BYTES + 1]

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stateful simulator of Agora's Cloud Recording REST API, on loopback only.

It answers acquire, start, query and stop with the shapes of Agora's reference (docs/agora-api-facts.md, section
"What the simulator models, and from which source"), checks HTTP Basic auth like Agora's gateway, and lets tests
script faults, add latency and read back every request. On switches it also behaves like the real service over time
(synchronous stops that take seconds, idle exit, resource expiry, failover 404s), serves several API domains that share
one state (each can refuse, hang, reset or "not resolve"), serves HTTPS with a CA of its own, and sends hostile answers.

Standalone:  python tests/simulator/agora_simulator.py --port 8090 --seed 3
Needs only the standard library, except ``tls=True`` / ``--tls`` (its own CA), which needs ``cryptography``.
"""

from __future__ import annotations

import argparse
import base64
import collections
import http.server
import json
import os
import random
import re
import shutil
import signal
import socket
import socketserver
import ssl
import struct
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

import agora_storage_writer

LOOPBACK_HOSTS = ('127.0.0.1', '::1', 'localhost')
API_PREFIX = '/v1/apps/'
# Agora App IDs are 32 hex characters (Agora's token builder checks exactly that); this one is made up.
DEMO_APP_ID = '5f3a9c1e7b2d40689e1c3a5b7d9f0e2c'
# The older 404 body, as Agora's status-code page documents it. The real service sends not_found_body() instead.
NOT_FOUND_WORKER = {'code': 404, 'reason': 'failed to find worker'}
GATEWAY_NO_ROUTE = {'message': 'no Route matched with those values'}
UNAUTHORIZED = {'message': 'Unauthorized'}
BAD_CREDENTIALS = {'message': 'Invalid authentication credentials'}
RATE_LIMITED = {'message': 'API rate limit exceeded'}
RESOURCE_EXPIRED = {'code': 433, 'reason': 'resource expired'}
UPLOAD_WINDOW = 20.0          # seconds a synchronous stop waits for the upload (stop reference)
RESOURCE_TTL = 300.0          # seconds a resource ID waits for its start (acquire reference: five minutes)
DOMAIN_BEHAVIOURS = ('ok', 'refuse', 'hang', 'reset', 'dns')
HANDSHAKE_TIMEOUT = 10.0      # seconds a TLS client gets to finish its handshake
HANG_LIMIT = 3600.0           # a hung request ends at the latest after this long (or when the client or simulator goes)
LISTEN_BACKLOG = 1024

ROUTES = [
    ('POST', 'acquire', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/acquire$')),
    ('POST', 'start', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/resourceid/(?P<resource_id>[^/]+)'
                                 r'/mode/(?P<mode>individual|mix|web)/start$')),
    ('GET', 'query', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/resourceid/(?P<resource_id>[^/]+)'
                                r'/sid/(?P<sid>[^/]+)/mode/(?P<mode>individual|mix|web)/query$')),
    ('POST', 'stop', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/resourceid/(?P<resource_id>[^/]+)'
                                r'/sid/(?P<sid>[^/]+)/mode/(?P<mode>individual|mix|web)/stop$')),
]


def not_found_body(cname: str = '', uid: str = '', resource_id: str = '', sid: str = '', action: str = 'stop') -> dict[str, Any]:
    """Agora's real 404 ("failed to find worker"), as reported in AgoraIO/API-Examples#373 for stop: no ``reason``.

    For query (``action='query'``) the same shape without ``command``: that form is not documented anywhere, it is
    inferred from the stop form.
    """
    server_response: dict[str, Any] = {'payload': {'message': 'failed to find worker'}}
    if action != 'query':
        server_response = {'command': 'StopCloudRecorder', 'payload': {'message': 'failed to find worker'}}
    return {'cname': cname, 'code': 404, 'resourceId': resource_id, 'serverResponse': server_response, 'sid': sid, 'uid': uid}


def nested_json(depth: int) -> str:
    """A JSON text of objects nested ``depth`` levels deep: ``{"a":{"a":...0...}}`` (a parser's recursion limit)."""
    return '{"a":' * depth + '0' + '}' * depth


@dataclass
class Fault:
    """A scripted misbehaviour. Matches requests by action, sid, app_id and domain (None matches any).

    ``status`` replaces the answer (``body``: a dict or list is sent as JSON, a str as it is, None as an empty body);
    ``drop`` closes the connection without an answer; ``reset`` closes it with a TCP RST (SO_LINGER 0) after reading
    the request; ``truncate`` sends the headers and half the body, then closes; ``delay`` waits before answering;
    ``trickle`` writes the answer one byte at a time, this many seconds apart (with ``trickle_body``, the headers at once
    and then the body so);
    ``framing`` says how the answer ends: ``keep-alive`` (HTTP/1.1 with Content-Length, the default), ``close``
    (HTTP/1.1 with ``Connection: close``, then the connection closes) or ``http10`` (an HTTP/1.0 answer without a
    length, ended by closing the connection); ``echo_auth`` answers
    ``{"message": "bad request", "echo": {<every request header>}}`` (status 400 unless ``status`` says otherwise)
    with the Authorization header echoed in ``X-Echo-Authorization``, as a careless proxy might.
    With ``after`` the request takes its normal effect first (a stop stops), and only the answer the client sees is
    replaced. A fault without a replacement (no status, drop, reset or echo) sends the simulator's own answer, so the
    request takes effect: ``Fault(trickle=0.01)`` trickles the real answer.
    """

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = 'application/json'
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False
    after: bool = False
    times: int | None = 1
    action: str | None = None
    sid: str | None = None
    app_id: str | None = None
    echo_auth: bool = False
    trickle: float = 0.0
    trickle_body: bool = False
    framing: str = 'keep-alive'
    reset: bool = False
    domain: str | None = None

    def matches(self, action: str, params: dict[str, str], domain: str | None = None) -> bool:
        return ((self.action is None or self.action == action)
                and (self.sid is None or self.sid == params.get('sid'))
                and (self.app_id is None or self.app_id == params.get('app_id'))
                and (self.domain is None or domain is None or self.domain == domain))

    @property
    def replaces(self) -> bool:
        """Whether the fault sends something of its own instead of the simulator's answer."""
        return self.status is not None or self.drop or self.reset or self.echo_auth


def gateway_404(**match: Any) -> Fault:
    return Fault(status=404, body=GATEWAY_NO_ROUTE, **match)


def proxy_404_html(**match: Any) -> Fault:
    return Fault(status=404, body='<html><body><h1>404 Not Found</h1>nginx</body></html>', content_type='text/html', **match)


def gateway_html(status: int = 502, **match: Any) -> Fault:
    """An HTML error page from a gateway or load balancer in front of Agora (nginx's wording)."""
    title = '%d %s' % (status, http.server.BaseHTTPRequestHandler.responses.get(status, ('Error',))[0])
    page = ('<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n'
            '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n' % (title, title))
    return Fault(status=status, body=page, content_type='text/html', **match)


def rate_limited(retry_after: str | None = None, **match: Any) -> Fault:
    headers = {'Retry-After': retry_after} if retry_after is not None else {}
    return Fault(status=429, body=RATE_LIMITED, headers=headers, **match)


def server_error(status: int = 503, **match: Any) -> Fault:
    """504 is Agora's code 62 (status-codes page); other statuses answer like a gateway."""
    body = {'code': 62, 'reason': 'gateway timeout'} if status == 504 else {'message': 'Service Unavailable'}
    return Fault(status=status, body=body, **match)


def backend_timeout(**match: Any) -> Fault:
    """206 code 65: Agora's backend timed out. Pass after=True for the case where the stop took effect anyway."""
    return Fault(status=206, body={'code': 65, 'reason': 'request not completed'}, **match)


def not_json(status: int = 200, **match: Any) -> Fault:
    return Fault(status=status, body='<html>Service temporarily unavailable</html>', content_type='text/html', **match)


def worker_not_found(recording: 'Recording | None' = None, classic: bool = False, **match: Any) -> Fault:
    """A 404 "failed to find worker" (the real shape, or the classic one), e.g. for a recording that is alive."""
    if classic:
        body: dict[str, Any] = dict(NOT_FOUND_WORKER)
    else:
        identity = recording.identity() if recording is not None else {}
        body = not_found_body(identity.get('cname', ''), identity.get('uid', ''), identity.get('resourceId', ''),
                              identity.get('sid', match.get('sid') or ''), match.get('action') or 'stop')
    return Fault(status=404, body=body, **match)


def echo_credentials(status: int = 400, **match: Any) -> Fault:
    """An answer that echoes every request header, the Authorization header included (body and X-Echo-Authorization)."""
    return Fault(status=status, echo_auth=True, **match)


def trickling(seconds_per_byte: float, framing: str = 'keep-alive', body_only: bool = False, **match: Any) -> Fault:
    """The simulator's own answer (the request takes effect), written one byte every ``seconds_per_byte`` (with
    ``body_only``, the headers at once), framed as ``framing`` says (see ``Fault``)."""
    return Fault(trickle=seconds_per_byte, framing=framing, trickle_body=body_only, **match)


def connection_reset(**match: Any) -> Fault:
    """The connection closed with a TCP RST once the request is read; nothing is answered."""
    return Fault(reset=True, **match)


def not_agora_200(body: Any = None, **match: Any) -> Fault:
    """HTTP 200 with a JSON body that is not one of Agora's answers (``{}`` unless ``body`` says otherwise)."""
    return Fault(status=200, body={} if body is None else body, **match)


@dataclass
class Recording:
    app_id: str
    resource_id: str
    sid: str
    mode: str
    cname: str
    uid: str
    started_ms: int
    file_list_mode: str = 'json'  # json, string, or none (snapshots, or extension services only)
    publishing: bool = True
    upload_status: str = 'uploaded'
    state: str = 'recording'  # recording, exiting, ended
    exit_until: float = 0.0
    upload_seconds: float = 0.0   # how long this recording's upload takes once stopped
    upload_until: float = 0.0     # monotonic time its upload ends (set by stop)
    idle_since: float = 0.0       # monotonic time nobody publishes since (used when publishing is False)
    failover_until: float = 0.0   # monotonic time a failover window ends (query and stop answer 404 until then)

    def identity(self) -> dict[str, str]:
        return {'resourceId': self.resource_id, 'sid': self.sid, 'cname': self.cname, 'uid': self.uid}

    def describe(self) -> dict[str, str]:
        return {'app_id': self.app_id, 'resource_id': self.resource_id, 'sid': self.sid, 'mode': self.mode,
                'cname': self.cname, 'uid': self.uid}


@dataclass
class Received:
    """One request as the simulator received it (``domain``: the name of the domain it came in on)."""

    time: float
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    domain: str = ''


class _Domain:
    """One API host name of Agora's, served on a loopback port of its own."""

    def __init__(self, name: str, behaviour: str) -> None:
        self.name = name
        self.behaviour = behaviour
        self.port = 0
        self.server: _Server | None = None
        self.thread: threading.Thread | None = None
        self.placeholder: socket.socket | None = None   # keeps the port while the domain refuses connections
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()

    def track(self, conn: socket.socket) -> None:
        with self.lock:
            self.connections.add(conn)

    def untrack(self, conn: socket.socket) -> None:
        with self.lock:
            self.connections.discard(conn)

    def cut_connections(self) -> None:
        with self.lock:
            connections = list(self.connections)
        for conn in connections:
            try:
                socket.socket.shutdown(conn, socket.SHUT_RDWR)   # the plain socket's shutdown, also for TLS ones
            except OSError:
                pass


def _parse_domains(domains: Iterable[str] | dict[str, str] | None) -> list[tuple[str, str]]:
    if domains is None:
        return [('', 'ok')]
    if isinstance(domains, dict):
        items = [(name.strip().lower(), behaviour) for name, behaviour in domains.items()]
    else:
        items = [_split_domain(item) for item in domains]
    if not items:
        return [('', 'ok')]
    names = [name for name, dummy in items]
    if len(set(names)) != len(names):
        raise ValueError('domain names must be unique: %s' % names)
    for name, behaviour in items:
        if behaviour not in DOMAIN_BEHAVIOURS:
            raise ValueError('domain %r: behaviour must be one of %s, not %r' % (name, ', '.join(DOMAIN_BEHAVIOURS), behaviour))
    return items


def _split_domain(text: str) -> tuple[str, str]:
    """``NAME`` or ``NAME=BEHAVIOUR``."""
    name, dummy, behaviour = text.partition('=')
    return name.strip().lower(), (behaviour.strip() or 'ok')


class AgoraSimulator:
    """State, faults and answers. ``start()`` serves it over HTTP(S) on loopback; ``url`` says where.

    Switches (all off by default unless said otherwise):
    ``classic_404``: send the documented ``{"code": 404, "reason": ...}`` instead of the real 404 body;
    ``upload_time``: seconds a recording's upload takes after stop, fixed or ``(low, high)`` drawn per recording from
    ``random.Random(random_seed)`` (``upload_delay``: the older name for a fixed time); ``upload_window``: how long
    a synchronous stop waits before it answers 206 code 50 (default 20 s, Agora's documented limit);
    ``idle_exit``: seconds after which a recording in a channel where nobody publishes exits by itself (maxIdleTime);
    ``resource_expiry``: seconds after which a resource ID answers 433 (resourceExpiredHour);
    ``resource_ttl``: seconds after acquire within which start must come (Agora: five minutes; later, 433);
    ``start_time``: seconds a start takes to answer, fixed or ``(low, high)`` drawn like ``upload_time``;
    ``max_concurrent``: recordings an App ID may run at once; acquire answers 400 code 406 beyond (None: no limit);
    ``tls``: ``True`` for HTTPS with a CA of its own (``ca_bundle``), or ``(certificate file, key file)``;
    ``domains``: names (``'NAME'`` or ``'NAME=BEHAVIOUR'``, or a dict name -> behaviour), each on its own port.
    """

    # Writes the recordings' files into an S3 server on loopback, when set (agora_storage_writer.py).
    storage_writer: agora_storage_writer.StorageWriter | None = None

    def __init__(self, customer_id: str = 'demo-customer-id', customer_secret: str = 'demo-customer-secret',
                 host: str = '127.0.0.1', port: int = 0, latency: float = 0.0, exit_seconds: float = 0.0,
                 web_payload_key: str = 'playload', rate_limit: int = 0, upload_delay: float = 0.0,
                 tls: tuple[str, str] | bool | None = None, *, classic_404: bool = False,
                 upload_time: float | tuple[float, float] | None = None, upload_window: float = UPLOAD_WINDOW,
                 random_seed: int | None = None, idle_exit: float | None = None, resource_expiry: float | None = None,
                 domains: Iterable[str] | dict[str, str] | None = None, cert_dir: str | None = None,
                 resource_ttl: float = RESOURCE_TTL, start_time: float | tuple[float, float] = 0.0,
                 max_concurrent: int | None = None) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError('the simulator serves on loopback only, not on %s' % host)
        self.credentials = (customer_id, customer_secret)
        self.host = host
        self.port = port
        self.latency = latency
        self.exit_seconds = exit_seconds
        self.web_payload_key = web_payload_key
        # Agora's default limit is 10 requests per second per App ID; 0 turns the check off.
        self.rate_limit = rate_limit
        # Seconds a recording's upload takes after its stop (the older name; upload_time takes precedence).
        self.upload_delay = upload_delay
        self.upload_time = upload_time
        self.upload_window = upload_window
        self.classic_404 = classic_404
        self.idle_exit = idle_exit
        self.resource_expiry = resource_expiry
        self.resource_ttl = resource_ttl
        self.start_time = start_time
        self.max_concurrent = max_concurrent
        self.random = random.Random(random_seed)
        self.rate_limited = 0
        # True: HTTPS with a CA generated at start; (certificate file, key file): HTTPS with those.
        self.tls = tls
        self.cert_dir = cert_dir
        self.ca_bundle: str | None = None
        self._own_cert_dir: str | None = None
        self._ssl_context: ssl.SSLContext | None = None
        self._recent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._answered: dict[str, list[float]] = collections.defaultdict(list)
        self.empty_channels: set[str] = set()
        self.received: list[Received] = []
        self._faults: list[Fault] = []
        self._resources: dict[str, dict[str, Any]] = {}
        self._recordings: dict[str, Recording] = {}
        self._lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self._domain_lock = threading.RLock()
        self._in_flight = 0
        self._max_in_flight = 0
        self._stopping = threading.Event()
        self._domains: dict[str, _Domain] = {name: _Domain(name, behaviour) for name, behaviour in _parse_domains(domains)}
        self._started = False
        self._server: _Server | None = None   # the first domain's server (kept for callers that looked at it)
        self._thread: threading.Thread | None = None

    # Told ('started' or 'stopped', recording) as a recording starts and is stopped: agora_ncs_notifier.NcsNotifier.
    notifier: Any = None

    # -- control ---------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._url_for(self.port)

    def _url_for(self, port: int) -> str:
        host = '[%s]' % self.host if ':' in self.host else self.host
        return '%s://%s:%d' % ('https' if self.tls else 'http', host, port)

    def _first(self) -> _Domain:
        return next(iter(self._domains.values()))

    def _domain(self, name: str | None) -> _Domain:
        if name is None:
            return self._first()
        try:
            return self._domains[name.lower()]
        except KeyError:
            raise KeyError('no domain %r; domains are %s' % (name, list(self._domains))) from None

    def domain_url(self, name: str | None = None) -> str:
        """The loopback URL a domain listens on (None: the first domain, which is ``url``)."""
        return self._url_for(self._domain(name).port)

    def domains(self) -> dict[str, dict[str, Any]]:
        """{name: {url, port, behaviour}} for every domain (the unnamed default domain is ``''``)."""
        return {domain.name: {'url': self._url_for(domain.port), 'port': domain.port, 'behaviour': domain.behaviour}
                for domain in self._domains.values()}

    def resolve_map(self) -> dict[str, int | None]:
        """For the loopback resolver shim: each named domain -> its port, or None when its behaviour is ``dns``."""
        return {domain.name: (None if domain.behaviour == 'dns' else domain.port)
                for domain in self._domains.values() if domain.name}

    def set_domain(self, name: str | None, behaviour: str) -> None:
        """Switch a domain between ok, refuse (listener closed, port kept), hang, reset and dns (see the module doc)."""
        if behaviour not in DOMAIN_BEHAVIOURS:
            raise ValueError('behaviour must be one of %s, not %r' % (', '.join(DOMAIN_BEHAVIOURS), behaviour))
        with self._domain_lock:
            domain = self._domain(name)
            before, domain.behaviour = domain.behaviour, behaviour
            if not self._started or before == behaviour:
                return
            if behaviour == 'refuse':
                self._close_listener(domain)
            elif before == 'refuse':
                self._listen(domain)
            self._server, self._thread = self._first().server, self._first().thread

    def start(self) -> 'AgoraSimulator':
        with self._domain_lock:
            self._stopping.clear()
            self._ssl_context = self._make_ssl_context() if self.tls else None
            for index, domain in enumerate(self._domains.values()):
                domain.port = self.port if index == 0 else domain.port
                if domain.behaviour == 'refuse':
                    domain.placeholder = self._placeholder(domain.port)
                    domain.port = domain.placeholder.getsockname()[1]
                else:
                    self._listen(domain)
            self._started = True
            first = self._first()
            self.port = first.port
            self._server, self._thread = first.server, first.thread
        return self

    def stop(self) -> None:
        if self.storage_writer is not None:
            self.storage_writer.close()
        with self._domain_lock:
            self._stopping.set()
            for domain in self._domains.values():
                self._close_listener(domain, keep_port=False)
            self._started = False
            self._server = self._thread = None
            if self._own_cert_dir:
                shutil.rmtree(self._own_cert_dir, ignore_errors=True)
                self._own_cert_dir = None

    def _listen(self, domain: _Domain) -> None:
        server_class = _IPv6Server if ':' in self.host else _Server
        server = server_class((self.host, domain.port), self, domain, self._ssl_context)
        try:
            try:
                server.server_bind()   # beside the placeholder: both have SO_REUSEADDR and neither listens
            except OSError:
                if domain.placeholder is None:
                    raise
                domain.placeholder.close()
                domain.placeholder = None
                server.server_bind()
            server.server_activate()
        except OSError:
            server.server_close()
            raise
        if domain.placeholder is not None:
            domain.placeholder.close()
            domain.placeholder = None
        domain.server, domain.port = server, server.server_address[1]
        domain.thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True,
                                         name='agora-simulator-%s' % (domain.name or 'default'))
        domain.thread.start()

    def _close_listener(self, domain: _Domain, keep_port: bool = True) -> None:
        """Stop accepting on the domain's port (kept bound, not listening, so connects are refused) and cut its connections."""
        if domain.server is not None:
            domain.server.shutdown()
            domain.server.server_close()
            domain.server = None
            if keep_port:
                domain.placeholder = self._placeholder(domain.port)
        if not keep_port and domain.placeholder is not None:
            domain.placeholder.close()
            domain.placeholder = None
        domain.cut_connections()

    def _placeholder(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET6 if ':' in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, port))
        return sock

    def _make_ssl_context(self) -> ssl.SSLContext:
        if self.tls is True:
            cert_file, key_file = self._make_certificates()
        else:
            cert_file, key_file = self.tls  # type: ignore[misc]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context

    def _make_certificates(self) -> tuple[str, str]:
        """A CA and a server certificate it signs, for loopback and every domain name; returns (cert, key) files."""
        directory = self.cert_dir
        if directory is None:
            directory = self._own_cert_dir = tempfile.mkdtemp(prefix='agora-simulator-tls-')
        os.makedirs(directory, exist_ok=True)
        names = [name for name in self._domains if name]
        ca_pem, cert_pem, key_pem = make_certificates(names)
        paths = [os.path.join(directory, name) for name in ('ca.pem', 'server-cert.pem', 'server-key.pem')]
        for path, data in zip(paths, (ca_pem, cert_pem, key_pem)):
            with open(path, 'wb') as handle:
                handle.write(data)
        os.chmod(paths[2], 0o600)
        self.ca_bundle = paths[0]
        return paths[1], paths[2]

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests_for(self, action: str) -> list[Received]:
        return [item for item in self.received if _action_of(item.method, item.path) == action]

    def seed(self, app_id: str = DEMO_APP_ID, mode: str = 'mix', cname: str | None = None, uid: str = '527841',
             resource_id: str | None = None, **attributes: Any) -> Recording:
        """Create a running recording without acquire/start requests (for tests and --seed); ``resource_id`` and a
        ``sid`` among ``attributes`` give it identities written elsewhere (a document's example)."""
        with self._lock:
            resource_id = self._new_resource(app_id, cname or 'channel-%d' % (len(self._recordings) + 1), uid, resource_id)
            recording = self._new_recording(app_id, resource_id, mode, {}, **attributes)
        return recording

    def fail_over(self, sid: str, seconds: float) -> None:
        """For ``seconds`` from now the recording answers Agora's 404 to query and stop (and a stop does not stop it)."""
        with self._lock:
            self._recordings[sid].failover_until = time.monotonic() + seconds

    def expire(self, sid_or_resource_id: str) -> None:
        """Let a resource ID (or the one of a recording) expire now: query and stop answer 433."""
        with self._lock:
            recording = self._recordings.get(sid_or_resource_id)
            resource_id = recording.resource_id if recording is not None else sid_or_resource_id
            self._resources[resource_id]['expires_at'] = time.monotonic()

    def set_channel_publishing(self, cname: str, publishing: bool) -> None:
        """Somebody publishes in the channel again, or nobody does any more (its idle time starts now)."""
        now = time.monotonic()
        with self._lock:
            if publishing:
                self.empty_channels.discard(cname)
            else:
                self.empty_channels.add(cname)
            for recording in self._recordings.values():
                if recording.cname == cname and recording.publishing != publishing:
                    recording.publishing = publishing
                    recording.idle_since = now

    def stats(self) -> dict[str, Any]:
        """Counts for benchmarks: requests, 429s, stops, recordings still running, requests per domain, the most
        requests handled at once, per App ID the most requests answered in any sliding one-second window;
        ``slowest_upload``: the longest upload time (seconds) among the recordings a stop stopped while somebody
        published (0.0 when none was); ``request_span``: per App ID, the seconds from its first request received to its
        last (429s included: the pace a client kept); ``busy_seconds``: from the first request received to the last
        answer sent (0.0 before any answer), the part of a run the server saw; ``actions``: requests per action
        (acquire, start, query, stop; ``None`` for a path no route matches)."""
        with self._lock:
            still = sum(1 for item in self._recordings.values() if self._current_state(item) == 'recording')
            per_domain = collections.Counter(item.domain for item in self.received)
            per_action = collections.Counter(_action_of(item.method, item.path.split('?', 1)[0]) for item in self.received)
            # A stop that started an upload set upload_until (a monotonic time, never 0); idle exits and stops in an
            # empty channel upload nothing.
            slowest_upload = max((item.upload_seconds for item in self._recordings.values() if item.upload_until), default=0.0)
            arrivals: dict[str, list[float]] = collections.defaultdict(list)
            for item in self.received:
                route = _route(item.method, item.path.split('?', 1)[0])
                if route is not None:
                    arrivals[route[1]['app_id']].append(item.time)
            first_received = min((item.time for item in self.received), default=None)
        with self._stats_lock:
            busiest = {app_id: _busiest_second(times) for app_id, times in self._answered.items()}
            max_in_flight = self._max_in_flight
            last_answer = max((moment for times in self._answered.values() for moment in times), default=None)
        busy = 0.0
        if first_received is not None and last_answer is not None:
            # Received times are wall-clock (time.time), answers monotonic: the last answer goes onto the wall clock.
            busy = max(0.0, time.time() - (time.monotonic() - last_answer) - first_received)
        return {'requests': len(self.received), 'rate_limited': self.rate_limited, 'stops': len(self.requests_for('stop')),
                'still_recording': still, 'max_in_flight': max_in_flight,
                'domains': {name: per_domain.get(name, 0) for name in self._domains}, 'busiest_second': busiest,
                'slowest_upload': slowest_upload,
                'request_span': {app_id: max(times) - min(times) for app_id, times in arrivals.items()},
                'busy_seconds': busy, 'actions': {str(action): count for action, count in per_action.items()}}

    def recording(self, sid: str) -> Recording:
        with self._lock:
            recording = self._recordings[sid]
            self._current_state(recording)
        return recording

    def recordings(self) -> list[Recording]:
        with self._lock:
            for recording in self._recordings.values():
                self._current_state(recording)
            return list(self._recordings.values())

    # -- state -----------------------------------------------------------------------------------------------------

    def _new_resource(self, app_id: str, cname: str, uid: str, resource_id: str | None = None) -> str:
        resource_id = resource_id or base64.urlsafe_b64encode(uuid.uuid4().bytes * 4).decode('ascii').rstrip('=')
        self._resources[resource_id] = {'app_id': app_id, 'cname': cname, 'uid': uid, 'expires_at': self._expiry(),
                                        'start_by': time.monotonic() + self.resource_ttl, 'sid': None}
        return resource_id

    def _expiry(self) -> float | None:
        return None if self.resource_expiry is None else time.monotonic() + self.resource_expiry

    def _draw_upload_time(self) -> float:
        if self.upload_time is None:
            return float(self.upload_delay)
        return self._draw_time(self.upload_time)

    def _draw_time(self, seconds: float | tuple[float, float]) -> float:
        """Seconds, fixed or drawn uniformly from ``(low, high)``."""
        if isinstance(seconds, (tuple, list)):
            low, high = seconds
            return self.random.uniform(low, high)
        return float(seconds)

    def _new_recording(self, app_id: str, resource_id: str, mode: str, client_request: dict[str, Any],
                       **attributes: Any) -> Recording:
        resource = self._resources[resource_id]
        # Agora counts resourceExpiredHour from the moment the recording starts (acquire reference).
        resource['expires_at'] = self._expiry()
        resource['start_by'] = None
        recording = Recording(app_id, resource_id, uuid.uuid4().hex, mode, resource['cname'], resource['uid'],
                              int(time.time() * 1000), file_list_mode=_file_list_mode(mode, client_request),
                              publishing=resource['cname'] not in self.empty_channels,
                              upload_seconds=self._draw_upload_time(), idle_since=time.monotonic())
        for key, value in attributes.items():
            setattr(recording, key, value)
        self._recordings[recording.sid] = recording
        resource['sid'] = recording.sid
        if self.storage_writer is not None:
            self.storage_writer.started(recording, client_request)
        return recording

    def _current_state(self, recording: Recording) -> str:
        now = time.monotonic()
        if (recording.state == 'recording' and self.idle_exit is not None and not recording.publishing
                and now - recording.idle_since >= self.idle_exit):
            recording.state = 'ended'   # maxIdleTime: the recorder left the empty channel by itself
        if recording.state == 'exiting' and now >= recording.exit_until:
            recording.state = 'ended'
        return recording.state

    def _take_fault(self, action: str, params: dict[str, str], domain: str | None = None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(action, params, domain):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def _note_received(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def _enter(self) -> None:
        with self._stats_lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._stats_lock:
            self._in_flight -= 1

    def _note_answer(self, app_id: str | None) -> None:
        if app_id is not None:
            with self._stats_lock:
                self._answered[app_id].append(time.monotonic())

    # -- answers ---------------------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        """Answer one API request: (status, JSON body, extra headers). Faults are applied by the HTTP layer.

        A synchronous stop's wait for its upload is not taken here (see ``respond``)."""
        status, answer, extra, dummy_wait = self.respond(method, path, headers, body)
        return status, answer, extra

    def respond(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str], float]:
        """Like ``handle``, plus the seconds to wait before answering (a synchronous stop waiting for its upload)."""
        # Agora's gateway matches the route before it checks credentials.
        route = _route(method, path)
        if route is None:
            return 404, GATEWAY_NO_ROUTE, {}, 0.0
        if not headers.get('authorization'):
            return 401, UNAUTHORIZED, {}, 0.0
        if not self._authorized(headers['authorization']):
            return 401, BAD_CREDENTIALS, {}, 0.0
        if self._over_rate_limit(route[1]['app_id']):
            return 429, RATE_LIMITED, {}, 0.0
        action, params = route
        request_id = {'X-Request-ID': uuid.uuid4().hex}
        with self._lock:
            result = getattr(self, '_' + action)(params, body if isinstance(body, dict) else {})
        status, answer, wait = result if len(result) == 3 else (result[0], result[1], 0.0)
        return status, answer, request_id, wait

    def _over_rate_limit(self, app_id: str) -> bool:
        """A sliding one-second window per App ID, like Agora's gateway; answered requests count, refused ones not."""
        if not self.rate_limit:
            return False
        now = time.monotonic()
        with self._lock:
            recent = self._recent[app_id]
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            if len(recent) >= self.rate_limit:
                self.rate_limited += 1
                return True
            recent.append(now)
        return False

    def _authorized(self, header: str) -> bool:
        scheme, dummy, encoded = header.partition(' ')
        if scheme.lower() != 'basic':
            return False
        try:
            given = base64.b64decode(encoded, validate=True).decode('utf-8')
        except (ValueError, UnicodeDecodeError):
            return False
        return given == '%s:%s' % self.credentials

    def _expired(self, resource: dict[str, Any] | None) -> bool:
        return resource is not None and resource.get('expires_at') is not None and time.monotonic() >= resource['expires_at']

    def _acquire(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        cname, uid = body.get('cname'), body.get('uid')
        client_request = body.get('clientRequest', {})
        if not isinstance(cname, str) or not cname or not _is_uid(uid) or not isinstance(client_request, dict):
            return 400, {'code': 2, 'reason': 'invalid parameter'}
        hours = client_request.get('resourceExpiredHour', 72)
        if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 720 or client_request.get('scene', 0) not in (0, 1, 2):
            return 400, {'code': 2, 'reason': 'invalid parameter'}
        if self.max_concurrent is not None and self._running(params['app_id']) >= self.max_concurrent:
            return 400, {'code': 406, 'reason': 'vendor_over_load'}
        resource_id = self._new_resource(params['app_id'], cname, uid)
        return 200, {'cname': cname, 'uid': uid, 'resourceId': resource_id}

    def _running(self, app_id: str, cname: str | None = None, uid: str | None = None) -> int:
        """Recordings of the App ID (and channel and uid, when given) that run or are ending."""
        return sum(1 for recording in self._recordings.values()
                   if recording.app_id == app_id and (cname is None or (recording.cname, recording.uid) == (cname, uid))
                   and self._current_state(recording) != 'ended')

    def _start(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any, float]:
        resource = self._resources.get(params['resource_id'])
        if resource is None:
            return 400, {'code': 1001, 'reason': 'failed to parse resource id'}, 0.0
        if resource['app_id'] != params['app_id']:
            return 400, {'code': 1003, 'reason': 'appid mismatch'}, 0.0
        if resource['sid'] is not None:
            # The same resource ID started twice (start reference: "do not repeat start with the same resource ID").
            # Agora's documented body carries the code alone; the identity is this simulator's, as on its other errors.
            return 201, {'code': 7, 'reason': 'already started', 'cname': resource['cname'], 'uid': resource['uid'],
                         'resourceId': params['resource_id'], 'sid': resource['sid']}, 0.0
        if self._expired(resource) or time.monotonic() >= resource['start_by']:
            return 400, dict(RESOURCE_EXPIRED), 0.0
        if (body.get('cname'), body.get('uid')) != (resource['cname'], resource['uid']):
            return 400, {'code': 432, 'reason': 'request parameters mismatch'}, 0.0
        if self._running(params['app_id'], resource['cname'], resource['uid']):
            return 400, {'code': 53, 'reason': 'task conflict'}, 0.0
        client_request = body.get('clientRequest')
        if not _valid_start_request(client_request, params['mode']):
            return 400, {'code': 2, 'reason': 'invalid parameter'}, 0.0
        recording = self._new_recording(params['app_id'], params['resource_id'], params['mode'], client_request)
        self._notify('started', recording)
        return 200, {'cname': recording.cname, 'uid': recording.uid, 'resourceId': recording.resource_id,
                     'sid': recording.sid}, self._draw_time(self.start_time)

    def _not_found(self, action: str, params: dict[str, str], body: dict[str, Any], recording: Recording | None) -> tuple[int, Any]:
        if self.classic_404:
            return 404, dict(NOT_FOUND_WORKER)
        if recording is not None:
            cname, uid = recording.cname, recording.uid
        else:
            resource = self._resources.get(params['resource_id']) or {}
            cname, uid = body.get('cname', resource.get('cname', '')), body.get('uid', resource.get('uid', ''))
        return 404, not_found_body(cname if isinstance(cname, str) else '', uid if isinstance(uid, str) else '',
                                   params['resource_id'], params['sid'], action)

    def _find(self, action: str, params: dict[str, str], body: dict[str, Any]) -> tuple[Recording | None, tuple[int, Any] | None]:
        """The recording a query or stop names, or the error Agora gives."""
        if self._expired(self._resources.get(params['resource_id'])):
            # resourceExpiredHour has run out: query and stop are impossible (the recording itself may run on).
            return None, (400, dict(RESOURCE_EXPIRED))
        recording = self._recordings.get(params['sid'])
        if recording is None or self._current_state(recording) == 'ended':
            return None, self._not_found(action, params, body, recording)
        if recording.resource_id != params['resource_id'] or recording.app_id != params['app_id']:
            return None, (400, {'code': 1003, 'reason': 'resource id mismatch with appid or sid'})
        if recording.mode != params['mode'] or time.monotonic() < recording.failover_until:
            return None, self._not_found(action, params, body, recording)
        return recording, None

    def _query(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        recording, error = self._find('query', params, body)
        if error:
            return error
        status = 5 if recording.state == 'recording' else 6
        return 200, dict(recording.identity(), serverResponse=self._server_response(recording, status=status))

    def _stop(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any, float]:
        recording, error = self._find('stop', params, body)
        if error:
            return error[0], error[1], 0.0
        if (body.get('cname'), body.get('uid')) != (recording.cname, recording.uid):
            return 400, {'code': 432, 'reason': 'request parameters mismatch'}, 0.0
        if recording.state == 'exiting':
            return 400, {'code': 49, 'reason': 'repeated stop request'}, 0.0
        now = time.monotonic()
        recording.state = 'exiting'
        self._notify('stopped', recording)
        if not recording.publishing:
            recording.exit_until = now + self.exit_seconds
            self._current_state(recording)
            return 206, dict(recording.identity(), code=435, reason='no recorded data'), 0.0
        # The task exits once its files are uploaded (or after exit_seconds, whichever is later).
        upload = recording.upload_seconds
        recording.upload_until = now + upload
        recording.exit_until = now + max(self.exit_seconds, upload)
        self._current_state(recording)
        if self.storage_writer is not None:
            self.storage_writer.stopped(recording, upload)
        if _async_stop(body):
            return 200, dict(recording.identity(), serverResponse={}), 0.0
        if upload > self.upload_window:
            # Past the window Agora answers while the upload goes on: 206 code 50 (the body is inferred, see the docs).
            return 206, dict(recording.identity(), code=50, reason='upload timeout',
                             serverResponse=self._server_response(recording)), self.upload_window
        return 200, dict(recording.identity(), serverResponse=self._server_response(recording, upload=True)), upload

    def _notify(self, what: str, recording: Recording) -> None:
        if self.notifier is not None:
            self.notifier(what, recording)

    def _server_response(self, recording: Recording, upload: bool = False, status: int | None = None) -> dict[str, Any]:
        """serverResponse for query (``status`` given) or stop (``upload``: say the upload state)."""
        files = _files(recording)
        if recording.mode == 'web':
            web_state = 'inProgress' if status == 5 else 'exit'
            services = [{'serviceName': 'web_recorder_service',
                         self.web_payload_key: {'fileList': [{'filename': item['fileName'],
                                                              'sliceStartTime': item['sliceStartTime']} for item in files],
                                                'onhold': False, 'state': web_state}}]
            if upload:
                services.insert(0, {'serviceName': 'upload_service',
                                    self.web_payload_key: {'uploadingStatus': recording.upload_status}})
            response: dict[str, Any] = {'extensionServiceState': services}
        elif recording.file_list_mode == 'string':
            response = {'fileListMode': 'string', 'fileList': files[0]['fileName']}
        elif recording.file_list_mode == 'json':
            response = {'fileListMode': 'json', 'fileList': files}
        else:
            response = {}
        if status is not None:
            response.update(status=status, sliceStartTime=recording.started_ms)
        elif upload and recording.mode != 'web':
            response['uploadingStatus'] = recording.upload_status
        return response


def make_certificates(names: Iterable[str] = ()) -> tuple[bytes, bytes, bytes]:
    """(CA certificate, server certificate, server key) as PEM; the server's for loopback and ``names``. Needs cryptography."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    valid = dict(not_valid_before=now - datetime.timedelta(hours=1), not_valid_after=now + datetime.timedelta(days=7))

    def usage(**flags: bool) -> x509.KeyUsage:
        keys = ('digital_signature', 'content_commitment', 'key_encipherment', 'data_encipherment', 'key_agreement',
                'key_cert_sign', 'crl_sign', 'encipher_only', 'decipher_only')
        return x509.KeyUsage(**{key: flags.get(key, False) for key in keys})

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'Agora simulator test CA %s' % uuid.uuid4().hex[:8])])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(valid['not_valid_before']).not_valid_after(valid['not_valid_after'])
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    alternatives: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address('127.0.0.1')),
                                            x509.IPAddress(ipaddress.ip_address('::1')), x509.DNSName('localhost')]
    alternatives += [x509.DNSName(name) for name in names if name and name != 'localhost']
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'agora-simulator')]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(valid['not_valid_before']).not_valid_after(valid['not_valid_after'])
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (ca_cert.public_bytes(pem), cert.public_bytes(pem),
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def _busiest_second(times: list[float]) -> int:
    """The most entries in any sliding window of one second."""
    ordered = sorted(times)
    best = first = 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def _file_list_mode(mode: str, client_request: dict[str, Any]) -> str:
    if mode == 'individual' and 'snapshotConfig' in client_request:
        return 'none'
    file_config = client_request.get('recordingFileConfig') or {}
    kinds = file_config.get('avFileType') or ['hls']
    if mode == 'mix' and 'mp4' not in kinds:
        return 'string'
    return 'json'


def _files(recording: Recording) -> list[dict[str, Any]]:
    base = '%s_%s' % (recording.sid, recording.cname)
    if recording.mode == 'individual':
        return [{'fileName': '%s__uid_s_%s__uid_e_%s.m3u8' % (base, user, kind), 'trackType': track,
                 'uid': user, 'mixedAllUser': False, 'isPlayable': True, 'sliceStartTime': recording.started_ms}
                for user in ('1001', '1002') for kind, track in (('audio', 'audio'), ('video', 'video'))]
    if recording.mode == 'web':
        return [{'fileName': '%s_0.mp4' % base, 'sliceStartTime': recording.started_ms}]
    return [{'fileName': base + suffix, 'trackType': 'audio_and_video', 'uid': '0', 'mixedAllUser': True,
             'isPlayable': True, 'sliceStartTime': recording.started_ms} for suffix in ('.m3u8', '_0.mp4')]


def _is_uid(value: Any) -> bool:
    """Agora's uid: a string of digits, 1 to 2^32 - 1 (acquire reference)."""
    return isinstance(value, str) and value.isdigit() and 1 <= int(value) <= 2 ** 32 - 1


def _valid_start_request(client_request: Any, mode: str) -> bool:
    """start's clientRequest as Agora's start reference asks: storageConfig whole; web needs extensionServiceConfig."""
    if not isinstance(client_request, dict) or not isinstance(client_request.get('storageConfig'), dict):
        return False
    storage = client_request['storageConfig']
    if not all(isinstance(storage.get(key), int) and not isinstance(storage.get(key), bool) for key in ('vendor', 'region')):
        return False
    if not all(isinstance(storage.get(key), str) and storage.get(key) for key in ('bucket', 'accessKey', 'secretKey')):
        return False
    return mode != 'web' or isinstance(client_request.get('extensionServiceConfig'), dict)


def _async_stop(body: Any) -> bool:
    client_request = body.get('clientRequest') if isinstance(body, dict) else None
    return isinstance(client_request, dict) and client_request.get('async_stop') is True


def _route(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    for route_method, action, pattern in ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            return action, match.groupdict()
    return None


def _action_of(method: str, path: str) -> str | None:
    route = _route(method, path)
    return route[0] if route else None


class _Server(http.server.ThreadingHTTPServer):
    """One domain's listener: a thread per connection, TLS handshakes in that thread, never in the accept loop."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG   # hundreds of clients may connect at once

    def __init__(self, address: tuple[str, int], simulator: AgoraSimulator, domain: _Domain,
                 ssl_context: ssl.SSLContext | None) -> None:
        self.simulator = simulator
        self.domain = domain
        self.ssl_context = ssl_context
        super().__init__(address, _Handler, bind_and_activate=False)

    def server_bind(self) -> None:
        # Not HTTPServer.server_bind: it looks the host up (getfqdn), and the simulator never asks a resolver.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[0], self.server_address[1]

    def finish_request(self, request: Any, client_address: Any) -> None:
        conn = request
        self.domain.track(request)
        try:
            if self.ssl_context is not None:
                request.settimeout(HANDSHAKE_TIMEOUT)
                try:
                    conn = self.ssl_context.wrap_socket(request, server_side=True)   # the handshake, in this thread
                except (OSError, ValueError):
                    return   # an untrusting or silent client: its connection ends, the server goes on
                finally:
                    self.domain.untrack(request)
                self.domain.track(conn)
                conn.settimeout(None)
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            self.domain.untrack(conn)
            if conn is not request:
                self.shutdown_request(conn)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return   # a client that went away, or a connection the simulator cut
        super().handle_error(request, client_address)


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'agora-simulator'
    # Headers and body go out in one write; this also stops Nagle's algorithm delaying small answers.
    disable_nagle_algorithm = True
    server: _Server
    _app_id: str | None = None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        """Quiet: tests read ``received`` instead."""

    def do_GET(self) -> None:
        self._serve('GET')

    def do_POST(self) -> None:
        self._serve('POST')

    def _serve(self, method: str) -> None:
        simulator, domain = self.server.simulator, self.server.domain
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode('utf-8', errors='replace')
        headers = {key.lower(): value for key, value in self.headers.items()}
        simulator._note_received(Received(time.time(), method, self.path, headers, body, domain.name))
        simulator._enter()
        try:
            self._answer(simulator, domain, method, headers, body)
        finally:
            simulator._leave()

    def _answer(self, simulator: AgoraSimulator, domain: _Domain, method: str, headers: dict[str, str], body: Any) -> None:
        behaviour = domain.behaviour
        if behaviour == 'hang':
            self._hang()
            return
        if behaviour in ('reset', 'refuse'):   # refuse: a connection kept alive from before the listener closed
            self._reset()
            return
        route = _route(method, self.path)
        self._app_id = route[1]['app_id'] if route else None
        fault = simulator._take_fault(route[0], route[1], domain.name) if route else None
        if simulator.latency:
            simulator._stopping.wait(simulator.latency)
        if fault is not None and fault.replaces and not fault.after:
            self._apply_fault(fault, None)
            return
        status, answer, extra, wait = simulator.respond(method, self.path, headers, body)
        if wait:
            simulator._stopping.wait(wait)   # a synchronous stop waiting for its upload; the state lock is free meanwhile
        own = (status, json.dumps(answer).encode('utf-8'), 'application/json', extra)
        if fault is not None:
            self._apply_fault(fault, own)
            return
        self._write(*own)

    def _apply_fault(self, fault: Fault, own: tuple[int, bytes, str, dict[str, str]] | None) -> None:
        if fault.delay:
            self.server.simulator._stopping.wait(fault.delay)
        if fault.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.reset:
            self._reset()
            return
        if fault.echo_auth:
            echoed = dict(self.headers.items())
            headers = dict(fault.headers)
            if self.headers.get('Authorization') is not None:
                headers['X-Echo-Authorization'] = self.headers['Authorization']
            status = fault.status if fault.status is not None else 400
            answer = (status, json.dumps({'message': 'bad request', 'echo': echoed}).encode('utf-8'), 'application/json', headers)
        elif fault.status is not None:
            if fault.body is None:
                payload = b''
            elif isinstance(fault.body, str):
                payload = fault.body.encode('utf-8')
            else:
                payload = json.dumps(fault.body).encode('utf-8')
            answer = (fault.status, payload, fault.content_type, dict(fault.headers))
        elif own is not None:
            answer = (own[0], own[1], own[2], dict(own[3], **fault.headers))
        else:
            raise ValueError('a fault needs a status unless it drops or resets the connection')
        self._write(*answer, truncate=fault.truncate, trickle=fault.trickle, framing=fault.framing,
                    trickle_body=fault.trickle_body)

    def _write(self, status: int, payload: bytes, content_type: str, headers: dict[str, str],
               truncate: bool = False, trickle: float = 0.0, framing: str = 'keep-alive', trickle_body: bool = False) -> None:
        """The answer in one write (headers and body together), unless it is truncated on purpose or trickled."""
        if truncate:
            payload = payload or b'{"padding": "' + b'x' * 64 + b'"}'
        headers = dict({'Content-Type': content_type, 'Content-Length': str(len(payload))}, **headers)
        if framing == 'close':
            headers['Connection'] = 'close'
        elif framing == 'http10':
            del headers['Content-Length']   # the end of the connection ends the body
        if truncate:
            payload = payload[:len(payload) // 2]
        version = 'HTTP/1.0' if framing == 'http10' else 'HTTP/1.1'
        lines = ['%s %d %s' % (version, status, self.responses.get(status, ('',))[0])]
        lines += ['%s: %s' % item for item in headers.items()]
        data = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + payload
        self.server.simulator._note_answer(self._app_id)
        try:
            if trickle:
                self._trickle(data, trickle, data.index(b'\r\n\r\n') + 4 if trickle_body else 0)
            else:
                self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client gave up (its timeout): nothing to answer to
            return
        if truncate or framing != 'keep-alive':
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _trickle(self, data: bytes, seconds_per_byte: float, at_once: int = 0) -> None:
        stopping = self.server.simulator._stopping
        self.connection.sendall(data[:at_once])
        for index in range(at_once, len(data)):
            self.connection.sendall(data[index:index + 1])   # raises once the client has gone: the caller stops quietly
            if index + 1 < len(data) and stopping.wait(seconds_per_byte):
                self.close_connection = True
                return

    def _reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0), answering nothing."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        except OSError:
            pass
        self.rfile.close()   # drops the reader's hold on the socket, so close() really closes it now
        try:
            self.connection.close()
        except OSError:
            pass

    def _hang(self) -> None:
        """Never answer: wait until the client gives up (closes), the simulator stops, or HANG_LIMIT passes."""
        self.close_connection = True
        sock, stopping = self.connection, self.server.simulator._stopping
        deadline = time.monotonic() + HANG_LIMIT
        sock.settimeout(0.1)
        while not stopping.is_set() and time.monotonic() < deadline:
            try:
                if not sock.recv(4096):
                    return   # the client closed its side
            except socket.timeout:   # TimeoutError from Python 3.10 on
                continue
            except OSError:
                return


def _upload_time(text: str) -> float | tuple[float, float]:
    """``2`` (seconds) or ``2-20`` (uniform between)."""
    low, dash, high = text.partition('-')
    try:
        values = (float(low), float(high)) if dash else (float(low),)
    except ValueError:
        raise argparse.ArgumentTypeError('expected SECONDS or LOW-HIGH, got %r' % text) from None
    if any(value < 0 for value in values) or (dash and values[0] > values[1]):
        raise argparse.ArgumentTypeError('expected SECONDS or LOW-HIGH with 0 <= LOW <= HIGH, got %r' % text)
    return values if dash else values[0]  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description='Serve a simulator of Agora\'s Cloud Recording API on loopback.')
    parser.add_argument('--host', default='127.0.0.1', choices=LOOPBACK_HOSTS)
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port (the first domain\'s port)')
    parser.add_argument('--customer-id', default='demo-customer-id')
    parser.add_argument('--customer-secret', default='demo-customer-secret')
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every answer')
    parser.add_argument('--rate-limit', type=int, default=0, help='requests per second per App ID (0: no limit)')
    parser.add_argument('--upload-delay', type=float, default=0.0, help='seconds a synchronous stop takes (older name)')
    parser.add_argument('--upload-time', type=_upload_time, help='seconds each upload takes after stop: 2, or 2-20 '
                                                                 '(uniform per recording, see --random-seed)')
    parser.add_argument('--upload-window', type=float, default=UPLOAD_WINDOW,
                        help='a synchronous stop whose upload takes longer answers 206 code 50 after this many seconds')
    parser.add_argument('--random-seed', type=int, help='seed of the simulator\'s random draws (upload times, seeded uids)')
    parser.add_argument('--exit-seconds', type=float, default=0.0, help='seconds a stopped task stays "exiting"')
    parser.add_argument('--classic-404', action='store_true',
                        help='answer 404 {"code": 404, "reason": ...} instead of the real body with serverResponse')
    parser.add_argument('--idle-exit', type=float, help='seconds after which a recording in an empty channel exits')
    parser.add_argument('--resource-expiry', type=float, help='seconds after which a resource ID answers 433')
    parser.add_argument('--resource-ttl', type=float, default=RESOURCE_TTL,
                        help='seconds after acquire within which start must come (Agora: 300); later, 433')
    parser.add_argument('--start-time', type=_upload_time, default=0.0,
                        help='seconds each start takes to answer: 1, or 1-3 (uniform per start, see --random-seed)')
    parser.add_argument('--max-concurrent', type=int,
                        help='recordings an App ID may run at once; acquire answers 400 code 406 beyond')
    parser.add_argument('--tls', action='store_true', help='HTTPS with a CA of its own ("ca_bundle" in the ready file)')
    parser.add_argument('--cert-dir', help='where --tls writes ca.pem, server-cert.pem, server-key.pem (default: a temp dir)')
    parser.add_argument('--domain', action='append', default=[], metavar='NAME[=BEHAVIOUR]',
                        help='serve this API domain on a port of its own (repeatable; behaviours: %s)'
                             % ', '.join(DOMAIN_BEHAVIOURS))
    parser.add_argument('--seed', type=int, default=0, help='start with this many running recordings')
    parser.add_argument('--seed-app-id', action='append', metavar='APP_ID',
                        help='App ID of the seeded recordings (repeatable: recordings go to the App IDs in turn; '
                             'default: %s)' % DEMO_APP_ID)
    parser.add_argument('--empty-channel', action='append', default=[],
                        help='a channel where nobody publishes: its stop answers 206 code 435 (repeatable)')
    parser.add_argument('--lifetime', type=float, default=3600.0, help='stop serving after this many seconds')
    parser.add_argument('--stats-file', help='on exit (SIGTERM or --lifetime), write request counts here as JSON')
    parser.add_argument('--ready-file', help='write {"url": ..., "recordings": [...], "domains": {...}, "ca_bundle": ...} '
                                             'here once serving')
    parser.add_argument('--ncs-url', help='post signed NCS notices of what the recordings go through to this webhook '
                                          '(the NCS secret comes from the environment variable AGORA_NCS_SECRET)')
    parser.add_argument('--ncs-redeliver', action='store_true', help='post every NCS notice twice, as NCS resends it')
    parser.add_argument('--ncs-redundant', action='store_true', help='add a copy of every NCS notice under another noticeId')
    parser.add_argument('--ncs-ca-bundle', help='the CA bundle to verify an https --ncs-url with')
    agora_storage_writer.add_arguments(parser)
    args = parser.parse_args(argv)

    try:
        simulator = AgoraSimulator(args.customer_id, args.customer_secret, args.host, args.port, args.latency,
                                   exit_seconds=args.exit_seconds, rate_limit=args.rate_limit,
                                   upload_delay=args.upload_delay, tls=True if args.tls else None,
                                   classic_404=args.classic_404, upload_time=args.upload_time,
                                   upload_window=args.upload_window, random_seed=args.random_seed,
                                   idle_exit=args.idle_exit, resource_expiry=args.resource_expiry,
                                   domains=args.domain or None, cert_dir=args.cert_dir,
                                   resource_ttl=args.resource_ttl, start_time=args.start_time,
                                   max_concurrent=args.max_concurrent)
    except ValueError as error:
        parser.error(str(error))
    simulator.empty_channels.update(args.empty_channel)
    if args.ncs_url:
        if not os.environ.get('AGORA_NCS_SECRET'):
            parser.error('--ncs-url needs the NCS secret in the environment variable AGORA_NCS_SECRET')
        from agora_ncs_notifier import NcsNotifier  # pylint: disable=import-outside-toplevel  # beside this file
        simulator.notifier = NcsNotifier(args.ncs_url, os.environ['AGORA_NCS_SECRET'], redeliver=args.ncs_redeliver,
                                         redundant=args.ncs_redundant, ca_bundle=args.ncs_ca_bundle)
    simulator.storage_writer = agora_storage_writer.from_args(args)
    modes = ('individual', 'mix', 'web')
    uids = random.Random(args.random_seed)
    app_ids = args.seed_app_id or [DEMO_APP_ID]
    seeded = [simulator.seed(app_ids[index % len(app_ids)], modes[index % 3], 'seed-channel-%d' % (index + 1),
                             str(uids.randint(100000, 999999))).describe() for index in range(args.seed)]
    simulator.start()
    ready = json.dumps({'url': simulator.url, 'recordings': seeded, 'domains': simulator.domains(),
                        'ca_bundle': simulator.ca_bundle})
    if args.ready_file:
        # Written whole, then renamed: whoever waits for the file never reads half of it.
        with open(args.ready_file + '.tmp', 'w', encoding='utf-8') as handle:
            handle.write(ready)
        os.replace(args.ready_file + '.tmp', args.ready_file)
    print(ready, flush=True)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        time.sleep(args.lifetime)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        simulator.stop()
        if args.stats_file:
            with open(args.stats_file, 'w', encoding='utf-8') as handle:
                json.dump(simulator.stats(), handle)
    return 0


if __name__ == '__main__':
    sys.exit(main())

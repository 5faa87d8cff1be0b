# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The requests transport against small scripted servers on loopback: what reaches the wire, and every way of failing."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import (
    MAX_BODY_BYTES,
    Failure,
    RequestsTransport,
    TransportError,
)


class ScriptedServer:
    """Accepts connections on 127.0.0.1 and hands each to ``script(connection, request_bytes)``; ``tls``: an SSL
    context to serve HTTPS with."""

    def __init__(self, script, tls=None):
        self.script = script
        self.tls = tls
        self.accepted = 0
        self.requests = []
        self._sock = socket.socket()
        self._sock.bind(('127.0.0.1', 0))
        self._sock.listen(16)
        self.url = '%s://127.0.0.1:%d' % ('https' if tls else 'http', self._sock.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                connection, dummy_address = self._sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection):
        if self.tls is not None:
            try:
                connection = self.tls.wrap_socket(connection, server_side=True)
            except OSError:
                return
        with connection:
            while True:
                request = read_request(connection)
                if request is None:
                    return
                self.requests.append(request)
                if self.script(connection, request) == 'close':
                    return

    def close(self):
        self._sock.close()


def read_request(connection):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, dummy, body = data.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    headers = dict(line.split(': ', 1) for line in lines[1:])
    length = int(headers.get('Content-Length', 0))
    while len(body) < length:
        body += connection.recv(65536)
    return {'line': lines[0], 'headers': headers, 'body': body}


def reply(connection, status=200, body=b'{"sid": "s"}', headers=()):
    head = ['HTTP/1.1 %d X' % status, 'Content-Length: %d' % len(body), 'Content-Type: application/json', *headers]
    connection.sendall(('\r\n'.join(head) + '\r\n\r\n').encode('latin-1') + body)


@pytest.fixture
def server():
    servers = []

    def start(script):
        servers.append(ScriptedServer(script))
        return servers[-1]

    yield start
    for item in servers:
        item.close()


@pytest.fixture
def transport():
    made = RequestsTransport('customer-id', 'customer-secret', validate_certs=True, max_connections=4)
    yield made
    made.close()


def failure_of(transport, url, timeout=5.0):
    with pytest.raises(TransportError) as caught:
        transport.send('POST', url + '/stop', {'a': 1}, timeout)
    return caught.value


def test_the_request_on_the_wire(server, transport):
    srv = server(lambda connection, request: reply(connection, 200, b'{"sid": "s1"}', ['X-Request-ID: req-1', 'Retry-After: 3']))
    result = transport.send('POST', srv.url + '/v1/x', {'cname': 'c', 'uid': '1'}, 5.0)
    (request,) = srv.requests
    assert request['line'] == 'POST /v1/x HTTP/1.1'
    assert request['headers']['Authorization'] == 'Basic ' + base64.b64encode(b'customer-id:customer-secret').decode()
    assert request['headers']['Content-Type'] == 'application/json'
    assert request['headers']['User-Agent'] == 'ansible-collection-agora.cloud_recording'
    assert json.loads(request['body']) == {'cname': 'c', 'uid': '1'}
    assert (result.status, result.body, result.request_id, result.retry_after) == (200, {'sid': 's1'}, 'req-1', 3.0)


def test_connections_are_reused(server, transport):
    srv = server(lambda connection, request: reply(connection))
    for dummy in range(3):
        transport.send('GET', srv.url + '/q', None, 5.0)
    assert (len(srv.requests), srv.accepted) == (3, 1)


def test_redirects_are_not_followed(server, transport):
    srv = server(lambda connection, request: reply(connection, 302, b'', ['Location: http://127.0.0.1:1/elsewhere']))
    assert transport.send('POST', srv.url + '/stop', None, 5.0).status == 302
    assert len(srv.requests) == 1


def test_refused(transport):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    error = failure_of(transport, 'http://127.0.0.1:%d' % port)
    assert (error.failure, error.may_have_acted, str(error)) == (Failure.REFUSED, False, 'connection refused')


def test_dns(transport, monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')

    monkeypatch.setattr(socket, 'getaddrinfo', no_such_host)
    error = failure_of(transport, 'https://api.sd-rtn.com')
    assert (error.failure, error.may_have_acted, str(error)) == (Failure.DNS, False, 'the host name could not be resolved (DNS)')


def test_closed_after_the_request_may_have_acted(server, transport):
    srv = server(lambda connection, request: 'close')
    error = failure_of(transport, srv.url)
    assert (error.failure, error.may_have_acted) == (Failure.CLOSED, True)
    assert str(error).startswith('the connection was closed before an answer arrived')


def test_answer_breaking_off_midway(server, transport):
    def half(connection, request):
        connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"sid": ')
        return 'close'

    error = failure_of(transport, server(half).url)
    assert (error.failure, error.may_have_acted) == (Failure.BROKEN, True)


def test_no_answer_within_the_timeout(server, transport):
    srv = server(lambda connection, request: time.sleep(3) or 'close')
    began = time.monotonic()
    error = failure_of(transport, srv.url, timeout=0.1)
    assert time.monotonic() - began < 1.1
    assert (error.failure, error.may_have_acted, str(error)) == (
        Failure.TIMEOUT, True, 'no answer within 0.1 s (timeout); the request may still have reached Agora')


def test_an_oversized_body_is_not_read_whole_and_is_not_json(server, transport):
    big = b'{"sid": "' + b'x' * (MAX_BODY_BYTES + 10) + b'"}'
    srv = server(lambda connection, request: reply(connection, 200, big) or 'close')
    result = transport.send('POST', srv.url + '/stop', None, 10.0)
    assert result.status == 200 and result.body is None and len(result.text) <= MAX_BODY_BYTES + 1


def test_a_deeply_nested_answer_is_not_json(server, transport):
    srv = server(lambda connection, request: reply(connection, 200, b'[' * 100000 + b']' * 100000))
    assert transport.send('POST', srv.url + '/stop', None, 5.0).body is None


def test_one_tls_context_per_ca_bundle_serves_every_connection(transport, monkeypatch, tmp_path):
    """A bundle from REQUESTS_CA_BUNDLE is loaded once, not into a new context for each connection."""
    import requests

    bundle = tmp_path / 'bundle.pem'
    bundle.write_text(open(requests.certs.where(), encoding='utf-8').read())
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(bundle))
    session = transport._session  # pylint: disable=protected-access
    adapter = session.get_adapter('https://api.sd-rtn.com')
    contexts = []
    for host in ('https://api.sd-rtn.com/x', 'https://api.agora.io/y'):
        request = requests.Request('POST', host).prepare()
        verify = session.merge_environment_settings(host, {}, None, True, None)['verify']
        dummy_host, pool_kwargs = adapter.build_connection_pool_key_attributes(request, verify)
        assert 'ca_certs' not in pool_kwargs and 'ca_cert_dir' not in pool_kwargs
        contexts.append(pool_kwargs['ssl_context'])
    assert contexts[0] is contexts[1] and contexts[0] is adapter.context_for(str(bundle))


def test_a_ca_bundle_that_cannot_be_read_is_not_retried(transport, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/nonexistent/bundle.pem')
    error = failure_of(transport, 'https://127.0.0.1:9')
    assert error.failure == Failure.TLS_VERIFY
    assert str(error).startswith('the CA bundle /nonexistent/bundle.pem cannot be used') and 'REQUESTS_CA_BUNDLE' in str(error)


def test_a_failed_tls_handshake_never_counts_as_sent(transport):
    """TLS spoken to a server that answers plain HTTP at once: the handshake fails, and the request never went out."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)

    def answer_plain_http():
        connection, dummy_address = listener.accept()
        with connection:
            connection.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
            time.sleep(0.5)

    threading.Thread(target=answer_plain_http, daemon=True).start()
    try:
        error = failure_of(transport, 'https://127.0.0.1:%d' % listener.getsockname()[1])
    finally:
        listener.close()
    assert (error.failure, error.may_have_acted) == (Failure.TLS, False)
    assert str(error).startswith('TLS failed (') and str(error).endswith('the request was not sent')


def test_a_deadline_that_passes_before_the_request_went_out_is_not_sent(server, transport):
    """A server that never finishes the TLS handshake: the deadline ends it, and nothing can have reached Agora."""
    srv = server(lambda connection, request: 'close')  # the ClientHello never ends a request line: it waits
    began = time.monotonic()
    error = failure_of(transport, srv.url.replace('http://', 'https://'), timeout=0.1)
    assert time.monotonic() - began < 1.1
    assert (error.failure, error.may_have_acted, str(error)) == (
        Failure.CONNECT, False, 'no connection within 0.1 s (timeout); the request was not sent')


@pytest.fixture(scope='module')
def tls_pair(tmp_path_factory):
    """A server context and a client CA bundle, from the simulator's certificate maker."""
    from agora_simulator import make_certificates

    directory = tmp_path_factory.mktemp('tls')
    ca_pem, cert_pem, key_pem = make_certificates()
    for name, data in (('ca.pem', ca_pem), ('cert.pem', cert_pem), ('key.pem', key_pem)):
        (directory / name).write_bytes(data)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(directory / 'cert.pem'), str(directory / 'key.pem'))
    return context, str(directory / 'ca.pem')


# How an answer can trickle: which part, under which framing. ``close``: HTTP/1.1 with ``Connection: close`` (http.client
# lets go of the socket once the headers are read); ``http10``: HTTP/1.0 without a length; ``keep-alive``: HTTP/1.1.
TRICKLES = [(phase, framing, seconds) for phase in ('headers', 'body') for framing in ('close', 'http10', 'keep-alive')
            for seconds in (0.1, 0.5, 2.0)]
DEADLINE = 0.3


def trickling_answer(phase, framing, seconds_per_byte):
    body = b'{"sid": "s", "padding": "' + b'x' * 200 + b'"}'
    head = {'close': 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n' % len(body),
            'http10': 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n',
            'keep-alive': 'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % len(body)}[framing].encode('latin-1')
    answer = head + body
    at_once = 0 if phase == 'headers' else len(head)

    def script(connection, request):
        try:
            connection.sendall(answer[:at_once])
            for index in range(at_once, len(answer)):   # bounded: the answer's length, and the server thread is a daemon
                connection.sendall(answer[index:index + 1])
                time.sleep(seconds_per_byte)
        except OSError:
            pass
        return 'close'
    return script


def test_a_trickling_answer_ends_within_the_deadline_whatever_its_framing(server, tls_pair, monkeypatch):
    """Every request ends within its timeout + 1 s: headers or body one byte at a time (0.1, 0.5 or 2 s apart), with
    ``Connection: close``, over HTTP/1.0 or kept alive, over HTTP and HTTPS. All cases run at once, so this takes about
    one deadline. A body trickled under ``Connection: close`` or HTTP/1.0 used to hold a request for minutes."""
    context, ca_bundle = tls_pair
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', ca_bundle)
    cases = [(trickle, tls) for trickle in TRICKLES for tls in (False, True)]

    def run(case):
        (phase, framing, seconds), tls = case
        srv = server(trickling_answer(phase, framing, seconds)) if not tls else ScriptedServer(
            trickling_answer(phase, framing, seconds), context)
        made = RequestsTransport('customer-id', 'customer-secret', validate_certs=True, max_connections=1)
        began = time.monotonic()
        try:
            made.send('POST', srv.url + '/stop', None, DEADLINE)
            outcome = 'answered'
        except TransportError as exc:
            outcome = exc.failure
        finally:
            made.close()
            if tls:
                srv.close()
        return case, outcome, time.monotonic() - began

    with ThreadPoolExecutor(len(cases)) as pool:
        results = list(pool.map(run, cases))
    for case, outcome, took in results:
        assert took < DEADLINE + 1.0, (case, outcome, took)
        assert outcome == Failure.TIMEOUT, (case, outcome)


@pytest.mark.parametrize('version, too_old', [('2.31.0', True), ('2.32.2', True), ('2.32.3', False), ('2.34.2', False),
                                              ('3.0.0.dev1', False)])
def test_a_requests_older_than_the_adapter_needs_is_named_with_what_to_install(monkeypatch, version, too_old):
    import requests

    from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import requests_too_old

    monkeypatch.setattr(requests, '__version__', version)
    message = requests_too_old()
    assert (message is not None) is too_old
    if too_old:
        assert 'needs requests 2.32.3 or later, found %s' % version in message and 'pip install "requests>=2.32.3"' in message


def test_a_read_timeout_while_the_body_streams_is_a_timeout():
    """requests raises a body's read timeout as a ConnectionError; under load the socket's own timeout can fire before
    the deadline's watchdog does. It was reported as "the connection was closed (TimeoutError)"."""
    import requests
    from urllib3.exceptions import ReadTimeoutError

    from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import classify_exception

    wrapped = requests.exceptions.ConnectionError(ReadTimeoutError(None, '/stop', 'Read timed out.'))
    error = classify_exception(wrapped, 2.0, sent=True)
    assert (error.failure, error.may_have_acted, str(error)) == (
        Failure.TIMEOUT, True, 'no answer within 2.0 s (timeout); the request may still have reached Agora')

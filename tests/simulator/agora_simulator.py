# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stateful simulator of Agora's Cloud Recording REST API, on loopback only.

It answers acquire, start, query and stop with the shapes of Agora's reference (docs/agora-api-facts.md), checks
HTTP Basic auth like Agora's gateway, and lets tests script faults, add latency and read back every request.

Standalone:  python tests/simulator/agora_simulator.py --port 8090 --seed 3
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
import signal
import socket
import ssl
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

LOOPBACK_HOSTS = ('127.0.0.1', '::1', 'localhost')
API_PREFIX = '/v1/apps/'
NOT_FOUND_WORKER = {'code': 404, 'reason': 'failed to find worker'}
GATEWAY_NO_ROUTE = {'message': 'no Route matched with those values'}
UNAUTHORIZED = {'message': 'Unauthorized'}
BAD_CREDENTIALS = {'message': 'Invalid authentication credentials'}
RATE_LIMITED = {'message': 'API rate limit exceeded'}

ROUTES = [
    ('POST', 'acquire', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/acquire$')),
    ('POST', 'start', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/resourceid/(?P<resource_id>[^/]+)'
                                 r'/mode/(?P<mode>individual|mix|web)/start$')),
    ('GET', 'query', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/resourceid/(?P<resource_id>[^/]+)'
                                r'/sid/(?P<sid>[^/]+)/mode/(?P<mode>individual|mix|web)/query$')),
    ('POST', 'stop', re.compile(r'^/v1/apps/(?P<app_id>[^/]+)/cloud_recording/resourceid/(?P<resource_id>[^/]+)'
                                r'/sid/(?P<sid>[^/]+)/mode/(?P<mode>individual|mix|web)/stop$')),
]


@dataclass
class Fault:
    """A scripted misbehaviour. Matches requests by action, sid and app_id (None matches any).

    ``status`` replaces the answer (``body``: a dict or list is sent as JSON, a str as it is, None as an empty body);
    ``drop`` closes the connection without an answer; ``truncate`` sends the headers and half the body, then closes;
    ``delay`` waits before answering. With ``after`` the request
    takes its normal effect first (a stop stops), and only the answer the client sees is replaced.
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

    def matches(self, action: str, params: dict[str, str]) -> bool:
        return ((self.action is None or self.action == action)
                and (self.sid is None or self.sid == params.get('sid'))
                and (self.app_id is None or self.app_id == params.get('app_id')))


def gateway_404(**match: Any) -> Fault:
    return Fault(status=404, body=GATEWAY_NO_ROUTE, **match)


def proxy_404_html(**match: Any) -> Fault:
    return Fault(status=404, body='<html><body><h1>404 Not Found</h1>nginx</body></html>', content_type='text/html', **match)


def rate_limited(retry_after: str | None = None, **match: Any) -> Fault:
    headers = {'Retry-After': retry_after} if retry_after is not None else {}
    return Fault(status=429, body=RATE_LIMITED, headers=headers, **match)


def server_error(status: int = 503, **match: Any) -> Fault:
    body = {'code': 62, 'reason': 'gateway timeout'} if status == 504 else {'message': 'Service Unavailable'}
    return Fault(status=status, body=body, **match)


def backend_timeout(**match: Any) -> Fault:
    """206 code 65: Agora's backend timed out. Pass after=True for the case where the stop took effect anyway."""
    return Fault(status=206, body={'code': 65, 'reason': 'request not completed'}, **match)


def not_json(status: int = 200, **match: Any) -> Fault:
    return Fault(status=status, body='<html>Service temporarily unavailable</html>', content_type='text/html', **match)


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

    def identity(self) -> dict[str, str]:
        return {'resourceId': self.resource_id, 'sid': self.sid, 'cname': self.cname, 'uid': self.uid}

    def describe(self) -> dict[str, str]:
        return {'app_id': self.app_id, 'resource_id': self.resource_id, 'sid': self.sid, 'mode': self.mode,
                'cname': self.cname, 'uid': self.uid}


@dataclass
class Received:
    """One request as the simulator received it."""

    time: float
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class AgoraSimulator:
    """State, faults and answers. ``start()`` serves it over HTTP on loopback; ``url`` says where."""

    def __init__(self, customer_id: str = 'demo-customer-id', customer_secret: str = 'demo-customer-secret',
                 host: str = '127.0.0.1', port: int = 0, latency: float = 0.0, exit_seconds: float = 0.0,
                 web_payload_key: str = 'playload', rate_limit: int = 0, upload_delay: float = 0.0,
                 tls: tuple[str, str] | None = None) -> None:
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
        # Seconds a synchronous stop waits for its upload before answering.
        self.upload_delay = upload_delay
        self.rate_limited = 0
        # (certificate file, key file): serve HTTPS, to exercise certificate checks.
        self.tls = tls
        self._recent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.empty_channels: set[str] = set()
        self.received: list[Received] = []
        self._faults: list[Fault] = []
        self._resources: dict[str, dict[str, str]] = {}
        self._recordings: dict[str, Recording] = {}
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host = '[%s]' % self.host if ':' in self.host else self.host
        return '%s://%s:%d' % ('https' if self.tls else 'http', host, self.port)

    def start(self) -> 'AgoraSimulator':
        server_class = _IPv6Server if ':' in self.host else _Server
        self._server = server_class((self.host, self.port), _Handler)
        self._server.simulator = self  # type: ignore[attr-defined]
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name='agora-simulator', daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests_for(self, action: str) -> list[Received]:
        return [item for item in self.received if _action_of(item.method, item.path) == action]

    def seed(self, app_id: str = 'demo-app-id', mode: str = 'mix', cname: str | None = None, uid: str = '527841',
             **attributes: Any) -> Recording:
        """Create a running recording without acquire/start requests (for tests and --seed)."""
        with self._lock:
            resource_id = self._new_resource(app_id, cname or 'channel-%d' % (len(self._recordings) + 1), uid)
            recording = self._new_recording(app_id, resource_id, mode, {}, **attributes)
        return recording

    def stats(self) -> dict[str, int]:
        """Counts for benchmarks: requests, 429s, stops, and recordings still running."""
        return {'requests': len(self.received), 'rate_limited': self.rate_limited, 'stops': len(self.requests_for('stop')),
                'still_recording': sum(1 for item in self._recordings.values() if item.state == 'recording')}

    def recording(self, sid: str) -> Recording:
        return self._recordings[sid]

    def recordings(self) -> list[Recording]:
        return list(self._recordings.values())

    # -- state -----------------------------------------------------------------------------------------------------

    def _new_resource(self, app_id: str, cname: str, uid: str) -> str:
        resource_id = base64.urlsafe_b64encode(uuid.uuid4().bytes * 4).decode('ascii').rstrip('=')
        self._resources[resource_id] = {'app_id': app_id, 'cname': cname, 'uid': uid}
        return resource_id

    def _new_recording(self, app_id: str, resource_id: str, mode: str, client_request: dict[str, Any],
                       **attributes: Any) -> Recording:
        resource = self._resources[resource_id]
        recording = Recording(app_id, resource_id, uuid.uuid4().hex, mode, resource['cname'], resource['uid'],
                              int(time.time() * 1000), file_list_mode=_file_list_mode(mode, client_request),
                              publishing=resource['cname'] not in self.empty_channels)
        for key, value in attributes.items():
            setattr(recording, key, value)
        self._recordings[recording.sid] = recording
        return recording

    def _current_state(self, recording: Recording) -> str:
        if recording.state == 'exiting' and time.monotonic() >= recording.exit_until:
            recording.state = 'ended'
        return recording.state

    def _take_fault(self, action: str, params: dict[str, str]) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(action, params):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # -- answers ---------------------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        """Answer one API request: (status, JSON body, extra headers). Faults are applied by the HTTP layer."""
        # Agora's gateway matches the route before it checks credentials.
        route = _route(method, path)
        if route is None:
            return 404, GATEWAY_NO_ROUTE, {}
        if not headers.get('authorization'):
            return 401, UNAUTHORIZED, {}
        if not self._authorized(headers['authorization']):
            return 401, BAD_CREDENTIALS, {}
        if self._over_rate_limit(route[1]['app_id']):
            return 429, RATE_LIMITED, {}
        action, params = route
        request_id = {'X-Request-ID': uuid.uuid4().hex}
        with self._lock:
            status, answer = getattr(self, '_' + action)(params, body if isinstance(body, dict) else {})
        return status, answer, request_id

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

    def _acquire(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        cname, uid = body.get('cname'), body.get('uid')
        if not isinstance(cname, str) or not cname or not isinstance(uid, str) or not uid:
            return 400, {'code': 2, 'reason': 'invalid parameter'}
        resource_id = self._new_resource(params['app_id'], cname, uid)
        return 200, {'cname': cname, 'uid': uid, 'resourceId': resource_id}

    def _start(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        resource = self._resources.get(params['resource_id'])
        if resource is None:
            return 400, {'code': 1001, 'reason': 'failed to parse resource id'}
        if resource['app_id'] != params['app_id']:
            return 400, {'code': 1003, 'reason': 'appid mismatch'}
        if (body.get('cname'), body.get('uid')) != (resource['cname'], resource['uid']):
            return 400, {'code': 432, 'reason': 'request parameters mismatch'}
        client_request = body.get('clientRequest') if isinstance(body.get('clientRequest'), dict) else {}
        recording = self._new_recording(params['app_id'], params['resource_id'], params['mode'], client_request)
        return 200, {'cname': recording.cname, 'uid': recording.uid, 'resourceId': recording.resource_id,
                     'sid': recording.sid}

    def _find(self, params: dict[str, str]) -> tuple[Recording | None, tuple[int, Any] | None]:
        """The recording a query or stop names, or the error Agora gives."""
        recording = self._recordings.get(params['sid'])
        if recording is None or self._current_state(recording) == 'ended':
            return None, (404, dict(NOT_FOUND_WORKER))
        if recording.resource_id != params['resource_id'] or recording.app_id != params['app_id']:
            return None, (400, {'code': 1003, 'reason': 'resource id mismatch with appid or sid'})
        if recording.mode != params['mode']:
            return None, (404, dict(NOT_FOUND_WORKER))
        return recording, None

    def _query(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        recording, error = self._find(params)
        if error:
            return error
        status = 5 if recording.state == 'recording' else 6
        return 200, dict(recording.identity(), serverResponse=self._server_response(recording, status=status))

    def _stop(self, params: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        recording, error = self._find(params)
        if error:
            return error
        if (body.get('cname'), body.get('uid')) != (recording.cname, recording.uid):
            return 400, {'code': 432, 'reason': 'request parameters mismatch'}
        if recording.state == 'exiting':
            return 400, {'code': 49, 'reason': 'repeated stop request'}
        recording.state = 'exiting'
        recording.exit_until = time.monotonic() + self.exit_seconds
        self._current_state(recording)
        if not recording.publishing:
            return 206, dict(recording.identity(), code=435, reason='no recorded data')
        return 200, dict(recording.identity(), serverResponse=self._server_response(recording, upload=not _async_stop(body)))

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
    daemon_threads = True
    allow_reuse_address = True


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'agora-simulator'
    # Headers and body go out in one write; this also stops Nagle's algorithm delaying small answers.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        """Quiet: tests read ``received`` instead."""

    def do_GET(self) -> None:
        self._serve('GET')

    def do_POST(self) -> None:
        self._serve('POST')

    def _serve(self, method: str) -> None:
        simulator: AgoraSimulator = self.server.simulator  # type: ignore[attr-defined]
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode('utf-8', errors='replace')
        headers = {key.lower(): value for key, value in self.headers.items()}
        with simulator._lock:
            simulator.received.append(Received(time.time(), method, self.path, headers, body))

        route = _route(method, self.path)
        fault = simulator._take_fault(route[0], route[1]) if route else None
        if simulator.latency:
            time.sleep(simulator.latency)
        if fault is not None and not fault.after:
            self._apply_fault(fault)
            return
        status, answer, extra = simulator.handle(method, self.path, headers, body)
        if simulator.upload_delay and route and route[0] == 'stop' and status == 200 and not _async_stop(body):
            time.sleep(simulator.upload_delay)
        if fault is not None:
            self._apply_fault(fault)
            return
        self._write(status, json.dumps(answer).encode('utf-8'), 'application/json', extra)

    def _apply_fault(self, fault: Fault) -> None:
        if fault.delay:
            time.sleep(fault.delay)
        if fault.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.body is None:
            payload = b''
        elif isinstance(fault.body, str):
            payload = fault.body.encode('utf-8')
        else:
            payload = json.dumps(fault.body).encode('utf-8')
        if fault.status is None:
            raise ValueError('a fault needs a status unless it drops the connection')
        if fault.truncate:
            payload = payload or b'{"padding": "' + b'x' * 64 + b'"}'
            self._write(fault.status, payload[:len(payload) // 2], fault.content_type,
                        dict(fault.headers, **{'Content-Length': str(len(payload))}))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._write(fault.status, payload, fault.content_type, fault.headers)

    def _write(self, status: int, payload: bytes, content_type: str, headers: dict[str, str]) -> None:
        headers = dict({'Content-Type': content_type, 'Content-Length': str(len(payload))}, **headers)
        lines = ['HTTP/1.1 %d %s' % (status, self.responses.get(status, ('',))[0])]
        lines += ['%s: %s' % item for item in headers.items()]
        try:
            self.wfile.write(('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout): nothing to answer to


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description='Serve a simulator of Agora\'s Cloud Recording API on loopback.')
    parser.add_argument('--host', default='127.0.0.1', choices=LOOPBACK_HOSTS)
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port')
    parser.add_argument('--customer-id', default='demo-customer-id')
    parser.add_argument('--customer-secret', default='demo-customer-secret')
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every answer')
    parser.add_argument('--rate-limit', type=int, default=0, help='requests per second per App ID (0: no limit)')
    parser.add_argument('--upload-delay', type=float, default=0.0, help='seconds a synchronous stop takes')
    parser.add_argument('--seed', type=int, default=0, help='start with this many running recordings')
    parser.add_argument('--seed-app-id', default='demo-app-id')
    parser.add_argument('--empty-channel', action='append', default=[],
                        help='a channel where nobody publishes: its stop answers 206 code 435 (repeatable)')
    parser.add_argument('--lifetime', type=float, default=3600.0, help='stop serving after this many seconds')
    parser.add_argument('--stats-file', help='on exit (SIGTERM or --lifetime), write request counts here as JSON')
    parser.add_argument('--ready-file', help='write {"url": ..., "recordings": [...]} here once serving')
    args = parser.parse_args(argv)

    simulator = AgoraSimulator(args.customer_id, args.customer_secret, args.host, args.port, args.latency,
                               rate_limit=args.rate_limit, upload_delay=args.upload_delay)
    simulator.empty_channels.update(args.empty_channel)
    modes = ('individual', 'mix', 'web')
    seeded = [simulator.seed(args.seed_app_id, modes[index % 3], 'seed-channel-%d' % (index + 1),
                             str(random.randint(100000, 999999))).describe() for index in range(args.seed)]
    simulator.start()
    ready = json.dumps({'url': simulator.url, 'recordings': seeded})
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

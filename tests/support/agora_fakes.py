# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Declarative in-process tests of the client: expected calls with their answers, on a fake clock.

A test lists the requests it expects, in order, and what each gets back; ``FakeTransport`` checks every request
against the next expected one and ``assert_done()`` that none was left out. Nothing sleeps for real: ``FakeClock``
moves when the code under test sleeps, or when a call says its exchange ``takes`` time.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import Answer, decode_body
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraClient, Recording, RetryPolicy
from ansible_collections.agora.cloud_recording.plugins.module_utils._failover import Failover, agora_hosts, named_hosts
from ansible_collections.agora.cloud_recording.plugins.module_utils._rate_limiter import RateLimiter
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import NO_SECRETS
from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import Failure, Transport, TransportError

BASE = 'https://api.sd-rtn.com'
CREDENTIALS = {'customer_id': 'test-customer-id', 'customer_secret': 'test-customer-secret'}
APP_ID = '0123456789abcdef0123456789abcdef'
RECORDING = Recording(app_id=APP_ID, resource_id='JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8', sid='38f8e3cfdc474cd56fc1ceba380d7e1a',
                      mode='mix', cname='main-stage', uid='527841')
STOP = RECORDING.path('stop')
QUERY = RECORDING.path('query')
ANY = object()
START = 1000.0


class FakeClock:
    """A monotonic clock that moves only when told: by ``sleep`` (recorded) or by ``advance``."""

    def __init__(self, start: float = START) -> None:
        self.start = start
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, 'asked to sleep %r s' % seconds
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    def elapsed(self) -> float:
        return self.now - self.start


@dataclass
class Call:
    """One expected request and what it gets: an ``Answer`` or a ``TransportError``."""

    method: str
    path: str
    answer: Answer | TransportError
    base: str = BASE
    body: Any = ANY
    # Seconds the exchange takes on the fake clock (a slow synchronous stop, a timeout).
    takes: float = 0.0
    # When it must be sent, in seconds since the clock started; None: any time.
    at: float | None = None
    # Run while the request is in flight (a signal arriving midway, say).
    during: Any = None


@dataclass
class FakeTransport(Transport):
    """Answers each request with the next expected call's answer, after checking that it is that call."""

    calls: list[Call]
    clock: FakeClock
    made: list[tuple[str, str, Any, float]] = field(default_factory=list)
    closed: bool = False

    def __post_init__(self) -> None:
        self._pending = list(self.calls)
        self._lock = threading.Lock()

    def send(self, method: str, url: str, body: dict[str, Any] | None, timeout: float) -> Answer:
        with self._lock:
            assert self._pending, 'unexpected request %s %s (all %d expected calls were made)' % (method, url, len(self.calls))
            call = self._pending.pop(0)
            self.made.append((method, url, body, self.clock.elapsed()))
        assert (method, url) == (call.method, call.base + call.path), 'expected %s %s' % (call.method, call.base + call.path)
        if call.body is not ANY:
            assert body == call.body
        if call.at is not None:
            assert abs(self.clock.elapsed() - call.at) < 1e-6, 'sent at %.3f s, expected at %.3f s' % (self.clock.elapsed(), call.at)
        self.clock.advance(call.takes)
        if call.during is not None:
            call.during()
        if isinstance(call.answer, TransportError):
            raise call.answer
        return call.answer

    def close(self) -> None:
        self.closed = True

    def assert_done(self) -> None:
        assert not self._pending, 'expected calls not made: %s' % [(call.method, call.path) for call in self._pending]


def make_client(calls, retries=3, delays=(1.0, 3.0, 6.0), recheck=0.0, base_urls=(BASE,), rate=None, timeout=60,
                redactor=NO_SECRETS, cancelled=None, region=None):
    """A client on a fake clock whose transport expects exactly ``calls``: (client, transport, clock)."""
    clock = FakeClock()
    transport = FakeTransport(list(calls), clock)
    limiter = RateLimiter(rate, clock, clock.sleep) if rate else None
    hosts = agora_hosts(region) if region is not None else named_hosts(list(base_urls))
    client = AgoraClient(transport, Failover(hosts), timeout, RetryPolicy(retries, tuple(delays), recheck), clock,
                         clock.sleep, limiter, redactor, cancelled or (lambda: False))
    return client, transport, clock


def answer(status: int, body: Any = None, request_id: str | None = None, retry_after: float | None = None) -> Answer:
    """An answer as the transport would hand it over: a dict or list is sent as JSON, a str as it is."""
    text = body if isinstance(body, str) else ('' if body is None else json.dumps(body))
    return Answer(status, decode_body(text.encode('utf-8'))[0], text, request_id, retry_after)


def stopped(upload: str = 'uploaded', recording: Recording = RECORDING) -> Answer:
    """Agora's 200 to a synchronous stop of a mix recording with MP4 files."""
    return answer(200, {'resourceId': recording.resource_id, 'sid': recording.sid, 'cname': recording.cname,
                        'uid': recording.uid, 'serverResponse': {'fileListMode': 'json', 'uploadingStatus': upload, 'fileList': [
                            {'fileName': '%s_%s_0.mp4' % (recording.sid, recording.cname), 'trackType': 'audio_and_video',
                             'uid': '0', 'mixedAllUser': True, 'isPlayable': True, 'sliceStartTime': 1732600000000}]}})


def queried(status: int = 5, recording: Recording = RECORDING) -> Answer:
    return answer(200, {'resourceId': recording.resource_id, 'sid': recording.sid, 'cname': recording.cname,
                        'uid': recording.uid, 'serverResponse': {'status': status, 'fileListMode': 'json', 'fileList': []}})


NOT_FOUND = answer(404, {'code': 404, 'reason': 'failed to find worker'})
EXITING = answer(400, {'code': 49, 'reason': 'repeated stop request'})
BACKEND_TIMEOUT = answer(206, {'code': 65, 'reason': 'request not completed'})
UNAVAILABLE = answer(503, {'message': 'Service Unavailable'})
RATE_LIMITED = answer(429, {'message': 'API rate limit exceeded'})
GATEWAY_404 = answer(404, {'message': 'no Route matched with those values'})


def refused() -> TransportError:
    return TransportError(Failure.REFUSED, 'connection refused')


def dns_failed() -> TransportError:
    return TransportError(Failure.DNS, 'the host name could not be resolved (DNS)')


def timed_out(seconds: float = 60) -> TransportError:
    return TransportError(Failure.TIMEOUT, 'no answer within %s s (timeout); the request may still have reached Agora' % seconds)


def closed() -> TransportError:
    return TransportError(Failure.CLOSED, 'the connection was closed before an answer arrived (RemoteDisconnected); '
                                          'the request may still have reached Agora')


class ModuleExit(SystemExit):
    """What exit_json or fail_json was called with; ``result['failed']`` tells which. A SystemExit, as theirs is."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result.get('msg', ''))
        self.result = result


@dataclass
class InProcessRun:
    result: dict[str, Any]
    transport: FakeTransport
    clock: FakeClock
    warnings: list[str]


def run_module_in_process(main: Any, args: dict[str, Any], calls: list[Call], monkeypatch: Any,
                          check_mode: bool = False) -> InProcessRun:
    """Run a module's main() in this process with a fake transport and clock, as ansible-core's unit tests run modules.

    exit_json and fail_json raise ``ModuleExit``; the transport must receive exactly ``calls``.
    """
    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args

    from ansible_collections.agora.cloud_recording.plugins.module_utils import _options

    clock = FakeClock()
    transport = FakeTransport(list(calls), clock)
    warnings: list[str] = []
    monkeypatch.setattr(_options, 'RUNTIME', _options.Runtime(clock, lambda *args, **kwargs: transport, clock.sleep))

    def exit_json(self: Any, **kwargs: Any) -> None:
        raise ModuleExit(dict(kwargs, failed=False))

    def fail_json(self: Any, msg: str, **kwargs: Any) -> None:
        raise ModuleExit(dict(kwargs, msg=msg, failed=True))

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, warning: warnings.append(warning))
    module_args = dict(args, _ansible_check_mode=check_mode)
    with patch_module_args(module_args):
        try:
            main()
        except ModuleExit as exc:
            transport.assert_done()
            return InProcessRun(exc.result, transport, clock, warnings)
    raise AssertionError('the module returned without exit_json or fail_json')

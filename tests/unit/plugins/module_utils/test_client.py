# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every path of the client's decisions, declared as the calls it must make and the answers they get, on a fake clock."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import pytest

from agora_fakes import (
    BACKEND_TIMEOUT,
    BASE,
    EXITING,
    GATEWAY_404,
    NOT_FOUND,
    QUERY,
    RATE_LIMITED,
    RECORDING,
    STOP,
    UNAVAILABLE,
    Call,
    answer,
    closed,
    make_client,
    queried,
    dns_failed,
    refused,
    stopped,
    timed_out,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import Kind
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError
from ansible_collections.agora.cloud_recording.plugins.module_utils._rate_limiter import RateLimiter
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor, secret_forms
from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import Failure, TransportError

FALLBACK = 'https://api.agora.io'
RECORDING_IDENTITY = {'sid': RECORDING.sid, 'resourceId': RECORDING.resource_id}


@dataclass
class Case:
    """One path through the decision loop: what is asked, the calls it must make, and what it must decide."""

    id: str
    calls: list[Call]
    # (verdict kind, upload status, http status, attempts), or words the AgoraError must hold.
    decided: tuple | None = None
    error: tuple[str, ...] = ()
    # Attempts the error reports, when not one per call (base URLs tried within one attempt).
    attempts: int | None = None
    sleeps: list[float] = field(default_factory=list)
    action: str = 'stop'
    async_stop: bool = False
    settings: dict[str, Any] = field(default_factory=dict)


def stop_call(result, **extra):
    return Call('POST', STOP, result, **extra)


def query_call(result, **extra):
    return Call('GET', QUERY, result, **extra)


CASES = [
    Case('stopped-at-once', [stop_call(stopped(), body={'cname': 'main-stage', 'uid': '527841',
                                                        'clientRequest': {'async_stop': False}})],
         decided=(Kind.STOPPED, 'uploaded', 200, 1)),
    Case('async-stop-asks-for-it-and-is-pending', [stop_call(answer(200, {'sid': RECORDING.sid, 'resourceId': RECORDING.resource_id}),
                                                             body={'cname': 'main-stage', 'uid': '527841',
                                                                   'clientRequest': {'async_stop': True}})],
         decided=(Kind.STOPPED, 'pending', 200, 1), async_stop=True),
    # Retries follow Agora's 1, 3, 6 s schedule, the last delay repeating.
    Case('503-then-stopped', [stop_call(UNAVAILABLE), stop_call(stopped(), at=1.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 2), sleeps=[1.0]),
    Case('408-is-retried', [stop_call(answer(408, {'message': 'timeout'})), stop_call(stopped())],
         decided=(Kind.STOPPED, 'uploaded', 200, 2), sleeps=[1.0]),
    Case('schedule-then-last-delay-repeats', [stop_call(UNAVAILABLE)] * 5 + [stop_call(stopped(), at=22.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 6), sleeps=[1.0, 3.0, 6.0, 6.0, 6.0], settings={'retries': 5}),
    Case('retry-after-longer-than-planned-wins', [stop_call(answer(429, {'message': 'API rate limit exceeded'}, retry_after=5.0)),
                                                  stop_call(stopped(), at=5.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 2), sleeps=[5.0]),
    Case('retry-after-shorter-than-planned-loses', [stop_call(answer(503, {'message': 'busy'}, retry_after=0.5)),
                                                    stop_call(stopped(), at=1.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 2), sleeps=[1.0]),
    Case('gives-up-naming-the-last-answer', [stop_call(RATE_LIMITED)] * 4,
         error=('Stopping sid %s (channel main-stage, App ID %s) failed' % (RECORDING.sid, RECORDING.app_id),
                'gave up after 4 attempts', 'HTTP 429, "API rate limit exceeded"', 're-run is safe', 'raise retries'),
         sleeps=[1.0, 3.0, 6.0]),
    Case('no-retries-means-one-attempt', [stop_call(UNAVAILABLE)], error=('gave up after 1 attempts', 'HTTP 503'),
         settings={'retries': 0}),
    # What an answer after a stop that may have taken effect means.
    Case('206-65-then-404-means-this-run-stopped-it', [stop_call(BACKEND_TIMEOUT), stop_call(NOT_FOUND)],
         decided=(Kind.STOPPED, 'unknown', 404, 2), sleeps=[1.0]),
    Case('206-65-then-49-means-this-run-stopped-it', [stop_call(BACKEND_TIMEOUT), stop_call(EXITING)],
         decided=(Kind.STOPPED, 'unknown', 400, 2), sleeps=[1.0]),
    Case('206-65-then-stopped', [stop_call(BACKEND_TIMEOUT), stop_call(stopped())],
         decided=(Kind.STOPPED, 'uploaded', 200, 2), sleeps=[1.0]),
    Case('timeout-then-404-means-this-run-stopped-it', [stop_call(timed_out(), takes=60.0), stop_call(NOT_FOUND, at=61.0)],
         decided=(Kind.STOPPED, 'unknown', 404, 2), sleeps=[1.0]),
    Case('connection-closed-then-404-means-this-run-stopped-it', [stop_call(closed()), stop_call(NOT_FOUND)],
         decided=(Kind.STOPPED, 'unknown', 404, 2), sleeps=[1.0]),
    Case('refused-then-404-is-already-stopped', [stop_call(refused()), stop_call(NOT_FOUND)],
         decided=(Kind.NOT_FOUND, 'unknown', 404, 2), sleeps=[1.0]),
    Case('may-have-acted-does-not-apply-to-query', [query_call(closed()), query_call(NOT_FOUND)],
         decided=(Kind.NOT_FOUND, 'unknown', 404, 2), sleeps=[1.0], action='query'),
    # Agora's 404 and code 49 without an earlier attempt that may have acted.
    Case('404-trusted-at-once-without-recheck', [stop_call(NOT_FOUND)], decided=(Kind.NOT_FOUND, 'unknown', 404, 1)),
    Case('49-is-already-exiting', [stop_call(EXITING)], decided=(Kind.EXITING, 'unknown', 400, 1)),
    Case('404-rechecked-sparsely-over-agoras-failover-window',
         [stop_call(NOT_FOUND, at=at) for at in (0.0, 5.0, 15.0, 30.0, 60.0, 90.0)],
         decided=(Kind.NOT_FOUND, 'unknown', 404, 6), sleeps=[5.0, 10.0, 15.0, 30.0, 30.0], settings={'recheck': 90.0}),
    Case('404-recheck-last-wait-is-cut-to-the-window', [stop_call(NOT_FOUND), stop_call(NOT_FOUND, at=5.0),
                                                        stop_call(NOT_FOUND, at=12.0)],
         decided=(Kind.NOT_FOUND, 'unknown', 404, 3), sleeps=[5.0, 7.0], settings={'recheck': 12.0}),
    Case('404-during-failover-then-alive-is-stopped', [stop_call(NOT_FOUND), stop_call(NOT_FOUND), stop_call(stopped(), at=15.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 3), sleeps=[5.0, 10.0], settings={'recheck': 90.0}),
    Case('retries-inside-the-recheck-window-keep-their-own-delays',
         [stop_call(NOT_FOUND), stop_call(UNAVAILABLE, at=5.0), stop_call(NOT_FOUND, at=6.0)],
         decided=(Kind.STOPPED, 'unknown', 404, 3), sleeps=[5.0, 1.0], settings={'recheck': 90.0}),
    Case('query-404-rechecked-too', [query_call(NOT_FOUND), query_call(queried(5), at=5.0)],
         decided=(Kind.RUNNING, 'unknown', 200, 2), sleeps=[5.0], settings={'recheck': 90.0}, action='query'),
    # Answers that no retry can fix.
    Case('401-fails-at-once', [stop_call(answer(401, {'message': 'Invalid authentication credentials'}))],
         error=('HTTP 401, "Invalid authentication credentials"', 'credentials were rejected')),
    Case('gateway-404-is-a-wrong-url', [stop_call(GATEWAY_404)], error=('HTTP 404, "no Route matched', 'the URL is wrong')),
    Case('gateway-404-is-never-rechecked', [stop_call(GATEWAY_404)], error=('URL is wrong',), settings={'recheck': 90.0}),
    Case('400-code-names-code-reason-request-id-advice',
         [stop_call(answer(400, {'code': 1003, 'reason': 'appid mismatch'}, request_id='req-7'))],
         error=('HTTP 400, Agora code 1003, "appid mismatch", request id req-7', 'What to do:', 'belong to one recording')),
    Case('200-not-json-fails', [stop_call(answer(200, '<html>portal</html>'))], error=('not a JSON object', 'HTTP 200')),
    # Query, as check mode uses it.
    Case('query-running', [query_call(queried(5))], decided=(Kind.RUNNING, 'unknown', 200, 1), action='query'),
    Case('query-stop-requested-is-exiting', [query_call(queried(6))], decided=(Kind.EXITING, 'unknown', 200, 1), action='query'),
    Case('query-failure-says-querying', [query_call(GATEWAY_404)], error=('Querying sid %s' % RECORDING.sid,), action='query'),
    # Named URLs: no answer moves the next attempt to the next URL; an HTTP answer never does.
    Case('fallback-answers-the-next-attempt', [stop_call(refused()), stop_call(stopped(), base=FALLBACK, at=1.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 2), sleeps=[1.0], settings={'base_urls': (BASE, FALLBACK)}),
    Case('no-fallback-on-an-http-answer', [stop_call(UNAVAILABLE), stop_call(stopped(), at=1.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 2), sleeps=[1.0], settings={'base_urls': (BASE, FALLBACK)}),
    Case('named-urls-are-taken-in-turn', [stop_call(refused()), stop_call(timed_out(5), base=FALLBACK),
                                          stop_call(refused())],
         error=('could not reach Agora at %s: connection refused' % BASE, 'gave up after 3 attempts'),
         sleeps=[1.0, 3.0], settings={'base_urls': (BASE, FALLBACK), 'retries': 2}),
    # Agora's domains (integration guide): the same primary once more, then the other domain after a DNS failure, or a
    # regional host after any other network failure.
    Case('agora-dns-failure-walks-primary-alternate-regional',
         [stop_call(dns_failed(), base=FALLBACK), stop_call(dns_failed(), base=FALLBACK, at=1.0),
          stop_call(dns_failed(), at=4.0), stop_call(stopped(), base='https://api-us-west-1.agora.io', at=10.0)],
         decided=(Kind.STOPPED, 'uploaded', 200, 4), sleeps=[1.0, 3.0, 6.0], settings={'region': 'NA'}),
    Case('agora-network-failure-skips-to-the-regional-host',
         [stop_call(refused(), base=FALLBACK), stop_call(refused(), base=FALLBACK),
          stop_call(stopped(), base='https://api-eu-west-1.agora.io')],
         decided=(Kind.STOPPED, 'uploaded', 200, 3), sleeps=[1.0, 3.0], settings={'region': 'EU'}),
    Case('agora-cn-starts-on-sd-rtn-and-its-regional-hosts', [stop_call(closed()), stop_call(closed()),
                                                              stop_call(stopped(), base='https://api-cn-east-1.sd-rtn.com')],
         decided=(Kind.STOPPED, 'uploaded', 200, 3), sleeps=[1.0, 3.0],
         settings={'region': 'CN'}),
    Case('agora-without-region-has-no-regional-host', [stop_call(refused()), stop_call(refused()),
                                                       stop_call(stopped(), base=FALLBACK)],
         decided=(Kind.STOPPED, 'uploaded', 200, 3), sleeps=[1.0, 3.0], settings={'region': ''}),
    # After any answer that may follow a stop that took effect, Agora's 404 or code 49 means this run stopped it.
    Case('5xx-json-then-404-means-this-run-stopped-it', [stop_call(answer(504, {'code': 62, 'reason': 'gateway timeout'})),
                                                         stop_call(NOT_FOUND)],
         decided=(Kind.STOPPED, 'unknown', 404, 2), sleeps=[1.0]),
    Case('5xx-html-then-49-means-this-run-stopped-it', [stop_call(answer(502, '<html>Bad Gateway</html>')), stop_call(EXITING)],
         decided=(Kind.STOPPED, 'unknown', 400, 2), sleeps=[1.0]),
    Case('timeout-then-fallback-49', [stop_call(timed_out(), takes=60.0), stop_call(EXITING, base=FALLBACK, at=61.0)],
         decided=(Kind.STOPPED, 'unknown', 400, 2), sleeps=[1.0], settings={'base_urls': (BASE, FALLBACK)}),
    Case('closed-then-fallback-404', [stop_call(closed()), stop_call(NOT_FOUND, base=FALLBACK)],
         decided=(Kind.STOPPED, 'unknown', 404, 2), sleeps=[1.0], settings={'base_urls': (BASE, FALLBACK)}),
    Case('refused-then-fallback-404-is-already-stopped', [stop_call(refused()), stop_call(NOT_FOUND, base=FALLBACK)],
         decided=(Kind.NOT_FOUND, 'unknown', 404, 2), sleeps=[1.0], settings={'base_urls': (BASE, FALLBACK)}),
    Case('may-have-acted-survives-a-recheck', [stop_call(BACKEND_TIMEOUT), stop_call(NOT_FOUND, at=1.0)],
         decided=(Kind.STOPPED, 'unknown', 404, 2), sleeps=[1.0], settings={'recheck': 90.0}),
    # A 200 that is not Agora's answer is never "stopped".
    Case('200-empty-object-is-not-agoras', [stop_call(answer(200, {}))],
         error=("HTTP 200, body: {}, which is not Agora's answer about this recording (it names no sid or resourceId)",
                "the recording's state is unknown")),
    Case('200-proxy-ok-is-not-agoras', [stop_call(answer(200, {'message': 'ok'}))],
         error=('HTTP 200, "ok", which is not Agora\'s answer',)),
    Case('200-for-another-recording-is-not-agoras', [stop_call(answer(200, {'sid': 'ffff', 'resourceId': 'x'}))],
         error=('it names another recording (sid ffff)',)),
    # TLS verification does not heal: no retry.
    Case('tls-verification-failure-is-not-retried', [stop_call(TransportError(Failure.TLS_VERIFY, 'TLS failed (SSLCertVerificationError)'))],
         error=('could not reach Agora', 'TLS failed', 'retrying will not change that', 'REQUESTS_CA_BUNDLE')),
    Case('check-mode-retries-206-65-like-stop', [query_call(BACKEND_TIMEOUT), query_call(queried(5), at=1.0)],
         decided=(Kind.RUNNING, 'unknown', 200, 2), sleeps=[1.0], action='query'),
]


@pytest.mark.parametrize('case', CASES, ids=[case.id for case in CASES])
def test_decision(case):
    settings = dict(case.settings)
    client, transport, clock = make_client(case.calls, **settings)
    call = (lambda: client.stop(RECORDING, case.async_stop)) if case.action == 'stop' else (lambda: client.query(RECORDING))
    if case.error:
        with pytest.raises(AgoraError) as caught:
            call()
        for words in case.error:
            assert words in str(caught.value)
        assert caught.value.attempts == (case.attempts or len(case.calls))
    else:
        decision = call()
        assert (decision.verdict.kind, decision.verdict.upload_status, decision.http_status, decision.attempts) == case.decided
    transport.assert_done()
    assert clock.sleeps == case.sleeps


def test_the_url_that_answered_is_kept_for_later_calls():
    client, transport, dummy_clock = make_client([stop_call(refused()), stop_call(stopped(), base=FALLBACK),
                                                  query_call(queried(), base=FALLBACK)], base_urls=(BASE, FALLBACK))
    assert client.stop(RECORDING, False).host == FALLBACK
    assert client.query(RECORDING).host == FALLBACK
    transport.assert_done()


def test_a_429_slows_the_app_id_down():
    client, transport, clock = make_client([stop_call(RATE_LIMITED), stop_call(stopped()), query_call(queried())], rate=10)
    client.stop(RECORDING, False)
    client.query(RECORDING)
    transport.assert_done()
    # The retry waited 1 s; the 429 also pushed the App ID's next slot out and widened its spacing by half.
    interval = 1 / (10 * RateLimiter.MARGIN)
    assert clock.sleeps == [1.0, pytest.approx(interval * RateLimiter.SLOW_DOWN_FACTOR)]


def test_requests_are_paced_per_app_id():
    client, transport, clock = make_client([stop_call(stopped()), query_call(queried())], rate=10)
    client.stop(RECORDING, False)
    client.query(RECORDING)
    transport.assert_done()
    assert clock.sleeps == [pytest.approx(1 / (10 * RateLimiter.MARGIN))]


def test_close_closes_the_transport():
    client, transport, dummy_clock = make_client([])
    client.close()
    assert transport.closed


@pytest.mark.parametrize('recheck, reply, rechecked', [(0.0, NOT_FOUND, False), (5.0, NOT_FOUND, True)])
def test_a_404_counts_as_confirmed_only_after_the_whole_recheck_window(recheck, reply, rechecked):
    calls = [stop_call(reply)] + ([stop_call(reply, at=5.0)] if recheck else [])
    client, transport, dummy_clock = make_client(calls, recheck=recheck)
    assert client.stop(RECORDING, False).rechecked is rechecked
    transport.assert_done()


def test_an_interruption_during_a_retry_wait_ends_the_call_saying_where_it_stood():
    clock_holder = []
    client, transport, clock = make_client([stop_call(BACKEND_TIMEOUT)], cancelled=lambda: bool(clock_holder[0].sleeps))
    clock_holder.append(clock)
    with pytest.raises(AgoraError) as caught:
        client.stop(RECORDING, False)
    message = str(caught.value)
    assert 'the run was interrupted (SIGINT, SIGTERM, or the controller went away) after 1 attempt(s)' in message
    assert 'The last answer: HTTP 206, Agora code 65' in message
    assert 'The stop may already have taken effect, or the recording may still be running' in message
    assert 'agora.cloud_recording.agora_cloud_recording_info' in message
    assert caught.value.attempts == 1
    transport.assert_done()


def test_nothing_is_sent_once_the_run_is_interrupted():
    client, transport, dummy_clock = make_client([], cancelled=lambda: True)
    with pytest.raises(AgoraError, match='interrupted .* after 0 attempt'):
        client.query(RECORDING)
    transport.assert_done()


def test_a_rate_limit_wait_that_is_interrupted_sends_nothing():
    client, transport, clock = make_client([stop_call(stopped())], rate=10)
    client.stop(RECORDING, False)
    cancelled = []
    client._cancelled = lambda: bool(cancelled)  # pylint: disable=protected-access
    cancelled.append(True)
    with pytest.raises(AgoraError, match='interrupted'):
        client.query(RECORDING)
    transport.assert_done()


def test_every_form_of_the_secret_an_answer_echoes_is_masked():
    forms = secret_forms('customer-id', 'customer-secret')
    token = base64.b64encode(b'customer-id:customer-secret').decode()
    echo = {'message': 'bad header Basic %s for customer-id:customer-secret' % token, 'echo': {'customer-secret': [token]}}
    client, dummy_transport, dummy_clock = make_client([stop_call(answer(400, echo, request_id=token))],
                                                       redactor=Redactor(forms))
    with pytest.raises(AgoraError) as caught:
        client.stop(RECORDING, False)
    message = str(caught.value)
    assert 'customer-secret' not in message and token not in message
    assert 'bad header ******** for ********' in message and 'request id ********' in message


def test_the_masked_answer_is_what_the_outcome_carries():
    forms = secret_forms('customer-id', 'customer-secret')
    body = dict(RECORDING_IDENTITY, serverResponse={'uploadingStatus': 'uploaded', 'note': 'customer-secret'})
    client, dummy_transport, dummy_clock = make_client([stop_call(answer(200, body))], redactor=Redactor(forms))
    assert client.stop(RECORDING, False).verdict.server_response == {'uploadingStatus': 'uploaded', 'note': '********'}


@pytest.mark.parametrize('calls, inferred', [
    ([stop_call(timed_out(), takes=60.0), stop_call(NOT_FOUND, at=61.0)], True),
    ([stop_call(BACKEND_TIMEOUT), stop_call(EXITING)], True),
    ([stop_call(stopped())], False),
    ([stop_call(NOT_FOUND)], False),
    ([stop_call(refused()), stop_call(NOT_FOUND)], False),
], ids=['timeout-then-404', '206-65-then-49', 'stopped', '404', 'refused-then-404'])
def test_an_outcome_decided_after_the_stops_own_answer_was_lost_says_it_is_inferred(calls, inferred):
    client, transport, dummy_clock = make_client(calls)
    assert client.stop(RECORDING, False).inferred is inferred
    transport.assert_done()


def test_a_404_counts_at_once_when_a_query_just_waited_out_the_window():
    """An asynchronous stop's query already re-checked Agora's 404 for not_found_recheck: no second wait for the stop."""
    client, transport, clock = make_client([stop_call(NOT_FOUND)], recheck=90.0)
    decision = client.stop(RECORDING, True, rechecked=True)
    assert (decision.verdict.kind, decision.rechecked, decision.attempts, clock.sleeps) == (Kind.NOT_FOUND, True, 1, [])
    transport.assert_done()


@pytest.mark.parametrize('reply, may_have_acted', [(BACKEND_TIMEOUT, True), (UNAVAILABLE, True), (RATE_LIMITED, False)],
                         ids=['206-65', '503', '429'])
def test_giving_up_says_whether_the_stop_may_have_taken_effect_and_how_to_find_out(reply, may_have_acted):
    client, transport, dummy_clock = make_client([stop_call(reply)] * 2, retries=1)
    with pytest.raises(AgoraError) as caught:
        client.stop(RECORDING, False)
    message = str(caught.value)
    assert 'gave up after 2 attempts' in message and 'may still be running' in message
    assert ('The stop may already have taken effect' in message) is may_have_acted
    assert ('agora.cloud_recording.agora_cloud_recording_info' in message) is may_have_acted
    transport.assert_done()


def test_control_characters_in_an_answer_reach_no_result_raw():
    """A file name or any text of Agora's answer goes into results and facts, printed at -v: escaped as in messages."""
    body = {'sid': RECORDING.sid, 'resourceId': RECORDING.resource_id, 'serverResponse': {
        'uploadingStatus': 'uploaded', 'fileListMode': 'json', 'note\u202e': 'x\x1b[2J',
        'fileList': [{'fileName': 'a\u202eevil\u2066x.m3u8', 'trackType': 'audio'}]}}
    client, transport, dummy_clock = make_client([stop_call(answer(200, body))])
    decision = client.stop(RECORDING, False)
    assert decision.verdict.files[0]['filename'] == 'a\\u202eevil\\u2066x.m3u8'
    assert decision.verdict.server_response['note\\u202e'] == 'x\\x1b[2J'
    transport.assert_done()

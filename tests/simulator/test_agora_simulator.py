# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator keeps Agora's documented shapes and state, so the module's tests mean something.

Every switch is exercised over real HTTP(S) on loopback; times are kept small (windows of a few tenths of a second).
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time

import pytest
import requests

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, SimulatorProcess
from agora_simulator import (
    DEMO_APP_ID,
    NOT_FOUND_WORKER,
    AgoraSimulator,
    Fault,
    connection_reset,
    echo_credentials,
    gateway_html,
    nested_json,
    not_agora_200,
    not_found_body,
    server_error,
    trickling,
    worker_not_found,
)
from loopback_resolver.resolver_env import RESOLVER_DIR, resolve_map, resolver_env

AUTH = (CUSTOMER_ID, CUSTOMER_SECRET)
STORAGE = {'storageConfig': {'vendor': 1, 'region': 0, 'bucket': 'b', 'accessKey': 'ak', 'secretKey': 'sk'}}
STOP_BODY = {'cname': 'stage', 'uid': '527841', 'clientRequest': {}}


def api(simulator, app_id='app-1', base=None):
    return '%s/v1/apps/%s/cloud_recording' % (base or simulator.url, app_id)


def start_recording(simulator, session, mode='mix', cname='stage', uid='527841', client_request=None):
    acquired = session.post(api(simulator) + '/acquire', json={'cname': cname, 'uid': uid, 'clientRequest': {}})
    assert acquired.status_code == 200 and set(acquired.json()) == {'cname', 'uid', 'resourceId'}
    resource_id = acquired.json()['resourceId']
    started = session.post(api(simulator) + '/resourceid/%s/mode/%s/start' % (resource_id, mode),
                           json={'cname': cname, 'uid': uid, 'clientRequest': dict(STORAGE, **(client_request or {}))})
    assert started.status_code == 200
    assert started.json() == {'cname': cname, 'uid': uid, 'resourceId': resource_id, 'sid': started.json()['sid']}
    return '%s/resourceid/%s/sid/%s/mode/%s' % (api(simulator), resource_id, started.json()['sid'], mode)


def base_of(recording, url):
    return '%s/v1/apps/%s/cloud_recording/resourceid/%s/sid/%s/mode/%s' % (
        url, recording.app_id, recording.resource_id, recording.sid, recording.mode)


def stop_body(recording, async_stop=False):
    return {'cname': recording.cname, 'uid': recording.uid, 'clientRequest': {'async_stop': async_stop}}


@pytest.fixture
def session():
    with requests.Session() as http:
        http.auth = AUTH
        yield http


@pytest.fixture
def make_sim():
    """Start simulators with options; all are stopped at the end of the test."""
    started = []

    def make(**options):
        sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, **options).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


# -- the basic life cycle and the 404 bodies ------------------------------------------------------------------------

def test_acquire_start_query_stop_then_404(simulator, session):
    base = start_recording(simulator, session, client_request={'recordingFileConfig': {'avFileType': ['hls', 'mp4']}})
    query = session.get(base + '/query')
    assert query.status_code == 200 and query.json()['serverResponse']['status'] == 5
    stop = session.post(base + '/stop', json=STOP_BODY)
    assert stop.status_code == 200
    server_response = stop.json()['serverResponse']
    assert (server_response['fileListMode'], server_response['uploadingStatus']) == ('json', 'uploaded')
    assert stop.headers['X-Request-ID']
    identity = {key: stop.json()[key] for key in ('cname', 'resourceId', 'sid', 'uid')}
    again = session.post(base + '/stop', json=STOP_BODY)
    # Agora's real 404 (AgoraIO/API-Examples#373): no "reason", the message inside serverResponse.
    assert (again.status_code, again.json()) == (404, dict(identity, code=404, serverResponse={
        'command': 'StopCloudRecorder', 'payload': {'message': 'failed to find worker'}}))
    query = session.get(base + '/query')
    assert (query.status_code, query.json()) == (404, dict(identity, code=404, serverResponse={
        'payload': {'message': 'failed to find worker'}}))


def test_classic_404_switch(make_sim, session):
    sim = make_sim(classic_404=True)
    recording = sim.seed()
    base = base_of(recording, sim.url)
    assert session.post(base + '/stop', json=stop_body(recording)).status_code == 200
    for answer in (session.post(base + '/stop', json=stop_body(recording)), session.get(base + '/query')):
        assert (answer.status_code, answer.json()) == (404, {'code': 404, 'reason': 'failed to find worker'})


def test_unknown_sid_gets_the_real_404_with_what_the_request_named(simulator, session):
    recording = simulator.seed()
    base = base_of(recording, simulator.url).replace(recording.sid, 'f' * 32)
    answer = session.post(base + '/stop', json=stop_body(recording))
    assert answer.json() == not_found_body(recording.cname, recording.uid, recording.resource_id, 'f' * 32, 'stop')


def test_both_404_shapes_can_be_scripted(simulator, session):
    recording = simulator.seed()
    base = base_of(recording, simulator.url)
    simulator.add_fault(Fault(status=404, body=NOT_FOUND_WORKER, action='query'))
    simulator.add_fault(worker_not_found(recording, action='stop'))
    assert session.get(base + '/query').json() == {'code': 404, 'reason': 'failed to find worker'}
    stopped = session.post(base + '/stop', json=stop_body(recording))
    assert stopped.json()['serverResponse']['command'] == 'StopCloudRecorder' and 'reason' not in stopped.json()
    assert simulator.recording(recording.sid).state == 'recording'   # a fault before the effect: nothing stopped
    assert not_found_body(action='query')['serverResponse'] == {'payload': {'message': 'failed to find worker'}}


def test_seed_default_app_id_is_32_hex(simulator):
    assert re.fullmatch('[0-9a-f]{32}', DEMO_APP_ID) and simulator.seed().app_id == DEMO_APP_ID


def test_hls_only_mix_answers_in_string_mode(simulator, session):
    base = start_recording(simulator, session)
    server_response = session.post(base + '/stop', json=STOP_BODY).json()['serverResponse']
    assert server_response['fileListMode'] == 'string' and server_response['fileList'].endswith('.m3u8')


def test_credentials_are_checked_like_agoras_gateway(simulator):
    url = api(simulator) + '/acquire'
    missing = requests.post(url, json={}, timeout=5)
    wrong = requests.post(url, json={}, auth=(CUSTOMER_ID, 'wrong'), timeout=5)
    assert (missing.status_code, missing.json()) == (401, {'message': 'Unauthorized'})
    assert (wrong.status_code, wrong.json()) == (401, {'message': 'Invalid authentication credentials'})


def test_unknown_route_is_the_gateways_404(simulator, session):
    answer = session.get(api(simulator) + '/acquire')
    assert (answer.status_code, answer.json()) == (404, {'message': 'no Route matched with those values'})


def test_every_request_is_recorded(simulator, session):
    session.post(api(simulator) + '/acquire', json={'cname': 'c', 'uid': '1', 'clientRequest': {}})
    (received,) = simulator.received
    expected_body = {'cname': 'c', 'uid': '1', 'clientRequest': {}}
    assert (received.method, received.path, received.body) == ('POST', '/v1/apps/app-1/cloud_recording/acquire', expected_body)
    assert received.headers['authorization'].startswith('Basic ') and received.domain == ''


def test_latency_is_added_to_every_answer(make_sim, session):
    sim = make_sim(latency=0.3)
    began = time.monotonic()
    session.post(api(sim) + '/acquire', json={'cname': 'c', 'uid': '1', 'clientRequest': {}})
    assert time.monotonic() - began >= 0.3


def test_refuses_to_serve_beyond_loopback():
    with pytest.raises(ValueError):
        AgoraSimulator(host='0.0.0.0')


def test_rate_limit_answers_429_per_app_id(make_sim, session):
    sim = make_sim(rate_limit=3)
    statuses = [session.post(api(sim, 'app-a') + '/acquire', json={'cname': 'c', 'uid': '1'}).status_code for dummy in range(4)]
    other_app = session.post(api(sim, 'app-b') + '/acquire', json={'cname': 'c', 'uid': '1'})
    assert statuses == [200, 200, 200, 429] and other_app.status_code == 200
    assert sim.stats()['rate_limited'] == 1


# -- synchronous stops that take their time ---------------------------------------------------------------------------

def test_sync_stop_waits_for_the_upload_and_async_does_not(make_sim, session):
    sim = make_sim(upload_delay=0.3)   # the older argument: a fixed upload time
    timings, answers = {}, {}
    for async_stop in (True, False):
        base = start_recording(sim, session, cname='c-%s' % async_stop)
        began = time.monotonic()
        answers[async_stop] = session.post(base + '/stop', json={'cname': 'c-%s' % async_stop, 'uid': '527841',
                                                                 'clientRequest': {'async_stop': async_stop}})
        timings[async_stop] = time.monotonic() - began
        assert answers[async_stop].status_code == 200
    assert timings[False] >= 0.3 > timings[True]
    assert answers[True].json()['serverResponse'] == {}
    assert set(answers[True].json()) == {'cname', 'uid', 'resourceId', 'sid', 'serverResponse'}
    assert answers[False].json()['serverResponse']['uploadingStatus'] == 'uploaded'


def test_upload_past_the_window_answers_206_code_50_and_the_upload_goes_on(make_sim, session):
    sim = make_sim(upload_time=0.5, upload_window=0.2)
    recording = sim.seed(mode='mix', file_list_mode='json')
    base = base_of(recording, sim.url)
    began = time.monotonic()
    answer = session.post(base + '/stop', json=stop_body(recording))
    took = time.monotonic() - began
    assert 0.2 <= took < 0.45
    body = answer.json()
    assert answer.status_code == 206
    assert (body['code'], body['reason']) == (50, 'upload timeout')
    assert {key: body[key] for key in ('resourceId', 'sid', 'cname', 'uid')} == recording.identity()
    assert body['serverResponse']['fileListMode'] == 'json' and 'uploadingStatus' not in body['serverResponse']
    # The upload goes on: the task is exiting, a second stop says so; once the upload is done the recording has ended.
    assert session.get(base + '/query').json()['serverResponse']['status'] == 6
    assert session.post(base + '/stop', json=stop_body(recording)).json()['code'] == 49
    time.sleep(0.5 - took + 0.05)
    assert session.get(base + '/query').status_code == 404
    assert sim.recording(recording.sid).state == 'ended'


def test_the_stop_wait_does_not_hold_the_state(make_sim, session):
    sim = make_sim(upload_time=0.4)
    slow, other = sim.seed(), sim.seed()
    waiting = threading.Thread(target=lambda: session.post(base_of(slow, sim.url) + '/stop', json=stop_body(slow)))
    waiting.start()
    time.sleep(0.1)
    with requests.Session() as second:
        second.auth = AUTH
        began = time.monotonic()
        assert second.get(base_of(other, sim.url) + '/query').status_code == 200
        assert time.monotonic() - began < 0.2
    waiting.join(timeout=5)


def test_upload_time_range_is_drawn_per_recording_from_the_seed():
    def draws(seed):
        sim = AgoraSimulator(upload_time=(2.0, 20.0), random_seed=seed)
        return [sim.seed().upload_seconds for dummy in range(5)]

    first = draws(7)
    assert first == draws(7) != draws(8)
    assert all(2.0 <= value <= 20.0 for value in first) and len(set(first)) == 5


def test_stats_name_the_slowest_upload_among_the_recordings_stopped(make_sim, session):
    sim = make_sim(upload_time=(0.01, 0.2), random_seed=5)
    quick, slow, never_stopped = sim.seed(upload_seconds=0.02), sim.seed(upload_seconds=0.15), sim.seed(upload_seconds=0.3)
    empty = sim.seed(cname='nobody-here', upload_seconds=0.4, publishing=False)
    assert sim.stats()['slowest_upload'] == 0.0   # nothing stopped yet
    assert session.post(base_of(empty, sim.url) + '/stop', json=stop_body(empty)).json()['code'] == 435
    assert sim.stats()['slowest_upload'] == 0.0   # an empty channel uploads nothing
    for recording in (quick, slow):
        assert session.post(base_of(recording, sim.url) + '/stop', json=stop_body(recording)).status_code == 200
    stats = sim.stats()
    # The recording never stopped (0.3 s) and the empty channel's (0.4 s) do not count.
    assert stats['slowest_upload'] == 0.15 and never_stopped.state == 'recording' and stats['still_recording'] == 1


def test_stats_time_the_span_of_each_app_ids_requests_and_the_busy_part_of_a_run(make_sim, session):
    sim = make_sim(upload_time=0.2)
    assert sim.stats()['request_span'] == {} and sim.stats()['busy_seconds'] == 0.0
    first, second, other = sim.seed(app_id='a' * 32), sim.seed(app_id='a' * 32), sim.seed(app_id='b' * 32)
    began = time.monotonic()
    assert session.post(base_of(first, sim.url) + '/stop', json=stop_body(first)).status_code == 200   # 0.2 s upload
    time.sleep(0.1)
    assert session.post(base_of(second, sim.url) + '/stop', json=stop_body(second, async_stop=True)).status_code == 200
    assert session.post(base_of(other, sim.url) + '/stop', json=stop_body(other, async_stop=True)).status_code == 200
    took = time.monotonic() - began
    stats = sim.stats()
    assert 0.3 <= stats['request_span']['a' * 32] < took and stats['request_span']['b' * 32] == 0.0
    assert 0.3 <= stats['busy_seconds'] <= took


def test_stats_count_an_async_stop_upload_too(make_sim, session):
    sim = make_sim()
    recording = sim.seed(upload_seconds=3.0)
    assert session.post(base_of(recording, sim.url) + '/stop', json=stop_body(recording, async_stop=True)).status_code == 200
    assert sim.stats()['slowest_upload'] == 3.0


def test_web_206_has_no_upload_service(make_sim, session):
    sim = make_sim(upload_time=1.0, upload_window=0.05)
    recording = sim.seed(mode='web')
    body = session.post(base_of(recording, sim.url) + '/stop', json=stop_body(recording)).json()
    services = [item['serviceName'] for item in body['serverResponse']['extensionServiceState']]
    assert body['code'] == 50 and services == ['web_recorder_service']


# -- recordings that end by themselves, expire, or fail over ---------------------------------------------------------

def test_idle_exit_ends_a_recording_nobody_publishes_in(make_sim, session):
    sim = make_sim(idle_exit=0.2)
    idle, busy = sim.seed(publishing=False), sim.seed()
    assert session.get(base_of(idle, sim.url) + '/query').json()['serverResponse']['status'] == 5
    time.sleep(0.25)
    assert session.get(base_of(idle, sim.url) + '/query').status_code == 404
    stopped = session.post(base_of(idle, sim.url) + '/stop', json=stop_body(idle))
    assert stopped.status_code == 404 and stopped.json()['serverResponse']['payload']['message'] == 'failed to find worker'
    assert session.get(base_of(busy, sim.url) + '/query').status_code == 200
    assert sim.stats()['still_recording'] == 1
    sim.set_channel_publishing(busy.cname, False)
    time.sleep(0.25)
    assert sim.recording(busy.sid).state == 'ended'


def test_idle_exit_is_off_by_default(simulator, session):
    recording = simulator.seed(publishing=False, idle_since=time.monotonic() - 3600)
    assert session.get(base_of(recording, simulator.url) + '/query').status_code == 200


def test_expired_resource_answers_433_while_the_recording_runs_on(make_sim, session):
    sim = make_sim(resource_expiry=0.2)
    recording = sim.seed()
    base = base_of(recording, sim.url)
    assert session.get(base + '/query').status_code == 200
    time.sleep(0.25)
    for answer in (session.get(base + '/query'), session.post(base + '/stop', json=stop_body(recording))):
        assert (answer.status_code, answer.json()) == (400, {'code': 433, 'reason': 'resource expired'})
    assert sim.recording(recording.sid).state == 'recording'


def test_expire_now_and_expiry_off_by_default(simulator, session):
    recording = simulator.seed()
    assert session.get(base_of(recording, simulator.url) + '/query').status_code == 200
    simulator.expire(recording.sid)
    assert session.get(base_of(recording, simulator.url) + '/query').json()['code'] == 433


def test_failover_window_answers_404_then_the_recording_is_alive(simulator, session):
    recording = simulator.seed()
    base = base_of(recording, simulator.url)
    simulator.fail_over(recording.sid, 0.3)
    assert session.get(base + '/query').status_code == 404
    during = session.post(base + '/stop', json=stop_body(recording))
    assert during.status_code == 404 and during.json()['serverResponse']['command'] == 'StopCloudRecorder'
    assert simulator.recording(recording.sid).state == 'recording'
    time.sleep(0.35)
    assert session.get(base + '/query').json()['serverResponse']['status'] == 5
    assert session.post(base + '/stop', json=stop_body(recording)).status_code == 200
    assert session.get(base + '/query').status_code == 404


# -- gateway and service errors -------------------------------------------------------------------------------------

def test_504_is_code_62_and_502_can_be_an_html_page(simulator, session):
    recording = simulator.seed()
    base = base_of(recording, simulator.url)
    simulator.add_fault(server_error(504, action='query'))
    answer = session.get(base + '/query')
    assert (answer.status_code, answer.json()['code'], set(answer.json())) == (504, 62, {'code', 'reason'})
    simulator.add_fault(gateway_html(502, action='query'))
    answer = session.get(base + '/query')
    assert answer.status_code == 502 and answer.headers['Content-Type'] == 'text/html'
    assert '<h1>502 Bad Gateway</h1>' in answer.text


# -- hostile answers --------------------------------------------------------------------------------------------------

def test_echo_credentials_sends_back_every_header(simulator, session):
    recording = simulator.seed()
    simulator.add_fault(echo_credentials(action='stop', after=True))
    answer = session.post(base_of(recording, simulator.url) + '/stop', json=stop_body(recording), headers={'X-Mine': 'yes'})
    expected = 'Basic ' + base64.b64encode(('%s:%s' % AUTH).encode()).decode()
    assert answer.status_code == 400 and answer.headers['X-Echo-Authorization'] == expected
    assert answer.json()['message'] == 'bad request'
    assert answer.json()['echo']['Authorization'] == expected and answer.json()['echo']['X-Mine'] == 'yes'
    assert simulator.recording(recording.sid).state == 'ended'   # after=True: the stop took effect
    simulator.add_fault(echo_credentials(status=200, action='query'))
    assert session.get(base_of(recording, simulator.url) + '/query').json()['echo']['Authorization'] == expected


def raw_query(recording, port):
    return b'GET %s/query HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n' % (
        base_of(recording, '').encode(), requests.auth._basic_auth_str(*AUTH).encode())


def test_trickle_writes_the_real_answer_byte_by_byte(simulator):
    recording = simulator.seed(file_list_mode='none')
    simulator.add_fault(trickling(0.001, action='query'))
    with socket.create_connection(('127.0.0.1', simulator.port), timeout=5) as sock:
        began = time.monotonic()
        sock.sendall(raw_query(recording, simulator.port))
        chunks = []
        while not b''.join(chunks).endswith(b'}}'):
            chunk = sock.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
        took = time.monotonic() - began
    data = b''.join(chunks)
    head, body = data.split(b'\r\n\r\n', 1)
    assert head.startswith(b'HTTP/1.1 200 ') and json.loads(body)['sid'] == recording.sid
    assert took >= 0.001 * (len(data) - 1) and len(chunks) > 20


def test_trickle_stops_quietly_when_the_client_goes(simulator, session):
    recording = simulator.seed()
    simulator.add_fault(Fault(status=503, body={'message': 'x' * 2000}, trickle=0.01, action='query'))
    with socket.create_connection(('127.0.0.1', simulator.port), timeout=5) as sock:
        sock.sendall(raw_query(recording, simulator.port))
        assert sock.recv(5)
    deadline = time.monotonic() + 2
    while simulator._in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert simulator._in_flight == 0
    assert session.get(base_of(recording, simulator.url) + '/query', timeout=5).status_code == 200


@pytest.mark.parametrize('after', [False, True])
def test_connection_reset_answers_nothing(simulator, after):
    recording = simulator.seed()
    simulator.add_fault(connection_reset(action='stop', after=after))
    request = json.dumps(stop_body(recording)).encode()
    with socket.create_connection(('127.0.0.1', simulator.port), timeout=5) as sock:
        sock.sendall(b'POST %s/stop HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n%s' % (
            base_of(recording, '').encode(), requests.auth._basic_auth_str(*AUTH).encode(), len(request), request))
        with pytest.raises(ConnectionResetError):
            sock.recv(1024)
    assert simulator.recording(recording.sid).state == ('ended' if after else 'recording')


def test_connection_reset_is_a_connection_error_for_requests(simulator, session):
    recording = simulator.seed()
    simulator.add_fault(connection_reset(action='query'))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(base_of(recording, simulator.url) + '/query', timeout=5)
    assert session.get(base_of(recording, simulator.url) + '/query', timeout=5).status_code == 200


def test_not_agora_200_and_nested_json(simulator, session):
    recording = simulator.seed()
    base = base_of(recording, simulator.url)
    simulator.add_fault(not_agora_200(action='stop', after=True))
    simulator.add_fault(not_agora_200({'message': 'ok'}, action='query'))
    assert session.post(base + '/stop', json=stop_body(recording)).json() == {}
    assert session.get(base + '/query').json() == {'message': 'ok'}
    assert nested_json(3) == '{"a":{"a":{"a":0}}}' and json.loads(nested_json(50))['a']['a']['a'] is not None
    simulator.add_fault(Fault(status=200, body=nested_json(100000), action='query'))
    deep = session.get(base + '/query')
    assert deep.status_code == 200 and len(deep.text) == len(nested_json(100000))
    with pytest.raises(RecursionError):
        json.loads(deep.text)


def test_huge_retry_after_is_just_a_header(simulator, session):
    recording = simulator.seed()
    simulator.add_fault(Fault(status=429, body={'message': 'API rate limit exceeded'}, headers={'Retry-After': '9' * 30}))
    assert session.get(base_of(recording, simulator.url) + '/query').headers['Retry-After'] == '9' * 30


def test_truncate_and_drop_still_work(simulator, session):
    recording = simulator.seed()
    simulator.add_fault(Fault(status=200, body={'message': 'a long enough body'}, truncate=True, action='query'))
    with pytest.raises((requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        session.get(base_of(recording, simulator.url) + '/query', timeout=5)
    simulator.add_fault(Fault(drop=True, after=True, action='stop'))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(base_of(recording, simulator.url) + '/stop', json=stop_body(recording), timeout=5)
    assert simulator.recording(recording.sid).state == 'ended'


# -- HTTPS with a CA of its own ---------------------------------------------------------------------------------------

def test_tls_verifies_against_the_ca_bundle_and_not_without_it(make_sim):
    sim = make_sim(tls=True, domains=['api.sd-rtn.com', 'api.agora.io'])
    assert sim.url.startswith('https://127.0.0.1:') and os.path.exists(sim.ca_bundle)
    recording = sim.seed()
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(base_of(recording, sim.url) + '/query', auth=AUTH, timeout=5)
    for name in ('api.sd-rtn.com', 'api.agora.io'):
        answer = requests.get(base_of(recording, sim.domain_url(name)) + '/query', auth=AUTH, verify=sim.ca_bundle, timeout=5)
        assert answer.status_code == 200
    # The certificate names every domain (checked here through the SNI name, the connection still to loopback).
    context = ssl.create_default_context(cafile=sim.ca_bundle)
    with socket.create_connection(('127.0.0.1', sim.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname='api.agora.io') as tls:
            assert tls.version()
    assert [item.domain for item in sim.received] == ['api.sd-rtn.com', 'api.agora.io']


def test_tls_handshakes_do_not_block_the_accept_loop(make_sim):
    sim = make_sim(tls=True)
    silent = socket.create_connection(('127.0.0.1', sim.port), timeout=5)   # connects, never says hello
    try:
        began = time.monotonic()
        assert requests.post(api(sim) + '/acquire', json={'cname': 'c', 'uid': '1'}, auth=AUTH, verify=sim.ca_bundle,
                             timeout=3).status_code == 200
        assert time.monotonic() - began < 1.0
    finally:
        silent.close()


def test_tls_tuple_form_still_works(make_sim, tmp_path):
    first = make_sim(tls=True, cert_dir=str(tmp_path))
    sim = make_sim(tls=(str(tmp_path / 'server-cert.pem'), str(tmp_path / 'server-key.pem')))
    assert sim.ca_bundle is None and first.ca_bundle == str(tmp_path / 'ca.pem')
    answer = requests.post(api(sim) + '/acquire', json={'cname': 'c', 'uid': '1'}, auth=AUTH, verify=first.ca_bundle, timeout=5)
    assert answer.status_code == 200


# -- domains ----------------------------------------------------------------------------------------------------------

DOMAINS = ['api.sd-rtn.com', 'api.agora.io', 'api-us-west-1.agora.io']


def test_domains_share_one_state_and_count_their_requests(make_sim, session):
    sim = make_sim(domains=DOMAINS)
    assert sim.url == sim.domain_url('api.sd-rtn.com') and len({item['port'] for item in sim.domains().values()}) == 3
    recording = sim.seed()
    assert session.get(base_of(recording, sim.domain_url('api.agora.io')) + '/query').status_code == 200
    assert session.post(base_of(recording, sim.domain_url('api-us-west-1.agora.io')) + '/stop',
                        json=stop_body(recording)).status_code == 200
    assert session.get(base_of(recording, sim.url) + '/query').status_code == 404
    assert [item.domain for item in sim.received] == ['api.agora.io', 'api-us-west-1.agora.io', 'api.sd-rtn.com']
    assert sim.stats()['domains'] == {'api.sd-rtn.com': 1, 'api.agora.io': 1, 'api-us-west-1.agora.io': 1}
    assert sim.domains()['api.agora.io'] == {'url': sim.domain_url('api.agora.io'), 'port': int(sim.domain_url('api.agora.io').rsplit(':', 1)[1]),
                                             'behaviour': 'ok'}


def test_refuse_closes_the_listener_and_reopens_on_the_same_port(make_sim, session):
    sim = make_sim(domains=DOMAINS)
    url = sim.domain_url('api.agora.io')
    assert session.post(api(sim, base=url) + '/acquire', json={'cname': 'c', 'uid': '1'}).status_code == 200
    sim.set_domain('api.agora.io', 'refuse')
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(api(sim, base=url) + '/acquire', json={'cname': 'c', 'uid': '1'}, timeout=5)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(('127.0.0.1', sim.domains()['api.agora.io']['port']), timeout=5).close()
    assert session.post(api(sim) + '/acquire', json={'cname': 'c', 'uid': '1'}).status_code == 200   # others serve on
    sim.set_domain('api.agora.io', 'ok')
    assert sim.domain_url('api.agora.io') == url
    assert session.post(api(sim, base=url) + '/acquire', json={'cname': 'c', 'uid': '1'}).status_code == 200


def test_a_domain_can_refuse_from_the_start(make_sim, session):
    sim = make_sim(domains=['api.sd-rtn.com=refuse', 'api.agora.io'])
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(api(sim) + '/acquire', json={'cname': 'c', 'uid': '1'}, timeout=5)
    sim.set_domain('api.sd-rtn.com', 'ok')
    assert session.post(api(sim) + '/acquire', json={'cname': 'c', 'uid': '1'}, timeout=5).status_code == 200


def test_hang_reads_the_request_and_never_answers(make_sim, session):
    sim = make_sim(domains={'api.sd-rtn.com': 'hang', 'api.agora.io': 'ok'})
    recording = sim.seed()
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.post(base_of(recording, sim.url) + '/stop', json=stop_body(recording), timeout=0.3)
    assert sim.received[0].domain == 'api.sd-rtn.com' and sim.recording(recording.sid).state == 'recording'
    sim.set_domain('api.sd-rtn.com', 'ok')
    assert session.get(base_of(recording, sim.url) + '/query', timeout=5).status_code == 200


def test_reset_reads_the_request_and_resets(make_sim, session):
    sim = make_sim(domains=DOMAINS)
    sim.set_domain('api-us-west-1.agora.io', 'reset')
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(api(sim, base=sim.domain_url('api-us-west-1.agora.io')) + '/acquire', json={'cname': 'c', 'uid': '1'},
                     timeout=5)
    assert [item.domain for item in sim.received] == ['api-us-west-1.agora.io']


def test_dns_is_only_recorded_for_the_resolver(make_sim, session):
    sim = make_sim(domains=DOMAINS)
    sim.set_domain('api.agora.io', 'dns')
    assert sim.domains()['api.agora.io']['behaviour'] == 'dns'
    assert sim.resolve_map() == {'api.sd-rtn.com': sim.domains()['api.sd-rtn.com']['port'], 'api.agora.io': None,
                                 'api-us-west-1.agora.io': sim.domains()['api-us-west-1.agora.io']['port']}
    assert resolve_map(sim.domains()) == sim.resolve_map()
    assert session.post(api(sim, base=sim.domain_url('api.agora.io')) + '/acquire', json={'cname': 'c', 'uid': '1'}).status_code == 200


def test_bad_domain_behaviour_is_refused():
    with pytest.raises(ValueError):
        AgoraSimulator(domains=['api.agora.io=sulk'])
    with pytest.raises(ValueError):
        AgoraSimulator().set_domain(None, 'sulk')


# -- the resolver shim for the module's process ----------------------------------------------------------------------

SHIM_CHECK = r'''
import json, socket, sys
assert getattr(socket.getaddrinfo, 'loopback_resolver', None) is not None, 'the shim is not in place'
def lookup(name, port=443):
    try:
        return sorted({(item[4][0], item[4][1]) for item in socket.getaddrinfo(name, port, proto=socket.IPPROTO_TCP)})
    except socket.gaierror as error:
        return 'gaierror'
names = ['api.sd-rtn.com', 'API.Agora.IO.', 'api-us-west-1.agora.io', 'example.com', 'localhost', '127.0.0.1', '::1']
result = {name: lookup(name) for name in names}
result['gethostbyname'] = socket.gethostbyname('api.sd-rtn.com')
import requests
answer = requests.post('https://api.sd-rtn.com/v1/apps/app-1/cloud_recording/acquire', json={'cname': 'c', 'uid': '1'},
                       auth=tuple(sys.argv[2:4]), verify=sys.argv[1], timeout=5)
result['https'] = answer.status_code
print(json.dumps(result))
'''


def test_resolver_shim_maps_names_to_loopback_and_fails_the_rest(make_sim):
    sim = make_sim(tls=True, domains=['api.sd-rtn.com', 'api.agora.io=dns', 'api-us-west-1.agora.io'])
    env = dict(os.environ, **resolver_env(sim.resolve_map()))
    proc = subprocess.run([sys.executable, '-c', SHIM_CHECK, sim.ca_bundle, *AUTH], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    port = sim.domains()['api.sd-rtn.com']['port']
    assert result['api.sd-rtn.com'] == [['127.0.0.1', port]]
    assert result['API.Agora.IO.'] == 'gaierror' and result['example.com'] == 'gaierror'
    assert result['api-us-west-1.agora.io'] == [['127.0.0.1', sim.domains()['api-us-west-1.agora.io']['port']]]
    assert result['127.0.0.1'] == [['127.0.0.1', 443]] and result['::1'] == [['::1', 443]]
    assert result['localhost'] != 'gaierror' and result['gethostbyname'] == '127.0.0.1'
    assert result['https'] == 200 and sim.received[0].domain == 'api.sd-rtn.com'


def test_resolver_shim_does_nothing_without_its_variable():
    env = dict(os.environ, PYTHONPATH=RESOLVER_DIR)
    env.pop('AGORA_TEST_RESOLVE', None)
    proc = subprocess.run([sys.executable, '-c', 'import socket; print(hasattr(socket.getaddrinfo, "loopback_resolver"))'],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.strip() == 'False'


# -- the command line -------------------------------------------------------------------------------------------------

def test_command_line_switches_and_ready_file(tmp_path):
    process = SimulatorProcess(str(tmp_path), ['--seed', '2', '--tls', '--classic-404', '--upload-time', '0.05-0.1',
                                               '--random-seed', '3', '--upload-window', '5', '--idle-exit', '30',
                                               '--resource-expiry', '3600', '--domain', 'api.sd-rtn.com',
                                               '--domain', 'api.agora.io=dns'])
    try:
        assert set(process.domains) == {'api.sd-rtn.com', 'api.agora.io'}
        assert process.domains['api.agora.io']['behaviour'] == 'dns' and process.url == process.domains['api.sd-rtn.com']['url']
        assert json.loads(process.resolver_env()['AGORA_TEST_RESOLVE']) == {
            'api.sd-rtn.com': process.domains['api.sd-rtn.com']['port'], 'api.agora.io': None}
        recording = process.recordings[0]
        assert recording['app_id'] == DEMO_APP_ID
        base = '%s/v1/apps/%s/cloud_recording/resourceid/%s/sid/%s/mode/%s' % (
            process.url, recording['app_id'], recording['resource_id'], recording['sid'], recording['mode'])
        body = {'cname': recording['cname'], 'uid': recording['uid'], 'clientRequest': {}}
        with requests.Session() as http:
            http.auth = AUTH   # verify per request: REQUESTS_CA_BUNDLE in the environment beats a session's verify
            assert http.post(base + '/stop', json=body, verify=process.ca_bundle, timeout=5).status_code == 200
            time.sleep(0.15)
            again = http.post(base + '/stop', json=body, verify=process.ca_bundle, timeout=5)
            assert again.json() == {'code': 404, 'reason': 'failed to find worker'}
    finally:
        stats = process.finish()
    assert stats['domains'] == {'api.sd-rtn.com': 2, 'api.agora.io': 0} and stats['stops'] == 2


def test_command_line_spreads_seeded_recordings_over_repeated_app_ids(tmp_path):
    app_ids = ['a' * 32, 'b' * 32, 'c' * 32]
    process = SimulatorProcess(str(tmp_path), ['--seed', '7', '--upload-time', '0.01-0.05', '--random-seed', '4',
                                               *[option for app_id in app_ids for option in ('--seed-app-id', app_id)]])
    try:
        assert [item['app_id'] for item in process.recordings] == [app_ids[index % 3] for index in range(7)]
        assert len({item['sid'] for item in process.recordings}) == 7
        recording = process.recordings[4]
        base = '%s/v1/apps/%s/cloud_recording/resourceid/%s/sid/%s/mode/%s' % (
            process.url, recording['app_id'], recording['resource_id'], recording['sid'], recording['mode'])
        with requests.Session() as http:
            http.auth = AUTH
            answer = http.post(base + '/stop', json={'cname': recording['cname'], 'uid': recording['uid'], 'clientRequest': {}},
                               timeout=5)
            assert answer.status_code == 200
    finally:
        stats = process.finish()
    assert stats['stops'] == 1 and stats['still_recording'] == 6 and 0.01 <= stats['slowest_upload'] <= 0.05


def test_command_line_seeds_the_demo_app_id_by_default(tmp_path):
    process = SimulatorProcess(str(tmp_path), ['--seed', '3'])
    try:
        assert {item['app_id'] for item in process.recordings} == {DEMO_APP_ID}
    finally:
        stats = process.finish()
    assert stats['slowest_upload'] == 0.0 and stats['still_recording'] == 3


def test_upload_time_option_parses_a_value_or_a_range():
    from agora_simulator import _upload_time

    assert _upload_time('2') == 2.0 and _upload_time('2-20') == (2.0, 20.0)
    with pytest.raises(Exception):
        _upload_time('20-2')


# -- scale ------------------------------------------------------------------------------------------------------------

def test_hundreds_of_simultaneous_connections(make_sim):
    sim = make_sim(latency=0.2)
    assert sim._server.request_queue_size >= 1024
    count = 300
    request = json.dumps({'cname': 'c', 'uid': '1'}).encode()
    head = b'POST /v1/apps/%s/cloud_recording/acquire HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Length: %d\r\n' \
           b'Connection: close\r\n\r\n' % (DEMO_APP_ID.encode(), requests.auth._basic_auth_str(*AUTH).encode(), len(request))
    sockets = [socket.create_connection(('127.0.0.1', sim.port), timeout=10) for dummy in range(count)]
    try:
        for sock in sockets:
            sock.sendall(head + request)
        statuses = []
        for sock in sockets:
            data = b''
            while not data.endswith(b'}'):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            statuses.append(data.split(b' ', 2)[1])
    finally:
        for sock in sockets:
            sock.close()
    stats = sim.stats()
    assert statuses == [b'200'] * count
    assert stats['max_in_flight'] >= 100 and stats['busiest_second'] == {DEMO_APP_ID: count}


@pytest.mark.parametrize('framing, status_line, closed', [
    ('close', b'HTTP/1.1 200', True), ('http10', b'HTTP/1.0 200', True), ('keep-alive', b'HTTP/1.1 200', False)])
def test_a_fault_frames_its_answer_as_asked(simulator, framing, status_line, closed):
    recording = simulator.seed(file_list_mode='none')
    simulator.add_fault(trickling(0.003, framing=framing, body_only=True, action='query'))
    with socket.create_connection(('127.0.0.1', simulator.port), timeout=5) as sock:
        sock.sendall(raw_query(recording, simulator.port))
        head, separator, body = sock.recv(4096).partition(b'\r\n\r\n')
        # body_only: the headers came at once; of the body, a few bytes so far at most.
        assert separator and len(body) < 10 and head.startswith(status_line)
        assert (b'Connection: close' in head) is (framing == 'close')
        assert (b'Content-Length' in head) is (framing != 'http10')
        while not body.endswith(b'}}'):
            chunk = sock.recv(4096)
            assert chunk, 'the answer ended early'
            body += chunk
        assert json.loads(body)['sid'] == recording.sid
        if closed:   # the end of the connection ends the answer
            sock.settimeout(2)
            assert sock.recv(1) == b''


# -- acquire and start as Agora validates them -------------------------------------------------------------------

HEADERS = {'authorization': 'Basic ' + base64.b64encode(('%s:%s' % AUTH).encode()).decode()}
ACQUIRE_PATH = '/v1/apps/app-1/cloud_recording/acquire'


def acquire_in_process(sim, cname='stage', uid='527841', client_request=None):
    return sim.respond('POST', ACQUIRE_PATH, HEADERS, {'cname': cname, 'uid': uid, 'clientRequest': client_request or {}})


def start_in_process(sim, resource_id, mode='mix', cname='stage', uid='527841', client_request=None):
    path = '/v1/apps/app-1/cloud_recording/resourceid/%s/mode/%s/start' % (resource_id, mode)
    body = {'cname': cname, 'uid': uid, 'clientRequest': STORAGE if client_request is None else client_request}
    return sim.respond('POST', path, HEADERS, body)


def test_a_repeated_start_with_the_same_resource_id_answers_201_code_7():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET)
    resource_id = acquire_in_process(sim)[1]['resourceId']
    status, first, dummy_headers, dummy_wait = start_in_process(sim, resource_id)
    again = start_in_process(sim, resource_id)
    assert status == 200 and again[:2] == (201, {'code': 7, 'reason': 'already started', 'cname': 'stage', 'uid': '527841',
                                                 'resourceId': resource_id, 'sid': first['sid']})


def test_a_second_task_for_the_same_channel_and_uid_answers_400_code_53_until_the_first_ends():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET)
    first = acquire_in_process(sim)[1]['resourceId']
    sid = start_in_process(sim, first)[1]['sid']
    second = acquire_in_process(sim)[1]['resourceId']
    assert start_in_process(sim, second)[:2] == (400, {'code': 53, 'reason': 'task conflict'})
    assert start_in_process(sim, acquire_in_process(sim, uid='527842')[1]['resourceId'], uid='527842')[0] == 200
    sim.recording(sid).state = 'ended'
    assert start_in_process(sim, second)[0] == 200


def test_a_resource_id_waits_five_minutes_for_its_start():
    assert AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET).resource_ttl == 300.0
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, resource_ttl=0.0)
    assert start_in_process(sim, acquire_in_process(sim)[1]['resourceId'])[:2] == (400, {'code': 433, 'reason': 'resource expired'})


@pytest.mark.parametrize('acquire_body', [
    {'cname': 'stage', 'uid': '0'}, {'cname': 'stage', 'uid': 'abc'}, {'cname': 'stage', 'uid': str(2 ** 32)},
    {'cname': 'stage', 'uid': '1', 'clientRequest': {'resourceExpiredHour': 721}},
    {'cname': 'stage', 'uid': '1', 'clientRequest': {'resourceExpiredHour': 0}},
    {'cname': 'stage', 'uid': '1', 'clientRequest': {'scene': 3}},
    {'cname': 'stage', 'uid': '1', 'clientRequest': []},
])
def test_acquire_refuses_what_agora_refuses_with_code_2(acquire_body):
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET)
    assert sim.respond('POST', ACQUIRE_PATH, HEADERS, acquire_body)[:2] == (400, {'code': 2, 'reason': 'invalid parameter'})


@pytest.mark.parametrize('mode, client_request', [
    ('mix', {}), ('mix', {'storageConfig': {'vendor': 1, 'region': 0, 'bucket': 'b', 'accessKey': 'ak'}}),
    ('mix', {'storageConfig': dict(STORAGE['storageConfig'], vendor='1')}), ('web', STORAGE), ('mix', [])])
def test_start_refuses_an_incomplete_client_request_with_code_2(mode, client_request):
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET)
    resource_id = acquire_in_process(sim)[1]['resourceId']
    assert start_in_process(sim, resource_id, mode, client_request=client_request)[:2] == (400, {'code': 2, 'reason': 'invalid parameter'})
    web = dict(STORAGE, extensionServiceConfig={'extensionServices': []})
    assert start_in_process(sim, resource_id, 'web', client_request=web)[0] == 200


def test_the_concurrent_task_limit_answers_406_at_acquire():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, max_concurrent=1)
    sid = start_in_process(sim, acquire_in_process(sim)[1]['resourceId'])[1]['sid']
    assert acquire_in_process(sim, uid='2')[:2] == (400, {'code': 406, 'reason': 'vendor_over_load'})
    sim.recording(sid).state = 'ended'
    assert acquire_in_process(sim, uid='2')[0] == 200


def test_a_start_answer_takes_the_configured_time():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, start_time=(1.0, 3.0), random_seed=3)
    waits = [start_in_process(sim, acquire_in_process(sim, uid=str(uid))[1]['resourceId'], uid=str(uid))[3] for uid in range(1, 20)]
    assert all(1.0 <= wait <= 3.0 for wait in waits) and len(set(waits)) > 1
    assert start_in_process(AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET), 'unknown')[3] == 0.0


def test_the_start_switches_are_flags_of_the_command_line(tmp_path):
    process = SimulatorProcess(str(tmp_path), ['--resource-ttl', '1', '--start-time', '1-3', '--max-concurrent', '0'])
    try:
        answer = requests.post(process.url + ACQUIRE_PATH, json={'cname': 'c', 'uid': '1'}, auth=AUTH, timeout=5)
        assert (answer.status_code, answer.json()['code']) == (400, 406)
    finally:
        process.finish()


def test_stats_count_the_requests_of_each_action(make_sim, session):
    sim = make_sim()
    start_recording(sim, session)
    session.get(sim.url + '/v1/nowhere')
    assert sim.stats()['actions'] == {'acquire': 1, 'start': 1, 'None': 1}

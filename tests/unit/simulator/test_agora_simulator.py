# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator keeps Agora's documented shapes and state, so the module's tests mean something."""

from __future__ import annotations

import time

import pytest
import requests

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET
from agora_simulator import AgoraSimulator

AUTH = (CUSTOMER_ID, CUSTOMER_SECRET)


def api(simulator, app_id='app-1'):
    return '%s/v1/apps/%s/cloud_recording' % (simulator.url, app_id)


def start_recording(simulator, session, mode='mix', cname='stage', uid='527841', client_request=None):
    acquired = session.post(api(simulator) + '/acquire', json={'cname': cname, 'uid': uid, 'clientRequest': {}})
    assert acquired.status_code == 200 and set(acquired.json()) == {'cname', 'uid', 'resourceId'}
    resource_id = acquired.json()['resourceId']
    started = session.post(api(simulator) + '/resourceid/%s/mode/%s/start' % (resource_id, mode),
                           json={'cname': cname, 'uid': uid, 'clientRequest': client_request or {}})
    assert started.status_code == 200
    assert started.json() == {'cname': cname, 'uid': uid, 'resourceId': resource_id, 'sid': started.json()['sid']}
    return '%s/resourceid/%s/sid/%s/mode/%s' % (api(simulator), resource_id, started.json()['sid'], mode)


@pytest.fixture
def session():
    with requests.Session() as http:
        http.auth = AUTH
        yield http


def test_acquire_start_query_stop_then_404(simulator, session):
    base = start_recording(simulator, session, client_request={'recordingFileConfig': {'avFileType': ['hls', 'mp4']}})
    query = session.get(base + '/query')
    assert query.status_code == 200 and query.json()['serverResponse']['status'] == 5
    stop = session.post(base + '/stop', json={'cname': 'stage', 'uid': '527841', 'clientRequest': {}})
    assert stop.status_code == 200
    server_response = stop.json()['serverResponse']
    assert (server_response['fileListMode'], server_response['uploadingStatus']) == ('json', 'uploaded')
    assert stop.headers['X-Request-ID']
    again = session.post(base + '/stop', json={'cname': 'stage', 'uid': '527841', 'clientRequest': {}})
    assert (again.status_code, again.json()) == (404, {'code': 404, 'reason': 'failed to find worker'})
    assert session.get(base + '/query').status_code == 404


def test_hls_only_mix_answers_in_string_mode(simulator, session):
    base = start_recording(simulator, session)
    server_response = session.post(base + '/stop', json={'cname': 'stage', 'uid': '527841', 'clientRequest': {}}).json()['serverResponse']
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
    assert received.headers['authorization'].startswith('Basic ')


def test_latency_is_added_to_every_answer(session):
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, latency=0.3).start()
    try:
        began = time.monotonic()
        session.post(api(sim) + '/acquire', json={'cname': 'c', 'uid': '1', 'clientRequest': {}})
        assert time.monotonic() - began >= 0.3
    finally:
        sim.stop()


def test_refuses_to_serve_beyond_loopback():
    with pytest.raises(ValueError):
        AgoraSimulator(host='0.0.0.0')


def test_sync_stop_waits_for_the_upload_and_async_does_not(session):
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, upload_delay=0.5).start()
    try:
        timings = {}
        for async_stop in (True, False):
            base = start_recording(sim, session, cname='c-%s' % async_stop)
            began = time.monotonic()
            answer = session.post(base + '/stop', json={'cname': 'c-%s' % async_stop, 'uid': '527841',
                                                        'clientRequest': {'async_stop': async_stop}})
            timings[async_stop] = time.monotonic() - began
            assert answer.status_code == 200
    finally:
        sim.stop()
    assert timings[False] >= 0.5 > timings[True]


def test_rate_limit_answers_429_per_app_id(session):
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, rate_limit=3).start()
    try:
        statuses = [session.post(api(sim, 'app-a') + '/acquire', json={'cname': 'c', 'uid': '1'}).status_code for dummy in range(4)]
        other_app = session.post(api(sim, 'app-b') + '/acquire', json={'cname': 'c', 'uid': '1'})
    finally:
        sim.stop()
    assert statuses == [200, 200, 200, 429] and other_app.status_code == 200
    assert sim.stats()['rate_limited'] == 1

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Batch mode: many recordings in one task, every one reported, within the rate limit."""

from __future__ import annotations

import time

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, run_module
from agora_simulator import BAD_CREDENTIALS, AgoraSimulator, Fault, gateway_404, server_error


def batch_args(simulator, recordings, **extra):
    args = dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, api_base_url=simulator.url,
                retry_delays=[0.01], recordings=recordings)
    args.update(extra)
    return args


def entry(recording, **extra):
    return dict(recording.describe(), **extra)


def busiest_second(times):
    """The most requests in any one-second window."""
    times = sorted(times)
    return max((sum(1 for other in times[index:] if other - start < 1.0) for index, start in enumerate(times)), default=0)


def test_mixed_states_are_each_reported_in_order(simulator):
    running = simulator.seed(mode='mix')
    ended = simulator.seed(state='ended')
    exiting = simulator.seed(state='exiting', exit_until=time.monotonic() + 600)
    empty = simulator.seed(publishing=False)
    other_app = simulator.seed(app_id='other-app')
    flaky = simulator.seed(mode='web')
    simulator.add_fault(Fault(status=401, body=BAD_CREDENTIALS, times=None, app_id='other-app'))
    simulator.add_fault(server_error(503, sid=flaky.sid))
    recordings = [running, ended, exiting, empty, other_app, flaky]

    result = run_module(batch_args(simulator, [entry(item) for item in recordings]))

    assert result['failed'] is True and result['changed'] is True
    reported = result['recordings']
    assert [item['sid'] for item in reported] == [item.sid for item in recordings]
    assert [(item['outcome'], item['upload_status'], item['failed']) for item in reported] == [
        ('stopped', 'uploaded', False), ('already_stopped', 'unknown', False), ('already_stopped', 'unknown', False),
        ('stopped', 'no_data', False), (None, 'unknown', True), ('stopped', 'uploaded', False)]
    assert reported[5]['attempts'] == 2
    assert 'credentials were rejected' in reported[4]['msg'] and reported[4]['http_status'] == 401
    assert result['msg'].startswith('1 of 6 recordings could not be stopped')
    assert '- sid %s: ' % other_app.sid in result['msg']
    assert result['summary'] == {'total': 6, 'outcome': {'stopped': 3, 'already_stopped': 2},
                                 'upload_status': {'uploaded': 2, 'backuped': 0, 'pending': 0, 'no_data': 1, 'unknown': 2},
                                 'failed': 1}


def test_all_fine_sets_the_facts(simulator):
    recordings = [simulator.seed(mode=mode) for mode in ('individual', 'mix', 'web')]
    result = run_module(batch_args(simulator, [entry(item) for item in recordings]))
    assert result['changed'] is True and 'failed' not in result
    assert result['ansible_facts']['agora_cloud_recordings'] == result['recordings']
    assert result['ansible_facts']['agora_cloud_recording_summary'] == result['summary']
    assert result['summary']['outcome'] == {'stopped': 3, 'already_stopped': 0}
    again = run_module(batch_args(simulator, [entry(item) for item in recordings]))
    assert again['changed'] is False and again['summary']['outcome'] == {'stopped': 0, 'already_stopped': 3}


def test_duplicates_are_stopped_and_reported_once_with_a_warning(simulator):
    first, second = simulator.seed(), simulator.seed()
    result = run_module(batch_args(simulator, [entry(first), entry(second), entry(first)]))
    assert [item['sid'] for item in result['recordings']] == [first.sid, second.sid]
    assert len(simulator.requests_for('stop')) == 2
    assert 'recordings[2] repeats recordings[0]' in str(result['warnings'])  # a string, or an event object on 2.19+


def test_task_app_id_and_async_stop_apply_unless_an_entry_overrides_them(simulator):
    default_app = simulator.seed(app_id='app-a')
    own_app = simulator.seed(app_id='app-b')
    recordings = [dict(entry(default_app), app_id=None), entry(own_app, async_stop=False)]
    result = run_module(batch_args(simulator, recordings, app_id='app-a', async_stop=True))
    assert [item['app_id'] for item in result['recordings']] == ['app-a', 'app-b']
    assert [item['upload_status'] for item in result['recordings']] == ['pending', 'uploaded']
    bodies = {request.path.split('/')[3]: request.body['clientRequest'] for request in simulator.requests_for('stop')}
    assert bodies == {'app-a': {'async_stop': True}, 'app-b': {'async_stop': False}}


def test_check_mode_queries_each_recording(simulator):
    running, ended = simulator.seed(), simulator.seed(state='ended')
    result = run_module(batch_args(simulator, [entry(running), entry(ended)]), check_mode=True)
    assert result['changed'] is True
    assert [item['outcome'] for item in result['recordings']] == ['stopped', 'already_stopped']
    assert simulator.requests_for('stop') == [] and len(simulator.requests_for('query')) == 2


def test_check_mode_failure_says_nothing_was_stopped(simulator):
    running, broken = simulator.seed(), simulator.seed()
    simulator.add_fault(gateway_404(sid=broken.sid))
    result = run_module(batch_args(simulator, [entry(running), entry(broken)]), check_mode=True)
    assert result['failed'] is True
    assert result['msg'].startswith('1 of 2 recordings could not be checked (check mode: nothing was stopped)')
    assert 'the URL is wrong' in result['msg'] and simulator.requests_for('stop') == []


def test_incomplete_entry_is_named_before_anything_is_sent(simulator):
    recording = simulator.seed()
    result = run_module(batch_args(simulator, [entry(recording), dict(entry(recording), app_id=None, sid='other')]))
    assert result['failed'] is True and result['msg'].startswith('recordings[1]: app_id must not be empty')
    assert simulator.received == []


def test_recordings_exclude_the_single_recording_options(simulator):
    recording = simulator.seed()
    result = run_module(batch_args(simulator, [entry(recording)], sid=recording.sid))
    assert result['failed'] is True and 'mutually exclusive' in result['msg']


def test_the_default_pace_never_trips_agoras_limit():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, rate_limit=10).start()
    try:
        recordings = [entry(sim.seed()) for dummy in range(35)]
        result = run_module(batch_args(sim, recordings))
    finally:
        sim.stop()
    assert result['summary']['outcome']['stopped'] == 35
    assert sim.rate_limited == 0
    assert busiest_second(request.time for request in sim.received) <= 10


def test_a_429_slows_the_pace_instead_of_failing_recordings():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, rate_limit=5).start()
    try:
        recordings = [entry(sim.seed()) for dummy in range(20)]
        result = run_module(batch_args(sim, recordings, rate_limit=20, retry_delays=[0.2]))
    finally:
        sim.stop()
    assert sim.rate_limited > 0
    assert result['summary']['failed'] == 0 and result['summary']['outcome']['stopped'] == 20


def test_no_limit_sends_up_to_concurrency_requests_at_once():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, latency=0.5).start()
    try:
        recordings = [entry(sim.seed()) for dummy in range(16)]
        result = run_module(batch_args(sim, recordings, rate_limit=0, concurrency=8))
    finally:
        sim.stop()
    assert result['summary']['outcome']['stopped'] == 16
    arrivals = sorted(request.time for request in sim.received)
    # The first answer takes 0.5 s: every request that arrived before it was sent while others were in flight.
    in_flight_together = sum(1 for arrival in arrivals if arrival < arrivals[0] + 0.5)
    assert 4 <= in_flight_together <= 8

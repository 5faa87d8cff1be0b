# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Batch mode: many recordings in one task, every one reported, within the rate limit."""

from __future__ import annotations

import json
import signal
import time

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, module_result, run_module, start_module
from agora_simulator import BAD_CREDENTIALS, AgoraSimulator, Fault, server_error

OTHER_APP = 'fedcba9876543210fedcba9876543210'


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
    other_app = simulator.seed(app_id=OTHER_APP)
    flaky = simulator.seed(mode='web')
    simulator.add_fault(Fault(status=401, body=BAD_CREDENTIALS, times=None, app_id=OTHER_APP))
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


def test_sigterm_midway_reports_every_recording_and_starts_no_new_stop(tmp_path):
    """As AWX cancels a job: the stops in flight finish and are reported; the rest are reported as not attempted."""
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, upload_time=0.5).start()
    try:
        recordings = [sim.seed() for dummy in range(10)]
        journal = tmp_path / 'journal.jsonl'
        proc = start_module(batch_args(sim, [entry(item) for item in recordings], concurrency=2, rate_limit=0,
                                       journal=str(journal)))
        deadline = time.monotonic() + 30
        while len(sim.requests_for('stop')) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        result = module_result(proc)
        sent = len(sim.requests_for('stop'))
    finally:
        sim.stop()
    outcomes = [item['outcome'] for item in result['recordings']]
    assert result['failed'] is True and 3 <= outcomes.count('stopped') == sent < 10
    assert outcomes.count(None) == 10 - sent
    for item, recording in zip(result['recordings'], recordings):
        assert (item['outcome'] == 'stopped') == (sim.recording(recording.sid).state != 'recording')
        if item['outcome'] is None:
            assert item['msg'].startswith('not attempted: the run was interrupted')
    # Each stop was journaled before it went out, and its result once known: nothing sent is missing.
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert len([line for line in lines if line.get('stage') == 'stop_sent']) == sent
    assert [line['outcome'] for line in lines if line.get('stage') is None] == ['stopped'] * sent


def test_a_process_that_may_open_few_files_still_stops_everything_and_reports():
    """With 128 file descriptors at most, a batch that would keep 150 connections open sizes itself down instead."""
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, latency=0.2).start()
    try:
        recordings = [entry(sim.seed()) for dummy in range(150)]
        result = module_result(start_module(batch_args(sim, recordings, rate_limit=0), max_files=128))
        stats = sim.stats()
    finally:
        sim.stop()
    assert result['summary']['outcome']['stopped'] == 150 and result['summary']['failed'] == 0
    # No connection failed for want of a descriptor (those would have been retried), and requests did overlap.
    assert {item['attempts'] for item in result['recordings']} == {1}
    assert 1 < stats['max_in_flight'] < 128


def test_a_controller_killed_without_a_signal_to_the_module_stops_new_stops(tmp_path):
    """SIGKILL to the process above the module (as ansible-runner kills ansible-playbook, whose worker runs on in a
    session of its own): no signal reaches the module, which must notice by itself and start no new stop."""
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, upload_time=0.5).start()
    try:
        recordings = [sim.seed() for dummy in range(40)]
        journal = tmp_path / 'journal.jsonl'
        shell = start_module(batch_args(sim, [entry(item) for item in recordings], concurrency=2, rate_limit=0,
                                        journal=str(journal)), under_shell=True)
        deadline = time.monotonic() + 30
        while len(sim.requests_for('stop')) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        shell.kill()
        at_kill = len(sim.requests_for('stop'))
        # The module still holds the pipe: its report arrives once its stops in flight are done.
        result = module_result(shell)
        sent = len(sim.requests_for('stop'))
    finally:
        sim.stop()
    # Noticed within the watch's interval (0.5 s): at 2 stops of 0.5 s in flight, a handful more at most, not 37.
    assert at_kill <= sent <= at_kill + 6 < 40
    assert result['failed'] is True and result['summary']['outcome']['stopped'] == sent
    assert all(item['msg'].startswith('not attempted: the run was interrupted (SIGINT, SIGTERM, or the controller went '
                                      'away)') for item in result['recordings'] if item['outcome'] is None)
    journaled = [json.loads(line) for line in journal.read_text().splitlines()]
    assert len([line for line in journaled if line.get('stage') == 'stop_sent']) == sent

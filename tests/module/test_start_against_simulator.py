# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The start module as Ansible runs it, against the simulator: start, the ledger's re-run, lost answers, conflicts,
the recording handed to the stop and info modules, and the storage secret kept out of every output."""

from __future__ import annotations

import json
import os

import pytest

from agora_simulator import AgoraSimulator, Fault, backend_timeout
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, INFO_MODULE, REPO_ROOT, run_module, start_module

START_MODULE = os.path.join(REPO_ROOT, 'plugins', 'modules', 'agora_cloud_recording_start.py')
APP_ID = '0123456789abcdef0123456789abcdef'
STORAGE_SECRET = 'Storage-Secret-Never-Print-31c4'
STORAGE_ACCESS = 'Storage-Access-Never-Print-9a2e'
CLIENT_REQUEST = {'recordingFileConfig': {'avFileType': ['hls', 'mp4']},
                  'storageConfig': {'vendor': 1, 'region': 0, 'bucket': 'event', 'accessKey': STORAGE_ACCESS,
                                    'secretKey': STORAGE_SECRET}}


def start_args(simulator, **extra):
    return dict(dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, api_base_url=simulator.url,
                     retry_delays=[0.01], app_id=APP_ID, mode='mix', client_request=CLIENT_REQUEST), **extra)


def run_start(args, check_mode=False):
    """Run the start module; fail if a storage key, the customer secret or a traceback is in anything it printed."""
    proc = start_module(args, check_mode, module=START_MODULE)
    try:
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        os.remove(proc.args_file)
    for text in (STORAGE_SECRET, STORAGE_ACCESS, CUSTOMER_SECRET, 'Traceback'):
        assert text not in stdout + stderr
    return json.loads(stdout)


def actions(simulator):
    return [request.path.rsplit('/', 1)[-1] for request in simulator.received]


def test_a_start_then_a_rerun_with_the_ledger_sends_only_the_query(simulator, tmp_path):
    ledger = str(tmp_path / 'ledger.json')
    first = run_start(start_args(simulator, cname='main-stage', uid=527841, ledger=ledger))
    assert first['changed'] is True and first['outcome'] == 'started'
    recording = simulator.recording(first['recording']['sid'])
    assert (recording.cname, recording.uid, recording.resource_id) == ('main-stage', '527841', first['recording']['resource_id'])
    assert actions(simulator) == ['acquire', 'start']
    # The storage keys reached Agora, and the invocation echoed back masks them.
    assert simulator.requests_for('start')[0].body['clientRequest']['storageConfig']['secretKey'] == STORAGE_SECRET
    second = run_start(start_args(simulator, cname='main-stage', uid=527841, ledger=ledger))
    assert (second['changed'], second['outcome'], second['recording']) == (False, 'already_running', first['recording'])
    assert actions(simulator) == ['acquire', 'start', 'query']
    with open(ledger, encoding='utf-8') as handle:
        text = handle.read()
    assert STORAGE_SECRET not in text and json.loads(text)['recordings'] == [dict(first['recording'], stopped_at=None)]


def test_the_recording_goes_to_the_info_and_stop_modules_unchanged(simulator):
    started = run_start(start_args(simulator, cname='hall', uid='42'))['recording']
    info = run_module(dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, api_base_url=simulator.url,
                           recordings=[started]), module=INFO_MODULE)
    assert info['recordings'][0]['state'] == 'recording'
    stopped = run_module(dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, api_base_url=simulator.url,
                              recordings=[started]))
    assert stopped['recordings'][0]['outcome'] == 'stopped'


@pytest.mark.parametrize('fault', [Fault(drop=True, after=True, action='start'), backend_timeout(after=True, action='start')],
                         ids=['answer-dropped', '206-65-after-starting'])
def test_a_start_whose_answer_was_lost_is_settled_without_a_second_recording(simulator, fault):
    simulator.add_fault(fault)
    result = run_start(start_args(simulator, cname='main-stage', uid=7))
    assert (result['changed'], result['outcome'], result['inferred']) == (True, 'started', True)
    assert actions(simulator) == ['acquire', 'start', 'start', 'query']
    assert [item.sid for item in simulator.recordings()] == [result['recording']['sid']]


def test_a_channel_and_uid_that_record_already_fail_naming_them_without_a_second_recording(simulator):
    simulator.seed(APP_ID, 'mix', 'main-stage', '527841')
    result = run_start(start_args(simulator, cname='main-stage', uid=527841))
    assert result['failed'] is True and 'Agora code 53' in result['msg'] and 'not started by this run' in result['msg']
    assert len(simulator.recordings()) == 1


def test_the_concurrent_task_limit_says_to_look_for_leaks():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, max_concurrent=1).start()
    try:
        sim.seed(APP_ID, 'mix', 'elsewhere', '1')
        result = run_start(start_args(sim, cname='main-stage', uid=2))
    finally:
        sim.stop()
    assert result['failed'] is True and 'code 406' in result['msg'] and 'task leaks' in result['msg']


def test_a_storage_key_an_answer_echoes_is_masked(simulator):
    echo = 'bad storageConfig: secretKey %s accessKey %s' % (STORAGE_SECRET, STORAGE_ACCESS)
    simulator.add_fault(Fault(status=400, action='start', body={'code': 2, 'reason': echo}))
    result = run_start(start_args(simulator, cname='main-stage', uid=7))  # run_start searches the whole output
    assert result['failed'] is True and 'Agora code 2' in result['msg']


def test_a_batch_at_the_rate_limit_starts_every_channel():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, rate_limit=10, start_time=(0.05, 0.2), random_seed=1).start()
    try:
        channels = [{'cname': 'room-%d' % number, 'uid': 100 + number} for number in range(12)]
        result = run_start(start_args(sim, recordings=channels, rate_limit=10))
    finally:
        sim.stop()
    assert result['summary'] == {'total': 12, 'outcome': {'started': 12, 'already_running': 0}, 'failed': 0}
    assert sorted(item['cname'] for item in result['recordings']) == sorted(item['cname'] for item in channels)
    assert sim.rate_limited == 0


def test_check_mode_sends_nothing(simulator, tmp_path):
    result = run_start(start_args(simulator, cname='main-stage', uid=7, ledger=str(tmp_path / 'ledger.json')), check_mode=True)
    assert (result['changed'], result['outcome']) == (True, 'started') and simulator.received == []

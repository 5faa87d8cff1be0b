# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The start module in this process: its results, the ledger's idempotence, a batch, check mode, refusals."""

from __future__ import annotations

import json

import pytest

from agora_fakes import APP_ID, CREDENTIALS, Call, answer, queried, run_module_in_process
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import Recording
from ansible_collections.agora.cloud_recording.plugins.modules.agora_cloud_recording_start import main

STORAGE = {'vendor': 1, 'region': 0, 'bucket': 'event-recordings', 'accessKey': 'AKIA-storage-access',
           'secretKey': 'storage-secret-Never-Print'}
CLIENT_REQUEST = {'recordingFileConfig': {'avFileType': ['hls', 'mp4']}, 'storageConfig': STORAGE}
ACQUIRE = '/v1/apps/%s/cloud_recording/acquire' % APP_ID
RECORDING_KEYS = ['app_id', 'cname', 'mode', 'resource_id', 'sid', 'started_at', 'uid']


def ids(number):
    return 'Resource%dId0123456789abcdefghij' % number, '%032x' % (number + 0xabc)


def recording(number, mode='mix'):
    resource_id, sid = ids(number)
    return Recording(APP_ID, resource_id, sid, mode, 'room-%d' % number, str(1000 + number))


def start_path(record):
    return '/v1/apps/%s/cloud_recording/resourceid/%s/mode/%s/start' % (APP_ID, record.resource_id, record.mode)


def acquire_and_start(record):
    return [Call('POST', ACQUIRE, answer(200, {'cname': record.cname, 'uid': record.uid, 'resourceId': record.resource_id})),
            Call('POST', start_path(record), answer(200, {'cname': record.cname, 'uid': record.uid,
                                                          'resourceId': record.resource_id, 'sid': record.sid}))]


def single(record=None, **extra):
    record = record or recording(1)
    return dict({'app_id': APP_ID, 'cname': record.cname, 'uid': int(record.uid), 'mode': record.mode,
                 'client_request': CLIENT_REQUEST, 'rate_limit': 0}, **extra)


def run(args, calls, monkeypatch, check_mode=False):
    return run_module_in_process(main, dict(CREDENTIALS, **args), calls, monkeypatch, check_mode=check_mode)


def test_a_start_returns_the_recording_as_stop_and_info_take_it(monkeypatch):
    record = recording(1)
    result = run(single(), acquire_and_start(record), monkeypatch).result
    assert result['changed'] is True and result['outcome'] == 'started' and result['inferred'] is False
    assert sorted(result['recording']) == RECORDING_KEYS
    assert (result['recording']['sid'], result['recording']['resource_id'], result['recording']['uid']) == (
        record.sid, record.resource_id, '1001')
    assert result['ansible_facts'] == {'agora_cloud_recording_start': result['recording']}


def test_with_a_ledger_the_second_run_only_queries(monkeypatch, tmp_path):
    record = recording(1)
    ledger = str(tmp_path / 'ledger.json')
    first = run(single(ledger=ledger), acquire_and_start(record), monkeypatch).result
    second = run(single(ledger=ledger), [Call('GET', record.path('query'), queried(5, record))], monkeypatch).result
    assert (first['changed'], second['changed'], second['outcome']) == (True, False, 'already_running')
    assert second['recording'] == first['recording']
    with open(ledger, encoding='utf-8') as handle:
        assert json.load(handle)['recordings'] == [dict(first['recording'], stopped_at=None)]


def test_check_mode_says_what_would_happen_and_sends_nothing(monkeypatch, tmp_path):
    result = run(single(ledger=str(tmp_path / 'ledger.json')), [], monkeypatch, check_mode=True).result
    assert (result['changed'], result['outcome'], result['recording']) == (True, 'started', None)
    assert not (tmp_path / 'ledger.json').exists()


def test_a_batch_starts_every_entry_and_reports_each_failure(monkeypatch, tmp_path):
    first, second, third = recording(1), recording(2, 'individual'), recording(3)
    calls = acquire_and_start(first) + acquire_and_start(second) + [
        Call('POST', ACQUIRE, answer(400, {'code': 406, 'reason': 'vendor_over_load'}))]
    args = {'app_id': APP_ID, 'mode': 'mix', 'client_request': CLIENT_REQUEST, 'concurrency': 1, 'rate_limit': 0,
            'ledger': str(tmp_path / 'ledger.json'),
            'recordings': [{'cname': first.cname, 'uid': first.uid}, {'cname': second.cname, 'uid': second.uid, 'mode': 'individual'},
                           {'cname': third.cname, 'uid': third.uid}]}
    result = run(args, calls, monkeypatch).result
    assert result['failed'] is True and result['changed'] is True
    assert result['summary'] == {'total': 3, 'outcome': {'started': 2, 'already_running': 0}, 'failed': 1}
    assert [item['sid'] for item in result['recordings']] == [first.sid, second.sid]
    assert all(sorted(item) == RECORDING_KEYS for item in result['recordings'])
    assert [item['failed'] for item in result['results']] == [False, False, True]
    assert result['msg'].startswith('1 of 3 recordings could not be started')
    assert '- channel room-3 (uid 1003): Acquiring a resource ID' in result['msg'] and 'task leaks' in result['msg']


def test_a_whole_batch_sets_its_facts(monkeypatch):
    first = recording(1)
    args = {'app_id': APP_ID, 'mode': 'mix', 'client_request': CLIENT_REQUEST, 'rate_limit': 0,
            'recordings': [{'cname': first.cname, 'uid': first.uid}]}
    result = run(args, acquire_and_start(first), monkeypatch).result
    assert result['ansible_facts']['agora_cloud_recording_starts'] == result['recordings']
    assert result['ansible_facts']['agora_cloud_recording_start_summary']['outcome']['started'] == 1


@pytest.mark.parametrize('change, words', [
    ({'client_request': dict(CLIENT_REQUEST, recordingConfg={})}, 'recordingConfg'),
    ({'client_request': dict(CLIENT_REQUEST, storageConfig=dict(STORAGE, vendor='one'))}, 'storageConfig.vendor must be a whole number'),
    ({'rate_limit': -1}, 'rate_limit must be 0 or between'),
])
def test_hostile_input_fails_before_any_request(monkeypatch, change, words):
    result = run(single(**change), [], monkeypatch).result
    assert result['failed'] is True and words in result['msg']


def test_a_ledger_that_is_not_json_fails_before_any_request_and_is_kept(monkeypatch, tmp_path):
    path = tmp_path / 'ledger.json'
    path.write_text('{"recordings": [{"sid": "half')
    result = run(single(ledger=str(path)), [], monkeypatch).result
    assert result['failed'] is True and 'is not JSON' in result['msg'] and 'left as it is' in result['msg']
    assert path.read_text() == '{"recordings": [{"sid": "half'


def test_a_ledger_in_a_missing_directory_fails_before_any_request(monkeypatch, tmp_path):
    result = run(single(ledger=str(tmp_path / 'nowhere' / 'ledger.json')), [], monkeypatch).result
    assert result['failed'] is True and 'does not exist: create it' in result['msg']


def test_a_ledger_write_failure_after_the_start_still_returns_the_recording(monkeypatch, tmp_path):
    from ansible_collections.agora.cloud_recording.plugins.module_utils import _ledger
    from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError

    def no_space(self, recording):
        raise AgoraError('ledger could not be written (No space left on device)')

    monkeypatch.setattr(_ledger.Ledger, 'record_started', no_space)
    record = recording(1)
    result = run(single(ledger=str(tmp_path / 'ledger.json')), acquire_and_start(record), monkeypatch).result
    assert result['failed'] is True and result['changed'] is True and result['recording']['sid'] == record.sid
    assert 'by hand' in result['msg']

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The info module in this process: what a query's answer becomes, for one recording and for many."""

from __future__ import annotations

import pytest

from agora_fakes import (
    APP_ID,
    BACKEND_TIMEOUT,
    GATEWAY_404,
    NOT_FOUND,
    QUERY,
    RECORDING,
    CREDENTIALS,
    Call,
    answer,
    queried,
    run_module_in_process,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import Recording
from ansible_collections.agora.cloud_recording.plugins.modules.agora_cloud_recording_info import main


def run(args, calls, monkeypatch, check_mode=False):
    return run_module_in_process(main, dict(CREDENTIALS, **args), calls, monkeypatch, check_mode=check_mode)


def single(recording=RECORDING, **extra):
    return dict({'app_id': recording.app_id, 'resource_id': recording.resource_id, 'sid': recording.sid,
                 'mode': recording.mode}, **extra)


def recording(number, mode='individual'):
    return Recording(APP_ID, 'resource-%d' % number, '%032x' % number, mode, 'room-%d' % number, str(1000 + number))


def web_answer(record, state='inProgress', onhold=False):
    return answer(200, {'resourceId': record.resource_id, 'sid': record.sid, 'serverResponse': {
        'status': 5, 'sliceStartTime': 1732600000000, 'extensionServiceState': [{
            'serviceName': 'web_recorder_service',
            'payload': {'fileList': [{'filename': 'web_0.mp4', 'sliceStartTime': 1732600000123}], 'onhold': onhold,
                        'state': state}}]}})


@pytest.mark.parametrize('status, state', [(0, 'starting'), (1, 'starting'), (2, 'starting'), (3, 'starting'), (4, 'starting'),
                                           (5, 'recording'), (6, 'stopping'), (7, 'stopped'), (8, 'stopped'),
                                           (20, 'failed'), (11, 'unknown')])
def test_each_agora_status_is_a_state(monkeypatch, status, state):
    result = run(single(), [Call('GET', QUERY, queried(status))], monkeypatch).result
    rec = result['recording']
    assert result['changed'] is False and (rec['exists'], rec['state'], rec['status_code']) == (True, state, status)
    assert result['ansible_facts'] == {'agora_cloud_recording_info': rec}


def test_agoras_404_means_gone(monkeypatch):
    rec = run(single(), [Call('GET', QUERY, NOT_FOUND)], monkeypatch).result['recording']
    assert (rec['exists'], rec['state'], rec['status_code'], rec['files'], rec['http_status']) == (False, 'stopped', None, [], 404)


def test_the_files_so_far_and_the_web_recorders_state(monkeypatch):
    web = recording(1, mode='web')
    rec = run(single(web), [Call('GET', web.path('query'), web_answer(web, 'inProgress', onhold=True))], monkeypatch).result['recording']
    assert [item['filename'] for item in rec['files']] == ['web_0.mp4']
    assert (rec['slice_start_time'], rec['onhold'], rec['web_recorder_state']) == (1732600000000, True, 'inProgress')
    assert (rec['cname'], rec['uid']) == (None, None)


def test_cname_uid_and_a_stop_list_are_taken_unchanged(monkeypatch):
    given = single(cname='main-stage', uid=527841)
    rec = run(given, [Call('GET', QUERY, queried(5))], monkeypatch).result['recording']
    assert (rec['cname'], rec['uid']) == ('main-stage', '527841')
    first, second = recording(1), recording(2)
    stop_list = [dict(single(item), cname=item.cname, uid=item.uid, async_stop=True) for item in (first, second)]
    calls = [Call('GET', item.path('query'), queried(5, recording=item)) for item in (first, second)]
    outcome = run({'recordings': stop_list, 'concurrency': 1}, calls, monkeypatch)
    assert [made[0] for made in outcome.transport.made] == ['GET', 'GET']


def test_a_query_agora_says_to_retry_is_retried(monkeypatch):
    result = run(single(), [Call('GET', QUERY, BACKEND_TIMEOUT), Call('GET', QUERY, queried(5), at=1.0)], monkeypatch).result
    assert (result['recording']['state'], result['recording']['attempts']) == ('recording', 2)


def test_a_batch_reports_every_recording_and_counts_states(monkeypatch):
    running, ending, gone = recording(1), recording(2), recording(3)
    calls = [Call('GET', running.path('query'), queried(5, recording=running)),
             Call('GET', ending.path('query'), queried(6, recording=ending)),
             Call('GET', gone.path('query'), NOT_FOUND)]
    result = run({'recordings': [single(item) for item in (running, ending, gone)], 'concurrency': 1}, calls, monkeypatch).result
    assert (result['changed'], result['failed']) == (False, False)
    assert [(item['sid'], item['state'], item['exists']) for item in result['recordings']] == [
        (running.sid, 'recording', True), (ending.sid, 'stopping', True), (gone.sid, 'stopped', False)]
    assert result['summary'] == {'total': 3, 'state': {'starting': 0, 'recording': 1, 'stopping': 1, 'stopped': 1, 'failed': 0,
                                                       'unknown': 0}, 'gone': 1, 'failed': 0}
    assert result['ansible_facts'] == {'agora_cloud_recording_infos': result['recordings'],
                                       'agora_cloud_recording_info_summary': result['summary']}


def test_a_recording_that_cannot_be_queried_fails_the_task_after_the_others(monkeypatch):
    fine, broken = recording(1), recording(2)
    calls = [Call('GET', fine.path('query'), queried(5, recording=fine)), Call('GET', broken.path('query'), GATEWAY_404)]
    result = run({'recordings': [single(fine), single(broken)], 'concurrency': 1}, calls, monkeypatch).result
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('1 of 2 recordings could not be queried (nothing was stopped); the others were.')
    assert '- sid %s: ' % broken.sid in result['msg'] and 'URL is wrong' in result['msg']
    assert (result['recordings'][1]['failed'], result['recordings'][1]['state']) == (True, None)
    assert result['summary']['failed'] == 1


def test_check_mode_queries_as_well(monkeypatch):
    result = run(single(), [Call('GET', QUERY, queried(5))], monkeypatch, check_mode=True).result
    assert result['recording']['state'] == 'recording'


@pytest.mark.parametrize('change, words', [
    ({'sid': '../stop'}, 'sid must be the sid that start returned'),
    ({'app_id': 'app'}, "app_id must be Agora's App ID"),
    ({'mode': None}, 'parameters are required together: resource_id, sid, mode'),
])
def test_what_a_query_needs_is_checked_before_any_request(monkeypatch, change, words):
    args = {key: value for key, value in dict(single(), **change).items() if value is not None}
    result = run(args, [], monkeypatch).result
    assert result['failed'] is True and words in result['msg']

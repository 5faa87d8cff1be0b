# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module in this process: its argument handling and the results it shapes, with a fake transport and clock."""

from __future__ import annotations

import pytest

from agora_fakes import (
    APP_ID,
    BASE,
    GATEWAY_404,
    NOT_FOUND,
    QUERY,
    RECORDING,
    STOP,
    Call,
    answer,
    queried,
    run_module_in_process,
    stopped,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import Recording
from ansible_collections.agora.cloud_recording.plugins.modules.agora_cloud_recording_stop import main

CREDENTIALS = {'customer_id': 'test-customer-id', 'customer_secret': 'test-customer-secret'}


@pytest.fixture(autouse=True)
def no_agora_environment(monkeypatch):
    for name in ('AGORA_CUSTOMER_ID', 'AGORA_CUSTOMER_SECRET', 'AGORA_CUSTOMER_SECRET_FILE', 'AGORA_API_BASE_URL'):
        monkeypatch.delenv(name, raising=False)


def single(recording=RECORDING, **extra):
    args = dict(CREDENTIALS, app_id=recording.app_id, resource_id=recording.resource_id, sid=recording.sid,
                mode=recording.mode, cname=recording.cname, uid=recording.uid)
    args.update(extra)
    return args


def entry(recording, **extra):
    return dict({key: getattr(recording, key) for key in ('app_id', 'resource_id', 'sid', 'mode', 'cname', 'uid')}, **extra)


def batch(recordings, **extra):
    return dict(CREDENTIALS, recordings=recordings, **extra)


def other(number, app_id=APP_ID):
    return Recording(app_id, 'resource-%d' % number, '%032x' % number, 'individual', 'room-%d' % number, str(1000 + number))


def run(args, calls, monkeypatch, check_mode=False):
    return run_module_in_process(main, args, calls, monkeypatch, check_mode=check_mode)


class TestSingleRecording:
    def test_stopped_is_changed_and_sets_the_fact(self, monkeypatch):
        result = run(single(), [Call('POST', STOP, stopped())], monkeypatch).result
        rec = result['recording']
        assert result['changed'] is True and result['failed'] is False
        assert result['ansible_facts'] == {'agora_cloud_recording': rec}
        assert {key: rec[key] for key in ('app_id', 'resource_id', 'sid', 'mode', 'cname', 'uid')} == entry(RECORDING)
        assert (rec['outcome'], rec['upload_status'], rec['http_status'], rec['attempts']) == ('stopped', 'uploaded', 200, 1)
        assert rec['files'] == [{'filename': '%s_main-stage_0.mp4' % RECORDING.sid, 'track_type': 'audio_and_video',
                                 'uid': '0', 'mixed_all_user': True, 'is_playable': True, 'slice_start_time': 1732600000000}]
        assert rec['server_response']['uploadingStatus'] == 'uploaded'

    def test_already_stopped_is_not_changed(self, monkeypatch):
        rec = run(single(), [Call('POST', STOP, NOT_FOUND)], monkeypatch).result
        assert rec['changed'] is False
        assert (rec['recording']['outcome'], rec['recording']['upload_status'], rec['recording']['files']) == (
            'already_stopped', 'unknown', [])

    def test_sends_agoras_documented_stop_with_the_uid_as_a_string(self, monkeypatch):
        body = {'cname': 'main-stage', 'uid': '527841', 'clientRequest': {'async_stop': True}}
        run(single(uid=527841, async_stop=True), [Call('POST', STOP, stopped(), body=body)], monkeypatch)

    def test_a_failure_returns_the_message_status_and_attempts(self, monkeypatch):
        result = run(single(), [Call('POST', STOP, GATEWAY_404)], monkeypatch).result
        assert result['failed'] is True and 'recording' not in result
        assert 'URL is wrong' in result['msg'] and RECORDING.sid in result['msg']
        assert (result['http_status'], result['attempts']) == (404, 1)

    def test_not_found_recheck_is_passed_to_the_client(self, monkeypatch):
        calls = [Call('POST', STOP, NOT_FOUND), Call('POST', STOP, stopped(), at=1.0)]
        result = run(single(not_found_recheck=90), calls, monkeypatch).result
        assert (result['recording']['outcome'], result['recording']['attempts']) == ('stopped', 2)

    def test_base_url_and_fallbacks_are_used_in_order(self, monkeypatch):
        from agora_fakes import refused
        calls = [Call('POST', STOP, refused(), base='https://proxy.example'), Call('POST', STOP, stopped(), base=BASE)]
        run(single(api_base_url='https://proxy.example/', fallback_base_urls=[BASE]), calls, monkeypatch)


class TestCheckMode:
    def test_running_recording_would_be_stopped(self, monkeypatch):
        outcome = run(single(), [Call('GET', QUERY, queried(5))], monkeypatch, check_mode=True)
        rec = outcome.result['recording']
        assert outcome.result['changed'] is True and (rec['outcome'], rec['upload_status']) == ('stopped', 'unknown')
        assert [made[0] for made in outcome.transport.made] == ['GET']

    @pytest.mark.parametrize('reply', [NOT_FOUND, queried(7)], ids=['404', 'status-7'])
    def test_ended_recording_is_ok(self, monkeypatch, reply):
        result = run(single(), [Call('GET', QUERY, reply)], monkeypatch, check_mode=True).result
        assert result['changed'] is False and result['recording']['outcome'] == 'already_stopped'


class TestRefusedBeforeAnyRequest:
    """Each of these fails naming the option, and the transport gets no request (the run would fail otherwise)."""

    @pytest.mark.parametrize('option, value, words', [
        ('timeout', 0, 'timeout must be more than zero'), ('retries', -1, 'retries must be zero or more'),
        ('retry_delays', [], 'retry_delays must hold at least one value'),
        ('retry_delays', [1, -2], 'each of retry_delays must be zero or more'),
        ('not_found_recheck', -5, 'not_found_recheck must be zero or more'),
        ('api_base_url', 'http://api.sd-rtn.com', 'unencrypted'), ('api_base_url', 'http://10.0.0.5:8080', 'unencrypted'),
        ('fallback_base_urls', ['http://api.agora.io'], 'fallback_base_urls "http://api.agora.io" uses http://'),
        ('api_base_url', 'https://user:pw@api.sd-rtn.com', 'must not carry credentials'),
        ('api_base_url', 'api.sd-rtn.com', 'api_base_url must be a URL'),
        ('api_base_url', 'https://api.sd-rtn.com/?x=1', 'must not have a query'),
        ('sid', '  ', 'sid must not be empty'),
        ('mode', 'composite', 'value of mode must be one of: individual, mix, web'),
    ])
    def test_single_recording_options(self, monkeypatch, option, value, words):
        result = run(single(**{option: value}), [], monkeypatch).result
        assert result['failed'] is True and words in result['msg']

    @pytest.mark.parametrize('option, words', [('rate_limit', 'rate_limit must be zero or more'),
                                               ('concurrency', 'concurrency must be more than zero')])
    def test_batch_options(self, monkeypatch, option, words):
        result = run(batch([entry(RECORDING)], **{option: -1}), [], monkeypatch).result
        assert result['failed'] is True and words in result['msg']

    @pytest.mark.parametrize('missing, env_name', [('customer_id', 'AGORA_CUSTOMER_ID'), ('customer_secret', 'AGORA_CUSTOMER_SECRET')])
    def test_missing_credentials_say_where_to_set_them(self, monkeypatch, missing, env_name):
        args = single()
        del args[missing]
        result = run(args, [], monkeypatch).result
        assert result['failed'] is True and missing in result['msg'] and env_name in result['msg']

    @pytest.mark.parametrize('content, words', [(None, 'cannot be read'), ('  \n', 'is empty')])
    def test_unusable_secret_file_is_named(self, monkeypatch, tmp_path, content, words):
        secret_file = tmp_path / 'secret'
        if content is not None:
            secret_file.write_text(content)
        monkeypatch.setenv('AGORA_CUSTOMER_SECRET_FILE', str(secret_file))
        result = run(dict(single(), customer_secret=None), [], monkeypatch).result
        assert result['failed'] is True and 'AGORA_CUSTOMER_SECRET_FILE' in result['msg'] and words in result['msg']

    def test_recordings_exclude_the_single_recording_options(self, monkeypatch):
        result = run(batch([entry(RECORDING)], sid=RECORDING.sid), [], monkeypatch).result
        assert result['failed'] is True and 'mutually exclusive' in result['msg']

    def test_an_incomplete_batch_entry_is_named(self, monkeypatch):
        result = run(batch([entry(RECORDING), dict(entry(other(1)), app_id=None)]), [], monkeypatch).result
        assert result['failed'] is True and result['msg'].startswith('recordings[1]: app_id must not be empty')


class TestBatch:
    def test_results_in_input_order_with_summary_and_facts(self, monkeypatch):
        first, second, third = other(1), other(2), other(3)
        calls = [Call('POST', first.path('stop'), stopped(recording=first)),
                 Call('POST', second.path('stop'), NOT_FOUND),
                 Call('POST', third.path('stop'), answer(206, {'code': 435, 'reason': 'no recorded data'}))]
        result = run(batch([entry(item) for item in (first, second, third)], concurrency=1), calls, monkeypatch).result
        assert result['changed'] is True and result['failed'] is False
        assert [item['sid'] for item in result['recordings']] == [first.sid, second.sid, third.sid]
        assert [(item['outcome'], item['upload_status'], item['failed']) for item in result['recordings']] == [
            ('stopped', 'uploaded', False), ('already_stopped', 'unknown', False), ('stopped', 'no_data', False)]
        assert result['summary'] == {'total': 3, 'outcome': {'stopped': 2, 'already_stopped': 1},
                                     'upload_status': {'uploaded': 1, 'backuped': 0, 'pending': 0, 'no_data': 1, 'unknown': 1},
                                     'failed': 0}
        assert result['ansible_facts'] == {'agora_cloud_recordings': result['recordings'],
                                           'agora_cloud_recording_summary': result['summary']}

    def test_nothing_to_stop_is_not_changed(self, monkeypatch):
        result = run(batch([entry(other(1))]), [Call('POST', other(1).path('stop'), NOT_FOUND)], monkeypatch).result
        assert result['changed'] is False and result['summary']['outcome'] == {'stopped': 0, 'already_stopped': 1}

    def test_a_failure_fails_the_task_after_the_others_and_names_it(self, monkeypatch):
        first, broken = other(1), other(2)
        calls = [Call('POST', first.path('stop'), stopped(recording=first)), Call('POST', broken.path('stop'), GATEWAY_404)]
        result = run(batch([entry(first), entry(broken)], concurrency=1), calls, monkeypatch).result
        assert result['failed'] is True and result['changed'] is True
        assert result['msg'].startswith('1 of 2 recordings could not be stopped; the others were stopped or had stopped '
                                        'already, and a re-run is safe. Each failure:')
        assert '- sid %s: ' % broken.sid in result['msg'] and 'URL is wrong' in result['msg']
        failed = result['recordings'][1]
        assert (failed['failed'], failed['outcome'], failed['upload_status'], failed['http_status']) == (True, None, 'unknown', 404)
        assert result['summary']['failed'] == 1 and 'ansible_facts' not in result

    def test_check_mode_queries_and_says_nothing_was_stopped_on_failure(self, monkeypatch):
        running, broken = other(1), other(2)
        calls = [Call('GET', running.path('query'), queried(5, recording=running)), Call('GET', broken.path('query'), GATEWAY_404)]
        result = run(batch([entry(running), entry(broken)], concurrency=1), calls, monkeypatch, check_mode=True).result
        assert result['msg'].startswith('1 of 2 recordings could not be checked (check mode: nothing was stopped)')
        assert result['recordings'][0]['outcome'] == 'stopped'

    def test_duplicates_are_stopped_and_reported_once_with_a_warning(self, monkeypatch):
        first, second = other(1), other(2)
        calls = [Call('POST', first.path('stop'), stopped(recording=first)), Call('POST', second.path('stop'), stopped(recording=second))]
        outcome = run(batch([entry(first), entry(second), entry(first)], concurrency=1), calls, monkeypatch)
        assert [item['sid'] for item in outcome.result['recordings']] == [first.sid, second.sid]
        assert outcome.warnings == ['recordings[2] repeats recordings[0] (sid %s, App ID %s): it is stopped and reported once.'
                                    % (first.sid, APP_ID)]

    def test_task_app_id_and_async_stop_apply_unless_an_entry_overrides_them(self, monkeypatch):
        own_app = 'fedcba9876543210fedcba9876543210'
        first, second = other(1), other(2, app_id=own_app)
        calls = [Call('POST', first.path('stop'), answer(200, {'sid': first.sid}),
                      body={'cname': first.cname, 'uid': first.uid, 'clientRequest': {'async_stop': True}}),
                 Call('POST', second.path('stop'), stopped(recording=second),
                      body={'cname': second.cname, 'uid': second.uid, 'clientRequest': {'async_stop': False}})]
        recordings = [dict(entry(first), app_id=None), entry(second, async_stop=False)]
        result = run(batch(recordings, app_id=APP_ID, async_stop=True, concurrency=1), calls, monkeypatch).result
        reported = [(item['app_id'], item['upload_status']) for item in result['recordings']]
        assert reported == [(APP_ID, 'pending'), (own_app, 'uploaded')]

    def test_an_unexpected_error_in_one_recording_costs_only_that_one(self, monkeypatch):
        first, second = other(1), other(2)
        calls = [Call('POST', first.path('stop'), stopped(recording=first)),
                 Call('POST', second.path('stop'), stopped(recording=second))]
        from ansible_collections.agora.cloud_recording.plugins.module_utils import _batch

        real = _batch.recording_result

        def surprising(recording, outcome):
            if recording.sid == second.sid:
                raise KeyError('surprise')
            return real(recording, outcome)

        monkeypatch.setattr(_batch, 'recording_result', surprising)
        result = run(batch([entry(first), entry(second)], concurrency=1), calls, monkeypatch).result
        assert result['failed'] is True and result['recordings'][0]['outcome'] == 'stopped'
        assert 'unexpected error KeyError' in result['recordings'][1]['msg'] and 'report this error' in result['recordings'][1]['msg']

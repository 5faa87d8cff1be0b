# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module in this process: its argument handling and the results it shapes, with a fake transport and clock."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from agora_fakes import (
    APP_ID,
    BASE,
    GATEWAY_404,
    NOT_FOUND,
    QUERY,
    RECORDING,
    STOP,
    CREDENTIALS,
    Call,
    answer,
    queried,
    run_module_in_process,
    stopped,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import Recording
from ansible_collections.agora.cloud_recording.plugins.modules.agora_cloud_recording_stop import main


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
        calls = [Call('POST', STOP, NOT_FOUND), Call('POST', STOP, stopped(), at=5.0)]
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


BAD_SINGLE_OPTIONS = [
    # numbers: bounded, finite
    ('timeout', 0, 'timeout must be between 1 and 600 seconds; got 0.'),
    ('timeout', 10000000000, 'timeout must be between 1 and 600 seconds; got 10000000000.'),
    ('retries', -1, 'retries must be between 0 and 10; got -1.'), ('retries', 10 ** 9, 'retries must be between 0 and 10'),
    ('retry_delays', [], 'retry_delays must hold 1 to 10 values (seconds)'),
    ('retry_delays', [1] * 11, 'retry_delays must hold 1 to 10 values (seconds)'),
    ('retry_delays', [1, -2], 'each of retry_delays must be between 0.0 and 300.0 seconds; got -2.0.'),
    ('retry_delays', ['nan'], 'each of retry_delays must be a finite number; got nan.'),
    ('retry_delays', ['inf'], 'each of retry_delays must be a finite number; got inf.'),
    ('retry_delays', [1e12], 'each of retry_delays must be between 0.0 and 300.0 seconds'),
    ('not_found_recheck', -5, 'not_found_recheck must be between 0 and 600 seconds; got -5.'),
    ('not_found_recheck', 10 ** 12, 'not_found_recheck must be between 0 and 600 seconds'),
    # what ansible-core's own type check takes wrongly (a boolean is 1) or fails on naming no option (an infinity)
    ('timeout', True, 'timeout must be a whole number from 1 to 600; got True (bool).'),
    ('timeout', float('inf'), 'timeout must be a whole number from 1 to 600; got inf (float).'),
    ('retries', float('inf'), 'retries must be a whole number from 0 to 10; got inf (float).'),
    ('retries', 'inf', "retries must be a whole number from 0 to 10; got 'inf' (str)."),
    ('retries', '-Infinity', "retries must be a whole number from 0 to 10; got '-Infinity' (str)."),
    ('not_found_recheck', float('inf'), 'not_found_recheck must be a whole number from 0 to 600; got inf (float).'),
    ('rate_limit', False, 'rate_limit must be a number from 0.1 to 1000.0; got False (bool).'),
    ('retry_delays', [1, True], 'retry_delays must be a list of seconds, such as [1, 3, 6]; got [1, True].'),
    # URLs
    ('api_base_url', 'http://api.sd-rtn.com', 'unencrypted'), ('api_base_url', 'http://10.0.0.5:8080', 'unencrypted'),
    ('fallback_base_urls', ['http://api.agora.io'], 'fallback_base_urls "http://api.agora.io" uses http://'),
    ('api_base_url', 'https://user:pw@api.sd-rtn.com', 'must not carry credentials'),
    ('api_base_url', 'https://user:pw with space@api.sd-rtn.com', 'must not carry credentials'),
    ('api_base_url', 'https://user:pw/x@api.sd-rtn.com', 'must not carry credentials'),
    ('api_base_url', 'https://api.sd-rtn.com/?token=pw-t0ken', 'must not have a query or fragment'),
    ('api_base_url', 'https://[::1', 'api_base_url must be a URL such as'),
    ('api_base_url', 'api.sd-rtn.com', 'api_base_url must be a URL'),
    ('api_base_url', 'https://api.sd-rtn.com/?x=1', 'must not have a query'),
    ('api_base_url', 'https://api.sd-rtn.com:99999', 'api_base_url has an invalid host or port'),
    ('api_base_url', 'https://api.sd-rtn.com:port', 'api_base_url has an invalid host or port'),
    ('api_base_url', 'https://api .sd-rtn.com', 'api_base_url must be a URL without spaces or control characters'),
    ('api_base_url', 'https://api.sd-rtn.com/\nHost: evil', 'api_base_url must be a URL without spaces or control characters'),
    # credentials: never quoted back
    ('customer_id', 'caf\u00e9', 'customer_id holds characters that HTTP Basic authentication cannot carry'),
    ('customer_id', 'id:with-colon', 'customer_id holds characters that HTTP Basic authentication cannot carry'),
    ('customer_secret', 'secret\u20ac', 'customer_secret holds characters that HTTP Basic authentication cannot carry'),
    ('customer_secret', 'two words', 'customer_secret holds characters that HTTP Basic authentication cannot carry'),
    ('customer_secret', 'x' * 257, 'customer_secret holds characters that HTTP Basic authentication cannot carry'),
    ('customer_secret', '   ', 'customer_secret is not set'),
    # what names the recording: only what Agora can have issued
    ('app_id', 'demo-app-id', "app_id must be Agora's App ID: 32 hexadecimal digits"),
    ('app_id', '..', "app_id must be Agora's App ID"),
    ('sid', '  ', 'sid must not be empty'),
    ('sid', '../stop', 'sid must be the sid that start returned'), ('sid', 'a/b', 'sid must be the sid that start returned'),
    ('sid', 'a?b', 'sid must be'), ('sid', 'a#b', 'sid must be'), ('sid', '.', 'sid must be'), ('sid', '..', 'sid must be'),
    ('sid', ' %s' % RECORDING.sid, 'sid must be'), ('sid', RECORDING.sid + '\n', 'sid must be'), ('sid', 'x' * 129, 'sid must be'),
    ('resource_id', '..', 'resource_id must be the resource ID that acquire returned'),
    ('resource_id', 'abc/def', 'resource_id must be'), ('resource_id', 'abc def', 'resource_id must be'),
    ('uid', 0, 'uid must be a whole number from 1 to 4294967295'), ('uid', -1, 'uid must be a whole number'),
    ('uid', 4294967296, 'uid must be a whole number'), ('uid', '0123', 'uid must be a whole number'),
    ('uid', 'abc', 'uid must be a whole number'), ('uid', ' 123', 'uid must be a whole number'),
    ('uid', 1.5, "got 1.5 (float)"), ('uid', [1], "got [1] (list)"), ('uid', True, 'got True (bool)'),
    ('cname', 'room/1', 'cname must be an Agora channel name: at most 64 bytes'),
    ('cname', 'x' * 65, 'cname must be an Agora channel name'), ('cname', 'caf\u00e9', 'cname must be an Agora channel name'),
    ('cname', 'line\nbreak', 'cname must be an Agora channel name'),
    ('mode', 'composite', 'value of mode must be one of: individual, mix, web'),
]


class TestRefusedBeforeAnyRequest:
    """Each of these fails naming the option, and the transport gets no request (the run would fail otherwise)."""

    @pytest.mark.parametrize('option, value, words', BAD_SINGLE_OPTIONS,
                             ids=['%s=%s' % (option, repr(value)[:20]) for option, value, words in BAD_SINGLE_OPTIONS])
    def test_single_recording_options(self, monkeypatch, option, value, words):
        result = run(single(**{option: value}), [], monkeypatch).result
        assert result['failed'] is True and words in result['msg']
        if option.startswith('customer_') and value.strip():
            assert value.strip() not in result['msg']
        if '@' in str(value) or '?' in str(value):
            assert 'pw' not in result['msg']  # a password or a token in a URL is never quoted back

    @pytest.mark.parametrize('option, value, words', [
        ('rate_limit', -1, 'rate_limit must be 0 or between 0.1 and 1000.0 requests per second; got -1.0.'),
        ('rate_limit', 1e-9, 'rate_limit must be 0 or between 0.1 and 1000.0 requests per second'),
        ('rate_limit', 'nan', 'rate_limit must be a finite number; got nan.'),
        ('rate_limit', 'inf', 'rate_limit must be a finite number; got inf.'),
        ('concurrency', 0, 'concurrency must be between 1 and 1000; got 0.'),
        ('concurrency', 10 ** 8, 'concurrency must be between 1 and 1000; got 100000000.'),
        ('concurrency', float('inf'), 'concurrency must be a whole number from 1 to 1000; got inf (float).'),
        ('concurrency', True, 'concurrency must be a whole number from 1 to 1000; got True (bool).'),
    ])
    def test_batch_options(self, monkeypatch, option, value, words):
        result = run(batch([entry(RECORDING)], **{option: value}), [], monkeypatch).result
        assert result['failed'] is True and words in result['msg']

    @pytest.mark.parametrize('change, words', [
        ({'sid': '../x'}, 'recordings[1]: sid must be the sid that start returned'),
        ({'uid': 2.5}, 'recordings[1]: uid must be a whole number'),
        ({'app_id': 'nope'}, "recordings[1]: app_id must be Agora's App ID"),
    ])
    def test_batch_entries_are_named(self, monkeypatch, change, words):
        result = run(batch([entry(RECORDING), dict(entry(other(1)), **change)]), [], monkeypatch).result
        assert result['failed'] is True and result['msg'].startswith(words)

    @pytest.mark.parametrize('recordings, words', [
        ('text', "recordings must be a list, each entry a mapping with resource_id, sid, mode, cname and uid; got 'text' (str)."),
        ([{'sid': 'x'}, 'just-a-string'], "recordings[1] must be a mapping with resource_id, sid, mode, cname and uid; "
                                          "got 'just-a-string' (str)."),
        ([None], 'recordings[0] must be a mapping with resource_id, sid, mode, cname and uid; got None (null).'),
    ])
    def test_recordings_that_are_not_a_list_of_mappings_are_named(self, monkeypatch, recordings, words):
        result = run(batch(recordings), [], monkeypatch).result
        assert result['failed'] is True and result['msg'] == words

    def test_a_uid_given_as_an_integer_is_sent_as_agoras_string(self, monkeypatch):
        body = {'cname': RECORDING.cname, 'uid': '4294967295', 'clientRequest': {'async_stop': False}}
        run(single(uid=4294967295), [Call('POST', STOP, stopped(), body=body)], monkeypatch)

    def test_web_recording_names_may_be_longer_and_freer(self, monkeypatch):
        web = Recording(APP_ID, RECORDING.resource_id, RECORDING.sid, 'web', 'https://example.com/event/room?id=7 ' + 'x' * 200,
                        RECORDING.uid)
        run(single(web), [Call('POST', web.path('stop'), stopped(recording=web))], monkeypatch)

    def test_credentials_are_used_without_surrounding_whitespace(self, monkeypatch):
        transports = []

        def transport(customer_id, customer_secret, *args, **kwargs):
            transports.append((customer_id, customer_secret))
            from agora_fakes import FakeTransport, FakeClock
            return FakeTransport([Call('POST', STOP, stopped())], FakeClock())

        from ansible_collections.agora.cloud_recording.plugins.module_utils import _options
        monkeypatch.setattr(_options, 'RUNTIME', _options.Runtime(lambda: 0.0, transport, lambda seconds: None))

        def exit_json(self, **kwargs):
            raise SystemExit(0)

        monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
        with patch_module_args(single(customer_id=' test-customer-id\n', customer_secret='\ttest-customer-secret  ')):
            with pytest.raises(SystemExit):
                main()
        assert transports == [('test-customer-id', 'test-customer-secret')]

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

    def test_a_secret_file_that_is_a_fifo_nobody_writes_is_refused_at_once(self, monkeypatch, tmp_path):
        fifo = tmp_path / 'secret'
        os.mkfifo(fifo)
        result = run(dict(single(), customer_secret=None, customer_secret_file=str(fifo)), [], monkeypatch).result
        assert result['failed'] is True and 'is not a regular file (a FIFO' in result['msg']
        assert result['msg'].startswith('customer_secret_file (or AGORA_CUSTOMER_SECRET_FILE) names %s' % fifo)

    @pytest.mark.parametrize('make, words', [
        (lambda path: path.mkdir(), 'is not a regular file'),
        (lambda path: path.write_text('x' * 5000), 'holds more than 1024 bytes'),
        (lambda path: path.write_bytes(b'\xff\xfe'), 'is not UTF-8 text'),
    ], ids=['directory', 'too-large', 'not-utf-8'])
    def test_a_secret_file_option_that_is_not_one_secret_is_refused(self, monkeypatch, tmp_path, make, words):
        path = tmp_path / 'secret'
        make(path)
        result = run(dict(single(), customer_secret=None, customer_secret_file=str(path)), [], monkeypatch).result
        assert result['failed'] is True and words in result['msg']

    def test_the_secret_file_option_gives_the_secret(self, monkeypatch, tmp_path):
        path = tmp_path / 'secret'
        path.write_text('\ufeff' + CREDENTIALS['customer_secret'] + '\n')   # a byte order mark, as some editors write
        result = run(dict(single(), customer_secret=None, customer_secret_file=str(path)),
                     [Call('POST', STOP, stopped())], monkeypatch).result
        assert result['changed'] is True

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
        assert outcome.warnings == ['1 entry of recordings repeats an earlier one: recordings[2] repeats recordings[0] '
                                    '(sid %s, App ID %s). Each recording is stopped and reported once.' % (first.sid, APP_ID)]

    def test_thousands_of_copies_of_one_recording_give_one_warning_with_a_count(self, monkeypatch):
        only = other(1)
        outcome = run(batch([entry(only)] * 1000), [Call('POST', only.path('stop'), stopped(recording=only))], monkeypatch)
        (warning,) = outcome.warnings
        assert warning.startswith('999 entries of recordings repeat an earlier one: recordings[1] repeats recordings[0]')
        assert 'and 996 more. Each recording is stopped and reported once.' in warning

    def test_task_app_id_and_async_stop_apply_unless_an_entry_overrides_them(self, monkeypatch):
        own_app = 'fedcba9876543210fedcba9876543210'
        first, second = other(1), other(2, app_id=own_app)
        calls = [Call('GET', first.path('query'), queried(recording=first)),
                 Call('POST', first.path('stop'), answer(200, {'sid': first.sid}),
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
        from ansible_collections.agora.cloud_recording.plugins.modules import agora_cloud_recording_stop as module

        real = module.recording_result

        def surprising(recording, outcome, **kwargs):
            if recording.sid == second.sid:
                raise KeyError('surprise')
            return real(recording, outcome, **kwargs)

        monkeypatch.setattr(module, 'recording_result', surprising)
        result = run(batch([entry(first), entry(second)], concurrency=1), calls, monkeypatch).result
        assert result['failed'] is True and result['recordings'][0]['outcome'] == 'stopped'
        assert 'unexpected error KeyError' in result['recordings'][1]['msg'] and 'report this error' in result['recordings'][1]['msg']


def interrupt():
    """Ctrl-C, as the terminal sends it to the module's process; returns once the module's handler has taken it.

    The signal is handled in the main thread, which may run a moment later than this worker thread.
    """
    os.kill(os.getpid(), signal.SIGINT)
    interruption = signal.getsignal(signal.SIGINT).__self__
    deadline = time.monotonic() + 5
    while not interruption.is_set() and time.monotonic() < deadline:
        time.sleep(0.001)


class TestInterruptionAndJournal:
    def test_sigint_lets_the_stop_in_flight_finish_and_reports_the_rest_as_not_attempted(self, monkeypatch, tmp_path):
        first, second, third = other(1), other(2), other(3)
        journal = tmp_path / 'journal.jsonl'
        calls = [Call('POST', first.path('stop'), stopped(recording=first), during=interrupt)]
        # As at a terminal: Ctrl-C raises KeyboardInterrupt (a background job would ignore it instead).
        before = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            result = run(batch([entry(item) for item in (first, second, third)], concurrency=1, journal=str(journal)),
                         calls, monkeypatch).result
            # The handler that was there before is back.
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        finally:
            signal.signal(signal.SIGINT, before)
        assert result['failed'] is True and result['changed'] is True
        assert [item['outcome'] for item in result['recordings']] == ['stopped', None, None]
        assert all('not attempted: the run was interrupted' in item['msg'] for item in result['recordings'][1:])
        assert result['msg'].startswith('2 of 3 recordings could not be stopped')
        lines = [json.loads(line) for line in journal.read_text().splitlines()]
        # The stop was journaled before it went out, then its result; nothing for the two never tried.
        assert [(line['sid'], line.get('stage'), line.get('outcome')) for line in lines] == [
            (first.sid, 'stop_sent', None), (first.sid, None, 'stopped')]

    def test_sigint_during_a_retry_wait_of_a_single_recording(self, monkeypatch):
        before = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            result = run(single(), [Call('POST', STOP, answer(503, {'message': 'busy'}), during=interrupt)], monkeypatch).result
        finally:
            signal.signal(signal.SIGINT, before)
        assert result['failed'] is True and 'the run was interrupted (SIGINT, SIGTERM, or the controller went away) after 1 attempt(s)' in result['msg']
        assert 'The stop may already have taken effect, or the recording may still be running' in result['msg']

    def test_the_journal_holds_every_finished_recording_with_the_secret_masked(self, monkeypatch, tmp_path):
        first, second = other(1), other(2)
        journal = tmp_path / 'journal.jsonl'
        journal.write_text('{"earlier": "line"}\n')
        echo = answer(400, {'code': 2, 'reason': 'bad %s' % CREDENTIALS['customer_secret']})
        calls = [Call('POST', first.path('stop'), stopped(recording=first)), Call('POST', second.path('stop'), echo)]
        result = run(batch([entry(first), entry(second)], concurrency=1, journal=str(journal)), calls, monkeypatch).result
        lines = journal.read_text().splitlines()
        assert lines[0] == '{"earlier": "line"}' and len(lines) == 5
        assert [json.loads(line).get('stage') for line in lines[1:]] == ['stop_sent', None, 'stop_sent', None]
        assert CREDENTIALS['customer_secret'] not in journal.read_text() and 'bad ********' in lines[4]
        assert json.loads(lines[4])['failed'] is True and 'bad ********' in result['recordings'][1]['msg']

    def test_no_journal_in_check_mode(self, monkeypatch, tmp_path):
        journal = tmp_path / 'journal.jsonl'
        run(batch([entry(other(1))], journal=str(journal)), [Call('GET', other(1).path('query'), queried(recording=other(1)))],
            monkeypatch, check_mode=True)
        assert not journal.exists()

    def test_a_journal_that_cannot_be_opened_is_named_before_any_request(self, monkeypatch, tmp_path):
        result = run(batch([entry(other(1))], journal=str(tmp_path / 'missing' / 'journal.jsonl')), [], monkeypatch).result
        assert result['failed'] is True and 'journal' in result['msg'] and 'cannot be opened for writing' in result['msg']


class TestBoundary:
    def test_an_unexpected_error_is_a_failure_with_what_was_gathered(self, monkeypatch):
        first = other(1)
        from ansible_collections.agora.cloud_recording.plugins.modules import agora_cloud_recording_stop as module

        def broken_summary(results):
            raise ZeroDivisionError('division by zero')

        monkeypatch.setattr(module, 'summarize', broken_summary)
        result = run(batch([entry(first)]), [Call('POST', first.path('stop'), stopped(recording=first))], monkeypatch).result
        assert result['failed'] is True
        assert result['msg'].startswith('Unexpected error (ZeroDivisionError: division by zero). Recordings may still be running')
        assert result['recordings'][0]['outcome'] == 'stopped'

    def test_an_empty_batch_warns_and_changes_nothing(self, monkeypatch):
        outcome = run(batch([]), [], monkeypatch)
        assert outcome.result['changed'] is False and outcome.result['summary']['total'] == 0
        assert outcome.warnings == ['recordings is empty: there was nothing to stop.']

    def test_results_say_whether_agora_confirmed_the_recording_is_gone(self, monkeypatch):
        first, second, third = other(1), other(2), other(3)
        calls = [Call('POST', first.path('stop'), stopped(recording=first)), Call('POST', second.path('stop'), NOT_FOUND),
                 Call('POST', third.path('stop'), answer(400, {'code': 49, 'reason': 'repeated stop'}))]
        result = run(batch([entry(item) for item in (first, second, third)], concurrency=1), calls, monkeypatch).result
        assert [item['confirmed'] for item in result['recordings']] == [True, False, True]


def query_with_files(recording=RECORDING):
    so_far = {'fileName': 'so-far.m3u8', 'trackType': 'audio_and_video', 'uid': '0', 'mixedAllUser': True,
              'isPlayable': True, 'sliceStartTime': 1}
    return answer(200, {'resourceId': recording.resource_id, 'sid': recording.sid,
                        'serverResponse': {'status': 5, 'fileListMode': 'json', 'fileList': [so_far]}})


class TestKeepingTheFileList:
    def test_an_async_stop_returns_the_files_its_query_saw(self, monkeypatch):
        calls = [Call('GET', QUERY, query_with_files()), Call('POST', STOP, answer(200, {'sid': RECORDING.sid}))]
        rec = run(single(async_stop=True), calls, monkeypatch).result['recording']
        assert (rec['upload_status'], rec['files_from'], [item['filename'] for item in rec['files']]) == (
            'pending', 'query', ['so-far.m3u8'])

    def test_a_206_past_the_upload_window_returns_the_files_its_query_saw(self, monkeypatch):
        past_window = answer(206, {'sid': RECORDING.sid, 'resourceId': RECORDING.resource_id, 'code': 50})
        calls = [Call('GET', QUERY, query_with_files()), Call('POST', STOP, past_window)]
        rec = run(single(query_files=True), calls, monkeypatch).result['recording']
        assert (rec['upload_status'], rec['files_from'], len(rec['files'])) == ('pending', 'query', 1)

    def test_files_in_the_stop_answer_win(self, monkeypatch):
        rec = run(single(query_files=True), [Call('GET', QUERY, query_with_files()), Call('POST', STOP, stopped())],
                  monkeypatch).result['recording']
        assert (rec['files_from'], rec['files'][0]['filename']) == ('stop', '%s_main-stage_0.mp4' % RECORDING.sid)

    def test_a_failing_query_does_not_hold_the_stop_back(self, monkeypatch):
        calls = [Call('GET', QUERY, GATEWAY_404), Call('POST', STOP, answer(200, {'sid': RECORDING.sid}))]
        rec = run(single(async_stop=True), calls, monkeypatch).result['recording']
        assert (rec['outcome'], rec['files_from'], rec['files']) == ('stopped', 'stop', [])

    def test_off_by_default_for_a_synchronous_stop_and_when_turned_off(self, monkeypatch):
        run(single(), [Call('POST', STOP, stopped())], monkeypatch)
        run(single(async_stop=True, query_files=False), [Call('POST', STOP, answer(200, {'sid': RECORDING.sid}))], monkeypatch)

    def test_a_gone_recording_waits_out_the_404_window_once_not_twice(self, monkeypatch):
        """The query before an asynchronous stop re-checks Agora's 404 over not_found_recheck; the stop then counts its
        404 at once (it used to wait the whole window again: 24 s instead of 13 with not_found_recheck 12)."""
        calls = [Call('GET', QUERY, NOT_FOUND), Call('GET', QUERY, NOT_FOUND, at=5.0), Call('GET', QUERY, NOT_FOUND, at=12.0),
                 Call('POST', STOP, NOT_FOUND, at=12.0)]
        outcome = run(single(async_stop=True, not_found_recheck=12, rate_limit=0), calls, monkeypatch)
        rec = outcome.result['recording']
        assert (rec['outcome'], rec['confirmed'], rec['attempts']) == ('already_stopped', True, 1)
        assert sum(outcome.clock.sleeps) == 12.0


class TestUrlSecretsAreMaskedWhateverFailsFirst:
    def test_a_password_in_the_url_is_masked_even_when_an_entry_fails_first(self, monkeypatch):
        """The invocation Ansible returns holds the task's arguments: the URL's password must be masked in it."""
        from ansible.module_utils import basic

        seen = {}
        original = basic.AnsibleModule.__init__

        def keep(self, *args, **kwargs):
            original(self, *args, **kwargs)
            seen['no_log_values'] = set(self.no_log_values)

        monkeypatch.setattr(basic.AnsibleModule, '__init__', keep)
        result = run(batch([dict(entry(RECORDING), sid='x#y')], api_base_url='https://ops:pa/ss-w0rd@api.sd-rtn.com/?t=t0k3n-x'),
                     [], monkeypatch).result
        assert result['failed'] is True and 'recordings[0]: sid must be' in result['msg']
        assert {'ops:pa/ss-w0rd', 'pa/ss-w0rd', 't0k3n-x'} <= seen['no_log_values']


@pytest.mark.parametrize('option, value', [
    ('sid', True), ('sid', 31), ('resource_id', float('nan')), ('resource_id', True), ('cname', 83), ('cname', 1.5),
    ('cname', [1]), ('cname', {'a': 1}), ('app_id', 123),
], ids=lambda value: repr(value)[:12])
def test_what_names_a_recording_is_never_converted(monkeypatch, option, value):
    """ansible-core would send True as "True" and 83 as "83": a stop naming another recording, or reading Agora's 404
    as "already stopped" while the real one runs. Refused naming the option, in a batch entry too; nothing is sent."""
    single_result = run(single(**{option: value}), [], monkeypatch).result
    batch_result = run(batch([dict(entry(RECORDING), **{option: value})]), [], monkeypatch).result
    for result, where in ((single_result, ''), (batch_result, 'recordings[0].')):
        assert result['failed'] is True and result['msg'].startswith('%s%s must be text' % (where, option)), result['msg']
        assert 'quote the value' in result['msg']

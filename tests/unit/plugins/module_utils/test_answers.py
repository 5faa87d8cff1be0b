# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure parsing and classification of Agora's answers, one documented answer at a time."""

from __future__ import annotations

import json

import pytest

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import (
    MAX_RETRY_AFTER,
    Answer,
    agora_code,
    classify_query_answer,
    classify_stop_answer,
    decode_body,
    describe_answer,
    extract_files,
    normalize_upload_status,
    parse_retry_after,
)


def answer(status, body, request_id=None, retry_after=None):
    text = body if isinstance(body, str) else json.dumps(body)
    decoded = decode_body(text.encode())[0]
    return Answer(status, decoded, text, request_id, retry_after)


MIX_JSON = {
    'fileListMode': 'json',
    'fileList': [{'fileName': 'sid_main.m3u8', 'trackType': 'audio_and_video', 'uid': '0', 'mixedAllUser': True,
                  'isPlayable': True, 'sliceStartTime': 1732600000000}],
    'uploadingStatus': 'uploaded',
}


def web_response(key, status='uploaded'):
    return {'extensionServiceState': [
        {'serviceName': 'upload_service', key: {'uploadingStatus': status}},
        {'serviceName': 'web_recorder_service',
         key: {'fileList': [{'filename': 'sid_web_0.mp4', 'sliceStartTime': 1732600000123}], 'onhold': False, 'state': 'exit'}},
    ]}


class TestDecoding:
    def test_json_and_text(self):
        assert decode_body(b'{"code": 2}') == ({'code': 2}, '{"code": 2}')

    def test_not_json_keeps_text(self):
        assert decode_body(b'<html>502</html>') == (None, '<html>502</html>')

    def test_empty_body(self):
        assert decode_body(b'') == (None, '')

    @pytest.mark.parametrize('value, expected', [
        ('7', 7.0), ('0.5', 0.5), ('-3', 0.0), ('100000', MAX_RETRY_AFTER), (None, None), ('soon', None), ('', None),
    ])
    def test_retry_after_seconds(self, value, expected):
        assert parse_retry_after(value) == expected

    def test_retry_after_http_date(self):
        assert parse_retry_after('Thu, 26 Nov 2026 12:00:30 GMT', now=1795694400.0) == pytest.approx(30.0)

    @pytest.mark.parametrize('body, expected', [
        ({'code': 404}, 404), ({'code': '435'}, 435), ({'message': 'x'}, None), ({'code': True}, None), ('404', None),
    ])
    def test_agora_code(self, body, expected):
        assert agora_code(body) == expected


class TestDescribe:
    def test_names_status_code_reason_and_request_id(self):
        text = describe_answer(answer(400, {'code': 2, 'reason': 'invalid parameter'}, request_id='req-42'))
        assert text == 'HTTP 400, Agora code 2, "invalid parameter", request id req-42'

    def test_gateway_message(self):
        assert describe_answer(answer(401, {'message': 'Invalid authentication credentials'})) == \
            'HTTP 401, "Invalid authentication credentials"'

    def test_long_html_is_shortened(self):
        text = describe_answer(answer(502, '<html>' + 'x' * 500 + '</html>'))
        assert text.startswith('HTTP 502, body: <html>xxx') and text.endswith('...') and len(text) < 160

    def test_empty_body(self):
        assert describe_answer(answer(404, '')) == 'HTTP 404, empty body'


class TestFiles:
    def test_json_list(self):
        assert extract_files(MIX_JSON) == [{
            'filename': 'sid_main.m3u8', 'track_type': 'audio_and_video', 'uid': '0', 'mixed_all_user': True,
            'is_playable': True, 'slice_start_time': 1732600000000}]

    def test_string_mode_is_one_playlist(self):
        files = extract_files({'fileListMode': 'string', 'fileList': 'sid_main.m3u8'})
        assert files == [{'filename': 'sid_main.m3u8', 'track_type': None, 'uid': None, 'mixed_all_user': None,
                          'is_playable': None, 'slice_start_time': None}]

    @pytest.mark.parametrize('server_response', [{'uploadingStatus': 'uploaded'}, None, {'fileList': ''}, {'fileList': 7}])
    def test_no_file_list(self, server_response):
        assert extract_files(server_response) == []

    @pytest.mark.parametrize('key', ['playload', 'payload'])
    def test_web_both_spellings(self, key):
        files = extract_files(web_response(key))
        assert [(item['filename'], item['slice_start_time'], item['track_type']) for item in files] == \
            [('sid_web_0.mp4', 1732600000123, None)]

    @pytest.mark.parametrize('value, expected', [
        ('uploaded', 'uploaded'), ('backuped', 'backuped'), ('unknown', 'unknown'), ('unknow', 'unknown'), (None, 'unknown'),
    ])
    def test_upload_status(self, value, expected):
        assert normalize_upload_status(value) == expected


class TestStopAnswers:
    def test_200_individual_or_mix(self):
        verdict = classify_stop_answer(answer(200, {'sid': 's', 'serverResponse': MIX_JSON}), async_stop=False)
        assert (verdict.kind.value, verdict.upload_status, len(verdict.files)) == ('stopped', 'uploaded', 1)
        assert verdict.server_response == MIX_JSON

    def test_200_backuped_string_mode(self):
        body = {'serverResponse': {'fileListMode': 'string', 'fileList': 'a.m3u8', 'uploadingStatus': 'backuped'}}
        verdict = classify_stop_answer(answer(200, body), async_stop=False)
        assert (verdict.kind.value, verdict.upload_status, verdict.files[0]['filename']) == ('stopped', 'backuped', 'a.m3u8')

    def test_200_snapshots_have_status_only(self):
        verdict = classify_stop_answer(answer(200, {'serverResponse': {'uploadingStatus': 'uploaded'}}), async_stop=False)
        assert (verdict.kind.value, verdict.upload_status, verdict.files) == ('stopped', 'uploaded', [])

    @pytest.mark.parametrize('key', ['playload', 'payload'])
    def test_200_web(self, key):
        verdict = classify_stop_answer(answer(200, {'serverResponse': web_response(key, 'backuped')}), async_stop=False)
        assert (verdict.kind.value, verdict.upload_status, verdict.files[0]['filename']) == ('stopped', 'backuped', 'sid_web_0.mp4')

    def test_200_older_unknow_spelling(self):
        body = {'serverResponse': {'fileListMode': 'json', 'fileList': [], 'uploadingStatus': 'unknow'}}
        assert classify_stop_answer(answer(200, body), async_stop=False).upload_status == 'unknown'

    def test_200_async_without_status_is_pending(self):
        verdict = classify_stop_answer(answer(200, {'serverResponse': {'fileListMode': 'json', 'fileList': []}}), async_stop=True)
        assert (verdict.kind.value, verdict.upload_status) == ('stopped', 'pending')

    def test_200_sync_without_status_is_unknown(self):
        verdict = classify_stop_answer(answer(200, {'sid': 's'}), async_stop=False)
        assert (verdict.kind.value, verdict.upload_status, verdict.server_response) == ('stopped', 'unknown', None)

    def test_206_435_no_data(self):
        verdict = classify_stop_answer(answer(206, {'code': 435, 'reason': 'no recorded data'}), async_stop=False)
        assert (verdict.kind.value, verdict.upload_status, verdict.files) == ('stopped', 'no_data', [])

    def test_206_65_is_retried_and_may_have_acted(self):
        verdict = classify_stop_answer(answer(206, {'code': 65, 'reason': 'request not completed'}), async_stop=False)
        assert (verdict.kind.value, verdict.may_have_acted) == ('retry', True)

    @pytest.mark.parametrize('body', [{'code': 50, 'reason': 'upload timeout'}, {'code': 7}, ''])
    def test_206_other_is_pending(self, body):
        verdict = classify_stop_answer(answer(206, body), async_stop=False)
        assert (verdict.kind.value, verdict.upload_status) == ('stopped', 'pending')

    def test_404_from_agora_is_not_found(self):
        assert classify_stop_answer(answer(404, {'code': 404, 'reason': 'failed to find worker'}), False).kind.value == 'not_found'

    def test_400_49_is_exiting(self):
        assert classify_stop_answer(answer(400, {'code': 49, 'reason': 'repeated stop'}), False).kind.value == 'exiting'

    @pytest.mark.parametrize('body', [{'message': 'no Route matched with those values'}, '<html>404 Not Found</html>', ''])
    def test_404_without_agora_code_fails_as_wrong_url(self, body):
        verdict = classify_stop_answer(answer(404, body), False)
        assert verdict.kind.value == 'fail'
        assert 'api_base_url' in verdict.advice and 'URL is wrong' in verdict.advice

    def test_401_fails_naming_credentials(self):
        verdict = classify_stop_answer(answer(401, {'message': 'Invalid authentication credentials'}), False)
        assert verdict.kind.value == 'fail' and 'credentials were rejected' in verdict.advice
        assert 'Invalid authentication credentials' in verdict.reason

    @pytest.mark.parametrize('status, body', [
        (429, {'message': 'API rate limit exceeded'}), (500, {'code': 501}), (502, ''), (503, '<html/>'),
        (504, {'code': 62, 'reason': 'gateway timeout'}),
    ])
    def test_transient_answers_are_retried(self, status, body):
        verdict = classify_stop_answer(answer(status, body), False)
        assert (verdict.kind.value, verdict.may_have_acted) == ('retry', False)

    @pytest.mark.parametrize('code, words', [
        (2, 'check app_id'), (432, 'cname, uid and mode'), (433, 'expired'), (1001, 'copied whole'),
        (1003, 'belong to one recording'), (1013, 'check cname'), (9999, "task's parameters"),
    ])
    def test_400_codes_fail_with_advice(self, code, words):
        verdict = classify_stop_answer(answer(400, {'code': code, 'reason': 'r%d' % code}, request_id='rid'), False)
        assert verdict.kind.value == 'fail' and words in verdict.advice
        assert verdict.reason == 'HTTP 400, Agora code %d, "r%d", request id rid' % (code, code)

    @pytest.mark.parametrize('body', ['<html>ok</html>', '[1, 2]', '"stopped"', ''])
    def test_200_not_an_object_fails(self, body):
        verdict = classify_stop_answer(answer(200, body), False)
        assert verdict.kind.value == 'fail' and 'not a JSON object' in verdict.advice

    def test_redirect_fails(self):
        assert classify_stop_answer(answer(302, ''), False).kind.value == 'fail'


class TestQueryAnswers:
    def test_running(self):
        verdict = classify_query_answer(answer(200, {'serverResponse': dict(MIX_JSON, status=5)}))
        assert (verdict.kind.value, len(verdict.files)) == ('running', 1)

    @pytest.mark.parametrize('status', [6, 7, 8, 20])
    def test_ending_statuses(self, status):
        assert classify_query_answer(answer(200, {'serverResponse': {'status': status}})).kind.value == 'exiting'

    def test_not_found(self):
        assert classify_query_answer(answer(404, {'code': 404, 'reason': 'failed to find worker'})).kind.value == 'not_found'

    def test_gateway_404_fails(self):
        assert classify_query_answer(answer(404, {'message': 'no Route matched with those values'})).kind.value == 'fail'

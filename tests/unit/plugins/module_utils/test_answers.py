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
    Expected,
    Kind,
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

    def test_an_object_without_code_or_reason_is_quoted(self):
        assert describe_answer(answer(200, {})) == 'HTTP 200, body: {}'

    def test_json_nested_deeper_than_agoras_answers_is_not_json(self):
        assert decode_body(b'[' * 40 + b']' * 40)[0] is None
        assert decode_body(b'[' * 5 + b']' * 5)[0] == [[[[[]]]]]


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


EXPECTED = Expected(sid='38f8e3cfdc474cd56fc1ceba380d7e1a', resource_id='JyvK8nXHu')
IDENTITY = {'sid': EXPECTED.sid, 'resourceId': EXPECTED.resource_id, 'cname': 'main-stage', 'uid': '527841'}


def agoras(server_response=None, **extra):
    """A body as Agora's recording service sends it: the recording's identity, then what the answer adds."""
    body = dict(IDENTITY, **extra)
    if server_response is not None:
        body['serverResponse'] = server_response
    return body


def stop_verdict(status, body, async_stop=False, request_id=None):
    return classify_stop_answer(answer(status, body, request_id=request_id), async_stop, EXPECTED)


def query_verdict(status, body):
    return classify_query_answer(answer(status, body), EXPECTED)


class TestStopAnswers:
    def test_200_individual_or_mix(self):
        verdict = stop_verdict(200, agoras(MIX_JSON))
        assert (verdict.kind, verdict.upload_status, len(verdict.files)) == (Kind.STOPPED, 'uploaded', 1)
        assert verdict.server_response == MIX_JSON

    def test_200_backuped_string_mode(self):
        verdict = stop_verdict(200, agoras({'fileListMode': 'string', 'fileList': 'a.m3u8', 'uploadingStatus': 'backuped'}))
        assert (verdict.kind, verdict.upload_status, verdict.files[0]['filename']) == (Kind.STOPPED, 'backuped', 'a.m3u8')

    def test_200_snapshots_have_status_only(self):
        verdict = stop_verdict(200, agoras({'uploadingStatus': 'uploaded'}))
        assert (verdict.kind, verdict.upload_status, verdict.files) == (Kind.STOPPED, 'uploaded', [])

    @pytest.mark.parametrize('key', ['playload', 'payload'])
    def test_200_web(self, key):
        verdict = stop_verdict(200, agoras(web_response(key, 'backuped')))
        assert (verdict.kind, verdict.upload_status, verdict.files[0]['filename']) == (Kind.STOPPED, 'backuped', 'sid_web_0.mp4')

    def test_200_older_unknow_spelling(self):
        assert stop_verdict(200, agoras({'fileListMode': 'json', 'fileList': [], 'uploadingStatus': 'unknow'})).upload_status == 'unknown'

    def test_200_async_without_status_is_pending(self):
        verdict = stop_verdict(200, agoras({'fileListMode': 'json', 'fileList': []}), async_stop=True)
        assert (verdict.kind, verdict.upload_status) == (Kind.STOPPED, 'pending')

    def test_200_sync_without_status_is_unknown(self):
        verdict = stop_verdict(200, {'sid': EXPECTED.sid})
        assert (verdict.kind, verdict.upload_status, verdict.server_response) == (Kind.STOPPED, 'unknown', None)

    @pytest.mark.parametrize('body, why', [
        ({}, 'it names no sid or resourceId'), ({'message': 'ok'}, 'it names no sid or resourceId'),
        ({'serverResponse': {'uploadingStatus': 'uploaded'}}, 'it names no sid or resourceId'),
        (dict(IDENTITY, sid='0000'), 'it names another recording (sid 0000)'),
        (dict(IDENTITY, resourceId='other'), 'it names another recording (resourceId other)'),
        ('<html>ok</html>', 'it is not a JSON object'), ('[1, 2]', 'it is not a JSON object'), ('', 'it is not a JSON object'),
    ])
    def test_200_that_is_not_agoras_is_never_stopped(self, body, why):
        verdict = stop_verdict(200, body)
        assert verdict.kind == Kind.FAIL
        assert verdict.reason.startswith('HTTP 200') and "which is not Agora's answer about this recording (%s)" % why in verdict.reason
        assert 'may still be running' in verdict.advice and 'api_base_url' in verdict.advice

    def test_206_435_no_data(self):
        verdict = stop_verdict(206, agoras(code=435, reason='no recorded data'))
        assert (verdict.kind, verdict.upload_status, verdict.files) == (Kind.STOPPED, 'no_data', [])

    def test_206_65_is_retried_and_may_have_acted(self):
        verdict = stop_verdict(206, {'code': 65, 'reason': 'request not completed'})
        assert (verdict.kind, verdict.may_have_acted) == (Kind.RETRY, True)

    @pytest.mark.parametrize('body', [agoras({'fileListMode': 'json', 'fileList': []}, code=50, reason='upload timeout'), {'code': 7}])
    def test_206_with_another_agora_code_is_pending(self, body):
        verdict = stop_verdict(206, body)
        assert (verdict.kind, verdict.upload_status) == (Kind.STOPPED, 'pending')

    @pytest.mark.parametrize('body', ['', {}, '<html>partial</html>', {'message': 'partial content'}])
    def test_206_without_an_agora_code_or_this_recordings_envelope_is_not_agoras(self, body):
        assert stop_verdict(206, body).kind == Kind.FAIL

    @pytest.mark.parametrize('body', [agoras({'uploadingStatus': 'unknown'}), agoras(None), {'sid': EXPECTED.sid}, {'resourceId': EXPECTED.resource_id}])
    def test_206_naming_no_code_but_this_recording_is_stopped_with_the_upload_pending(self, body):
        # Shengwang's stop reference: a synchronous stop whose upload passes 20 s answers 206, naming no code.
        verdict = stop_verdict(206, body)
        assert (verdict.kind, verdict.upload_status) == (Kind.STOPPED, 'pending')

    @pytest.mark.parametrize('body', [
        {'code': 404, 'reason': 'failed to find worker'},
        agoras({'command': 'StopCloudRecorder', 'payload': {'message': 'failed to find worker'}}, code=404),
    ], ids=['classic', 'real'])
    def test_404_from_agora_is_not_found(self, body):
        verdict = stop_verdict(404, body)
        assert verdict.kind == Kind.NOT_FOUND
        assert verdict.reason == 'HTTP 404, Agora code 404, "failed to find worker"'

    @pytest.mark.parametrize('body', [
        {'code': 404, 'message': 'Not Found'},                      # an API gateway's own JSON 404
        {'code': '404', 'error': 'route not found'},
    ], ids=['gateway-json', 'gateway-string-code'])
    def test_a_404_with_code_404_that_is_not_agoras_is_a_wrong_url(self, body):
        verdict = stop_verdict(404, body)
        assert verdict.kind == Kind.FAIL and 'URL is wrong' in verdict.advice

    def test_400_49_is_exiting(self):
        assert stop_verdict(400, {'code': 49, 'reason': 'repeated stop'}).kind == Kind.EXITING

    @pytest.mark.parametrize('status, body', [
        (400, {'code': 49, 'reason': 'repeated stop', 'sid': '0' * 32}),
        (400, {'code': 49, 'reason': 'repeated stop', 'resourceId': 'another-resource'}),
        (404, agoras({'payload': {'message': 'failed to find worker'}}, code=404, sid='0' * 32)),
        (206, {'code': 435, 'reason': 'no recorded data', 'sid': '0' * 32}),
        (206, {'code': 50, 'reason': 'upload timeout', 'resourceId': 'another-resource'}),
        (200, agoras({'uploadingStatus': 'uploaded'}, sid='0' * 32)),
        (500, {'code': 62, 'sid': '0' * 32}),
    ], ids=['49-sid', '49-resource-id', '404', '206-435', '206-50', '200', '5xx'])
    def test_every_answer_that_names_another_recording_says_nothing_of_this_one(self, status, body):
        for verdict in (stop_verdict(status, body), query_verdict(status, body)):
            assert verdict.kind == Kind.FAIL and 'it names another recording' in verdict.reason
            assert 'about another recording' in verdict.advice and 'may still be running' in verdict.advice

    @pytest.mark.parametrize('body', [{'message': 'no Route matched with those values'}, '<html>404 Not Found</html>', ''])
    def test_404_without_agora_code_fails_as_wrong_url(self, body):
        verdict = stop_verdict(404, body)
        assert verdict.kind == Kind.FAIL
        assert 'api_base_url' in verdict.advice and 'URL is wrong' in verdict.advice

    def test_401_fails_naming_credentials(self):
        verdict = stop_verdict(401, {'message': 'Invalid authentication credentials'})
        assert verdict.kind == Kind.FAIL and 'credentials were rejected' in verdict.advice
        assert 'Invalid authentication credentials' in verdict.reason

    @pytest.mark.parametrize('status, body', [(429, {'message': 'API rate limit exceeded'}), (408, '')])
    def test_refused_requests_are_retried(self, status, body):
        verdict = stop_verdict(status, body)
        assert (verdict.kind, verdict.may_have_acted) == (Kind.RETRY, False)

    @pytest.mark.parametrize('status, body', [
        (500, {'code': 501}), (502, ''), (503, '<html/>'), (504, {'code': 62, 'reason': 'gateway timeout'}),
    ])
    def test_server_errors_are_retried_and_may_have_acted(self, status, body):
        verdict = stop_verdict(status, body)
        assert (verdict.kind, verdict.may_have_acted) == (Kind.RETRY, True)

    @pytest.mark.parametrize('code, words', [
        (2, 'check app_id'), (432, 'cname, uid and mode'), (433, 'expired'), (1001, 'copied whole'),
        (1003, 'belong to one recording'), (1013, 'check cname'), (9999, "task's parameters"),
    ])
    def test_400_codes_fail_with_advice(self, code, words):
        verdict = stop_verdict(400, {'code': code, 'reason': 'r%d' % code}, request_id='rid')
        assert verdict.kind == Kind.FAIL and words in verdict.advice
        assert verdict.reason == 'HTTP 400, Agora code %d, "r%d", request id rid' % (code, code)

    def test_redirect_fails(self):
        verdict = stop_verdict(302, '')
        assert verdict.kind == Kind.FAIL and "does not know" in verdict.advice


class TestQueryAnswers:
    def test_running(self):
        verdict = query_verdict(200, agoras(dict(MIX_JSON, status=5)))
        assert (verdict.kind, len(verdict.files)) == (Kind.RUNNING, 1)

    @pytest.mark.parametrize('status', [6, 7, 8, 20])
    def test_ending_statuses(self, status):
        assert query_verdict(200, agoras({'status': status})).kind == Kind.EXITING

    def test_not_found(self):
        assert query_verdict(404, {'code': 404, 'reason': 'failed to find worker'}).kind == Kind.NOT_FOUND

    def test_gateway_404_fails(self):
        assert query_verdict(404, {'message': 'no Route matched with those values'}).kind == Kind.FAIL

    def test_206_code_65_is_retried_as_for_stop(self):
        assert query_verdict(206, {'code': 65, 'reason': 'request not completed'}).kind == Kind.RETRY

    @pytest.mark.parametrize('status, body', [(206, {'code': 7}), (200, {}), (200, {'message': 'ok'})])
    def test_unknown_or_foreign_answers_fail(self, status, body):
        assert query_verdict(status, body).kind == Kind.FAIL


class TestControlCharacters:
    """Server text reaches the operator's terminal: control and formatting characters are quoted escaped."""

    @pytest.mark.parametrize('hostile, shown', [
        ('\x1b[2J\x1b[32mall recordings stopped', '\\x1b[2J\\x1b[32mall recordings stopped'),
        ('ok\rstopped', 'ok stopped'),               # a carriage return is whitespace: the line is joined
        ('\u202eevil', '\\u202eevil'),                 # right-to-left override
        ('bell\x07', 'bell\\x07'),
    ])
    def test_reason_body_and_request_id_are_escaped(self, hostile, shown):
        for status, body in ((400, {'code': 2, 'reason': hostile}), (502, hostile)):
            text = describe_answer(answer(status, body, request_id='id-' + hostile))
            assert shown in text and 'id-' + shown in text
            assert all(character.isprintable() for character in text)

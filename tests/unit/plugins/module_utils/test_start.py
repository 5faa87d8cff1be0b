# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every path of acquire and start, declared as the calls they must make and the answers they get, on a fake clock.

The rule under test: never a second acquire or start while a first start may have taken effect. Each case lists every
request that may be sent; ``FakeTransport`` fails a case that sends one more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
import pytest

from agora_fakes import (
    APP_ID,
    BACKEND_TIMEOUT,
    NOT_FOUND,
    RATE_LIMITED,
    UNAVAILABLE,
    Call,
    answer,
    closed,
    make_client,
    queried,
    refused,
    timed_out,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import Kind, classify_acquire_answer
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError, Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import Ledger
from ansible_collections.agora.cloud_recording.plugins.module_utils._start import (
    StartRequest,
    check_client_request,
    secret_values,
    start_one,
    start_request_from_values,
    start_requests_from_params,
    task_secrets,
)

CNAME, UID, MODE = 'main-stage', '527841', 'mix'
RID = 'JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8'
OTHER_RID = 'OtherResourceId0123456789abcdef'
SID = '38f8e3cfdc474cd56fc1ceba380d7e1a'
OTHER_SID = 'ffffe3cfdc474cd56fc1ceba380d7e1a'
STORAGE = {'vendor': 1, 'region': 0, 'bucket': 'event-recordings', 'accessKey': 'storage-access-key-1',
           'secretKey': 'storage-secret-key-1'}
CLIENT_REQUEST = {'recordingFileConfig': {'avFileType': ['hls', 'mp4']}, 'storageConfig': STORAGE}
REQUEST = StartRequest(APP_ID, CNAME, UID, MODE, CLIENT_REQUEST, {'scene': 0})
ACQUIRE = '/v1/apps/%s/cloud_recording/acquire' % APP_ID
START = '/v1/apps/%s/cloud_recording/resourceid/%s/mode/mix/start' % (APP_ID, RID)
RUNNING = Recording(APP_ID, RID, SID, MODE, CNAME, UID)
OTHER = Recording(APP_ID, OTHER_RID, OTHER_SID, MODE, CNAME, UID)

ACQUIRED = answer(200, {'cname': CNAME, 'uid': UID, 'resourceId': RID})
STARTED = answer(200, {'cname': CNAME, 'uid': UID, 'resourceId': RID, 'sid': SID})
ALREADY = answer(201, {'code': 7, 'reason': 'already started'})
ALREADY_NAMED = answer(201, {'code': 7, 'reason': 'already started', 'cname': CNAME, 'uid': UID, 'resourceId': RID, 'sid': SID})
CONFLICT = answer(400, {'code': 53, 'reason': 'task conflict'})
CONFLICT_OURS = answer(400, {'code': 53, 'reason': 'task conflict', 'resourceId': RID, 'sid': SID})
CONFLICT_OTHER = answer(400, {'code': 53, 'reason': 'task conflict', 'resourceId': OTHER_RID, 'sid': OTHER_SID})
GATEWAY_TIMEOUT = answer(504, {'code': 62, 'reason': 'gateway timeout'})


def acquire_call(result, **extra):
    return Call('POST', ACQUIRE, result, **extra)


def start_call(result, **extra):
    return Call('POST', START, result, **extra)


def query_call(result, recording=RUNNING, **extra):
    return Call('GET', recording.path('query'), result, **extra)


@dataclass
class Case:
    """One path: the calls it must make (and no more), and what it decides: (outcome, sid, inferred) or error words."""

    id: str
    calls: list[Call]
    decided: tuple | None = None
    error: tuple[str, ...] = ()
    # Whether the failure says the start may have taken effect.
    may_have_acted: bool = False
    sleeps: list[float] = field(default_factory=list)


CASES = [
    Case('acquire-then-start', [acquire_call(ACQUIRED, body={'cname': CNAME, 'uid': UID, 'clientRequest': {'scene': 0}}),
                                start_call(STARTED, body={'cname': CNAME, 'uid': UID, 'clientRequest': CLIENT_REQUEST})],
         decided=('started', SID, False)),
    # acquire acts on nothing that bills: its trouble is retried, and a failure says nothing was started.
    Case('acquire-503-retried', [acquire_call(UNAVAILABLE), acquire_call(ACQUIRED, at=1.0), start_call(STARTED)],
         decided=('started', SID, False), sleeps=[1.0]),
    Case('acquire-timeout-retried', [acquire_call(timed_out(), takes=60.0), acquire_call(ACQUIRED), start_call(STARTED)],
         decided=('started', SID, False), sleeps=[1.0]),
    Case('acquire-406-vendor-overload', [acquire_call(answer(400, {'code': 406, 'reason': 'vendor_over_load'}))],
         error=('Acquiring a resource ID for channel main-stage', 'Agora code 406', 'task leaks', 'recording_teardown')),
    Case('acquire-code-2', [acquire_call(answer(400, {'code': 2, 'reason': 'invalid parameter'}))],
         error=('Agora code 2', 'resource_expired_hour')),
    Case('acquire-gateway-404', [acquire_call(answer(404, {'message': 'no Route matched with those values'}))],
         error=('the URL is wrong',)),
    Case('acquire-200-without-resource-id', [acquire_call(answer(200, {'message': 'ok'}))],
         error=('names no resourceId',)),
    Case('acquire-200-for-another-channel', [acquire_call(answer(200, {'cname': 'elsewhere', 'uid': UID, 'resourceId': RID}))],
         error=('names another cname',)),
    Case('acquire-resource-id-agora-cannot-issue', [acquire_call(answer(200, {'resourceId': '../stop'}))],
         error=('no resource ID of Agora', 'Nothing was started')),
    Case('acquire-gives-up-nothing-started', [acquire_call(RATE_LIMITED)] * 4,
         error=('gave up after 4 attempts', 'may still be running'), sleeps=[1.0, 3.0, 6.0]),
    # Start answers that decide at once.
    Case('start-401', [acquire_call(ACQUIRED), start_call(answer(401, {'message': 'Invalid authentication credentials'}))],
         error=('credentials were rejected',)),
    Case('start-code-2', [acquire_call(ACQUIRED), start_call(answer(400, {'code': 2, 'reason': 'invalid parameter'}))],
         error=('Starting the recording of channel main-stage', 'with resource ID %s' % RID, 'check client_request')),
    Case('start-433-expired-resource', [acquire_call(ACQUIRED), start_call(answer(400, {'code': 433, 'reason': 'resource expired'}))],
         error=('five minutes', 'acquires a new one')),
    Case('start-406', [acquire_call(ACQUIRED), start_call(answer(400, {'code': 406, 'reason': 'vendor_over_load'}))],
         error=('task leaks',)),
    Case('start-432', [acquire_call(ACQUIRED), start_call(answer(400, {'code': 432, 'reason': 'mismatch'}))],
         error=('must be those of the acquire',)),
    Case('start-1001', [acquire_call(ACQUIRED), start_call(answer(400, {'code': 1001, 'reason': 'parse'}))],
         error=('could not parse the resource ID',)),
    Case('start-1003', [acquire_call(ACQUIRED), start_call(answer(400, {'code': 1003, 'reason': 'appid'}))],
         error=('check app_id',)),
    Case('start-no-worker-502', [acquire_call(ACQUIRED), start_call(answer(500, {'code': 502, 'reason': 'no worker'}))],
         error=('no recorder free', 'started nothing')),
    Case('start-gateway-404', [acquire_call(ACQUIRED), start_call(answer(404, {'message': 'no Route matched'}))],
         error=('the URL is wrong',)),
    Case('start-200-proxy', [acquire_call(ACQUIRED), start_call(answer(200, {'message': 'ok'}))],
         error=('names no sid',)),
    Case('start-200-html', [acquire_call(ACQUIRED), start_call(answer(200, '<html>portal</html>'))],
         error=('not a JSON object',)),
    Case('start-200-another-resource', [acquire_call(ACQUIRED), start_call(answer(200, {'resourceId': OTHER_RID, 'sid': SID}))],
         error=('names another resourceId',)),
    Case('start-200-sid-agora-cannot-issue', [acquire_call(ACQUIRED), start_call(answer(200, {'resourceId': RID, 'sid': '../x'}))],
         error=('no sid of Agora', 'may have taken effect', RID), may_have_acted=True),
    Case('start-202-unknown', [acquire_call(ACQUIRED), start_call(answer(202, {'resourceId': RID}))],
         error=('answer this collection does not know',)),
    # Lost answers: the same resource ID again, never a second acquire.
    Case('start-65-then-started', [acquire_call(ACQUIRED), start_call(BACKEND_TIMEOUT), start_call(STARTED, at=1.0)],
         decided=('started', SID, False), sleeps=[1.0]),
    Case('start-62-then-started', [acquire_call(ACQUIRED), start_call(GATEWAY_TIMEOUT), start_call(STARTED)],
         decided=('started', SID, False), sleeps=[1.0]),
    Case('start-timeout-then-7-named-confirmed', [acquire_call(ACQUIRED), start_call(timed_out(), takes=60.0),
                                                  start_call(ALREADY_NAMED), query_call(queried(5))],
         decided=('started', SID, True), sleeps=[1.0]),
    Case('start-closed-then-7-unnamed-fails-naming-resource', [acquire_call(ACQUIRED), start_call(closed()), start_call(ALREADY)],
         error=('201, Agora code 7', "this run's start took effect", 'Agora did not name its sid', RID, 'channel main-stage',
                'Run the task again',
                'event 40'), may_have_acted=True, sleeps=[1.0]),
    Case('start-7-named-but-query-404-fails', [acquire_call(ACQUIRED), start_call(closed()), start_call(ALREADY_NAMED),
                                               query_call(NOT_FOUND)],
         error=('the sid it names (%s) does not run now' % SID, RID), may_have_acted=True, sleeps=[1.0]),
    Case('start-7-named-query-fails', [acquire_call(ACQUIRED), start_call(closed()), start_call(ALREADY_NAMED),
                                       query_call(answer(401, {'message': 'Unauthorized'}))],
         error=('querying it (sid %s' % SID, 'credentials', RID), may_have_acted=True, sleeps=[1.0]),
    Case('start-timeout-then-53-ours-confirmed', [acquire_call(ACQUIRED), start_call(timed_out(), takes=60.0),
                                                  start_call(CONFLICT_OURS), query_call(queried(5))],
         decided=('started', SID, True), sleeps=[1.0]),
    Case('start-53-names-another-running-recording', [acquire_call(ACQUIRED), start_call(CONFLICT_OTHER),
                                                      query_call(queried(5, OTHER), OTHER)],
         decided=('already_running', OTHER_SID, False)),
    Case('start-53-first-answer-unnamed-is-not-ours', [acquire_call(ACQUIRED), start_call(CONFLICT)],
         error=('Agora code 53', 'it names no sid to find it by', 'not started by this run', 'record with another uid')),
    Case('start-53-names-another-recording-that-has-ended', [acquire_call(ACQUIRED), start_call(CONFLICT_OTHER),
                                                             query_call(NOT_FOUND, OTHER)],
         error=('the recording it names (sid %s) does not run now' % OTHER_SID, 'not started by this run')),
    Case('start-65-then-53-unnamed-may-be-ours', [acquire_call(ACQUIRED), start_call(BACKEND_TIMEOUT), start_call(CONFLICT)],
         error=('Agora code 53', 'may have taken effect', RID, 'channel main-stage'), may_have_acted=True, sleeps=[1.0]),
    Case('start-65-until-given-up-names-resource', [acquire_call(ACQUIRED)] + [start_call(BACKEND_TIMEOUT)] * 4,
         error=('gave up after 4 attempts', 'may have taken effect', RID, 'channel main-stage'), may_have_acted=True,
         sleeps=[1.0, 3.0, 6.0]),
    Case('start-timeout-then-433-may-have-acted', [acquire_call(ACQUIRED), start_call(timed_out(), takes=60.0),
                                                   start_call(answer(400, {'code': 433, 'reason': 'expired'}))],
         error=('five minutes',), may_have_acted=True, sleeps=[1.0]),
    Case('start-refused-until-given-up-nothing-started', [acquire_call(ACQUIRED)] + [start_call(refused())] * 4,
         error=('Nothing was started',), sleeps=[1.0, 3.0, 6.0]),
]


@pytest.mark.parametrize('case', CASES, ids=[case.id for case in CASES])
def test_start_decision(case):
    client, transport, clock = make_client(case.calls)
    if case.error:
        with pytest.raises(AgoraError) as caught:
            start_one(client, None, REQUEST, check_mode=False)
        for words in case.error:
            assert words in str(caught.value)
        assert caught.value.may_have_acted is case.may_have_acted
    else:
        result = start_one(client, None, REQUEST, check_mode=False)
        assert (result['outcome'], result['recording']['sid'], result['inferred']) == case.decided
    transport.assert_done()
    assert clock.sleeps == case.sleeps


# -- the ledger: a recording it holds is queried, never started again while it may run ------------------------------

def ledger_with(tmp_path, *entries):
    ledger = Ledger(str(tmp_path / 'ledger.json'))
    for entry in entries:
        ledger.record_started(entry)
    return ledger


LEDGER_ENTRY = {'app_id': APP_ID, 'resource_id': RID, 'sid': SID, 'mode': MODE, 'cname': CNAME, 'uid': UID,
                'started_at': '2026-12-02T18:00:04Z'}
NEW_RID = 'NewResourceId0123456789abcdefgh'
NEW_SID = 'aaaae3cfdc474cd56fc1ceba380d7e1a'
NEW_START = '/v1/apps/%s/cloud_recording/resourceid/%s/mode/mix/start' % (APP_ID, NEW_RID)


def test_a_running_ledger_recording_is_ok_with_only_a_query(tmp_path):
    ledger = ledger_with(tmp_path, LEDGER_ENTRY)
    client, transport, dummy_clock = make_client([query_call(queried(5))])
    result = start_one(client, ledger, REQUEST, check_mode=False)
    assert result['outcome'] == 'already_running' and result['recording'] == LEDGER_ENTRY
    transport.assert_done()


@pytest.mark.parametrize('reply', [NOT_FOUND, queried(7)], ids=['404', 'status-7'])
def test_a_ledger_recording_that_has_ended_is_replaced_by_a_new_start(tmp_path, reply):
    ledger = ledger_with(tmp_path, LEDGER_ENTRY)
    client, transport, dummy_clock = make_client([
        query_call(reply), acquire_call(answer(200, {'resourceId': NEW_RID})),
        Call('POST', NEW_START, answer(200, {'resourceId': NEW_RID, 'sid': NEW_SID}))])
    result = start_one(client, ledger, REQUEST, check_mode=False)
    assert (result['outcome'], result['recording']['sid']) == ('started', NEW_SID)
    transport.assert_done()
    assert [entry['sid'] for entry in ledger.content()['recordings']] == [NEW_SID]


def test_a_ledger_404_counts_only_after_the_failover_window(tmp_path):
    ledger = ledger_with(tmp_path, LEDGER_ENTRY)
    client, transport, clock = make_client([query_call(NOT_FOUND), query_call(queried(5), at=5.0)], recheck=90.0)
    assert start_one(client, ledger, REQUEST, check_mode=False)['outcome'] == 'already_running'
    transport.assert_done()
    assert clock.sleeps == [5.0]


def test_a_ledger_recording_that_cannot_be_queried_is_never_started_again(tmp_path):
    ledger = ledger_with(tmp_path, LEDGER_ENTRY)
    client, transport, dummy_clock = make_client([query_call(UNAVAILABLE)], retries=0)
    with pytest.raises(AgoraError, match='The ledger holds a recording of channel main-stage .*Nothing was started'):
        start_one(client, ledger, REQUEST, check_mode=False)
    transport.assert_done()


def test_check_mode_sends_no_acquire_or_start(tmp_path):
    client, transport, dummy_clock = make_client([])
    result = start_one(client, ledger_with(tmp_path), REQUEST, check_mode=True)
    assert (result['outcome'], result['recording'], result['check_mode']) == ('started', None, True)
    transport.assert_done()


def test_check_mode_queries_the_ledger_recording(tmp_path):
    client, transport, dummy_clock = make_client([query_call(queried(5))])
    result = start_one(client, ledger_with(tmp_path, LEDGER_ENTRY), REQUEST, check_mode=True)
    assert result['outcome'] == 'already_running'
    transport.assert_done()


def test_a_started_recording_is_written_to_the_ledger_without_secrets(tmp_path):
    ledger = ledger_with(tmp_path)
    client, transport, dummy_clock = make_client([acquire_call(ACQUIRED), start_call(STARTED)])
    start_one(client, ledger, REQUEST, check_mode=False)
    text = (tmp_path / 'ledger.json').read_text()
    entry = json.loads(text)['recordings'][0]
    assert {key: entry[key] for key in ('app_id', 'resource_id', 'sid', 'mode', 'cname', 'uid')} == {
        'app_id': APP_ID, 'resource_id': RID, 'sid': SID, 'mode': MODE, 'cname': CNAME, 'uid': UID}
    assert entry['stopped_at'] is None and entry['started_at']
    assert 'storage-secret-key-1' not in text and 'storage-access-key-1' not in text and 'bucket' not in text
    transport.assert_done()


def test_an_undecided_start_is_kept_as_unsettled_with_its_resource_id(tmp_path):
    ledger = ledger_with(tmp_path)
    client, transport, dummy_clock = make_client([acquire_call(ACQUIRED), start_call(closed()), start_call(ALREADY)])
    with pytest.raises(AgoraError):
        start_one(client, ledger, REQUEST, check_mode=False)
    unsettled = ledger.content()['unsettled']
    assert [(entry['resource_id'], entry['cname'], entry['uid']) for entry in unsettled] == [(RID, CNAME, UID)]
    transport.assert_done()


def test_a_ledger_that_cannot_be_written_after_the_start_still_reports_the_recording(tmp_path, monkeypatch):
    from ansible_collections.agora.cloud_recording.plugins.module_utils import _start

    ledger = ledger_with(tmp_path)

    def cannot_write(recording):
        raise AgoraError('ledger %s could not be written (No space left on device)' % ledger.path)

    monkeypatch.setattr(ledger, 'record_started', cannot_write)
    client, dummy_transport, dummy_clock = make_client([acquire_call(ACQUIRED), start_call(STARTED)])
    with pytest.raises(_start.LedgerNotWritten) as caught:
        start_one(client, ledger, REQUEST, check_mode=False)
    assert caught.value.result['recording']['sid'] == SID
    assert 'sid %s, resource ID %s' % (SID, RID) in str(caught.value) and 'by hand' in str(caught.value)
    failed = _start.failed_start_result(REQUEST, caught.value)
    assert failed['failed'] and failed['recording']['sid'] == SID


# -- what a task gives, checked before any request --------------------------------------------------------------

PARAMS = {'app_id': APP_ID, 'cname': CNAME, 'uid': 527841, 'mode': MODE, 'client_request': CLIENT_REQUEST, 'scene': None,
          'resource_expired_hour': None, 'start_parameter': None, 'recordings': None}


@pytest.mark.parametrize('change, words', [
    ({'client_request': dict(CLIENT_REQUEST, recordingConfg={})}, 'client_request has keys Agora\'s start reference does not know: recordingConfg'),
    ({'client_request': {'recordingFileConfig': {}}}, 'client_request needs storageConfig'),
    ({'client_request': dict(CLIENT_REQUEST, storageConfig=dict(STORAGE, vendor='1'))},
     'client_request.storageConfig.vendor must be a whole number; got \'1\' (str)'),
    ({'client_request': dict(CLIENT_REQUEST, storageConfig=dict(STORAGE, region=True))},
     'client_request.storageConfig.region must be a whole number'),
    ({'client_request': dict(CLIENT_REQUEST, storageConfig={'vendor': 1})}, 'needs region, bucket, accessKey, secretKey'),
    ({'client_request': dict(CLIENT_REQUEST, storageConfig=dict(STORAGE, fileNamePrefix=['a/b']))}, 'letters and digits only'),
    ({'client_request': dict(CLIENT_REQUEST, storageConfig=dict(STORAGE, fileNamePrefix=['a' * 130]))}, 'longer than Agora'),
    ({'client_request': dict(CLIENT_REQUEST, storageConfig=dict(STORAGE, endpoint='x'))}, 'storageConfig has keys'),
    ({'client_request': dict(CLIENT_REQUEST, recordingConfig=[1])}, 'client_request.recordingConfig must be a mapping'),
    ({'client_request': dict(CLIENT_REQUEST, snapshotConfig={})}, 'individual mode only'),
    ({'mode': 'web'}, 'needs extensionServiceConfig in web mode'),
    ({'client_request': None}, 'client_request is needed'),
    ({'client_request': 'storageConfig'}, 'client_request must be a mapping'),
    ({'app_id': 'not-an-app-id'}, 'app_id must be Agora\'s App ID'),
    ({'mode': None}, 'mode is needed'),
    ({'cname': ' '}, 'cname must not be empty'),
    ({'cname': 'a/b'}, 'cname must be an Agora channel name'),
    ({'uid': 0}, 'uid must be a whole number from 1'),
    ({'uid': ''}, 'uid must not be empty'),
    ({'resource_expired_hour': 721}, 'resource_expired_hour must be between 1 and 720'),
    ({'start_parameter': {'storageConfig': {}}}, 'start_parameter.storageConfig needs vendor'),
])
def test_hostile_input_is_refused_naming_the_option(change, words):
    with pytest.raises(AgoraError) as caught:
        start_requests_from_params(dict(PARAMS, **change))
    assert words in str(caught.value)


def test_acquire_request_carries_scene_hours_and_start_parameter():
    params = dict(PARAMS, mode='web', resource_expired_hour=24, start_parameter=dict(CLIENT_REQUEST, extensionServiceConfig={}),
                  client_request=dict(CLIENT_REQUEST, extensionServiceConfig={}))
    request = start_request_from_values(params, params)
    assert request.acquire_request['scene'] == 1 and request.acquire_request['resourceExpiredHour'] == 24
    assert request.acquire_request['startParameter']['storageConfig'] == STORAGE


def test_a_batch_names_the_entry_and_starts_a_repeated_channel_once():
    params = dict(PARAMS, cname=None, uid=None, recordings=[{'cname': 'a', 'uid': 1}, {'cname': 'b', 'uid': 2, 'mode': 'individual'},
                                                            {'cname': 'a', 'uid': '1'}])
    requests, warnings = start_requests_from_params(params)
    assert [(request.cname, request.mode) for request in requests] == [('a', 'mix'), ('b', 'individual')]
    assert warnings == ['recordings[2] repeats recordings[0] (channel a, uid 1): it is started once.']
    params['recordings'].append({'cname': 'c', 'uid': 'x'})
    with pytest.raises(AgoraError, match=r'^recordings\[3\]\.uid must be'):
        start_requests_from_params(params)


def test_every_secret_of_every_client_request_is_found():
    nested = {'extensionServiceConfig': {'extensionServices': [{'serviceParam': {'apiData': {'secretKey': 'deep-secret'}}}]},
              'token': 'rtc-token', 'recordingConfig': {'secret': 'aes-key', 'salt': 'salt-value'}, 'storageConfig': STORAGE}
    assert sorted(secret_values(nested)) == sorted(['deep-secret', 'rtc-token', 'aes-key', 'salt-value',
                                                    'storage-access-key-1', 'storage-secret-key-1'])
    params = dict(PARAMS, recordings=[{'client_request': {'storageConfig': dict(STORAGE, secretKey='entry-secret')}}])
    assert 'entry-secret' in task_secrets(params) and 'storage-secret-key-1' in task_secrets(params)


def test_check_client_request_accepts_agoras_documented_shapes():
    web = {'extensionServiceConfig': {'extensionServices': []}, 'recordingFileConfig': {'avFileType': ['hls', 'mp4']},
           'storageConfig': dict(STORAGE, fileNamePrefix=['event2026', 'web'], stsToken='t', stsExpiration=1, extensionParams={})}
    check_client_request(web, 'web')
    check_client_request(dict(CLIENT_REQUEST, snapshotConfig={'captureInterval': 5, 'fileType': ['jpg']},
                              appsCollection={}, transcodeOptions={}, token='x'), 'individual')


def test_acquire_answer_without_a_body_is_not_agoras():
    assert classify_acquire_answer(answer(200, '<html/>'), CNAME, UID).kind == Kind.FAIL


def test_an_echoed_storage_secret_is_masked_in_the_failure(tmp_path):
    from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import NO_SECRETS
    from ansible_collections.agora.cloud_recording.plugins.module_utils._start import with_secrets

    echo = answer(400, {'code': 2, 'reason': 'bad storageConfig secretKey storage-secret-key-1'})
    client, dummy_transport, dummy_clock = make_client([acquire_call(ACQUIRED), start_call(echo)],
                                                       redactor=with_secrets(NO_SECRETS, task_secrets(PARAMS)))
    with pytest.raises(AgoraError) as caught:
        start_one(client, None, REQUEST, check_mode=False)
    assert 'storage-secret-key-1' not in str(caught.value) and 'secretKey ********' in str(caught.value)


def test_a_ledger_entry_with_ids_agora_cannot_have_issued_is_not_queried(tmp_path):
    ledger = ledger_with(tmp_path, dict(LEDGER_ENTRY, sid='../stop'))
    client, transport, dummy_clock = make_client([acquire_call(ACQUIRED), start_call(STARTED)])
    assert start_one(client, ledger, REQUEST, check_mode=False)['recording']['sid'] == SID
    transport.assert_done()
    assert [entry['sid'] for entry in ledger.content()['recordings']] == [SID]


def test_failure_messages_say_whether_anything_was_started():
    from ansible_collections.agora.cloud_recording.plugins.module_utils._start import start_failure_message

    results = [{'cname': 'a', 'uid': '1', 'failed': True, 'msg': 'why'}, {'cname': 'b', 'uid': '2', 'failed': False}]
    assert start_failure_message(results, True) == ('1 of 2 recordings could not be checked (check mode: nothing was '
                                                    'started). Each failure:\n- channel a (uid 1): why')
    assert start_failure_message(results, False).startswith('1 of 2 recordings could not be started; the others run')

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure functions that read Agora Cloud Recording answers and decide what they mean.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Nothing here does I/O: the client hands in an ``Answer`` and gets back a ``Verdict``.
The facts behind every rule are recorded, with their sources, in docs/agora-api-facts.md.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

UPLOAD_STATUSES = ('uploaded', 'backuped', 'pending', 'no_data', 'unknown')

# A Retry-After larger than this is not waited for in full: an operator's teardown must not hang.
MAX_RETRY_AFTER = 120.0
# How much of a body that is not Agora JSON is quoted in a message.
SNIPPET_LENGTH = 120
# Agora's answers nest five levels at most; JSON nested deeper than this is no answer of Agora's.
MAX_JSON_DEPTH = 32

# What each query `status` says of a recording (Agora's query reference: 0 not started, 1 initialised, 2 starting,
# 3 partially ready, 4 ready, 5 in progress, 6 stop requested, 7 stopped, 8 exits, 20 abnormal exit).
QUERY_STATES = {0: 'starting', 1: 'starting', 2: 'starting', 3: 'starting', 4: 'starting', 5: 'recording', 6: 'stopping',
                7: 'stopped', 8: 'stopped', 20: 'failed'}
RECORDING_STATES = ('starting', 'recording', 'stopping', 'stopped', 'failed', 'unknown')
# The statuses of a recording that is stopping or gone: a stop would find nothing to do.
QUERY_STATUSES_ENDED = frozenset(status for status, state in QUERY_STATES.items() if state in ('stopping', 'stopped', 'failed'))

# What to check, by Agora's error code (status-code reference).
ADVICE_BY_CODE = {
    2: 'Agora found a parameter invalid: check app_id, resource_id, sid, mode, cname and uid.',
    432: 'the parameters do not match the recording: cname, uid and mode must be those used in acquire and start.',
    433: 'the resource ID has expired: check resource_id; the recording has most likely ended already.',
    1001: 'the resource ID could not be parsed: check that resource_id was copied whole.',
    1003: 'the App ID or sid does not match the resource ID: check that app_id, resource_id and sid belong to one recording.',
    1013: 'the channel name is not valid: check cname.',
}
ADVICE_CREDENTIALS = ('the credentials were rejected: check customer_id and customer_secret (or AGORA_CUSTOMER_ID and '
                      'AGORA_CUSTOMER_SECRET); they are the RESTful API key pair from Agora Console, not the App ID or certificate.')
ADVICE_GATEWAY_404 = ('this 404 is not Agora\'s "failed to find worker" answer, so it says nothing about the recording: '
                      'the URL is wrong. Check api_base_url and any proxy in between; the recording may still be running.')
ADVICE_OTHER_CLIENT_ERROR = 'check the task\'s parameters against the recording\'s acquire and start requests.'
ADVICE_UNKNOWN_ANSWER = 'Agora gave an answer this collection does not know; check api_base_url points at Agora\'s REST API.'
ADVICE_ANOTHER_RECORDING = ('the answer is about another recording (a proxy or cache in between may have mixed answers up), '
                            'so it says nothing of this one, which may still be running. Check api_base_url and any '
                            'proxy in between, then run the task again.')
ADVICE_NOT_AGORAS = ('something other than Agora\'s API answered, so the recording\'s state is unknown and it may still be '
                     'running. Check api_base_url and any proxy or captive portal in between, then run the task again.')


@dataclass(frozen=True)
class Answer:
    """One HTTP answer as received: the status, the decoded JSON body (None when it is not JSON) and key headers."""

    status: int
    body: Any
    text: str
    request_id: str | None = None
    retry_after: float | None = None


class Kind(Enum):
    """Every meaning an answer can have; the client decides by these and nothing else."""

    STOPPED = 'stopped'        # stop took effect
    RUNNING = 'running'        # query: the recording is alive
    NOT_FOUND = 'not_found'    # Agora's own 404: no such worker
    EXITING = 'exiting'        # 400 code 49 (a stop is already under way), or a query status of a recording ending
    RETRY = 'retry'            # transient trouble
    FAIL = 'fail'              # nothing retrying would fix
    ACQUIRED = 'acquired'      # acquire: Agora issued a resource ID
    STARTED = 'started'        # start: Agora started the recording and named its sid
    ALREADY_STARTED = 'already_started'  # start: 201 code 7, this resource ID has started a recording already
    CONFLICT = 'conflict'      # start: 400 code 53, a recording of this cname and uid runs already


@dataclass(frozen=True)
class Verdict:
    """What an answer means for the task."""

    kind: Kind
    upload_status: str = 'unknown'
    files: list[dict[str, Any]] = field(default_factory=list)
    server_response: dict[str, Any] | None = None
    reason: str = ''
    advice: str = ''
    # True when the request may have taken effect although its answer says otherwise (206 code 65, a 5xx).
    may_have_acted: bool = False


def _json_depth(value: Any) -> int:
    """How deeply containers nest in decoded JSON, counted without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in item)
    return deepest


def decode_body(raw: bytes) -> tuple[Any, str]:
    """Return the body as decoded JSON (None when it is not JSON, or nests deeper than Agora's answers) and as text."""
    text = raw.decode('utf-8', errors='replace')
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        # RecursionError: nesting deeper than Python's parser goes.
        return None, text
    return (decoded if _json_depth(decoded) <= MAX_JSON_DEPTH else None), text


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), capped; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def agora_code(body: Any) -> int | None:
    """Agora's numeric ``code`` from a body, or None (gateway answers carry ``message`` instead)."""
    if not isinstance(body, dict):
        return None
    code = body.get('code')
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().isdigit():
        return int(code)
    return None


def agora_reason(body: Any) -> str:
    """The words an answer gives for itself; '' when it has none.

    Agora's recording service says ``reason`` (or, in its real 404, ``serverResponse.payload.message``), its gateway
    ``message``.
    """
    if not isinstance(body, dict):
        return ''
    for key in ('reason', 'message', 'error'):
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    payload = (_server_response(body) or {}).get('payload')
    if isinstance(payload, dict) and isinstance(payload.get('message'), str):
        return payload['message']
    return ''


def printable(text: str) -> str:
    """Server text as a message may quote it: control and formatting characters escaped (``\\x1b``, ``\\u202e``).

    A hostile answer could otherwise clear the operator's terminal, or paint a success over a failed task.
    """
    if text.isprintable():
        return text
    return ''.join(character if character.isprintable() else character.encode('unicode_escape').decode('ascii')
                   for character in text)


def printable_value(value: Any) -> Any:
    """Decoded JSON with every string (keys too) made ``printable``: what a server says reaches results and facts, and
    so the operator's terminal. Answers nest a few levels at most (``decode_body`` refuses deeper)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_value(key): printable_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable_value(item) for item in value]
    return value


def quoted(text: str) -> str:
    """Server text shortened to SNIPPET_LENGTH characters, on one line, with control characters escaped."""
    text = ' '.join(str(text).split())
    if len(text) > SNIPPET_LENGTH:
        text = text[:SNIPPET_LENGTH] + '...'
    return printable(text)


def body_snippet(text: str) -> str:
    """A short, one-line quote of a body that is not Agora JSON (an HTML error page, most often)."""
    text = quoted(text)
    return 'body: ' + text if text else 'empty body'


def describe_answer(answer: Answer) -> str:
    """A one-line account of an answer for messages: HTTP status, Agora code and reason, request id."""
    parts = ['HTTP %d' % answer.status]
    code = agora_code(answer.body)
    if code is not None:
        parts.append('Agora code %d' % code)
    reason = agora_reason(answer.body)
    if reason:
        parts.append('"%s"' % quoted(reason))
    elif code is None:
        parts.append(body_snippet(answer.text))
    if answer.request_id:
        parts.append('request id %s' % quoted(answer.request_id))
    return ', '.join(parts)


def normalize_upload_status(value: Any) -> str:
    """Map Agora's ``uploadingStatus`` onto this collection's values (``unknow`` is the older spelling of ``unknown``)."""
    if value in ('uploaded', 'backuped'):
        return value
    return 'unknown'


def _file_entry(filename: Any, track_type: Any = None, uid: Any = None, mixed_all_user: Any = None,
                is_playable: Any = None, slice_start_time: Any = None) -> dict[str, Any]:
    return {
        'filename': filename,
        'track_type': track_type,
        'uid': uid,
        'mixed_all_user': mixed_all_user,
        'is_playable': is_playable,
        'slice_start_time': slice_start_time,
    }


def _files_from_file_list(file_list: Any) -> list[dict[str, Any]]:
    """Individual and mix answers: ``fileListMode`` json (a list) or string (one m3u8 name)."""
    if isinstance(file_list, str):
        return [_file_entry(file_list)] if file_list else []
    if not isinstance(file_list, list):
        return []
    return [
        _file_entry(item.get('fileName', item.get('filename')), item.get('trackType'), item.get('uid'),
                    item.get('mixedAllUser'), item.get('isPlayable'), item.get('sliceStartTime'))
        for item in file_list if isinstance(item, dict)
    ]


def _extension_payload(server_response: dict[str, Any], service_name: str) -> dict[str, Any] | None:
    """Web answers: the payload of one extension service. The live API spells the key ``playload``, older docs ``payload``."""
    services = server_response.get('extensionServiceState')
    if not isinstance(services, list):
        return None
    for service in services:
        if isinstance(service, dict) and service.get('serviceName') == service_name:
            payload = service.get('playload', service.get('payload'))
            return payload if isinstance(payload, dict) else None
    return None


def web_recorder(server_response: Any) -> dict[str, Any] | None:
    """Web recordings: the web recorder's payload (``fileList``, ``onhold``, ``state``), or None for other modes."""
    if not isinstance(server_response, dict):
        return None
    return _extension_payload(server_response, 'web_recorder_service')


def extract_files(server_response: Any) -> list[dict[str, Any]]:
    """The recorded files named in a ``serverResponse``, normalized; [] when it names none."""
    if not isinstance(server_response, dict):
        return []
    web_payload = _extension_payload(server_response, 'web_recorder_service')
    if web_payload is not None:
        entries = web_payload.get('fileList')
        if not isinstance(entries, list):
            return []
        return [_file_entry(item.get('filename', item.get('fileName')), slice_start_time=item.get('sliceStartTime'))
                for item in entries if isinstance(item, dict)]
    return _files_from_file_list(server_response.get('fileList'))


def extract_raw_upload_status(server_response: Any) -> Any:
    """``uploadingStatus`` as Agora gave it (top level, or in the web ``upload_service`` payload), or None."""
    if not isinstance(server_response, dict):
        return None
    if 'uploadingStatus' in server_response:
        return server_response['uploadingStatus']
    upload_service = _extension_payload(server_response, 'upload_service')
    if upload_service is not None:
        return upload_service.get('uploadingStatus')
    return None


def query_status(server_response: dict[str, Any]) -> int | None:
    """Agora's query ``status``: an integer (``5.0``, ``true`` or ``"5"`` is no status of Agora's), or None."""
    status = server_response.get('status')
    return status if isinstance(status, int) and not isinstance(status, bool) else None


def _server_response(body: Any) -> dict[str, Any] | None:
    """The ``serverResponse`` object of an answer's body, or None when there is none."""
    server_response = body.get('serverResponse') if isinstance(body, dict) else None
    return server_response if isinstance(server_response, dict) else None


@dataclass(frozen=True)
class Expected:
    """Which recording a request was about: Agora's answers name it, other servers' do not."""

    sid: str
    resource_id: str


def _named(body: dict[str, Any]) -> dict[str, Any]:
    """The recording an answer names, by Agora's keys (absent keys: None)."""
    return {'sid': body.get('sid'), 'resourceId': body.get('resourceId')}


def _another_recording(body: dict[str, Any], expected: Expected) -> str | None:
    """Why an answer is about another recording than the request's, or None."""
    named = _named(body)
    for key, wanted in (('sid', expected.sid), ('resourceId', expected.resource_id)):
        if named[key] is not None and named[key] != wanted:
            return 'it names another recording (%s %s)' % (key, quoted(named[key]))
    return None


def _not_agoras(answer: Answer) -> str | None:
    """Why a 2xx answer is not Agora's answer about this recording, or None when it is.

    Agora's 200 carries the recording's ``sid`` and ``resourceId``; its 206 carries Agora's ``code``, or (a synchronous
    stop past the upload window, in Shengwang's stop reference) no code but the recording's envelope. A proxy's or a
    captive portal's 200 (``{}``, ``{"message": "ok"}``, HTML) carries neither, and must never read as "stopped".
    """
    body = answer.body
    if not isinstance(body, dict):
        return 'it is not a JSON object'
    if answer.status == 206 and agora_code(body) is not None:
        return None
    if not any(_named(body).values()):
        return 'it names no sid or resourceId' + (' and carries no Agora code' if answer.status == 206 else '')
    return None


def _is_agoras_not_found(body: Any) -> bool:
    """Whether a 404 is Agora's own "failed to find worker", not a gateway's or a proxy's (one about another recording
    was refused before).

    Agora's carries ``code`` 404 and either this recording's ``sid``/``resourceId`` (its real body) or the words
    "failed to find worker" (the older one). A gateway's ``{"code": 404, "message": "Not Found"}`` has neither.
    """
    if agora_code(body) != 404:
        return False
    return any(_named(body).values()) or 'failed to find worker' in agora_reason(body).lower()


def _stopped(answer: Answer, async_stop: bool) -> Verdict:
    server_response = _server_response(answer.body)
    raw_status = extract_raw_upload_status(server_response)
    if raw_status is None:
        # An asynchronous stop answers before the upload: nothing is known yet but that it will go on.
        upload_status = 'pending' if async_stop else 'unknown'
    else:
        upload_status = normalize_upload_status(raw_status)
    return Verdict(Kind.STOPPED, upload_status, extract_files(server_response), server_response)


def _retry(answer: Answer, may_have_acted: bool = False) -> Verdict:
    return Verdict(Kind.RETRY, reason=describe_answer(answer), may_have_acted=may_have_acted)


def _fail(answer: Answer, advice: str) -> Verdict:
    return Verdict(Kind.FAIL, reason=describe_answer(answer), advice=advice)


def classify_error(answer: Answer) -> Verdict:
    """Answers that mean the same for every call: authentication, not found, rate limit, service trouble, bad input."""
    status = answer.status
    code = agora_code(answer.body)
    if status == 401:
        return _fail(answer, ADVICE_CREDENTIALS)
    if status == 404:
        if _is_agoras_not_found(answer.body):
            return Verdict(Kind.NOT_FOUND, reason=describe_answer(answer))
        return _fail(answer, ADVICE_GATEWAY_404)
    if status == 400 and code == 49:
        return Verdict(Kind.EXITING, reason=describe_answer(answer))
    if status >= 500:
        # Whatever the body (Agora's code 62, a gateway's HTML), the request may have reached Agora and acted.
        return _retry(answer, may_have_acted=True)
    if status in (408, 429):
        return _retry(answer)
    if 400 <= status < 500:
        return _fail(answer, ADVICE_BY_CODE.get(code, ADVICE_OTHER_CLIENT_ERROR))
    return _fail(answer, ADVICE_UNKNOWN_ANSWER)


def _not_agoras_verdict(answer: Answer, why: str, advice: str = ADVICE_NOT_AGORAS) -> Verdict:
    return Verdict(Kind.FAIL, reason='%s, which is not Agora\'s answer about this recording (%s)' % (describe_answer(answer), why),
                   advice=advice)


def _about_another_recording(answer: Answer, expected: Expected) -> Verdict | None:
    """A failure for an answer, whatever its status, that names another recording than the request's; else None.

    Such an answer says nothing of this recording: never "stopped", "already exiting" or "not found".
    """
    another = _another_recording(answer.body, expected) if isinstance(answer.body, dict) else None
    return None if another is None else _not_agoras_verdict(answer, another, ADVICE_ANOTHER_RECORDING)


def _not_this_recordings(answer: Answer, expected: Expected) -> Verdict | None:
    """A failure for an answer that is not Agora's answer about this recording; None when it may be."""
    another = _about_another_recording(answer, expected)
    if another is not None or answer.status not in (200, 206):
        return another
    why = _not_agoras(answer)
    return None if why is None else _not_agoras_verdict(answer, why)


def classify_stop_answer(answer: Answer, async_stop: bool, expected: Expected) -> Verdict:
    """What an answer to ``stop`` means (Agora's stop reference and status-code reference)."""
    refused = _not_this_recordings(answer, expected)
    if refused is not None:
        return refused
    if answer.status == 200:
        return _stopped(answer, async_stop)
    if answer.status == 206:
        code = agora_code(answer.body)
        if code == 435:
            # Nobody published in the channel: the recording stopped with no files.
            return Verdict(Kind.STOPPED, 'no_data', [], None)
        if code == 65:
            # The backend timed out; the stop may or may not have taken effect. Agora advises a retry.
            return _retry(answer, may_have_acted=True)
        # Code 50, a 206 naming no code (Shengwang's stop reference: the upload outlasted the 20 s window) and other
        # partial answers of this recording: stopped, the upload goes on after the answer.
        server_response = _server_response(answer.body)
        return Verdict(Kind.STOPPED, 'pending', extract_files(server_response), server_response)
    return classify_error(answer)


def classify_query_answer(answer: Answer, expected: Expected) -> Verdict:
    """What an answer to ``query`` means for check mode: running (a stop would act) or not."""
    refused = _not_this_recordings(answer, expected)
    if refused is not None:
        return refused
    if answer.status == 200:
        server_response = _server_response(answer.body)
        files = extract_files(server_response)
        if server_response is not None and query_status(server_response) in QUERY_STATUSES_ENDED:
            return Verdict(Kind.EXITING, files=files, server_response=server_response)
        return Verdict(Kind.RUNNING, files=files, server_response=server_response)
    if answer.status == 206:
        if agora_code(answer.body) == 65:
            # As for stop: Agora's backend timed out, and Agora advises a retry.
            return _retry(answer)
        return _fail(answer, ADVICE_UNKNOWN_ANSWER)
    return classify_error(answer)


# What to check when acquire or start fails, by Agora's code (acquire, start and status-code references).
ADVICE_VENDOR_OVERLOAD = ('Agora refuses more concurrent recordings on this App ID (code 406, vendor_over_load): check your '
                          'integration for task leaks - recordings that should have ended still run and bill. Stop them '
                          '(the ledger and the recording_teardown role know the ones this collection started), or ask '
                          'Agora to raise the limit (50 concurrent recordings by default).')
ADVICE_ACQUIRE_BY_CODE = {
    2: 'Agora found a parameter of acquire invalid: check cname, uid, scene, resource_expired_hour and start_parameter.',
    400: 'Agora does not know this App ID (invalid_appid): check app_id.',
    401: 'Agora refused the channel name (invalid_channel_name): check cname.',
    405: 'Agora says the account or project cannot record now (no_active_status): check the project\'s status and '
         'that Cloud Recording is enabled for it in Agora Console.',
    406: ADVICE_VENDOR_OVERLOAD,
}
ADVICE_START_BY_CODE = {
    2: 'Agora found a parameter of start invalid: check client_request against Agora\'s start reference '
       '(storageConfig vendor, region, bucket and keys; recordingConfig; recordingFileConfig) and cname and uid.',
    406: ADVICE_VENDOR_OVERLOAD,
    432: 'the start does not match its acquire: cname, uid and mode must be those of the acquire.',
    433: 'the resource ID expired before the start (Agora keeps one for five minutes): run the task again; it acquires '
         'a new one.',
    1001: 'Agora could not parse the resource ID acquire gave: run the task again.',
    1003: 'the App ID does not match the resource ID: check app_id.',
    1013: 'the channel name is not valid: check cname.',
}
ADVICE_NO_WORKER = ('Agora had no recorder free for this resource ID (code 502), so it started nothing: run the task again; '
                    'it acquires a new resource ID.')
ADVICE_GATEWAY_404_START = ('this 404 is the API gateway\'s, not Agora\'s recording service: the URL is wrong. Check '
                            'api_base_url and any proxy in between.')


def _names_other(body: dict[str, Any], expected: dict[str, str]) -> str | None:
    """Why an answer names another request's values (``expected``: Agora's key -> the request's value), or None."""
    for key, wanted in expected.items():
        value = body.get(key)
        if value is not None and str(value) != wanted:
            return 'it names another %s (%s)' % (key, quoted(str(value)))
    return None


def _start_failure(answer: Answer, by_code: dict[int, str]) -> Verdict:
    """An acquire or start answer that no retry fixes, or the common ones (credentials, rate limit, service trouble)."""
    code = agora_code(answer.body)
    if answer.status == 404:
        # acquire and start name no recording yet: every 404 is a wrong URL, never "not found".
        return _fail(answer, ADVICE_GATEWAY_404_START)
    if 400 <= answer.status < 500 and answer.status not in (401, 408, 429):
        return _fail(answer, by_code.get(code, ADVICE_OTHER_CLIENT_ERROR))
    return classify_error(answer)


def classify_acquire_answer(answer: Answer, cname: str, uid: str) -> Verdict:
    """What an answer to ``acquire`` means: a resource ID (in ``server_response``: the answer's body), or why not.

    An acquire has no effect that bills (its call does not act), so every transient failure is simply retried.
    """
    body = answer.body
    if answer.status == 200:
        if not isinstance(body, dict) or not isinstance(body.get('resourceId'), str) or not body['resourceId']:
            return _not_agoras_verdict(answer, 'it names no resourceId')
        other = _names_other(body, {'cname': cname, 'uid': uid})
        if other is not None:
            return _not_agoras_verdict(answer, other, ADVICE_ANOTHER_RECORDING)
        return Verdict(Kind.ACQUIRED, server_response=body)
    return _start_failure(answer, ADVICE_ACQUIRE_BY_CODE)


def classify_start_answer(answer: Answer, resource_id: str) -> Verdict:
    """What an answer to ``start`` means (start reference and status codes); the body is in ``server_response``.

    201 code 7: this resource ID started a recording already (an earlier attempt of this run whose answer was lost).
    400 code 53: a recording of this channel and uid runs already, started with this resource ID or another one.
    206 code 65 and every 5xx but Agora's code 502 may hide a start that took effect: retried with the same resource ID.
    """
    body = answer.body
    code = agora_code(body)
    if answer.status in (200, 201) and isinstance(body, dict):
        other = _names_other(body, {'resourceId': resource_id})
        if other is not None:
            return _not_agoras_verdict(answer, other, ADVICE_ANOTHER_RECORDING)
    if answer.status == 200:
        if not isinstance(body, dict) or not isinstance(body.get('sid'), str) or not body['sid']:
            return _not_agoras_verdict(answer, 'it names no sid' if isinstance(body, dict) else 'it is not a JSON object')
        return Verdict(Kind.STARTED, server_response=body)
    if answer.status == 201 and code == 7:
        return Verdict(Kind.ALREADY_STARTED, reason=describe_answer(answer), server_response=body)
    if answer.status == 400 and code == 53:
        return Verdict(Kind.CONFLICT, reason=describe_answer(answer), server_response=body)
    if answer.status == 206 and code == 65:
        return _retry(answer, may_have_acted=True)
    if answer.status >= 500 and code == 502:
        return _fail(answer, ADVICE_NO_WORKER)
    if 200 <= answer.status < 300:
        return _fail(answer, ADVICE_UNKNOWN_ANSWER)
    return _start_failure(answer, ADVICE_START_BY_CODE)

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

# Query `serverResponse.status` values for a session that is stopping or gone (Agora's query reference).
QUERY_STATUSES_ENDED = frozenset((6, 7, 8, 20))

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


@dataclass(frozen=True)
class Verdict:
    """What an answer means for the task."""

    kind: Kind
    upload_status: str = 'unknown'
    files: list[dict[str, Any]] = field(default_factory=list)
    server_response: dict[str, Any] | None = None
    reason: str = ''
    advice: str = ''
    # True when the request may have taken effect although its answer says otherwise (206 code 65, a read timeout).
    may_have_acted: bool = False


def decode_body(raw: bytes) -> tuple[Any, str]:
    """Return the body as decoded JSON (None when it is not JSON) and as text."""
    text = raw.decode('utf-8', errors='replace')
    try:
        return json.loads(text), text
    except (ValueError, RecursionError):
        # RecursionError: nesting deeper than Python's parser goes is no answer of Agora's either.
        return None, text


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
    """The words an answer gives for itself: Agora's ``reason`` or the gateway's ``message``; '' when it has none."""
    if isinstance(body, dict):
        for key in ('reason', 'message', 'error'):
            if isinstance(body.get(key), str) and body[key]:
                return body[key]
    return ''


def body_snippet(text: str) -> str:
    """A short, one-line quote of a body that is not Agora JSON (an HTML error page, most often)."""
    text = ' '.join(text.split())
    if not text:
        return 'empty body'
    if len(text) > SNIPPET_LENGTH:
        text = text[:SNIPPET_LENGTH] + '...'
    return 'body: ' + text


def describe_answer(answer: Answer) -> str:
    """A one-line account of an answer for messages: HTTP status, Agora code and reason, request id."""
    parts = ['HTTP %d' % answer.status]
    code = agora_code(answer.body)
    if code is not None:
        parts.append('Agora code %d' % code)
    if isinstance(answer.body, dict):
        reason = agora_reason(answer.body)
        if reason:
            parts.append('"%s"' % reason)
    else:
        parts.append(body_snippet(answer.text))
    if answer.request_id:
        parts.append('request id %s' % answer.request_id)
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


def extract_files(server_response: Any) -> list[dict[str, Any]]:
    """The recorded files named in a ``serverResponse``, normalized; [] when it names none."""
    if not isinstance(server_response, dict):
        return []
    web_recorder = _extension_payload(server_response, 'web_recorder_service')
    if web_recorder is not None:
        entries = web_recorder.get('fileList')
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


def _server_response(body: Any) -> dict[str, Any] | None:
    """The ``serverResponse`` object of an answer's body, or None when there is none."""
    server_response = body.get('serverResponse') if isinstance(body, dict) else None
    return server_response if isinstance(server_response, dict) else None


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
        if code == 404:
            return Verdict(Kind.NOT_FOUND, reason=describe_answer(answer))
        return _fail(answer, ADVICE_GATEWAY_404)
    if status == 400 and code == 49:
        return Verdict(Kind.EXITING, reason=describe_answer(answer))
    if status in (408, 429) or status >= 500:
        return _retry(answer)
    if 400 <= status < 500:
        return _fail(answer, ADVICE_BY_CODE.get(code, ADVICE_OTHER_CLIENT_ERROR))
    return _fail(answer, 'Agora gave an answer this collection does not know; check api_base_url points at Agora\'s REST API.')


def _not_an_object(answer: Answer) -> Verdict:
    return _fail(answer, 'the answer is not a JSON object as Agora\'s API sends: check that api_base_url points at Agora\'s '
                         'REST API and not at a proxy or captive portal; the recording\'s state is unknown.')


def classify_stop_answer(answer: Answer, async_stop: bool) -> Verdict:
    """What an answer to ``stop`` means (Agora's stop reference and status-code reference)."""
    if answer.status == 200:
        if not isinstance(answer.body, dict):
            return _not_an_object(answer)
        return _stopped(answer, async_stop)
    if answer.status == 206:
        code = agora_code(answer.body)
        if code == 435:
            # Nobody published in the channel: the recording stopped with no files.
            return Verdict(Kind.STOPPED, 'no_data', [], None)
        if code == 65:
            # The backend timed out; the stop may or may not have taken effect. Agora advises a retry.
            return _retry(answer, may_have_acted=True)
        # Code 50 and other partial answers: stopped, the upload goes on after the answer.
        server_response = _server_response(answer.body)
        return Verdict(Kind.STOPPED, 'pending', extract_files(server_response), server_response)
    return classify_error(answer)


def classify_query_answer(answer: Answer) -> Verdict:
    """What an answer to ``query`` means for check mode: running (a stop would act) or not."""
    if answer.status == 200:
        if not isinstance(answer.body, dict):
            return _not_an_object(answer)
        server_response = _server_response(answer.body)
        files = extract_files(server_response)
        if server_response is not None and server_response.get('status') in QUERY_STATUSES_ENDED:
            return Verdict(Kind.EXITING, files=files, server_response=server_response)
        return Verdict(Kind.RUNNING, files=files, server_response=server_response)
    return classify_error(answer)

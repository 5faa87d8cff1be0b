# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a task returns: one recording's result, a batch's summary, and the batch's failure message.

Private to the agora.cloud_recording collection: not an API, may change in any release.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from enum import Enum
from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import (
    QUERY_STATES,
    RECORDING_STATES,
    UPLOAD_STATUSES,
    Kind,
    query_status,
    web_recorder,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError, Decision, Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor


class Outcome(Enum):
    """What happened to a recording, as the task reports it in ``outcome``."""

    STOPPED = 'stopped'
    ALREADY_STOPPED = 'already_stopped'


OUTCOME_BY_KIND = {
    Kind.STOPPED: Outcome.STOPPED,
    # Check mode: the recording is alive, so a stop would stop it.
    Kind.RUNNING: Outcome.STOPPED,
    Kind.NOT_FOUND: Outcome.ALREADY_STOPPED,
    Kind.EXITING: Outcome.ALREADY_STOPPED,
}


def identity(recording: Recording) -> dict[str, Any]:
    return {'app_id': recording.app_id, 'resource_id': recording.resource_id, 'sid': recording.sid,
            'cname': recording.cname, 'uid': recording.uid, 'mode': recording.mode}


def is_confirmed(decision: Decision) -> bool:
    """Whether Agora's answers settle that the recording no longer runs.

    They do when Agora answered the stop, said a stop is under way (code 49), or answered 404 after a stop of this run
    may have acted or throughout the not_found_recheck window. A 404 taken at once may come from a failover.
    """
    kind = decision.verdict.kind
    return kind in (Kind.STOPPED, Kind.EXITING) or (kind == Kind.NOT_FOUND and decision.rechecked)


def recording_result(recording: Recording, decision: Decision, check_mode: bool = False,
                     queried: Decision | None = None) -> dict[str, Any]:
    """The ``recording`` result and fact: who the recording is, what happened, and where its files stand.

    In check mode the verdict comes from ``query``: ``running`` predicts ``stopped``, with the upload still ahead.
    ``queried``: a query made just before the stop; its files stand in for a stop answer that names none (an
    asynchronous stop, a 206).
    """
    verdict = decision.verdict
    files, files_from = verdict.files, 'stop'
    if not files and queried is not None and queried.verdict.files:
        files, files_from = queried.verdict.files, 'query'
    return dict(identity(recording), outcome=OUTCOME_BY_KIND[verdict.kind].value, upload_status=verdict.upload_status,
                files=files, files_from=files_from, http_status=decision.http_status, attempts=decision.attempts,
                confirmed=not check_mode and is_confirmed(decision), inferred=decision.inferred, api_host=decision.host,
                server_response=verdict.server_response)


def is_stopped(result: dict[str, Any]) -> bool:
    """Whether this run stopped the recording (in check mode: would): what ``changed`` means."""
    return result['outcome'] == Outcome.STOPPED.value


def failed_result(recording: Recording, error: AgoraError) -> dict[str, Any]:
    """A recording whose stop failed, in a batch: the same keys, no outcome, and why."""
    return dict(identity(recording), outcome=None, upload_status='unknown', files=[], files_from='stop',
                http_status=error.http_status,
                attempts=error.attempts, confirmed=False, inferred=False, api_host=error.host, server_response=None,
                failed=True,
                msg=str(error))


# The journal line written before a stop is sent; result lines have no stage.
STAGE_STOP_SENT = 'stop_sent'


class Journal:
    """Appends each finished recording's result to a file as one JSON line, so an interrupted run's knowledge survives.

    Lines are written whole and flushed at once; every form of the secret is masked first.
    """

    def __init__(self, path: str, redactor: Redactor) -> None:
        self._redactor = redactor
        self._lock = threading.Lock()
        try:
            self._handle = open(path, 'a', encoding='utf-8')
        except OSError as exc:
            raise AgoraError('journal %s cannot be opened for writing (%s): check the directory exists and is writable.'
                             % (path, exc.strerror))
        self.path = path
        self.error: str | None = None

    def stop_sent(self, recording: Recording) -> None:
        """Written before the stop goes out: a later run then knows it may have taken effect, whatever became of this one."""
        self.record(dict(identity(recording), stage=STAGE_STOP_SENT))

    def record(self, result: dict[str, Any]) -> None:
        entry = dict(self._redactor.value(result), journaled_at=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
        line = self._redactor.text(json.dumps(entry, sort_keys=True)) + '\n'
        with self._lock:
            if self.error is not None:
                return
            try:
                self._handle.write(line)
                self._handle.flush()
            except (OSError, ValueError) as exc:
                # The stops go on; the task warns that the journal is incomplete.
                self.error = ('journal %s could not be written (%s); it misses recordings finished since'
                              % (self.path, getattr(exc, 'strerror', None) or exc))

    def close(self) -> None:
        with self._lock:
            try:
                self._handle.close()
            except OSError as exc:
                self.error = self.error or 'journal %s could not be written (%s)' % (self.path, exc.strerror)


def info_result(recording: Recording, decision: Decision) -> dict[str, Any]:
    """What a query says of a recording, for the info module: whether Agora still knows it, its state and its files."""
    verdict = decision.verdict
    server_response = verdict.server_response or {}
    exists = verdict.kind != Kind.NOT_FOUND
    status = query_status(server_response) if exists else None
    state = QUERY_STATES.get(status, 'unknown') if exists else 'stopped'
    web = web_recorder(server_response) or {}
    return dict(_query_identity(recording), exists=exists, state=state, status_code=status,
                files=verdict.files, slice_start_time=server_response.get('sliceStartTime'), onhold=web.get('onhold'),
                web_recorder_state=web.get('state'), http_status=decision.http_status, attempts=decision.attempts,
                api_host=decision.host, server_response=verdict.server_response)


def _query_identity(recording: Recording) -> dict[str, Any]:
    """A query names no channel or uid: the ones given are echoed back, or null."""
    return dict(identity(recording), cname=recording.cname or None, uid=recording.uid or None)


def failed_info_result(recording: Recording, error: AgoraError) -> dict[str, Any]:
    """A recording that could not be queried, in a batch: the same keys, no state, and why."""
    return dict(_query_identity(recording), exists=None, state=None, status_code=None, files=[], slice_start_time=None,
                onhold=None, web_recorder_state=None, http_status=error.http_status, attempts=error.attempts,
                api_host=error.host, server_response=None, failed=True, msg=str(error))


def summarize_states(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by state, of recordings Agora no longer knows, and of failures; every state present."""
    done = [result for result in results if not result['failed']]
    states = Counter(result['state'] for result in done)
    return {
        'total': len(results),
        'state': {name: states[name] for name in RECORDING_STATES},
        'gone': sum(1 for result in done if not result['exists']),
        'failed': len(results) - len(done),
    }


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by outcome, by upload state and of failures, every known key present (zero when none)."""
    done = [result for result in results if not result['failed']]
    outcomes = Counter(result['outcome'] for result in done)
    statuses = Counter(result['upload_status'] for result in done)
    return {
        'total': len(results),
        'outcome': {item.value: outcomes[item.value] for item in Outcome},
        'upload_status': {name: statuses[name] for name in UPLOAD_STATUSES},
        'failed': len(results) - len(done),
    }


def failure_message(results: list[dict[str, Any]], check_mode: bool, queried_only: bool = False) -> str:
    failed = [result for result in results if result['failed']]
    if queried_only:
        head = '%d of %d recordings could not be queried (nothing was stopped); the others were. Each failure:'
    elif check_mode:
        head = '%d of %d recordings could not be checked (check mode: nothing was stopped). Each failure:'
    else:
        head = ('%d of %d recordings could not be stopped; the others were stopped or had stopped already, and a re-run '
                'is safe. Each failure:')
    lines = [head % (len(failed), len(results))]
    lines += ['- sid %s: %s' % (result['sid'], result['msg']) for result in failed]
    return '\n'.join(lines)

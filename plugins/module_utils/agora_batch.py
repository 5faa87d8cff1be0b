# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stopping many recordings in one task: concurrent workers sharing one client and its rate limiter."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils.agora_answers import UPLOAD_STATUSES
from ansible_collections.agora.cloud_recording.plugins.module_utils.agora_client import (
    AgoraClient,
    AgoraError,
    Recording,
    failed_result,
    recording_from_params,
    recording_result,
)

OUTCOMES = ('stopped', 'already_stopped')


@dataclass(frozen=True)
class BatchItem:
    recording: Recording
    async_stop: bool


def batch_items(entries: list[dict[str, Any]], app_id: str | None, async_stop: bool) -> tuple[list[BatchItem], list[str]]:
    """The recordings to stop, in input order, each once; and a warning per duplicate (same App ID and sid).

    Raises AgoraError naming the entry when one is incomplete, before anything is sent.
    """
    items: list[BatchItem] = []
    warnings: list[str] = []
    first_seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(entries):
        values = dict(entry, app_id=entry.get('app_id') or app_id)
        try:
            recording = recording_from_params(values)
        except AgoraError as exc:
            raise AgoraError('recordings[%d]: %s' % (index, exc))
        key = (recording.app_id, recording.sid)
        if key in first_seen:
            warnings.append('recordings[%d] repeats recordings[%d] (sid %s, App ID %s): it is stopped and reported once.'
                            % (index, first_seen[key], recording.sid, recording.app_id))
            continue
        first_seen[key] = index
        entry_async = entry.get('async_stop')
        items.append(BatchItem(recording, async_stop if entry_async is None else entry_async))
    return items, warnings


def _stop_item(client: AgoraClient, item: BatchItem, check_mode: bool) -> dict[str, Any]:
    try:
        outcome = client.query(item.recording) if check_mode else client.stop(item.recording, item.async_stop)
    except AgoraError as exc:
        return failed_result(item.recording, exc)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # One recording's surprise must not cost the report of all the others.
        return failed_result(item.recording, AgoraError('unexpected error %s: %s; the recording may still be running: '
                                                        'run the task again, and report this error' % (type(exc).__name__, exc)))
    return dict(recording_result(item.recording, outcome), failed=False)


def stop_all(client: AgoraClient, items: list[BatchItem], concurrency: int, check_mode: bool) -> list[dict[str, Any]]:
    """Stop (or, in check mode, query) every item; results come back in input order, failures included."""
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(items)))) as pool:
        return list(pool.map(lambda item: _stop_item(client, item, check_mode), items))


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by outcome, by upload state and of failures, every known key present (zero when none)."""
    done = [result for result in results if not result['failed']]
    outcomes = Counter(result['outcome'] for result in done)
    statuses = Counter(result['upload_status'] for result in done)
    return {
        'total': len(results),
        'outcome': {name: outcomes[name] for name in OUTCOMES},
        'upload_status': {name: statuses[name] for name in UPLOAD_STATUSES},
        'failed': len(results) - len(done),
    }


def failure_message(results: list[dict[str, Any]], check_mode: bool) -> str:
    failed = [result for result in results if result['failed']]
    if check_mode:
        head = '%d of %d recordings could not be checked (check mode: nothing was stopped). Each failure:'
    else:
        head = ('%d of %d recordings could not be stopped; the others were stopped or had stopped already, and a re-run '
                'is safe. Each failure:')
    lines = [head % (len(failed), len(results))]
    lines += ['- sid %s: %s' % (result['sid'], result['msg']) for result in failed]
    return '\n'.join(lines)

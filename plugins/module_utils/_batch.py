# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stopping many recordings in one task: concurrent workers sharing one client and its rate limiter.

Private to the agora.cloud_recording collection: not an API, may change in any release.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraClient, AgoraError, Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import recording_from_params
from ansible_collections.agora.cloud_recording.plugins.module_utils._results import failed_result, recording_result


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
        return dict(recording_result(item.recording, outcome), failed=False)
    except AgoraError as exc:
        return failed_result(item.recording, exc)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # One recording's surprise must not cost the report of all the others.
        return failed_result(item.recording, AgoraError('unexpected error %s: %s; the recording may still be running: '
                                                        'run the task again, and report this error' % (type(exc).__name__, exc)))


def stop_all(client: AgoraClient, items: list[BatchItem], concurrency: int, check_mode: bool) -> list[dict[str, Any]]:
    """Stop (or, in check mode, query) every item; results come back in input order, failures included."""
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(items)))) as pool:
        return list(pool.map(lambda item: _stop_item(client, item, check_mode), items))

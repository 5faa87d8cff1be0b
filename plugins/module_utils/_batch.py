# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stopping many recordings in one task: worker threads sharing one client and its rate limiter.

Private to the agora.cloud_recording collection: not an API, may change in any release.
"""

from __future__ import annotations

import math
import os
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError, Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import recording_from_params

NOT_ATTEMPTED = ('not attempted: the run was interrupted (SIGINT, SIGTERM, or the controller went away) before this recording was tried; it may '
                 'still be running: run the task again')

# File descriptors kept free for everything but the connections: Python, the module's output, the journal.
RESERVED_DESCRIPTORS = 64
# Agora expects a synchronous stop to answer within 20 s (its upload window): an App ID used at its full rate then has
# rate x 20 s requests in flight.
UPLOAD_WINDOW = 20.0
MAX_WORKERS = 1000
# How many repeated entries the duplicate warning names before it counts the rest.
MAX_NAMED_REPEATS = 3


@dataclass(frozen=True)
class BatchItem:
    index: int
    recording: Recording
    async_stop: bool


def batch_items(entries: list[dict[str, Any]], app_id: str | None, async_stop: bool = False,
                query_only: bool = False) -> tuple[list[BatchItem], list[str]]:
    """The recordings to stop (or, ``query_only``, to query), in input order, each once; and one warning that counts
    the duplicates (same App ID and sid), naming the first few.

    Raises AgoraError naming the entry when one is incomplete, before anything is sent.
    """
    items: list[BatchItem] = []
    repeats: list[str] = []
    first_seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(entries):
        values = dict(entry, app_id=entry.get('app_id') or app_id)
        try:
            recording = recording_from_params(values, query_only)
        except AgoraError as exc:
            raise AgoraError('recordings[%d]: %s' % (index, exc))
        key = (recording.app_id, recording.sid)
        if key in first_seen:
            repeats.append('recordings[%d] repeats recordings[%d] (sid %s, App ID %s)'
                           % (index, first_seen[key], recording.sid, recording.app_id))
            continue
        first_seen[key] = index
        entry_async = entry.get('async_stop')
        items.append(BatchItem(len(items), recording, async_stop if entry_async is None else entry_async))
    if not repeats:
        return items, []
    more = ' and %d more' % (len(repeats) - MAX_NAMED_REPEATS) if len(repeats) > MAX_NAMED_REPEATS else ''
    return items, ['%d entr%s of recordings repeat%s an earlier one: %s%s. Each recording is %s and reported once.'
                   % (len(repeats), 'y' if len(repeats) == 1 else 'ies', 's' if len(repeats) == 1 else '',
                      '; '.join(repeats[:MAX_NAMED_REPEATS]), more, 'queried' if query_only else 'stopped')]


def descriptor_budget() -> int | None:
    """How many more connections this process can open, after raising its soft limit as far as it may; None: unknown.

    A batch that runs out of file descriptors loses its result, so the pool is never larger than this.
    """
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
        if wanted > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
                soft = wanted
            except (ValueError, OSError):
                pass
    try:
        in_use = len(os.listdir('/proc/self/fd'))
    except OSError:
        in_use = RESERVED_DESCRIPTORS
    return max(1, soft - in_use - RESERVED_DESCRIPTORS)


def workers_for(items: list[BatchItem], rate_limit: float, concurrency: int | None, budget: int | None,
                window: float = UPLOAD_WINDOW) -> int:
    """How many requests a batch keeps in flight: ``concurrency`` when given; otherwise enough for every App ID to use
    its whole rate while each request takes up to ``window`` seconds (a stop: Agora's upload window). Never more than
    the process can open."""
    if concurrency:
        wanted = concurrency
    else:
        per_app = Counter(item.recording.app_id for item in items)
        in_flight = math.ceil(rate_limit * window) if rate_limit else MAX_WORKERS
        wanted = sum(min(count, in_flight) for count in per_app.values())
    return max(1, min(wanted, len(items), MAX_WORKERS, budget or MAX_WORKERS))


def _interleaved(items: list[BatchItem]) -> list[BatchItem]:
    """The items taken in turn from each App ID, so that one App ID's long list does not hold back another's."""
    by_app: OrderedDict[str, list[BatchItem]] = OrderedDict()
    for item in items:
        by_app.setdefault(item.recording.app_id, []).append(item)
    queues = [list(reversed(group)) for group in by_app.values()]
    order = []
    while queues:
        for queue in list(queues):
            order.append(queue.pop())
            if not queue:
                queues.remove(queue)
    return order


class Batch:
    """Runs every item through ``run_item`` on worker threads; results land in input order as each finishes.

    A failure (``AgoraError``, or any surprise) becomes that item's ``failure(recording, error)`` result, so one
    recording never costs the report of the others. Once ``cancelled()`` is true no new item starts; the items never
    started are reported as not attempted. What has been gathered is readable at any time through ``results()``.
    """

    def __init__(self, items: list[BatchItem], run_item: Callable[[BatchItem], dict[str, Any]],
                 failure: Callable[[Recording, AgoraError], dict[str, Any]], cancelled: Callable[[], bool],
                 on_result: Callable[[dict[str, Any]], None] = lambda result: None) -> None:
        self._items = items
        self._run_item = run_item
        self._failure = failure
        self._cancelled = cancelled
        self._on_result = on_result
        self._results: list[dict[str, Any] | None] = [None] * len(items)
        self._pending = list(reversed(_interleaved(items)))
        self._lock = threading.Lock()

    def run(self, workers: int) -> list[dict[str, Any]]:
        threads = []
        for dummy in range(max(1, min(workers, len(self._items)))):
            thread = threading.Thread(target=self._work, name='agora-batch', daemon=True)
            try:
                thread.start()
            except RuntimeError:
                break  # the process may start no more threads: the ones running share the work
            threads.append(thread)
        if not threads:
            self._work()
        for thread in threads:
            thread.join()
        return self.results()

    def results(self) -> list[dict[str, Any]]:
        """Every item's result so far, in input order; an item not (yet) finished is reported as not attempted."""
        with self._lock:
            return [result if result is not None else self._failure(item.recording, AgoraError(NOT_ATTEMPTED))
                    for item, result in zip(self._items, self._results)]

    def _next(self) -> BatchItem | None:
        with self._lock:
            if self._cancelled() or not self._pending:
                return None
            return self._pending.pop()

    def _work(self) -> None:
        while True:
            item = self._next()
            if item is None:
                return
            result = self._run_one(item)
            with self._lock:
                self._results[item.index] = result
            self._on_result(result)

    def _run_one(self, item: BatchItem) -> dict[str, Any]:
        try:
            return dict(self._run_item(item), failed=False)
        except AgoraError as exc:
            return self._failure(item.recording, exc)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # One recording's surprise must not cost the report of all the others.
            return self._failure(item.recording, AgoraError('unexpected error %s: %s; the recording may still be running: '
                                                            'run the task again, and report this error'
                                                            % (type(exc).__name__, exc)))

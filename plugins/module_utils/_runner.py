# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module of the collection does around its own work: the client, the batch, signals, and the boundary.

Private to the agora.cloud_recording collection: not an API, may change in any release.

A module says what to do with one recording; this runs it for one or many, and makes sure that no Python exception
reaches the user and that what a batch learned is reported whatever happens.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.agora.cloud_recording.plugins.module_utils._batch import (
    Batch,
    BatchItem,
    batch_items,
    descriptor_budget,
    workers_for,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraClient, AgoraError, Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    check_batch_options,
    client_from_params,
    load_secret_file,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._signals import Interruption
from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    requests_too_old,
)


class Run:
    """One run of a module: its client, and what its batch has learned so far."""

    def __init__(self, module: AnsibleModule, summarize: Callable[[list], dict], changed: Callable[[dict], bool]) -> None:
        self.module = module
        self.params = module.params
        self.interruption = Interruption()
        self.batch: Batch | None = None
        self._summarize = summarize
        self._changed = changed

    def client(self, connections: int = 1) -> AgoraClient:
        params = self.params
        return client_from_params(params, self.interruption, self.module.no_log_values, params['not_found_recheck'],
                                  params['rate_limit'], connections)

    def batch_items(self, query_only: bool = False) -> tuple[list[BatchItem], int]:
        """The batch's recordings, checked before any request, and how many requests to keep in flight."""
        params = self.params
        check_batch_options(params)
        items, warnings = batch_items(params['recordings'], params['app_id'], params.get('async_stop') or False, query_only)
        for warning in warnings:
            self.module.warn(warning)
        if not items:
            self.module.warn('recordings is empty: there was nothing to %s.' % ('query' if query_only else 'stop'))
        return items, workers_for(items, params['rate_limit'], params['concurrency'], descriptor_budget())

    def run_batch(self, items: list[BatchItem], workers: int, run_item: Callable[[BatchItem], dict[str, Any]],
                  failure: Callable[[Recording, AgoraError], dict[str, Any]],
                  on_result: Callable[[dict[str, Any]], None] = lambda result: None) -> list[dict[str, Any]]:
        self.batch = Batch(items, run_item, failure, self.interruption.is_set, on_result)
        return self.batch.run(workers)

    def batch_result(self, results: list[dict[str, Any]], failure_message: str, facts: dict[str, str]) -> dict[str, Any]:
        """The task's result for a batch: every recording and the summary, registered and as facts, or a failure
        after every recording was tried."""
        summary = self._summarize(results)
        outcome = dict(changed=any(self._changed(result) for result in results), recordings=results, summary=summary)
        if summary['failed']:
            return dict(outcome, failed=True, msg=failure_message)
        return dict(outcome, ansible_facts={facts['recordings']: results, facts['summary']: summary})

    def gathered(self) -> dict[str, Any]:
        """What a batch has found so far, for a failure that cuts it short; never fails itself."""
        if self.batch is None:
            return {}
        results = self.batch.results()
        gathered: dict[str, Any] = dict(changed=any(self._changed(result) for result in results), recordings=results)
        try:
            gathered['summary'] = self._summarize(results)
        except Exception:  # pylint: disable=broad-exception-caught
            pass  # the recordings themselves are what must not be lost
        return gathered


def run_guarded(module: AnsibleModule, execute: Callable[[Run], dict[str, Any]], summarize: Callable[[list], dict],
                changed: Callable[[dict], bool] = lambda result: False,
                library: tuple[str, bool, str | None] | None = ('requests', HAS_REQUESTS, REQUESTS_IMPORT_ERROR)) -> None:
    """A module's main: run ``execute`` with SIGINT and SIGTERM handled, and turn every failure into a message.

    This is the boundary: no Python exception reaches the user, and a batch's results gathered so far are returned
    with any failure. ``library``: the library the module cannot work without (name, whether it imported, the error); None when that
    depends on the options (the module checks then).
    """
    if library is not None and not library[1]:
        module.fail_json(msg=missing_required_lib(library[0]), exception=library[2])
    too_old = requests_too_old() if library is not None and library[0] == 'requests' else None
    if too_old:
        module.fail_json(msg=too_old)
    run = Run(module, summarize, changed)
    with run.interruption.handling():
        try:
            load_secret_file(module.params, module.no_log_values)
            result = execute(run)
        except AgoraError as exc:
            result = dict(run.gathered(), failed=True, msg=str(exc), http_status=exc.http_status, attempts=exc.attempts)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            result = dict(run.gathered(), failed=True,
                          msg='Unexpected error (%s: %s). Recordings may still be running: run the task again, and '
                              'report this error.' % (type(exc).__name__, exc))
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)

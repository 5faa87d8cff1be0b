# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The upload_info module's run: the recordings it names, the bucket, the checks (and the wait), and the task's result.

Private to the agora.cloud_recording collection: not an API, may change in any release.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    MODES,
    SID_PATTERN,
    _check_cname,
    require_range,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._runner import Run
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage_config import (
    STORAGE_RUNTIME,
    STORAGE_TIMEOUT_RANGE,
    WAIT_TIMEOUT_MAX,
    storage_config_from_params,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._upload_check import (
    CONFIRMED,
    Target,
    check_recordings,
    settle,
    summarize_uploads,
)

# Echoed back as they were given: they identify the recording to the user, not to the bucket.
ECHOED = ('app_id', 'resource_id', 'uid')


def target_from_entry(entry: dict[str, Any], where: str) -> Target:
    """One recording to look for, or AgoraError naming the entry and the key (before any request)."""
    sid, cname, mode = (entry.get(key) for key in ('sid', 'cname', 'mode'))
    if not isinstance(sid, str) or not SID_PATTERN.match(sid):
        raise AgoraError('%ssid must be the sid that start returned: letters, digits, "-" and "_", at most 128 characters.'
                         % where)
    if mode not in MODES:
        raise AgoraError('%smode must be one of %s.' % (where, ', '.join(MODES)))
    if not isinstance(cname, str) or not cname:
        raise AgoraError('%scname must be the channel name the recording was started in: Agora\'s file names carry it.'
                         % where)
    try:
        _check_cname(cname, mode)
    except AgoraError as exc:
        raise AgoraError(where + str(exc))
    files = entry.get('files') or []
    names = tuple(item['filename'] for item in files
                  if isinstance(item, dict) and isinstance(item.get('filename'), str) and item['filename'])
    identity = dict({key: entry.get(key) for key in ECHOED}, sid=sid, cname=cname, mode=mode)
    status = entry.get('upload_status')
    return Target(sid, cname, mode, identity, names, status if isinstance(status, str) else None)


def targets_from_params(params: dict[str, Any], warn: Any) -> list[Target]:
    if params['recordings'] is None:
        return [target_from_entry(params, '')]
    targets: list[Target] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(params['recordings']):
        target = target_from_entry(entry, 'recordings[%d]: ' % index)
        if target.sid in seen:
            warn('recordings[%d] repeats recordings[%d] (sid %s): it is checked and reported once.'
                 % (index, seen[target.sid], target.sid))
            continue
        seen[target.sid] = index
        targets.append(target)
    if not targets:
        raise AgoraError('recordings is empty: there is nothing to check.')
    return targets


def check_uploads(run: Run) -> dict[str, Any]:
    """The module's work: check the options, then the bucket (waiting if asked), and shape the task's result."""
    params = run.params
    targets = targets_from_params(params, run.module.warn)
    require_range(params['timeout'], 'timeout', STORAGE_TIMEOUT_RANGE, ' seconds')
    require_range(params['wait_timeout'], 'wait_timeout', (1, WAIT_TIMEOUT_MAX), ' seconds')
    config = storage_config_from_params(params['storage'], run.module.no_log_values)
    redactor = Redactor(config.secret_values())
    runtime = STORAGE_RUNTIME
    sleep = runtime.sleep or run.interruption.sleep
    storage = runtime.open(config, params['timeout'], redactor)
    requests = [0]

    def check(batch: list[Target]) -> list[dict[str, Any]]:
        if run.interruption.is_set():
            raise AgoraError('Interrupted while waiting for the uploads; nothing was changed, and a re-run is safe.')
        results, count = check_recordings(storage, config.base, batch, sleep)
        requests[0] += count
        return results

    try:
        results, checks, waited = settle(check, targets, runtime.clock, sleep, params['wait_timeout'] if params['wait'] else 0)
    finally:
        storage.close()
    results = redactor.value(results)
    outcome: dict[str, Any] = dict(changed=False, checks=checks, waited=round(waited, 3), requests=requests[0])
    failure = _failure(results, params['fail_on_unconfirmed'])
    if params['recordings'] is None:
        outcome['recording'] = results[0]
    else:
        outcome.update(recordings=results, summary=summarize_uploads(results))
    if failure:
        return dict(outcome, failed=True, msg=failure)
    if params['recordings'] is None:
        return dict(outcome, ansible_facts={'agora_cloud_recording_upload_info': results[0]})
    return dict(outcome, ansible_facts={'agora_cloud_recording_upload_infos': results,
                                        'agora_cloud_recording_upload_info_summary': outcome['summary']})


def _failure(results: list[dict[str, Any]], fail_on_unconfirmed: bool) -> str | None:
    """The task's failure message once every recording is reported: storage errors, or (if asked) any not confirmed."""
    failed = [result for result in results if result['failed'] or (fail_on_unconfirmed and result['upload'] != CONFIRMED)]
    if not failed:
        return None
    lines = ['%d of %d recordings are not confirmed in the bucket%s. Each:'
             % (len(failed), len(results), '' if fail_on_unconfirmed else ' because the storage answered with an error')]
    lines += ['- sid %s: %s: %s' % (result['sid'], result['upload'], result['msg']) for result in failed]
    return '\n'.join(lines)

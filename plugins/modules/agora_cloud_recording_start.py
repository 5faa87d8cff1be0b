#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: agora_cloud_recording_start
short_description: Start Agora Cloud Recordings once, and write them down for the teardown
version_added: 1.0.0
description:
  - Starts a cloud recording through Agora's RESTful API (C(acquire), then C(start) with the resource ID it gave), or
    many with O(recordings), at Agora's rate limit.
  - Returns each recording as RV(recording) in exactly the shape M(agora.cloud_recording.agora_cloud_recording_stop)
    and M(agora.cloud_recording.agora_cloud_recording_info) take.
  - With O(ledger), idempotent. Every recording started is written to the ledger file, which the
    P(agora.cloud_recording.recording_teardown#role) role reads as its recordings file. A recording the ledger holds for
    the same App ID, channel, uid and mode that Agora's C(query) says is alive is not started again (C(ok),
    C(changed=false), no acquire). One Agora no longer knows (its 404 over the whole O(not_found_recheck) window) or
    that has ended is replaced by a new start.
  - A start whose answer was lost may have started a recording that bills. The module never acquires and starts a
    second recording while the first may run. It asks again with the same resource ID; Agora answers 201 code 7 once
    that resource ID has started, and 400 code 53 while a recording of the channel and uid runs; when the answer names
    the recording, C(query) confirms it. When the state stays unknown, the task fails naming the resource ID and the
    channel, and the ledger keeps them under C(unsettled).
  - Every other answer ends the task with a message naming the HTTP status, Agora's code and reason, and what to do
    (code 406, for one, means too many concurrent recordings on the App ID).
  - The storage keys and tokens in O(client_request) (C(accessKey), C(secretKey), C(stsToken), C(token), C(secret),
    C(salt), at any depth) are masked in every output, also where a server echoes them, and never written to the ledger.
extends_documentation_fragment:
  - agora.cloud_recording.connection
  - agora.cloud_recording.connection.actiongroup
attributes:
  check_mode:
    description: Can run in check mode and return the changed status prediction without modifying the recording.
    support: full
    details:
      - Sends no acquire and no start. Queries the ledger's recording of each channel, if there is one; one that runs
        reports C(changed=false), any other C(changed=true) (it would be started).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: partial
    details:
      - Idempotent with O(ledger); without it, a second run meets Agora's code 53 for a channel and uid that record
        already, and fails saying so unless Agora's answer names the recording.
options:
  app_id:
    description:
      - The App ID of the Agora project that records (32 hexadecimal digits, as Agora Console shows it).
      - With O(recordings), the App ID of every entry that does not name its own.
    type: str
  cname:
    description:
      - The channel to record (in web mode, a name for the recording of up to 1024 bytes).
      - Required with O(uid) unless O(recordings) is given.
    type: str
  uid:
    description:
      - The uid the recorder joins the channel with, a whole number from 1 to 4294967295 that no user of the channel
        has (as a string or an integer).
      - Agora identifies a recording by App ID, channel and uid; to record a channel twice, use two uids.
    type: raw
  mode:
    description:
      - The recording mode. Required, here or in each entry of O(recordings).
    type: str
    choices: [individual, mix, web]
  client_request:
    description:
      - Agora's C(clientRequest) for C(start), passed on as it is after its shape is checked against Agora's start
        reference. Its top-level keys are C(storageConfig) (required), C(recordingConfig), C(recordingFileConfig),
        C(snapshotConfig) (individual mode only), C(extensionServiceConfig) (required in web mode), C(appsCollection),
        C(transcodeOptions) and C(token).
      - C(storageConfig) needs C(vendor) and C(region) (numbers), C(bucket), C(accessKey) and C(secretKey) (strings),
        and takes C(stsToken), C(stsExpiration), C(fileNamePrefix) (a list of names of letters and digits, at most
        128 characters with the slashes) and C(extensionParams).
      - An unknown key, or a value of the wrong type, is refused before any request, naming it.
      - With O(recordings), the clientRequest of every entry that does not give its own.
    type: dict
  scene:
    description:
      - acquire's C(scene). V(0) real-time recording, V(1) web page recording, V(2) individual recording with postponed
        transcoding.
      - If not set, V(1) in web mode and V(0) otherwise.
    type: int
    choices: [0, 1, 2]
  resource_expired_hour:
    description:
      - acquire's C(resourceExpiredHour), from 1 to 720 - for how many hours after the start the recording can be
        queried, updated and stopped. If not set, Agora's default (72).
    type: int
  start_parameter:
    description:
      - acquire's C(startParameter), for Agora's load balancing. It must match the start's clientRequest; checked as
        O(client_request) is, and its secrets masked alike.
    type: dict
  recordings:
    description:
      - Start all these recordings in one task instead of the single one named by O(cname) and O(uid) (mutually
        exclusive with those), each acquired and started at the per-App-ID O(rate_limit).
      - Every recording is tried. If any cannot be started, the task fails after all the others have been, naming each
        failed one, and still returns RV(recordings), RV(results) and RV(summary).
      - An entry that repeats another (same App ID, channel and uid) is started once, with a warning.
    type: list
    elements: dict
    suboptions:
      app_id:
        description: The App ID, if not the task's O(app_id).
        type: str
      cname:
        description: The channel to record.
        type: str
        required: true
      uid:
        description: The recorder's uid.
        type: raw
        required: true
      mode:
        description: The recording mode, if not the task's O(mode).
        type: str
        choices: [individual, mix, web]
      client_request:
        description: The clientRequest of this recording, if not the task's O(client_request).
        type: dict
  ledger:
    description:
      - A JSON file on the host the task runs on that records every recording started, in the export format of the
        P(agora.cloud_recording.recording_teardown#role) role (a mapping with a C(recordings) list), so that a re-run does not
        start them again and the teardown stops them all.
      - Created when missing; its directory must exist and be writable. Written whole under a lock (tasks, forks and
        batch threads writing at once lose nothing), through a temporary file renamed over it (a process killed midway
        leaves the previous ledger). It holds ids and times, never a secret.
      - A file that is not a ledger (not JSON, no C(recordings) list) is refused and left as it is, before any request.
      - M(agora.cloud_recording.agora_cloud_recording_stop) marks the entries it stops when given the same O(ledger).
    type: path
  concurrency:
    description:
      - With O(recordings), how many recordings are acquired and started at once, from 1 to 1000.
      - If not set, enough for every App ID to use its whole O(rate_limit) while each answer takes up to three seconds.
    type: int
  rate_limit:
    description:
      - Requests per second per App ID (acquire and start are one each), shared by all workers of the task. Agora allows
        10 by default and answers HTTP 429 beyond; a 429 slows the pace down and is retried.
      - V(0) sends without pacing; otherwise from 0.1 to 1000.
    type: float
    default: 10
  not_found_recheck:
    description:
      - Seconds, from 0 to 600, for which Agora's 404 to the query of a ledger's recording is asked again before that
        recording counts as gone and a new one is started. Agora answers 404 for up to 90 seconds while it moves a
        live recording to another server. V(0) takes the first 404 (Agora's code 53 still refuses a second recording of
        a channel and uid that runs).
    type: int
    default: 90
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Start recording the main stage, once (a re-run finds it in the ledger)
  agora.cloud_recording.agora_cloud_recording_start:
    app_id: 0123456789abcdef0123456789abcdef
    cname: main-stage
    uid: 527841
    mode: mix
    client_request:
      recordingConfig: {channelType: 1, maxIdleTime: 120}
      recordingFileConfig: {avFileType: [hls, mp4]}
      storageConfig:
        vendor: 1
        region: 0
        bucket: event-recordings
        accessKey: "{{ storage_access_key }}"
        secretKey: "{{ storage_secret_key }}"
        fileNamePrefix: [event2026, mainstage]
    ledger: /var/lib/event/recordings-ledger.json
  delegate_to: localhost
  register: started

- name: Start every channel of the event in one task, at Agora's rate limit
  agora.cloud_recording.agora_cloud_recording_start:
    app_id: 0123456789abcdef0123456789abcdef
    mode: mix
    recordings:
      - {cname: main-stage, uid: 527841}
      - {cname: panel-room, uid: 527842, mode: individual}
    client_request: "{{ event_client_request }}"
    ledger: /var/lib/event/recordings-ledger.json
  delegate_to: localhost

- name: Later, stop them all from the ledger
  ansible.builtin.include_role:
    name: agora.cloud_recording.recording_teardown
  vars:
    recording_teardown_recordings_file: /var/lib/event/recordings-ledger.json
'''

RETURN = r'''
outcome:
  description:
    - V(started) (this run started it; in check mode, would), or V(already_running) (the ledger's recording, or, after
      Agora's code 53, the one Agora named, runs).
  returned: success, without O(recordings)
  type: str
  sample: started
recording:
  description:
    - The recording, exactly as M(agora.cloud_recording.agora_cloud_recording_stop) and
      M(agora.cloud_recording.agora_cloud_recording_info) take it. Null in check mode for a recording that would be
      started. The same dictionary is set as the fact RV(ansible_facts.agora_cloud_recording_start).
  returned: success, without O(recordings); on a failure after the start, when it started
  type: dict
  contains:
    app_id:
      description: The App ID.
      type: str
    resource_id:
      description: The resource ID acquire gave.
      type: str
    sid:
      description: The recording ID start gave.
      type: str
    mode:
      description: The recording mode.
      type: str
    cname:
      description: The channel.
      type: str
    uid:
      description: The recorder's uid, as a string.
      type: str
    started_at:
      description: When it was started (UTC, ISO 8601), by this run or as the ledger says; null when unknown.
      type: str
  sample:
    app_id: 0123456789abcdef0123456789abcdef
    resource_id: JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8
    sid: 38f8e3cfdc474cd56fc1ceba380d7e1a
    mode: mix
    cname: main-stage
    uid: "527841"
    started_at: "2026-12-02T18:00:04Z"
inferred:
  description:
    - True when the start's own answer was lost and Agora's code 7 or 53, confirmed by a query, showed that this run's
      start took effect.
  returned: success, without O(recordings)
  type: bool
  sample: false
attempts:
  description: Requests the deciding call took (the start's, or the ledger's query), retries included.
  returned: success, without O(recordings)
  type: int
api_host:
  description: The base URL whose answer decided; null when no request was sent.
  returned: success, without O(recordings)
  type: str
recordings:
  description:
    - With O(recordings), every recording that runs (started, or already running), each as RV(recording), ready for
      the stop and info modules' C(recordings).
  returned: when O(recordings) is given, also on failure
  type: list
  elements: dict
results:
  description:
    - With O(recordings), one dictionary per entry in input order (a repeated entry once) - C(app_id), C(cname),
      C(uid), C(mode), C(outcome), C(recording), C(inferred), C(attempts), C(api_host), C(check_mode) and C(failed).
    - For an entry that could not be started, C(failed) is true, C(msg) says why and what to do, and C(outcome) is
      null; C(recording) is set if it started nonetheless (the ledger could not be written).
  returned: when O(recordings) is given, also on failure
  type: list
  elements: dict
summary:
  description: With O(recordings), how many recordings ended how.
  returned: when O(recordings) is given, also on failure
  type: dict
  contains:
    total:
      description: Entries reported (repeated entries once).
      type: int
    outcome:
      description: Counts of V(started) and V(already_running).
      type: dict
    failed:
      description: Entries that could not be started.
      type: int
  sample:
    total: 3
    outcome: {started: 2, already_running: 1}
    failed: 0
ansible_facts:
  description: Facts for the following tasks.
  returned: success
  type: dict
  contains:
    agora_cloud_recording_start:
      description: The same dictionary as RV(recording).
      type: dict
      returned: success, without O(recordings)
    agora_cloud_recording_starts:
      description: The same list as RV(recordings).
      type: list
      elements: dict
      returned: success, with O(recordings)
    agora_cloud_recording_start_summary:
      description: The same dictionary as RV(summary).
      type: dict
      returned: success, with O(recordings)
'''

from ansible_collections.agora.cloud_recording.plugins.module_utils._batch import (
    BatchItem,
    descriptor_budget,
    workers_for,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import Ledger
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    AgoraModule,
    check_batch_options,
    connection_argument_spec,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._runner import Run, run_guarded
from ansible_collections.agora.cloud_recording.plugins.module_utils._start import (
    START_ANSWER_WINDOW,
    LedgerNotWritten,
    failed_start_result,
    is_started,
    start_argument_spec,
    start_failure_message,
    start_module_kwargs,
    start_one,
    start_requests_from_params,
    summarize_starts,
    task_secrets,
    with_secrets,
)


def argument_spec() -> dict:
    spec = connection_argument_spec()
    spec.update(start_argument_spec())
    return spec


def execute(run: Run) -> dict:
    params, module = run.params, run.module
    secrets = task_secrets(params)
    module.no_log_values.update(secrets)
    check_batch_options(params)
    requests, warnings = start_requests_from_params(params)
    for warning in warnings:
        module.warn(warning)
    ledger = Ledger(params['ledger']) if params['ledger'] else None
    if ledger is not None:
        ledger.check()
    items = [BatchItem(index, request.placeholder(), False) for index, request in enumerate(requests)]
    workers = workers_for(items, params['rate_limit'], params['concurrency'], descriptor_budget(), START_ANSWER_WINDOW)
    with run.client(workers) as client:
        client.redactor = with_secrets(client.redactor, secrets)
        if params['recordings'] is None:
            try:
                result = start_one(client, ledger, requests[0], module.check_mode)
            except LedgerNotWritten as exc:
                return dict(changed=True, failed=True, msg=str(exc), recording=exc.result['recording'])
            return dict(changed=is_started(result), outcome=result['outcome'], recording=result['recording'],
                        inferred=result['inferred'], attempts=result['attempts'], api_host=result['api_host'],
                        ansible_facts={'agora_cloud_recording_start': result['recording']})
        by_placeholder = {item.recording: request for item, request in zip(items, requests)}
        results = run.run_batch(items, workers, lambda item: start_one(client, ledger, requests[item.index], module.check_mode),
                                lambda recording, error: failed_start_result(by_placeholder[recording], error))
    running = [result['recording'] for result in results if result['recording'] is not None]
    summary = summarize_starts(results)
    outcome = dict(changed=any(is_started(result) for result in results), recordings=running, results=results,
                   summary=summary)
    if summary['failed']:
        return dict(outcome, failed=True, msg=start_failure_message(results, module.check_mode))
    return dict(outcome, ansible_facts={'agora_cloud_recording_starts': running, 'agora_cloud_recording_start_summary': summary})


def main() -> None:
    module = AgoraModule(argument_spec=argument_spec(), supports_check_mode=True, **start_module_kwargs())
    run_guarded(module, execute, summarize_starts, is_started)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: agora_cloud_recording_stop
short_description: Stop an Agora Cloud Recording and report where its files are
version_added: 1.0.0
description:
  - Stops a cloud recording through Agora's RESTful API (C(POST .../sid/{sid}/mode/{mode}/stop)).
  - A recording that has already stopped is a success with C(changed=false), so a teardown can be re-run safely.
  - Returns the upload state and the files of the recording as RV(recording) and as the fact RV(ansible_facts.agora_cloud_recording).
  - With O(recordings), stops many recordings in one task, concurrently and within Agora's rate limit, and reports
    every one of them (RV(recordings), RV(summary)).
  - Answers worth retrying (HTTP 429, 5xx, 206 code 65, connection errors, timeouts) are retried with backoff.
    Every other answer ends the task with a message naming the HTTP status, Agora's code and reason,
    the request ID when present, and what to check.
  - V(stopped) and V(already_stopped) are reported only on Agora's own answer. An HTTP 200 that is not Agora's
    (no C(sid) or C(resourceId) of this recording) fails the task; after an answer that may follow a stop that took
    effect (a timeout, a connection closed after sending, a 5xx, 206 code 65), Agora's 404 or code 49 means this run
    stopped the recording.
  - On SIGINT or SIGTERM no new stop starts, requests already sent finish within O(timeout), and the module reports
    what it learned; recordings it never tried are reported as failed, not attempted.
  - The same happens when the controller goes away without a signal reaching the module (SIGKILL to
    C(ansible-playbook), as ansible-runner sends on a cancel or a timeout, or a closed terminal). The module watches
    the processes above it and starts no new request within about a second.
extends_documentation_fragment:
  - agora.cloud_recording.connection
  - agora.cloud_recording.connection.actiongroup
  - agora.cloud_recording.recording
attributes:
  check_mode:
    description: Can run in check mode and return the changed status prediction without modifying the recording.
    support: full
    details:
      - Sends no stop. Queries the recording instead; a running recording reports C(changed=true), one that has ended C(changed=false).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: full
    details:
      - A second run finds the recording stopped and reports C(changed=false).
options:
  cname:
    description:
      - The channel name, as given to C(acquire). Required with O(uid), O(resource_id), O(sid) and O(mode) unless
        O(recordings) is given.
      - 'For V(individual) and V(mix), an Agora channel name: at most 64 bytes of letters, digits, spaces and
        C(!#$%&()+-:;<=.>?@[]^_{}|~,). For V(web), printable text of at most 1024 bytes.'
    type: str
  uid:
    description:
      - The UID of the recording client in the channel, as given to C(acquire), a whole number from 1 to 4294967295,
        as an integer or a string of digits. Sent as a JSON string, as Agora expects.
      - A float, a list or any other value is refused, not converted.
    type: raw
  recordings:
    description:
      - Stop all these recordings in one task instead of the single one named by O(resource_id), O(sid), O(mode),
        O(cname) and O(uid) (mutually exclusive with those).
      - Every recording is tried. If any fails, the task fails after all the others have been tried, naming each
        failed one, and still returns RV(recordings).
      - An entry that repeats another (same App ID and sid) is stopped and reported once, with a warning.
    type: list
    elements: dict
    suboptions:
      app_id:
        description: The App ID, if not the task's O(app_id).
        type: str
      resource_id:
        description: The resource ID from C(acquire).
        type: str
        required: true
      sid:
        description: The recording ID from C(start).
        type: str
        required: true
      mode:
        description: The recording mode.
        type: str
        required: true
        choices: [individual, mix, web]
      cname:
        description: The channel name.
        type: str
        required: true
      uid:
        description: The recording client's UID, as for O(uid).
        type: raw
        required: true
      async_stop:
        description: Overrides the task's O(async_stop) for this recording.
        type: bool
      started_at:
        description:
          - Accepted and ignored, so that the recordings of M(agora.cloud_recording.agora_cloud_recording_start) and
            the entries of its ledger work unchanged.
        type: str
        version_added: 1.0.0
      stopped_at:
        description: Accepted and ignored (the ledger marks a stopped recording with it).
        type: str
        version_added: 1.0.0
  async_stop:
    description:
      - If V(false), Agora answers once the files are uploaded (usually under 20 seconds) and the result carries the
        upload state.
      - If V(true), Agora answers at once; RV(recording.upload_status) is then V(pending) unless Agora says more.
    type: bool
    default: false
  query_files:
    description:
      - Query each recording just before stopping it, and when the stop answer names no files (an asynchronous stop,
        or a 206 past Agora's 20-second upload window), return the files the query saw, with C(files_from=query).
        Agora's integration guide recommends this, as Agora forgets a recording once it has stopped.
      - If not set, on for a recording stopped with O(async_stop) (the task's or the entry's), off otherwise.
      - The query counts against O(rate_limit) like any request; a query that fails does not hold the stop back.
      - Not in check mode, which queries anyway.
    type: bool
  journal:
    description:
      - With O(recordings), a file to which each recording's result is appended as one JSON line as soon as it is
        known (every form of the customer secret masked), so that what an interrupted run learned survives it.
      - Before each stop is sent, a line with C(stage=stop_sent) is appended, so that a later run knows a stop went
        out even when its answer never arrived (the controller was killed midway).
      - Created when missing; its directory must exist. Not written in check mode.
      - The role M(agora.cloud_recording.recording_teardown) keeps one in its report directory.
    type: path
  ledger:
    description:
      - The ledger of M(agora.cloud_recording.agora_cloud_recording_start). Each recording found V(stopped) or
        V(already_stopped) is marked stopped in it (C(stopped_at)) as soon as it is known, so that a later start knows.
      - A ledger that cannot be read or written costs a warning, never a stop. Not written in check mode.
    type: path
    version_added: 1.0.0
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Stop the event's recording and wait for the upload
  agora.cloud_recording.agora_cloud_recording_stop:
    app_id: "{{ agora_app_id }}"
    resource_id: "{{ recording_resource_id }}"
    sid: "{{ recording_sid }}"
    mode: mix
    cname: main-stage
    uid: "527841"
  delegate_to: localhost
  register: stop

- name: Warn when the files are not confirmed uploaded
  ansible.builtin.debug:
    msg: "Recording {{ stop.recording.sid }} upload state: {{ stop.recording.upload_status }}"
  when: stop.recording.upload_status not in ['uploaded', 'backuped', 'no_data']

- name: Stop every recording of an event, credentials from module_defaults
  module_defaults:
    group/agora.cloud_recording.all:
      customer_id: "{{ vault_agora_customer_id }}"
      customer_secret: "{{ vault_agora_customer_secret }}"
      fallback_base_urls:
        - https://api.agora.io
  block:
    - name: Stop one recording per channel
      agora.cloud_recording.agora_cloud_recording_stop:
        app_id: "{{ agora_app_id }}"
        resource_id: "{{ item.resource_id }}"
        sid: "{{ item.sid }}"
        mode: individual
        cname: "{{ item.cname }}"
        uid: "{{ item.uid }}"
        not_found_recheck: 90
      loop: "{{ event_recordings }}"
      delegate_to: localhost
      register: stops

- name: Stop a whole event's recordings in one task, 10 requests per second at most
  agora.cloud_recording.agora_cloud_recording_stop:
    app_id: "{{ agora_app_id }}"
    recordings: "{{ event_recordings }}"
  delegate_to: localhost
  register: teardown

- name: List the recordings whose files are not confirmed uploaded
  ansible.builtin.debug:
    msg: "{{ teardown.recordings | rejectattr('upload_status', 'in', ['uploaded', 'backuped', 'no_data']) | map(attribute='sid') | list }}"

- name: Act on the fact set by the last stop
  ansible.builtin.debug:
    msg: "{{ ansible_facts.agora_cloud_recording.files | map(attribute='filename') | list }}"
'''

RETURN = r'''
recording:
  description:
    - What happened to the recording and where its files stand. The same dictionary is set as the fact
      RV(ansible_facts.agora_cloud_recording).
  returned: success, without O(recordings)
  type: dict
  contains:
    app_id:
      description: The App ID.
      type: str
      returned: success
    resource_id:
      description: The resource ID.
      type: str
      returned: success
    sid:
      description: The recording ID.
      type: str
      returned: success
      sample: 38f8e3cfdc474cd56fc1ceba380d7e1a
    cname:
      description: The channel name.
      type: str
      returned: success
    uid:
      description: The recording client's UID, as a string.
      type: str
      returned: success
      sample: "527841"
    mode:
      description: The recording mode.
      type: str
      returned: success
    outcome:
      description:
        - V(stopped) when this run stopped the recording (in check mode, when it would).
        - V(already_stopped) when there was nothing to stop. Agora answered 404 C(failed to find worker), or 400 code 49
          (a stop is already under way).
      type: str
      returned: success
      sample: stopped
    upload_status:
      description:
        - V(uploaded) all files are in your cloud storage; V(backuped) all are uploaded, some through Agora's backup
          cloud, to reach your storage later.
        - V(pending) the upload continues after the answer (asynchronous stop, or HTTP 206).
        - V(no_data) nobody published in the channel, so no file was recorded (HTTP 206 code 435).
        - V(unknown) Agora did not say (already stopped, check mode, or Agora's own C(unknown)).
      type: str
      returned: success
      sample: uploaded
    files:
      description:
        - The recorded files Agora names in its answer; empty when it names none.
        - Keys that Agora's answer does not carry are null (web recordings give only the name and start time).
      type: list
      elements: dict
      returned: success
      contains:
        filename:
          description: File name in your storage (an M3U8 playlist or an MP4 file).
          type: str
        track_type:
          description: V(audio), V(video) or V(audio_and_video).
          type: str
        uid:
          description: UID of the user recorded in the file; V(0) for a file of all users.
          type: str
        mixed_all_user:
          description: Whether the file mixes all users.
          type: bool
        is_playable:
          description: Whether the file can be played online.
          type: bool
        slice_start_time:
          description: When the file's recording began, in Unix time (milliseconds).
          type: int
      sample:
        - filename: 38f8e3cfdc474cd56fc1ceba380d7e1a_main-stage.m3u8
          track_type: audio_and_video
          uid: "0"
          mixed_all_user: true
          is_playable: true
          slice_start_time: 1732600000000
    files_from:
      description:
        - V(stop) when RV(recording.files) come from the stop answer (or no query saw any), V(query) when they come
          from the query made just before the stop (see O(query_files)).
      type: str
      returned: success
      sample: stop
    http_status:
      description: HTTP status of the answer that decided the outcome; null if it was decided without one.
      type: int
      returned: success
      sample: 200
    attempts:
      description: How many requests it took, retries and 404 re-checks included.
      type: int
      returned: success
      sample: 1
    api_host:
      description: The base URL whose answer decided the outcome; null if no host answered.
      type: str
      returned: success
      sample: https://api.sd-rtn.com
    confirmed:
      description:
        - Whether Agora's answers settle that the recording no longer runs, so a re-run need not ask again.
        - True when Agora answered the stop, answered code 49 (a stop under way), or kept answering 404 over the whole
          O(not_found_recheck) window. False for a 404 taken at once (it may come from a failover), and in check mode.
      type: bool
      returned: success
      sample: true
    inferred:
      description:
        - True when the stop's own answer was lost (a timeout, a connection closed after sending, a 5xx, 206 code 65)
          and a later answer decided. Agora's 404 or code 49 then shows the recording gone, and RV(recording.outcome)
          is V(stopped). This run's stop most likely stopped it, but the recording may have ended just before.
        - False when Agora's answer to the stop itself decided.
      type: bool
      returned: success
      sample: false
    server_response:
      description: Agora's C(serverResponse) object as received, or null when the answer had none.
      type: dict
      returned: success
recordings:
  description:
    - With O(recordings), one dictionary per recording, in input order (a repeated entry once), with the keys of
      RV(recording) plus C(failed).
    - For a recording that could not be stopped, C(failed) is true, C(msg) says why, and C(outcome) is null.
  returned: when O(recordings) is given, also on failure
  type: list
  elements: dict
  sample:
    - app_id: 0123456789abcdef0123456789abcdef
      resource_id: JyvK8nXHu
      sid: 38f8e3cfdc474cd56fc1ceba380d7e1a
      cname: main-stage
      uid: "527841"
      mode: mix
      outcome: stopped
      upload_status: uploaded
      files: []
      files_from: stop
      http_status: 200
      attempts: 1
      confirmed: true
      inferred: false
      api_host: https://api.sd-rtn.com
      server_response: {uploadingStatus: uploaded}
      failed: false
summary:
  description: With O(recordings), how many recordings ended how.
  returned: when O(recordings) is given, also on failure
  type: dict
  contains:
    total:
      description: Recordings reported (repeated entries once).
      type: int
    outcome:
      description: Counts of V(stopped) and V(already_stopped).
      type: dict
    upload_status:
      description: Counts by upload state, every state present.
      type: dict
    failed:
      description: Recordings that could not be stopped.
      type: int
  sample:
    total: 3
    outcome: {stopped: 2, already_stopped: 1}
    upload_status: {uploaded: 1, backuped: 0, pending: 0, no_data: 1, unknown: 1}
    failed: 0
ansible_facts:
  description: Facts for the following tasks.
  returned: success
  type: dict
  contains:
    agora_cloud_recording:
      description: The same dictionary as RV(recording).
      type: dict
      returned: success, without O(recordings)
    agora_cloud_recordings:
      description: The same list as RV(recordings).
      type: list
      elements: dict
      returned: success, with O(recordings)
    agora_cloud_recording_summary:
      description: The same dictionary as RV(summary).
      type: dict
      returned: success, with O(recordings)
'''

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import Kind
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraClient, AgoraError, Decision, Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import StopMarks
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    AgoraModule,
    connection_argument_spec,
    recording_argument_spec,
    recording_from_params,
    recording_module_kwargs,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._results import (
    Journal,
    failed_result,
    failure_message,
    is_stopped,
    recording_result,
    summarize,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._runner import Run, run_guarded


def argument_spec() -> dict:
    spec = connection_argument_spec()
    spec.update(recording_argument_spec())
    spec.update(async_stop=dict(type='bool', default=False), query_files=dict(type='bool'), journal=dict(type='path'),
                ledger=dict(type='path'))
    return spec


def query_before_stop(client: AgoraClient, recording: Recording) -> Decision | None:
    """The files a query sees just before the stop, for a stop answer that will name none; None if it cannot say."""
    try:
        return client.query(recording)
    except AgoraError:
        return None  # the stop decides; a query that fails must not hold it back


def stop(run: Run, client: AgoraClient, recording: Recording, async_stop: bool, journal: Journal | None = None) -> dict:
    """Stop one recording (in check mode: query it) and shape its result; the journal hears of the stop before it goes."""
    if run.module.check_mode:
        return recording_result(recording, client.query(recording), check_mode=True)
    query_files = run.params['query_files']
    queried = query_before_stop(client, recording) if (async_stop if query_files is None else query_files) else None
    # A query that already waited out Agora's 404 window: the stop's 404 counts at once, not after a second wait.
    rechecked = queried is not None and queried.verdict.kind == Kind.NOT_FOUND and queried.rechecked
    if journal is not None:
        journal.stop_sent(recording)
    return recording_result(recording, client.stop(recording, async_stop, rechecked), queried=queried)


def ledger_marks(run: Run) -> StopMarks | None:
    return StopMarks(run.params['ledger']) if run.params['ledger'] and not run.module.check_mode else None


def warn_unmarked(run: Run, marks: StopMarks | None) -> None:
    warning = marks.warning() if marks is not None else None
    if warning:
        run.module.warn(warning)


def stop_batch(run: Run) -> dict:
    items, workers = run.batch_items()
    marks = ledger_marks(run)
    with run.client(workers) as client:
        journal = Journal(run.params['journal'], client.redactor) if run.params['journal'] and not run.module.check_mode else None
        keepers = [keeper.record for keeper in (journal, marks) if keeper is not None]
        try:
            results = run.run_batch(items, workers, lambda item: stop(run, client, item.recording, item.async_stop, journal),
                                    failed_result, lambda result: [record(result) for record in keepers])
        finally:
            if journal is not None:
                journal.close()
                if journal.error:
                    run.module.warn(journal.error)
            warn_unmarked(run, marks)
    return run.batch_result(results, failure_message(results, run.module.check_mode),
                            {'recordings': 'agora_cloud_recordings', 'summary': 'agora_cloud_recording_summary'})


def execute(run: Run) -> dict:
    if run.params['recordings'] is not None:
        return stop_batch(run)
    recording = recording_from_params(run.params)
    marks = ledger_marks(run)
    with run.client() as client:
        result = stop(run, client, recording, run.params['async_stop'])
    if marks is not None:
        marks.record(result)
        warn_unmarked(run, marks)
    return dict(changed=is_stopped(result), recording=result, ansible_facts={'agora_cloud_recording': result})


def main() -> None:
    module = AgoraModule(argument_spec=argument_spec(), supports_check_mode=True, **recording_module_kwargs())
    run_guarded(module, execute, summarize, is_stopped)


if __name__ == '__main__':
    main()

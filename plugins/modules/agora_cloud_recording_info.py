#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: agora_cloud_recording_info
short_description: Query Agora Cloud Recordings - running, stopping, stopped or gone - and the files written so far
version_added: 1.0.0
description:
  - Queries one recording or many through Agora's RESTful API (C(GET .../sid/{sid}/mode/{mode}/query)) and reports,
    for each, whether Agora still knows it, its state and the files it has written so far.
  - Never stops anything and reports C(changed=false). Sends only GET requests.
  - Agora forgets a recording once it has stopped, and an asynchronous stop, or a synchronous one past Agora's
    20-second upload window, names no files. Query before a teardown to keep the file list (the stop module's
    O(agora.cloud_recording.agora_cloud_recording_stop#module:query_files) does it for you).
  - Takes the very list given to M(agora.cloud_recording.agora_cloud_recording_stop) unchanged; C(cname), C(uid) and
    C(async_stop) are accepted and ignored, as a query names none of them.
  - A recording that cannot be queried fails the task after every other one was tried, naming each.
extends_documentation_fragment:
  - agora.cloud_recording.connection
  - agora.cloud_recording.connection.actiongroup
  - agora.cloud_recording.recording
options:
  cname:
    description:
      - Accepted and ignored (a query names no channel); echoed back in the result.
    type: str
  uid:
    description:
      - Accepted and ignored (a query names no uid); echoed back in the result.
    type: raw
  recordings:
    description:
      - Query all these recordings in one task instead of the single one named by O(resource_id), O(sid) and O(mode)
        (mutually exclusive with those).
      - Every recording is tried. If any cannot be queried, the task fails after all the others have been, naming each
        failed one, and still returns RV(recordings).
      - An entry that repeats another (same App ID and sid) is queried and reported once, with a warning.
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
        description: Accepted and ignored.
        type: str
      uid:
        description: Accepted and ignored.
        type: raw
      async_stop:
        description: Accepted and ignored, so that the stop module's list works unchanged.
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
attributes:
  check_mode:
    description: Can run in check mode and return the changed status prediction without modifying the recording.
    support: full
    details:
      - This module only queries, in check mode as otherwise.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: N/A
    details:
      - This module changes nothing.
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: full
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Which of the event's recordings are still running, before the teardown
  agora.cloud_recording.agora_cloud_recording_info:
    app_id: "{{ agora_app_id }}"
    recordings: "{{ event_recordings }}"   # the same list the stop module takes
  delegate_to: localhost
  register: before

- name: Show the ones still recording
  ansible.builtin.debug:
    msg: "{{ before.recordings | selectattr('state', 'equalto', 'recording') | map(attribute='cname') | list }}"

- name: Query one recording
  agora.cloud_recording.agora_cloud_recording_info:
    app_id: "{{ agora_app_id }}"
    resource_id: "{{ recording_resource_id }}"
    sid: "{{ recording_sid }}"
    mode: mix
  delegate_to: localhost

- name: Its files so far, from the fact
  ansible.builtin.debug:
    msg: "{{ ansible_facts.agora_cloud_recording_info.files | map(attribute='filename') | list }}"
'''

RETURN = r'''
recording:
  description:
    - What Agora says of the recording. The same dictionary is set as the fact
      RV(ansible_facts.agora_cloud_recording_info).
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
    mode:
      description: The recording mode.
      type: str
      returned: success
    cname:
      description: The channel name as given, or null.
      type: str
      returned: success
    uid:
      description: The uid as given, or null.
      type: str
      returned: success
    exists:
      description: Whether Agora still knows the recording; false on Agora's 404.
      type: bool
      returned: success
      sample: true
    state:
      description:
        - V(starting) (Agora's status 0 to 4), V(recording) (5), V(stopping) (6), V(stopped) (7, 8, or Agora's 404),
          V(failed) (20, an abnormal exit), V(unknown) (a status Agora does not document).
      type: str
      returned: success
      sample: recording
    status_code:
      description: Agora's query C(status); null on 404.
      type: int
      returned: success
      sample: 5
    files:
      description:
        - The files the recording has written so far, normalized as the stop module's
          RV(agora.cloud_recording.agora_cloud_recording_stop#module:recording.files).
      type: list
      elements: dict
      returned: success
    slice_start_time:
      description: When the recording began, in Unix time (milliseconds), as Agora says; null when it does not.
      type: int
      returned: success
    onhold:
      description: Web recordings, whether the web recorder is paused; null for other modes.
      type: bool
      returned: success
    web_recorder_state:
      description: Web recordings, the web recorder's state (V(init), V(inProgress), V(exit)); null for other modes.
      type: str
      returned: success
    http_status:
      description: HTTP status of the answer that decided; null if none came.
      type: int
      returned: success
      sample: 200
    attempts:
      description: How many requests it took, retries and 404 re-checks included.
      type: int
      returned: success
    api_host:
      description: The base URL whose answer decided; null if no host answered.
      type: str
      returned: success
    server_response:
      description: Agora's C(serverResponse) object as received, or null.
      type: dict
      returned: success
recordings:
  description:
    - With O(recordings), one dictionary per recording, in input order (a repeated entry once), with the keys of
      RV(recording) plus C(failed).
    - For a recording that could not be queried, C(failed) is true, C(msg) says why, and C(state) is null.
  returned: when O(recordings) is given, also on failure
  type: list
  elements: dict
summary:
  description: With O(recordings), how many recordings are in each state.
  returned: when O(recordings) is given, also on failure
  type: dict
  contains:
    total:
      description: Recordings reported (repeated entries once).
      type: int
    state:
      description: Counts by RV(recording.state), every state present.
      type: dict
    gone:
      description: Recordings Agora no longer knows (404).
      type: int
    failed:
      description: Recordings that could not be queried.
      type: int
  sample:
    total: 3
    state: {starting: 0, recording: 1, stopping: 0, stopped: 2, failed: 0, unknown: 0}
    gone: 1
    failed: 0
ansible_facts:
  description: Facts for the following tasks.
  returned: success
  type: dict
  contains:
    agora_cloud_recording_info:
      description: The same dictionary as RV(recording).
      type: dict
      returned: success, without O(recordings)
    agora_cloud_recording_infos:
      description: The same list as RV(recordings).
      type: list
      elements: dict
      returned: success, with O(recordings)
    agora_cloud_recording_info_summary:
      description: The same dictionary as RV(summary).
      type: dict
      returned: success, with O(recordings)
'''

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraClient, Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    AgoraModule,
    connection_argument_spec,
    recording_argument_spec,
    recording_from_params,
    recording_module_kwargs,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._results import (
    failed_info_result,
    failure_message,
    info_result,
    summarize_states,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._runner import Run, run_guarded


def argument_spec() -> dict:
    spec = connection_argument_spec()
    spec.update(recording_argument_spec(query_only=True))
    return spec


def query(client: AgoraClient, recording: Recording) -> dict:
    return info_result(recording, client.query(recording))


def execute(run: Run) -> dict:
    if run.params['recordings'] is not None:
        items, workers = run.batch_items(query_only=True)
        with run.client(workers) as client:
            results = run.run_batch(items, workers, lambda item: query(client, item.recording), failed_info_result)
        return run.batch_result(results, failure_message(results, False, queried_only=True),
                                {'recordings': 'agora_cloud_recording_infos', 'summary': 'agora_cloud_recording_info_summary'})
    recording = recording_from_params(run.params, query_only=True)
    with run.client() as client:
        result = query(client, recording)
    return dict(changed=False, recording=result, ansible_facts={'agora_cloud_recording_info': result})


def main() -> None:
    module = AgoraModule(argument_spec=argument_spec(), supports_check_mode=True, **recording_module_kwargs(query_only=True))
    run_guarded(module, execute, summarize_states)


if __name__ == '__main__':
    main()

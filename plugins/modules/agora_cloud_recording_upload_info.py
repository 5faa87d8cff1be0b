#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: agora_cloud_recording_upload_info
short_description: Confirm in the customer's own bucket that Agora Cloud Recordings' files arrived, complete, and wait for them
version_added: 1.0.0
description:
  - Looks in the bucket Agora uploads to (the same O(storage) given to Agora's C(start)) for each recording's files and
    reports, per recording, whether they are all there (RV(recording.upload)).
  - V(confirmed) means every playlist of the recording (C(.m3u8), the C(bak<n>_) ones of a failover included, and of
    the copies Agora's backup forwards as C(_<tick>_<index>.m3u8) the one Agora's advice picks) ends with
    C(#EXT-X-ENDLIST), every segment it names is in the bucket with a size above 0, and every file Agora's stop named
    (the stop module's C(files)) is there. V(incomplete) names what is missing; V(missing) means nothing of the
    recording is there; V(error) says what the storage answered and what to check.
  - Agora's word on the upload (C(uploaded), C(backuped), C(pending)) is what Agora knew when it answered; this module
    reads the bucket itself. With O(wait), it checks again on a sparse schedule until every recording is confirmed or
    O(wait_timeout) is up.
  - Lists each recording's files under C(<fileNamePrefix>/<sid>_) in pages of 1000 keys, walking the prefix once for
    the whole batch, and reads each playlist once; it never sends one request per segment. Sends only reads.
  - Never changes anything and reports C(changed=false), in check mode as otherwise.
extends_documentation_fragment:
  - agora.cloud_recording.connection.actiongroup
  - agora.cloud_recording.connection.ignored
options:
  sid:
    description:
      - The recording ID that C(start) returned. Required unless O(recordings) is given.
    type: str
  cname:
    description:
      - The channel name the recording was started in. Agora writes its special characters as C(-) in file names;
        give it as it is.
    type: str
  mode:
    description:
      - The recording mode. In V(individual) mode every stream's playlist (one per user and audio or video) is checked.
    type: str
    choices: [individual, mix, web]
  uid:
    description:
      - Accepted and echoed back (the recording's own uid does not appear in file names).
    type: raw
  app_id:
    description: Accepted and echoed back.
    type: str
  resource_id:
    description: Accepted and echoed back.
    type: str
  recordings:
    description:
      - Check all these recordings in one task instead of the single one named by O(sid), O(cname) and O(mode).
      - Each entry needs C(sid), C(cname) and C(mode). The stop module's registered
        RV(agora.cloud_recording.agora_cloud_recording_stop#module:recordings) and the teardown role's report work
        unchanged; other keys are accepted, C(files) (the files Agora's stop named, which must then be there too) and
        C(upload_status) (echoed back as C(agora_upload_status)) are used.
      - An entry that repeats another's sid is checked and reported once.
    type: list
    elements: dict
  storage:
    description:
      - Where Agora uploads, in the shape of Agora's C(storageConfig) (pass the variable given to C(start)).
      - Amazon S3 (1), Alibaba Cloud OSS (2), Tencent Cloud COS (3), Google Cloud Storage (6, with HMAC keys), Huawei
        Cloud OBS (7), Baidu AI Cloud BOS (8) and S3-compatible storage (11) are reached through their S3 endpoints
        with C(boto3); Microsoft Azure (5) through C(azure-storage-blob), with C(accessKey) the storage account's
        name and C(secretKey) its key.
    type: dict
    required: true
    suboptions:
      vendor:
        description: Agora's vendor number.
        type: int
        required: true
      region:
        description:
          - Agora's region number for the vendor (Agora's "Third-party cloud storage regions" table), mapped to the
            vendor's own region name and endpoint. Required for vendors 1, 2, 3, 7 and 8 unless
            O(storage.extensionParams.endpoint) is given; not used by 6 and 11.
        type: int
      bucket:
        description: The bucket name (for Microsoft Azure, the container).
        type: str
        required: true
      accessKey:
        aliases: [access_key]
        description:
          - The storage access key (for Microsoft Azure, the storage account name). Never shown in any output. If not
            set, E(AGORA_STORAGE_ACCESS_KEY).
          - It needs permission to list the bucket and read its objects (Amazon S3 C(s3:ListBucket), C(s3:GetObject)).
        type: str
      secretKey:
        aliases: [secret_key]
        description:
          - The storage secret key (for Microsoft Azure, the account key). Never shown in any output, also when a
            storage server echoes it.
          - If not set, E(AGORA_STORAGE_SECRET_KEY), else the contents of the file E(AGORA_STORAGE_SECRET_KEY_FILE) names.
        type: str
      stsToken:
        aliases: [sts_token]
        description: A temporary security token to go with the keys (Amazon S3, Alibaba, Tencent). Never shown.
        type: str
      stsExpiration:
        description: Accepted (Agora's field), not used.
        type: int
      fileNamePrefix:
        description:
          - The folders Agora writes the files in, as given to C(start) (letters and digits only, at most 128
            characters joined with C(/)).
        type: list
        elements: str
        default: []
      extensionParams:
        description: Agora's C(extensionParams); only C(endpoint) is used.
        type: dict
        suboptions:
          endpoint:
            description:
              - The storage's S3 endpoint. Required with vendor 11; with another vendor, overrides the endpoint of the
                region table (for a region the vendor documents no endpoint for, or a private endpoint). For Microsoft
                Azure, the account's blob endpoint (default C(https://<account>.blob.core.windows.net)).
              - V(https://) (or a bare host name); V(http://) only on a loopback address, for tests.
            type: str
          sse:
            description: Accepted (Agora's field), not used.
            type: str
          tag:
            description: Accepted (Agora's field), not used.
            type: str
  wait:
    description:
      - Check again, after 5, 10, 20, 30 and 60 seconds and then every 60 seconds, the recordings not yet V(confirmed)
        (V(incomplete) or V(missing)) until all are or O(wait_timeout) is up. A storage error is not waited on.
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(wait), the most seconds to wait, from 1 to 43200 (12 hours). Agora's uploads normally finish within 20
        minutes of the stop; files that went to Agora's backup can take much longer.
    type: int
    default: 1200
  timeout:
    description: Seconds, from 1 to 300, that one storage request may take (connecting, and each read).
    type: int
    default: 30
  fail_on_unconfirmed:
    description:
      - Fail the task when any recording is not V(confirmed), after every recording is reported. A storage error fails
        the task whatever this says.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check mode and return the changed status prediction without modifying the recording.
    support: full
    details:
      - This module only reads, in check mode as otherwise.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: N/A
    details:
      - This module changes nothing.
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: full
requirements:
  - boto3 (every vendor but Microsoft Azure)
  - azure-storage-blob (Microsoft Azure)
notes:
  - "The module reads the bucket from where it runs: use it on the controller (C(delegate_to: localhost))."
seealso:
  - name: Agora's recorded files
    description: How Agora names a recording's files, its backup copies and its failover files.
    link: https://docs.agora.io/en/cloud-recording/develop/manage-files
  - name: Agora's storage regions
    description: Agora's vendor and region numbers.
    link: https://docs.agora.io/en/cloud-recording/reference/region-vendor
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Stop the event's recordings without waiting for the upload
  agora.cloud_recording.agora_cloud_recording_stop:
    app_id: "{{ agora_app_id }}"
    recordings: "{{ event_recordings }}"
    async_stop: true
  delegate_to: localhost
  register: stopped

- name: Wait until every recording's files are in the bucket, complete
  agora.cloud_recording.agora_cloud_recording_upload_info:
    recordings: "{{ stopped.recordings }}"
    storage: "{{ agora_storage_config }}"   # the storageConfig given to start
    wait: true
    wait_timeout: 1800
    fail_on_unconfirmed: true
  delegate_to: localhost
  register: uploads

- name: One recording, keys from AGORA_STORAGE_ACCESS_KEY and AGORA_STORAGE_SECRET_KEY
  agora.cloud_recording.agora_cloud_recording_upload_info:
    sid: "{{ recording_sid }}"
    cname: main-stage
    mode: mix
    storage:
      vendor: 1
      region: 0
      bucket: event-recordings
      fileNamePrefix: [events, spring]
  delegate_to: localhost
'''

RETURN = r'''
recording:
  description:
    - What the bucket holds of the recording. The same dictionary is set as the fact
      RV(ansible_facts.agora_cloud_recording_upload_info).
  returned: success, without O(recordings)
  type: dict
  contains:
    sid:
      description: The recording ID.
      type: str
      returned: success
    cname:
      description: The channel name as given.
      type: str
      returned: success
    mode:
      description: The recording mode.
      type: str
      returned: success
    upload:
      description:
        - V(confirmed), V(incomplete) (a playlist not finished, or files it names missing or empty),
          V(missing) (nothing of the recording under its prefix) or V(error) (the storage refused or failed).
      type: str
      returned: success
      sample: confirmed
    agora_upload_status:
      description: The C(upload_status) the entry carried (the stop module's), or null.
      type: str
      returned: success
    prefix:
      description: The key prefix listed, C(<fileNamePrefix>/<sid>_).
      type: str
      returned: success
    playlists:
      description:
        - The playlists that count, each with C(key), C(complete) (ends with C(#EXT-X-ENDLIST) and could be read),
          C(source) (V(plain) or V(backup), a copy Agora's backup forwarded), C(failover) (C(bak<n>) or null) and
          C(segments) (how many it names).
      type: list
      elements: dict
      returned: success
    files:
      description: Every file of the recording found, each with C(key), C(size) (bytes), C(last_modified) and C(kind)
        (V(playlist), V(segment), V(mp4), V(audio) or V(other)).
      type: list
      elements: dict
      returned: success
    segments:
      description: Segments the playlists name.
      type: int
      returned: success
    bytes:
      description: Total size of the files found.
      type: int
      returned: success
    missing_count:
      description: Files named by the playlists (or by Agora) that are missing or empty.
      type: int
      returned: success
    missing:
      description: The first five of them.
      type: list
      elements: str
      returned: success
    problems:
      description: What keeps the recording from V(confirmed), one sentence each; empty when confirmed.
      type: list
      elements: str
      returned: success
    msg:
      description: The problems in one line, or V(confirmed).
      type: str
      returned: success
recordings:
  description:
    - With O(recordings), one dictionary per recording, in input order (a repeated sid once), with the keys of
      RV(recording) and the entry's own C(app_id), C(resource_id) and C(uid), plus C(failed) (true for V(error)).
  returned: when O(recordings) is given, also on failure
  type: list
  elements: dict
summary:
  description: With O(recordings), how many recordings are in each C(upload) state.
  returned: when O(recordings) is given, also on failure
  type: dict
  sample:
    total: 3
    upload: {confirmed: 2, incomplete: 1, missing: 0, error: 0}
    failed: 0
checks:
  description: How many times the bucket was checked (more than 1 with O(wait)).
  returned: always
  type: int
waited:
  description: Seconds spent checking and waiting.
  returned: always
  type: float
requests:
  description: Storage requests the checks took (listing pages and playlist reads).
  returned: always
  type: int
ansible_facts:
  description: Facts for the following tasks.
  returned: success
  type: dict
  contains:
    agora_cloud_recording_upload_info:
      description: The same dictionary as RV(recording).
      type: dict
      returned: success, without O(recordings)
    agora_cloud_recording_upload_infos:
      description: The same list as RV(recordings).
      type: list
      elements: dict
      returned: success, with O(recordings)
    agora_cloud_recording_upload_info_summary:
      description: The same dictionary as RV(summary).
      type: dict
      returned: success, with O(recordings)
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    connection_argument_spec,
    recording_argument_spec,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._runner import run_guarded
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage_config import storage_argument_spec
from ansible_collections.agora.cloud_recording.plugins.module_utils._upload_check import summarize_uploads
from ansible_collections.agora.cloud_recording.plugins.module_utils._upload_info import check_uploads


def argument_spec() -> dict:
    # The connection options are taken and ignored, so that the action group's module_defaults apply here too.
    spec = {name: option for name, option in connection_argument_spec().items() if name != 'timeout'}
    spec.update((name, option) for name, option in recording_argument_spec().items()
                if name in ('rate_limit', 'concurrency', 'not_found_recheck'))
    spec.update(
        sid=dict(type='str'),
        cname=dict(type='str'),
        mode=dict(type='str', choices=['individual', 'mix', 'web']),
        uid=dict(type='raw'),
        app_id=dict(type='str'),
        resource_id=dict(type='str'),
        recordings=dict(type='list', elements='dict'),
        storage=storage_argument_spec(),
        wait=dict(type='bool', default=False),
        wait_timeout=dict(type='int', default=1200),
        timeout=dict(type='int', default=30),
        fail_on_unconfirmed=dict(type='bool', default=False),
    )
    return spec


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           mutually_exclusive=[('recordings', option) for option in ('sid', 'cname', 'mode')],
                           required_one_of=[('recordings', 'sid')], required_together=[('sid', 'cname', 'mode')])
    # boto3 or azure-storage-blob, as the vendor needs: checked with the storage option.
    run_guarded(module, check_uploads, summarize_uploads, library=None)


if __name__ == '__main__':
    main()

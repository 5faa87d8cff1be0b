# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: upload_report
short_description: Add what the customer's bucket holds to a teardown report
version_added: 1.0.0
description:
  - Takes a teardown report (see P(agora.cloud_recording.teardown_report#filter)) and the registered result of
    M(agora.cloud_recording.agora_cloud_recording_upload_info) run on its recordings.
  - Each recording of the report gains C(upload) (V(confirmed), V(incomplete), V(missing) or V(error)),
    C(upload_msg), C(upload_missing) (the first missing file names) and C(upload_bytes); the summary gains C(upload),
    the counts by state.
positional: uploads
options:
  _input:
    description: The teardown report.
    type: dict
    required: true
  uploads:
    description: The registered result of M(agora.cloud_recording.agora_cloud_recording_upload_info) with its C(recordings).
    type: dict
    required: true
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Add the bucket's word to the report
  ansible.builtin.set_fact:
    report: "{{ report | agora.cloud_recording.upload_report(uploads) }}"
'''

RETURN = r'''
_value:
  description: The report, each recording with C(upload), C(upload_msg), C(upload_missing) and C(upload_bytes), and the
    summary with C(upload).
  type: dict
'''

from ansible.errors import AnsibleFilterError


def upload_report(report: dict, uploads: dict) -> dict:
    if not isinstance(report, dict) or not isinstance(uploads, dict) or not isinstance(uploads.get('recordings'), list):
        raise AnsibleFilterError('upload_report expects a teardown report and the registered result of '
                                 'agora_cloud_recording_upload_info with its recordings')
    found = {item.get('sid'): item for item in uploads['recordings'] if isinstance(item, dict)}
    recordings = []
    for entry in report.get('recordings') or []:
        checked = found.get(entry.get('sid'))
        if checked is None:
            raise AnsibleFilterError('upload_report: recording sid %s was not checked in the bucket' % entry.get('sid'))
        recordings.append(dict(entry, upload=checked['upload'], upload_msg=checked['msg'],
                               upload_missing=checked.get('missing') or [], upload_bytes=checked.get('bytes') or 0))
    summary = dict(report.get('summary') or {}, upload=(uploads.get('summary') or {}).get('upload'))
    return dict(report, recordings=recordings, summary=summary)


class FilterModule(object):

    def filters(self):
        return {'upload_report': upload_report}

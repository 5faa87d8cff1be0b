# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: teardown_report
short_description: Build a teardown report that keeps the upload state learned by an earlier run
version_added: 1.0.0
description:
  - Takes the RV(agora.cloud_recording.agora_cloud_recording_stop#module:recordings) of a batch stop and, optionally,
    the recordings of the previous report for the same event.
  - Agora forgets a recording once it has stopped, so a re-run reports C(already_stopped) with upload state
    C(unknown). When the previous report knew the state of that recording, it is carried over, with its files, and
    C(upload_status_from) says so.
  - Returns the recordings and a summary counted the same way as the module's.
positional: previous
options:
  _input:
    description: The C(recordings) result of a batch stop.
    type: list
    elements: dict
    required: true
  previous:
    description: The C(recordings) of the previous report; empty when there is none.
    type: list
    elements: dict
    default: []
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Build the report
  ansible.builtin.set_fact:
    report: "{{ stop.recordings | agora.cloud_recording.teardown_report(previous_report.recordings | default([])) }}"
'''

RETURN = r'''
_value:
  description: The report.
  type: dict
  contains:
    recordings:
      description:
        - The recordings, in order, each with C(upload_status_from) (V(this_run) or V(previous_report)).
      type: list
      elements: dict
    summary:
      description: Counts by outcome, by upload state and of failures.
      type: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.agora.cloud_recording.plugins.module_utils._results import summarize

KNOWN_FROM_BEFORE = ('uploaded', 'backuped', 'pending', 'no_data')


def _carried_over(result: dict, earlier: dict | None) -> dict:
    if (earlier is not None and result.get('outcome') == 'already_stopped' and result.get('upload_status') == 'unknown'
            and earlier.get('upload_status') in KNOWN_FROM_BEFORE):
        return dict(result, upload_status=earlier['upload_status'], files=earlier.get('files') or [],
                    upload_status_from='previous_report')
    return dict(result, upload_status_from='this_run')


def teardown_report(results: list, previous: list | None = None) -> dict:
    if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
        raise AnsibleFilterError('teardown_report expects the recordings list of a batch stop')
    earlier_by_key = {(item.get('app_id'), item.get('sid')): item for item in previous or [] if isinstance(item, dict)}
    recordings = [_carried_over(result, earlier_by_key.get((result.get('app_id'), result.get('sid')))) for result in results]
    return {'recordings': recordings, 'summary': summarize(recordings)}


class FilterModule(object):

    def filters(self):
        return {'teardown_report': teardown_report}

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: teardown_report
short_description: Build a teardown report that keeps what earlier runs learned
version_added: 1.0.0
description:
  - Takes the RV(agora.cloud_recording.agora_cloud_recording_stop#module:recordings) of a batch stop and, optionally,
    the recordings of the previous report and of an interrupted run's journal for the same event.
  - Agora forgets a recording once it has stopped, so a re-run reports C(already_stopped) with upload state
    C(unknown). When an earlier run knew the state of that recording, it is carried over, with its files, and
    C(upload_status_from) says where from.
  - With O(recordings), the report lists every one of them in that order; one that was not stopped in this run
    because an earlier run had confirmed it stopped (see P(agora.cloud_recording.teardown_pending#filter)) is
    reported from what that run learned, as C(already_stopped) with C(skipped=true).
  - A recording whose stop an interrupted run had sent (its journal holds the C(stop_sent) line but no result) and
    that Agora no longer knows is reported C(stopped) with C(inferred=true) and C(earlier_stop_sent=true), as that run's
    stop most likely ended it.
  - Returns the recordings and a summary counted the same way as the module's, plus C(skipped).
positional: previous
options:
  _input:
    description: The C(recordings) result of a batch stop (empty when nothing was sent).
    type: list
    elements: dict
    required: true
  recordings:
    description: Every recording of the teardown, as given to the role; default, the recordings of O(_input).
    type: list
    elements: dict
  inventory:
    description:
      - The RV(agora.cloud_recording.agora_cloud_recording_info#module:recordings) of a query made just before the
        teardown. Each recording it covers gets C(before_teardown) (V(starting), V(recording), V(stopping),
        V(stopped), V(failed), V(unknown), or V(gone) when Agora no longer knew it); the others get null.
    type: list
    elements: dict
    default: []
extends_documentation_fragment:
  - agora.cloud_recording.teardown
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Stop the event's recordings
  agora.cloud_recording.agora_cloud_recording_stop:
    recordings: "{{ event_recordings }}"
  register: stop

- name: Build the report, keeping what the previous one knew
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
        - The recordings, in order, each with C(upload_status_from) (V(this_run), V(previous_report) or
          V(previous_journal)), C(skipped) and C(before_teardown).
      type: list
      elements: dict
    summary:
      description:
        - Counts by outcome, by upload state, of failures and of recordings skipped as confirmed stopped.
        - With O(inventory), C(before_teardown) counts the states found before the teardown.
      type: dict
'''

from collections import Counter

from ansible.errors import AnsibleFilterError

from ansible_collections.agora.cloud_recording.plugins.module_utils._results import summarize
from ansible_collections.agora.cloud_recording.plugins.plugin_utils._teardown import (
    KNOWN_FROM_BEFORE,
    earlier_knowledge,
    is_confirmed_stopped,
    key_of,
    stops_sent_unanswered,
    unique_keys,
)


def _stopped_by_the_earlier_run(result: dict) -> dict:
    """An earlier run sent the stop and was killed before its answer; now Agora no longer knows the recording: that stop
    most likely ended it (``inferred``, as the module says of a stop whose answer was lost)."""
    return dict(result, outcome='stopped', inferred=True, earlier_stop_sent=True)


def _carried_over(result: dict, earlier: dict | None, sent_unanswered: bool = False) -> dict:
    if sent_unanswered and result.get('outcome') == 'already_stopped':
        result = _stopped_by_the_earlier_run(result)
    if (earlier is not None and result.get('outcome') == 'already_stopped' and result.get('upload_status') == 'unknown'
            and earlier.get('upload_status') in KNOWN_FROM_BEFORE):
        return dict(result, upload_status=earlier['upload_status'], files=earlier.get('files') or [],
                    upload_status_from=earlier['upload_status_from'], skipped=False)
    return dict(result, upload_status_from='this_run', skipped=False)


def _skipped(earlier: dict) -> dict:
    """A recording an earlier run confirmed stopped: nothing was sent this time."""
    entry = {key: value for key, value in earlier.items() if key not in ('journaled_at', 'msg')}
    return dict(entry, outcome='already_stopped', skipped=True, failed=False)


def _state_before(found: dict | None) -> str | None:
    """What the query before the teardown found: a state, ``gone`` (Agora no longer knew it), or ``unknown``."""
    if found is None:
        return None
    if found.get('failed'):
        return 'unknown'
    return 'gone' if found.get('exists') is False else found.get('state') or 'unknown'


def teardown_report(results: list, previous: list | None = None, journal: list | str | None = None,
                    recordings: list | None = None, app_id: str = '', inventory: list | None = None) -> dict:
    if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
        raise AnsibleFilterError('teardown_report expects the recordings list of a batch stop')
    known = earlier_knowledge(previous or [], journal or [])
    unanswered = stops_sent_unanswered(journal or [])
    this_run = {key_of(result): result for result in results}
    order = unique_keys(recordings, app_id) if recordings is not None else list(this_run)
    found = {key_of(item): item for item in inventory or [] if isinstance(item, dict)}
    report = []
    for key in order:
        if key in this_run:
            entry = _carried_over(this_run[key], known.get(key), key in unanswered)
        elif is_confirmed_stopped(known.get(key)):
            entry = _skipped(known[key])
        else:
            raise AnsibleFilterError('teardown_report: recording sid %s (App ID %s) has neither a result of this run nor '
                                     'an earlier confirmed stop' % (key[1], key[0]))
        report.append(dict(entry, before_teardown=_state_before(found.get(key))))
    summary = summarize(report)
    summary['skipped'] = sum(1 for item in report if item['skipped'])
    if found:
        summary['before_teardown'] = dict(Counter(item['before_teardown'] for item in report if item['before_teardown']))
    return {'recordings': report, 'summary': summary}


class FilterModule(object):

    def filters(self):
        return {'teardown_report': teardown_report}

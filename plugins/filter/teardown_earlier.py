# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: teardown_earlier
short_description: What earlier teardown runs left behind, with anything unreadable set aside instead of failing
version_added: 1.0.0
description:
  - Takes the previous teardown report and an interrupted run's journal, as M(ansible.builtin.slurp) read them (base64),
    and returns what they hold, so that a re-run can keep what earlier runs learned.
  - Nothing in these files may block a teardown. A report that is not a JSON object with a C(recordings) list (not
    JSON, empty, V([]), V({}), not UTF-8) is not used; a journal with lines that are not JSON objects (other than a
    last line cut short by a kill) gives what its good lines hold. Either is listed in C(set_aside), with a warning,
    for the role to rename it out of the way; the teardown goes on without it.
options:
  _input:
    description: The previous report's content in base64 (C(content) of M(ansible.builtin.slurp)); empty when there is none.
    type: str
    required: true
  journal:
    description: The journal's content in base64; empty when there is none.
    type: str
    default: ''
  report_path:
    description: Where the report is, for messages and C(set_aside).
    type: str
    default: teardown-report.json
  journal_path:
    description: Where the journal is, for messages and C(set_aside).
    type: str
    default: teardown-journal.jsonl
  suffix:
    description: What the name of a file that is set aside gets appended.
    type: str
    default: .corrupt
  unreadable:
    description: Paths of these files that exist but are not regular files (a directory, a FIFO), so were not read.
    type: list
    elements: str
    default: []
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Read what earlier runs learned
  ansible.builtin.set_fact:
    earlier: "{{ report.content | default('') | agora.cloud_recording.teardown_earlier(journal=journal.content | default('')) }}"
'''

RETURN = r'''
_value:
  description: What the earlier files hold, and which of them to set aside.
  type: dict
  contains:
    recordings:
      description: The previous report's recordings; empty when there is no usable report.
      type: list
      elements: dict
    journal:
      description: The journal's entries that could be read.
      type: list
      elements: dict
    set_aside:
      description: Each file to move out of the way, as C(path) and the new name C(to), with C(reason).
      type: list
      elements: dict
'''

import base64
import binascii
import json

from ansible.utils.display import Display

from ansible_collections.agora.cloud_recording.plugins.plugin_utils._teardown import parse_journal, warn_cut_line


NOT_REGULAR = 'not a regular file'


def _text(content: str) -> tuple[str | None, str | None]:
    """The file's text from slurp's base64, or (None, why not)."""
    try:
        raw = base64.b64decode(content or '', validate=True)
    except (binascii.Error, ValueError):
        return None, 'not readable'
    try:
        return raw.decode('utf-8'), None
    except UnicodeDecodeError:
        return None, 'not UTF-8 text'


def _report_recordings(content: str) -> tuple[list, str | None]:
    """The previous report's recordings, or ([], why the report cannot be used)."""
    text, problem = _text(content)
    if problem:
        return [], problem
    if not text.strip():
        return [], 'empty'
    try:
        report = json.loads(text)
    except ValueError:
        return [], 'not JSON'
    if not isinstance(report, dict) or not isinstance(report.get('recordings'), list):
        return [], 'not a report (it holds no "recordings" list)'
    return [entry for entry in report['recordings'] if isinstance(entry, dict)], None


def _journal_entries(content: str) -> tuple[list, str | None]:
    """The journal's entries that can be read, and why the file should be set aside (None when it is whole but for a
    last line cut short by a kill)."""
    text, problem = _text(content)
    if problem:
        return [], problem
    entries, bad = parse_journal(text)
    if bad == [len(entries) + 1]:
        warn_cut_line(bad[0])
    if not bad or bad == [len(entries) + 1]:
        return entries, None
    return entries, 'lines %s are not JSON objects' % ', '.join(str(number) for number in bad[:5])


def teardown_earlier(report: str, journal: str = '', report_path: str = 'teardown-report.json',
                     journal_path: str = 'teardown-journal.jsonl', suffix: str = '.corrupt',
                     unreadable: list | None = None) -> dict:
    unreadable = unreadable or []
    recordings, report_problem = _report_recordings(report) if report else ([], None)
    entries, journal_problem = _journal_entries(journal) if journal else ([], None)
    if report_path in unreadable:
        report_problem = NOT_REGULAR
    if journal_path in unreadable:
        journal_problem = NOT_REGULAR
    set_aside = []
    for path, problem, what in ((report_path, report_problem, 'the previous report'),
                                (journal_path, journal_problem, 'the journal of an interrupted run')):
        if problem:
            Display().warning('%s %s is %s: it is set aside as %s%s and the teardown goes on without it.'
                              % (what, path, problem, path, suffix))
            set_aside.append({'path': path, 'to': path + suffix, 'reason': problem})
    return {'recordings': recordings, 'journal': entries, 'set_aside': set_aside}


class FilterModule(object):

    def filters(self):
        return {'teardown_earlier': teardown_earlier}

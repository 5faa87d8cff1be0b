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
  - Nothing in these files may block a teardown. A report that is not a JSON object with a C(recordings) list of the
    teardown's results (not JSON, empty, V([]), V({}), not UTF-8, nested too deeply, entries of other types) is not
    used, or only for its good entries; a journal with lines that are not such results (other than a last line cut
    short by a kill) gives what its good lines hold. Either is listed in C(set_aside), with a warning, for the role to
    rename it out of the way; the teardown goes on without it.
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
  files:
    description:
      - The M(ansible.builtin.stat) results of the report and the journal (their C(results), each with C(item), the
        path). One that exists but is not a regular file (a directory, a FIFO) or is larger than 64 MiB was not read,
        and is set aside.
    type: list
    elements: dict
    default: []
  recordings:
    description:
      - The recordings of this teardown. When given, only what earlier runs learned about them is returned, so that
        an earlier run's file about another event, however large, costs the rest of the teardown nothing.
    type: list
    elements: dict
  app_id:
    description: The App ID of every recording that names none.
    type: str
    default: ''
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

from ansible_collections.agora.cloud_recording.plugins.plugin_utils._teardown import (
    key_of,
    parse_journal,
    unique_keys,
    warn_cut_line,
)


# A report or journal larger than this is not one a teardown wrote: it is set aside unread. (A report of 10,000
# recordings is about 10 MiB.)
MAX_EARLIER_BYTES = 64 * 1024 * 1024
# What each field of an earlier result must be for the teardown to use it; an entry otherwise is not a result of ours.
FIELD_TYPES = {'sid': (str,), 'app_id': (str, type(None)), 'outcome': (str, type(None)), 'upload_status': (str,),
               'confirmed': (bool,), 'failed': (bool,), 'stage': (str,), 'files': (list,), 'inferred': (bool,)}
OUTCOMES = (None, 'stopped', 'already_stopped')


def _text(content: str) -> tuple[str | None, str | None]:
    """The file's text from slurp's base64, or (None, why not)."""
    try:
        raw = base64.b64decode(content or '', validate=True)
    except (binascii.Error, ValueError):
        return None, 'not readable'
    try:
        return raw.decode('utf-8-sig'), None
    except UnicodeDecodeError:
        return None, 'not UTF-8 text'


def _is_result(entry: object) -> bool:
    """Whether a report's or journal's entry is one the teardown wrote: a mapping whose fields have their types."""
    if not isinstance(entry, dict) or not entry.get('sid'):
        return False
    typed = all(isinstance(entry[key], types) for key, types in FIELD_TYPES.items() if key in entry)
    return typed and entry.get('outcome') in OUTCOMES


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
    except RecursionError:
        return [], 'JSON nested deeper than any report'
    if not isinstance(report, dict) or not isinstance(report.get('recordings'), list):
        return [], 'not a report (it holds no "recordings" list)'
    recordings = [entry for entry in report['recordings'] if _is_result(entry)]
    if len(recordings) < len(report['recordings']):
        return recordings, 'not a report (entries that are not results of a teardown)'
    return recordings, None


def _journal_entries(content: str) -> tuple[list, str | None]:
    """The journal's entries that can be read, and why the file should be set aside (None when it is whole but for a
    last line cut short by a kill)."""
    text, problem = _text(content)
    if problem:
        return [], problem
    entries, bad = parse_journal(text)
    if bad == [len(entries) + 1]:
        warn_cut_line(bad[0])
    results = [entry for entry in entries if _is_result(entry)]
    if bad and bad != [len(entries) + 1]:
        return results, 'lines %s are not JSON objects' % ', '.join(str(number) for number in bad[:5])
    if len(results) < len(entries):
        return results, 'lines that are not results of a teardown'
    return results, None


def _unread(path: str, found: list) -> str | None:
    """Why a file the role did not read was left unread (not a regular file, too large); None when it was read."""
    for item in found:
        stat = item.get('stat') or {}
        if item.get('item') != path or not stat.get('exists'):
            continue
        if not stat.get('isreg'):
            return 'not a regular file'
        if (stat.get('size') or 0) > MAX_EARLIER_BYTES:
            return 'larger than %d MiB' % (MAX_EARLIER_BYTES // 1024 // 1024)
    return None


def _of_this_teardown(entries: list, keys: set | None) -> list:
    """The entries about the recordings of this teardown (all of them when it does not say which)."""
    return entries if keys is None else [entry for entry in entries if key_of(entry) in keys]


def teardown_earlier(report: str, journal: str = '', report_path: str = 'teardown-report.json',
                     journal_path: str = 'teardown-journal.jsonl', suffix: str = '.corrupt', files: list | None = None,
                     recordings: list | None = None, app_id: str = '') -> dict:
    files = files or []
    keys = set(unique_keys(recordings, app_id)) if recordings is not None else None
    entries, journal_problem = _journal_entries(journal) if journal else ([], None)
    previous, report_problem = _report_recordings(report) if report else ([], None)
    report_problem = _unread(report_path, files) or report_problem
    journal_problem = _unread(journal_path, files) or journal_problem
    set_aside = []
    for path, problem, what in ((report_path, report_problem, 'the previous report'),
                                (journal_path, journal_problem, 'the journal of an interrupted run')):
        if problem:
            Display().warning('%s %s is %s: it is set aside as %s%s and the teardown goes on without it.'
                              % (what, path, problem, path, suffix))
            set_aside.append({'path': path, 'to': path + suffix, 'reason': problem})
    return {'recordings': _of_this_teardown(previous, keys), 'journal': _of_this_teardown(entries, keys),
            'set_aside': set_aside}


class FilterModule(object):

    def filters(self):
        return {'teardown_earlier': teardown_earlier}

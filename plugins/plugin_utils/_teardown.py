# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the teardown role's filters share: what earlier runs learned about each recording.

Private to the agora.cloud_recording collection: not an API, may change in any release.
"""

from __future__ import annotations

import json

from ansible.utils.display import Display

from ansible_collections.agora.cloud_recording.plugins.module_utils._results import STAGE_STOP_SENT

# Upload states worth carrying over from an earlier run: Agora no longer tells them once a recording has stopped.
KNOWN_FROM_BEFORE = ('uploaded', 'backuped', 'pending', 'no_data')


def key_of(entry: dict, app_id: str = '') -> tuple:
    """A recording's key: its App ID (the default when the entry names none) and its sid, as text whatever they were
    given as (a list in a hand-written list must not break the teardown: the module refuses it, naming the entry)."""
    return tuple(value if isinstance(value, str) or value is None else json.dumps(value, sort_keys=True, default=str)
                 for value in (entry.get('app_id') or app_id, entry.get('sid')))


def unique_keys(recordings: list, app_id: str = '') -> list:
    """The keys of the recordings, in order, each once (the module stops a repeated entry once)."""
    return list(dict.fromkeys(key_of(entry, app_id) for entry in recordings))


def parse_journal(text: str) -> tuple[list, list]:
    """A journal's entries (its lines that are JSON objects), and the numbers of the lines that are not."""
    entries, bad = [], []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), start=1):
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):   # RecursionError: nested deeper than Python's parser goes
            entry = None
        if isinstance(entry, dict):
            entries.append(entry)
        else:
            bad.append(number)
    return entries, bad


def journal_entries(journal: list | str) -> list:
    """A journal's entries, from its text (JSON lines) or as a list already; a line cut short by a kill is skipped."""
    if not isinstance(journal, str):
        return list(journal or [])
    entries, bad = parse_journal(journal)
    for number in bad:
        warn_cut_line(number)
    return entries


def warn_cut_line(number: int) -> None:
    Display().warning('teardown journal line %d is not whole (the run that wrote it was killed midway); it is '
                      'ignored.' % number)


def _is_stop_sent(entry: dict) -> bool:
    """A journal line written before a stop went out (see the stop module's ``journal``), not a result."""
    return entry.get('stage') == STAGE_STOP_SENT


def earlier_knowledge(previous: list, journal: list | str) -> dict:
    """What earlier runs learned per recording: the previous report, then the journal's results (newer) over it."""
    known: dict = {}
    for source, entries in (('previous_report', previous), ('previous_journal', journal_entries(journal))):
        for entry in entries or []:
            if isinstance(entry, dict) and entry.get('sid') and not _is_stop_sent(entry):
                known[key_of(entry)] = dict(entry, upload_status_from=source)
    return known


def stops_sent_unanswered(journal: list | str) -> set:
    """The recordings whose stop an earlier run sent but whose result it never journaled (it was killed midway)."""
    unanswered: set = set()
    for entry in journal_entries(journal):
        if isinstance(entry, dict) and entry.get('sid'):
            (unanswered.add if _is_stop_sent(entry) else unanswered.discard)(key_of(entry))
    return unanswered


def is_confirmed_stopped(entry: dict | None) -> bool:
    """Whether an earlier run settled, on Agora's own answers, that the recording no longer runs."""
    return bool(entry) and entry.get('confirmed') is True and not entry.get('failed') and entry.get('outcome') is not None

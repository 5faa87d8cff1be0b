# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: recordings_export
short_description: Read the recordings an application exported, or say exactly what is wrong with the file
version_added: 1.0.0
description:
  - Takes the text of a JSON or YAML file, as the application that started the recordings exported it, and returns
    its list of recordings.
  - The file holds a list of recordings, or a mapping with a C(recordings) list. Anything else (an empty file, a
    misspelled or missing C(recordings) key, a null, a string, an entry that is not a mapping) fails, naming the file
    and what was expected, so that a teardown never ends C(ok) having stopped nothing.
  - An explicitly empty list is accepted, with a warning.
positional: path
options:
  _input:
    description: The file's text.
    type: str
    required: true
  path:
    description: The file's path, for messages.
    type: str
    required: true
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Read the exported recordings
  ansible.builtin.set_fact:
    recordings: "{{ lookup('ansible.builtin.file', path) | agora.cloud_recording.recordings_export(path) }}"
'''

RETURN = r'''
_value:
  description: The recordings, each a mapping.
  type: list
  elements: dict
'''

import yaml

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

EXPECTED = 'a list of recordings, or a mapping with a "recordings" list (see the recording_teardown role\'s README)'


def _loaded(text: str, path: str) -> object:
    if not isinstance(text, str) or not text.strip():
        raise AnsibleFilterError('%s is empty: it should hold %s.' % (path, EXPECTED))
    try:
        # JSON is YAML too.
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AnsibleFilterError('%s is neither JSON nor YAML (%s): it should hold %s.' % (path, ' '.join(str(exc).split()), EXPECTED))


def recordings_export(text: str, path: str) -> list:
    loaded = _loaded(text, path)
    if isinstance(loaded, dict):
        if 'recordings' not in loaded:
            keys = ', '.join(sorted(str(key) for key in loaded)[:10]) or 'none'
            raise AnsibleFilterError('%s has no "recordings" key (its keys: %s): it should hold %s.' % (path, keys, EXPECTED))
        recordings = loaded['recordings']
        where = '"recordings" in %s' % path
    else:
        recordings = loaded
        where = path
    if not isinstance(recordings, list):
        shown = 'null' if recordings is None else type(recordings).__name__
        raise AnsibleFilterError('%s is %s, not a list: %s should hold %s.' % (where, shown, path, EXPECTED))
    for index, entry in enumerate(recordings):
        if not isinstance(entry, dict):
            raise AnsibleFilterError('%s: entry %d is %s, not a mapping with resource_id, sid, mode, cname and uid.'
                                     % (where, index, 'null' if entry is None else 'a %s' % type(entry).__name__))
    if not recordings:
        Display().warning('%s holds an empty list of recordings: there is nothing to stop from it.' % path)
    return recordings


class FilterModule(object):

    def filters(self):
        return {'recordings_export': recordings_export}

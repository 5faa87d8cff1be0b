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
  - JSON is read as JSON (so an export indented with tabs works), anything else as YAML.
  - 'A C(cname) or C(uid) that YAML turned into something else than the application wrote (C(cname: 0123) is the
    number 83 in YAML 1.1, C(1.5) a float, C(yes) a boolean) fails naming the entry and asking to quote it; it is
    never sent changed.'
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

import json
import re

import yaml

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

EXPECTED = 'a list of recordings, or a mapping with a "recordings" list (see the recording_teardown role\'s README)'
# How YAML 1.1 may write an integer other than plainly in decimal: 0123 (octal), 0x1f, 0b101, 1_000, 1:30 (base 60).
PLAIN_DECIMAL = re.compile(r'[-+]?(0|[1-9][0-9]*)\Z')


class _Unplain(int):
    """An integer YAML read from something other than plain decimal digits (0123 is 83): kept apart to be refused."""

    source = ''


class _ExportLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """YAML's safe loader, remembering which integers were not written in plain decimal, and refusing aliases (an
    export has no use for them, and a chain of them makes a file of a few lines expand to millions of elements)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, 'aliases (*name) are not accepted in an export',
                                              self.peek_event().start_mark)
        return super().compose_node(parent, index)

    def construct_yaml_int(self, node):
        value = super().construct_yaml_int(node)
        if PLAIN_DECIMAL.match(node.value.strip()):
            return value
        unplain = _Unplain(value)
        unplain.source = node.value
        return unplain


_ExportLoader.add_constructor('tag:yaml.org,2002:int', _ExportLoader.construct_yaml_int)


def _loaded(text: str, path: str) -> object:
    if not isinstance(text, str) or not text.strip():
        raise AnsibleFilterError('%s is empty: it should hold %s.' % (path, EXPECTED))
    text = text.lstrip('\ufeff')   # a byte order mark, as some editors write
    try:
        # JSON first: valid JSON may be indented with tabs, which YAML refuses.
        return json.loads(text)
    except ValueError:
        pass
    except RecursionError:
        raise AnsibleFilterError('%s is JSON nested deeper than any export: it should hold %s.' % (path, EXPECTED))
    try:
        return yaml.load(text, Loader=_ExportLoader)  # nosec B506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise AnsibleFilterError('%s is neither JSON nor YAML (%s): it should hold %s.' % (path, ' '.join(str(exc).split()), EXPECTED))
    except RecursionError:
        raise AnsibleFilterError('%s is YAML nested deeper than any export: it should hold %s.' % (path, EXPECTED))


# What names a recording: text as Agora issued it (uid: text or a whole number written plainly).
TEXT_KEYS = ('app_id', 'resource_id', 'sid', 'mode', 'cname')


def _identity_problem(entry: dict, key: str) -> str | None:
    """Why one of the values that name an entry's recording is not what the application wrote, or None."""
    value = entry.get(key)
    if isinstance(value, _Unplain):
        return ('%s is %s, which YAML reads as the number %d: quote it (%s: "%s")'
                % (key, value.source, int(value), key, value.source))
    if key in TEXT_KEYS and value is not None and not isinstance(value, str):
        return '%s is %s, not text: YAML read it as a %s; quote it' % (key, str(value)[:60], type(value).__name__)
    if key == 'uid' and value is not None and (isinstance(value, bool) or not isinstance(value, (int, str))):
        return '%s is %s, not a whole number: YAML read it as a %s; quote it' % (key, str(value)[:60], type(value).__name__)
    return None


def _plain(value: object) -> object:
    """Any other integer YAML read unusually, as the plain integer it is (nothing else of ours reads them)."""
    if isinstance(value, _Unplain):
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


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
        for key in TEXT_KEYS + ('uid',):
            problem = _identity_problem(entry, key)
            if problem:
                raise AnsibleFilterError('%s: entry %d (sid %s): %s. Nothing was stopped.'
                                         % (where, index, str(entry.get('sid'))[:60], problem))
    if not recordings:
        Display().warning('%s holds an empty list of recordings: there is nothing to stop from it.' % path)
    return _plain(recordings)


class FilterModule(object):

    def filters(self):
        return {'recordings_export': recordings_export}

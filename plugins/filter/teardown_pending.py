# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: teardown_pending
short_description: The recordings of a teardown that earlier runs have not confirmed stopped
version_added: 1.0.0
description:
  - Takes the recordings of a teardown and what earlier runs learned (the previous report, an interrupted run's
    journal), and returns the recordings still to stop, in order.
  - A recording is left out only when an earlier run confirmed it stopped on Agora's own answers (its C(confirmed) is
    true), so a re-run sends nothing for it and stays fast.
positional: previous
options:
  _input:
    description: The recordings of the teardown.
    type: list
    elements: dict
    required: true
extends_documentation_fragment:
  - agora.cloud_recording.teardown
author:
  - agora.cloud_recording maintainers (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Stop only what no earlier run confirmed stopped
  agora.cloud_recording.agora_cloud_recording_stop:
    recordings: "{{ event_recordings | agora.cloud_recording.teardown_pending(previous_report.recordings) }}"
'''

RETURN = r'''
_value:
  description: The recordings still to stop.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.agora.cloud_recording.plugins.plugin_utils._teardown import (
    earlier_knowledge,
    is_confirmed_stopped,
    key_of,
)


def teardown_pending(recordings: list, previous: list | None = None, journal: list | str | None = None, app_id: str = '') -> list:
    if not isinstance(recordings, list):
        raise AnsibleFilterError('teardown_pending expects a list of recordings')
    known = earlier_knowledge(previous or [], journal or [])
    return [entry for entry in recordings
            if not (isinstance(entry, dict) and is_confirmed_stopped(known.get(key_of(entry, app_id))))]


class FilterModule(object):

    def filters(self):
        return {'teardown_pending': teardown_pending}

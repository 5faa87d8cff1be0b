# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # What the teardown filters read of earlier runs (teardown_pending, teardown_report).
    DOCUMENTATION = r'''
options:
  previous:
    description: The C(recordings) of the previous report; empty when there is none.
    type: list
    elements: dict
    default: []
  journal:
    description:
      - The journal an interrupted run left, as its text (JSON lines) or its entries; newer than O(previous), so its
        results win.
      - Its C(stop_sent) lines (written before each stop went out) are not results; a recording with such a line and
        no result after it had its stop sent by a run that never heard the answer.
    type: raw
    default: []
  app_id:
    description: The App ID of every recording that names none.
    type: str
    default: ''
'''

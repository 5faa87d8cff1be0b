# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The teardown role's recordings_export filter reads the start module's ledger unchanged."""

from __future__ import annotations

from ansible_collections.agora.cloud_recording.plugins.filter.recordings_export import recordings_export
from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import Ledger

APP_ID = '0123456789abcdef0123456789abcdef'


def test_the_recordings_export_filter_reads_the_ledger_unchanged(tmp_path):
    entry = {'app_id': APP_ID, 'resource_id': 'rid1', 'sid': 'sid1', 'mode': 'mix', 'cname': 'channel-1', 'uid': '1001',
             'started_at': '2026-12-02T18:00:00Z'}
    ledger = Ledger(str(tmp_path / 'ledger.json'))
    ledger.record_started(entry)
    ledger.record_unsettled({'app_id': APP_ID, 'cname': 'c', 'uid': '7', 'mode': 'mix'}, 'rid-x', 'lost answer')
    path = str(tmp_path / 'ledger.json')
    assert recordings_export((tmp_path / 'ledger.json').read_text(), path) == [dict(entry, stopped_at=None)]

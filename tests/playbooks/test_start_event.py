# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An event from start to teardown with ansible-playbook: start with the ledger, a re-run that only queries, the
teardown role reading the ledger and marking it, at -vvv with no secret in any output."""

from __future__ import annotations

import json
import os
import re

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT
from test_playbooks import run_playbook

STORAGE_SECRET = 'Storage-Secret-Never-Print-5d1b'
STORAGE_ACCESS = 'Storage-Access-Never-Print-0e7f'


def test_an_event_from_start_to_teardown(collections_path, tmp_path, simulator):
    ledger = tmp_path / 'recordings-ledger.json'
    env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': simulator.url,
           'STORAGE_ACCESS_KEY': STORAGE_ACCESS, 'STORAGE_SECRET_KEY': STORAGE_SECRET}
    extra_vars = {'ledger': str(ledger)}
    start = os.path.join(REPO_ROOT, 'examples', 'start_event.yml')
    first = run_playbook(collections_path, tmp_path, start, extra_vars, '-vvv', env=env)
    assert re.search(r'^changed: \[localhost\]', first, re.M) and '3 started, 0 already running' in first
    assert sorted(recording.cname for recording in simulator.recordings()) == ['main-stage', 'panel-room', 'workshop']
    received = len(simulator.received)

    second = run_playbook(collections_path, tmp_path, start, extra_vars, '-vvv', env=env)
    assert re.search(r'localhost\s*:\s*ok=2\s+changed=0', second) and '0 started, 3 already running' in second
    assert [request.method for request in simulator.received[received:]] == ['GET'] * 3

    teardown = run_playbook(collections_path, tmp_path, os.path.join(REPO_ROOT, 'examples', 'teardown_from_ledger.yml'),
                            extra_vars, env=env)
    assert all(recording.state != 'recording' for recording in simulator.recordings())
    entries = json.loads(ledger.read_text())['recordings']
    assert len(entries) == 3 and all(entry['stopped_at'] for entry in entries)
    for output in (first, second, teardown, ledger.read_text()):
        for secret in (CUSTOMER_SECRET, STORAGE_SECRET, STORAGE_ACCESS):
            assert secret not in output
    assert (tmp_path / 'teardown-report' / 'teardown-report.json').exists()


def test_the_recording_start_role_starts_once(collections_path, tmp_path, simulator):
    ledger = tmp_path / 'recordings-ledger.json'
    env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': simulator.url,
           'STORAGE_ACCESS_KEY': STORAGE_ACCESS, 'STORAGE_SECRET_KEY': STORAGE_SECRET}
    playbook = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'start_role.yml')
    first = run_playbook(collections_path, tmp_path, playbook, {'ledger': str(ledger)}, '-vvv', env=env)
    second = run_playbook(collections_path, tmp_path, playbook, {'ledger': str(ledger)}, '-vvv', env=env)
    assert '2 started, 0 already running' in first and '0 started, 2 already running' in second
    assert re.search(r'localhost\s*:\s*ok=\d+\s+changed=0', second)
    assert sorted((recording.cname, recording.mode) for recording in simulator.recordings()) == [('hall-a', 'mix'),
                                                                                                 ('hall-b', 'individual')]
    for output in (first, second, ledger.read_text()):
        for secret in (CUSTOMER_SECRET, STORAGE_SECRET, STORAGE_ACCESS):
            assert secret not in output


def test_the_teardown_names_the_ledgers_unsettled_starts(collections_path, tmp_path, simulator):
    running = simulator.seed()
    ledger = tmp_path / 'recordings-ledger.json'
    ledger.write_text(json.dumps({'recordings': [dict(running.describe(), started_at=None, stopped_at=None)], 'unsettled': [
        {'app_id': running.app_id, 'resource_id': 'LostResourceId123', 'mode': 'mix', 'cname': 'hall-c', 'uid': '9',
         'at': '2026-12-02T18:00:00Z', 'reason': 'the start may have taken effect; Agora named no sid'}]}))
    env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': simulator.url}
    output = run_playbook(collections_path, tmp_path, os.path.join(REPO_ROOT, 'examples', 'teardown_from_ledger.yml'),
                          {'ledger': str(ledger)}, env=env)
    assert 'holds 1 start(s) that may have taken effect' in ' '.join(output.split())
    assert 'hall-c (resource ID LostResourceId123)' in output
    assert simulator.recording(running.sid).state != 'recording'

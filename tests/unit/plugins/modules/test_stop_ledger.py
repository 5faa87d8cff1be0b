# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The stop module's ledger: it marks what it stops, takes the ledger's entries as they are, and never lets a ledger
that cannot be written cost a stop."""

from __future__ import annotations

from agora_fakes import APP_ID, CREDENTIALS, NOT_FOUND, Call, queried, run_module_in_process, stopped
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import Recording
from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import Ledger
from ansible_collections.agora.cloud_recording.plugins.modules.agora_cloud_recording_stop import main


def recording(number):
    return Recording(APP_ID, 'resource-%d' % number, '%032x' % number, 'mix', 'room-%d' % number, str(1000 + number))


def ledger_of(path, *recordings):
    ledger = Ledger(str(path))
    for item in recordings:
        ledger.record_started({'app_id': item.app_id, 'resource_id': item.resource_id, 'sid': item.sid, 'mode': item.mode,
                               'cname': item.cname, 'uid': item.uid, 'started_at': '2026-12-02T18:00:00Z'})
    return ledger


def run(args, calls, monkeypatch, check_mode=False):
    return run_module_in_process(main, dict(CREDENTIALS, rate_limit=0, **args), calls, monkeypatch, check_mode=check_mode)


def test_a_batch_from_the_ledger_marks_what_it_stopped(monkeypatch, tmp_path):
    first, second = recording(1), recording(2)
    ledger = ledger_of(tmp_path / 'ledger.json', first, second)
    entries = ledger.content()['recordings']  # taken as they are: started_at and stopped_at included
    calls = [Call('POST', first.path('stop'), stopped(recording=first)), Call('POST', second.path('stop'), NOT_FOUND)]
    result = run({'recordings': entries, 'concurrency': 1, 'ledger': ledger.path}, calls, monkeypatch)
    assert [item['outcome'] for item in result.result['recordings']] == ['stopped', 'already_stopped']
    assert all(item['stopped_at'] for item in ledger.content()['recordings']) and result.warnings == []


def test_one_recording_is_marked_too_but_not_in_check_mode(monkeypatch, tmp_path):
    first = recording(1)
    ledger = ledger_of(tmp_path / 'ledger.json', first)
    args = {'app_id': APP_ID, 'resource_id': first.resource_id, 'sid': first.sid, 'mode': 'mix', 'cname': first.cname,
            'uid': first.uid, 'ledger': ledger.path}
    run(args, [Call('GET', first.path('query'), queried(recording=first))], monkeypatch, check_mode=True)
    assert ledger.content()['recordings'][0]['stopped_at'] is None
    run(args, [Call('POST', first.path('stop'), stopped(recording=first))], monkeypatch)
    assert ledger.content()['recordings'][0]['stopped_at']


def test_a_ledger_that_is_not_json_costs_a_warning_never_a_stop(monkeypatch, tmp_path):
    first = recording(1)
    path = tmp_path / 'ledger.json'
    path.write_text('{"recordings": [')
    entry = {'app_id': APP_ID, 'resource_id': first.resource_id, 'sid': first.sid, 'mode': 'mix', 'cname': first.cname,
             'uid': first.uid}
    result = run({'recordings': [entry], 'ledger': str(path)}, [Call('POST', first.path('stop'), stopped(recording=first))],
                 monkeypatch)
    assert result.result['recordings'][0]['outcome'] == 'stopped'
    assert len(result.warnings) == 1 and 'could not be marked stopped in the ledger' in result.warnings[0]
    assert path.read_text() == '{"recordings": ['
    assert result.result['summary']['outcome']['stopped'] == 1

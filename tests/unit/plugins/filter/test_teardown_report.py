# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The teardown role's filters: the report, what is left to stop, and reading an export."""

from __future__ import annotations

import json

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.agora.cloud_recording.plugins.filter.recordings_export import recordings_export
from ansible_collections.agora.cloud_recording.plugins.filter.teardown_pending import teardown_pending
from ansible_collections.agora.cloud_recording.plugins.filter.teardown_report import teardown_report


def result(sid, outcome='stopped', upload_status='uploaded', app_id='app', failed=False, files=None, confirmed=True):
    return {'app_id': app_id, 'sid': sid, 'outcome': outcome, 'upload_status': upload_status, 'files': files or [],
            'failed': failed, 'confirmed': confirmed}


def test_first_run_is_reported_as_is():
    report = teardown_report([result('a'), result('b', upload_status='no_data')])
    assert [(item['upload_status_from'], item['skipped']) for item in report['recordings']] == [('this_run', False)] * 2
    assert report['summary']['outcome'] == {'stopped': 2, 'already_stopped': 0}
    assert report['summary']['upload_status']['no_data'] == 1 and report['summary']['skipped'] == 0


def test_rerun_keeps_what_the_previous_report_knew():
    previous = [result('a', files=[{'filename': 'a.m3u8'}]), result('b', upload_status='pending'), result('c', upload_status='unknown')]
    now = [result(sid, outcome='already_stopped', upload_status='unknown') for sid in ('a', 'b', 'c', 'd')]
    report = teardown_report(now, previous)
    assert [(item['upload_status'], item['upload_status_from']) for item in report['recordings']] == [
        ('uploaded', 'previous_report'), ('pending', 'previous_report'), ('unknown', 'this_run'), ('unknown', 'this_run')]
    assert report['recordings'][0]['files'] == [{'filename': 'a.m3u8'}]
    assert report['summary']['upload_status'] == {'uploaded': 1, 'backuped': 0, 'pending': 1, 'no_data': 0, 'unknown': 2}


def test_this_runs_answer_wins_and_app_ids_are_kept_apart():
    previous = [result('a', upload_status='backuped'), result('b', app_id='other')]
    now = [result('a', upload_status='uploaded'), result('b', outcome='already_stopped', upload_status='unknown')]
    report = teardown_report(now, previous)
    assert [item['upload_status'] for item in report['recordings']] == ['uploaded', 'unknown']


def test_the_journal_of_an_interrupted_run_is_newer_than_the_report():
    previous = [result('a', upload_status='pending')]
    journal = json.dumps(result('a', upload_status='uploaded')) + '\n{"sid": "b", "outc'
    report = teardown_report([result('a', outcome='already_stopped', upload_status='unknown')], previous, journal=journal)
    assert (report['recordings'][0]['upload_status'], report['recordings'][0]['upload_status_from']) == ('uploaded', 'previous_journal')


def test_recordings_confirmed_earlier_are_reported_as_skipped_in_input_order():
    recordings = [{'sid': 'a'}, {'sid': 'b', 'app_id': 'app'}, {'sid': 'a'}]
    previous = [result('a', upload_status='backuped')]
    report = teardown_report([result('b', upload_status='uploaded')], previous, recordings=recordings, app_id='app')
    assert [(item['sid'], item['outcome'], item['skipped'], item['upload_status']) for item in report['recordings']] == [
        ('a', 'already_stopped', True, 'backuped'), ('b', 'stopped', False, 'uploaded')]
    assert report['summary']['skipped'] == 1 and report['summary']['outcome'] == {'stopped': 1, 'already_stopped': 1}


def test_a_recording_with_no_result_and_no_confirmed_stop_is_an_error():
    with pytest.raises(AnsibleFilterError, match='sid a .* has neither a result of this run nor an earlier confirmed stop'):
        teardown_report([], [result('a', confirmed=False)], recordings=[{'sid': 'a', 'app_id': 'app'}])


def test_failed_recordings_are_counted():
    failed = dict(result('x', outcome=None, upload_status='unknown', failed=True), msg='HTTP 404')
    assert teardown_report([failed])['summary']['failed'] == 1


def test_rejects_what_is_not_a_batch_result():
    with pytest.raises(AnsibleFilterError):
        teardown_report({'recording': {}})


def test_pending_leaves_out_only_what_an_earlier_run_confirmed():
    recordings = [{'sid': sid, 'app_id': 'app'} for sid in 'abcdef']
    previous = [result('a'), result('b', confirmed=False), result('c', failed=True, outcome=None),
                result('d', outcome='already_stopped', upload_status='unknown')]
    journal = [result('e')]
    assert [item['sid'] for item in teardown_pending(recordings, previous, journal=journal)] == ['b', 'c', 'f']


def test_pending_uses_the_default_app_id():
    assert teardown_pending([{'sid': 'a'}], [result('a')], app_id='app') == []
    assert teardown_pending([{'sid': 'a'}], [result('a')], app_id='other') == [{'sid': 'a'}]
    with pytest.raises(AnsibleFilterError):
        teardown_pending('a', [])


class TestExport:
    ENTRY = {'resource_id': 'r', 'sid': 's', 'mode': 'mix', 'cname': 'c', 'uid': '1'}

    @pytest.mark.parametrize('text', [json.dumps({'recordings': [ENTRY]}), json.dumps([ENTRY]),
                                      'recordings:\n  - {resource_id: r, sid: s, mode: mix, cname: c, uid: "1"}\n'])
    def test_a_list_or_a_mapping_with_a_list(self, text):
        assert recordings_export(text, '/x/rec.json') == [self.ENTRY]

    @pytest.mark.parametrize('text, words', [
        ('', '/x/rec.json is empty: it should hold a list of recordings, or a mapping with a "recordings" list'),
        ('  \n', '/x/rec.json is empty'),
        ('Recordings: []', '/x/rec.json has no "recordings" key (its keys: Recordings)'),
        ('recordings:', '"recordings" in /x/rec.json is null, not a list'),
        ('recordings: some', '"recordings" in /x/rec.json is str, not a list'),
        ('"just text"', '/x/rec.json is str, not a list'),
        ('42', '/x/rec.json is int, not a list'),
        ('[1, {}]', '/x/rec.json: entry 0 is a int, not a mapping'),
        ('recordings: [~]', '"recordings" in /x/rec.json: entry 0 is null, not a mapping'),
        ('{"recordings": [', '/x/rec.json is neither JSON nor YAML'),
    ])
    def test_anything_else_names_the_file_and_what_was_expected(self, text, words):
        with pytest.raises(AnsibleFilterError) as caught:
            recordings_export(text, '/x/rec.json')
        assert words in str(caught.value)

    def test_an_explicitly_empty_list_warns(self, monkeypatch):
        from ansible.utils import display
        warnings = []
        monkeypatch.setattr(display.Display, 'warning', lambda self, message, *args, **kwargs: warnings.append(message))
        assert recordings_export('recordings: []', '/x/rec.yml') == []
        assert warnings == ['/x/rec.yml holds an empty list of recordings: there is nothing to stop from it.']


def test_the_inventory_before_the_teardown_is_kept_per_recording():
    inventory = [{'app_id': 'app', 'sid': 'a', 'exists': True, 'state': 'recording'},
                 {'app_id': 'app', 'sid': 'b', 'exists': False, 'state': 'stopped'},
                 {'app_id': 'app', 'sid': 'c', 'failed': True, 'state': None}]
    report = teardown_report([result(sid) for sid in 'abcd'], inventory=inventory)
    assert [item['before_teardown'] for item in report['recordings']] == ['recording', 'gone', 'unknown', None]
    assert report['summary']['before_teardown'] == {'recording': 1, 'gone': 1, 'unknown': 1}
    assert 'before_teardown' not in teardown_report([result('a')])['summary']


def test_a_stop_sent_by_a_killed_run_and_now_gone_is_reported_stopped_by_it():
    """The journal says a stop went out and no answer came back (the controller was killed); now Agora answers 404."""
    journal = '\n'.join(json.dumps(line) for line in (
        {'app_id': 'a' * 32, 'sid': 'killed-midway', 'stage': 'stop_sent'},
        {'app_id': 'a' * 32, 'sid': 'answered', 'stage': 'stop_sent'},
        {'app_id': 'a' * 32, 'sid': 'answered', 'outcome': 'stopped', 'upload_status': 'uploaded', 'confirmed': True,
         'failed': False},
    ))
    results = [result('killed-midway', 'already_stopped', 'unknown', app_id='a' * 32),
               result('never-sent', 'already_stopped', 'unknown', app_id='a' * 32)]
    report = teardown_report(results, [], journal=journal)
    by_sid = {item['sid']: item for item in report['recordings']}
    assert (by_sid['killed-midway']['outcome'], by_sid['killed-midway']['inferred'],
            by_sid['killed-midway']['earlier_stop_sent']) == ('stopped', True, True)
    assert by_sid['never-sent']['outcome'] == 'already_stopped' and 'earlier_stop_sent' not in by_sid['never-sent']


def test_a_stop_sent_line_is_not_knowledge_of_a_result():
    journal = json.dumps({'app_id': 'a' * 32, 'sid': 'x', 'stage': 'stop_sent'})
    assert teardown_pending([{'app_id': 'a' * 32, 'sid': 'x'}], [], journal=journal) == [{'app_id': 'a' * 32, 'sid': 'x'}]


def test_a_json_export_indented_with_tabs_is_read():
    text = '{\n\t"recordings": [\n\t\t{"sid": "a", "cname": "main", "uid": "1"}\n\t]\n}\n'
    assert recordings_export(text, 'export.json') == [{'sid': 'a', 'cname': 'main', 'uid': '1'}]


@pytest.mark.parametrize('line, words', [
    ('cname: 0123', 'cname is 0123, which YAML reads as the number 83: quote it (cname: "0123")'),
    ('cname: 0x1f', 'cname is 0x1f, which YAML reads as the number 31'),
    ('cname: 1_000', 'cname is 1_000, which YAML reads as the number 1000'),
    ('cname: 1.5', 'cname is 1.5, not text: YAML read it as a float; quote it'),
    ('cname: yes', 'cname is True, not text: YAML read it as a bool; quote it'),
    ('cname: 12345', 'cname is 12345, not text: YAML read it as a int; quote it'),
    ('uid: 0527', 'uid is 0527, which YAML reads as the number 343'),
    ('uid: 5.0', 'uid is 5.0, not a whole number: YAML read it as a float; quote it'),
])
def test_a_cname_or_uid_that_yaml_changed_is_refused_naming_the_entry(line, words):
    base = {'sid': 's1', 'cname': 'main', 'uid': '1'}
    key = line.split(':')[0]
    others = '\n'.join('    %s: %s' % (name, value) for name, value in base.items() if name != key)
    text = 'recordings:\n  - sid: s0\n    cname: ok\n    uid: 1\n  -\n%s\n    %s\n' % (others, line)
    with pytest.raises(AnsibleFilterError) as caught:
        recordings_export(text, 'export.yml')
    assert str(caught.value).startswith('"recordings" in export.yml: entry 1 (sid s1): ') and words in str(caught.value)


def test_a_plain_decimal_uid_is_taken_and_other_unusual_integers_become_plain():
    recordings = recordings_export('- {sid: s, cname: main, uid: 527841, extra: 0x10}\n', 'export.yml')
    assert recordings == [{'sid': 's', 'cname': 'main', 'uid': 527841, 'extra': 16}]
    assert recordings[0]['extra'].__class__ is int   # not the loader's marker for integers written unusually


@pytest.mark.parametrize('text, words', [
    ('- {sid: [a], cname: main, uid: "1"}', "sid is ['a'], not text: YAML read it as a list; quote it"),
    ('- {sid: s, app_id: {a: 1}, cname: main, uid: "1"}', 'app_id is {'),
    ('- {sid: s, cname: main, uid: [1]}', 'uid is [1], not a whole number'),
    ('g: &g [1, 2]\nrecordings:\n  - {sid: s, cname: main, uid: "1", extra: *g}\n', 'aliases (*name) are not accepted'),
    ('[' * 100000 + ']' * 100000, 'nested deeper than any export'),
], ids=['sid-list', 'app-id-dict', 'uid-list', 'yaml-alias', 'deep-json'])
def test_an_export_that_names_recordings_wrongly_is_refused_naming_it(text, words):
    with pytest.raises(AnsibleFilterError) as caught:
        recordings_export(text, 'export.yml')
    assert words in str(caught.value)


def test_a_json_export_with_a_byte_order_mark_and_tabs_is_read():
    text = '\ufeff{\n\t"recordings": [{"sid": "a", "cname": "main", "uid": "1"}]\n}\n'
    assert recordings_export(text, 'export.json') == [{'sid': 'a', 'cname': 'main', 'uid': '1'}]


def test_entries_named_wrongly_in_the_roles_own_list_do_not_break_the_filters():
    """The module refuses them, naming the entry; the filters before it must not fail with a Python error first."""
    recordings = [{'sid': ['a'], 'app_id': {'b': 1}}]
    assert teardown_pending(recordings, []) == recordings

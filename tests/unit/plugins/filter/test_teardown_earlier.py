# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Nothing an earlier run left behind may block a teardown: what cannot be used is set aside, with a warning."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.agora.cloud_recording.plugins.filter.teardown_earlier import teardown_earlier


def b64(data):
    return base64.b64encode(data if isinstance(data, bytes) else data.encode()).decode()


REPORT = json.dumps({'recordings': [{'sid': 'a', 'outcome': 'stopped'}], 'summary': {}})


def test_a_good_report_and_journal_are_read():
    journal = '{"sid": "b", "stage": "stop_sent"}\n{"sid": "b", "outcome": "stopped"}\n'
    earlier = teardown_earlier(b64(REPORT), journal=b64(journal))
    assert earlier == {'recordings': [{'sid': 'a', 'outcome': 'stopped'}],
                       'journal': [{'sid': 'b', 'stage': 'stop_sent'}, {'sid': 'b', 'outcome': 'stopped'}], 'set_aside': []}


def test_nothing_there_is_nothing_known():
    assert teardown_earlier('', journal='') == {'recordings': [], 'journal': [], 'set_aside': []}


@pytest.mark.parametrize('content, reason', [
    ('{"recordings": [', 'not JSON'), ('   \n', 'empty'), ('[]', 'not a report'), ('{}', 'not a report'),
    ('{"recordings": "all"}', 'not a report'), (b'\xff\xfe{}', 'not UTF-8 text'), ('null', 'not a report'),
], ids=['truncated', 'blank', 'list', 'object', 'string-list', 'binary', 'null'])
def test_a_report_that_cannot_be_used_is_set_aside(content, reason):
    earlier = teardown_earlier(b64(content), report_path='/r/teardown-report.json', suffix='.corrupt-T')
    assert earlier['recordings'] == []
    assert earlier['set_aside'] == [{'path': '/r/teardown-report.json', 'to': '/r/teardown-report.json.corrupt-T',
                                     'reason': earlier['set_aside'][0]['reason']}]
    assert reason in earlier['set_aside'][0]['reason']


def test_a_journal_with_a_last_line_cut_short_is_whole():
    earlier = teardown_earlier('', journal=b64('{"sid": "b", "outcome": "stopped"}\n{"sid": "c", "outc'))
    assert earlier['journal'] == [{'sid': 'b', 'outcome': 'stopped'}] and earlier['set_aside'] == []


@pytest.mark.parametrize('content', ['garbage\n{"sid": "b"}\n', '[1, 2]\n{"sid": "b"}\n', b'\x00\xff\n'],
                         ids=['garbage-line', 'array-line', 'binary'])
def test_a_journal_with_bad_lines_gives_its_good_lines_and_is_set_aside(content):
    earlier = teardown_earlier('', journal=b64(content), journal_path='/r/j.jsonl')
    assert earlier['journal'] == ([] if isinstance(content, bytes) else [{'sid': 'b'}])
    assert [item['path'] for item in earlier['set_aside']] == ['/r/j.jsonl']


@pytest.mark.parametrize('stat, reason', [({'exists': True, 'isreg': False}, 'not a regular file'),
                                          ({'exists': True, 'isreg': True, 'size': 65 * 1024 * 1024}, 'larger than 64 MiB')],
                         ids=['directory-or-fifo', 'huge'])
def test_files_the_role_did_not_read_are_set_aside(stat, reason):
    files = [{'item': '/r/report.json', 'stat': stat}, {'item': '/r/j.jsonl', 'stat': {'exists': False}}]
    earlier = teardown_earlier('', report_path='/r/report.json', journal_path='/r/j.jsonl', files=files)
    assert earlier['set_aside'] == [{'path': '/r/report.json', 'to': '/r/report.json.corrupt', 'reason': reason}]


@pytest.mark.parametrize('entry', [{'sid': ['x'], 'outcome': 'stopped'}, {'sid': 'a', 'app_id': {'a': 1}},
                                   {'sid': 'a', 'outcome': {}}, {'sid': 'a', 'upload_status': ['uploaded']},
                                   {'sid': 'a', 'confirmed': 'yes'}],
                         ids=['sid-list', 'app-id-dict', 'outcome-dict', 'upload-status-list', 'confirmed-text'])
def test_entries_that_are_not_a_teardowns_results_are_dropped_and_the_file_set_aside(entry):
    good = {'sid': 'good', 'outcome': 'stopped', 'upload_status': 'uploaded', 'confirmed': True}
    report = teardown_earlier(b64(json.dumps({'recordings': [good, entry]})))
    journal = teardown_earlier('', journal=b64(json.dumps(good) + '\n' + json.dumps(entry) + '\n'))
    assert report['recordings'] == [good] and journal['journal'] == [good]
    assert report['set_aside'] and journal['set_aside']


def test_json_nested_deeper_than_python_parses_is_set_aside():
    deep = '[' * 200000 + ']' * 200000
    report = teardown_earlier(b64(deep))
    journal = teardown_earlier('', journal=b64(deep + '\n{"sid": "b"}\n'))
    assert report['set_aside'][0]['reason'] == 'JSON nested deeper than any report'
    assert journal['journal'] == [{'sid': 'b'}] and journal['set_aside']


def test_only_what_concerns_this_teardown_is_kept():
    previous = [{'sid': 'mine', 'app_id': 'a'}, {'sid': 'other-event', 'app_id': 'a'}]
    earlier = teardown_earlier(b64(json.dumps({'recordings': previous})), recordings=[{'sid': 'mine'}], app_id='a')
    assert earlier['recordings'] == [{'sid': 'mine', 'app_id': 'a'}]


def test_a_byte_order_mark_is_no_problem():
    assert teardown_earlier(b64('\ufeff' + REPORT))['recordings'] == [{'sid': 'a', 'outcome': 'stopped'}]

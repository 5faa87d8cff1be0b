# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.agora.cloud_recording.plugins.filter.teardown_report import teardown_report


def result(sid, outcome='stopped', upload_status='uploaded', app_id='app', failed=False, files=None):
    return {'app_id': app_id, 'sid': sid, 'outcome': outcome, 'upload_status': upload_status, 'files': files or [],
            'failed': failed}


def test_first_run_is_reported_as_is():
    report = teardown_report([result('a'), result('b', upload_status='no_data')])
    assert [item['upload_status_from'] for item in report['recordings']] == ['this_run', 'this_run']
    assert report['summary']['outcome'] == {'stopped': 2, 'already_stopped': 0}
    assert report['summary']['upload_status']['no_data'] == 1


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


def test_failed_recordings_are_counted():
    failed = dict(result('x', outcome=None, upload_status='unknown', failed=True), msg='HTTP 404')
    assert teardown_report([failed])['summary']['failed'] == 1


def test_rejects_what_is_not_a_batch_result():
    with pytest.raises(AnsibleFilterError):
        teardown_report({'recording': {}})

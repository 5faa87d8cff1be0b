# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The teardown role's storage gate through ansible-playbook -vvv: judged by moto's S3 bucket on loopback, both ways."""

from __future__ import annotations

import os

import pytest

from agora_storage import BUCKET, STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY, MotoServer, RecordingFiles
from test_playbooks import HERE, read_report, run_playbook, teardown_env


@pytest.fixture
def moto():
    server = MotoServer()
    server.client().create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


def test_require_upload_is_judged_by_the_bucket_both_ways(collections_path, tmp_path, simulator, moto):
    arrived, late = simulator.seed(mode='mix', cname='stage'), simulator.seed(mode='mix', cname='hall')
    RecordingFiles(arrived.sid, 'stage').write(moto.client(), 'gate/')
    report_dir = str(tmp_path / 'report')
    extra_vars = {'recording_teardown_report_dir': report_dir, 'recording_teardown_require_upload': True,
                  'recording_teardown_recordings': [arrived.describe(), late.describe()],
                  'recording_teardown_storage': moto.storage_config(['gate'])}
    playbook = os.path.join(HERE, 'teardown_role.yml')
    output = run_playbook(collections_path, tmp_path, playbook, extra_vars, '-vvv', env=teardown_env(simulator),
                          expect_failure=True)
    assert STORAGE_SECRET_KEY not in output and STORAGE_ACCESS_KEY not in output
    assert '1 recording(s) are not complete in the bucket: sid %s (missing: nothing under gate/%s_' % (late.sid, late.sid) in output
    report, summary = read_report(report_dir)
    assert [item['upload'] for item in report['recordings']] == ['confirmed', 'missing']
    assert report['summary']['upload'] == {'confirmed': 1, 'incomplete': 0, 'missing': 1, 'error': 0}
    assert 'In the bucket:' in summary and 'bucket: missing' in summary
    for path in ('teardown-report.json', 'teardown-summary.txt'):
        with open(os.path.join(report_dir, path), encoding='utf-8') as handle:
            assert STORAGE_SECRET_KEY not in handle.read()

    RecordingFiles(late.sid, 'hall').write(moto.client(), 'gate/')
    output = run_playbook(collections_path, tmp_path, playbook, extra_vars, env=teardown_env(simulator))
    report, summary = read_report(report_dir)
    assert [item['upload'] for item in report['recordings']] == ['confirmed', 'confirmed']
    assert 'All files are confirmed uploaded' in summary

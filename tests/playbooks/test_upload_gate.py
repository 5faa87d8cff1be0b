# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The teardown role's storage gate through ansible-playbook -vvv: judged by moto's S3 bucket on loopback, both ways."""

from __future__ import annotations

import os

import pytest
from ansible.release import __version__ as ansible_core_version

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


# ansible-core 2.19 prints the arguments of a task that names an option the module does not have, values included, at
# -vvv (2.21 does not): a key given under a name that is no option of the module's cannot be masked there.
@pytest.mark.skipif(tuple(int(part) for part in ansible_core_version.split('.')[:2]) < (2, 21),
                    reason='ansible-core 2.19 shows an unsupported option\'s value at -vvv')
def test_hostile_input_at_vvv_is_refused_clearly_and_never_shows_a_key(collections_path, tmp_path, moto):
    sid = 'a1' * 16
    playlist = '#EXTM3U\n#EXTINF:15.0\n../other/%s_x.ts\n#EXT-X-ENDLIST\n' % sid
    moto.client().put_object(Bucket=BUCKET, Key='hostile/%s_hostile.m3u8' % sid, Body=playlist.encode())
    # A key given in the wrong place is not an option marked no_log: it must not be shown either.
    misplaced = 'Misplaced-Key-Never-Print-77'
    extra_vars = {'sid': sid, 'storage': moto.storage_config(['hostile']), 'storage_secret': misplaced}
    output = run_playbook(collections_path, tmp_path, os.path.join(HERE, 'upload_info_hostile.yml'), extra_vars, '-vvv')
    assert misplaced not in output and STORAGE_SECRET_KEY not in output and STORAGE_ACCESS_KEY not in output
    assert 'ESTABLISH LOCAL CONNECTION' in output and 'failed=0' in output

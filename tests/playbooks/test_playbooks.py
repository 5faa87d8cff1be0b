# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-playbook runs against the collection built and installed as a user installs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time


from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT
from agora_simulator import gateway_404

BIN = os.path.dirname(sys.executable)
HERE = os.path.dirname(os.path.abspath(__file__))


def run_playbook(collections_path, tmp_path, playbook, extra_vars, *options, env=None, expect_failure=False):
    vars_file = tmp_path / 'vars.json'
    vars_file.write_text(json.dumps(extra_vars))
    child_env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_'))}
    child_env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                     ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1',
                     ANSIBLE_HOME=str(tmp_path / 'ansible-home'))
    child_env.update(env or {})
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook,
                           '-e', '@%s' % vars_file, *options],
                          capture_output=True, text=True, env=child_env, timeout=600, check=False)
    output = proc.stdout + proc.stderr
    (tmp_path / 'output.txt').write_text(output)
    assert (proc.returncode != 0) == expect_failure, output[-4000:]
    return output


def test_every_case_through_ansible_playbook_with_vvv_never_shows_the_secret(collections_path, tmp_path, simulator):
    running = simulator.seed(mode='mix', file_list_mode='json', uid='527841')
    empty = simulator.seed(mode='individual', publishing=False)
    wrong_path = simulator.seed()
    simulator.add_fault(gateway_404(sid=wrong_path.sid))
    extra_vars = {
        'agora_customer_id': CUSTOMER_ID, 'agora_customer_secret': CUSTOMER_SECRET, 'simulator_url': simulator.url,
        'running': dict(running.describe(), uid=527841), 'empty': empty.describe(), 'gateway_404': wrong_path.describe(),
    }
    output = run_playbook(collections_path, tmp_path, os.path.join(HERE, 'stop_cases.yml'), extra_vars, '-vvv')
    assert CUSTOMER_SECRET not in output
    # The run was verbose: connection details and every module result, failures included, were printed.
    assert 'ESTABLISH LOCAL CONNECTION' in output and '"upload_status": "no_data"' in output and 'URL is wrong' in output
    assert re.search(r'ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0', output)
    # check mode sent a query, not a stop; the real stop came after it
    assert [request.method for request in simulator.received if running.sid in request.path][:2] == ['GET', 'POST']


def test_credentials_from_the_environment_only(collections_path, tmp_path, simulator):
    running = simulator.seed()
    env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': simulator.url}
    output = run_playbook(collections_path, tmp_path, os.path.join(HERE, 'env_credentials.yml'),
                          {'running': running.describe()}, env=env)
    assert CUSTOMER_SECRET not in output
    assert simulator.recording(running.sid).state != 'recording'


def test_example_teardown_is_changed_then_ok(collections_path, tmp_path, simulator):
    recordings = [simulator.seed(mode=mode).describe() for mode in ('mix', 'individual', 'web')]
    env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': simulator.url}
    playbook = os.path.join(REPO_ROOT, 'examples', 'teardown.yml')
    first = run_playbook(collections_path, tmp_path, playbook, {'recordings': recordings}, env=env)
    second = run_playbook(collections_path, tmp_path, playbook, {'recordings': recordings}, env=env)
    assert len(re.findall(r'^changed: \[localhost\]', first, re.M)) == 3
    assert len(re.findall(r'^changed: \[localhost\]', second, re.M)) == 0
    assert first.count('stopped, upload uploaded') == 3
    assert second.count('already_stopped, upload unknown') == 3


def teardown_env(simulator):
    return {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': simulator.url}


def read_report(report_dir):
    with open(os.path.join(report_dir, 'teardown-report.json'), encoding='utf-8') as handle:
        report = json.load(handle)
    with open(os.path.join(report_dir, 'teardown-summary.txt'), encoding='utf-8') as handle:
        return report, handle.read()


def test_teardown_role_reports_and_is_idempotent(collections_path, tmp_path, simulator):
    recordings = [simulator.seed(mode='mix'), simulator.seed(mode='web'), simulator.seed(publishing=False)]
    exported = tmp_path / 'recordings.json'
    exported.write_text(json.dumps({'recordings': [item.describe() for item in recordings[:2]]}))
    report_dir = str(tmp_path / 'report')
    extra_vars = {'recording_teardown_recordings_file': str(exported), 'recording_teardown_report_dir': report_dir,
                  'recording_teardown_recordings': [recordings[2].describe()], 'recording_teardown_require_upload': True}
    playbook = os.path.join(HERE, 'teardown_role.yml')

    first = run_playbook(collections_path, tmp_path, playbook, extra_vars, env=teardown_env(simulator))
    report, summary = read_report(report_dir)
    assert report['summary']['outcome'] == {'stopped': 3, 'already_stopped': 0}
    assert report['summary']['upload_status']['uploaded'] == 2 and report['summary']['upload_status']['no_data'] == 1
    assert [item['sid'] for item in report['recordings']] == [item.sid for item in recordings]
    assert 'stopped now:     3' in summary and 'All files are confirmed uploaded' in summary
    assert re.search(r'localhost\s+: ok=\d+\s+changed=2 ', first)  # the stop, and the report directory

    second = run_playbook(collections_path, tmp_path, playbook, extra_vars, env=teardown_env(simulator))
    report, summary = read_report(report_dir)
    assert re.search(r'localhost\s+: ok=\d+\s+changed=0 ', second)
    assert report['summary']['outcome'] == {'stopped': 0, 'already_stopped': 3}
    # Agora has forgotten the recordings; the upload states come from the first report, so require_upload still passes.
    assert [item['upload_status_from'] for item in report['recordings']] == ['previous_report'] * 3
    assert report['summary']['upload_status']['uploaded'] == 2


def test_teardown_role_fails_after_reporting_unconfirmed_uploads_and_failures(collections_path, tmp_path, simulator):
    pending, broken, fine = simulator.seed(), simulator.seed(), simulator.seed()
    simulator.add_fault(gateway_404(sid=broken.sid, times=None))
    report_dir = str(tmp_path / 'report')
    extra_vars = {'recording_teardown_report_dir': report_dir, 'recording_teardown_require_upload': True,
                  'recording_teardown_recordings': [dict(pending.describe(), async_stop=True), broken.describe(), fine.describe()]}
    output = run_playbook(collections_path, tmp_path, os.path.join(HERE, 'teardown_role.yml'), extra_vars,
                          env=teardown_env(simulator), expect_failure=True)
    assert '1 of 3 recordings could not be stopped' in output and broken.sid in output
    report, summary = read_report(report_dir)
    assert report['summary']['failed'] == 1 and report['summary']['outcome']['stopped'] == 2
    assert 'Files not confirmed uploaded (2)' in summary and pending.sid in summary and broken.sid in summary
    assert simulator.recording(fine.sid).state != 'recording'

    simulator.clear_faults()
    extra_vars['recording_teardown_recordings'] = [dict(pending.describe(), async_stop=True), broken.describe()]
    output = run_playbook(collections_path, tmp_path, os.path.join(HERE, 'teardown_role.yml'), extra_vars,
                          env=teardown_env(simulator), expect_failure=True)
    assert "1 recording(s) have files not confirmed uploaded: %s" % pending.sid in output
    assert 'pending: Agora uploads after its answer' in output


def test_teardown_role_refuses_bad_input_before_anything_runs(collections_path, tmp_path, simulator):
    extra_vars = {'recording_teardown_concurrency': 'many', 'recording_teardown_report_dir': str(tmp_path / 'report')}
    output = run_playbook(collections_path, tmp_path, os.path.join(HERE, 'teardown_role.yml'), extra_vars,
                          env=teardown_env(simulator), expect_failure=True)
    assert 'recording_teardown_concurrency' in output
    assert simulator.received == [] and not os.path.exists(tmp_path / 'report')


def test_teardown_role_takes_stock_before_it_stops(collections_path, tmp_path, simulator):
    running, gone = simulator.seed(mode='mix'), simulator.seed(state='ended')
    stopping = simulator.seed()
    stopping.state, stopping.exit_until = 'exiting', time.monotonic() + 600
    report_dir = str(tmp_path / 'report')
    extra_vars = {'recording_teardown_report_dir': report_dir, 'recording_teardown_inventory': True,
                  'recording_teardown_not_found_recheck': 0,
                  'recording_teardown_recordings': [item.describe() for item in (running, stopping, gone)]}
    run_playbook(collections_path, tmp_path, os.path.join(HERE, 'teardown_role.yml'), extra_vars, env=teardown_env(simulator))
    report, summary = read_report(report_dir)
    assert [item['before_teardown'] for item in report['recordings']] == ['recording', 'stopping', 'gone']
    assert report['summary']['before_teardown'] == {'recording': 1, 'stopping': 1, 'gone': 1}
    assert 'Before the teardown:' in summary and 'recording 1' in ' '.join(summary.split())
    # Every query went before the first stop, and only the running recording was stopped now.
    methods = [request.method for request in simulator.received]
    assert methods[:3] == ['GET'] * 3 and set(methods[3:]) == {'POST'}
    assert [item['outcome'] for item in report['recordings']] == ['stopped', 'already_stopped', 'already_stopped']

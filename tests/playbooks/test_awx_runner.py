# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The teardown as AWX runs it: ansible-runner, with the credential injected as the credential type says."""

from __future__ import annotations

import os
import sys

import pytest
import yaml

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT, SimulatorProcess

ansible_runner = pytest.importorskip('ansible_runner')

PLAYBOOK = '''---
- name: Tear down an event
  hosts: localhost
  gather_facts: false
  roles:
    - role: agora.cloud_recording.recording_teardown
'''


def inject_credential(simulator_url, folder):
    """Do what AWX does with extensions/awx/credential_type.yml for one credential: write its files, return its env."""
    with open(os.path.join(REPO_ROOT, 'extensions', 'awx', 'credential_type.yml'), encoding='utf-8') as handle:
        credential_type = yaml.safe_load(handle)
    inputs = {'customer_id': CUSTOMER_ID, 'customer_secret': CUSTOMER_SECRET, 'api_base_url': simulator_url}
    assert [field['id'] for field in credential_type['inputs']['fields'] if field.get('secret')] == ['customer_secret']

    def field_of(template):
        return template.split('{{')[1].split('|')[0].split('}}')[0].strip()

    filenames = {}
    for name, template in credential_type['injectors']['file'].items():
        path = folder / name.split('.', 1)[1]
        path.write_text(inputs[field_of(template)])
        filenames['tower.filename.' + name.split('.', 1)[1]] = str(path)
    env = {name: filenames.get(field_of(template)) or inputs[field_of(template)]
           for name, template in credential_type['injectors']['env'].items()}
    assert env['AGORA_CUSTOMER_SECRET_FILE'] == str(folder / 'secret') and 'AGORA_CUSTOMER_SECRET' not in env
    return env


@pytest.fixture
def simulator_process(tmp_path):
    """Three running recordings (one in a channel nobody publishes in), served by a process of its own.

    ansible-runner forks a pty, as AWX does; the simulator's threads stay out of the forking process.
    """
    folder = tmp_path / 'simulator'
    folder.mkdir()
    process = SimulatorProcess(str(folder), ['--seed', '3', '--empty-channel', 'seed-channel-3'])
    yield process
    process.finish()


def test_teardown_through_ansible_runner_leaves_no_secret_in_artifacts(collections_path, tmp_path, simulator_process, monkeypatch):
    # AWX's execution environment has ansible-playbook on PATH; here it sits beside this Python.
    monkeypatch.setenv('PATH', os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    recordings = simulator_process.recordings
    data = tmp_path / 'runner'
    (data / 'project').mkdir(parents=True)
    (data / 'project' / 'teardown.yml').write_text(PLAYBOOK)
    (data / 'inventory').mkdir()
    (data / 'inventory' / 'hosts').write_text('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    credentials = tmp_path / 'credentials'
    credentials.mkdir()
    envvars = dict(inject_credential(simulator_process.url, credentials), ANSIBLE_COLLECTIONS_PATH=collections_path,
                   ANSIBLE_HOME=str(tmp_path / 'ansible-home'))
    extravars = {'recording_teardown_recordings': recordings,
                 'recording_teardown_report_dir': str(data / 'artifacts' / 'teardown-report'),
                 'recording_teardown_require_upload': True}

    run = ansible_runner.run(private_data_dir=str(data), playbook='teardown.yml', envvars=envvars, extravars=extravars,
                             ident='teardown', quiet=True, timeout=600)

    assert (run.status, run.rc) == ('successful', 0)
    facts = [event['event_data']['res']['ansible_facts'] for event in run.events
             if event.get('event') == 'runner_on_ok' and 'agora_cloud_recordings' in event['event_data'].get('res', {}).get('ansible_facts', {})]
    assert len(facts) == 1
    assert [item['sid'] for item in facts[0]['agora_cloud_recordings']] == [item['sid'] for item in recordings]
    summary = facts[0]['agora_cloud_recording_summary']
    assert summary['outcome']['stopped'] == 3 and summary['upload_status']['no_data'] == 1
    assert simulator_process.finish()['still_recording'] == 0

    artifacts = data / 'artifacts'
    files = [path for path in artifacts.rglob('*') if path.is_file()]
    assert any(path.name == 'teardown-report.json' for path in files) and any(path.name == 'stdout' for path in files)
    leaks = [str(path) for path in files if CUSTOMER_SECRET.encode() in path.read_bytes()]
    assert leaks == []

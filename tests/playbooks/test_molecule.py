# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""molecule's own converge / idempotence / verify sequence for the recording_teardown role, on localhost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT

BIN = os.path.dirname(sys.executable)


@pytest.mark.skipif(not os.path.exists(os.path.join(BIN, 'molecule')), reason='molecule is installed with ansible-core 2.21 only')
def test_molecule_teardown_scenario(collections_path, tmp_path, simulator):
    recordings = [simulator.seed(mode='mix'), simulator.seed(mode='individual'), simulator.seed(publishing=False)]
    exported = tmp_path / 'recordings.yml'
    exported.write_text(json.dumps([item.describe() for item in recordings]))
    # molecule works in the collection's root; a copy keeps its caches out of the checkout.
    work = tmp_path / 'collection'
    shutil.copytree(REPO_ROOT, work, ignore=shutil.ignore_patterns('.venv*', 'build', '.git', 'tests', '.ansible'))
    env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_', 'MOLECULE_'))}
    env.update(PATH=BIN + os.pathsep + env.get('PATH', ''), ANSIBLE_COLLECTIONS_PATH=collections_path,
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
               HOME=str(tmp_path / 'home'), AGORA_CUSTOMER_ID=CUSTOMER_ID, AGORA_CUSTOMER_SECRET=CUSTOMER_SECRET,
               AGORA_API_BASE_URL=simulator.url, AGORA_TEARDOWN_RECORDINGS_FILE=str(exported),
               AGORA_TEARDOWN_REPORT_DIR=str(tmp_path / 'report'), ANSIBLE_NOCOLOR='1', NO_COLOR='1')
    proc = subprocess.run([os.path.join(BIN, 'molecule'), 'test', '-s', 'teardown'], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    output = proc.stdout + proc.stderr
    # molecule prints a "Successful" summary even when idempotence failed: the exit code is what counts.
    assert proc.returncode == 0, output[-5000:]
    assert 'idempotence' in output
    assert CUSTOMER_SECRET not in output
    # converge stopped 3; the idempotence run sent nothing: the report had confirmed all three stopped.
    assert len(simulator.requests_for('stop')) == 3

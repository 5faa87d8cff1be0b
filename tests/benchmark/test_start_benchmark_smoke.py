# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The start benchmark still runs end to end at its smallest size. Its timings are judged by the benchmark, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from agora_test_support import REPO_ROOT


def test_start_benchmark_smallest_size(tmp_path):
    output = tmp_path / 'start-benchmark.json'
    proc = subprocess.run([sys.executable, os.path.join(REPO_ROOT, 'benchmarks', 'start.py'), '--recordings', '3',
                           '--start-time', '0.05-0.1', '--no-targets', '--output', str(output)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(output.read_text())
    (run,) = report['runs']
    # What the benchmark judges is measured: both runs, Ansible's start-up, and every request by action.
    assert run['actions'] == {'acquire': 3, 'start': 3, 'query': 3} and run['rate_limited'] == 0
    assert run['first_summary']['outcome']['started'] == 3 and run['second_summary']['outcome']['already_running'] == 3
    assert report['first_seconds'] > 0 and report['second_seconds'] > 0 and report['startup_seconds'] > 0
    assert report['bound_seconds'] > report['startup_seconds']
    assert '| recordings | rate |' in proc.stdout

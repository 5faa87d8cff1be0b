# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark still runs end to end at its smallest size. Its timings are judged by the benchmark, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from agora_test_support import REPO_ROOT


def test_benchmark_smallest_size(tmp_path):
    output = tmp_path / 'benchmark.json'
    proc = subprocess.run([sys.executable, os.path.join(REPO_ROOT, 'benchmarks', 'teardown.py'), '--sizes', '1', '--runs', '1',
                           '--memory', '20', '--no-targets', '--output', str(output)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(output.read_text())
    assert sorted((row['setting'], row['approach']) for row in report['rows']) == sorted(
        (setting, approach) for setting in ('10 req/s', 'no limit') for approach in ('batch', 'loop', 'uri', 'floor'))
    assert all(row['n'] == 1 and row['seconds'] > 0 and row['rss_mib'] > 0 for row in report['rows'])
    assert report['module_memory']['recordings'] == 20 and report['module_memory']['rss_mib'] > 0
    assert 'approach' in proc.stdout  # the table was printed

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The upload_info benchmark still runs end to end at a tiny size. Its timings are judged by the benchmark, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from agora_test_support import REPO_ROOT


def test_upload_info_benchmark_smallest_size(tmp_path):
    output = tmp_path / 'upload_info.json'
    proc = subprocess.run([sys.executable, os.path.join(REPO_ROOT, 'benchmarks', 'upload_info.py'), '--recordings', '3',
                           '--segments', '5', '--runs', '1', '--no-targets', '--output', str(output)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report['confirmed'] == 3 and report['objects'] == 18 and report['checks'] == []
    assert report['module_requests'] <= report['request_bound'] and report['floor_requests'] == 6
    assert report['module_rss_mib'] > 0 and report['floor_seconds'] > 0

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The NCS load benchmark still runs end to end at a small size and its exactly-once checks hold; its timings are
judged by the benchmark (docs/performance.md), not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from agora_test_support import REPO_ROOT

pytest.importorskip('aiohttp')


def test_ncs_load_at_a_small_size(tmp_path):
    output = tmp_path / 'ncs_load.json'
    proc = subprocess.run([sys.executable, os.path.join(REPO_ROOT, 'benchmarks', 'ncs_load.py'), '--notices', '300',
                           '--senders', '10', '--workdir', str(tmp_path), '--output', str(output)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report['checks'] == []
    assert (report['notices'], report['distinct'], report['copies']) == (300, 240, 60)
    assert report['statuses'] == {'200': 300} and report['on_queue'] == report['distinct_on_queue_once'] == 240
    assert report['rss_peak_mib'] > 0 and report['dedup_bytes_per_notice'] > 0

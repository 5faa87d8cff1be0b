# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark still runs end to end at its smallest size, both parts. Its timings are judged by the benchmark, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from agora_test_support import REPO_ROOT

# The realistic part at its smallest: one case of two App IDs, uploads of a tenth of a second, tiny memory and client
# runs; the classic part at Agora's limit only. Every approach and every kind of row still runs once.
REALISTIC_SMOKE = ['--realistic-cases', '2x1', '--certifi-cases', '2x1', '--uri-loop', '1', '--realistic-memory', '2x3',
                   '--tls-compare', '10', '--tls-compare-threads', '4', '--upload-time', '0.1-0.3']


def test_benchmark_smallest_size(tmp_path):
    output = tmp_path / 'benchmark.json'
    proc = subprocess.run([sys.executable, os.path.join(REPO_ROOT, 'benchmarks', 'teardown.py'), '--sizes', '1', '--runs', '1',
                           '--settings', 'limited', '--memory', '20', *REALISTIC_SMOKE, '--no-targets', '--output', str(output)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report['checks'] == []

    classic = report['classic']
    assert sorted((row['setting'], row['approach']) for row in classic['rows']) == sorted(
        ('10 req/s', approach) for approach in ('batch', 'loop', 'uri', 'floor'))
    assert all(row['n'] == 1 and row['seconds'] > 0 and row['rss_mib'] > 0 for row in classic['rows'])
    assert classic['module_memory']['recordings'] == 20 and classic['module_memory']['rss_mib'] > 0

    realistic = report['realistic']
    assert sorted((row['approach'], row['apps'], row['per_app'], row['bundle']) for row in realistic['rows']) == [
        ('batch', 2, 1, 'certifi + simulator CA'), ('batch', 2, 1, 'simulator CA'), ('floor', 2, 1, 'simulator CA'),
        ('uri', 1, 1, 'simulator CA')]
    for row in realistic['rows']:
        # Every request reached the simulator through Agora's first domain name, over TLS, via the loopback resolver.
        assert row['seconds'] > 0 and row['rss_mib'] > 0 and 0.1 <= row['slowest_upload'] <= 0.3
        assert row['domains']['api.sd-rtn.com'] >= 1 and row['domains']['api.agora.io'] == 0
    assert realistic['probe']['shim'] == ['api.agora.io', 'api.sd-rtn.com'] and not realistic['probe']['isolated']
    assert [memory['bundle'] for memory in realistic['module_memory']] == ['simulator CA', 'certifi + simulator CA']
    for memory in realistic['module_memory']:
        assert memory['recordings'] == 6 and memory['rss_mib'] > 0 and memory['api_hosts'] == {'https://api.sd-rtn.com': 6}
    assert sorted((row['client'], row['threads']) for row in realistic['clients']) == [
        ('open_url', 1), ('open_url', 4), ('requests', 1), ('requests', 4)]
    assert all(row['per_second'] > 0 and row['cpu_seconds'] > 0 for row in realistic['clients'])

    assert 'approach' in proc.stdout and 'requests vs open_url' in proc.stdout  # the tables were printed

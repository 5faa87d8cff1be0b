# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long confirming uploads in the bucket takes, against moto's S3 server on loopback (a process of its own).

The bucket holds --recordings mix recordings of --segments segments each (hour-long: 240 segments of 15 s), named as
Agora names them, each with its finished playlist. Two approaches confirm them all:
  module   agora_cloud_recording_upload_info as Ansible runs it (its own process, the recordings in one task)
  floor    a bare boto3 loop that only lists each recording's prefix (paginated) and reads its playlist
Wall time is the median of --runs runs; the module's peak RSS is its process's (wait4); requests are counted by the
module (listing pages + playlist reads) and by the loop. Targets (checked unless --no-targets): module time at most
1.2 x the floor's, requests at most ceil(objects / 1000) + playlists, peak RSS under 200 MiB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, '..', 'tests', 'support'), os.path.join(HERE, '..', 'tests', 'simulator')]

from agora_storage import BUCKET, MotoServer, RecordingFiles  # noqa: E402  (needs the path above)
from agora_test_support import COLLECTIONS_ROOT, REPO_ROOT  # noqa: E402

MODULE = os.path.join(REPO_ROOT, 'plugins', 'modules', 'agora_cloud_recording_upload_info.py')
PREFIX = ['bench']
TIME_TARGET = 1.2
MEMORY_TARGET_MIB = 200


def fill(server: MotoServer, recordings: int, segments: int) -> list[dict[str, str]]:
    """Write the recordings' files (in parallel: moto answers one put at a time per connection)."""
    client = server.client()
    client.create_bucket(Bucket=BUCKET)
    entries = [RecordingFiles('%032x' % (index + 1), 'room-%d' % index, segments=segments) for index in range(recordings)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda entry: entry.write(server.client(), 'bench/'), entries))
    return [dict(sid=entry.sid, cname=entry.cname, mode='mix') for entry in entries]


def floor(server: MotoServer, entries: list[dict[str, str]]) -> tuple[float, int]:
    """The bare loop: list each prefix, read each playlist. Returns seconds and requests."""
    client = server.client()
    requests = 0
    start = time.perf_counter()
    for entry in entries:
        prefix = 'bench/%s_' % entry['sid']
        token = None
        while True:
            page = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix, MaxKeys=1000,
                                          **({'ContinuationToken': token} if token else {}))
            requests += 1
            if not page.get('IsTruncated'):
                break
            token = page['NextContinuationToken']
        client.get_object(Bucket=BUCKET, Key='bench/%s_%s.m3u8' % (entry['sid'], entry['cname']))['Body'].read()
        requests += 1
    return time.perf_counter() - start, requests


def module(server: MotoServer, entries: list[dict[str, str]], workdir: str) -> tuple[float, int, float, dict]:
    """The module as a process. Returns seconds, requests, peak RSS (MiB) and the summary."""
    args_file = os.path.join(workdir, 'args.json')
    with open(args_file, 'w', encoding='utf-8') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': dict(recordings=entries, storage=server.storage_config(PREFIX))}, handle)
    output = os.path.join(workdir, 'output.json')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [COLLECTIONS_ROOT, os.environ.get('PYTHONPATH')])))
    start = time.perf_counter()
    with open(output, 'w', encoding='utf-8') as handle:
        proc = subprocess.Popen([sys.executable, MODULE, args_file], stdout=handle, stderr=subprocess.DEVNULL, env=env)
        # wait4: this process's own peak RSS (the moto server is a child too).
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    with open(output, encoding='utf-8') as handle:
        result = json.load(handle)
    assert not result.get('failed'), result.get('msg')
    return seconds, result['requests'], usage.ru_maxrss / 1024, result['summary']


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--recordings', type=int, default=300)
    parser.add_argument('--segments', type=int, default=240)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--output', help='write the results here as JSON')
    parser.add_argument('--no-targets', action='store_true', help='report without judging the targets (smoke runs)')
    args = parser.parse_args(argv)
    server = MotoServer()
    try:
        fill_start = time.perf_counter()
        entries = fill(server, args.recordings, args.segments)
        objects = args.recordings * (args.segments + 1)
        print('bucket filled: %d objects in %.1f s' % (objects, time.perf_counter() - fill_start), flush=True)
        floors, modules = [], []
        with tempfile.TemporaryDirectory() as workdir:
            for _run in range(args.runs):
                floors.append(floor(server, entries))
                modules.append(module(server, entries, workdir))
    finally:
        server.stop()
    summary = modules[-1][3]
    report = {
        'recordings': args.recordings, 'segments': args.segments, 'objects': objects, 'runs': args.runs,
        'floor_seconds': statistics.median(item[0] for item in floors), 'floor_requests': floors[-1][1],
        'module_seconds': statistics.median(item[0] for item in modules), 'module_requests': modules[-1][1],
        'module_rss_mib': max(item[2] for item in modules), 'confirmed': summary['upload']['confirmed'],
        'request_bound': math.ceil(objects / 1000) + args.recordings,
    }
    report['ratio'] = report['module_seconds'] / report['floor_seconds']
    checks = []
    if report['confirmed'] != args.recordings:
        checks.append('only %d of %d recordings confirmed' % (report['confirmed'], args.recordings))
    if not args.no_targets:
        if report['ratio'] > TIME_TARGET:
            checks.append('module %.2f x the floor (target %.1f)' % (report['ratio'], TIME_TARGET))
        if report['module_requests'] > report['request_bound']:
            checks.append('%d requests (bound %d)' % (report['module_requests'], report['request_bound']))
        if report['module_rss_mib'] >= MEMORY_TARGET_MIB:
            checks.append('peak RSS %.0f MiB (target under %d)' % (report['module_rss_mib'], MEMORY_TARGET_MIB))
    report['checks'] = checks
    print('| approach | recordings | objects | seconds (median of %d) | requests | peak RSS |' % args.runs)
    print('|---|---|---|---|---|---|')
    print('| module (upload_info, one task) | %d | %d | %.2f | %d (bound %d) | %.0f MiB |'
          % (args.recordings, objects, report['module_seconds'], report['module_requests'], report['request_bound'],
             report['module_rss_mib']))
    print('| floor (bare boto3 loop: list + read) | %d | %d | %.2f | %d | - |'
          % (args.recordings, objects, report['floor_seconds'], report['floor_requests']))
    print('module / floor: %.2f' % report['ratio'])
    if args.output:
        with open(args.output, 'w', encoding='utf-8') as handle:
            json.dump(report, handle, indent=2)
    for check in checks:
        print('TARGET MISSED: ' + check)
    return 1 if checks else 0


if __name__ == '__main__':
    sys.exit(main())

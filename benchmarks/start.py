# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long starting an event's recordings takes, and what a re-run with the ledger sends, against the simulator.

A simulator process serves HTTPS with its own CA, limits each App ID to --rate requests per second (a sliding second,
as Agora's gateway) and answers each start after a time drawn from --start-time (fixed seed). ansible-playbook runs
the start module once over --recordings channels of one App ID in batch mode with a ledger (acquire + start each,
the module's defaults: rate_limit 10), then again with the same ledger. Measured: the wall time of each run, the
wall time of the same playbook around a task that does nothing (Ansible's start-up), 429s, the requests of each action and the busiest
second. Target (the start module's issue): the first run within 1.15 x (2 N / rate) + the slowest start answer +
Ansible's start-up, no 429; the re-run sends only the N queries and starts nothing.

    python benchmarks/start.py --output build/start-benchmark.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'support'))
from agora_test_support import SimulatorProcess, install_collection  # noqa: E402  (needs the path above)

BIN = os.path.dirname(sys.executable)
CUSTOMER_ID, CUSTOMER_SECRET = 'bench-customer-id', 'bench-customer-secret'
APP_ID = '0123456789abcdef0123456789abcdef'
TARGET_RATIO = 1.15
SEED = 7
# Any one playbook run gets this long; then it is killed and the benchmark fails.
RUN_TIMEOUT = 1800.0

# Both plays keep the registered result the same way, so that the start-up play costs what the start play costs
# around its module.
KEEP_RESULT = '''
    - name: Keep the result
      ansible.builtin.copy:
        content: "{{ started | ansible.builtin.to_json }}"
        dest: "{{ result_file }}"
        mode: "0600"
'''
START_PLAYBOOK = '''---
- name: Start the event's recordings
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Start every channel once
      agora.cloud_recording.agora_cloud_recording_start:
        app_id: "{{ app_id }}"
        mode: mix
        recordings: "{{ channels }}"
        client_request:
          recordingFileConfig: {avFileType: [hls, mp4]}
          storageConfig: {vendor: 1, region: 0, bucket: bench, accessKey: bench-access, secretKey: bench-secret}
        ledger: "{{ ledger }}"
      register: started
''' + KEEP_RESULT
NOTHING_PLAYBOOK = '''---
- name: Nothing, to time Ansible's start-up
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Nothing
      ansible.builtin.debug:
        msg: start-up
      register: started
''' + KEEP_RESULT


def _seconds_range(text: str) -> tuple[float, float]:
    low, dash, high = text.partition('-')
    return (float(low), float(high)) if dash else (float(low), float(low))


def playbook(collections: str, workdir: str, path: str, extra_vars: dict, env: dict) -> float:
    """Run a playbook; return its wall time (seconds). Fails on a failed run."""
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump(extra_vars, handle)
    child_env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_'))}
    child_env.update(ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                     ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1',
                     ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'), **env)
    began = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', path, '-e',
                           '@' + vars_file], capture_output=True, text=True, env=child_env, timeout=RUN_TIMEOUT, check=False)
    seconds = time.monotonic() - began
    if proc.returncode != 0:
        raise RuntimeError('%s failed:\n%s' % (path, (proc.stdout + proc.stderr)[-3000:]))
    return seconds


def one_run(collections: str, workdir: str, args: argparse.Namespace) -> dict:
    """Start N recordings on a fresh simulator, then again with the ledger; what each run took and sent."""
    sim = SimulatorProcess(workdir, ['--tls', '--rate-limit', str(args.rate), '--start-time', args.start_time,
                                     '--random-seed', str(SEED)], CUSTOMER_ID, CUSTOMER_SECRET)
    env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': sim.url,
           'REQUESTS_CA_BUNDLE': sim.ca_bundle or ''}
    start = os.path.join(workdir, 'start.yml')
    results = []
    try:
        walls = []
        for attempt in ('first', 'second'):
            result_file = os.path.join(workdir, '%s-result.json' % attempt)
            extra_vars = {'app_id': APP_ID, 'ledger': os.path.join(workdir, 'ledger.json'), 'result_file': result_file,
                          'channels': [{'cname': 'room-%d' % number, 'uid': 1000 + number} for number in range(args.recordings)]}
            walls.append(playbook(collections, workdir, start, extra_vars, env))
            with open(result_file, encoding='utf-8') as handle:
                results.append(json.load(handle))
    finally:
        stats = sim.finish()
    for name in ('ledger.json', 'first-result.json', 'second-result.json'):
        os.remove(os.path.join(workdir, name))
    return {'first_seconds': walls[0], 'second_seconds': walls[1], 'first_summary': results[0]['summary'],
            'second_summary': results[1]['summary'], 'second_changed': results[1]['changed'],
            'rate_limited': stats['rate_limited'], 'actions': stats['actions'], 'busiest_second': stats['busiest_second'],
            'max_in_flight': stats['max_in_flight']}


def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix='agora-start-bench-') as workdir:
        collections = install_collection(workdir)
        for name, text in (('start.yml', START_PLAYBOOK), ('nothing.yml', NOTHING_PLAYBOOK)):
            with open(os.path.join(workdir, name), 'w', encoding='utf-8') as handle:
                handle.write(text)
        nothing = {'result_file': os.path.join(workdir, 'nothing.json')}
        startups = [playbook(collections, workdir, os.path.join(workdir, 'nothing.yml'), nothing, {}) for dummy in range(args.runs)]
        runs = [one_run(collections, workdir, args) for dummy in range(args.runs)]
    slowest = _seconds_range(args.start_time)[1]
    startup = statistics.median(startups)
    bound = TARGET_RATIO * (2 * args.recordings / args.rate) + slowest + startup
    return {'recordings': args.recordings, 'rate': args.rate, 'start_time': args.start_time, 'runs': runs,
            'startup_seconds': startup, 'bound_seconds': bound,
            'first_seconds': statistics.median(run['first_seconds'] for run in runs),
            'second_seconds': statistics.median(run['second_seconds'] for run in runs)}


def checks(report: dict) -> list[str]:
    """Every way the runs missed the issue's target, or []."""
    failures = []
    n = report['recordings']
    if report['first_seconds'] > report['bound_seconds']:
        failures.append('first run %.1f s > bound %.1f s' % (report['first_seconds'], report['bound_seconds']))
    for number, run in enumerate(report['runs']):
        if run['rate_limited']:
            failures.append('run %d: %d answers were 429' % (number, run['rate_limited']))
        if run['actions'] != {'acquire': n, 'start': n, 'query': n}:
            failures.append('run %d: requests per action %s, expected %d acquire, start and query' % (number, run['actions'], n))
        if run['first_summary']['outcome']['started'] != n or run['second_summary']['outcome']['already_running'] != n:
            failures.append('run %d: first %s, second %s' % (number, run['first_summary'], run['second_summary']))
        if run['second_changed']:
            failures.append('run %d: the re-run reported changed' % number)
    return failures


def table(report: dict) -> str:
    first = report['runs'][0]
    lines = ['| recordings | rate | start answers | first run | bound | re-run | Ansible start-up | 429s | '
             'requests (first + re-run) | answers in the busiest second |',
             '|---|---|---|---|---|---|---|---|---|---|',
             '| %d | %d req/s | %s s | %.1f s | %.1f s | %.1f s | %.1f s | %d | %s | %s |'
             % (report['recordings'], report['rate'], report['start_time'], report['first_seconds'], report['bound_seconds'],
                report['second_seconds'], report['startup_seconds'], sum(run['rate_limited'] for run in report['runs']),
                ', '.join('%s %d' % item for item in sorted(first['actions'].items())),
                max(first['busiest_second'].values(), default=0))]
    return '\n'.join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--recordings', type=int, default=100)
    parser.add_argument('--rate', type=int, default=10, help='the simulator\'s limit per App ID (the module paces at 10)')
    parser.add_argument('--start-time', default='1-3', help='seconds a start answer takes: 2, or 1-3')
    parser.add_argument('--runs', type=int, default=1, help='runs of each measurement; the median is reported')
    parser.add_argument('--no-targets', action='store_true', help='report the checks without failing on them')
    parser.add_argument('--output', help='write the whole report here as JSON')
    args = parser.parse_args()
    report = measure(args)
    report['checks'] = checks(report)
    report['python'] = sys.version.split()[0]
    report['cpus'] = os.cpu_count()
    print(table(report))
    for failure in report['checks']:
        print('target missed: ' + failure)
    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, 'w', encoding='utf-8') as handle:
            json.dump(report, handle, indent=2)
    return 1 if report['checks'] and not args.no_targets else 0


if __name__ == '__main__':
    sys.exit(main())

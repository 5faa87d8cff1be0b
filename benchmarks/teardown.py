# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long an event teardown takes, by approach, against the simulator on loopback.

For each size N and each setting (Agora's default 10 req/s limit, and no limit), a fresh simulator process is seeded
with N recordings at 200 ms latency, and one approach stops them all:
  batch     the module's batch mode in one task (ansible-playbook)
  loop      the module, single mode, in a `loop`
  uri       ansible.builtin.uri in a `loop`, making the same POSTs
  floor     a plain concurrent requests client at the same rate limit (no Ansible at all)
and `bound` is N / rate. Wall time is the median of --runs runs; peak RSS is the largest process of the run; 429s are
counted by the simulator. Every run must leave no recording running, or the benchmark fails.

    python benchmarks/teardown.py --output build/benchmark.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'support'))
from agora_test_support import SimulatorProcess, install_collection  # noqa: E402  (needs the path above)

BIN = os.path.dirname(sys.executable)
CUSTOMER_ID, CUSTOMER_SECRET = 'bench-customer-id', 'bench-customer-secret'
LATENCY = 0.2
AGORA_RATE = 10
CONCURRENCY = 16
APPROACHES = ('batch', 'loop', 'uri', 'floor')

PLAYBOOKS = {
    'ping': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.ping:
''',
    'batch': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - agora.cloud_recording.agora_cloud_recording_stop:
        recordings: "{{ recordings }}"
        rate_limit: "{{ rate_limit }}"
        concurrency: %d
''' % CONCURRENCY,
    'loop': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - agora.cloud_recording.agora_cloud_recording_stop:
        app_id: "{{ item.app_id }}"
        resource_id: "{{ item.resource_id }}"
        sid: "{{ item.sid }}"
        mode: "{{ item.mode }}"
        cname: "{{ item.cname }}"
        uid: "{{ item.uid }}"
      loop: "{{ recordings }}"
''',
    'uri': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.uri:
        url: "{{ base_url }}/v1/apps/{{ item.app_id }}/cloud_recording/resourceid/{{ item.resource_id }}/sid/{{ item.sid }}/mode/{{ item.mode }}/stop"
        method: POST
        url_username: "{{ lookup('ansible.builtin.env', 'AGORA_CUSTOMER_ID') }}"
        url_password: "{{ lookup('ansible.builtin.env', 'AGORA_CUSTOMER_SECRET') }}"
        force_basic_auth: true
        body_format: json
        body: {cname: "{{ item.cname }}", uid: "{{ item.uid }}", clientRequest: {async_stop: false}}
        status_code: [200, 206, 404]
      loop: "{{ recordings }}"
''',
}


def run_measured(command: list[str], env: dict[str, str], log_path: str) -> tuple[float, int, int]:
    """Run a command; return its wall time, peak RSS in KiB (its largest process) and exit code."""
    with open(log_path, 'wb') as log:
        began = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        dummy_pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode


def start_simulator(workdir: str, count: int, rate_limit: int, latency: float = LATENCY) -> SimulatorProcess:
    """A simulator process with `count` running recordings: its threads never share a GIL with what is measured."""
    return SimulatorProcess(workdir, ['--latency', str(latency), '--rate-limit', str(rate_limit), '--seed', str(count)],
                            CUSTOMER_ID, CUSTOMER_SECRET)


def floor_client(url: str, recordings: list[dict[str, str]], rate: float) -> None:
    """The floor: plain requests, CONCURRENCY threads, one Session, paced at exactly `rate`, 429s retried after 1 s."""
    import requests

    session = requests.Session()
    session.auth = (CUSTOMER_ID, CUSTOMER_SECRET)
    session.mount('http://', requests.adapters.HTTPAdapter(pool_maxsize=CONCURRENCY))
    lock = threading.Lock()
    next_slot = [time.monotonic()]

    def pace() -> None:
        if not rate:
            return
        with lock:
            slot = max(time.monotonic(), next_slot[0])
            next_slot[0] = slot + 1.0 / rate
        time.sleep(max(0.0, slot - time.monotonic()))

    def stop(item: dict[str, str]) -> None:
        path = '/v1/apps/%(app_id)s/cloud_recording/resourceid/%(resource_id)s/sid/%(sid)s/mode/%(mode)s/stop' % item
        for dummy in range(10):
            pace()
            answer = session.post(url + path, json={'cname': item['cname'], 'uid': item['uid'],
                                                    'clientRequest': {'async_stop': False}}, timeout=60)
            if answer.status_code != 429:
                return
            time.sleep(1.0)
        raise RuntimeError('still rate limited after 10 tries')

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(stop, recordings))


def measure(approach: str, count: int, limited: bool, workdir: str, env: dict[str, str]) -> dict[str, float]:
    simulator = start_simulator(workdir, count, AGORA_RATE if limited else 0)
    rate = AGORA_RATE if limited else 0
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump({'recordings': simulator.recordings, 'rate_limit': rate, 'base_url': simulator.url}, handle)
    run_env = dict(env, AGORA_API_BASE_URL=simulator.url)
    log = os.path.join(workdir, '%s-%d.log' % (approach, count))
    if approach == 'floor':
        command = [sys.executable, __file__, '--floor-worker', vars_file]
    else:
        command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                   os.path.join(workdir, approach + '.yml'), '-e', '@' + vars_file]
    try:
        elapsed, rss, code = run_measured(command, run_env, log)
    finally:
        stats = simulator.finish()
    if code != 0 or stats['still_recording']:
        raise RuntimeError('%s at N=%d failed (exit %d, %d recordings still running); see %s'
                           % (approach, count, code, stats['still_recording'], log))
    return {'seconds': elapsed, 'rss_mib': rss / 1024.0, 'rate_limited': stats['rate_limited']}


def startup_seconds(workdir: str, env: dict[str, str], runs: int, playbook: str, extra_vars: dict) -> float:
    """Median wall time of a playbook that makes no API call: Ansible's fixed cost for it."""
    vars_file = os.path.join(workdir, 'startup-vars.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump(extra_vars, handle)
    times = []
    for dummy in range(runs):
        elapsed, dummy_rss, code = run_measured([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                                                 os.path.join(workdir, playbook), '-e', '@' + vars_file],
                                                env, os.path.join(workdir, 'startup.log'))
        if code:
            raise RuntimeError('ansible-playbook failed; see startup.log')
        times.append(elapsed)
    return statistics.median(times)


def module_memory(workdir: str, env: dict[str, str], count: int) -> float:
    """Peak RSS (MiB) of the module process stopping `count` recordings in one batch, no latency, no limit."""
    simulator = start_simulator(workdir, count, 0, latency=0.0)
    try:
        args = {'ANSIBLE_MODULE_ARGS': {'customer_id': CUSTOMER_ID, 'customer_secret': CUSTOMER_SECRET, 'api_base_url': simulator.url,
                                        'recordings': simulator.recordings, 'rate_limit': 0}}
        args_file = os.path.join(workdir, 'memory-args.json')
        with open(args_file, 'w', encoding='utf-8') as handle:
            json.dump(args, handle)
        module = os.path.join(ROOT, 'plugins', 'modules', 'agora_cloud_recording_stop.py')
        log = os.path.join(workdir, 'memory.log')
        dummy_elapsed, rss, code = run_measured([sys.executable, module, args_file], env, log)
        with open(log, encoding='utf-8') as handle:
            result = json.loads(handle.read())
        if code or result['summary']['outcome']['stopped'] != count:
            raise RuntimeError('the memory run did not stop all %d recordings' % count)
        return rss / 1024.0
    finally:
        simulator.finish()


def table(report: dict) -> str:
    lines = ['setting    N    approach  seconds  x bound  RSS MiB  429s',
             '---------  ---  --------  -------  -------  -------  ----']
    for row in report['rows']:
        ratio = '%7.2f' % (row['seconds'] / row['bound']) if row['bound'] else '      -'
        lines.append('%-9s  %-3d  %-8s  %7.2f  %s  %7.1f  %4d' % (
            row['setting'], row['n'], row['approach'], row['seconds'], ratio, row['rss_mib'], row['rate_limited']))
    lines.append('Ansible start-up: %.2f s (the batch task with no recordings; a one-task ping playbook: %.2f s)'
                 % (report['startup_seconds'], report['ping_playbook_seconds']))
    if report['module_memory']:
        lines.append('Module process, %(recordings)d recordings in one batch: peak RSS %(rss_mib).1f MiB' % report['module_memory'])
    for check in report['checks']:
        lines.append('%s  %s' % ('PASS' if check['passed'] else 'FAIL', check['text']))
    return '\n'.join(lines)


def checks(report: dict) -> list[dict]:
    """The targets, as ratios from this run."""
    startup = report['startup_seconds']
    by_key = {(row['setting'], row['n'], row['approach']): row for row in report['rows']}
    found = []
    for n in report['sizes']:
        batch, floor = by_key.get(('10 req/s', n, 'batch')), by_key.get(('10 req/s', n, 'floor'))
        if batch and floor:
            limit = 1.15 * max(floor['seconds'], n / AGORA_RATE) + startup
            found.append({'passed': batch['seconds'] <= limit and batch['rate_limited'] == 0,
                          'text': '10 req/s, N=%d: batch %.2f s <= 1.15 x max(floor, bound) + start-up = %.2f s, %d 429s'
                                  % (n, batch['seconds'], limit, batch['rate_limited'])})
        batch, floor, uri = (by_key.get(('no limit', n, name)) for name in ('batch', 'floor', 'uri'))
        if batch and floor:
            limit = 2 * floor['seconds'] + startup
            found.append({'passed': batch['seconds'] <= limit,
                          'text': 'no limit, N=%d: batch %.2f s <= 2 x floor + start-up = %.2f s' % (n, batch['seconds'], limit)})
        if batch and uri and n >= 300:
            found.append({'passed': uri['seconds'] >= 20 * batch['seconds'],
                          'text': 'no limit, N=%d: batch %.1f x faster than the uri loop (target >= 20)'
                                  % (n, uri['seconds'] / batch['seconds'])})
    if report['module_memory']:
        found.append({'passed': report['module_memory']['rss_mib'] <= 100,
                      'text': 'module process at %(recordings)d recordings: %(rss_mib).1f MiB <= 100 MiB' % report['module_memory']})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--sizes', default='1,50,300', help='comma-separated N')
    parser.add_argument('--runs', type=int, default=3, help='runs per measurement (median)')
    parser.add_argument('--loop-runs', type=int, default=None,
                        help='runs for the two loop approaches (default: --runs); they take minutes at N=300')
    parser.add_argument('--approaches', default=','.join(APPROACHES))
    parser.add_argument('--settings', default='limited,unlimited')
    parser.add_argument('--memory', type=int, default=1000, help='recordings for the module memory check (0: skip)')
    parser.add_argument('--output', default=os.path.join(ROOT, 'build', 'benchmark.json'))
    parser.add_argument('--no-targets', action='store_true', help='measure only; do not judge the targets (smoke runs)')
    parser.add_argument('--floor-worker', help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.floor_worker:
        with open(args.floor_worker, encoding='utf-8') as handle:
            data = json.load(handle)
        floor_client(data['base_url'], data['recordings'], data['rate_limit'])
        return 0

    sizes = [int(size) for size in args.sizes.split(',')]
    approaches = args.approaches.split(',')
    with tempfile.TemporaryDirectory(prefix='agora-bench-') as workdir:
        for name, text in PLAYBOOKS.items():
            with open(os.path.join(workdir, name + '.yml'), 'w', encoding='utf-8') as handle:
                handle.write('---' + text)
        env = {key: value for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'AGORA_'))}
        env.update(ANSIBLE_COLLECTIONS_PATH=install_collection(workdir), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
                   AGORA_CUSTOMER_ID=CUSTOMER_ID, AGORA_CUSTOMER_SECRET=CUSTOMER_SECRET,
                   PYTHONPATH=os.path.join(workdir, 'collections'))
        report = {'machine': {'platform': platform.platform(), 'python': platform.python_version(), 'cpus': os.cpu_count()},
                  'latency_seconds': LATENCY, 'sizes': sizes, 'runs': args.runs, 'rows': [],
                  # The batch task with nothing to stop: ansible-playbook, the module's start and imports, no request.
                  'startup_seconds': startup_seconds(workdir, env, args.runs, 'batch.yml', {'recordings': [], 'rate_limit': 0}),
                  'ping_playbook_seconds': startup_seconds(workdir, env, args.runs, 'ping.yml', {})}
        for setting in args.settings.split(','):
            limited = setting == 'limited'
            for n in sizes:
                for approach in approaches:
                    runs = args.loop_runs if approach in ('loop', 'uri') and args.loop_runs else args.runs
                    samples = [measure(approach, n, limited, workdir, env) for dummy in range(runs)]
                    report['rows'].append({
                        'setting': '10 req/s' if limited else 'no limit', 'n': n, 'approach': approach, 'runs': runs,
                        'seconds': statistics.median(sample['seconds'] for sample in samples),
                        'rss_mib': max(sample['rss_mib'] for sample in samples),
                        'rate_limited': max(sample['rate_limited'] for sample in samples),
                        'bound': n / AGORA_RATE if limited else None,
                    })
                    print('%s N=%d %s: %.2f s' % (setting, n, approach, report['rows'][-1]['seconds']), flush=True)
        report['module_memory'] = {'recordings': args.memory, 'rss_mib': module_memory(workdir, env, args.memory)} if args.memory else None
    report['checks'] = [] if args.no_targets else checks(report)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=2)
    print(table(report))
    return 0 if all(check['passed'] for check in report['checks']) else 1


if __name__ == '__main__':
    sys.exit(main())

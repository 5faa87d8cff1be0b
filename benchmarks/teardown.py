# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long an event teardown takes, by approach, against the simulator on loopback.

Two parts, each can run alone (--classic, --realistic; both by default).

Classic (the 200 ms table): for each size N and each setting (Agora's default 10 req/s limit, and no limit), a fresh
simulator process is seeded with N recordings at 200 ms latency over plain HTTP, and one approach stops them all:
  batch     the module's batch mode in one task (ansible-playbook, concurrency 16, api_base_url set)
  loop      the module, single mode, in a `loop`
  uri       ansible.builtin.uri in a `loop`, making the same POSTs
  floor     a plain concurrent requests client at the same rate limit (no Ansible at all)
and `bound` is N / rate.

Realistic: the simulator over HTTPS serving api.sd-rtn.com and api.agora.io (a loopback resolver shim in every child
process maps those names to it; every other name fails, so nothing leaves the machine), 10 req/s per App ID,
synchronous stops whose uploads take uniform 2-20 s (fixed seed), 50 ms latency; the module with its defaults (no
api_base_url, concurrency or rate_limit), verifying TLS against the simulator's CA (REQUESTS_CA_BUNDLE):
  batch     the module's batch mode in one task (ansible-playbook), at 1 x 100, 1 x 300 and 4 x 100 (App IDs x N)
  floor     plain requests, one Session, paced at exactly the rate per App ID, rate x 20 threads per App ID
  uri loop  ansible.builtin.uri in a `loop` (sequential: about 11 s a recording, so at N = 10 only)
plus the module process alone stopping 1,000 recordings over 4 App IDs (peak RSS), and `requests` against
ansible-core's `open_url` on the same TLS workload with no upload time and no limit.

Wall time is the median of --runs runs; peak RSS is the largest process of the run; 429s, requests in flight, the
hosts that answered and the slowest upload are counted by the simulator. Every run must leave no recording running,
or the benchmark fails.

    python benchmarks/teardown.py --output build/benchmark.json
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import json
import math
import os
import platform
import signal
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
MODULE_IN_COLLECTION = os.path.join('ansible_collections', 'agora', 'cloud_recording', 'plugins', 'modules',
                                    'agora_cloud_recording_stop.py')
CUSTOMER_ID, CUSTOMER_SECRET = 'bench-customer-id', 'bench-customer-secret'
LATENCY = 0.2
AGORA_RATE = 10
CONCURRENCY = 16
APPROACHES = ('batch', 'loop', 'uri', 'floor')
# Any one measured command gets this long; then it is killed (with everything it started) and the benchmark fails.
RUN_TIMEOUT = 3600.0
# The floor client and the TLS comparison try a request at most this often.
MAX_TRIES = 10

# The realistic part. With api_base_url unset the module calls Agora's own domains, api.sd-rtn.com first; the loopback
# resolver (tests/support/loopback_resolver) sends those names to the simulator's ports, and every other name fails.
REAL_DOMAINS = ('api.sd-rtn.com', 'api.agora.io')
REAL_URL = 'https://api.sd-rtn.com'
REAL_LATENCY = 0.05
REAL_UPLOAD = '2-20'
REAL_SEED = 7
REAL_CASES = '1x100,1x300,4x100'
UPLOAD_WINDOW = 20.0          # Agora's window for a synchronous stop: the floor keeps rate x this many in flight
TARGET_RATIO = 1.15
MEMORY_TARGET_MIB = 150.0
# Made-up App IDs of Agora's form (32 hexadecimal digits), the same in every run.
APP_IDS = [hashlib.sha256(b'bench-app-%d' % index).hexdigest()[:32] for index in range(8)]
PROXY_VARIABLES = ('http_proxy', 'https_proxy', 'all_proxy', 'no_proxy')

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
    # ca_path: the realistic part's simulator CA (TLS); the classic part is plain HTTP and sets none.
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
        ca_path: "{{ ca_path | default(omit) }}"
        timeout: 60
        body_format: json
        body: {cname: "{{ item.cname }}", uid: "{{ item.uid }}", clientRequest: {async_stop: false}}
        status_code: [200, 206, 404]
      loop: "{{ recordings }}"
''',
    # The realistic batch: the module's defaults (no api_base_url, concurrency or rate_limit) unless a diagnostic run
    # sets concurrency.
    'batch-defaults': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - agora.cloud_recording.agora_cloud_recording_stop:
        recordings: "{{ recordings }}"
        concurrency: "{{ concurrency | default(omit) }}"
''',
    # Runs a module the way the collection's module runs (AnsiballZ, the same interpreter and environment) and has it
    # say whether the loopback resolver is in place there.
    'probe': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - agora_bench_probe:
        output: "{{ probe_output }}"
''',
}

PROBE_MODULE = '''#!/usr/bin/python
from __future__ import annotations

import json
import os
import socket
import sys

from ansible.module_utils.basic import AnsibleModule


def shim_names():
    """The names the loopback resolver maps, looking through wrappers (ansible-core wraps getaddrinfo in a patch of
    its own, keeping the function it found as unpatched_implementation)."""
    function = socket.getaddrinfo
    for dummy in range(5):
        names = getattr(function, 'loopback_resolver', None)
        if names is not None:
            return names
        function = getattr(function, 'unpatched_implementation', None)
        if function is None:
            break
    return {}


def main():
    module = AnsibleModule(argument_spec={'output': {'type': 'path', 'required': True}})
    names = shim_names()
    seen = {'isolated': bool(sys.flags.isolated), 'ignore_environment': bool(sys.flags.ignore_environment),
            'pythonpath': os.environ.get('PYTHONPATH', ''), 'requests_ca_bundle': os.environ.get('REQUESTS_CA_BUNDLE'),
            'shim': sorted(names), 'getaddrinfo': repr(socket.getaddrinfo), 'executable': sys.executable}
    if names:
        # Only with the shim in place: it answers from its map and never asks a real resolver.
        seen['api.sd-rtn.com'] = sorted({item[4][0] + ':' + str(item[4][1])
                                         for item in socket.getaddrinfo('api.sd-rtn.com', 443, proto=socket.IPPROTO_TCP)})
    with open(module.params['output'], 'w') as handle:
        json.dump(seen, handle)
    if not seen['shim']:
        module.fail_json(msg='the loopback resolver is not in place in the module process', **seen)
    module.exit_json(changed=False, **seen)


if __name__ == '__main__':
    main()
'''


def installed_module(env: dict[str, str]) -> str:
    """The module file of the collection installed for this run (its module_utils come from there too)."""
    return os.path.join(env['ANSIBLE_COLLECTIONS_PATH'], MODULE_IN_COLLECTION)


def run_measured(command: list[str], env: dict[str, str], log_path: str,
                 timeout: float = RUN_TIMEOUT) -> tuple[float, int, int]:
    """Run a command; return its wall time, peak RSS in KiB (its largest process) and exit code.

    The command runs in a session of its own: past ``timeout`` it is killed with everything it started."""
    with open(log_path, 'wb') as log:
        began = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finished = threading.Event()

        def kill() -> None:
            if not finished.is_set():
                os.killpg(proc.pid, signal.SIGKILL)

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        try:
            dummy_pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            finished.set()
            watchdog.cancel()
        elapsed = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode


# -- the classic part: 200 ms latency, plain HTTP ---------------------------------------------------------------------

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
        for dummy in range(MAX_TRIES):
            pace()
            answer = session.post(url + path, json={'cname': item['cname'], 'uid': item['uid'],
                                                    'clientRequest': {'async_stop': False}}, timeout=60)
            if answer.status_code != 429:
                return
            time.sleep(1.0)
        raise RuntimeError('still rate limited after %d tries' % MAX_TRIES)

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


def startup_seconds(workdir: str, env: dict[str, str], runs: int, playbook: str, extra_vars: dict,
                    samples: list[float] | None = None) -> float:
    """Median wall time of a playbook that makes no API call: Ansible's fixed cost for it (each run's in ``samples``)."""
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
    if samples is not None:
        samples.extend(times)
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
        log = os.path.join(workdir, 'memory.log')
        dummy_elapsed, rss, code = run_measured([sys.executable, installed_module(env), args_file], env, log)
        with open(log, encoding='utf-8') as handle:
            result = json.loads(handle.read())
        if code or result['summary']['outcome']['stopped'] != count:
            raise RuntimeError('the memory run did not stop all %d recordings' % count)
        return rss / 1024.0
    finally:
        simulator.finish()


def run_classic(args: argparse.Namespace, workdir: str, env: dict[str, str]) -> dict:
    sizes = [int(size) for size in args.sizes.split(',')]
    approaches = args.approaches.split(',')
    classic = {'latency_seconds': LATENCY, 'sizes': sizes, 'runs': args.runs, 'rows': [],
               # The batch task with nothing to stop: ansible-playbook, the module's start and imports, no request.
               'startup_seconds': startup_seconds(workdir, env, args.runs, 'batch.yml', {'recordings': [], 'rate_limit': 0}),
               'ping_playbook_seconds': startup_seconds(workdir, env, args.runs, 'ping.yml', {})}
    for setting in args.settings.split(','):
        limited = setting == 'limited'
        for n in sizes:
            for approach in approaches:
                runs = args.loop_runs if approach in ('loop', 'uri') and args.loop_runs else args.runs
                samples = [measure(approach, n, limited, workdir, env) for dummy in range(runs)]
                classic['rows'].append({
                    'setting': '10 req/s' if limited else 'no limit', 'n': n, 'approach': approach, 'runs': runs,
                    'seconds': statistics.median(sample['seconds'] for sample in samples),
                    'rss_mib': max(sample['rss_mib'] for sample in samples),
                    'rate_limited': max(sample['rate_limited'] for sample in samples),
                    'bound': n / AGORA_RATE if limited else None,
                })
                print('%s N=%d %s: %.2f s' % (setting, n, approach, classic['rows'][-1]['seconds']), flush=True)
    classic['module_memory'] = {'recordings': args.memory, 'rss_mib': module_memory(workdir, env, args.memory)} if args.memory else None
    return classic


def classic_table(classic: dict) -> list[str]:
    lines = ['setting    N    approach  seconds  x bound  RSS MiB  429s',
             '---------  ---  --------  -------  -------  -------  ----']
    for row in classic['rows']:
        ratio = '%7.2f' % (row['seconds'] / row['bound']) if row['bound'] else '      -'
        lines.append('%-9s  %-3d  %-8s  %7.2f  %s  %7.1f  %4d' % (
            row['setting'], row['n'], row['approach'], row['seconds'], ratio, row['rss_mib'], row['rate_limited']))
    lines.append('Ansible start-up: %.2f s (the batch task with no recordings; a one-task ping playbook: %.2f s)'
                 % (classic['startup_seconds'], classic['ping_playbook_seconds']))
    if classic['module_memory']:
        lines.append('Module process, %(recordings)d recordings in one batch: peak RSS %(rss_mib).1f MiB' % classic['module_memory'])
    return lines


def classic_checks(classic: dict) -> list[dict]:
    """The targets of the 200 ms table, as ratios from this run."""
    startup = classic['startup_seconds']
    by_key = {(row['setting'], row['n'], row['approach']): row for row in classic['rows']}
    found = []
    for n in classic['sizes']:
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
    if classic['module_memory']:
        found.append({'passed': classic['module_memory']['rss_mib'] <= 100,
                      'text': 'module process at %(recordings)d recordings: %(rss_mib).1f MiB <= 100 MiB' % classic['module_memory']})
    return found


# -- the realistic part: HTTPS to Agora's domain names, uploads of 2-20 s, 10 req/s per App ID -----------------------

def start_real_simulator(workdir: str, apps: int, per_app: int, upload: str, rate: int = AGORA_RATE,
                         latency: float = REAL_LATENCY) -> SimulatorProcess:
    """A TLS simulator serving Agora's two global domains, seeded with `per_app` recordings on each of `apps` App IDs."""
    options = ['--tls', '--latency', str(latency), '--rate-limit', str(rate), '--upload-time', upload,
               '--random-seed', str(REAL_SEED), '--seed', str(apps * per_app)]
    for domain in REAL_DOMAINS:
        options += ['--domain', domain]
    for app_id in APP_IDS[:apps]:
        options += ['--seed-app-id', app_id]
    return SimulatorProcess(workdir, options, CUSTOMER_ID, CUSTOMER_SECRET)


def certifi_bundle(simulator: SimulatorProcess, workdir: str) -> str:
    """A CA bundle of production size: certifi's (what requests verifies against when REQUESTS_CA_BUNDLE is unset)
    plus the simulator's CA, so that the simulator's certificate verifies."""
    import certifi

    path = os.path.join(workdir, 'certifi-and-simulator-ca.pem')
    with open(certifi.where(), encoding='ascii') as public, open(simulator.ca_bundle or '', encoding='ascii') as own:
        text = public.read().rstrip('\n') + '\n' + own.read()
    with open(path, 'w', encoding='ascii') as handle:
        handle.write(text)
    return path


def real_env(env: dict[str, str], simulator: SimulatorProcess, bundle: str | None = None) -> dict[str, str]:
    """The environment of a process that calls https://api.sd-rtn.com: the resolver shim first on PYTHONPATH (then the
    collections), the name map, and the simulator's CA (or ``bundle``) as requests' bundle. No proxy variables."""
    run_env = {key: value for key, value in env.items() if key.lower() not in PROXY_VARIABLES}
    run_env.update(simulator.resolver_env(env.get('PYTHONPATH')))
    run_env['REQUESTS_CA_BUNDLE'] = bundle or simulator.ca_bundle or ''
    return run_env


def real_floor(url: str, recordings: list[dict[str, str]], rate: float, ca_path: str) -> None:
    """The floor over TLS: plain requests, one Session verifying against `ca_path`, per App ID a pool of rate x 20
    threads paced at exactly `rate`, 429s retried after 1 s."""
    import requests

    by_app: dict[str, list[dict[str, str]]] = collections.OrderedDict()
    for item in recordings:
        by_app.setdefault(item['app_id'], []).append(item)
    threads = {app_id: max(1, min(len(items), math.ceil(rate * UPLOAD_WINDOW))) for app_id, items in by_app.items()}
    session = requests.Session()
    session.auth = (CUSTOMER_ID, CUSTOMER_SECRET)
    session.mount('https://', requests.adapters.HTTPAdapter(pool_maxsize=sum(threads.values())))
    locks = {app_id: threading.Lock() for app_id in by_app}
    next_slot = {app_id: time.monotonic() for app_id in by_app}

    def pace(app_id: str) -> None:
        with locks[app_id]:
            slot = max(time.monotonic(), next_slot[app_id])
            next_slot[app_id] = slot + 1.0 / rate
        time.sleep(max(0.0, slot - time.monotonic()))

    def stop(item: dict[str, str]) -> None:
        path = '/v1/apps/%(app_id)s/cloud_recording/resourceid/%(resource_id)s/sid/%(sid)s/mode/%(mode)s/stop' % item
        for dummy in range(MAX_TRIES):
            pace(item['app_id'])
            # verify per request: REQUESTS_CA_BUNDLE in the environment would beat a session's verify.
            answer = session.post(url + path, json={'cname': item['cname'], 'uid': item['uid'],
                                                    'clientRequest': {'async_stop': False}}, timeout=60, verify=ca_path)
            if answer.status_code in (200, 206):
                return
            if answer.status_code != 429:
                raise RuntimeError('stop answered %d: %s' % (answer.status_code, answer.text[:200]))
            time.sleep(1.0)
        raise RuntimeError('still rate limited after %d tries' % MAX_TRIES)

    pools = {app_id: ThreadPoolExecutor(count) for app_id, count in threads.items()}
    try:
        futures = [pools[item['app_id']].submit(stop, item) for items in by_app.values() for item in items]
        for future in futures:
            future.result()
    finally:
        for pool in pools.values():
            pool.shutdown()


def measure_real(approach: str, apps: int, per_app: int, workdir: str, env: dict[str, str], upload: str,
                 concurrency: int | None = None, certifi: bool = False) -> dict:
    simulator = start_real_simulator(workdir, apps, per_app, upload)
    run_env = real_env(env, simulator, certifi_bundle(simulator, workdir) if certifi else None)
    extra_vars = {'recordings': simulator.recordings, 'base_url': REAL_URL, 'ca_path': simulator.ca_bundle,
                  'rate_limit': AGORA_RATE}
    if concurrency:
        extra_vars['concurrency'] = concurrency
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump(extra_vars, handle)
    log = os.path.join(workdir, 'real-%s-%dx%d.log' % (approach, apps, per_app))
    if approach == 'floor':
        command = [sys.executable, __file__, '--floor-worker', vars_file]
    else:
        command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                   os.path.join(workdir, ('batch-defaults' if approach == 'batch' else approach) + '.yml'), '-e', '@' + vars_file]
    try:
        elapsed, rss, code = run_measured(command, run_env, log)
    finally:
        stats = simulator.finish()
    if code != 0 or stats['still_recording']:
        raise RuntimeError('realistic %s at %d x %d failed (exit %d, %d recordings still running); see %s'
                           % (approach, apps, per_app, code, stats['still_recording'], log))
    return {'seconds': elapsed, 'rss_mib': rss / 1024.0, 'rate_limited': stats['rate_limited'], 'requests': stats['requests'],
            'max_in_flight': stats['max_in_flight'], 'domains': stats['domains'], 'slowest_upload': stats['slowest_upload'],
            'busiest_second': max(stats['busiest_second'].values(), default=0),
            'request_span': max(stats['request_span'].values(), default=0.0), 'busy_seconds': stats['busy_seconds']}


def real_row(approach: str, apps: int, per_app: int, samples: list[dict], concurrency: int | None,
             certifi: bool = False) -> dict:
    domains: dict[str, int] = {}
    for sample in samples:
        for name, count in sample['domains'].items():
            domains[name] = max(domains.get(name, 0), count)
    return {'approach': approach, 'apps': apps, 'per_app': per_app, 'n': apps * per_app, 'runs': len(samples),
            'concurrency': concurrency, 'bundle': 'certifi + simulator CA' if certifi else 'simulator CA',
            'seconds': statistics.median(sample['seconds'] for sample in samples),
            'rss_mib': max(sample['rss_mib'] for sample in samples),
            'rate_limited': max(sample['rate_limited'] for sample in samples),
            'max_in_flight': max(sample['max_in_flight'] for sample in samples),
            'busiest_second': max(sample['busiest_second'] for sample in samples),
            'slowest_upload': max(sample['slowest_upload'] for sample in samples),
            'request_span': statistics.median(sample['request_span'] for sample in samples),
            'busy_seconds': statistics.median(sample['busy_seconds'] for sample in samples),
            'domains': domains, 'samples': samples}


def probe_module_process(workdir: str, env: dict[str, str]) -> dict:
    """Whether a module run by ansible-playbook sees PYTHONPATH and the resolver: it must, before the module is let
    loose on Agora's real domain names."""
    output = os.path.join(workdir, 'probe.json')
    vars_file = os.path.join(workdir, 'probe-vars.json')
    with open(vars_file, 'w', encoding='utf-8') as handle:
        json.dump({'probe_output': output}, handle)
    dummy, dummy_rss, code = run_measured([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                                           os.path.join(workdir, 'probe.yml'), '-e', '@' + vars_file],
                                          env, os.path.join(workdir, 'probe.log'), timeout=300)
    seen = {}
    if os.path.exists(output):
        with open(output, encoding='utf-8') as handle:
            seen = json.load(handle)
    if code or sorted(seen.get('shim', [])) != sorted(REAL_DOMAINS):
        raise RuntimeError('a module process run by ansible-playbook does not have the loopback resolver (%s); '
                           'refusing to run the module against Agora\'s domain names; see probe.log' % (seen or 'no probe output'))
    return seen


def real_module_memory(workdir: str, env: dict[str, str], apps: int, per_app: int, upload: str,
                       certifi: bool = False) -> dict:
    """The module process alone (run as Ansible runs it, arguments in a file) with its defaults over TLS."""
    simulator = start_real_simulator(workdir, apps, per_app, upload)
    count = apps * per_app
    bundle = certifi_bundle(simulator, workdir) if certifi else None
    try:
        args = {'ANSIBLE_MODULE_ARGS': {'customer_id': CUSTOMER_ID, 'customer_secret': CUSTOMER_SECRET,
                                        'recordings': simulator.recordings}}
        args_file = os.path.join(workdir, 'real-memory-args.json')
        with open(args_file, 'w', encoding='utf-8') as handle:
            json.dump(args, handle)
        log = os.path.join(workdir, 'real-memory.log')
        elapsed, rss, code = run_measured([sys.executable, installed_module(env), args_file], real_env(env, simulator, bundle),
                                          log)
        with open(log, encoding='utf-8') as handle:
            text = handle.read()
        try:
            result = json.loads(text)
        except ValueError:
            result = {}
    finally:
        stats = simulator.finish()
    if code or result.get('summary', {}).get('outcome', {}).get('stopped') != count or stats['still_recording']:
        raise RuntimeError('the realistic memory run did not stop all %d recordings (exit %d, %d still running); see %s'
                           % (count, code, stats['still_recording'], log))
    hosts = collections.Counter(item.get('api_host') for item in result['recordings'])
    return {'apps': apps, 'per_app': per_app, 'recordings': count, 'rss_mib': rss / 1024.0, 'seconds': elapsed,
            'bundle': 'certifi + simulator CA' if certifi else 'simulator CA',
            'max_in_flight': stats['max_in_flight'], 'rate_limited': stats['rate_limited'], 'domains': stats['domains'],
            'slowest_upload': stats['slowest_upload'], 'api_hosts': dict(hosts), 'busy_seconds': stats['busy_seconds'],
            'request_span': max(stats['request_span'].values(), default=0.0)}


def client_worker(data: dict) -> dict:
    """Stop every recording with one client (`requests` or ansible-core's `open_url`), sequentially or on threads;
    return the wall and CPU seconds of the stops alone (imports done before)."""
    url, ca_path, threads = data['base_url'], data['ca_path'], data['threads']
    if data['client'] == 'requests':
        import requests

        session = requests.Session()
        session.auth = (CUSTOMER_ID, CUSTOMER_SECRET)
        session.mount('https://', requests.adapters.HTTPAdapter(pool_maxsize=max(threads, 1)))

        def post(path: str, body: dict) -> int:
            with session.post(url + path, json=body, timeout=60, verify=ca_path) as answer:
                answer.content  # pylint: disable=pointless-statement
                return answer.status_code
    else:
        from urllib.error import HTTPError

        from ansible.module_utils.urls import open_url

        def post(path: str, body: dict) -> int:
            try:
                with open_url(url + path, data=json.dumps(body), method='POST', headers={'Content-Type': 'application/json'},
                              url_username=CUSTOMER_ID, url_password=CUSTOMER_SECRET, force_basic_auth=True,
                              ca_path=ca_path, timeout=60) as answer:
                    answer.read()
                    return answer.status
            except HTTPError as error:
                error.read()
                return error.code

    def stop(item: dict[str, str]) -> int:
        path = '/v1/apps/%(app_id)s/cloud_recording/resourceid/%(resource_id)s/sid/%(sid)s/mode/%(mode)s/stop' % item
        return post(path, {'cname': item['cname'], 'uid': item['uid'], 'clientRequest': {'async_stop': False}})

    cpu, began = time.process_time(), time.monotonic()
    if threads <= 1:
        statuses = [stop(item) for item in data['recordings']]
    else:
        with ThreadPoolExecutor(threads) as pool:
            statuses = list(pool.map(stop, data['recordings']))
    return {'seconds': time.monotonic() - began, 'cpu_seconds': time.process_time() - cpu,
            'statuses': dict(collections.Counter(str(status) for status in statuses))}


def compare_clients(workdir: str, env: dict[str, str], count: int, runs: int, thread_counts: list[int]) -> list[dict]:
    """requests (one Session) against open_url, on the TLS simulator with no upload time and no rate limit."""
    rows = []
    for threads in thread_counts:
        for client in ('requests', 'open_url'):
            samples = []
            for dummy in range(runs):
                simulator = start_real_simulator(workdir, 1, count, '0', rate=0, latency=0.0)
                data_file = os.path.join(workdir, 'client-%s-%d.json' % (client, threads))
                with open(data_file, 'w', encoding='utf-8') as handle:
                    json.dump({'client': client, 'threads': threads, 'base_url': REAL_URL, 'ca_path': simulator.ca_bundle,
                               'recordings': simulator.recordings}, handle)
                try:
                    proc = subprocess.run([sys.executable, __file__, '--client-worker', data_file], env=real_env(env, simulator),
                                          capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
                finally:
                    stats = simulator.finish()
                if proc.returncode or stats['still_recording']:
                    raise RuntimeError('%s with %d threads failed (exit %d, %d recordings still running): %s'
                                       % (client, threads, proc.returncode, stats['still_recording'], proc.stderr[-2000:]))
                sample = json.loads(proc.stdout)
                if sample['statuses'] != {'200': count}:
                    raise RuntimeError('%s with %d threads: unexpected answers %s' % (client, threads, sample['statuses']))
                samples.append(sample)
            seconds = statistics.median(sample['seconds'] for sample in samples)
            rows.append({'client': client, 'threads': threads, 'stops': count, 'runs': runs, 'seconds': seconds,
                         'per_second': count / seconds, 'cpu_seconds': statistics.median(sample['cpu_seconds'] for sample in samples),
                         'samples': samples})
            print('client %s, %d threads: %.2f s' % (client, threads, seconds), flush=True)
    return rows


def parse_cases(text: str) -> list[tuple[int, int]]:
    cases = []
    for case in filter(None, text.split(',')):
        apps, dummy, per_app = case.partition('x')
        cases.append((int(apps), int(per_app)))
        if not 1 <= cases[-1][0] <= len(APP_IDS) or cases[-1][1] < 1:
            raise SystemExit('--realistic-cases: %r is not APPSxN with 1 <= APPS <= %d' % (case, len(APP_IDS)))
    return cases


def run_realistic(args: argparse.Namespace, workdir: str, env: dict[str, str]) -> dict:
    realistic: dict = {'latency_seconds': REAL_LATENCY, 'upload_time': args.upload_time, 'random_seed': REAL_SEED,
                       'rate_limit': AGORA_RATE, 'domains': list(REAL_DOMAINS), 'runs': args.runs, 'rows': []}
    # The start-up and the probe need the environment of a TLS simulator (its CA, its ports); it stops nothing.
    simulator = start_real_simulator(workdir, 1, 0, args.upload_time)
    try:
        startup_env = real_env(env, simulator)
        realistic['probe'] = probe_module_process(workdir, startup_env)
        realistic['startup_samples'] = []
        realistic['startup_seconds'] = startup_seconds(workdir, startup_env, args.runs, 'batch-defaults.yml', {'recordings': []},
                                                       realistic['startup_samples'])
    finally:
        simulator.finish()
    approaches = args.realistic_approaches.split(',')
    certifi_cases = parse_cases(args.certifi_cases) if args.certifi_cases != '0' else []
    for apps, per_app in parse_cases(args.realistic_cases):
        for approach in ('batch', 'floor'):
            if approach not in approaches:
                continue
            concurrency = args.realistic_concurrency if approach == 'batch' else None
            samples = [measure_real(approach, apps, per_app, workdir, env, args.upload_time, concurrency)
                       for dummy in range(args.runs)]
            realistic['rows'].append(real_row(approach, apps, per_app, samples, concurrency))
            print('realistic %d x %d %s: %.2f s' % (apps, per_app, approach, realistic['rows'][-1]['seconds']), flush=True)
        if 'batch' in approaches and (apps, per_app) in certifi_cases:
            samples = [measure_real('batch', apps, per_app, workdir, env, args.upload_time, args.realistic_concurrency, True)
                       for dummy in range(args.runs)]
            realistic['rows'].append(real_row('batch', apps, per_app, samples, args.realistic_concurrency, True))
            print('realistic %d x %d batch, certifi bundle: %.2f s' % (apps, per_app, realistic['rows'][-1]['seconds']),
                  flush=True)
    if args.uri_loop and 'uri' in approaches:
        runs = args.loop_runs or args.runs
        samples = [measure_real('uri', 1, args.uri_loop, workdir, env, args.upload_time) for dummy in range(runs)]
        realistic['rows'].append(real_row('uri', 1, args.uri_loop, samples, None))
        print('realistic 1 x %d uri loop: %.2f s' % (args.uri_loop, realistic['rows'][-1]['seconds']), flush=True)
    realistic['module_memory'] = []
    if args.realistic_memory != '0':
        ((apps, per_app),) = parse_cases(args.realistic_memory)
        for certifi in (False, True):
            realistic['module_memory'].append(real_module_memory(workdir, env, apps, per_app, args.upload_time, certifi))
            print('realistic module memory (%s): %.1f MiB' % (realistic['module_memory'][-1]['bundle'],
                                                              realistic['module_memory'][-1]['rss_mib']), flush=True)
    realistic['clients'] = compare_clients(workdir, env, args.tls_compare, args.runs, [1, args.tls_compare_threads]) \
        if args.tls_compare else []
    return realistic


def real_target(row: dict, startup: float) -> float:
    """wall <= 1.15 x (recordings per App ID / rate) + the slowest upload + Ansible's start-up."""
    return TARGET_RATIO * row['per_app'] / AGORA_RATE + row['slowest_upload'] + startup


def hosts_text(domains: dict[str, int]) -> str:
    return ', '.join('%s %d' % (name, count) for name, count in domains.items()) or '-'


def realistic_table(realistic: dict) -> list[str]:
    startup = realistic['startup_seconds']
    lines = ['Realistic: HTTPS to %s (module defaults), %d req/s per App ID, uploads uniform %s s (seed %d), latency %.2f s, '
             'median of %d runs' % (' and '.join(realistic['domains']), realistic['rate_limit'], realistic['upload_time'],
                                    realistic['random_seed'], realistic['latency_seconds'], realistic['runs']),
             'apps x N  total  approach       seconds   target   busy   span  RSS MiB  429s  in flight  slowest upload  requests answered by host',
             '--------  -----  -------------  -------  -------  -----  -----  -------  ----  ---------  --------------  -------------------------']
    for row in realistic['rows']:
        name = {'batch': 'batch', 'floor': 'floor', 'uri': 'uri loop'}[row['approach']]
        if row['concurrency']:
            name = 'batch c=%d' % row['concurrency']
        if row['bundle'] != 'simulator CA':
            name = ('c=%d' % row['concurrency'] if row['concurrency'] else 'batch') + ' certifi'
        target = '%7.2f' % real_target(row, startup) if row['approach'] == 'batch' else '      -'
        lines.append('%-8s  %5d  %-13s  %7.2f  %s  %5.2f  %5.2f  %7.1f  %4d  %9d  %14.2f  %s' % (
            '%d x %d' % (row['apps'], row['per_app']), row['n'], name, row['seconds'], target, row['busy_seconds'],
            row['request_span'], row['rss_mib'],
            row['rate_limited'], row['max_in_flight'], row['slowest_upload'], hosts_text(row['domains'])))
    for row in realistic['rows']:
        if row['approach'] == 'uri':
            lines.append('uri loop (N=%d only, as it is sequential): %.2f s per recording (wall / N), %.2f s after '
                         'start-up' % (row['n'], row['seconds'] / row['n'], (row['seconds'] - startup) / row['n']))
    lines.append('busy: seconds from the first request the simulator received to its last answer; span: seconds from an App '
                 'ID\'s first request to its last (the pace kept), the longest of the App IDs; both medians')
    lines.append('Ansible start-up (realistic environment): %.2f s (the default batch task with no recordings; runs: %s)'
                 % (startup, ', '.join('%.2f' % value for value in realistic['startup_samples'])))
    probe = realistic['probe']
    lines.append('Module process under ansible-playbook: isolated=%s, PYTHONPATH=%s, resolver shim for %s '
                 '(api.sd-rtn.com -> %s)' % (probe['isolated'], probe['pythonpath'], ', '.join(probe['shim']),
                                             ', '.join(probe.get('api.sd-rtn.com', []))))
    if any(row['bundle'] != 'simulator CA' for row in realistic['rows']):
        lines.append('"certifi": REQUESTS_CA_BUNDLE is certifi\'s bundle plus the simulator\'s CA (what requests loads for each '
                     'new connection on a host without REQUESTS_CA_BUNDLE); elsewhere the simulator\'s CA alone')
    for memory in realistic['module_memory']:
        lines.append('Module process alone, %d recordings (%d App IDs x %d), defaults, TLS, CA bundle %s: peak RSS %.1f MiB, '
                     'wall %.2f s (busy %.2f s, span %.2f s), in flight %d, %d 429s, slowest upload %.2f s, hosts %s'
                     % (memory['recordings'], memory['apps'], memory['per_app'], memory['bundle'], memory['rss_mib'],
                        memory['seconds'], memory['busy_seconds'], memory['request_span'], memory['max_in_flight'],
                        memory['rate_limited'], memory['slowest_upload'], hosts_text(memory['domains'])))
    if realistic['clients']:
        stops = realistic['clients'][0]['stops']
        lines += ['requests vs open_url, %d stops over TLS, no upload time, no limit, no latency (median of %d runs):'
                  % (stops, realistic['clients'][0]['runs']),
                  'client    threads  seconds  req/s  CPU s',
                  '--------  -------  -------  -----  -----']
        for row in realistic['clients']:
            lines.append('%-8s  %7d  %7.2f  %5.0f  %5.2f' % (row['client'], row['threads'], row['seconds'], row['per_second'],
                                                             row['cpu_seconds']))
        by_key = {(row['client'], row['threads']): row for row in realistic['clients']}
        for threads in sorted({row['threads'] for row in realistic['clients']}):
            fast, slow = by_key[('requests', threads)], by_key[('open_url', threads)]
            lines.append('%d thread%s: requests %.2f x the req/s of open_url, %.2f x its CPU seconds'
                         % (threads, '' if threads == 1 else 's', fast['per_second'] / slow['per_second'],
                            fast['cpu_seconds'] / slow['cpu_seconds']))
    return lines


def realistic_checks(realistic: dict) -> list[dict]:
    startup = realistic['startup_seconds']
    found = []
    for row in realistic['rows']:
        if row['approach'] != 'batch' or row['concurrency']:
            continue
        limit = real_target(row, startup)
        found.append({'passed': row['seconds'] <= limit and row['rate_limited'] == 0,
                      'text': 'realistic %d x %d%s: batch %.2f s <= 1.15 x %d/%d + slowest upload %.2f s + start-up %.2f s = '
                              '%.2f s, %d 429s' % (row['apps'], row['per_app'],
                                                   '' if row['bundle'] == 'simulator CA' else ' (certifi bundle)', row['seconds'], row['per_app'], AGORA_RATE,
                                                   row['slowest_upload'], startup, limit, row['rate_limited'])})
    for memory in realistic['module_memory']:
        found.append({'passed': memory['rss_mib'] <= MEMORY_TARGET_MIB,
                      'text': 'realistic module process at %d recordings (%d App IDs, TLS, defaults, CA bundle %s): '
                              '%.1f MiB <= %d MiB' % (memory['recordings'], memory['apps'], memory['bundle'], memory['rss_mib'],
                                                      MEMORY_TARGET_MIB)})
    return found


def versions() -> dict:
    import ssl

    import requests
    import urllib3
    from ansible.release import __version__ as ansible_core

    def git(*arguments: str) -> str:
        try:
            return subprocess.run(['git', *arguments], cwd=ROOT, capture_output=True, text=True, timeout=60,
                                  check=False).stdout.strip()
        except OSError:
            return ''

    return {'date': datetime.date.today().isoformat(), 'platform': platform.platform(), 'cpus': os.cpu_count(),
            'commit': git('rev-parse', '--short', 'HEAD'), 'plugins_changed_since_commit': bool(git('status', '--porcelain', 'plugins')),
            'python': platform.python_version(), 'ansible_core': ansible_core, 'requests': requests.__version__,
            'urllib3': urllib3.__version__, 'openssl': ssl.OPENSSL_VERSION}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--classic', action='store_true', help='run the classic (200 ms, plain HTTP) part')
    parser.add_argument('--realistic', action='store_true', help='run the realistic (HTTPS, 2-20 s uploads) part')
    classic = parser.add_argument_group('classic part')
    classic.add_argument('--sizes', default='1,50,300', help='comma-separated N')
    parser.add_argument('--runs', type=int, default=3, help='runs per measurement (median)')
    parser.add_argument('--loop-runs', type=int, default=None,
                        help='runs for the loop approaches (default: --runs); they take minutes')
    classic.add_argument('--approaches', default=','.join(APPROACHES))
    classic.add_argument('--settings', default='limited,unlimited')
    classic.add_argument('--memory', type=int, default=1000, help='recordings for the module memory check (0: skip)')
    real = parser.add_argument_group('realistic part')
    real.add_argument('--realistic-cases', default=REAL_CASES, help='comma-separated APPSxN: N recordings on each of APPS App IDs')
    real.add_argument('--realistic-approaches', default='batch,floor,uri')
    real.add_argument('--uri-loop', type=int, default=10, help='N of the uri loop, one App ID (0: skip; it takes N x ~11 s)')
    real.add_argument('--realistic-memory', default='4x250', help='APPSxN of the module memory run (0: skip)')
    real.add_argument('--certifi-cases', default='4x100',
                      help='APPSxN cases whose batch runs once more with certifi\'s CA bundle plus the simulator\'s (0: none)')
    real.add_argument('--realistic-concurrency', type=int, default=None,
                      help='diagnosis only: set the batch\'s concurrency instead of its default (its rows are not judged)')
    real.add_argument('--tls-compare', type=int, default=300, help='stops per client in requests vs open_url (0: skip)')
    real.add_argument('--tls-compare-threads', type=int, default=16)
    real.add_argument('--upload-time', default=REAL_UPLOAD, help=argparse.SUPPRESS)   # smoke runs: a small range
    parser.add_argument('--output', default=os.path.join(ROOT, 'build', 'benchmark.json'))
    parser.add_argument('--no-targets', action='store_true', help='measure only; do not judge the targets (smoke runs)')
    parser.add_argument('--floor-worker', help=argparse.SUPPRESS)
    parser.add_argument('--client-worker', help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.floor_worker:
        with open(args.floor_worker, encoding='utf-8') as handle:
            data = json.load(handle)
        if data.get('ca_path'):
            real_floor(data['base_url'], data['recordings'], data['rate_limit'], data['ca_path'])
        else:
            floor_client(data['base_url'], data['recordings'], data['rate_limit'])
        return 0
    if args.client_worker:
        with open(args.client_worker, encoding='utf-8') as handle:
            print(json.dumps(client_worker(json.load(handle))))
        return 0
    if not args.classic and not args.realistic:
        args.classic = args.realistic = True

    with tempfile.TemporaryDirectory(prefix='agora-bench-') as workdir:
        for name, text in PLAYBOOKS.items():
            with open(os.path.join(workdir, name + '.yml'), 'w', encoding='utf-8') as handle:
                handle.write('---' + text)
        os.makedirs(os.path.join(workdir, 'library'))
        with open(os.path.join(workdir, 'library', 'agora_bench_probe.py'), 'w', encoding='utf-8') as handle:
            handle.write(PROBE_MODULE)
        env = {key: value for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'AGORA_'))}
        env.pop('REQUESTS_CA_BUNDLE', None)
        env.update(ANSIBLE_COLLECTIONS_PATH=install_collection(workdir), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
                   AGORA_CUSTOMER_ID=CUSTOMER_ID, AGORA_CUSTOMER_SECRET=CUSTOMER_SECRET,
                   PYTHONPATH=os.path.join(workdir, 'collections'))
        report = {'machine': versions(), 'classic': None, 'realistic': None}
        if args.classic:
            report['classic'] = run_classic(args, workdir, env)
        if args.realistic:
            report['realistic'] = run_realistic(args, workdir, env)
    report['checks'] = [] if args.no_targets else (
        (classic_checks(report['classic']) if report['classic'] else [])
        + (realistic_checks(report['realistic']) if report['realistic'] else []))
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=2)
    machine = report['machine']
    lines = ['%(date)s, %(platform)s, %(cpus)d CPUs, Python %(python)s, ansible-core %(ansible_core)s, requests %(requests)s, '
             'urllib3 %(urllib3)s, %(openssl)s, commit %(commit)s' % machine
             + (' with plugins/ changed since' if machine['plugins_changed_since_commit'] else '')]
    if report['classic']:
        lines += classic_table(report['classic'])
    if report['realistic']:
        lines += realistic_table(report['realistic'])
    lines += ['%s  %s' % ('PASS' if check['passed'] else 'FAIL', check['text']) for check in report['checks']]
    print('\n'.join(lines))
    return 0 if all(check['passed'] for check in report['checks']) else 1


if __name__ == '__main__':
    sys.exit(main())

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a TLS context per connection costs: many stops at once through one requests.Session, three ways.

  per-connection    requests as it is: each new connection gets an SSLContext of its own, with the bundle loaded
  shared            one SSLContext handed to the pool manager; urllib3 still loads the bundle into it per connection
  shared-no-reload  one SSLContext holding the bundle, and no bundle passed per connection

The bundle is certifi's (what requests verifies against when REQUESTS_CA_BUNDLE is unset) plus the simulator's CA.
Each variant runs in a child process (the loopback resolver sends https://api.sd-rtn.com to the simulator; every other
name fails); printed: wall and CPU seconds of the stops, the child's peak RSS, the most requests the simulator had in
flight. A diagnosis for docs/performance.md, not part of `make benchmark`.

    python benchmarks/tls_contexts.py --connections 400
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'support'))
from agora_test_support import SimulatorProcess  # noqa: E402  (needs the path above)

CUSTOMER_ID, CUSTOMER_SECRET = 'bench-customer-id', 'bench-customer-secret'
VARIANTS = ('per-connection', 'shared', 'shared-no-reload')


def child(data_file: str) -> dict:
    import resource
    import ssl
    import time
    from concurrent.futures import ThreadPoolExecutor

    import requests
    import requests.adapters

    with open(data_file, encoding='utf-8') as handle:
        data = json.load(handle)
    bundle, recordings = data['bundle'], data['recordings']

    class Shared(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs['ssl_context'] = ssl.create_default_context(cafile=bundle)
            super().init_poolmanager(*args, **kwargs)

    class SharedNoReload(Shared):
        def cert_verify(self, conn, url, verify, cert):
            super().cert_verify(conn, url, verify, cert)
            conn.ca_certs = None   # the shared context holds the bundle already

        def build_connection_pool_key_attributes(self, request, verify, cert=None):
            host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
            pool.pop('ca_certs', None)
            return host, pool

    adapter = {'shared': Shared, 'shared-no-reload': SharedNoReload}.get(data['variant'], requests.adapters.HTTPAdapter)
    session = requests.Session()
    session.auth = (CUSTOMER_ID, CUSTOMER_SECRET)
    session.mount('https://', adapter(pool_maxsize=len(recordings)))

    def stop(item: dict) -> int:
        path = '/v1/apps/%(app_id)s/cloud_recording/resourceid/%(resource_id)s/sid/%(sid)s/mode/%(mode)s/stop' % item
        return session.post('https://api.sd-rtn.com' + path, json={'cname': item['cname'], 'uid': item['uid'], 'clientRequest': {}},
                            timeout=60, verify=bundle).status_code

    cpu, began = time.process_time(), time.monotonic()
    with ThreadPoolExecutor(len(recordings)) as pool:
        statuses = list(pool.map(stop, recordings))
    return {'variant': data['variant'], 'statuses': sorted(set(statuses)), 'seconds': time.monotonic() - began,
            'cpu_seconds': time.process_time() - cpu, 'rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--connections', type=int, default=400, help='stops sent at once (one thread and connection each)')
    parser.add_argument('--upload-time', default='3', help='seconds each stop takes (keeps the connections open together)')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0

    import certifi

    print('variant           stops  seconds  CPU s  RSS MiB  in flight')
    for variant in VARIANTS:
        with tempfile.TemporaryDirectory(prefix='agora-tls-') as workdir:
            simulator = SimulatorProcess(workdir, ['--tls', '--domain', 'api.sd-rtn.com', '--upload-time', args.upload_time,
                                                   '--seed', str(args.connections)], CUSTOMER_ID, CUSTOMER_SECRET)
            try:
                bundle = os.path.join(workdir, 'bundle.pem')
                with open(certifi.where(), encoding='ascii') as public, open(simulator.ca_bundle, encoding='ascii') as own:
                    text = public.read().rstrip('\n') + '\n' + own.read()
                with open(bundle, 'w', encoding='ascii') as handle:
                    handle.write(text)
                data_file = os.path.join(workdir, 'data.json')
                with open(data_file, 'w', encoding='utf-8') as handle:
                    json.dump({'variant': variant, 'bundle': bundle, 'recordings': simulator.recordings}, handle)
                env = {key: value for key, value in os.environ.items() if key != 'REQUESTS_CA_BUNDLE'}
                env.update(simulator.resolver_env())
                proc = subprocess.run([sys.executable, __file__, '--child', data_file], env=env, capture_output=True, text=True,
                                      timeout=600, check=False)
            finally:
                stats = simulator.finish()
            if proc.returncode or stats['still_recording']:
                raise RuntimeError('%s failed (%d still recording): %s' % (variant, stats['still_recording'], proc.stderr[-2000:]))
            result = json.loads(proc.stdout)
            if result['statuses'] != [200]:
                raise RuntimeError('%s: unexpected answers %s' % (variant, result['statuses']))
            row = (variant, args.connections, result['seconds'], result['cpu_seconds'], result['rss_mib'], stats['max_in_flight'])
            print('%-16s  %5d  %7.2f  %5.2f  %7.1f  %9d' % row, flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A burst of signed NCS notices at the ncs event source: answer times, exactly-once delivery, memory.

The source runs in a child process (its main(queue, args) on loopback, a consumer emptying the queue as a rulebook
would); this process sends the burst from ``--senders`` concurrent connections (keep-alive, as NCS is advised to use).
The burst is ``--notices`` POSTs in a shuffled order: distinct notices of recordings (ten per recording, sequence 0-9)
plus, for a fifth of them, NCS's copies (half redelivered with the same noticeId, half redundant under another
noticeId). Checked: every answer 200 within ``--deadline`` seconds (NCS's 10 s), every distinct notice on the queue
exactly once, no copy on it. Measured: answer times (median, 99th percentile, slowest), the burst's wall time, the
child's RSS before and after (peak), and the de-duplication memory per notice (tracemalloc, in this process).

    python benchmarks/ncs_load.py                       # the documented run: 5,000 notices from 50 senders
    python benchmarks/ncs_load.py --notices 200 --senders 10 --output build/ncs_load.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for folder in ('support', 'simulator'):
    sys.path.insert(0, os.path.join(ROOT, 'tests', folder))
from agora_ncs_notifier import sign  # noqa: E402  (needs the path above)
from ncs_support import NCS_SECRET, free_port, load_ncs_plugin  # noqa: E402

EVENTS_PER_RECORDING = 10
EVENT_TYPES = (40, 43, 44, 33, 33, 41, 30, 31, 42, 11)
REDUNDANT = '-redundant'


def rss_kib(field: str = 'VmRSS') -> int:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in KiB."""
    with open('/proc/self/status', encoding='ascii') as handle:
        for line in handle:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    return 0


# -- the child: the source and a consumer ----------------------------------------------------------------------------

async def serve(port: int, ready_file: str) -> dict[str, Any]:
    plugin = load_ncs_plugin()
    queue: asyncio.Queue = asyncio.Queue()
    counts: dict[str, int] = {}

    async def consume() -> None:
        while True:
            event = await queue.get()
            counts[event['agora']['notice_id']] = counts.get(event['agora']['notice_id'], 0) + 1

    rss_before = rss_kib()
    source = asyncio.create_task(plugin.main(queue, {'host': '127.0.0.1', 'port': port, 'secret': NCS_SECRET}))
    consumer = asyncio.create_task(consume())
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with open(ready_file, 'w', encoding='utf-8') as handle:
        handle.write('ready')
    await stop.wait()
    while not queue.empty():   # the consumer takes what is left
        await asyncio.sleep(0.01)
    source.cancel()
    consumer.cancel()
    await asyncio.gather(source, consumer, return_exceptions=True)
    return {'counts': counts, 'rss_before_kib': rss_before, 'rss_after_kib': rss_kib(),
            'rss_peak_kib': rss_kib('VmHWM')}


# -- this process: the burst -----------------------------------------------------------------------------------------

def burst(total: int, seed: int) -> tuple[list[bytes], set[str]]:
    """``total`` bodies: distinct notices and about a fifth as many copies, shuffled; and the distinct noticeIds."""
    copies = total // 5
    distinct = total - copies
    notices = []
    for index in range(distinct):
        recording, sequence = divmod(index, EVENTS_PER_RECORDING)
        notices.append({'noticeId': 'bench-%d' % index, 'productId': 3, 'eventType': EVENT_TYPES[sequence],
                        'notifyMs': 1700000000000 + index,
                        'payload': {'cname': 'channel-%d' % recording, 'uid': str(100000 + recording),
                                    'sid': '%032x' % recording, 'sequence': sequence, 'sendts': 1700000000000,
                                    'serviceType': 1, 'details': {'msgName': 'bench', 'status': 0}}})
    chooser = random.Random(seed)
    sent = list(notices)
    for number, original in enumerate(chooser.sample(notices, copies)):
        if number % 2:
            sent.append(dict(original, notifyMs=original['notifyMs'] + 5000))               # redelivered
        else:
            sent.append(dict(original, noticeId=original['noticeId'] + REDUNDANT))           # redundant copy
    chooser.shuffle(sent)
    return [json.dumps(notice).encode() for notice in sent], {notice['noticeId'] for notice in notices}


async def send_all(url: str, bodies: list[bytes], senders: int) -> list[tuple[int, float]]:
    import aiohttp

    pending = list(enumerate(bodies))
    results: list[tuple[int, float]] = [(0, 0.0)] * len(bodies)

    async def sender() -> None:
        connector = aiohttp.TCPConnector(limit=1)   # one keep-alive connection per sender, as one NCS worker
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
            while pending:
                index, body = pending.pop()
                headers = dict(sign(body, NCS_SECRET), **{'Content-Type': 'application/json'})
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as answer:
                    await answer.read()
                    results[index] = (answer.status, time.perf_counter() - started)

    await asyncio.gather(*(sender() for dummy in range(senders)))
    return results


def dedup_bytes_per_notice(notices: int = 20000) -> float:
    """What the source's memory of notices costs per notice (two keys each), measured with tracemalloc."""
    plugin = load_ncs_plugin()
    memory = plugin.NoticeMemory(seconds=3600, capacity=notices * 2)
    agoras = [{'product_id': 3, 'notice_id': 'bench-%d:%d:%d' % (index, index * 7, index % 1000), 'sid': '%032x' % index,
               'uid': str(100000 + index), 'event_type': 33, 'sequence': index % 10} for index in range(notices)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for agora in agoras:
        memory.remember(plugin.notice_keys(agora))
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / notices


def run(args: argparse.Namespace) -> dict[str, Any]:
    bodies, distinct = burst(args.notices, args.seed)
    port = free_port()
    ready = os.path.join(args.workdir, 'ncs-load-ready')
    if os.path.exists(ready):
        os.remove(ready)
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--serve', str(port), '--ready-file', ready],
                             stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(ready) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        time.sleep(0.3)   # the child wrote the file just after starting the listener's task
        started = time.perf_counter()
        results = asyncio.run(send_all('http://127.0.0.1:%d/' % port, bodies, args.senders))
        wall = time.perf_counter() - started
    finally:
        child.send_signal(signal.SIGTERM)
        output = child.communicate(timeout=60)[0]
    served = json.loads(output)
    times = sorted(seconds for status, seconds in results)
    statuses = [status for status, seconds in results]
    # Whichever of a notice and its redundant copy arrives first is the one accepted: count them as one notice.
    counts: dict[str, int] = {}
    for notice_id, count in served['counts'].items():
        original = notice_id.removesuffix(REDUNDANT)
        counts[original] = counts.get(original, 0) + count
    report = {
        'notices': len(bodies), 'distinct': len(distinct), 'copies': len(bodies) - len(distinct), 'senders': args.senders,
        'statuses': {str(status): statuses.count(status) for status in set(statuses)},
        'answer_median_ms': round(statistics.median(times) * 1000, 2),
        'answer_p99_ms': round(times[int(len(times) * 0.99) - 1] * 1000, 2),
        'answer_max_ms': round(times[-1] * 1000, 2),
        'wall_seconds': round(wall, 3), 'notices_per_second': round(len(bodies) / wall),
        'on_queue': sum(counts.values()), 'distinct_on_queue_once': sum(1 for key in distinct if counts.get(key) == 1),
        'missing': len(distinct - set(counts)), 'extra': sorted(set(counts) - distinct)[:10],
        'rss_before_mib': round(served['rss_before_kib'] / 1024, 1), 'rss_after_mib': round(served['rss_after_kib'] / 1024, 1),
        'rss_peak_mib': round(served['rss_peak_kib'] / 1024, 1),
        'dedup_bytes_per_notice': round(dedup_bytes_per_notice()),
    }
    report['checks'] = [problem for problem, failed in (
        ('an answer was not 200', report['statuses'] != {'200': len(bodies)}),
        ('an answer took longer than %s s' % args.deadline, report['answer_max_ms'] > args.deadline * 1000),
        ('a distinct notice was not on the queue exactly once', report['distinct_on_queue_once'] != len(distinct)),
        ('a copy reached the queue', report['on_queue'] != len(distinct) or report['extra'] != []),
    ) if failed]
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--notices', type=int, default=5000, help='POSTs in the burst, copies included')
    parser.add_argument('--senders', type=int, default=50, help='concurrent connections sending')
    parser.add_argument('--deadline', type=float, default=10.0, help='seconds NCS waits for an answer')
    parser.add_argument('--seed', type=int, default=17)
    parser.add_argument('--workdir', default=os.path.join(ROOT, 'build'))
    parser.add_argument('--output', help='write the report here as JSON')
    parser.add_argument('--serve', type=int, help=argparse.SUPPRESS)
    parser.add_argument('--ready-file', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(asyncio.run(serve(args.serve, args.ready_file))))
        return 0
    os.makedirs(args.workdir, exist_ok=True)
    report = run(args)
    if args.output:
        with open(args.output, 'w', encoding='utf-8') as handle:
            json.dump(report, handle, indent=2)
    for key, value in report.items():
        print('%-24s %s' % (key, value))
    return 1 if report['checks'] else 0


if __name__ == '__main__':
    sys.exit(main())

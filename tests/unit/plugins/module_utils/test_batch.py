# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The batch runner's pool: its order across App IDs, its size against the process's limits, and the journal."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from agora_fakes import APP_ID, RECORDING, Call, FakeClock, FakeTransport, stopped
from ansible_collections.agora.cloud_recording.plugins.module_utils import _batch
from ansible_collections.agora.cloud_recording.plugins.module_utils._batch import Batch, BatchItem, descriptor_budget
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraClient, Recording, RetryPolicy
from ansible_collections.agora.cloud_recording.plugins.module_utils._failover import Failover, named_hosts
from ansible_collections.agora.cloud_recording.plugins.module_utils._results import Journal, failed_result, recording_result
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor
from ansible_collections.agora.cloud_recording.plugins.module_utils._signals import (
    Interruption,
    ancestry,
    broken_link,
    is_ansible,
    parent_of,
)

OTHER_APP = 'fedcba9876543210fedcba9876543210'


def recording(number, app_id=APP_ID):
    return Recording(app_id, RECORDING.resource_id, '%032x' % number, 'mix', 'room', '1')


def items_of(recordings):
    return [BatchItem(index, item, False) for index, item in enumerate(recordings)]


def client_for(calls):
    clock = FakeClock()
    transport = FakeTransport(calls, clock)
    hosts = Failover(named_hosts(['https://api.sd-rtn.com']))
    return AgoraClient(transport, hosts, 60, RetryPolicy(0, (1.0,)), clock, clock.sleep), transport


def batch_of(client, recordings):
    return Batch(items_of(recordings), lambda item: recording_result(item.recording, client.stop(item.recording, False)),
                 failed_result, lambda: False)


def test_app_ids_take_turns_so_one_long_list_does_not_hold_back_another():
    recordings = [recording(1), recording(2), recording(3), recording(4, OTHER_APP), recording(5, OTHER_APP)]
    calls = [Call('POST', recordings[index].path('stop'), stopped(recording=recordings[index])) for index in (0, 3, 1, 4, 2)]
    client, transport = client_for(calls)
    results = batch_of(client, recordings).run(1)
    transport.assert_done()
    assert [result['sid'] for result in results] == [item.sid for item in recordings]


def test_when_no_thread_can_start_the_caller_does_the_work(monkeypatch):
    recordings = [recording(1), recording(2)]
    client, transport = client_for([Call('POST', item.path('stop'), stopped(recording=item)) for item in recordings])

    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, 'start', refuse)
    results = batch_of(client, recordings).run(8)
    transport.assert_done()
    assert [result['outcome'] for result in results] == ['stopped', 'stopped']


def test_the_pool_never_outgrows_the_descriptors_the_process_may_open(monkeypatch):
    class Limits:
        RLIMIT_NOFILE = 7
        RLIM_INFINITY = -1
        limits = (1024, 1024)

        def getrlimit(self, which):
            return self.limits

        def setrlimit(self, which, limits):
            raise ValueError('not allowed')

    limits = Limits()
    monkeypatch.setitem(__import__('sys').modules, 'resource', limits)
    monkeypatch.setattr(_batch.os, 'listdir', lambda path: ['fd'] * 100)
    assert descriptor_budget() == 1024 - 100 - _batch.RESERVED_DESCRIPTORS
    limits.limits = (100, 100)
    assert descriptor_budget() == 1


def test_the_soft_descriptor_limit_is_raised_as_far_as_allowed(monkeypatch):
    raised = []

    class Limits:
        RLIMIT_NOFILE = 7
        RLIM_INFINITY = -1

        def getrlimit(self, which):
            return (1024, 4096)

        def setrlimit(self, which, limits):
            raised.append(limits)

    monkeypatch.setitem(__import__('sys').modules, 'resource', Limits())

    def no_proc(path):
        raise OSError('no /proc')

    monkeypatch.setattr(_batch.os, 'listdir', no_proc)
    assert descriptor_budget() == 4096 - 2 * _batch.RESERVED_DESCRIPTORS
    assert raised == [(4096, 4096)]


def test_a_journal_on_a_full_disk_stops_writing_and_says_so():
    journal = Journal('/dev/full', Redactor(['secret']))
    journal.record({'sid': 'a'})
    journal.record({'sid': 'b'})
    assert journal.error == 'journal /dev/full could not be written (No space left on device); it misses recordings finished since'
    journal.close()


def test_interruption_outside_the_main_thread_installs_nothing():
    interruption = Interruption()
    seen = []

    def worker():
        with interruption.handling():
            seen.append(interruption.is_set())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [False]


def test_an_interrupted_sleep_returns_at_once():
    interruption = Interruption()
    threading.Timer(0.05, interruption.set).start()
    began = time.monotonic()
    interruption.sleep(10)
    assert time.monotonic() - began < 2


@pytest.mark.parametrize('per_app, rate, concurrency, budget, workers', [
    ({APP_ID: 100}, 10.0, None, None, 100),                 # every recording in flight: fewer than 10/s x 20 s
    ({APP_ID: 300}, 10.0, None, None, 200),                 # one App ID at its full rate while stops take 20 s
    ({APP_ID: 100, OTHER_APP: 100}, 10.0, None, None, 200),  # each App ID its own share
    ({APP_ID: 300, OTHER_APP: 300}, 10.0, None, None, 400),
    ({APP_ID: 300}, 10.0, None, 150, 150),                  # never more than the descriptors allow
    ({APP_ID: 3000}, 0.0, None, None, 1000),                # no pacing: as many as there are, up to the cap
    ({APP_ID: 300}, 10.0, 16, None, 16),                    # an explicit concurrency wins
    ({APP_ID: 5}, 10.0, 16, None, 5),                       # but no more workers than recordings
])
def test_the_pool_lets_the_rate_limit_bind(per_app, rate, concurrency, budget, workers):
    items = [BatchItem(0, recording(number, app_id), False)
             for app_id, count in per_app.items() for number in range(count)]
    assert _batch.workers_for(items, rate, concurrency, budget) == workers


def test_a_signal_the_launcher_ignores_stays_ignored():
    """nohup, or a background job: SIGINT is ignored on purpose, and the module does not take it back."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with Interruption().handling():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGINT, before)


class TestTheControllerWatch:
    """The processes above the module, as /proc tells them, stand in for a fake process table here."""

    # module 600 -> sh 500 -> sh 400 -> worker 300 -> ansible-playbook 200 -> login shell 100 -> init
    TABLE = {600: 500, 500: 400, 400: 300, 300: 200, 200: 100, 100: 1}
    ANSIBLE = frozenset((300, 200))

    def test_the_watch_reaches_the_topmost_ansible_process_and_no_further(self):
        assert ancestry(600, self.TABLE.get, self.ANSIBLE.__contains__) == [(600, 500), (500, 400), (400, 300), (300, 200)]

    def test_with_no_ansible_process_above_only_the_parent_is_watched(self):
        assert ancestry(600, self.TABLE.get, lambda pid: False) == [(600, 500)]

    @pytest.mark.parametrize('change, broken', [({300: 1}, (300, 200)), ({400: None}, (400, 300)), ({200: 1}, None), ({}, None)],
                             ids=['ansible-playbook-killed-worker-reparented', 'shell-gone', 'nohup-login-shell-closed',
                                  'all-well'])
    def test_a_link_that_no_longer_holds_is_found(self, change, broken):
        table = dict(self.TABLE)
        links = ancestry(600, table.get, self.ANSIBLE.__contains__)
        table.update(change)
        assert broken_link(links, table.get) == broken

    def test_a_vanished_controller_interrupts_the_run(self, monkeypatch):
        """Real time, but short: the watch looks every 10 ms here."""
        table = {os.getpid(): 400, 400: 300, 300: 200, 200: 1}
        interruption = Interruption(parent=table.get, interval=0.01, ansible=lambda pid: pid in (300, 200))
        with interruption.watching_the_controller():
            assert not interruption.is_set()
            table[300] = 1   # ansible-playbook was killed: the worker now hangs under init
            interruption.sleep(2.0)   # returns as soon as the watch sets the interruption
            assert interruption.is_set() and 'the controller is gone: process 300' in interruption.reason

    def test_the_proc_reader_reads_this_process(self):
        assert parent_of(os.getpid()) == os.getppid()
        assert parent_of(2 ** 22 + 12345) is None
        assert is_ansible(os.getpid()) is False and is_ansible(2 ** 22 + 12345) is False

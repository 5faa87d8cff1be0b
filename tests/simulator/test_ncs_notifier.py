# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The whole loop on loopback: the simulator's recordings -> its NCS notifier -> the ncs event source -> the queue."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import requests

pytest.importorskip('aiohttp')

from agora_ncs_notifier import NcsNotifier  # noqa: E402
from agora_simulator import AgoraSimulator, make_certificates  # noqa: E402
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, SimulatorProcess  # noqa: E402
from ncs_support import NCS_SECRET, START_REQUEST, drain, record_and_stop, running_plugin  # noqa: E402


def run_loop(plugin_args: dict[str, Any], notifier_args: dict[str, Any], mode: str = 'mix',
             upload_status: str = 'uploaded') -> tuple[str, NcsNotifier, list[Any]]:
    async def scenario() -> tuple[str, NcsNotifier, list[Any]]:
        async with running_plugin(plugin_args) as plugin:
            notifier = NcsNotifier(plugin['url'], NCS_SECRET, **notifier_args)
            simulator = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET)
            simulator.notifier = notifier
            sid = await asyncio.to_thread(record_and_stop, simulator, mode, upload_status)
            assert await asyncio.to_thread(notifier.wait, 10)
            await asyncio.to_thread(notifier.close)
            return sid, notifier, drain(plugin['queue'])

    return asyncio.run(asyncio.wait_for(scenario(), 30))


def test_a_recording_s_notices_reach_the_queue_once_each_despite_redelivery_and_redundancy(tmp_path: Any) -> None:
    ca, cert, key = make_certificates()
    (tmp_path / 'ca.pem').write_bytes(ca)
    (tmp_path / 'cert.pem').write_bytes(cert)
    (tmp_path / 'key.pem').write_bytes(key)
    sid, notifier, events = run_loop({'certfile': str(tmp_path / 'cert.pem'), 'keyfile': str(tmp_path / 'key.pem')},
                                     {'redeliver': True, 'redundant': True, 'ca_bundle': str(tmp_path / 'ca.pem')})
    assert [(item.event_type, item.kind, item.status) for item in notifier.deliveries] == [
        (event_type, kind, 200) for event_type in (40, 41, 31, 11) for kind in ('first', 'redelivery', 'redundant')]
    assert [(event['agora']['event'], event['agora']['sequence'], event['agora']['sid']) for event in events] == [
        ('recorder_started', 0, sid), ('recorder_left', 1, sid), ('uploaded', 2, sid), ('session_exit', 3, sid)]
    assert events[2]['agora']['details']['fileList'][0]['fileName'] == '%s_keynote.m3u8' % sid
    assert events[3]['agora']['details'] == {'msgName': 'session_exit', 'exitStatus': 0}


def test_a_web_recording_through_the_backup_and_no_copies() -> None:
    notifier, events = run_loop({}, {}, mode='web')[1:]
    assert [item.kind for item in notifier.deliveries] == ['first'] * 4
    assert [event['agora']['event'] for event in events] == ['recorder_started', 'recorder_left', 'uploaded', 'session_exit']
    assert 'fileList' not in events[2]['agora']['details']   # web mode sends none (NCS reference)


def test_a_backuped_upload_is_event_32() -> None:
    events = run_loop({}, {}, upload_status='backuped')[2]
    assert [(event['agora']['event_type'], event['agora']['event']) for event in events][2] == (32, 'backuped')


def test_a_wrong_secret_or_an_absent_webhook_is_recorded_not_raised() -> None:
    async def scenario() -> NcsNotifier:
        async with running_plugin({}) as plugin:
            notifier = NcsNotifier(plugin['url'], 'not-the-secret', timeout=2)
            simulator = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET)
            simulator.notifier = notifier
            await asyncio.to_thread(record_and_stop, simulator)
            assert await asyncio.to_thread(notifier.wait, 10)
            notifier.url = plugin['url'].replace('/ncs', '/elsewhere')
            notifier.notify(simulator.recordings()[0], 1, {'msgName': 'cloud_recording_error', 'errorLevel': 5})
            assert await asyncio.to_thread(notifier.wait, 10)
            await asyncio.to_thread(notifier.close)
            return notifier

    notifier = asyncio.run(asyncio.wait_for(scenario(), 30))
    assert [item.status for item in notifier.deliveries] == [401] * 4 + [404]
    assert 'does not match' in notifier.deliveries[0].answer


def test_the_simulator_s_command_line_sends_notices_and_their_copies(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv('AGORA_NCS_SECRET', NCS_SECRET)
    caplog.set_level(logging.DEBUG)

    def copies_answered() -> int:
        return caplog.text.count('is a copy of one already accepted')

    def record(simulator_url: str) -> None:
        api = simulator_url + '/v1/apps/0123456789abcdef0123456789abcdef/cloud_recording'
        identity = {'cname': 'keynote', 'uid': '527841'}
        with requests.Session() as session:
            session.auth = (CUSTOMER_ID, CUSTOMER_SECRET)
            resource = session.post(api + '/acquire', json=identity, timeout=10).json()['resourceId']
            sid = session.post(api + '/resourceid/%s/mode/mix/start' % resource,
                               json=dict(identity, clientRequest=START_REQUEST), timeout=10).json()['sid']
            session.post(api + '/resourceid/%s/sid/%s/mode/mix/stop' % (resource, sid),
                         json=dict(identity, clientRequest={}), timeout=10).raise_for_status()

    async def scenario() -> list[Any]:
        async with running_plugin({}) as plugin:
            simulator = await asyncio.to_thread(SimulatorProcess, str(tmp_path),
                                                ['--ncs-url', plugin['url'], '--ncs-redeliver', '--ncs-redundant'])
            try:
                await asyncio.to_thread(record, simulator.url)
                events = []
                for dummy in range(4):
                    events.append(await asyncio.wait_for(plugin['queue'].get(), 10))
                for dummy in range(1000):   # until the last copies were answered too (bounded: 10 s)
                    if copies_answered() == 8:
                        break
                    await asyncio.sleep(0.01)
                return events + drain(plugin['queue'])
            finally:
                await asyncio.to_thread(simulator.finish)

    events = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert [event['agora']['event'] for event in events] == ['recorder_started', 'recorder_left', 'uploaded', 'session_exit']
    assert copies_answered() == 8   # a redelivery and a redundant copy of each, answered 200, none on the queue

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The info module as Ansible runs it, against the simulator: running, stopping and gone recordings; GET only."""

from __future__ import annotations

import time

from agora_simulator import AgoraSimulator
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, INFO_MODULE, run_module


def info_args(simulator, **extra):
    return dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, api_base_url=simulator.url, retry_delays=[0.01],
                **extra)


def test_running_stopping_and_gone_recordings_in_one_batch():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, exit_seconds=60).start()
    try:
        running, stopping, gone, web = sim.seed(mode='mix'), sim.seed(), sim.seed(state='ended'), sim.seed(mode='web')
        stopping.state, stopping.exit_until = 'exiting', time.monotonic() + 60
        recordings = [item.describe() for item in (running, stopping, gone, web)]
        result = run_module(info_args(sim, recordings=recordings), module=INFO_MODULE)
    finally:
        sim.stop()
    assert result['changed'] is False
    states = [(item['sid'], item['exists'], item['state'], item['status_code']) for item in result['recordings']]
    assert states == [(running.sid, True, 'recording', 5), (stopping.sid, True, 'stopping', 6), (gone.sid, False, 'stopped', None),
                      (web.sid, True, 'recording', 5)]
    # A mix recording of HLS only: Agora's "string" file list, one playlist.
    assert [item['filename'] for item in result['recordings'][0]['files']] == ['%s_%s.m3u8' % (running.sid, running.cname)]
    assert (result['recordings'][3]['web_recorder_state'], result['recordings'][3]['onhold']) == ('inProgress', False)
    assert result['summary']['state']['recording'] == 2 and result['summary']['gone'] == 1
    assert {request.method for request in sim.received} == {'GET'}
    assert all(sim.recording(item.sid).state == 'recording' for item in (running, web))


def test_one_recording_sets_the_fact(simulator):
    recording = simulator.seed(mode='individual')
    result = run_module(info_args(simulator, app_id=recording.app_id, resource_id=recording.resource_id, sid=recording.sid,
                                  mode='individual'), module=INFO_MODULE)
    assert result['ansible_facts']['agora_cloud_recording_info'] == result['recording']
    assert (result['recording']['state'], len(result['recording']['files'])) == ('recording', 4)

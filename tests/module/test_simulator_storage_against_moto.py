# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator uploads into moto's S3 server as Agora would; the stop module then the upload_info module, as processes."""

from __future__ import annotations

import os

import pytest

from agora_simulator import AgoraSimulator
from agora_storage import BUCKET, STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY, MotoServer
from agora_storage_writer import StorageTarget, StorageWriter
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT, run_module

UPLOAD_INFO_MODULE = os.path.join(REPO_ROOT, 'plugins', 'modules', 'agora_cloud_recording_upload_info.py')


@pytest.fixture
def uploading():
    moto = MotoServer()
    moto.client().create_bucket(Bucket=BUCKET)
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, upload_time=1.0)
    sim.storage_writer = StorageWriter(StorageTarget(moto.url, BUCKET, STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY, ('sim',)),
                                       backup_delay=2.0)
    sim.start()
    yield sim, moto
    sim.stop()
    moto.stop()
    assert sim.storage_writer.errors == []


def test_an_async_stop_answers_at_once_then_the_files_arrive_and_a_backuped_one_is_waited_for(uploading):
    sim, moto = uploading
    plain, backuped = sim.seed(mode='mix'), sim.seed(mode='individual', upload_status='backuped')
    gap, unfinished = sim.seed(storage_faults={'missing_segment', 'failover'}), sim.seed(storage_faults={'unfinished'})
    recordings = [item.describe() for item in (plain, backuped, gap, unfinished)]
    stopped = run_module(dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, api_base_url=sim.url,
                              recordings=recordings, async_stop=True, query_files=False, retry_delays=[0.01]))
    assert {item['upload_status'] for item in stopped['recordings']} == {'pending'}
    args = dict(recordings=stopped['recordings'], storage=moto.storage_config(['sim']), wait=True, wait_timeout=8)
    result = run_module(args, module=UPLOAD_INFO_MODULE)
    assert [item['upload'] for item in result['recordings']] == ['confirmed', 'confirmed', 'incomplete', 'incomplete']
    assert result['checks'] >= 2 and result['waited'] < 12
    mp4_free, streams = result['recordings'][0], result['recordings'][1]
    assert mp4_free['segments'] == 4 and len(streams['playlists']) == 4
    assert {item['source'] for item in streams['playlists']} == {'backup'}
    assert [item['failover'] for item in result['recordings'][2]['playlists']] == [None, 'bak0']
    assert result['recordings'][2]['missing_count'] == 1
    assert 'not finished yet' in result['recordings'][3]['msg']

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The upload_info module as Ansible runs it, through boto3, against moto's S3 server on loopback (its own process)."""

from __future__ import annotations

import os

import pytest

from agora_storage import BUCKET, STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY, MotoServer, RecordingFiles, StorageFaults
from agora_test_support import REPO_ROOT, run_module

UPLOAD_INFO_MODULE = os.path.join(REPO_ROOT, 'plugins', 'modules', 'agora_cloud_recording_upload_info.py')


@pytest.fixture(scope='module')
def moto():
    server = MotoServer()
    server.client().create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


def upload_info(args, env=None):
    result = run_module(args, env=env, module=UPLOAD_INFO_MODULE)
    text = repr(result)
    assert STORAGE_SECRET_KEY not in text and STORAGE_ACCESS_KEY not in text
    return result


def test_confirmed_incomplete_and_missing_recordings_over_real_s3(moto):
    client = moto.client()
    done = RecordingFiles('a1' * 16, 'main-stage', segments=12)
    unfinished = RecordingFiles('b2' * 16, 'hall', finished=False)
    gap = RecordingFiles('c3' * 16, 'Q-A', skip_segment=2)
    for recording in (done, unfinished, gap):
        recording.write(client, 'moduletier/')
    entries = [dict(sid=done.sid, cname='main-stage', mode='mix'), dict(sid=unfinished.sid, cname='hall', mode='mix'),
               dict(sid=gap.sid, cname='Q&A', mode='web'), dict(sid='d4' * 16, cname='none', mode='mix')]
    result = upload_info(dict(recordings=entries, storage=moto.storage_config(['moduletier'])))
    assert [item['upload'] for item in result['recordings']] == ['confirmed', 'incomplete', 'incomplete', 'missing']
    assert result['recordings'][0]['segments'] == 12 and len(result['recordings'][0]['files']) == 13
    assert result['recordings'][2]['missing'] == [gap.segment_names()[2]]
    # One walk of the prefix (every recording's keys fit one page) and three playlists.
    assert result['requests'] == 4 and result['changed'] is False


def test_wrong_keys_and_a_wrong_bucket_say_what_to_check(moto):
    entry = [dict(sid='a1' * 16, cname='main-stage', mode='mix')]
    wrong = dict(moto.storage_config(['moduletier']), bucket='no-such-bucket')
    result = upload_info(dict(recordings=entry, storage=wrong))
    assert result['failed'] and 'no such bucket: check storage.bucket' in result['msg']
    assert result['recordings'][0]['upload'] == 'error'


def test_keys_from_the_environment_and_a_secret_file(moto, tmp_path):
    RecordingFiles('e5' * 16, 'env').write(moto.client(), 'envtier/')
    secret_file = tmp_path / 'secret'
    secret_file.write_text(STORAGE_SECRET_KEY)
    storage = moto.storage_config(['envtier'])
    del storage['accessKey'], storage['secretKey']
    result = upload_info(dict(sid='e5' * 16, cname='env', mode='mix', storage=storage),
                         env={'AGORA_STORAGE_ACCESS_KEY': STORAGE_ACCESS_KEY, 'AGORA_STORAGE_SECRET_KEY_FILE': str(secret_file)})
    assert result['recording']['upload'] == 'confirmed'


def test_a_listing_of_many_pages_is_walked_in_pages_of_1000(moto):
    client = moto.client()
    recording = RecordingFiles('f6' * 16, 'big', segments=1100)
    recording.write(client, 'bigtier/')
    result = upload_info(dict(sid=recording.sid, cname='big', mode='mix', storage=moto.storage_config(['bigtier'])))
    assert result['recording']['upload'] == 'confirmed' and result['recording']['segments'] == 1100
    assert result['requests'] == 2 + 1


def test_throttling_is_retried_and_wrong_keys_are_named_with_the_echoed_key_masked(moto):
    recording = RecordingFiles('a7' * 16, 'faults')
    recording.write(moto.client(), 'faulttier/')
    faults = StorageFaults(moto.url)
    try:
        storage = dict(moto.storage_config(['faulttier']), extensionParams={'endpoint': faults.url})
        args = dict(sid=recording.sid, cname='faults', mode='mix', storage=storage)
        faults.slow_down = 2
        result = upload_info(args)
        assert result['recording']['upload'] == 'confirmed' and faults.answered[:3] == [503, 503, 200]
        faults.wrong_keys = True
        result = upload_info(dict(args, fail_on_unconfirmed=True))
    finally:
        faults.stop()
    assert result['failed'] and result['recording']['upload'] == 'error'
    assert 'check storage.accessKey and storage.secretKey' in result['msg'] and 'InvalidAccessKeyId' in result['msg']

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The upload_info module in this process, on a fake storage and a fake clock: options, results, failures, the wait."""

from __future__ import annotations

import json

import pytest

from agora_fakes import FakeClock, run_module_in_process
from storage_fakes import FakeStorage, Listed, Read, obj, page, playlist, recording_objects
from ansible_collections.agora.cloud_recording.plugins.module_utils import _storage_config, _upload_info
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import Problem, StorageError
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage_config import StorageRuntime
from ansible_collections.agora.cloud_recording.plugins.modules import agora_cloud_recording_upload_info as module

ACCESS = 'AKIAEXAMPLEACCESS001'
SECRET = 'wJalr-Storage-Secret-Never-Print'
SID = '38f8e3cfdc474cd56fc1ceba380d7e1a'
BASE = 'events/'
STORAGE = dict(vendor=1, region=0, bucket='event-recordings', accessKey=ACCESS, secretKey=SECRET, fileNamePrefix=['events'])


@pytest.fixture(autouse=True)
def no_storage_environment(monkeypatch):
    for name in ('AGORA_STORAGE_ACCESS_KEY', 'AGORA_STORAGE_SECRET_KEY', 'AGORA_STORAGE_SECRET_KEY_FILE'):
        monkeypatch.delenv(name, raising=False)


def run(args, storage, monkeypatch, clock=None, check_mode=False):
    clock = clock or FakeClock()
    monkeypatch.setattr(_upload_info, 'STORAGE_RUNTIME', StorageRuntime(clock, lambda *_args: storage, clock.sleep))
    outcome = run_module_in_process(module.main, args, [], monkeypatch, check_mode=check_mode)
    storage.assert_done()
    text = json.dumps(outcome.result) + ' '.join(outcome.warnings)
    assert ACCESS not in text and SECRET not in text
    return outcome.result


def finished(sid=SID, cname='main-stage', ended=True):
    stem = '%s_%s' % (sid, cname)
    segments, names = recording_objects(BASE, stem, 2)
    return [obj(BASE + stem + '.m3u8')] + segments, Read(BASE + stem + '.m3u8', playlist(*names, ended=ended))


def test_one_recording_is_confirmed_and_set_as_a_fact(monkeypatch):
    objects, read = finished()
    storage = FakeStorage([Listed(BASE, page(*objects))], [read])
    result = run(dict(sid=SID, cname='main-stage', mode='mix', storage=STORAGE), storage, monkeypatch, check_mode=True)
    assert result['changed'] is False and result['recording']['upload'] == 'confirmed'
    assert result['ansible_facts']['agora_cloud_recording_upload_info'] == result['recording']
    assert (result['checks'], result['requests']) == (1, 2) and storage.closed


def test_the_stop_modules_registered_list_works_unchanged(monkeypatch):
    objects, read = finished()
    stopped = {'app_id': '0123456789abcdef0123456789abcdef', 'resource_id': 'JyvK8nXHuV1BE64', 'sid': SID, 'cname': 'main-stage',
               'uid': '527841', 'mode': 'mix', 'outcome': 'stopped', 'upload_status': 'backuped', 'files_from': 'stop',
               'files': [{'filename': '%s_main-stage.m3u8' % SID, 'track_type': 'audio_and_video'}], 'http_status': 200,
               'attempts': 1, 'confirmed': True, 'api_host': 'https://api.sd-rtn.com', 'server_response': {}, 'failed': False}
    storage = FakeStorage([Listed(BASE, page(*objects))], [read])
    result = run(dict(recordings=[stopped, dict(stopped)], storage=STORAGE), storage, monkeypatch)
    (entry,) = result['recordings']
    assert (entry['upload'], entry['agora_upload_status'], entry['uid'], entry['resource_id']) == \
        ('confirmed', 'backuped', '527841', 'JyvK8nXHuV1BE64')
    assert result['summary'] == {'total': 1, 'upload': {'confirmed': 1, 'incomplete': 0, 'missing': 0, 'error': 0}, 'failed': 0}
    assert result['ansible_facts']['agora_cloud_recording_upload_info_summary'] == result['summary']


def test_unconfirmed_is_not_a_failure_unless_asked(monkeypatch):
    args = dict(recordings=[dict(sid=SID, cname='main-stage', mode='mix')], storage=STORAGE)
    result = run(args, FakeStorage([Listed(BASE, page())]), monkeypatch)
    assert not result['failed'] and result['recordings'][0]['upload'] == 'missing'
    result = run(dict(args, fail_on_unconfirmed=True), FakeStorage([Listed(BASE, page())]), monkeypatch)
    assert result['failed'] and result['recordings'][0]['upload'] == 'missing'
    assert 'sid %s: missing: nothing under events/%s_' % (SID, SID) in result['msg']


def test_a_storage_error_fails_the_task_after_reporting_every_recording_and_masks_echoed_keys(monkeypatch):
    error = StorageError(Problem.CREDENTIALS, 'HTTP 403 InvalidAccessKeyId: key %s is unknown' % ACCESS)
    args = dict(recordings=[dict(sid=SID, cname='a', mode='mix'), dict(sid='other', cname='b', mode='web')], storage=STORAGE)
    result = run(args, FakeStorage([Listed(BASE, error)]), monkeypatch)
    assert result['failed'] and result['summary']['failed'] == 2 and len(result['recordings']) == 2
    assert 'check storage.accessKey and storage.secretKey' in result['msg']


def test_the_wait_polls_until_the_upload_finishes(monkeypatch):
    objects, unfinished = finished(ended=False)
    _objects, read = finished()
    storage = FakeStorage([Listed(BASE, page()), Listed(BASE, page(*objects)), Listed(BASE, page(*objects))], [unfinished, read])
    clock = FakeClock()
    result = run(dict(sid=SID, cname='main-stage', mode='mix', storage=STORAGE, wait=True, wait_timeout=600), storage,
                 monkeypatch, clock)
    assert result['recording']['upload'] == 'confirmed' and result['checks'] == 3
    assert clock.sleeps == [5.0, 10.0] and result['waited'] == 15.0


@pytest.mark.parametrize('args, message', [
    (dict(sid='../' + SID, cname='a', mode='mix'), 'sid must be the sid that start returned'),
    (dict(recordings=[dict(sid=SID, mode='mix')]), 'recordings[0]: cname must be the channel name'),
    (dict(recordings=[dict(sid=SID, cname='a', mode='raw')]), 'recordings[0]: mode must be one of'),
    (dict(recordings=[]), 'recordings is empty'),
    (dict(sid=SID, cname='a/b', mode='mix'), 'cname must be an Agora channel name'),
    (dict(sid=SID, cname='a', mode='mix', wait_timeout=100000), 'wait_timeout must be between 1 and 43200'),
    (dict(sid=SID, cname='a', mode='mix', timeout=0), 'timeout must be between 1 and 300'),
    (dict(sid=SID, cname='a', mode='mix', storage=dict(STORAGE, vendor=99)), 'storage.vendor 99 is not one of Agora'),
    (dict(sid=SID, cname='a', mode='mix', storage=dict(STORAGE, region=23)), 'storage.region 23 is not one of'),
])
def test_invalid_input_is_refused_before_any_request(args, message, monkeypatch):
    result = run(dict(dict(storage=STORAGE), **args), FakeStorage([]), monkeypatch)
    assert result['failed'] and message in result['msg']


def test_keys_from_the_environment(monkeypatch):
    monkeypatch.setenv('AGORA_STORAGE_ACCESS_KEY', ACCESS)
    monkeypatch.setenv('AGORA_STORAGE_SECRET_KEY', SECRET)
    storage = dict(STORAGE)
    del storage['accessKey'], storage['secretKey']
    result = run(dict(sid=SID, cname='main-stage', mode='mix', storage=storage), FakeStorage([Listed(BASE, page())]),
                 monkeypatch)
    assert result['recording']['upload'] == 'missing'


@pytest.mark.parametrize('vendor, flag, library', [(1, 'HAS_BOTO3', 'boto3'), (5, 'HAS_AZURE', 'azure-storage-blob')])
def test_without_its_library_the_module_says_what_to_install(vendor, flag, library, monkeypatch):
    monkeypatch.setattr(_storage_config, flag, False)
    monkeypatch.setattr(_upload_info, 'STORAGE_RUNTIME', StorageRuntime(FakeClock(), _storage_config.open_storage))
    outcome = run_module_in_process(module.main, dict(sid=SID, cname='a', mode='mix', storage=dict(STORAGE, vendor=vendor)),
                                    [], monkeypatch)
    assert outcome.result['failed'] and library in outcome.result['msg'] and 'Traceback' not in outcome.result['msg']


def test_the_keys_snake_case_spellings_are_taken_and_masked(monkeypatch):
    storage = dict(STORAGE, access_key=ACCESS, secret_key=SECRET)
    del storage['accessKey'], storage['secretKey']
    result = run(dict(sid=SID, cname='main-stage', mode='mix', storage=storage), FakeStorage([Listed(BASE, page())]),
                 monkeypatch)
    assert result['recording']['upload'] == 'missing'

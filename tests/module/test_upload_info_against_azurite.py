# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The upload_info module as Ansible runs it, through azure-storage-blob (Agora's vendor 5), against Azurite on loopback
(its own process, installed from npm by the Makefile)."""

from __future__ import annotations

import base64
import os
from urllib.parse import quote

import pytest

from agora_storage import RecordingFiles
from agora_test_support import REPO_ROOT, start_module, module_result_and_output
from azurite_server import CONTAINER, DEV_ACCOUNT, DEV_KEY, BlobWriter
from azurite_server import azurite  # pylint: disable=unused-import  # the fixture, which pytest finds by name

UPLOAD_INFO_MODULE = os.path.join(REPO_ROOT, 'plugins', 'modules', 'agora_cloud_recording_upload_info.py')
# A well-formed key of the right length that is not the account's: Azurite checks the signature and refuses it.
WRONG_KEY = base64.b64encode(b'wrong-azure-key-never-print-' + b'x' * 36).decode()


def key_forms(key: str) -> list[str]:
    """The key as given, without its padding, URL-encoded, and base64-encoded once more."""
    return [key, key.rstrip('='), quote(key, safe=''), base64.b64encode(key.encode()).decode()]


def upload_info(args, key=DEV_KEY):
    """The module's result; its whole stdout and stderr must hold the key in no form, nor the account's name."""
    result, output = module_result_and_output(start_module(args, module=UPLOAD_INFO_MODULE))
    assert [form for form in key_forms(key) + [DEV_ACCOUNT] if form in output] == []
    return result


def test_confirmed_incomplete_and_missing_recordings_over_azurite(azurite):
    writer = BlobWriter(azurite.service())
    done = RecordingFiles('a1' * 16, 'main-stage', segments=12)
    gap = RecordingFiles('c3' * 16, 'Q-A', skip_segment=2)
    for recording in (done, gap):
        recording.write(writer, 'azuretier/', bucket=CONTAINER)
    entries = [dict(sid=done.sid, cname='main-stage', mode='mix'), dict(sid=gap.sid, cname='Q&A', mode='web'),
               dict(sid='d4' * 16, cname='none', mode='mix')]
    result = upload_info(dict(recordings=entries, storage=azurite.storage_config(['azuretier'])))
    assert [item['upload'] for item in result['recordings']] == ['confirmed', 'incomplete', 'missing']
    assert result['recordings'][0]['segments'] == 12 and len(result['recordings'][0]['files']) == 13
    assert result['recordings'][1]['missing'] == [gap.segment_names()[2]]
    assert result['changed'] is False and not result.get('failed')


def test_nothing_under_the_prefix_is_missing(azurite):
    result = upload_info(dict(sid='e5' * 16, cname='hall', mode='mix', storage=azurite.storage_config(['emptytier'])))
    assert result['recording']['upload'] == 'missing' and not result.get('failed')


@pytest.mark.parametrize('change, says', [
    (dict(secretKey=WRONG_KEY), 'the storage keys were refused: check storage.accessKey and storage.secretKey'),
    (dict(bucket='no-such-container'), 'no such bucket: check storage.bucket'),
])
def test_wrong_key_or_container_fails_naming_what_to_check(azurite, change, says):
    RecordingFiles('f6' * 16, 'stage').write(BlobWriter(azurite.service()), 'errortier/', bucket=CONTAINER)
    storage = dict(azurite.storage_config(['errortier']), **change)
    result = upload_info(dict(sid='f6' * 16, cname='stage', mode='mix', storage=storage), key=storage['secretKey'])
    assert result['failed'] and result['recording']['upload'] == 'error'
    assert says in result['msg']

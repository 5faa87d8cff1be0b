# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-doc renders what a user reads, from the collection installed out of its Galaxy tarball."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

BIN = os.path.dirname(sys.executable)


def ansible_doc(collections_path, tmp_path, *args):
    env = {key: value for key, value in os.environ.items() if not key.startswith('ANSIBLE_')}
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_PAGER='cat', PAGER='cat')
    proc = subprocess.run([os.path.join(BIN, 'ansible-doc'), *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'Traceback' not in proc.stderr and 'ERROR' not in proc.stderr, proc.stderr
    return proc.stdout


def documented(collections_path, tmp_path, plugin_type, name):
    return json.loads(ansible_doc(collections_path, tmp_path, '--json', '-t', plugin_type, name))[name]


@pytest.mark.parametrize('name, results', [
    ('agora.cloud_recording.agora_cloud_recording_stop', {'recording', 'recordings', 'summary'}),
    ('agora.cloud_recording.agora_cloud_recording_info', {'recording', 'recordings', 'summary'}),
    ('agora.cloud_recording.agora_cloud_recording_upload_info', {'recording', 'recordings', 'summary', 'requests'}),
    ('agora.cloud_recording.agora_cloud_recording_start', {'recording', 'recordings', 'results', 'summary'}),
])
def test_module_page_shows_every_option_example_and_result(collections_path, tmp_path, name, results):
    data = documented(collections_path, tmp_path, 'module', name)
    text = ansible_doc(collections_path, tmp_path, name)
    for heading in ('OPTIONS', 'ATTRIBUTES', 'EXAMPLES', 'RETURN VALUES'):
        assert re.search(r'^%s\b' % heading, text, re.M), heading
    options = data['doc']['options']
    # the shared connection options (doc fragment) and the batch options are all there
    assert {'app_id', 'customer_secret', 'recordings', 'rate_limit'} <= set(options)
    # without colour, ansible-doc starts each option and result with '=' (required) or '-' (optional)
    assert [option for option in options if not re.search(r'^[-=] %s ' % option, text, re.M)] == []
    returned = data['return']
    assert results <= set(returned)
    assert [key for key in returned if not re.search(r'^[-=] %s ' % key, text, re.M)] == []
    assert data['examples'].strip().splitlines()[0] in text


@pytest.mark.parametrize('plugin_type,name,expected', [
    ('role', 'agora.cloud_recording.recording_teardown', 'recording_teardown_require_upload'),
    ('role', 'agora.cloud_recording.recording_start', 'recording_start_ledger'),
    ('filter', 'agora.cloud_recording.teardown_report', 'previous'),
    ('filter', 'agora.cloud_recording.teardown_pending', 'journal'),
    ('filter', 'agora.cloud_recording.recordings_export', 'path'),
    ('filter', 'agora.cloud_recording.upload_report', 'uploads'),
    ('role', 'agora.cloud_recording.recording_teardown', 'recording_teardown_wait_upload'),
])
def test_role_and_filter_pages_render(collections_path, tmp_path, plugin_type, name, expected):
    text = ansible_doc(collections_path, tmp_path, '-t', plugin_type, name)
    assert name in text and expected in text

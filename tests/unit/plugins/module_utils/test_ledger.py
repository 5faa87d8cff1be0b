# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ledger in this process: its format, every way it can be refused, marking, and the bounded lock.

Writers in many processes, and a writer killed midway, are in tests/module/test_ledger_processes.py.
"""

from __future__ import annotations

import json
import os

import pytest

from agora_fakes import FakeClock
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError
from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import LOCK_POLL, Ledger

APP_ID = '0123456789abcdef0123456789abcdef'


def entry(number, **extra):
    return dict({'app_id': APP_ID, 'resource_id': 'rid%d' % number, 'sid': 'sid%d' % number, 'mode': 'mix',
                 'cname': 'channel-%d' % number, 'uid': str(1000 + number), 'started_at': '2026-12-02T18:00:00Z'}, **extra)


def test_a_new_ledger_is_the_teardown_roles_export_format(tmp_path):
    ledger = Ledger(str(tmp_path / 'ledger.json'))
    ledger.check()
    assert not (tmp_path / 'ledger.json').exists()  # checking writes nothing
    ledger.record_started(entry(1))
    content = json.loads((tmp_path / 'ledger.json').read_text())
    assert content == {'recordings': [dict(entry(1), stopped_at=None)], 'unsettled': []}
    assert oct(os.stat(tmp_path / 'ledger.json').st_mode & 0o777) == '0o600'
    # No temporary file is left behind.
    assert sorted(path.name for path in tmp_path.iterdir()) == ['ledger.json', 'ledger.json.lock']


def test_a_start_replaces_the_entry_of_its_channel_and_settles_its_unsettled_start(tmp_path):
    ledger = Ledger(str(tmp_path / 'ledger.json'))
    ledger.record_started(entry(1))
    ledger.record_started(entry(2))
    ledger.record_unsettled({'app_id': APP_ID, 'cname': 'channel-1', 'uid': '1001', 'mode': 'mix'}, 'rid-lost', 'lost')
    ledger.record_started(entry(1, resource_id='rid1b', sid='sid1b'))
    content = ledger.content()
    assert [item['sid'] for item in content['recordings']] == ['sid2', 'sid1b']
    assert content['unsettled'] == []


def test_find_running_and_mark_stopped(tmp_path):
    ledger = Ledger(str(tmp_path / 'ledger.json'))
    ledger.record_started(entry(1))
    assert ledger.find_running(APP_ID, 'channel-1', '1001', 'mix')['sid'] == 'sid1'
    assert ledger.find_running(APP_ID, 'channel-1', '1001', 'individual') is None
    assert ledger.mark_stopped(APP_ID, 'sid1', '2026-12-02T23:00:00Z') is True
    assert ledger.mark_stopped(APP_ID, 'sid1') is False  # already marked
    assert ledger.mark_stopped(APP_ID, 'unknown-sid') is False
    assert ledger.content()['recordings'][0]['stopped_at'] == '2026-12-02T23:00:00Z'
    assert ledger.find_running(APP_ID, 'channel-1', '1001', 'mix') is None


@pytest.mark.parametrize('text, words', [
    ('{"recordings": [', 'is not JSON'),
    ('\xff\xfe', 'is not JSON'),
    ('[]', 'holds no "recordings" list'),
    ('{"recordings": {}}', 'holds no "recordings" list'),
    ('{"recordings": [], "unsettled": 3}', '"unsettled" is not a list'),
    ('{"recordings": [3]}', 'recordings[0] is not a mapping'),
    ('recordings:\n  - {sid: x}\n', 'is not JSON'),
])
def test_a_file_that_is_not_a_ledger_is_refused_and_left_as_it_is(tmp_path, text, words):
    path = tmp_path / 'ledger.json'
    path.write_bytes(text.encode('latin-1'))
    ledger = Ledger(str(path))
    for action in (ledger.check, lambda: ledger.record_started(entry(1))):
        with pytest.raises(AgoraError) as caught:
            action()
        assert words in str(caught.value) and 'left as it is' in str(caught.value)
        assert 'recordings that still run' in str(caught.value)
    assert path.read_bytes() == text.encode('latin-1')


def test_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(AgoraError, match='its directory .*missing does not exist: create it'):
        Ledger(str(tmp_path / 'missing' / 'ledger.json')).check()


def test_a_directory_is_no_ledger(tmp_path):
    with pytest.raises(AgoraError, match='is a directory: point ledger at a file'):
        Ledger(str(tmp_path)).check()


def test_a_directory_that_takes_no_files_is_refused():
    # /proc takes no new files, whoever runs the test (a chmod would not stop root).
    with pytest.raises(AgoraError, match='cannot be written: its directory /proc does not take new files'):
        Ledger('/proc/agora-ledger.json').check()


def test_an_unreadable_ledger_is_refused(tmp_path):
    (tmp_path / 'ledger.json').mkdir()
    ledger = Ledger(str(tmp_path / 'ledger.json'))
    with pytest.raises(AgoraError, match='cannot be read'):
        ledger.content()


def test_a_write_that_fails_leaves_the_ledger_and_no_temporary_file(tmp_path, monkeypatch):
    ledger = Ledger(str(tmp_path / 'ledger.json'))
    ledger.record_started(entry(1))
    before = (tmp_path / 'ledger.json').read_text()

    def no_space(*args):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(os, 'replace', no_space)
    with pytest.raises(AgoraError, match='could not be written \\(No space left on device\\)'):
        ledger.record_started(entry(2))
    assert (tmp_path / 'ledger.json').read_text() == before
    assert not [path for path in tmp_path.iterdir() if path.name.endswith('.tmp')]


def test_the_wait_for_another_writers_lock_is_bounded(tmp_path):
    import fcntl

    clock = FakeClock()
    ledger = Ledger(str(tmp_path / 'ledger.json'), lock_timeout=1.0, clock=clock, sleep=clock.sleep)
    holder = os.open(str(tmp_path / 'ledger.json.lock'), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with pytest.raises(AgoraError, match='another task held its lock .* for 1 seconds'):
            ledger.record_started(entry(1))
    finally:
        os.close(holder)
    assert 1.0 <= clock.elapsed() <= 1.0 + LOCK_POLL + 1e-6 and set(clock.sleeps) == {LOCK_POLL}
    ledger.record_started(entry(1))  # once released, the change goes through


def test_a_lock_file_that_cannot_be_opened_is_named(tmp_path):
    (tmp_path / 'ledger.json.lock').mkdir()
    with pytest.raises(AgoraError, match='its lock file .*ledger.json.lock cannot be opened'):
        Ledger(str(tmp_path / 'ledger.json')).content()


def test_stop_marks_mark_stopped_and_already_stopped_only(tmp_path):
    from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import StopMarks

    ledger = Ledger(str(tmp_path / 'ledger.json'))
    for number in (1, 2, 3, 4):
        ledger.record_started(entry(number))
    marks = StopMarks(str(tmp_path / 'ledger.json'))
    for number, outcome, failed in ((1, 'stopped', False), (2, 'already_stopped', False), (3, None, True), (4, 'stopped', True)):
        marks.record({'app_id': APP_ID, 'sid': 'sid%d' % number, 'outcome': outcome, 'failed': failed})
    assert [bool(item['stopped_at']) for item in ledger.content()['recordings']] == [True, True, False, False]
    assert marks.warning() is None


def test_a_ledger_that_cannot_be_marked_costs_a_warning(tmp_path):
    from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import StopMarks

    (tmp_path / 'ledger.json').write_text('not json')
    marks = StopMarks(str(tmp_path / 'ledger.json'))
    marks.record({'app_id': APP_ID, 'sid': 'sid1', 'outcome': 'stopped', 'failed': False})
    assert marks.warning().startswith('1 stopped recording(s) could not be marked stopped in the ledger')
    assert 'is not JSON' in marks.warning() and '(sid sid1)' in marks.warning()

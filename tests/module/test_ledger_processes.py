# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ledger written by real processes: 16 at once lose nothing, and a writer killed midway leaves it whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

from agora_test_support import COLLECTIONS_ROOT

WRITERS = 16
ENTRIES_EACH = 10
# Bounds every wait of these tests: a writer that hangs fails the test instead of hanging it.
DEADLINE = 60

WRITER = textwrap.dedent('''
    import sys
    from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import Ledger
    path, writer, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ledger = Ledger(path)
    for number in range(count):
        ledger.record_started({'app_id': '0123456789abcdef0123456789abcdef', 'resource_id': 'rid-%d-%d' % (writer, number),
                               'sid': 'sid-%d-%d' % (writer, number), 'mode': 'mix', 'cname': 'channel-%d-%d' % (writer, number),
                               'uid': str(writer * 1000 + number + 1), 'started_at': '2026-12-02T18:00:00Z'})
''')

# A writer that stops for good between writing its temporary file and renaming it over the ledger, and says so.
STALLED_WRITER = textwrap.dedent('''
    import os, sys, time
    from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import Ledger

    def stall(source, target):
        sys.stdout.write(source + '\\n')
        sys.stdout.flush()
        time.sleep(60)

    os.replace = stall
    Ledger(sys.argv[1]).record_started({'app_id': '0123456789abcdef0123456789abcdef', 'resource_id': 'rid-killed',
                                        'sid': 'sid-killed', 'mode': 'mix', 'cname': 'killed', 'uid': '9',
                                        'started_at': '2026-12-02T18:00:00Z'})
''')


def python(code, *args, **popen):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [COLLECTIONS_ROOT, os.environ.get('PYTHONPATH')])))
    return subprocess.Popen([sys.executable, '-c', code] + [str(arg) for arg in args], env=env, **popen)


def test_sixteen_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / 'ledger.json')
    writers = [python(WRITER, path, writer, ENTRIES_EACH) for writer in range(WRITERS)]
    assert [writer.wait(timeout=DEADLINE) for writer in writers] == [0] * WRITERS
    with open(path, encoding='utf-8') as handle:
        content = json.load(handle)
    sids = sorted(entry['sid'] for entry in content['recordings'])
    assert sids == sorted('sid-%d-%d' % (writer, number) for writer in range(WRITERS) for number in range(ENTRIES_EACH))
    assert not [name for name in os.listdir(str(tmp_path)) if name.endswith('.tmp')]


def test_a_writer_killed_between_write_and_rename_leaves_the_previous_ledger_whole(tmp_path):
    path = str(tmp_path / 'ledger.json')
    assert python(WRITER, path, 0, 3).wait(timeout=DEADLINE) == 0
    with open(path, 'rb') as handle:
        before = handle.read()
    stalled = python(STALLED_WRITER, path, stdout=subprocess.PIPE, text=True)
    try:
        temporary = stalled.stdout.readline().strip()  # the writer has written and flushed it, and not renamed it
        assert os.path.exists(temporary)
        os.kill(stalled.pid, signal.SIGKILL)
        assert stalled.wait(timeout=DEADLINE) == -signal.SIGKILL
    finally:
        stalled.stdout.close()
        if stalled.poll() is None:
            stalled.kill()
    with open(path, 'rb') as handle:
        assert handle.read() == before
    assert len(json.loads(before)['recordings']) == 3
    # The lock died with the writer: the next one goes through, and the ledger stays whole.
    assert python(WRITER, path, 1, 2).wait(timeout=DEADLINE) == 0
    with open(path, encoding='utf-8') as handle:
        assert len(json.load(handle)['recordings']) == 5

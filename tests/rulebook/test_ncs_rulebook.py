# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""End to end: ansible-rulebook runs the example rulebook with agora.cloud_recording.ncs from the installed collection.

The simulator's recording goes through start, stop and a backuped upload; its notifier posts every notice signed,
three times each (first, redelivered, redundant copy), plus an abnormal exit and a fatal error. The rulebook's
playbooks must have run exactly once per distinct notice. Needs a JDK 17+ (ansible-rulebook's rule engine runs in
Java): JAVA_HOME, or one under /usr/lib/jvm.
"""

from __future__ import annotations

import glob
import os
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import pytest

from agora_ncs_notifier import NcsNotifier
from agora_simulator import AgoraSimulator
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT, install_collection
from ncs_support import NCS_SECRET, free_port, record_and_stop

RULEBOOK_DIR = os.path.join(REPO_ROOT, 'examples', 'rulebooks')
STARTUP_SECONDS = 60
RUN_SECONDS = 60


def find_jdk() -> str | None:
    """A JDK of version 17 or later: JAVA_HOME if it is one, else the newest under /usr/lib/jvm."""
    candidates = [os.environ.get('JAVA_HOME', '')] + sorted(glob.glob('/usr/lib/jvm/*'), reverse=True)
    for home in candidates:
        release = os.path.join(home, 'release')
        if not home or not os.path.exists(os.path.join(home, 'bin', 'javac')) or not os.path.exists(release):
            continue
        with open(release, encoding='utf-8') as handle:
            version = re.search(r'JAVA_VERSION="(\d+)', handle.read())
        if version and int(version.group(1)) >= 17:
            return home
    return None


JDK = find_jdk()
pytestmark = pytest.mark.skipif(JDK is None, reason='ansible-rulebook needs a JDK 17+ (JAVA_HOME or /usr/lib/jvm)')


def wait_listening(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, 'ansible-rulebook ended early'
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError('ansible-rulebook did not listen within %s s' % seconds)


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def read(path: str) -> str:
    with open(path, encoding='utf-8', errors='replace') as handle:
        return handle.read()


@pytest.fixture
def rulebook_run(tmp_path: Any) -> Any:
    collections = install_collection(str(tmp_path / 'galaxy'))
    port = free_port()
    (tmp_path / 'secret').write_text(NCS_SECRET)
    ledger = tmp_path / 'ledger.jsonl'
    (tmp_path / 'vars.yml').write_text('ncs_host: 127.0.0.1\nncs_port: %d\nncs_secret_file: %s\nledger_file: %s\n'
                                       % (port, tmp_path / 'secret', ledger))
    (tmp_path / 'inventory.yml').write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                                            '      ansible_python_interpreter: %s\n' % sys.executable)
    bin_dir = os.path.dirname(sys.executable)
    env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_'))}
    env.update(JAVA_HOME=JDK, PATH=bin_dir + os.pathsep + env.get('PATH', ''), ANSIBLE_COLLECTIONS_PATH=collections,
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'), ANSIBLE_NOCOLOR='1')
    output = tmp_path / 'rulebook.log'
    with open(output, 'wb') as log:
        process = subprocess.Popen([os.path.join(bin_dir, 'ansible-rulebook'), '-r', 'ncs_recordings.yml',
                                    '-i', str(tmp_path / 'inventory.yml'), '--vars', str(tmp_path / 'vars.yml')],
                                   cwd=RULEBOOK_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_listening(port, process, STARTUP_SECONDS)
        yield {'url': 'http://127.0.0.1:%d/agora/ncs' % port, 'ledger': str(ledger), 'output': str(output)}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(15)


def test_the_example_rulebook_reacts_once_to_each_distinct_notice(rulebook_run: dict[str, str]) -> None:
    notifier = NcsNotifier(rulebook_run['url'], NCS_SECRET, redeliver=True, redundant=True)
    simulator = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET)
    simulator.notifier = notifier
    sid = record_and_stop(simulator, upload_status='backuped')
    recording = simulator.recording(sid)
    notifier.notify(recording, 11, {'msgName': 'session_exit', 'exitStatus': 1})
    notifier.notify(recording, 1, {'msgName': 'cloud_recording_error', 'module': 1, 'errorLevel': 5, 'errorCode': 47,
                                   'stat': 1, 'errorMsg': 'upload failed'})
    notifier.notify(recording, 1, {'msgName': 'cloud_recording_error', 'module': 1, 'errorLevel': 3, 'errorCode': 47,
                                   'stat': 1, 'errorMsg': 'medium: no alert'})
    assert notifier.wait(30)
    notifier.close()
    assert len(notifier.deliveries) == 21 and {item.status for item in notifier.deliveries} == {200}

    def done() -> bool:
        text = read(rulebook_run['output'])
        return text.count('ALERT Agora recording') >= 2 and 'UPLOAD WAIT' in text and os.path.exists(rulebook_run['ledger'])

    assert wait_for(done, RUN_SECONDS), read(rulebook_run['output'])[-3000:]
    time.sleep(2)   # a run that a copy might wrongly have started would show by now
    output = read(rulebook_run['output'])
    ledger = read(rulebook_run['ledger']).splitlines()
    assert len(ledger) == 1 and '"sid": "%s"' % sid in ledger[0]
    assert output.count('UPLOAD WAIT recording %s' % sid) == 1
    assert 'ALERT Agora recording %s in channel keynote: session_exit' % sid in output
    assert 'ALERT Agora recording %s in channel keynote: error' % sid in output
    assert 'medium: no alert' not in output
    assert output.count('ALERT Agora recording') == 2
    assert NCS_SECRET not in output and 'Traceback' not in output

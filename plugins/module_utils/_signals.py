# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Ending a run on SIGINT or SIGTERM, or once the controller is gone, without losing what it knows.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Ctrl-C during a teardown (or AWX cancelling a job) must not lose track of recordings: no new stop starts, waits end at
once, requests already sent finish within their timeout, and the module reports everything it learned.

A controller can also vanish without a signal reaching the module: ansible-core 2.21 runs its workers in sessions of
their own, so SIGKILL to ansible-playbook (what ansible-runner sends on a cancel or a timeout) or SIGHUP (a closed
terminal) ends the controller while the worker and the module run on. Nobody would read what the module reports, so it
must stop starting requests: it watches the processes above it, and takes the end of one as an interruption.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Callable, Iterator

# How far up the watch looks for the controller: under ansible-playbook, the module's shell (two, with become), the
# worker and ansible-playbook itself are a handful of processes; under ansible-runner or ansible-test, one more.
MAX_ANCESTORS = 8
# How often the watch looks: a vanished controller stops new requests within about this long.
WATCH_INTERVAL = 0.5


def parent_of(pid: int) -> int | None:
    """The parent process of ``pid`` (from /proc), or None when it is gone or cannot be read."""
    try:
        with open('/proc/%d/stat' % pid, 'rb') as handle:
            stat = handle.read()
    except OSError:
        return None
    # "pid (command) state ppid ...": the command may hold spaces and parentheses, so read after the last ")".
    fields = stat.rpartition(b')')[2].split()
    try:
        return int(fields[1])
    except (IndexError, ValueError):
        return None


def is_ansible(pid: int) -> bool:
    """Whether the process runs one of Ansible's programs (ansible-playbook, ansible, ansible-runner...), from /proc."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            arguments = handle.read().split(b'\0')[:3]
    except OSError:
        return False
    return any(os.path.basename(argument).startswith(b'ansible') for argument in arguments)


def ancestry(pid: int, parent: Callable[[int], int | None] = parent_of,
             ansible: Callable[[int], bool] = is_ansible) -> list[tuple[int, int]]:
    """The (process, parent) links to watch above ``pid``: up to the topmost of the Ansible processes above it (the
    worker, ansible-playbook, ansible-runner), not beyond, for what ansible-playbook's own parent does is not the
    controller going away (nohup, a closed login shell). With no Ansible process above, the link to the parent only.
    """
    links: list[tuple[int, int]] = []
    while len(links) < MAX_ANCESTORS and pid > 1:
        above = parent(pid)
        if above is None:
            break
        links.append((pid, above))
        pid = above
    topmost = max((number for number, (dummy, above) in enumerate(links) if ansible(above)), default=None)
    return links[:topmost + 1] if topmost is not None else links[:1]


def broken_link(links: list[tuple[int, int]], parent: Callable[[int], int | None] = parent_of) -> tuple[int, int] | None:
    """The first (process, parent) link that no longer holds: the process is gone or has a new parent."""
    for pid, above in links:
        if parent(pid) != above:
            return pid, above
    return None


class Interruption:
    """Set by SIGINT or SIGTERM while ``handling()`` is active, or when the controller above is gone; its ``sleep``
    returns early once set."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, parent: Callable[[int], int | None] = parent_of, interval: float = WATCH_INTERVAL,
                 ansible: Callable[[int], bool] = is_ansible) -> None:
        self._event = threading.Event()
        self._done = threading.Event()
        self._parent = parent
        self._ansible = ansible
        self._interval = interval
        self.reason = ''

    def is_set(self) -> bool:
        return self._event.is_set()

    def set(self, reason: str = 'SIGINT or SIGTERM') -> None:
        if not self._event.is_set():
            self.reason = reason
        self._event.set()

    def _on_signal(self, signum: int, frame: object) -> None:
        self.set()

    def sleep(self, seconds: float) -> None:
        self._event.wait(seconds)

    def _watch(self, links: list[tuple[int, int]]) -> None:
        while not self._done.wait(self._interval):
            broken = broken_link(links, self._parent)
            if broken is not None:
                self.set('the controller is gone: process %d, above this module, ended or lost its parent %d' % broken)
                return

    @contextlib.contextmanager
    def watching_the_controller(self) -> Iterator['Interruption']:
        """Watch the processes above this one for the duration (where /proc tells; elsewhere nothing is watched)."""
        links = ancestry(os.getpid(), self._parent, self._ansible)
        thread = threading.Thread(target=self._watch, args=(links,), name='agora-controller-watch', daemon=True)
        if links:
            thread.start()
        try:
            yield self
        finally:
            self._done.set()

    @contextlib.contextmanager
    def handling(self) -> Iterator['Interruption']:
        """Catch the signals and watch the controller for the duration, then give back the handlers that were there."""
        with self.watching_the_controller():
            if threading.current_thread() is not threading.main_thread():
                # Signals reach the main thread only; elsewhere (a test harness) there is nothing to install.
                yield self
                return
            # A signal the launcher chose to ignore (nohup, a background job) stays ignored.
            previous = {number: signal.signal(number, self._on_signal) for number in self.SIGNALS
                        if signal.getsignal(number) is not signal.SIG_IGN}
            try:
                yield self
            finally:
                for number, handler in previous.items():
                    signal.signal(number, handler)

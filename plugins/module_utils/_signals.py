# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Ending a run on SIGINT or SIGTERM without losing what it knows.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Ctrl-C during a teardown (or AWX cancelling a job) must not lose track of recordings: no new stop starts, waits end at
once, requests already sent finish within their timeout, and the module reports everything it learned.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator


class Interruption:
    """Set by SIGINT or SIGTERM while ``handling()`` is active; its ``sleep`` returns early once set."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._event = threading.Event()

    def is_set(self) -> bool:
        return self._event.is_set()

    def set(self) -> None:
        self._event.set()

    def _on_signal(self, signum: int, frame: object) -> None:
        self.set()

    def sleep(self, seconds: float) -> None:
        self._event.wait(seconds)

    @contextlib.contextmanager
    def handling(self) -> Iterator['Interruption']:
        """Catch the signals for the duration, then give back the handlers that were there before."""
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

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pacing requests per App ID, shared by every worker thread of a run.

Private to the agora.cloud_recording collection: not an API, may change in any release.
"""

from __future__ import annotations

import threading
from typing import Callable


class RateLimiter:
    """Paces requests per App ID.

    Agora allows about 10 requests per second per App ID and answers 429 beyond. Pacing at exactly 1/rate still trips
    a strict one-second window once network jitter bunches two requests, so slots are spaced a few percent wider.
    A 429 widens the spacing for that App ID and holds its next slot back. The clock and the sleep are the caller's,
    so tests run on a fake clock.
    """

    MARGIN = 0.95
    SLOW_DOWN_FACTOR = 1.5
    SLOWEST_INTERVAL = 5.0
    # 429s that arrive together were sent at the old pace: they slow it down once, not once each.
    SLOW_DOWN_EVERY = 1.0

    def __init__(self, rate: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._interval = 1.0 / (rate * self.MARGIN)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._slowed_at: dict[str, float] = {}

    def wait_turn(self, app_id: str) -> None:
        """Block until this App ID's next slot, and book the one after it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(app_id, now))
            self._next_slot[app_id] = slot + self._intervals.get(app_id, self._interval)
        if slot > now:
            self._sleep(slot - now)

    def slow_down(self, app_id: str, pause: float) -> None:
        """Agora said 429: space this App ID's requests wider and send none for ``pause`` seconds."""
        with self._lock:
            now = self._clock()
            if now - self._slowed_at.get(app_id, now - self.SLOW_DOWN_EVERY) >= self.SLOW_DOWN_EVERY:
                interval = self._intervals.get(app_id, self._interval)
                self._intervals[app_id] = min(interval * self.SLOW_DOWN_FACTOR, self.SLOWEST_INTERVAL)
                self._slowed_at[app_id] = now
            self._next_slot[app_id] = max(self._next_slot.get(app_id, 0.0), now + pause)

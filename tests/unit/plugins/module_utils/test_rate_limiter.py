# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rate limiter's pacing, on a clock the test moves by hand."""

from __future__ import annotations

import pytest

from ansible_collections.agora.cloud_recording.plugins.module_utils._rate_limiter import RateLimiter


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def limiter(rate):
    clock = FakeClock()
    return RateLimiter(rate, clock, clock.sleep), clock


def send_times(rate_limiter, clock, count, app_id='app'):
    times = []
    for dummy in range(count):
        rate_limiter.wait_turn(app_id)
        times.append(clock.now)
    return times


def test_slots_are_spaced_a_few_percent_wider_than_the_rate():
    rate_limiter, clock = limiter(10)
    times = send_times(rate_limiter, clock, 11)
    assert times[0] == 100.0
    assert times[10] - times[0] == pytest.approx(10 / (10 * RateLimiter.MARGIN))
    # No one-second window holds more than the rate.
    assert max(sum(1 for other in times if start <= other < start + 1.0) for start in times) == 10


def test_app_ids_are_paced_apart():
    rate_limiter, clock = limiter(10)
    send_times(rate_limiter, clock, 5, 'a')
    before = clock.now
    rate_limiter.wait_turn('b')
    assert clock.now == before


def test_a_429_pauses_and_widens_the_spacing_once_per_second():
    rate_limiter, clock = limiter(10)
    normal = 1 / (10 * RateLimiter.MARGIN)
    rate_limiter.slow_down('app', 2.0)
    rate_limiter.slow_down('app', 2.0)  # arrived together: no second widening
    times = send_times(rate_limiter, clock, 2)
    assert times[0] == pytest.approx(102.0)
    assert times[1] - times[0] == pytest.approx(normal * RateLimiter.SLOW_DOWN_FACTOR)
    clock.now += 1.0
    rate_limiter.slow_down('app', 0.0)
    times = send_times(rate_limiter, clock, 2)
    assert times[1] - times[0] == pytest.approx(normal * RateLimiter.SLOW_DOWN_FACTOR ** 2)


def test_spacing_never_grows_past_the_slowest_interval():
    rate_limiter, clock = limiter(10)
    for dummy in range(20):
        rate_limiter.slow_down('app', 0.0)
        clock.now += 1.0
    times = send_times(rate_limiter, clock, 2)
    assert times[1] - times[0] == pytest.approx(RateLimiter.SLOWEST_INTERVAL)

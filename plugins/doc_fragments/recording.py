# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # The options that name a recording and pace a batch, shared by the modules that stop and query recordings (see
    # recording_argument_spec()). Each module documents its own cname, uid and recordings, which differ.
    DOCUMENTATION = r'''
options:
  app_id:
    description:
      - The App ID of the Agora project that records (32 hexadecimal digits, as Agora Console shows it).
      - Required for a single recording. With O(recordings), the App ID of every entry that does not name its own.
    type: str
  resource_id:
    description:
      - The resource ID that C(acquire) returned for this recording (letters, digits, V(-), V(_), V(+) and V(=)).
      - Required with O(sid) and O(mode) unless O(recordings) is given.
    type: str
  sid:
    description:
      - The recording ID that C(start) returned (letters, digits, V(-) and V(_), at most 128 characters).
      - A value Agora cannot have issued (with V(/), V(?), V(#), spaces, V(.) or V(..)) is refused before any request;
        it would call another endpoint, or read Agora's 404 as "already stopped".
    type: str
  mode:
    description:
      - The recording mode the recording was started in.
    type: str
    choices: [individual, mix, web]
  concurrency:
    description:
      - With O(recordings), how many requests may be in flight at once, from 1 to 1000.
      - If not set, as many as let every App ID use its whole O(rate_limit) while each request takes up to Agora's
        20-second upload window, the longest a synchronous stop takes (O(rate_limit) x 20 per App ID, so 200 at 10
        requests per second), and never more than there are recordings. The rate limit, not the worker count, then
        sets the pace.
      - Never more than the process can open connections for (its file descriptor limit, raised as far as allowed).
    type: int
  rate_limit:
    description:
      - Requests per second per App ID, shared by all workers of the task. Agora allows 10 by default and answers
        HTTP 429 beyond; a 429 slows the pace down and is retried.
      - V(0) sends without pacing, for an App ID whose limit Agora raised; otherwise from 0.1 to 1000.
    type: float
    default: 10
  not_found_recheck:
    description:
      - Seconds, from 0 to 600, for which an Agora 404 (C(failed to find worker)) is asked again before the recording
        counts as gone. The request is sent again 5, 15, 30 and 60 seconds after the first 404, then every 30
        seconds, until the window closes; each counts against O(rate_limit).
      - Agora answers 404 for up to 90 seconds while it moves a live recording to another server. Set V(90) to be sure
        a recording reported gone really is; V(0) trusts the first 404.
      - A mistyped but well-formed O(sid), or the wrong O(mode), also answers 404; no re-check can tell those apart.
    type: int
    default: 0
'''

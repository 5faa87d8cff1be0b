# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Makes the simulator, the test support and the collection importable, and provides the simulator fixture."""

from __future__ import annotations

import os
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
for folder in ('simulator', 'support'):
    sys.path.insert(0, os.path.join(TESTS_DIR, folder))

from agora_simulator import AgoraSimulator  # noqa: E402  (needs the path above)
from agora_test_support import COLLECTIONS_ROOT, CUSTOMER_ID, CUSTOMER_SECRET  # noqa: E402

if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)


@pytest.fixture
def simulator():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET).start()
    yield sim
    sim.stop()

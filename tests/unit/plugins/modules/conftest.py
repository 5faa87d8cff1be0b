# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules run in this process: none of the runner's AGORA_ variables may reach them unless a test sets one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_agora_environment(monkeypatch):
    for name in ('AGORA_CUSTOMER_ID', 'AGORA_CUSTOMER_SECRET', 'AGORA_CUSTOMER_SECRET_FILE', 'AGORA_API_BASE_URL'):
        monkeypatch.delenv(name, raising=False)

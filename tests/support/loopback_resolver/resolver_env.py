# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The environment that makes a child process resolve a simulator's domain names to loopback (README.md)."""

from __future__ import annotations

import json
import os
from typing import Any

RESOLVER_DIR = os.path.dirname(os.path.abspath(__file__))


def resolve_map(domains: dict[str, dict[str, Any]]) -> dict[str, int | None]:
    """From ``simulator.domains()`` or a ready file's ``domains``: name -> port, or None for a domain in ``dns``."""
    return {name: (None if item.get('behaviour') == 'dns' else item['port']) for name, item in domains.items() if name}


def resolver_env(mapping: dict[str, int | None], pythonpath: str | None = None) -> dict[str, str]:
    """``PYTHONPATH`` (this directory first, then ``pythonpath``) and ``AGORA_TEST_RESOLVE`` for ``mapping``."""
    return {'PYTHONPATH': os.pathsep.join(filter(None, [RESOLVER_DIR, pythonpath])),
            'AGORA_TEST_RESOLVE': json.dumps(mapping)}

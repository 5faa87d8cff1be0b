# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from agora_test_support import install_collection


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """The collection built and installed into a temp path, as `ansible-galaxy collection install` users do."""
    return install_collection(str(tmp_path_factory.mktemp('galaxy')))

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import glob
import os
import subprocess
import sys

import pytest

from agora_test_support import REPO_ROOT

BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """Build the Galaxy tarball and install it into a temp path, as `ansible-galaxy collection install` users do."""
    work = tmp_path_factory.mktemp('galaxy')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(work), REPO_ROOT],
                   check=True, capture_output=True, timeout=300)
    (tarball,) = glob.glob(str(work / 'agora-cloud_recording-*.tar.gz'))
    installed = work / 'collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(installed), tarball],
                   check=True, capture_output=True, timeout=300, env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed)))
    return str(installed)

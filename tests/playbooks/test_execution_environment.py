# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What ansible-builder makes of the collection: its Python needs, and a build context for an AWX image."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

import pytest

from agora_test_support import REPO_ROOT

pytest.importorskip('ansible_builder')


def test_ansible_builder_finds_requests_in_the_installed_collection(collections_path):
    from ansible_builder._target_scripts.introspect import process_collection

    python, system = process_collection(os.path.join(collections_path, 'ansible_collections', 'agora', 'cloud_recording'))
    # requests for the Agora API; boto3 and azure-storage-blob for upload_info (S3 vendors, Azure); aiohttp for the ncs
    # event source.
    assert [line.split('#')[0].strip() for line in python] == ['requests>=2.32.3', 'urllib3>=1.26.0', 'boto3>=1.26',
                                                               'azure-storage-blob>=12.14', 'aiohttp']
    assert system == []


def test_ansible_builder_creates_a_build_context(collections_path, tmp_path):
    definition = tmp_path / 'ee'
    shutil.copytree(os.path.join(REPO_ROOT, 'extensions', 'ee'), definition)
    (tarball,) = glob.glob(os.path.join(os.path.dirname(collections_path), 'agora-cloud_recording-*.tar.gz'))
    shutil.copy(tarball, definition / 'agora-cloud_recording.tar.gz')
    context = tmp_path / 'context'
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-builder'), 'create', '-f',
                           str(definition / 'execution-environment.yml'), '--context', str(context)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (build_file,) = [context / name for name in ('Containerfile', 'Dockerfile') if (context / name).exists()]
    instructions = build_file.read_text()
    assert 'WORKDIR /build' in instructions and 'ansible-galaxy collection install' in instructions
    # requirements.yml names the tarball relative to /build, where the context's _build folder lands.
    assert 'collections/agora-cloud_recording.tar.gz' in (context / '_build' / 'requirements.yml').read_text()
    assert (context / '_build' / 'collections' / 'agora-cloud_recording.tar.gz').exists()

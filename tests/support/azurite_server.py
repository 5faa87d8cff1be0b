# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Azurite, Microsoft's Blob service emulator, on loopback for the tests (a process of its own), and the ``azurite``
fixture.

Azurite comes from npm into build/azurite through the Makefile (``make test-module`` installs it); without it the
fixture skips and says what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from agora_storage import end_process, free_port
from agora_test_support import REPO_ROOT

AZURITE_BLOB = os.path.join(REPO_ROOT, 'build', 'azurite', 'node_modules', '.bin', 'azurite-blob')
# Azurite's development account and its key, as Microsoft documents them ("Use the Azurite emulator": HTTP connection
# strings). Public, but the module must treat them as any account's: never shown.
DEV_ACCOUNT = 'devstoreaccount1'
DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
CONTAINER = 'event-recordings'
START_SECONDS = 30


def azurite_missing() -> str | None:
    """Why Azurite cannot run here, or None when it can."""
    if not os.path.exists(AZURITE_BLOB):
        if not shutil.which('npm'):
            return ('npm is not on PATH, so Azurite (npm package azurite, the Azure Blob emulator) could not be '
                    'installed into build/azurite: install Node.js 20+ with npm, then run make test-module')
        return ('Azurite is not installed in build/azurite: run make test-module (or make %s)'
                % os.path.relpath(AZURITE_BLOB, REPO_ROOT))
    if not shutil.which('node'):
        return 'node is not on PATH: Azurite in build/azurite needs Node.js 20+'
    return None


class AzuriteServer:
    """Azurite's Blob service on 127.0.0.1 and a free port, in memory, without telemetry; stop() ends it."""

    def __init__(self, workdir: str) -> None:
        self.port = free_port()
        # Path-style: the account is the first path segment, as on any IP address.
        self.url = 'http://127.0.0.1:%d/%s' % (self.port, DEV_ACCOUNT)
        # --skipApiVersionCheck: azure-storage-blob may speak a newer service version than this Azurite knows. In
        # memory, Azurite takes no --location; what it might still write goes to its working directory.
        errors = os.path.join(workdir, 'azurite.stderr')
        with open(errors, 'wb') as stderr:
            self.proc = subprocess.Popen([AZURITE_BLOB, '--blobHost', '127.0.0.1', '--blobPort', str(self.port),
                                          '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry',
                                          '--silent'],
                                         cwd=workdir, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + START_SECONDS
        while not self._answers():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                with open(errors, encoding='utf-8', errors='replace') as handle:
                    raise RuntimeError('Azurite did not answer on %s within %d s: %s'
                                       % (self.url, START_SECONDS, handle.read()[-500:].strip() or 'it said nothing'))
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url + '?comp=list', timeout=1).close()
        except urllib.error.HTTPError:
            return True   # refused without a signature: it is serving
        except OSError:
            return False
        return True

    def service(self, key: str = DEV_KEY) -> Any:
        from azure.storage.blob import BlobServiceClient  # pylint: disable=import-outside-toplevel

        return BlobServiceClient(self.url, credential={'account_name': DEV_ACCOUNT, 'account_key': key})

    def storage_config(self, prefix: list[str] | None = None, key: str = DEV_KEY) -> dict[str, Any]:
        """Agora's storageConfig for this server's container (vendor 5, the account's blob endpoint on loopback)."""
        return dict(vendor=5, bucket=CONTAINER, accessKey=DEV_ACCOUNT, secretKey=key, fileNamePrefix=prefix or [],
                    extensionParams={'endpoint': self.url})

    def stop(self) -> None:
        end_process(self.proc)


class BlobWriter:
    """Blobs put as ``RecordingFiles.write`` puts S3 objects, so one description of Agora's files serves both."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def put_object(self, Bucket: str, Key: str, Body: bytes) -> None:  # pylint: disable=invalid-name
        self.service.get_blob_client(Bucket, Key).upload_blob(Body, overwrite=True)


@pytest.fixture(scope='module')
def azurite(tmp_path_factory):
    """A running Azurite with the container made, for the tests of one file."""
    reason = azurite_missing()
    if reason:
        pytest.skip(reason)
    server = AzuriteServer(str(tmp_path_factory.mktemp('azurite')))
    try:
        server.service().create_container(CONTAINER)
        yield server
    finally:
        server.stop()

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Microsoft Azure Blob Storage (Agora's vendor 5) behind the storage seam, through azure-storage-blob.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Agora's ``storageConfig`` for Azure: ``bucket`` is the container, ``accessKey`` the storage account's name and
``secretKey`` its key (Shared Key authentication). Azure lists by prefix with a continuation marker but cannot start
after a given name, so the walk lists each recording's prefix on its own (``can_start_after`` False).
"""

from __future__ import annotations

import traceback

from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import (
    PAGE_SIZE,
    Page,
    Problem,
    Storage,
    StorageError,
    StoredObject,
    short_detail,
    timestamp,
)

try:
    from azure.core.exceptions import (
        AzureError,
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )
    from azure.storage.blob import ContainerClient
except ImportError:
    HAS_AZURE = False
    AZURE_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    HAS_AZURE = True
    AZURE_IMPORT_ERROR = None

# Azure's error codes (Blob service error codes), grouped by what the user should check.
AZURE_PROBLEMS = {
    'AuthenticationFailed': Problem.CREDENTIALS,
    'InvalidAuthenticationInfo': Problem.CREDENTIALS,
    'ContainerNotFound': Problem.NO_BUCKET,
    'AuthorizationFailure': Problem.PERMISSION,
    'AuthorizationPermissionMismatch': Problem.PERMISSION,
    'ServerBusy': Problem.THROTTLED,
    'OperationTimedOut': Problem.THROTTLED,
}
AZURE_STATUS_PROBLEMS = {403: Problem.PERMISSION, 404: Problem.NO_BUCKET, 429: Problem.THROTTLED, 503: Problem.THROTTLED}
# Azure's AuthorizationFailure is a request the account's rules refuse; Azurite (Microsoft's emulator) answers a key
# that does not sign with that code too, but with AuthenticationFailed's message, which names what is wrong (Azurite's
# StorageErrorFactory.getAuthorizationFailure, src/blob/errors/StorageErrorFactory.ts).
AUTHENTICATION_MESSAGE = 'Server failed to authenticate the request'


class AzureStorage(Storage):
    """A container of an Azure storage account, with bounded timeouts and no retries of the SDK's own."""

    can_start_after = False

    def __init__(self, account_url: str, container: str, account: str, key: str, timeout: float, redactor: Redactor) -> None:
        self.redactor = redactor
        self.client = ContainerClient(account_url, container, credential={'account_name': account, 'account_key': key},
                                      connection_timeout=timeout, read_timeout=timeout, retry_total=0)

    def list_page(self, prefix: str, token: str | None = None, start_after: str | None = None) -> Page:
        try:
            pages = self.client.list_blobs(name_starts_with=prefix, results_per_page=PAGE_SIZE).by_page(continuation_token=token)
            items = next(pages, [])
            objects = [StoredObject(item.name, int(item.size or 0), timestamp(item.last_modified)) for item in items]
            return Page(objects, pages.continuation_token or None)
        except AzureError as exc:
            raise self._error(exc)

    def read(self, key: str, limit: int) -> bytes:
        try:
            return self.client.download_blob(key, offset=0, length=limit + 1).readall()
        except AzureError as exc:
            raise self._error(exc)

    def close(self) -> None:
        self.client.close()

    def _error(self, exc: Exception) -> StorageError:
        if isinstance(exc, ClientAuthenticationError):
            problem = Problem.CREDENTIALS
        elif isinstance(exc, HttpResponseError):
            problem = _response_problem(exc)
        elif isinstance(exc, (ServiceRequestError, ServiceResponseError)):
            problem = Problem.UNREACHABLE
        else:
            problem = Problem.OTHER
        status = getattr(exc, 'status_code', None)
        code = getattr(exc, 'error_code', None)
        if status:
            detail = 'HTTP %s %s: %s' % (status, getattr(code, 'value', code) or 'without an error code', exc.message)
        else:
            detail = '%s: %s' % (type(exc).__name__, exc)
        return StorageError(problem, short_detail(self.redactor.text(detail)))


def _response_problem(exc: HttpResponseError) -> Problem:
    """What the Blob service's error code (or else its status) asks the user to check."""
    if AUTHENTICATION_MESSAGE in str(exc.message or ''):
        return Problem.CREDENTIALS
    # The SDK hands the code as its StorageErrorCode enumeration, whose str() is the member's name, not the code.
    code = str(getattr(exc.error_code, 'value', exc.error_code) or '')
    return AZURE_PROBLEMS.get(code) or AZURE_STATUS_PROBLEMS.get(exc.status_code, Problem.OTHER)

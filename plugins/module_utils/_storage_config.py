# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``storage`` option: Agora's ``storageConfig`` as the task gives it, checked, and the bucket it names opened.

Private to the agora.cloud_recording collection: not an API, may change in any release.

The option takes the very dictionary given to Agora's ``start`` (camelCase keys), so one variable serves both. Every
value is checked before any request, and a problem names ``storage.<key>``; the keys themselves are never quoted.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    CREDENTIAL_MAX_LENGTH,
    is_loopback_host,
    read_secret_file,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor, every_form
from ansible_collections.agora.cloud_recording.plugins.module_utils._azure_storage import AzureStorage, HAS_AZURE
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import HAS_BOTO3, S3Location, S3Storage, Storage
from ansible_collections.agora.cloud_recording.plugins.module_utils._upload_check import prefix_path
from ansible_collections.agora.cloud_recording.plugins.module_utils._vendors import VENDORS, Vendor

ACCESS_KEY_ENV = 'AGORA_STORAGE_ACCESS_KEY'
SECRET_KEY_ENV = 'AGORA_STORAGE_SECRET_KEY'
SECRET_KEY_FILE_ENV = 'AGORA_STORAGE_SECRET_KEY_FILE'
# Agora's rule for fileNamePrefix (start reference): letters and digits, at most 128 characters with the slashes.
PREFIX_PART = re.compile(r'[A-Za-z0-9]+\Z')
PREFIX_MAX = 128
# Bucket names of every vendor are short printable names without slashes (Amazon: 3 to 63 characters).
BUCKET_PATTERN = re.compile(r'[A-Za-z0-9][A-Za-z0-9._-]{0,254}\Z')
DEFAULT_STORAGE_TIMEOUT = 30
STORAGE_TIMEOUT_RANGE = (1, 300)
WAIT_TIMEOUT_MAX = 43200


def storage_argument_spec() -> dict[str, Any]:
    """The ``storage`` option: Agora's storageConfig keys, the keys no_log (and from the environment when not given)."""
    return dict(type='dict', required=True, options=dict(
        vendor=dict(type='int', required=True),
        region=dict(type='int'),
        bucket=dict(type='str', required=True),
        # The snake_case spellings too: given that way, they are taken (and masked) rather than printed back in an
        # "unsupported parameter" error.
        accessKey=dict(type='str', no_log=True, aliases=['access_key'], fallback=(env_fallback, [ACCESS_KEY_ENV])),
        secretKey=dict(type='str', no_log=True, aliases=['secret_key'], fallback=(env_fallback, [SECRET_KEY_ENV])),
        stsToken=dict(type='str', no_log=True, aliases=['sts_token']),
        stsExpiration=dict(type='int'),
        fileNamePrefix=dict(type='list', elements='str', default=[]),
        extensionParams=dict(type='dict', options=dict(
            endpoint=dict(type='str'),
            sse=dict(type='str'),
            tag=dict(type='str'),
        )),
    ))


@dataclass(frozen=True)
class StorageConfig:
    vendor: Vendor
    location: S3Location
    access_key: str
    secret_key: str
    base: str
    session_token: str | None = None

    def secret_values(self) -> list[str]:
        """What must never be shown: both keys (the access key too, as Agora's storageConfig treats it), in every form
        a storage's error page may echo them (JSON-, URL- or HTML-escaped)."""
        return every_form([self.access_key, self.secret_key, self.session_token or ''])


@dataclass(frozen=True)
class StorageRuntime:
    """What the check runs on: the clock, the sleep (None: the run's interruptible sleep), and how a bucket is opened.

    Tests swap in a fake storage and a fake clock.
    """

    clock: Callable[[], float]
    open: Callable[[StorageConfig, float, Redactor], Storage]
    sleep: Callable[[float], None] | None = None


def open_storage(config: StorageConfig, timeout: float, redactor: Redactor) -> Storage:
    """The bucket through the vendor's library, or AgoraError saying which library to install."""
    if config.vendor.protocol == 'azure':
        if not HAS_AZURE:
            raise AgoraError(missing_required_lib('azure-storage-blob', reason='to read Microsoft Azure storage (vendor 5)'))
        # The account's blob endpoint: the one given, else Azure's for the account (accessKey is its name).
        account_url = (config.location.endpoint_url or '').replace('{account}', config.access_key)
        return AzureStorage(account_url, config.location.bucket, config.access_key, config.secret_key, timeout, redactor)
    if not HAS_BOTO3:
        raise AgoraError(missing_required_lib('boto3', reason='to read %s (vendor %d)' % (config.vendor.name, config.vendor.number)))
    return S3Storage(config.location, config.access_key, config.secret_key, timeout, redactor,
                     session_token=config.session_token)


STORAGE_RUNTIME = StorageRuntime(clock=time.monotonic, open=open_storage)


def _endpoint(value: str) -> str:
    """extensionParams.endpoint as boto3 takes it: https:// (http:// on loopback only), a host, no credentials."""
    url = value.strip()
    if '://' not in url:
        url = 'https://' + url   # Agora's examples give a bare host name
    if '@' in url.partition('://')[2].split('/', 1)[0]:
        raise AgoraError('storage.extensionParams.endpoint must not carry credentials; use accessKey and secretKey.')
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError:
        raise AgoraError('storage.extensionParams.endpoint is not a usable URL or host name.')
    if parts.scheme not in ('http', 'https') or not parts.hostname or parts.query or parts.fragment or not url.isprintable() \
            or ' ' in url:
        raise AgoraError('storage.extensionParams.endpoint must be a host name or an https:// URL, such as '
                         'https://s3.example.com.')
    if parts.scheme == 'http' and not is_loopback_host(parts.hostname):
        raise AgoraError('storage.extensionParams.endpoint uses http://, which would send the storage keys unencrypted: '
                         'use https:// (plain http is accepted only on a loopback address, for tests).')
    return url.rstrip('/')


def _location(vendor: Vendor, region: Any, bucket: str, endpoint: str | None) -> S3Location:
    """Where the bucket is: the endpoint given, else the one the vendor table holds for Agora's region number."""
    if vendor.number == 11 and not endpoint:
        raise AgoraError('storage.extensionParams.endpoint is required with vendor 11 (S3-compatible storage): it names '
                         'the storage\'s S3 endpoint, as given to Agora\'s start.')
    signing_region = vendor.signing_region or 'us-east-1'
    if vendor.regions:
        if region is None and not endpoint:
            raise AgoraError('storage.region is required with vendor %d (%s): Agora\'s region number, as given to start.'
                             % (vendor.number, vendor.name))
        if region is not None and region not in vendor.labels:
            raise AgoraError('storage.region %s is not one of Agora\'s region numbers for vendor %d (%s): %s (see %s).'
                             % (region, vendor.number, vendor.name, ', '.join(str(number) for number in sorted(vendor.labels)),
                                vendor.sources[0]))
        if region is not None and region not in vendor.regions and not endpoint:
            raise AgoraError('storage.region %d (%s) of vendor %d (%s) has no S3 endpoint its vendor documents: set '
                             'storage.extensionParams.endpoint to the endpoint of the bucket.'
                             % (region, vendor.labels[region], vendor.number, vendor.name))
        known = vendor.regions.get(region) if region is not None else None
        if known is not None:
            signing_region = known.name
            endpoint = endpoint or known.endpoint
    return S3Location(bucket, signing_region, endpoint or vendor.endpoint, vendor.addressing)


def _key(value: Any, option: str, source: str) -> str:
    text = (value or '').strip() if isinstance(value, str) else ''
    if not text:
        raise AgoraError('%s is not set: give it in storage (the storageConfig given to Agora\'s start) or export %s.'
                         % (option, source))
    if len(text) > CREDENTIAL_MAX_LENGTH * 4 or not text.isprintable() or ' ' in text:
        raise AgoraError('%s holds spaces or characters that are not printable, or is too long: copy it again from '
                         'the storage vendor\'s console.' % option)
    return text


def storage_config_from_params(storage: dict[str, Any], no_log_values: set[str]) -> StorageConfig:
    """The checked storage configuration, or AgoraError naming ``storage.<key>``. The keys join ``no_log_values``."""
    vendor_number = storage['vendor']
    if vendor_number not in VENDORS:
        raise AgoraError('storage.vendor %s is not one of Agora\'s storage vendors: %s.'
                         % (vendor_number, ', '.join('%d %s' % (number, vendor.name) for number, vendor in VENDORS.items())))
    vendor = VENDORS[vendor_number]
    bucket = storage['bucket'] or ''
    if not BUCKET_PATTERN.match(bucket):
        raise AgoraError('storage.bucket must be a bucket name (letters, digits, ".", "-" and "_", at most 255 '
                         'characters, no "/"); got %r.' % bucket[:60])
    parts = storage.get('fileNamePrefix') or []
    if not all(isinstance(part, str) and PREFIX_PART.match(part) for part in parts) or len('/'.join(parts)) > PREFIX_MAX:
        raise AgoraError('storage.fileNamePrefix must be as Agora takes it: a list of names of letters and digits only '
                         '(no "/", "." or ".."), at most %d characters joined with "/"; got %r.'
                         % (PREFIX_MAX, [str(part)[:40] for part in parts[:5]]))
    endpoint = (storage.get('extensionParams') or {}).get('endpoint')
    location = _location(vendor, storage.get('region'), bucket, _endpoint(endpoint) if endpoint else None)
    secret_key = storage.get('secretKey')
    if not secret_key and os.environ.get(SECRET_KEY_FILE_ENV):
        secret_key = read_secret_file(os.environ[SECRET_KEY_FILE_ENV], SECRET_KEY_FILE_ENV)
    no_log_values.update(every_form([value.strip() for value in (storage.get('accessKey'), secret_key, storage.get('stsToken'))
                                     if isinstance(value, str)]))
    access_key = _key(storage.get('accessKey'), 'storage.accessKey', ACCESS_KEY_ENV)
    secret_key = _key(secret_key, 'storage.secretKey', '%s (or %s)' % (SECRET_KEY_ENV, SECRET_KEY_FILE_ENV))
    session_token = (storage.get('stsToken') or '').strip() or None
    return StorageConfig(vendor, location, access_key, secret_key, prefix_path(parts), session_token)

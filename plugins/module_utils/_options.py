# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules' options: argument specs with their defaults (defined here once), validation, and the client they ask for.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Everything a task gives is checked here, before any request; a problem becomes an ``AgoraError`` naming the option.
"""

from __future__ import annotations

import ipaddress
import os
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import (
    AgoraClient,
    AgoraError,
    Recording,
    RetryPolicy,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._rate_limiter import RateLimiter
from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import RequestsTransport, Transport

DEFAULT_API_BASE_URL = 'https://api.sd-rtn.com'
DEFAULT_TIMEOUT = 60
DEFAULT_RETRIES = 3
# Agora's recommended retry schedule.
DEFAULT_RETRY_DELAYS = [1.0, 3.0, 6.0]
# Agora's default limit: 10 requests per second per App ID.
DEFAULT_RATE_LIMIT = 10.0
DEFAULT_CONCURRENCY = 16
DEFAULT_NOT_FOUND_RECHECK = 0

# AWX can hand the secret over as a file, which keeps it out of the job's environment (ansible-runner writes the
# environment into its artifacts).
SECRET_FILE_ENV = 'AGORA_CUSTOMER_SECRET_FILE'
MODES = ('individual', 'mix', 'web')
RECORDING_KEYS = ('app_id', 'resource_id', 'sid', 'mode', 'cname', 'uid')
# The options that name one recording; with ``recordings`` a task names many instead.
SINGLE_RECORDING_OPTIONS = ('resource_id', 'sid', 'mode', 'cname', 'uid')


@dataclass(frozen=True)
class Runtime:
    """What the client runs on: the clock, the sleep and the HTTP transport. Tests swap in fakes."""

    clock: Callable[[], float]
    sleep: Callable[[float], None]
    transport: Callable[..., Transport]


RUNTIME = Runtime(clock=time.monotonic, sleep=time.sleep, transport=RequestsTransport)


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """Options every module of this collection shares; documented in the doc fragment ``agora.cloud_recording.connection``."""
    return dict(
        customer_id=dict(type='str', fallback=(env_fallback, ['AGORA_CUSTOMER_ID'])),
        customer_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['AGORA_CUSTOMER_SECRET'])),
        api_base_url=dict(type='str', default=DEFAULT_API_BASE_URL, fallback=(env_fallback, ['AGORA_API_BASE_URL'])),
        fallback_base_urls=dict(type='list', elements='str', default=[]),
        timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        retries=dict(type='int', default=DEFAULT_RETRIES),
        retry_delays=dict(type='list', elements='float', default=list(DEFAULT_RETRY_DELAYS)),
        validate_certs=dict(type='bool', default=True),
    )


def recording_argument_spec() -> dict[str, dict[str, Any]]:
    """The options that name one recording, and the batch of many; documented in each module."""
    entry = dict(
        app_id=dict(type='str'),
        resource_id=dict(type='str', required=True),
        sid=dict(type='str', required=True),
        mode=dict(type='str', required=True, choices=list(MODES)),
        cname=dict(type='str', required=True),
        uid=dict(type='str', required=True),
    )
    return dict(
        app_id=dict(type='str'),
        resource_id=dict(type='str'),
        sid=dict(type='str'),
        mode=dict(type='str', choices=list(MODES)),
        cname=dict(type='str'),
        uid=dict(type='str'),
        recordings=dict(type='list', elements='dict', options=entry),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        rate_limit=dict(type='float', default=DEFAULT_RATE_LIMIT),
        not_found_recheck=dict(type='int', default=DEFAULT_NOT_FOUND_RECHECK),
    )


def recording_module_kwargs() -> dict[str, Any]:
    """AnsibleModule's rules for one recording or a batch: one or the other, and a single recording whole."""
    return dict(
        mutually_exclusive=[('recordings', option) for option in SINGLE_RECORDING_OPTIONS],
        required_one_of=[('recordings', 'sid')],
        required_together=[SINGLE_RECORDING_OPTIONS],
    )


def is_loopback_host(host: str) -> bool:
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str, option: str) -> str:
    """Return the URL without a trailing slash, or raise AgoraError when it is unusable or not HTTPS."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise AgoraError('%s must be a URL such as %s; got "%s".' % (option, DEFAULT_API_BASE_URL, url))
    if parts.username or parts.password:
        raise AgoraError('%s must not carry credentials; use customer_id and customer_secret.' % option)
    if parts.query or parts.fragment:
        raise AgoraError('%s must not have a query or fragment; got "%s".' % (option, url))
    if parts.scheme == 'http' and not is_loopback_host(parts.hostname):
        raise AgoraError('%s "%s" uses http://, which would send the customer secret unencrypted; Agora\'s API is '
                         'https:// (plain http is accepted only on a loopback address, such as the simulator).' % (option, url))
    return url.strip().rstrip('/')


def _require_positive(value: float, option: str, allow_zero: bool) -> None:
    if value < 0 or (value == 0 and not allow_zero):
        raise AgoraError('%s must be %s; got %s.' % (option, 'zero or more' if allow_zero else 'more than zero', value))


def load_secret_file(params: dict[str, Any], no_log_values: set[str]) -> None:
    """Fill customer_secret from the file named by AGORA_CUSTOMER_SECRET_FILE when no other source gave it.

    The value joins ``no_log_values`` so that Ansible masks it like an option marked no_log.
    """
    path = os.environ.get(SECRET_FILE_ENV)
    if params.get('customer_secret') or not path:
        return
    try:
        with open(path, encoding='utf-8') as handle:
            secret = handle.read().strip()
    except OSError as exc:
        raise AgoraError('%s names %s, which cannot be read (%s).' % (SECRET_FILE_ENV, path, exc.strerror))
    if not secret:
        raise AgoraError('%s names %s, which is empty.' % (SECRET_FILE_ENV, path))
    no_log_values.add(secret)
    params['customer_secret'] = secret


def client_from_params(params: dict[str, Any], not_found_recheck: float = 0.0, rate_limit: float = 0.0,
                       concurrency: int = 1) -> AgoraClient:
    """Check the connection options and build the client, or raise AgoraError saying what to fix.

    ``rate_limit`` is requests per second per App ID (0: no pacing); ``concurrency`` the worker threads that share it.
    """
    for option, sources in (('customer_id', 'AGORA_CUSTOMER_ID'),
                            ('customer_secret', 'AGORA_CUSTOMER_SECRET (or %s)' % SECRET_FILE_ENV)):
        if not params.get(option):
            raise AgoraError('%s is not set: pass it to the task or export %s (in AWX, attach the Agora credential).'
                             % (option, sources))
    base_urls = [validate_base_url(params['api_base_url'], 'api_base_url')]
    base_urls += [validate_base_url(url, 'fallback_base_urls') for url in params['fallback_base_urls']]
    _require_positive(params['timeout'], 'timeout', allow_zero=False)
    _require_positive(params['retries'], 'retries', allow_zero=True)
    _require_positive(not_found_recheck, 'not_found_recheck', allow_zero=True)
    delays = tuple(params['retry_delays'])
    if not delays:
        raise AgoraError('retry_delays must hold at least one value (seconds); Agora advises [1, 3, 6].')
    for delay in delays:
        _require_positive(delay, 'each of retry_delays', allow_zero=True)
    _require_positive(rate_limit, 'rate_limit', allow_zero=True)
    _require_positive(concurrency, 'concurrency', allow_zero=False)
    policy = RetryPolicy(params['retries'], delays, not_found_recheck)
    runtime = RUNTIME
    transport = runtime.transport(params['customer_id'], params['customer_secret'], params['validate_certs'],
                                  max_connections=max(concurrency, 10), hosts=len(base_urls))
    rate_limiter = RateLimiter(rate_limit, runtime.clock, runtime.sleep) if rate_limit else None
    return AgoraClient(transport, base_urls, params['timeout'], policy, runtime.clock, runtime.sleep, rate_limiter)


def recording_from_params(params: dict[str, Any]) -> Recording:
    """The recording a task names, or AgoraError when a value is empty (an undefined variable, most often)."""
    values = {key: str(params.get(key) or '').strip() for key in RECORDING_KEYS}
    empty = [key for key in RECORDING_KEYS if not values[key]]
    if empty:
        raise AgoraError('%s must not be empty; check the variables that fill %s.' % (', '.join(empty), 'them' if len(empty) > 1 else 'it'))
    return Recording(**values)

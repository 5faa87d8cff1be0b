# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules' options: argument specs with their defaults (defined here once), validation, and the client they ask for.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Everything a task gives is checked here, before any request; a problem becomes an ``AgoraError`` naming the option.
"""

from __future__ import annotations

import decimal
import ipaddress
import math
import os
import re
import stat
import string
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import (
    AgoraClient,
    AgoraError,
    Recording,
    RetryPolicy,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._failover import (
    REGIONS,
    Failover,
    Host,
    agora_hosts,
    named_hosts,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._rate_limiter import RateLimiter
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor, secret_forms, url_secrets
from ansible_collections.agora.cloud_recording.plugins.module_utils._signals import Interruption
from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import RequestsTransport, Transport

# Shown as an example in messages; left unset, api_base_url means Agora's own domains, with failover.
EXAMPLE_API_BASE_URL = 'https://api.sd-rtn.com'
DEFAULT_TIMEOUT = 60
DEFAULT_RETRIES = 3
# Agora's recommended retry schedule.
DEFAULT_RETRY_DELAYS = [1.0, 3.0, 6.0]
# Agora's default limit: 10 requests per second per App ID.
DEFAULT_RATE_LIMIT = 10.0
DEFAULT_NOT_FOUND_RECHECK = 0

# AWX can hand the secret over as a file, which keeps it out of the job's environment (ansible-runner writes the
# environment into its artifacts).
SECRET_FILE_ENV = 'AGORA_CUSTOMER_SECRET_FILE'
MODES = ('individual', 'mix', 'web')
RECORDING_KEYS = ('app_id', 'resource_id', 'sid', 'mode', 'cname', 'uid')
# The options that name one recording; with ``recordings`` a task names many instead. A query needs only the first three.
SINGLE_RECORDING_OPTIONS = ('resource_id', 'sid', 'mode', 'cname', 'uid')
QUERY_OPTIONS = ('resource_id', 'sid', 'mode')


@dataclass(frozen=True)
class Runtime:
    """What the client runs on: the clock, the HTTP transport, and the sleep (None: the run's interruptible sleep).

    Tests swap in fakes.
    """

    clock: Callable[[], float]
    transport: Callable[..., Transport]
    sleep: Callable[[float], None] | None = None


RUNTIME = Runtime(clock=time.monotonic, transport=RequestsTransport)


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """Options every module of this collection shares; documented in the doc fragment ``agora.cloud_recording.connection``."""
    return dict(
        customer_id=dict(type='str', fallback=(env_fallback, ['AGORA_CUSTOMER_ID'])),
        customer_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['AGORA_CUSTOMER_SECRET'])),
        customer_secret_file=dict(type='path', fallback=(env_fallback, [SECRET_FILE_ENV])),
        api_base_url=dict(type='str', fallback=(env_fallback, ['AGORA_API_BASE_URL'])),
        region=dict(type='str', choices=list(REGIONS)),
        fallback_base_urls=dict(type='list', elements='str', default=[]),
        timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        retries=dict(type='int', default=DEFAULT_RETRIES),
        retry_delays=dict(type='list', elements='float', default=list(DEFAULT_RETRY_DELAYS)),
        validate_certs=dict(type='bool', default=True),
    )


def recording_argument_spec(query_only: bool = False) -> dict[str, dict[str, Any]]:
    """The options that name one recording, and the batch of many; documented in each module.

    ``query_only`` (the info module): a query names no channel or uid, so an entry need not either; an entry meant for
    the stop module (with its ``async_stop``) is taken as it is.
    """
    entry = dict(
        app_id=dict(type='str'),
        resource_id=dict(type='str', required=True),
        sid=dict(type='str', required=True),
        mode=dict(type='str', required=True, choices=list(MODES)),
        cname=dict(type='str', required=not query_only),
        uid=dict(type='raw', required=not query_only),
        async_stop=dict(type='bool'),
        # The start module's recordings and the ledger's entries carry these; a stop or a query needs neither.
        started_at=dict(type='str'),
        stopped_at=dict(type='str'),
    )
    return dict(
        app_id=dict(type='str'),
        resource_id=dict(type='str'),
        sid=dict(type='str'),
        mode=dict(type='str', choices=list(MODES)),
        cname=dict(type='str'),
        uid=dict(type='raw'),
        recordings=dict(type='list', elements='dict', options=entry),
        concurrency=dict(type='int'),
        rate_limit=dict(type='float', default=DEFAULT_RATE_LIMIT),
        not_found_recheck=dict(type='int', default=DEFAULT_NOT_FOUND_RECHECK),
    )


def recording_module_kwargs(query_only: bool = False) -> dict[str, Any]:
    """AnsibleModule's rules for one recording or a batch: one or the other, and a single recording whole."""
    together = QUERY_OPTIONS if query_only else SINGLE_RECORDING_OPTIONS
    return dict(
        mutually_exclusive=[('recordings', option) for option in SINGLE_RECORDING_OPTIONS],
        required_one_of=[('recordings', 'sid')],
        required_together=[together],
    )


# Bounds of the numeric options: wide enough for any real use, narrow enough that no wait is unbounded.
TIMEOUT_RANGE = (1, 600)
RETRIES_RANGE = (0, 10)
RETRY_DELAY_RANGE = (0.0, 300.0)
MAX_RETRY_DELAYS = 10
NOT_FOUND_RECHECK_RANGE = (0, 600)
RATE_LIMIT_RANGE = (0.1, 1000.0)
CONCURRENCY_RANGE = (1, 1000)

# What Agora can have issued (docs/agora-api-facts.md): an App ID is 32 hex digits; sid and resource ID are URL-safe
# tokens (their format is not documented: these are the characters every one seen has); a uid is a 32-bit unsigned
# integer other than 0.
APP_ID_PATTERN = re.compile(r'[0-9A-Fa-f]{32}\Z')
SID_PATTERN = re.compile(r'[A-Za-z0-9_-]{1,128}\Z')
RESOURCE_ID_PATTERN = re.compile(r'[A-Za-z0-9_=+-]{1,2048}\Z')
UID_PATTERN = re.compile(r'[1-9][0-9]{0,9}\Z')
MAX_UID = 2 ** 32 - 1
# Agora's channel names (RTC modes): at most 64 bytes of these 89 characters.
CNAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + " !#$%&()+-:;<=.>?@[]^_{}|~,")
CNAME_MAX_BYTES = 64
# Web page recording names its recording process with cname, up to 1024 bytes of any printable text.
WEB_CNAME_MAX_BYTES = 1024
# HTTP Basic carries the key pair as printable ASCII; Agora's keys are letters and digits.
CREDENTIAL_CHARACTERS = frozenset(chr(code) for code in range(0x21, 0x7f))
CREDENTIAL_MAX_LENGTH = 256


def _shown(value: Any) -> str:
    """A value as a message quotes it: short, and on one line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def require_range(value: float, option: str, bounds: tuple[float, float], unit: str = '', allow_zero: bool = False) -> None:
    """Refuse a number outside ``bounds`` (or not finite); ``allow_zero`` admits 0 below the lower bound (0: off)."""
    low, high = bounds
    if isinstance(value, float) and not math.isfinite(value):
        raise AgoraError('%s must be a finite number; got %s.' % (option, value))
    if allow_zero and value == 0:
        return
    if not low <= value <= high:
        raise AgoraError('%s must be %sbetween %s and %s%s; got %s.'
                         % (option, '0 or ' if allow_zero else '', low, high, unit, _shown(value)))


def is_loopback_host(host: str) -> bool:
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str, option: str) -> str:
    """Return the URL without a trailing slash, or raise AgoraError when it is unusable or not HTTPS."""
    url = url.strip()
    # First, and without quoting the URL: what stands before an "@" may be a password (which may hold a "/"), and a
    # query may hold a token. Agora's base URL has neither.
    if '@' in url:
        raise AgoraError('%s must not carry credentials (it holds an "@"); use customer_id and customer_secret.' % option)
    if '?' in url or '#' in url:
        raise AgoraError('%s must not have a query or fragment (it holds a "?" or "#"): give the scheme, host and port '
                         'only, such as %s.' % (option, EXAMPLE_API_BASE_URL))
    if any(character.isspace() or not character.isprintable() for character in url):
        raise AgoraError('%s must be a URL without spaces or control characters; got %s.' % (option, _shown(url)))
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket, say
        parts = urlsplit('')
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise AgoraError('%s must be a URL such as %s; got "%s".' % (option, EXAMPLE_API_BASE_URL, url))
    try:
        parts.port
        parts.hostname.encode('idna')
    except (ValueError, UnicodeError):
        raise AgoraError('%s has an invalid host or port; got "%s".' % (option, url))
    if parts.scheme == 'http' and not is_loopback_host(parts.hostname):
        raise AgoraError('%s "%s" uses http://, which would send the customer secret unencrypted; Agora\'s API is '
                         'https:// (plain http is accepted only on a loopback address, such as the simulator).' % (option, url))
    return url.rstrip('/')


def _credential(value: str, option: str, source: str) -> str:
    """The credential without surrounding whitespace (from every source alike), or AgoraError; never quotes the value."""
    value = value.strip()
    if not value:
        raise AgoraError('%s is not set: pass it to the task or export %s (in AWX, attach the Agora credential).'
                         % (option, source))
    if len(value) > CREDENTIAL_MAX_LENGTH or not set(value) <= CREDENTIAL_CHARACTERS or (option == 'customer_id' and ':' in value):
        raise AgoraError('%s holds characters that HTTP Basic authentication cannot carry (only printable ASCII without '
                         'spaces%s, at most %d characters, is accepted; Agora\'s RESTful API keys are letters and digits): '
                         'copy it again from Agora Console.'
                         % (option, ' or colons' if option == 'customer_id' else '', CREDENTIAL_MAX_LENGTH))
    return value


# A secret file holds one key and a line end: anything longer is not one.
SECRET_FILE_MAX_BYTES = CREDENTIAL_MAX_LENGTH * 4


def read_secret_file(path: str, option: str, limit: int = SECRET_FILE_MAX_BYTES) -> str:
    """The text of a file holding one secret, or AgoraError naming ``option``; never blocks, never reads much.

    Opened without blocking and refused unless it is a regular file: a FIFO that nobody writes would hang the task.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_NOCTTY', 0))
    except OSError as exc:
        raise AgoraError('%s names %s, which cannot be read (%s).' % (option, path, exc.strerror))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise AgoraError('%s names %s, which is not a regular file (a FIFO, a device or a directory): it should be a '
                             'file holding the secret and nothing else.' % (option, path))
        raw = os.read(descriptor, limit + 1)
    finally:
        os.close(descriptor)
    if len(raw) > limit:
        raise AgoraError('%s names %s, which holds more than %d bytes: it should hold the secret and nothing else.'
                         % (option, path, limit))
    try:
        secret = raw.decode('utf-8-sig').strip()   # a byte order mark, as some editors write, is not part of it
    except UnicodeDecodeError:
        raise AgoraError('%s names %s, which is not UTF-8 text: it should hold the secret and nothing else.'
                         % (option, path))
    if not secret:
        raise AgoraError('%s names %s, which is empty.' % (option, path))
    return secret


def load_secret_file(params: dict[str, Any], no_log_values: set[str]) -> None:
    """Fill customer_secret from customer_secret_file (or AGORA_CUSTOMER_SECRET_FILE) when no other source gave it.

    The value joins ``no_log_values`` so that Ansible masks it like an option marked no_log.
    """
    path = params.get('customer_secret_file')
    if params.get('customer_secret') or not path:
        return
    secret = read_secret_file(path, 'customer_secret_file (or %s)' % SECRET_FILE_ENV)
    no_log_values.add(secret)
    params['customer_secret'] = secret


def credentials_from_params(params: dict[str, Any]) -> tuple[str, str]:
    """The customer ID and secret, checked, or AgoraError saying where to set them."""
    customer_id = _credential(params.get('customer_id') or '', 'customer_id', 'AGORA_CUSTOMER_ID')
    customer_secret = _credential(params.get('customer_secret') or '', 'customer_secret',
                                  'AGORA_CUSTOMER_SECRET (or %s)' % SECRET_FILE_ENV)
    return customer_id, customer_secret


def policy_from_params(params: dict[str, Any], not_found_recheck: float) -> RetryPolicy:
    """The retry options, checked."""
    require_range(params['retries'], 'retries', RETRIES_RANGE)
    require_range(not_found_recheck, 'not_found_recheck', NOT_FOUND_RECHECK_RANGE, ' seconds')
    delays = tuple(params['retry_delays'])
    if not 1 <= len(delays) <= MAX_RETRY_DELAYS:
        raise AgoraError('retry_delays must hold 1 to %d values (seconds); Agora advises [1, 3, 6]; got %d.'
                         % (MAX_RETRY_DELAYS, len(delays)))
    for delay in delays:
        require_range(delay, 'each of retry_delays', RETRY_DELAY_RANGE, ' seconds')
    return RetryPolicy(params['retries'], delays, not_found_recheck)


def failover_from_params(params: dict[str, Any]) -> Failover:
    """The hosts to call: the URLs the task names, or (when it names none) Agora's domains for its region."""
    fallbacks = [validate_base_url(url, 'fallback_base_urls') for url in params['fallback_base_urls']]
    if params['api_base_url']:
        return Failover(named_hosts([validate_base_url(params['api_base_url'], 'api_base_url')] + fallbacks))
    return Failover(agora_hosts(params['region']) + [Host(url, 'regional') for url in fallbacks])


def client_from_params(params: dict[str, Any], interruption: Interruption, no_log_values: set[str],
                       not_found_recheck: float = 0.0, rate_limit: float = 0.0, connections: int = 1) -> AgoraClient:
    """Check the connection options and build the client, or raise AgoraError saying what to fix.

    ``rate_limit`` is requests per second per App ID (0: no pacing); ``connections`` the requests in flight at once.
    Every form of the secret joins ``no_log_values``, so that Ansible masks it as it masks the option itself.
    """
    customer_id, customer_secret = credentials_from_params(params)
    redactor = Redactor(secret_forms(customer_id, customer_secret))
    no_log_values.update(redactor.values)
    failover = failover_from_params(params)
    require_range(params['timeout'], 'timeout', TIMEOUT_RANGE, ' seconds')
    policy = policy_from_params(params, not_found_recheck)
    require_range(rate_limit, 'rate_limit', RATE_LIMIT_RANGE, ' requests per second', allow_zero=True)
    runtime = RUNTIME
    sleep = runtime.sleep or interruption.sleep
    transport = runtime.transport(customer_id, customer_secret, params['validate_certs'], max_connections=max(connections, 10),
                                  hosts=len(failover.hosts))
    rate_limiter = RateLimiter(rate_limit, runtime.clock, sleep) if rate_limit else None
    return AgoraClient(transport, failover, params['timeout'], policy, runtime.clock, sleep, rate_limiter, redactor,
                       interruption.is_set)


def check_batch_options(params: dict[str, Any]) -> None:
    """The options that size a batch, checked before they are used to size it."""
    require_range(params['rate_limit'], 'rate_limit', RATE_LIMIT_RANGE, ' requests per second', allow_zero=True)
    if params['concurrency'] is not None:
        require_range(params['concurrency'], 'concurrency', CONCURRENCY_RANGE)


# Numeric options that ansible-core's own type check lets through wrong (a boolean counts as the integer 1) or fails on
# without naming the option (an infinite value: "cannot convert Infinity to integer"), with their bounds.
WHOLE_NUMBER_OPTIONS = {'timeout': TIMEOUT_RANGE, 'retries': RETRIES_RANGE, 'not_found_recheck': NOT_FOUND_RECHECK_RANGE,
                        'concurrency': CONCURRENCY_RANGE}
NUMBER_OPTIONS = {'rate_limit': RATE_LIMIT_RANGE}
RECORDING_ENTRY = 'a mapping with resource_id, sid, mode, cname and uid'
# The options that name a recording, which must come as text.
IDENTITY_TEXT_OPTIONS = ('app_id', 'resource_id', 'sid', 'cname')
# How many problems of one kind a message lists before it counts the rest.
MAX_REPORTED = 5


def _is_infinite(value: Any) -> bool:
    try:
        return decimal.Decimal(str(value).strip()).is_infinite()
    except (decimal.DecimalException, ValueError):
        return False


def _type_name(value: Any) -> str:
    return 'null' if value is None else type(value).__name__


def _unusable_numbers(params: dict[str, Any]) -> list[str]:
    problems = []
    for option, bounds in list(WHOLE_NUMBER_OPTIONS.items()) + list(NUMBER_OPTIONS.items()):
        value = params.get(option)
        whole = option in WHOLE_NUMBER_OPTIONS
        if isinstance(value, bool) or (whole and value is not None and _is_infinite(value)):
            problems.append('%s must be a %s from %s to %s; got %s (%s).' % (
                option, 'whole number' if whole else 'number', bounds[0], bounds[1], _shown(value), _type_name(value)))
            del params[option]
    delays = params.get('retry_delays')
    if isinstance(delays, list) and any(isinstance(delay, bool) for delay in delays):
        problems.append('retry_delays must be a list of seconds, such as [1, 3, 6]; got %s.' % _shown(delays))
        del params['retry_delays']
    return problems


def _unusable_identity(values: dict[str, Any], where: str = '') -> list[str]:
    """What names a recording must be text as Agora issued it. ansible-core would turn ``true`` into "True", and YAML
    has already turned an unquoted ``0123`` into 83: the stop would name another recording, so these are refused.
    (``uid`` is taken as given and checked by ``uid_from_value``; ``mode`` by its choices.)"""
    return ['%s%s must be text; got %s (%s). YAML reads an unquoted 0123 as the number 83 and yes as true: quote the '
            'value.' % (where, key, _shown(values[key]), _type_name(values[key]))
            for key in IDENTITY_TEXT_OPTIONS if values.get(key) is not None and not isinstance(values[key], str)]


def _unusable_recordings(params: dict[str, Any]) -> list[str]:
    recordings = params.get('recordings')
    if recordings is None:
        return []
    if not isinstance(recordings, list):
        problems = ['recordings must be a list, each entry %s; got %s (%s).'
                    % (RECORDING_ENTRY, _shown(recordings), _type_name(recordings))]
    else:
        problems = []
        for index, entry in enumerate(recordings):
            if not isinstance(entry, dict):
                problems.append('recordings[%d] must be %s; got %s (%s).'
                                % (index, RECORDING_ENTRY, _shown(entry), _type_name(entry)))
            else:
                problems += _unusable_identity(entry, 'recordings[%d].' % index)
    if problems:
        params['recordings'] = []   # present, so that ansible-core does not ask for one of recordings and sid instead
    return problems[:MAX_REPORTED] + (['(%d more)' % (len(problems) - MAX_REPORTED)] if len(problems) > MAX_REPORTED else [])


def unusable_values(params: dict[str, Any]) -> list[str]:
    """What ansible-core's type checks would take wrongly or fail on without naming the option, each said naming it.

    The values are taken out of ``params``, so that ansible-core's own check passes and the task fails with these
    messages instead.
    """
    problems = _unusable_numbers(params) + _unusable_identity(params) + _unusable_recordings(params)
    for key in IDENTITY_TEXT_OPTIONS:
        if any(problem.startswith(key + ' ') for problem in problems):
            params[key] = ''   # still given, so that ansible-core's "required together" does not speak first
    return problems


def base_urls_given(params: dict[str, Any]) -> list[str]:
    """Every base URL a task may use, as given (from its options or the environment), before any check."""
    fallbacks = params.get('fallback_base_urls')
    given = [params.get('api_base_url'), os.environ.get('AGORA_API_BASE_URL')]
    given += fallbacks if isinstance(fallbacks, list) else [fallbacks]
    return [str(url) for url in given if url]


class AgoraModule(AnsibleModule):
    """AnsibleModule that first refuses, naming the option, the values its own type checks would mishandle."""

    def _load_params(self) -> None:
        super()._load_params()
        # Before anything can fail: a password or token in a base URL is refused later, but Ansible itself quotes the
        # task's arguments back (the invocation, at -vvv) unless they are masked.
        for url in base_urls_given(self.params):
            self.no_log_values.update(url_secrets(url))
        self._unusable = unusable_values(self.params)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._unusable:
            self.fail_json(msg=' '.join(self._unusable))


def _identity_value(params: dict[str, Any], key: str, checked: bool = True) -> str:
    """One identifying value as a string; Ansible gives uid as it was written (type raw)."""
    value = params.get(key)
    if key == 'uid' and checked:
        return uid_from_value(value)
    return '' if value is None else str(value)


def uid_from_value(value: Any) -> str:
    """Agora's recording uid as the string Agora expects, or AgoraError: an integer 1 to 4294967295, or its digits."""
    if value is None or value == '':
        return ''
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise AgoraError('uid must be a whole number from 1 to %d, given as an integer or a string of digits; got %s (%s).'
                         % (MAX_UID, _shown(value), type(value).__name__))
    text = str(value)
    if not UID_PATTERN.match(text) or int(text) > MAX_UID:
        raise AgoraError('uid must be a whole number from 1 to %d, given as an integer or a string of digits; got %s.'
                         % (MAX_UID, _shown(value)))
    return text


def _check_identity(values: dict[str, str], query_only: bool) -> None:
    """Refuse values Agora cannot have issued: they would reach another endpoint, or read Agora's 404 as "stopped"."""
    checks = (
        ('app_id', APP_ID_PATTERN, 'Agora\'s App ID: 32 hexadecimal digits, as Agora Console shows it'),
        ('sid', SID_PATTERN, 'the sid that start returned: letters, digits, "-" and "_", at most 128 characters'),
        ('resource_id', RESOURCE_ID_PATTERN,
         'the resource ID that acquire returned: letters, digits, "-", "_", "+" and "=", at most 2048 characters'),
    )
    for key, pattern, what in checks:
        if not pattern.match(values[key]):
            raise AgoraError('%s must be %s; got %s.' % (key, what, _shown(values[key])))
    if not query_only:
        _check_cname(values['cname'], values['mode'])


def _check_cname(cname: str, mode: str) -> None:
    size = len(cname.encode('utf-8'))
    if mode == 'web':
        if size > WEB_CNAME_MAX_BYTES or not cname.isprintable():
            raise AgoraError('cname must be printable text of at most %d bytes; got %s.' % (WEB_CNAME_MAX_BYTES, _shown(cname)))
        return
    if size > CNAME_MAX_BYTES or not set(cname) <= CNAME_CHARACTERS:
        raise AgoraError('cname must be an Agora channel name: at most %d bytes of letters, digits, spaces and '
                         '!#$%%&()+-:;<=.>?@[]^_{}|~, ; got %s.' % (CNAME_MAX_BYTES, _shown(cname)))


def recording_from_params(params: dict[str, Any], query_only: bool = False) -> Recording:
    """The recording a task names, or AgoraError naming the option whose value Agora cannot have issued.

    ``query_only``: a query's URL names no channel or uid, so cname and uid are taken as they are, or left empty.
    """
    values = {key: _identity_value(params, key, checked=not query_only) for key in RECORDING_KEYS}
    required = [key for key in RECORDING_KEYS if not (query_only and key in ('cname', 'uid'))]
    empty = [key for key in required if not values[key].strip()]
    if empty:
        raise AgoraError('%s must not be empty; check the variables that fill %s.' % (', '.join(empty), 'them' if len(empty) > 1 else 'it'))
    _check_identity(values, query_only)
    return Recording(**values)

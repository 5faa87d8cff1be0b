# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one client for Agora's Cloud Recording REST API: HTTP, auth, base-URL fallback, retries.

One ``AgoraClient`` holds one ``requests.Session`` (connection reuse matters: a new TLS context per request doubles
the time of a batch). Its methods keep no per-call state on the instance, so many threads may share it.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.agora.cloud_recording.plugins.module_utils.agora_answers import (
    Answer,
    Verdict,
    classify_query_answer,
    classify_stop_answer,
    decode_body,
    parse_retry_after,
)

REQUESTS_IMPORT_ERROR: str | None
try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

DEFAULT_API_BASE_URL = 'https://api.sd-rtn.com'
# AWX can hand the secret over as a file, which keeps it out of the job's environment (ansible-runner writes the
# environment into its artifacts).
SECRET_FILE_ENV = 'AGORA_CUSTOMER_SECRET_FILE'
USER_AGENT = 'ansible-collection-agora.cloud_recording'
MODES = ('individual', 'mix', 'web')
RECORDING_KEYS = ('app_id', 'resource_id', 'sid', 'mode', 'cname', 'uid')


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """Options every module of this collection shares; documented in the doc fragment ``agora.cloud_recording.connection``."""
    return dict(
        customer_id=dict(type='str', fallback=(env_fallback, ['AGORA_CUSTOMER_ID'])),
        customer_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['AGORA_CUSTOMER_SECRET'])),
        api_base_url=dict(type='str', default=DEFAULT_API_BASE_URL, fallback=(env_fallback, ['AGORA_API_BASE_URL'])),
        fallback_base_urls=dict(type='list', elements='str', default=[]),
        timeout=dict(type='int', default=60),
        retries=dict(type='int', default=3),
        retry_delays=dict(type='list', elements='float', default=[1.0, 3.0, 6.0]),
        validate_certs=dict(type='bool', default=True),
    )


class AgoraError(Exception):
    """A failure to tell the user about. ``str()`` is the whole message; it never holds the customer secret."""

    def __init__(self, message: str, http_status: int | None = None, attempts: int = 0) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.attempts = attempts


class TransportError(Exception):
    """No HTTP answer came back from any base URL."""

    def __init__(self, message: str, may_have_acted: bool) -> None:
        super().__init__(message)
        self.may_have_acted = may_have_acted


@dataclass(frozen=True)
class Recording:
    """Which cloud recording a call is about: the values Agora identifies it by."""

    app_id: str
    resource_id: str
    sid: str
    mode: str
    cname: str
    uid: str

    def path(self, action: str) -> str:
        parts = ('v1', 'apps', self.app_id, 'cloud_recording', 'resourceid', self.resource_id,
                 'sid', self.sid, 'mode', self.mode, action)
        # Quoting keeps a stray '/' or '?' in a value from changing which endpoint is called.
        return '/' + '/'.join(quote(part, safe='') for part in parts)

    def label(self) -> str:
        return 'sid %s (channel %s, App ID %s)' % (self.sid, self.cname, self.app_id)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait: ``retries`` extra attempts; ``delays`` before each, the last one repeating."""

    retries: int = 3
    delays: tuple[float, ...] = (1.0, 3.0, 6.0)
    not_found_recheck: float = 0.0

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        planned = self.delays[min(retry_number, len(self.delays) - 1)]
        return max(planned, retry_after or 0.0)


@dataclass(frozen=True)
class Outcome:
    """The decided result of one call, with what it took to get there."""

    verdict: Verdict
    http_status: int | None
    attempts: int


@dataclass
class _CallProgress:
    """What one call has used so far of its retries and its 404 re-check time."""

    attempts: int = 0
    retries_used: int = 0
    rechecks: int = 0
    may_have_acted: bool = False
    recheck_deadline: float | None = None


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


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, through requests' and urllib3's wrappers."""
    seen: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending and len(seen) < 20:
        current = pending.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        linked = [getattr(current, 'reason', None), current.__cause__, current.__context__, *current.args]
        # ssl.SSLError's ``reason`` is a string; only exceptions lead further down the chain.
        pending.extend(item for item in linked if isinstance(item, BaseException))
    return seen


def describe_transport_error(exc: Exception, timeout: float) -> str:
    """Say in plain words why no answer came back; requests' own text is a wall of wrapper names."""
    chain = _exception_chain(exc)
    names = {type(item).__name__ for item in chain}
    if isinstance(exc, requests.exceptions.SSLError):
        return ('TLS failed (%s): the certificate is not trusted or does not match the host; check the URL, or the CA '
                'bundle (REQUESTS_CA_BUNDLE) for a TLS-inspecting proxy' % (chain[-1].__class__.__name__))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'no connection within %s s (connect timeout)' % timeout
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer within %s s (timeout); the request may still have reached Agora' % timeout
    if 'NameResolutionError' in names or 'gaierror' in names:
        return 'the host name could not be resolved (DNS)'
    if 'ConnectionRefusedError' in names:
        return 'connection refused'
    if any(isinstance(item, (ConnectionResetError, BrokenPipeError)) for item in chain) or 'RemoteDisconnected' in names:
        return 'the connection was closed before an answer arrived'
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return 'the answer broke off midway; the request may still have reached Agora'
    return 'connection failed (%s)' % chain[-1].__class__.__name__


class RateLimiter:
    """Paces requests per App ID, shared by every worker thread of a run.

    Agora allows about 10 requests per second per App ID and answers 429 beyond. Pacing at exactly 1/rate still trips
    a strict one-second window once network jitter bunches two requests, so slots are spaced a few percent wider.
    A 429 widens the spacing for that App ID and holds its next slot back.
    """

    MARGIN = 0.95
    SLOW_DOWN_FACTOR = 1.5
    SLOWEST_INTERVAL = 5.0
    # 429s that arrive together were sent at the old pace: they slow it down once, not once each.
    SLOW_DOWN_EVERY = 1.0

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = 1.0 / (rate * self.MARGIN)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._slowed_at: dict[str, float] = {}

    def wait_turn(self, app_id: str) -> None:
        """Block until this App ID's next slot, and book the one after it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(app_id, now))
            self._next_slot[app_id] = slot + self._intervals.get(app_id, self._interval)
        if slot > now:
            self._sleep(slot - now)

    def slow_down(self, app_id: str, pause: float) -> None:
        """Agora said 429: space this App ID's requests wider and send none for ``pause`` seconds."""
        with self._lock:
            now = self._clock()
            if now - self._slowed_at.get(app_id, now - self.SLOW_DOWN_EVERY) >= self.SLOW_DOWN_EVERY:
                interval = self._intervals.get(app_id, self._interval)
                self._intervals[app_id] = min(interval * self.SLOW_DOWN_FACTOR, self.SLOWEST_INTERVAL)
                self._slowed_at[app_id] = now
            self._next_slot[app_id] = max(self._next_slot.get(app_id, 0.0), now + pause)


class AgoraClient:
    """Calls Agora's Cloud Recording API and decides what each answer means."""

    def __init__(self, customer_id: str, customer_secret: str, base_urls: list[str], timeout: float,
                 validate_certs: bool, policy: RetryPolicy, rate_limiter: RateLimiter | None = None,
                 max_connections: int = 10) -> None:
        self._base_urls = base_urls
        self._rate_limiter = rate_limiter
        self._current_base = 0
        self._base_lock = threading.Lock()
        self._timeout = timeout
        self._policy = policy
        self._session = requests.Session()
        self._session.auth = (customer_id, customer_secret)
        # Passed on every request: a session-level verify=False loses to REQUESTS_CA_BUNDLE (requests#3829).
        self._verify = validate_certs
        self._session.headers['User-Agent'] = USER_AGENT
        # One pooled connection per worker thread, so concurrent stops reuse their TLS sessions.
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=max_connections)
        self._session.mount('https://', adapter)
        self._session.mount('http://', adapter)

    def close(self) -> None:
        self._session.close()

    def _send_once(self, base_url: str, method: str, path: str, body: dict[str, Any] | None) -> Answer:
        response = self._session.request(method, base_url + path, json=body, timeout=self._timeout, verify=self._verify,
                                         allow_redirects=False)
        decoded, text = decode_body(response.content)
        return Answer(response.status_code, decoded, text, response.headers.get('x-request-id'),
                      parse_retry_after(response.headers.get('retry-after')))

    def send(self, app_id: str, method: str, path: str, body: dict[str, Any] | None = None) -> Answer:
        """One attempt: the current base URL first, then each other in order, until one answers over HTTP."""
        if self._rate_limiter is not None:
            self._rate_limiter.wait_turn(app_id)
        with self._base_lock:
            start = self._current_base
        failures = []
        may_have_acted = False
        for offset in range(len(self._base_urls)):
            index = (start + offset) % len(self._base_urls)
            base_url = self._base_urls[index]
            try:
                answer = self._send_once(base_url, method, path, body)
            except requests.exceptions.RequestException as exc:
                # The request went out when the answer timed out or broke off midway: it may have taken effect.
                may_have_acted = may_have_acted or isinstance(exc, (requests.exceptions.ReadTimeout,
                                                                    requests.exceptions.ChunkedEncodingError))
                failures.append('%s: %s' % (base_url, describe_transport_error(exc, self._timeout)))
                continue
            with self._base_lock:
                self._current_base = index
            return answer
        raise TransportError('; '.join(failures), may_have_acted)

    def _attempt(self, recording: Recording, method: str, path: str, body: dict[str, Any] | None,
                 classify: Callable[[Answer], Verdict]) -> tuple[Answer | None, Verdict]:
        """One attempt and what its answer means; no answer at all is worth a retry."""
        try:
            answer = self.send(recording.app_id, method, path, body)
        except TransportError as exc:
            return None, Verdict('retry', reason='could not reach Agora: %s' % exc, may_have_acted=exc.may_have_acted)
        return answer, classify(answer)

    def _wait_for_recheck(self, progress: _CallProgress) -> bool:
        """Wait before asking again after Agora's 404, while not_found_recheck allows; False once it is spent."""
        # Agora answers 404 for up to 90 s while it moves a live recording to another server.
        now = time.monotonic()
        if progress.recheck_deadline is None:
            progress.recheck_deadline = now + self._policy.not_found_recheck
        if now >= progress.recheck_deadline:
            return False
        time.sleep(min(self._policy.delay(progress.rechecks), progress.recheck_deadline - now))
        progress.rechecks += 1
        return True

    def _wait_for_retry(self, app_id: str, answer: Answer | None, progress: _CallProgress) -> bool:
        """Wait before retrying (and slow the App ID down after a 429); False once the retries are spent."""
        if progress.retries_used >= self._policy.retries:
            return False
        delay = self._policy.delay(progress.retries_used, answer.retry_after if answer is not None else None)
        if answer is not None and answer.status == 429 and self._rate_limiter is not None:
            self._rate_limiter.slow_down(app_id, delay)
        time.sleep(delay)
        progress.retries_used += 1
        return True

    def _decide(self, recording: Recording, method: str, path: str, body: dict[str, Any] | None,
                classify: Callable[[Answer], Verdict], acts: bool, what: str) -> Outcome:
        """Call until the answer is decided: retry transient trouble, re-check Agora's 404 when asked to.

        ``acts`` marks a call with an effect (stop): after an attempt that may have acted, Agora's 404 or code 49
        means that attempt did the work. The loop ends: retries and the re-check time are both bounded.
        """
        progress = _CallProgress()
        while True:
            answer, verdict = self._attempt(recording, method, path, body, classify)
            progress.attempts += 1
            http_status = answer.status if answer is not None else None
            if verdict.kind in ('not_found', 'exiting') and acts and progress.may_have_acted:
                return Outcome(Verdict('stopped', 'unknown', [], None), http_status, progress.attempts)
            if verdict.kind == 'not_found' and self._policy.not_found_recheck > 0 and self._wait_for_recheck(progress):
                continue
            if verdict.kind == 'retry':
                progress.may_have_acted = progress.may_have_acted or verdict.may_have_acted
                if self._wait_for_retry(recording.app_id, answer, progress):
                    continue
                raise AgoraError('%s: gave up after %d attempts; the last one: %s. The recording may still be running: '
                                 'run the task again later (a re-run is safe), or raise retries.'
                                 % (what, progress.attempts, verdict.reason), http_status, progress.attempts)
            if verdict.kind == 'fail':
                raise AgoraError('%s: %s. What to do: %s' % (what, verdict.reason, verdict.advice), http_status,
                                 progress.attempts)
            return Outcome(verdict, http_status, progress.attempts)

    def stop(self, recording: Recording, async_stop: bool) -> Outcome:
        body = {'cname': recording.cname, 'uid': recording.uid, 'clientRequest': {'async_stop': async_stop}}
        return self._decide(recording, 'POST', recording.path('stop'), body,
                            lambda answer: classify_stop_answer(answer, async_stop), True,
                            'Stopping %s failed' % recording.label())

    def query(self, recording: Recording) -> Outcome:
        return self._decide(recording, 'GET', recording.path('query'), None, classify_query_answer, False,
                            'Querying %s failed' % recording.label())


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
    return AgoraClient(params['customer_id'], params['customer_secret'], base_urls, params['timeout'],
                       params['validate_certs'], policy, RateLimiter(rate_limit) if rate_limit else None,
                       max_connections=max(concurrency, 10))


def recording_from_params(params: dict[str, Any]) -> Recording:
    """The recording a task names, or AgoraError when a value is empty (an undefined variable, most often)."""
    values = {key: str(params.get(key) or '').strip() for key in RECORDING_KEYS}
    empty = [key for key in RECORDING_KEYS if not values[key]]
    if empty:
        raise AgoraError('%s must not be empty; check the variables that fill %s.' % (', '.join(empty), 'them' if len(empty) > 1 else 'it'))
    return Recording(**values)


OUTCOME_BY_VERDICT = {'stopped': 'stopped', 'running': 'stopped', 'not_found': 'already_stopped', 'exiting': 'already_stopped'}


def _identity(recording: Recording) -> dict[str, Any]:
    return {'app_id': recording.app_id, 'resource_id': recording.resource_id, 'sid': recording.sid,
            'cname': recording.cname, 'uid': recording.uid, 'mode': recording.mode}


def recording_result(recording: Recording, outcome: Outcome) -> dict[str, Any]:
    """The ``recording`` result and fact: who the recording is, what happened, and where its files stand.

    In check mode the verdict comes from ``query``: ``running`` predicts ``stopped``, with the upload still ahead.
    """
    verdict = outcome.verdict
    return dict(_identity(recording), outcome=OUTCOME_BY_VERDICT[verdict.kind], upload_status=verdict.upload_status,
                files=verdict.files, http_status=outcome.http_status, attempts=outcome.attempts,
                server_response=verdict.server_response)


def failed_result(recording: Recording, error: AgoraError) -> dict[str, Any]:
    """A recording whose stop failed, in a batch: the same keys, no outcome, and why."""
    return dict(_identity(recording), outcome=None, upload_status='unknown', files=[], http_status=error.http_status,
                attempts=error.attempts, server_response=None, failed=True, msg=str(error))

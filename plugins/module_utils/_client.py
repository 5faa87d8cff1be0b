# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client of Agora's Cloud Recording REST API: which URL to call, when to retry, what the answers add up to.

Private to the agora.cloud_recording collection: not an API, may change in any release.

HTTP is the transport's business (``_transport``), reading an answer the classifier's (``_answers``). The client takes
its transport, clock and sleep from its caller, so every path of its decisions runs in tests on a fake clock. Its
methods keep no per-call state on the instance, so many threads may share one client.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable
from urllib.parse import quote

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import (
    Answer,
    Expected,
    Kind,
    Verdict,
    classify_query_answer,
    classify_stop_answer,
    printable_value,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._failover import Failover
from ansible_collections.agora.cloud_recording.plugins.module_utils._rate_limiter import RateLimiter
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import NO_SECRETS, Redactor
from ansible_collections.agora.cloud_recording.plugins.module_utils._transport import Failure, Transport, TransportError

ADVICE_TLS = ('the server\'s certificate did not verify, and retrying will not change that: check the URL; behind a '
              'TLS-inspecting proxy, point REQUESTS_CA_BUNDLE at its CA bundle; set validate_certs to false only for an '
              'endpoint you control')


class AgoraError(Exception):
    """A failure to tell the user about. ``str()`` is the whole message; it never holds the customer secret."""

    def __init__(self, message: str, http_status: int | None = None, attempts: int = 0, host: str | None = None,
                 may_have_acted: bool = False) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.attempts = attempts
        self.host = host
        # A call with an effect (stop, start) failed after a request that may have taken effect went out.
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

    def expected(self) -> Expected:
        return Expected(self.sid, self.resource_id)


# Agora answers 404 for up to 90 s while it moves a live recording to another server (its best practices advise
# asking again after 5, 10 and 15 s). A handful of re-checks spread over the window, the last wait repeating.
RECHECK_WAITS = (5.0, 10.0, 15.0, 30.0)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait: ``retries`` extra attempts; ``delays`` before each, the last one repeating.

    ``not_found_recheck``: seconds over which Agora's 404 is asked again (``RECHECK_WAITS`` apart) before it counts.
    """

    retries: int
    delays: tuple[float, ...]
    not_found_recheck: float = 0.0

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        planned = self.delays[min(retry_number, len(self.delays) - 1)]
        return max(planned, retry_after or 0.0)

    @staticmethod
    def recheck_wait(recheck_number: int) -> float:
        return RECHECK_WAITS[min(recheck_number, len(RECHECK_WAITS) - 1)]


@dataclass(frozen=True)
class Decision:
    """What the client decided of one call (from the verdicts of its answers), with what it took to get there.

    The stages, one name each: the transport's ``Answer``, the classifier's ``Verdict`` (of a ``Kind``), the client's
    ``Decision``, and the task's reported ``outcome`` (``_results.Outcome``).
    """

    verdict: Verdict
    http_status: int | None
    attempts: int
    # Whether Agora's 404 was asked again over the whole not_found_recheck window before it counted.
    rechecked: bool = False
    # The base URL whose answer decided, or None when none answered.
    host: str | None = None
    # A stop whose own answer was lost (or asked for a retry), decided by a later 404 or code 49: the recording is gone,
    # but it may have ended before this run's stop reached it.
    inferred: bool = False


@dataclass(frozen=True)
class Call:
    """One call to Agora to decide: what to send, how to read each answer, and how messages name it.

    ``acts``: the call has an effect (stop), so an answer lost after the request went out may hide that effect.
    ``rechecked``: Agora's 404 was already asked again over the whole not_found_recheck window for this recording (by a
    query just before), so a 404 now counts at once.
    """

    recording: Recording
    method: str
    path: str
    body: dict[str, Any] | None
    classify: Callable[[Answer], Verdict]
    acts: bool
    what: str
    rechecked: bool = False
    # What an acting call that ends undecided leaves the operator to find out: (when it may have acted, when it cannot
    # have). None: the stop's words.
    undecided: tuple[str, str] | None = None


@dataclass
class _CallProgress:
    """What one call has used so far of its retries and its 404 re-check time, and where it sends next."""

    attempts: int = 0
    retries_used: int = 0
    rechecks: int = 0
    may_have_acted: bool = False
    recheck_deadline: float | None = None
    last: str = ''
    host: int | None = None
    tries_here: int = 0
    answered_by: str | None = None


class _Interrupted(Exception):
    """The run was asked to stop (SIGINT, SIGTERM, or the controller went away) while a call waited."""


class AgoraClient:
    """Calls Agora's Cloud Recording API and decides what each answer means."""

    def __init__(self, transport: Transport, failover: Failover, timeout: float, policy: RetryPolicy,
                 clock: Callable[[], float], sleep: Callable[[float], None],
                 rate_limiter: RateLimiter | None = None, redactor: Redactor = NO_SECRETS,
                 cancelled: Callable[[], bool] = lambda: False) -> None:
        self._transport = transport
        self._failover = failover
        self._timeout = timeout
        self._policy = policy
        self._clock = clock
        self._sleep = sleep
        self._rate_limiter = rate_limiter
        self.redactor = redactor
        self._cancelled = cancelled

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> 'AgoraClient':
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # Before the module writes its result: a batch's connections could otherwise hold descriptors it needs.
        self.close()

    def _pause(self, seconds: float) -> None:
        """Wait, unless the run is being interrupted (the sleep given to the client returns early then)."""
        self._sleep(seconds)
        if self._cancelled():
            raise _Interrupted()

    def _attempt(self, call: Call, progress: _CallProgress) -> tuple[Answer | None, Verdict]:
        """One request to the host the failover chose, and what its answer means.

        No answer at all is worth a retry on the host Agora's failover names next, unless TLS verification failed.
        """
        index = progress.host if progress.host is not None else self._failover.first()
        url = self._failover.hosts[index].url
        if self._rate_limiter is not None:
            self._rate_limiter.wait_turn(call.recording.app_id)
            if self._cancelled():
                raise _Interrupted()
        try:
            answer = self._transport.send(call.method, url + call.path, call.body, self._timeout)
        except TransportError as exc:
            progress.may_have_acted = progress.may_have_acted or exc.may_have_acted
            progress.tries_here += 1
            progress.host = self._failover.after(index, exc.failure, progress.tries_here)
            if progress.host != index:
                progress.tries_here = 0
            kind = Kind.FAIL if exc.failure == Failure.TLS_VERIFY else Kind.RETRY
            return None, Verdict(kind, reason='could not reach Agora at %s: %s' % (url, self.redactor.text(str(exc))),
                                 advice=ADVICE_TLS)
        progress.host, progress.tries_here, progress.answered_by = index, 0, url
        self._failover.answered(index)
        masked = self.redactor.answer(answer)
        # What a server says reaches results, facts and so the terminal: control characters escaped, as in messages.
        answer = replace(masked, body=printable_value(masked.body))
        return answer, call.classify(answer)

    def _wait_for_recheck(self, progress: _CallProgress) -> bool:
        """Wait before asking again after Agora's 404, while not_found_recheck allows; False once it is spent."""
        now = self._clock()
        if progress.recheck_deadline is None:
            progress.recheck_deadline = now + self._policy.not_found_recheck
        if now >= progress.recheck_deadline:
            return False
        self._pause(min(self._policy.recheck_wait(progress.rechecks), progress.recheck_deadline - now))
        progress.rechecks += 1
        return True

    def _wait_for_retry(self, app_id: str, answer: Answer | None, progress: _CallProgress) -> bool:
        """Wait before retrying (and slow the App ID down after a 429); False once the retries are spent."""
        if progress.retries_used >= self._policy.retries:
            return False
        delay = self._policy.delay(progress.retries_used, answer.retry_after if answer is not None else None)
        if answer is not None and answer.status == 429 and self._rate_limiter is not None:
            self._rate_limiter.slow_down(app_id, delay)
        self._pause(delay)
        progress.retries_used += 1
        return True

    def _decide(self, call: Call) -> Decision:
        """Call until the answer is decided; turn an interruption into a failure that says where the call stood."""
        progress = _CallProgress()
        try:
            return self._decide_loop(call, progress)
        except _Interrupted:
            last = ' The last answer: %s.' % progress.last if progress.last else ''
            raise AgoraError('%s: the run was interrupted (SIGINT, SIGTERM, or the controller went away) after %d attempt(s).'
                             '%s %s'
                             % (call.what, progress.attempts, last, self._where_it_stands(call, progress)),
                             None, progress.attempts, progress.answered_by, call.acts and progress.may_have_acted)

    @staticmethod
    def _where_it_stands(call: Call, progress: _CallProgress) -> str:
        """What an undecided call leaves the operator to find out, and how."""
        if call.undecided is not None:
            return call.undecided[0 if call.acts and progress.may_have_acted else 1]
        if call.acts and progress.may_have_acted:
            return ('The stop may already have taken effect, or the recording may still be running: run '
                    'agora.cloud_recording.agora_cloud_recording_info to see which, or run the task again (a re-run is '
                    'safe).')
        return 'The recording may still be running: run the task again (a re-run is safe).'

    def _decide_loop(self, call: Call, progress: _CallProgress) -> Decision:
        """Retry transient trouble, re-check Agora's 404 when asked to, until the answer is decided.

        After an answer that may follow a stop that took effect, Agora's 404 or code 49 means that the recording is
        gone, most likely through this run's stop (``inferred``). The loop ends: retries and the re-check time are both
        bounded.
        """
        while True:
            if self._cancelled():
                raise _Interrupted()
            answer, verdict = self._attempt(call, progress)
            progress.attempts += 1
            progress.last = verdict.reason
            http_status = answer.status if answer is not None else None
            if verdict.kind in (Kind.NOT_FOUND, Kind.EXITING) and call.acts and progress.may_have_acted:
                return Decision(Verdict(Kind.STOPPED, 'unknown', [], None), http_status, progress.attempts,
                                host=progress.answered_by, inferred=True)
            if verdict.kind == Kind.NOT_FOUND and call.rechecked:
                return Decision(verdict, http_status, progress.attempts, rechecked=True, host=progress.answered_by)
            if verdict.kind == Kind.NOT_FOUND and self._policy.not_found_recheck > 0:
                if self._wait_for_recheck(progress):
                    continue
                return Decision(verdict, http_status, progress.attempts, rechecked=True, host=progress.answered_by)
            if verdict.kind == Kind.RETRY:
                progress.may_have_acted = progress.may_have_acted or verdict.may_have_acted
                if self._wait_for_retry(call.recording.app_id, answer, progress):
                    continue
                raise AgoraError('%s: gave up after %d attempts; the last one: %s. %s If this keeps happening, raise '
                                 'retries.'
                                 % (call.what, progress.attempts, verdict.reason, self._where_it_stands(call, progress)),
                                 http_status, progress.attempts, progress.answered_by, call.acts and progress.may_have_acted)
            if verdict.kind == Kind.FAIL:
                raise AgoraError('%s: %s. What to do: %s' % (call.what, verdict.reason, verdict.advice), http_status,
                                 progress.attempts, progress.answered_by, call.acts and progress.may_have_acted)
            return Decision(verdict, http_status, progress.attempts, host=progress.answered_by)

    def stop(self, recording: Recording, async_stop: bool, rechecked: bool = False) -> Decision:
        """Stop the recording. ``rechecked``: a query just before already waited out Agora's 404 (see ``Call``)."""
        body = {'cname': recording.cname, 'uid': recording.uid, 'clientRequest': {'async_stop': async_stop}}
        expected = recording.expected()
        return self._decide(Call(recording, 'POST', recording.path('stop'), body,
                                 lambda answer: classify_stop_answer(answer, async_stop, expected), True,
                                 'Stopping %s failed' % recording.label(), rechecked))

    def query(self, recording: Recording) -> Decision:
        expected = recording.expected()
        return self._decide(Call(recording, 'GET', recording.path('query'), None,
                                 lambda answer: classify_query_answer(answer, expected), False,
                                 'Querying %s failed' % recording.label()))

    def decide(self, call: Call) -> Decision:
        """Decide a call built elsewhere (acquire and start: ``_start``), with the same retries, failover and pacing."""
        return self._decide(call)

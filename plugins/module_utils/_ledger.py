# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ledger: one JSON file that records every recording the collection started, for a later start and the teardown.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Agora has no call that lists the recordings running under an App ID, so a teardown can stop only what was written
down. The file is the teardown role's export format (``{"recordings": [...]}``, each entry what the stop, info and
start modules take), so the role reads it unchanged. Starts that may have taken effect without Agora naming their sid
go under ``unsettled``, with the resource ID that finds them.

Every change is read-modify-write under an exclusive lock (``flock`` on a sibling ``.lock`` file, so tasks, forks and
batch threads writing at once lose nothing), and is written to a temporary file in the same directory, flushed to disk
and renamed over the ledger, so that a process killed midway leaves the previous ledger whole. A ledger that is not one
is refused and left as it is: it may hold the only record of recordings that still run. No secret is ever written:
entries hold ids and times only.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from typing import Any, Callable, Iterator

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX; the collection runs its modules on POSIX controllers
    fcntl = None  # type: ignore[assignment]

# The keys of an entry: a recording as the stop, info and start modules take it, and when it stopped (null: running).
ENTRY_KEYS = ('app_id', 'resource_id', 'sid', 'mode', 'cname', 'uid', 'started_at', 'stopped_at')
UNSETTLED_KEYS = ('app_id', 'resource_id', 'mode', 'cname', 'uid', 'at', 'reason')
# How long a change waits for another writer's lock: a change holds it for milliseconds.
LOCK_TIMEOUT = 30.0
LOCK_POLL = 0.05
ADVICE_NOT_A_LEDGER = ('it is left as it is, and nothing was started: it may be the only record of recordings that still '
                       'run. Give it to the recording_teardown role or fix it, then move it aside or point ledger at '
                       'another file.')


def utc_now() -> str:
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


def _empty() -> dict[str, Any]:
    return {'recordings': [], 'unsettled': []}


class Ledger:
    """The ledger file at ``path``; every method that changes it holds its lock from reading to the rename."""

    def __init__(self, path: str, lock_timeout: float = LOCK_TIMEOUT, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.path = os.path.abspath(path)
        self._directory = os.path.dirname(self.path)
        self._lock_path = self.path + '.lock'
        self._lock_timeout = lock_timeout
        self._clock = clock
        self._sleep = sleep
        # flock excludes other open files, but threads of one batch are kept in line here as well.
        self._thread_lock = threading.Lock()

    def check(self) -> None:
        """Refuse, before any request, a ledger that could not be read or written: say which and what to do."""
        if not os.path.isdir(self._directory):
            raise AgoraError('ledger %s: its directory %s does not exist: create it, or point ledger at a file in an '
                             'existing directory. Nothing was started.' % (self.path, self._directory))
        if os.path.isdir(self.path):
            raise AgoraError('ledger %s is a directory: point ledger at a file (such as %s). Nothing was started.'
                             % (self.path, os.path.join(self.path, 'recordings-ledger.json')))
        try:
            handle, probe = tempfile.mkstemp(prefix='.%s.' % os.path.basename(self.path), suffix='.probe',
                                             dir=self._directory)
            os.close(handle)
            os.unlink(probe)
        except OSError as exc:
            raise AgoraError('ledger %s cannot be written: its directory %s does not take new files (%s). Check its '
                             'permissions, or point ledger at a writable directory. Nothing was started.'
                             % (self.path, self._directory, exc.strerror))
        with self._locked():
            self._read()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the ledger's exclusive lock (bounded wait), within this process and across processes."""
        with self._thread_lock:
            try:
                handle = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise AgoraError('ledger %s: its lock file %s cannot be opened (%s): check the directory\'s permissions.'
                                 % (self.path, self._lock_path, exc.strerror))
            try:
                self._wait_for_lock(handle)
                yield
            finally:
                os.close(handle)  # closing releases the lock

    def _wait_for_lock(self, handle: int) -> None:
        deadline = self._clock() + self._lock_timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if self._clock() >= deadline:
                    raise AgoraError('ledger %s: another task held its lock (%s) for %d seconds; is a process hung? '
                                     'Check, then run the task again.' % (self.path, self._lock_path, self._lock_timeout))
                self._sleep(LOCK_POLL)

    def _read(self) -> dict[str, Any]:
        """The ledger's content, or an empty one when there is no file yet; AgoraError for a file that is not one."""
        try:
            with open(self.path, 'rb') as handle:
                raw = handle.read()
        except FileNotFoundError:
            return _empty()
        except OSError as exc:
            raise AgoraError('ledger %s cannot be read (%s): check its permissions. Nothing was started.'
                             % (self.path, exc.strerror))
        try:
            content = json.loads(raw.decode('utf-8'))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            why = ' '.join(str(exc).split())[:120]
            raise AgoraError('ledger %s is not JSON (%s); %s' % (self.path, why, ADVICE_NOT_A_LEDGER))
        problem = _shape_problem(content)
        if problem:
            raise AgoraError('ledger %s is not a ledger: %s; %s' % (self.path, problem, ADVICE_NOT_A_LEDGER))
        content.setdefault('unsettled', [])
        return content

    def _write(self, content: dict[str, Any]) -> None:
        """Replace the ledger whole: a temporary file beside it, flushed to disk, renamed over it."""
        text = json.dumps(content, indent=2, sort_keys=True) + '\n'
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(self.path), suffix='.tmp',
                                                 dir=self._directory)
            with os.fdopen(handle, 'w', encoding='utf-8') as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
            temporary = None
            self._sync_directory()
        except OSError as exc:
            raise AgoraError('ledger %s could not be written (%s)' % (self.path, exc.strerror or exc))
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def _sync_directory(self) -> None:
        """Make the rename itself durable (best effort: some file systems refuse to sync a directory)."""
        with contextlib.suppress(OSError):
            handle = os.open(self._directory, os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)

    def _change(self, change: Callable[[dict[str, Any]], Any]) -> Any:
        with self._locked():
            content = self._read()
            result = change(content)
            self._write(content)
            return result

    def content(self) -> dict[str, Any]:
        with self._locked():
            return self._read()

    def find_running(self, app_id: str, cname: str, uid: str, mode: str) -> dict[str, Any] | None:
        """The latest entry for this channel, uid and mode not marked stopped, or None."""
        matches = [entry for entry in self.content()['recordings']
                   if _key(entry) == (app_id, cname, uid, mode) and not entry.get('stopped_at')]
        return matches[-1] if matches else None

    def record_started(self, recording: dict[str, Any]) -> None:
        """Add a started recording; it replaces the entries of its channel, uid and mode (stopped, or gone from Agora,
        since a start follows only then) and any unsettled start of them, which this start settles."""
        entry = {key: recording.get(key) for key in ENTRY_KEYS}

        def change(content: dict[str, Any]) -> None:
            key = _key(entry)
            content['recordings'] = [item for item in content['recordings'] if _key(item) != key] + [entry]
            content['unsettled'] = [item for item in content['unsettled'] if _key(item) != key]

        self._change(change)

    def record_unsettled(self, request: dict[str, Any], resource_id: str, reason: str) -> None:
        """A start that may have taken effect although Agora named no sid: its resource ID, so that it can be found."""
        entry = dict({key: request.get(key) for key in UNSETTLED_KEYS}, resource_id=resource_id, at=utc_now(),
                     reason=reason)
        self._change(lambda content: content['unsettled'].append(entry))

    def mark_stopped(self, app_id: str, sid: str, when: str | None = None) -> bool:
        """Mark the entry of this recording stopped; False when the ledger holds no such running entry."""
        stamp = when or utc_now()

        def change(content: dict[str, Any]) -> bool:
            marked = False
            for entry in content['recordings']:
                if (entry.get('app_id'), entry.get('sid')) == (app_id, sid) and not entry.get('stopped_at'):
                    entry['stopped_at'] = stamp
                    marked = True
            return marked

        return self._change(change)


def _key(entry: dict[str, Any]) -> tuple:
    return (entry.get('app_id'), entry.get('cname'), str(entry.get('uid')), entry.get('mode'))


def _shape_problem(content: Any) -> str:
    """What makes decoded JSON no ledger, or ''."""
    if not isinstance(content, dict) or not isinstance(content.get('recordings'), list):
        return 'it holds no "recordings" list'
    if not isinstance(content.get('unsettled', []), list):
        return '"unsettled" is not a list'
    for where in ('recordings', 'unsettled'):
        for index, entry in enumerate(content.get(where, [])):
            if not isinstance(entry, dict):
                return '%s[%d] is not a mapping' % (where, index)
    return ''


class StopMarks:
    """Marks in a ledger the recordings a stop task found stopped, as it learns of each.

    Stopping comes first: a ledger that cannot be read or written costs a warning at the end, never a stop.
    """

    MARKED_OUTCOMES = ('stopped', 'already_stopped')

    def __init__(self, path: str) -> None:
        self._ledger = Ledger(path)
        self._lock = threading.Lock()
        self.errors: list[str] = []

    def record(self, result: dict[str, Any]) -> None:
        if result.get('failed') or result.get('outcome') not in self.MARKED_OUTCOMES:
            return
        try:
            self._ledger.mark_stopped(result['app_id'], result['sid'])
        except AgoraError as exc:
            with self._lock:
                self.errors.append('%s (sid %s)' % (exc, result['sid']))

    def warning(self) -> str | None:
        """What to tell the operator when some recordings could not be marked, or None."""
        if not self.errors:
            return None
        return ('%d stopped recording(s) could not be marked stopped in the ledger; a later start queries them and finds '
                'them gone, so nothing runs twice. First error: %s' % (len(self.errors), self.errors[0]))

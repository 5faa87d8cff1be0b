# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Whether a recording's files are in the customer's bucket, complete: the listing, the playlists, and the verdict.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Agora's naming (``cloud-recording/develop/manage-files``, facts in docs/agora-api-facts.md): every file of a recording
is named ``<sid>_<cname>...`` under the ``fileNamePrefix`` path, except those written after a high-availability
failover, which are prefixed ``bak<n>_``. A recording counts as ``confirmed`` when every playlist it has ends with
``#EXT-X-ENDLIST`` and every segment each names is there with a size above 0 (and every file Agora's stop named is
there). The listing walks the prefix in key order, so that a batch costs about one request per 1000 keys plus one
per playlist, never one per segment.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable

from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import (
    Problem,
    Storage,
    StorageError,
    StoredObject,
)

CONFIRMED, INCOMPLETE, MISSING, ERROR = 'confirmed', 'incomplete', 'missing', 'error'
UPLOAD_STATES = (CONFIRMED, INCOMPLETE, MISSING, ERROR)
# What a wait re-checks; a storage error is not one a wait would cure (throttling is retried before it becomes one).
UNSETTLED = (INCOMPLETE, MISSING)

# Agora replaces these characters of cname with "-" in file names (manage-files, "Naming conventions").
CNAME_SPECIAL = frozenset('!@#$%^&*()+_.=[]{}~|,;:?<>')
ENDLIST = '#EXT-X-ENDLIST'
# A day of 15-second segments is 5760 lines of about 100 bytes: 4 MiB leaves room, and bounds what one read costs.
MAX_PLAYLIST_BYTES = 4 * 1024 * 1024
# Keys one check may walk through (about 300 pages): 72,000 objects for 300 hour-long recordings fit four times over.
MAX_LISTED_KEYS = 300_000
MAX_SEGMENT_NAME = 1024
# How many missing segment names a result quotes.
SHOWN_MISSING = 5
# Pauses before re-sending a request the storage throttled (503 SlowDown): four retries over 15 s.
THROTTLE_DELAYS = (1.0, 2.0, 4.0, 8.0)
# Playlists read at once.
READERS = 8

PLAYLIST_NAME = re.compile(r'(?:(?P<failover>bak\d{1,3})_)?(?P<stem>.+?)(?:_(?P<tick>\d+)_(?P<index>\d+))?\.m3u8\Z')
INDIVIDUAL_STREAM = r'__uid_s_[0-9]{1,10}__uid_e_(?:audio|video)'
FAILOVER_NAME = re.compile(r'bak\d{1,3}_')
KINDS = (('.m3u8', 'playlist'), ('.ts', 'segment'), ('.webm', 'segment'), ('.mp4', 'mp4'), ('.mp3', 'audio'),
         ('.m4a', 'audio'), ('.aac', 'audio'))


@dataclass(frozen=True)
class Target:
    """One recording to look for: who it is, and what Agora said of its files (the stop's ``files``, if known)."""

    sid: str
    cname: str
    mode: str
    identity: dict[str, Any]
    agora_files: tuple[str, ...] = ()
    agora_upload_status: str | None = None


@dataclass
class Listing:
    """What one walk found: each sid's objects (its ``bak<n>_`` ones included) and the requests it took."""

    objects: dict[str, list[StoredObject]]
    requests: int = 0


@dataclass
class Playlist:
    key: str
    failover: str | None
    source: str
    complete: bool = False
    segments: list[str] = field(default_factory=list)
    problem: str | None = None


def file_name_cname(cname: str) -> str:
    """The channel name as Agora writes it in file names: its special characters replaced with "-"."""
    return ''.join('-' if character in CNAME_SPECIAL else character for character in cname)


def prefix_path(file_name_prefix: Iterable[str]) -> str:
    """The key prefix of Agora's fileNamePrefix: its parts joined with "/", and a final "/" (none without parts)."""
    parts = list(file_name_prefix)
    return '/'.join(parts) + '/' if parts else ''


def recording_prefix(base: str, sid: str) -> str:
    return '%s%s_' % (base, sid)


def kind_of(key: str) -> str:
    for suffix, kind in KINDS:
        if key.endswith(suffix):
            return kind
    return 'other'


def retrying(call: Callable[[], Any], sleep: Callable[[float], None], delays: tuple[float, ...] = THROTTLE_DELAYS) -> Any:
    """``call()``, re-sent after each delay while the storage throttles; bounded by ``delays``."""
    for delay in delays:
        try:
            return call()
        except StorageError as exc:
            if not exc.retryable:
                raise
        sleep(delay)
    return call()


def _sid_of(rest: str, sids: frozenset[str]) -> str | None:
    """The sid a name (after the prefix and any ``bak<n>_``) starts with, the longest if several; None if none."""
    found = None
    for position, character in enumerate(rest[:130]):
        if character == '_' and rest[:position] in sids:
            found = rest[:position]
    return found


def list_recordings(storage: Storage, base: str, sids: Iterable[str], sleep: Callable[[float], None],
                    max_keys: int = MAX_LISTED_KEYS) -> Listing:
    """Every object of these recordings under ``base``, in as few pages as key order allows.

    The walk asks for the keys after each wanted prefix (``<sid>_``, and ``bak`` for failover files) and follows a
    page on while it is still inside one; where the next page would only hold other recordings' keys, it jumps to
    the next wanted prefix instead. A batch whose recordings fill the prefix costs ceil(objects / 1000) requests.
    """
    sid_set = frozenset(sids)
    listing = Listing({sid: [] for sid in sid_set})
    wanted = sorted({recording_prefix(base, sid) for sid in sid_set} | {base + 'bak'})
    if not storage.can_start_after:
        return _list_each(storage, base, wanted, sid_set, listing, sleep, max_keys)
    position, token, seen = 0, None, 0
    while position < len(wanted):
        start_after = None if token else wanted[position][:-1]
        page = retrying(partial(storage.list_page, base, token=token, start_after=start_after), sleep)
        listing.requests += 1
        seen += len(page.objects)
        if seen > max_keys:
            raise StorageError(Problem.TOO_MANY, 'more than %d keys under "%s"' % (max_keys, base))
        for item in page.objects:
            _assign(item, base, sid_set, listing.objects)
        if page.next_token is None or not page.objects:
            break
        last = page.objects[-1].key
        while position < len(wanted) and last > wanted[position] and not last.startswith(wanted[position]):
            position += 1
        # Inside a wanted prefix: read on. Before one: jump there rather than page through other recordings' keys.
        token = page.next_token if position < len(wanted) and last.startswith(wanted[position]) else None
    return listing


def _list_each(storage: Storage, base: str, wanted: list[str], sids: frozenset[str], listing: Listing,
               sleep: Callable[[float], None], max_keys: int) -> Listing:
    """The walk of a storage that cannot start after a key: each wanted prefix listed on its own, page by page."""
    seen = 0
    for prefix in wanted:
        token = None
        while True:
            page = retrying(partial(storage.list_page, prefix, token=token), sleep)
            listing.requests += 1
            seen += len(page.objects)
            if seen > max_keys:
                raise StorageError(Problem.TOO_MANY, 'more than %d keys under "%s"' % (max_keys, base))
            for item in page.objects:
                _assign(item, base, sids, listing.objects)
            token = page.next_token
            if token is None:
                break
    return listing


def _assign(item: StoredObject, base: str, sids: frozenset[str], objects: dict[str, list[StoredObject]]) -> None:
    rest = item.key[len(base):]
    failover = FAILOVER_NAME.match(rest)
    sid = _sid_of(rest[failover.end():] if failover else rest, sids)
    if sid is not None:
        objects[sid].append(item)


def stream_stem(target: Target) -> re.Pattern:
    """The playlist stems that are this recording's: ``<sid>_<cname>``, and per stream in individual mode."""
    stem = re.escape('%s_%s' % (target.sid, file_name_cname(target.cname)))
    return re.compile(stem + (INDIVIDUAL_STREAM if target.mode == 'individual' else '') + r'\Z')


def choose_playlists(base: str, objects: list[StoredObject], target: Target) -> tuple[list[Playlist], list[str]]:
    """The playlist that counts for each stream (and each failover), and the names of playlists of another channel.

    Of a stream's plain playlist and the copies Agora's backup forwarded (``_<tick>_<index>.m3u8``), the copy with the
    highest index is compared with the plain one and the larger counts, as Agora advises.
    """
    stem_pattern = stream_stem(target)
    groups: dict[tuple[str | None, str], dict[str, Any]] = {}
    foreign: list[str] = []
    for item in objects:
        match = PLAYLIST_NAME.match(item.key[len(base):])
        if match is None:
            continue
        if not stem_pattern.match(match.group('stem')):
            foreign.append(item.key)
            continue
        group = groups.setdefault((match.group('failover'), match.group('stem')), {'plain': None, 'copy': None, 'index': -1})
        if match.group('index') is None:
            group['plain'] = item
        elif int(match.group('index')) > group['index']:
            group['copy'], group['index'] = item, int(match.group('index'))
    playlists = []
    for (failover, _stem), group in sorted(groups.items(), key=lambda entry: (entry[0][0] or '', entry[0][1])):
        plain, copy = group['plain'], group['copy']
        if copy is not None and (plain is None or copy.size > plain.size):
            playlists.append(Playlist(copy.key, failover, 'backup'))
        else:
            playlists.append(Playlist(plain.key, failover, 'plain'))
    return playlists, foreign


def parse_playlist(text: bytes) -> tuple[list[str], bool, str | None]:
    """A playlist's segment names, whether it ends (``#EXT-X-ENDLIST``), and what makes it unusable (None: nothing)."""
    if len(text) > MAX_PLAYLIST_BYTES:
        return [], False, 'is larger than %d MiB, which no playlist of Agora\'s reaches' % (MAX_PLAYLIST_BYTES // 2 ** 20)
    try:
        lines = text.decode('utf-8').splitlines()
    except UnicodeDecodeError:
        return [], False, 'is not UTF-8 text'
    segments = [line.strip() for line in lines if line.strip() and not line.startswith('#')]
    unsafe = [name for name in segments if not _is_plain_name(name)]
    if unsafe:
        return [], False, ('names %d segment(s) outside the recording\'s folder or not file names (first: %r)'
                           % (len(unsafe), unsafe[0][:80]))
    ended = any(line.strip() == ENDLIST for line in lines)
    return segments, ended, None


def _is_plain_name(name: str) -> bool:
    """A segment name resolves beside its playlist only when it is one path component: no "/", "\\", "..", or URL."""
    return (len(name) <= MAX_SEGMENT_NAME and name not in ('.', '..') and '/' not in name and '\\' not in name
            and name.isprintable())


def read_playlist(storage: Storage, playlist: Playlist, size: int, sleep: Callable[[float], None]) -> Playlist:
    if size == 0:
        # Nothing to read (and S3 refuses a byte range of an empty object).
        playlist.problem = 'is empty'
        return playlist
    if size > MAX_PLAYLIST_BYTES:
        playlist.problem = ('is %d bytes, larger than %d MiB, which no playlist of Agora\'s reaches: not read'
                            % (size, MAX_PLAYLIST_BYTES // 2 ** 20))
        return playlist
    text = retrying(partial(storage.read, playlist.key, MAX_PLAYLIST_BYTES), sleep)
    playlist.segments, playlist.complete, playlist.problem = parse_playlist(text)
    return playlist


def judge(base: str, target: Target, objects: list[StoredObject], playlists: list[Playlist], foreign: list[str]) -> dict[str, Any]:
    """The recording's result: ``upload`` and the evidence (files, playlists, what is missing)."""
    by_key = {item.key: item for item in objects}
    problems: list[str] = []
    missing: list[str] = []
    segment_count = 0
    for playlist in playlists:
        # A playlist names its segments relative to its own folder.
        folder = playlist.key[:playlist.key.rfind('/') + 1]
        if playlist.problem:
            problems.append('playlist %s %s' % (playlist.key, playlist.problem))
            continue
        if not playlist.complete:
            problems.append('playlist %s is not finished yet (no %s)' % (playlist.key, ENDLIST))
        for name in playlist.segments:
            segment_count += 1
            found = by_key.get(folder + name)
            if found is None or found.size <= 0:
                missing.append(name)
    for name in target.agora_files:
        key = name if name.startswith(base) else base + name
        if key not in by_key or by_key[key].size <= 0:
            missing.append(name)
    if missing:
        problems.append('%d file(s) named by the playlists or by Agora are missing or empty (first: %s)'
                        % (len(missing), ', '.join(missing[:SHOWN_MISSING])))
    if not objects:
        upload = MISSING
        # Nothing is there: that says it all, whatever Agora named.
        problems = ['nothing under %s' % recording_prefix(base, target.sid)]
    elif not playlists:
        upload = INCOMPLETE
        problems.append('no playlist of this recording yet'
                        + (' (%d of another channel name: check cname)' % len(foreign) if foreign else ''))
    else:
        upload = INCOMPLETE if problems else CONFIRMED
    return dict(
        target.identity, upload=upload, agora_upload_status=target.agora_upload_status,
        prefix=recording_prefix(base, target.sid),
        playlists=[dict(key=playlist.key, complete=playlist.complete and not playlist.problem, source=playlist.source,
                        failover=playlist.failover, segments=len(playlist.segments)) for playlist in playlists],
        files=[dict(key=item.key, size=item.size, last_modified=item.last_modified, kind=kind_of(item.key)) for item in objects],
        segments=segment_count, bytes=sum(item.size for item in objects), missing_count=len(missing),
        missing=missing[:SHOWN_MISSING], problems=problems, msg='; '.join(problems) if problems else 'confirmed', failed=False)


def error_result(base: str, target: Target, error: StorageError) -> dict[str, Any]:
    """A recording the storage would not let us check: the same keys, ``upload`` ``error``, and what to check."""
    return dict(target.identity, upload=ERROR, agora_upload_status=target.agora_upload_status,
                prefix=recording_prefix(base, target.sid), playlists=[], files=[], segments=0, bytes=0, missing_count=0,
                missing=[], problems=[str(error)], msg=str(error), failed=True)


def check_recordings(storage: Storage, base: str, targets: list[Target], sleep: Callable[[float], None]) -> tuple[list[dict[str, Any]], int]:
    """Each target's result, in order, and the requests the check took: one walk of the prefix, then the playlists."""
    try:
        listing = list_recordings(storage, base, [target.sid for target in targets], sleep)
    except StorageError as exc:
        return [error_result(base, target, exc) for target in targets], 0
    chosen = []
    reads = []
    for target in targets:
        objects = listing.objects[target.sid]
        playlists, foreign = choose_playlists(base, objects, target)
        sizes = {item.key: item.size for item in objects}
        chosen.append((target, objects, playlists, foreign))
        reads += [(playlist, sizes[playlist.key]) for playlist in playlists]

    def read(entry: tuple[Playlist, int]) -> StorageError | None:
        try:
            read_playlist(storage, entry[0], entry[1], sleep)
        except StorageError as exc:
            return exc
        return None

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        failures = dict(zip((id(playlist) for playlist, _size in reads), pool.map(read, reads)))
    results = []
    for target, objects, playlists, foreign in chosen:
        error = next((failures[id(playlist)] for playlist in playlists if failures[id(playlist)] is not None), None)
        results.append(error_result(base, target, error) if error else judge(base, target, objects, playlists, foreign))
    return results, listing.requests + sum(1 for playlist, size in reads if 0 < size <= MAX_PLAYLIST_BYTES)


# Pauses between checks while waiting: soon at first (a stop's upload takes seconds to minutes), then every minute.
POLL_DELAYS = (5.0, 10.0, 20.0, 30.0, 60.0)


def settle(check: Callable[[list[Target]], list[dict[str, Any]]], targets: list[Target], clock: Callable[[], float],
           sleep: Callable[[float], None], wait_timeout: float) -> tuple[list[dict[str, Any]], int, float]:
    """Check every target, then (``wait_timeout`` > 0) re-check the unsettled ones on POLL_DELAYS until all are settled
    or the time is up. Returns the results in order, how many checks were made, and the seconds waited."""
    start = clock()
    results = check(targets)
    checks = 1
    delays = iter(POLL_DELAYS)
    while True:
        pending = [index for index, result in enumerate(results) if result['upload'] in UNSETTLED]
        remaining = start + wait_timeout - clock()
        if not pending or remaining <= 0:
            return results, checks, clock() - start
        sleep(min(next(delays, POLL_DELAYS[-1]), remaining))
        for index, result in zip(pending, check([targets[index] for index in pending])):
            results[index] = result
        checks += 1


def summarize_uploads(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by ``upload``, every state present, and of recordings the storage would not let us check."""
    counts = {state: 0 for state in UPLOAD_STATES}
    for result in results:
        counts[result['upload']] += 1
    return {'total': len(results), 'upload': counts, 'failed': counts[ERROR]}

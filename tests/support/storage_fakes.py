# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Declarative in-process tests of the upload check: the storage calls a test expects, with their answers.

``FakeStorage`` checks every listing against the next expected one, in order, and every read against the expected
reads (in any order: playlists are read in parallel); ``assert_done()`` that none was left out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import (
    Page,
    Problem,
    Storage,
    StorageError,
    StoredObject,
)

ANY = object()
MODIFIED = '2026-12-02T21:00:00+00:00'


@dataclass
class Listed:
    """One expected listing: under ``prefix``, from ``token`` or after ``start_after``; its page or error."""

    prefix: str
    answer: Page | StorageError
    token: Any = None
    start_after: Any = ANY


@dataclass
class Read:
    key: str
    answer: bytes | StorageError


@dataclass
class FakeStorage(Storage):
    listings: list[Listed]
    reads: list[Read] = field(default_factory=list)
    made: list[tuple[str, ...]] = field(default_factory=list)
    closed: bool = False

    def __post_init__(self) -> None:
        self._listings = list(self.listings)
        self._reads = list(self.reads)
        self._lock = threading.Lock()

    def list_page(self, prefix: str, token: str | None = None, start_after: str | None = None) -> Page:
        with self._lock:
            assert self._listings, 'unexpected listing of %r (token %r, after %r)' % (prefix, token, start_after)
            call = self._listings.pop(0)
            self.made.append(('list', prefix, token, start_after))
        assert (prefix, token) == (call.prefix, call.token), 'expected a listing of %r from %r' % (call.prefix, call.token)
        if call.start_after is not ANY:
            assert start_after == call.start_after, 'listed after %r, expected after %r' % (start_after, call.start_after)
        if isinstance(call.answer, StorageError):
            raise call.answer
        return call.answer

    def read(self, key: str, limit: int) -> bytes:
        with self._lock:
            matching = [call for call in self._reads if call.key == key]
            assert matching, 'unexpected read of %r' % key
            self._reads.remove(matching[0])
            self.made.append(('read', key))
        if isinstance(matching[0].answer, StorageError):
            raise matching[0].answer
        return matching[0].answer[:limit + 1]

    def close(self) -> None:
        self.closed = True

    def assert_done(self) -> None:
        assert not self._listings and not self._reads, 'expected calls not made: %r %r' % (self._listings, self._reads)


def page(*objects: StoredObject, token: str | None = None) -> Page:
    return Page(list(objects), token)


def obj(key: str, size: int = 1000) -> StoredObject:
    return StoredObject(key, size, MODIFIED)


def playlist(*segments: str, ended: bool = True) -> bytes:
    lines = ['#EXTM3U', '#EXT-X-VERSION:3']
    for name in segments:
        lines += ['#EXTINF:15.000000', name]
    return ('\n'.join(lines + (['#EXT-X-ENDLIST'] if ended else [])) + '\n').encode()


def throttled() -> StorageError:
    return StorageError(Problem.THROTTLED, 'HTTP 503 SlowDown: Please reduce your request rate.')


def recording_objects(base: str, stem: str, count: int, size: int = 1000) -> tuple[list[StoredObject], list[str]]:
    """A finished recording's segments (as objects) and their names, in key order."""
    names = ['%s_2026120221%04d000.ts' % (stem, index) for index in range(count)]
    return [obj(base + name, size) for name in names], names

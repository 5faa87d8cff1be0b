# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator's uploads: its recordings' files written into a real S3 server on loopback, as Agora writes them.

A recording whose ``storageConfig`` names a loopback S3 endpoint (vendor 11 and ``extensionParams.endpoint``), or any
recording when the simulator was given a default storage, gets: while it records, an HLS playlist naming its first
segments, without ``#EXT-X-ENDLIST``; once its upload ends (the simulator's upload time after the stop), every segment,
the MP4 when ``avFileType`` asks for one, and the playlist ending with ``#EXT-X-ENDLIST``. A ``backuped`` recording's
last segment and the finished playlist arrive only ``backup_delay`` seconds later, the playlist as the copy Agora's
backup forwards (``<name>_<tick>_0.m3u8``). Faults per recording (``storage_faults``, a set): ``missing_segment`` (one
segment is never uploaded), ``unfinished`` (the playlist never ends), ``failover`` (``bak0_`` files as after a
high-availability switch). Names follow Agora's "Manage recorded files" page (docs/agora-api-facts.md).
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

CNAME_SPECIAL = frozenset('!@#$%^&*()+_.=[]{}~|,;:?<>')
# Agora's segments last about 15 s; a TS segment of a 500 kbps mix is about 1 MB (kept small here).
SEGMENT_SECONDS = 15
SEGMENT_BYTES = 4096
MP4_BYTES = 16384


@dataclass(frozen=True)
class StorageTarget:
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    prefix: tuple[str, ...] = ()

    @property
    def base(self) -> str:
        return '/'.join(self.prefix) + '/' if self.prefix else ''


def loopback_target(client_request: dict[str, Any]) -> StorageTarget | None:
    """The storage a start's ``storageConfig`` names, when it is an S3 endpoint on loopback; None otherwise."""
    config = client_request.get('storageConfig') or {}
    endpoint = (config.get('extensionParams') or {}).get('endpoint') or ''
    try:
        host = urlsplit(endpoint).hostname or ''
        loopback = host == 'localhost' or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if config.get('vendor') != 11 or not loopback:
        return None
    return StorageTarget(endpoint, config.get('bucket', ''), config.get('accessKey', ''), config.get('secretKey', ''),
                         tuple(config.get('fileNamePrefix') or ()))


@dataclass
class Upload:
    """One recording's files: its streams' stems, how many segments, and what to do wrong."""

    target: StorageTarget
    stems: list[str]
    started_ms: int
    segments: int
    mp4: bool
    faults: frozenset[str]
    backuped: bool = False

    def segment_names(self, stem: str) -> list[str]:
        start = datetime.datetime.fromtimestamp(self.started_ms / 1000, datetime.timezone.utc)
        return ['%s_%s.ts' % (stem, (start + datetime.timedelta(seconds=SEGMENT_SECONDS * index)).strftime('%Y%m%d%H%M%S%f')[:17])
                for index in range(self.segments)]


def playlist(names: list[str], ended: bool) -> bytes:
    lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-ALLOW-CACHE:YES',
             '#EXT-X-TARGETDURATION:18']
    for name in names:
        lines += ['#EXTINF:%d.000000' % SEGMENT_SECONDS, name]
    return ('\n'.join(lines + (['#EXT-X-ENDLIST'] if ended else [])) + '\n').encode()


@dataclass
class StorageWriter:
    """Writes the simulator's recordings' files; every write happens on a timer thread, never in a request."""

    default: StorageTarget | None = None
    backup_delay: float = 5.0
    segments: int = 4
    # Channels whose upload goes through Agora's backup: their stop says "backuped".
    backuped_channels: frozenset[str] = frozenset()
    uploads: dict[str, Upload] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()
        self._clients: dict[StorageTarget, Any] = {}

    def started(self, recording: Any, client_request: dict[str, Any]) -> None:
        target = loopback_target(client_request) or self.default
        if target is None:
            return
        if recording.cname in self.backuped_channels:
            recording.upload_status = 'backuped'
        kinds = ((client_request.get('recordingFileConfig') or {}).get('avFileType')) or ['hls']
        cname = ''.join('-' if character in CNAME_SPECIAL else character for character in recording.cname)
        stem = '%s_%s' % (recording.sid, cname)
        stems = (['%s__uid_s_%s__uid_e_%s' % (stem, user, kind) for user in ('1001', '1002') for kind in ('audio', 'video')]
                 if recording.mode == 'individual' else [stem])
        upload = Upload(target, stems, recording.started_ms, self.segments, 'mp4' in kinds and recording.mode != 'individual',
                        frozenset(getattr(recording, 'storage_faults', ()) or ()))
        self.uploads[recording.sid] = upload
        self._later(0, self._recording, upload)

    def stopped(self, recording: Any, upload_seconds: float) -> None:
        upload = self.uploads.get(recording.sid)
        if upload is None:
            return
        upload.backuped = recording.upload_status == 'backuped'
        self._later(upload_seconds, self._uploaded, upload)
        if upload.backuped:
            self._later(upload_seconds + self.backup_delay, self._forwarded, upload)

    def close(self) -> None:
        with self._lock:
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()

    def _later(self, seconds: float, action: Any, upload: Upload) -> None:
        timer = threading.Timer(seconds, self._guarded, (action, upload))
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def _guarded(self, action: Any, upload: Upload) -> None:
        try:
            action(upload)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            self.errors.append('%s: %s' % (type(exc).__name__, exc))   # a test's server may be gone: never a traceback

    def _put(self, upload: Upload, name: str, body: bytes) -> None:
        self._client(upload.target).put_object(Bucket=upload.target.bucket, Key=upload.target.base + name, Body=body)

    def _client(self, target: StorageTarget) -> Any:
        import boto3  # pylint: disable=import-outside-toplevel

        with self._lock:
            if target not in self._clients:
                self._clients[target] = boto3.client('s3', endpoint_url=target.endpoint, region_name='us-east-1',
                                                     aws_access_key_id=target.access_key,
                                                     aws_secret_access_key=target.secret_key)
            return self._clients[target]

    def _recording(self, upload: Upload) -> None:
        """While it records: the first two segments, and a playlist that does not end yet."""
        for stem in upload.stems:
            names = upload.segment_names(stem)[:2]
            for name in names:
                self._put(upload, name, b'\x47' * SEGMENT_BYTES)
            self._put(upload, stem + '.m3u8', playlist(names, ended=False))

    def _uploaded(self, upload: Upload) -> None:
        """The upload ends: every segment and the finished playlist (for a backuped one, all but the last segment)."""
        for stem in upload.stems:
            names = upload.segment_names(stem)
            written = names[:-1] if upload.backuped else names
            for index, name in enumerate(written):
                if not ('missing_segment' in upload.faults and index == 2):   # one uploaded after the stop
                    self._put(upload, name, b'\x47' * SEGMENT_BYTES)
            self._put(upload, stem + '.m3u8', playlist(written, ended=not upload.backuped and 'unfinished' not in upload.faults))
            if 'failover' in upload.faults:
                failover = ['bak0_' + name for name in names[:2]]
                for name in failover:
                    self._put(upload, name, b'\x47' * SEGMENT_BYTES)
                self._put(upload, 'bak0_%s.m3u8' % stem, playlist(failover, ended='unfinished' not in upload.faults))
        if upload.mp4 and not upload.backuped:
            self._put(upload, upload.stems[0] + '_0.mp4', b'\x00' * MP4_BYTES)

    def _forwarded(self, upload: Upload) -> None:
        """Agora's backup forwards what failed: the last segment, the MP4, and the whole playlist as a new copy."""
        tick = upload.started_ms // 1000
        for stem in upload.stems:
            names = upload.segment_names(stem)
            self._put(upload, names[-1], b'\x47' * SEGMENT_BYTES)
            self._put(upload, '%s_%d_0.m3u8' % (stem, tick), playlist(names, ended='unfinished' not in upload.faults))
        if upload.mp4:
            self._put(upload, upload.stems[0] + '_0.mp4', b'\x00' * MP4_BYTES)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--storage-endpoint', help='an S3 endpoint on loopback (moto\'s server, say): every recording '
                                                   'writes its files there, as Agora uploads them')
    parser.add_argument('--storage-bucket', default='event-recordings')
    parser.add_argument('--storage-prefix', default='', help='fileNamePrefix, its parts joined with "/"')
    parser.add_argument('--storage-access-key', default='simulator-access-key')
    parser.add_argument('--storage-secret-key', default='simulator-secret-key')
    parser.add_argument('--storage-backup-delay', type=float, default=5.0,
                        help='seconds after its upload that a backuped recording\'s last files arrive')
    parser.add_argument('--storage-backuped-channel', action='append', default=[], metavar='CNAME',
                        help='recordings of this channel upload through Agora\'s backup (their stop says "backuped")')


def from_args(args: argparse.Namespace) -> StorageWriter | None:
    if not args.storage_endpoint:
        return None
    target = StorageTarget(args.storage_endpoint, args.storage_bucket, args.storage_access_key, args.storage_secret_key,
                           tuple(part for part in args.storage_prefix.split('/') if part))
    return StorageWriter(target, backup_delay=args.storage_backup_delay,
                         backuped_channels=frozenset(args.storage_backuped_channel))

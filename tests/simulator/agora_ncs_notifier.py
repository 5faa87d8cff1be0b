# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Agora's Notification Center Service (NCS) for the simulator: signed notices for what its recordings go through.

Set an ``NcsNotifier`` as the simulator's ``notifier``: when a recording starts it sends event 40 (recorder_started);
when one is stopped, 41 (recorder_leave), then 31 (uploaded) or 32 (backuped) with the file list unless nothing was
recorded, then 11 (session_exit). Notices go out from a thread of their own, so the simulator's answers never wait for
the webhook. NCS's habits are switches: ``redeliver`` sends every notice a second time (same noticeId, new notifyMs,
as NCS does when no 200 came), ``redundant`` adds a copy under another noticeId (redundant delivery). Shapes and
headers follow docs/agora-api-facts.md ("Notifications (NCS)").
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import queue
import ssl
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

CLOUD_RECORDING = 3
RECORDER, UPLOADER, SERVICE = 1, 2, 0     # payload.serviceType
LEAVE_CODE_CLIENT_LEAVE = 16              # recorder_leave: the recorder left because it was told to


def sign(body: bytes, secret: str) -> dict[str, str]:
    """NCS's two signature headers: HMAC-SHA1 and HMAC-SHA256 of the raw body, hexadecimal."""
    key = secret.encode('utf-8')
    return {'Agora-Signature': hmac.new(key, body, hashlib.sha1).hexdigest(),
            'Agora-Signature-V2': hmac.new(key, body, hashlib.sha256).hexdigest()}


@dataclass
class Delivery:
    """One POST to the webhook: which notice, which kind of copy, and the answer (status None: no answer)."""

    notice_id: str
    event_type: int
    kind: str           # first, redelivery, redundant
    status: int | None
    answer: str
    seconds: float


class NcsNotifier:
    """Signs and posts NCS notices to ``url``; ``deliveries`` records every attempt."""

    def __init__(self, url: str, secret: str, *, redeliver: bool = False, redundant: bool = False,
                 ca_bundle: str | None = None, timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self.redeliver = redeliver
        self.redundant = redundant
        self.timeout = timeout
        self.context = ssl.create_default_context(cafile=ca_bundle) if url.startswith('https:') else None
        self.deliveries: list[Delivery] = []
        self._sequences: dict[str, itertools.count] = {}
        self._outbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._send_all, name='ncs-notifier', daemon=True)
        self._thread.start()

    # -- the simulator's hook --------------------------------------------------------------------------------------

    def __call__(self, what: str, recording: Any) -> None:
        """What happened to a recording ('started', 'stopped'): queues its notices, never waits."""
        if what == 'started':
            self.notify(recording, 40, {'msgName': 'recorder_started', 'status': 0}, RECORDER)
        elif what == 'stopped':
            self.notify(recording, 41, {'msgName': 'recorder_leave', 'leaveCode': LEAVE_CODE_CLIENT_LEAVE}, RECORDER)
            if recording.publishing:
                self.notify(recording, 32 if recording.upload_status == 'backuped' else 31,
                            _upload_details(recording), UPLOADER)
            self.notify(recording, 11, {'msgName': 'session_exit', 'exitStatus': 0}, SERVICE)

    def notify(self, recording: Any, event_type: int, details: dict[str, Any], service_type: int = SERVICE) -> dict[str, Any]:
        """Queue one notice about ``recording`` (any event type, e.g. 1 with a fatal errorLevel) and return it."""
        with self._lock:
            sequence = next(self._sequences.setdefault(recording.sid, itertools.count()))
        now = int(time.time() * 1000)
        notice = {'noticeId': uuid.uuid4().hex, 'productId': CLOUD_RECORDING, 'eventType': event_type, 'notifyMs': now,
                  'payload': {'cname': recording.cname, 'uid': recording.uid, 'sid': recording.sid,
                              'sequence': sequence, 'sendts': now, 'serviceType': service_type, 'details': details}}
        self._outbox.put(notice)
        return notice

    # -- sending ---------------------------------------------------------------------------------------------------

    def wait(self, seconds: float = 10.0) -> bool:
        """Until every queued notice was posted (True), or ``seconds`` passed (False)."""
        deadline = time.monotonic() + seconds
        while self._outbox.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._outbox.unfinished_tasks

    def close(self) -> None:
        self._outbox.put(None)
        self._thread.join(self.timeout + 1)

    def _send_all(self) -> None:
        while True:
            notice = self._outbox.get()
            try:
                if notice is None:
                    return
                self.post(notice, 'first')
                if self.redeliver:
                    self.post(dict(notice, notifyMs=int(time.time() * 1000)), 'redelivery')
                if self.redundant:
                    self.post(dict(notice, noticeId=notice['noticeId'] + '-copy'), 'redundant')
            finally:
                self._outbox.task_done()

    def post(self, notice: dict[str, Any], kind: str = 'first') -> Delivery:
        """Sign and post one notice now; the answer (or why there was none) is recorded, never raised."""
        body = json.dumps(notice).encode('utf-8')
        request = urllib.request.Request(self.url, data=body, method='POST',
                                         headers=dict(sign(body, self.secret), **{'Content-Type': 'application/json'}))
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as answer:
                status, text = answer.status, answer.read().decode('utf-8', 'replace')
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode('utf-8', 'replace')
        except (OSError, ValueError) as error:
            status, text = None, '%s: %s' % (error.__class__.__name__, error)
        delivery = Delivery(notice['noticeId'], notice['eventType'], kind, status, text, time.monotonic() - started)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery


def _upload_details(recording: Any) -> dict[str, Any]:
    """31/32's details: the file list, which web recording does not send."""
    details: dict[str, Any] = {'msgName': recording.upload_status if recording.upload_status == 'backuped' else 'uploaded',
                               'status': 0}
    if recording.mode != 'web':
        details['fileList'] = [{'fileName': '%s_%s.m3u8' % (recording.sid, recording.cname),
                                'trackType': 'audio_and_video', 'uid': '0', 'mixedAllUser': recording.mode == 'mix',
                                'isPlayable': True, 'sliceStartTime': recording.started_ms}]
    return details

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""agora.cloud_recording.ncs: an ansible-rulebook event source for Agora's Notification Center Service (NCS).

NCS posts one signed JSON notice per event of a recording to a webhook and resends it unless the webhook answers 200
with a JSON body within 10 seconds; with redundant delivery on it also sends copies of a notice. This source is that
webhook: it verifies the signature over the raw body, answers at once, drops redelivered and redundant copies, and
puts one event per distinct notice on the rulebook's queue. See docs/ncs_event_source.md.
"""

from __future__ import annotations

DOCUMENTATION = r'''
name: ncs
short_description: Receive Agora Cloud Recording notifications (NCS) as events
version_added: 1.0.0
description:
  - An HTTP(S) listener for Agora's Notification Center Service (NCS). Every notice must carry a valid
    C(Agora-Signature-V2) (HMAC-SHA256) or, when only it is present, C(Agora-Signature) (HMAC-SHA1), computed over the
    raw body with the secret set in Agora's console.
  - A notice with a missing, malformed or wrong signature, a body over O(max_body_bytes), or a body that is not an
    NCS notice gets a 4xx answer and no event. An accepted notice is answered C(200) with a JSON body at once, before
    the rulebook sees it.
  - A redelivered notice (same C(noticeId)) or a redundant copy (same C(sid), C(uid), C(eventType) and C(sequence)) is
    answered C(200) too, so that NCS stops resending, but becomes an event only once within O(dedup_seconds).
  - Each event holds the notice as it came under C(payload) and a normalized C(agora) dictionary (see the
    collection's docs/ncs_event_source.md).
options:
  host:
    description:
      - The address to listen on. The default listens on every interface, as NCS must reach it from outside.
    type: str
    default: 0.0.0.0
  port:
    description:
      - The TCP port to listen on.
    type: int
    required: true
  path:
    description:
      - The URL path NCS posts to (the path of the webhook URL set in Agora's console). Other paths answer 404.
    type: str
    default: /
  secret:
    description:
      - The NCS secret Agora's console shows for this webhook. Never logged.
      - When not given, read from O(secret_file), else from the environment variable C(AGORA_NCS_SECRET).
    type: str
  secret_file:
    description:
      - A file holding the NCS secret (surrounding whitespace ignored). Used when O(secret) is not given.
    type: str
  allow_v1:
    description:
      - Accept a notice signed only with C(Agora-Signature) (HMAC-SHA1). NCS sends both signatures; when
        C(Agora-Signature-V2) is present it alone decides, whatever this option says.
    type: bool
    default: true
  certfile:
    description:
      - A PEM certificate (chain) to serve HTTPS with. Without it the listener speaks plain HTTP; put it behind a
        TLS-terminating proxy then, as NCS posts to HTTPS URLs.
    type: str
  keyfile:
    description:
      - The private key of O(certfile), when it is not in O(certfile) itself.
    type: str
  max_body_bytes:
    description:
      - The largest body accepted; a larger one is answered 413.
    type: int
    default: 1048576
  dedup_seconds:
    description:
      - How long a notice is remembered to drop its redelivered and redundant copies. NCS resends a notice at most
        three times, at growing intervals.
    type: int
    default: 3600
  dedup_entries:
    description:
      - The most notices remembered at once (the oldest are forgotten first), which bounds the memory used.
    type: int
    default: 100000
  health_test_events:
    description:
      - Pass the notices of Agora's health test on to the rulebook. When Agora's console saves the webhook it sends a
        test notice for each subscribed event type, with channel C(test_webhook) and uid C(12121212); by default they
        are answered C(200) and become no event.
    type: bool
    default: false
  buffer_size:
    description:
      - How many accepted events may wait for a full rulebook queue. When this buffer is full too, a new notice is
        answered 503 without an event and is not remembered, so NCS resends it later; nothing accepted is dropped.
    type: int
    default: 10000
'''

EXAMPLES = r'''
- name: React to Agora Cloud Recording notifications
  hosts: localhost
  sources:
    - agora.cloud_recording.ncs:
        port: 5000
        path: /agora/ncs
        secret_file: /run/secrets/agora_ncs_secret
        certfile: /etc/pki/tls/certs/ncs.pem
        keyfile: /etc/pki/tls/private/ncs.key
  rules:
    - name: Files reached storage through Agora's backup
      condition: event.agora.event == "backuped"
      action:
        run_playbook:
          name: wait_for_upload.yml
'''

import asyncio
import collections
import hashlib
import hmac
import json
import logging
import os
import ssl
import time
from collections.abc import Callable, Iterable
from typing import Any

import yaml

try:
    from aiohttp import web
except ImportError:  # main() says what to install
    web = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

SECRET_ENVIRONMENT_VARIABLE = 'AGORA_NCS_SECRET'
SIGNATURE_HEADERS = (('v2', 'Agora-Signature-V2', hashlib.sha256), ('v1', 'Agora-Signature', hashlib.sha1))
CLOUD_RECORDING = 3
# The channel and uid of the test notices Agora's console sends when it saves the webhook (its "health test").
HEALTH_TEST = ('test_webhook', '12121212')

# Agora's cloud-recording event types (NCS reference, event-types/cloud-recording.mdx), by the name rules match on.
CLOUD_RECORDING_EVENTS = {
    1: 'error', 2: 'warning', 3: 'status_update', 4: 'playlist_uploaded',
    11: 'session_exit', 12: 'failover',
    30: 'uploader_started', 31: 'uploaded', 32: 'backuped', 33: 'upload_progress',
    40: 'recorder_started', 41: 'recorder_left', 42: 'slice_started', 43: 'audio_stream_state',
    44: 'video_stream_state', 45: 'snapshot_uploaded',
    60: 'vod_started', 61: 'vod_uploaded',
    70: 'web_recorder_started', 71: 'web_recorder_stopped', 72: 'web_recorder_capability_limit',
    73: 'web_recorder_reload',
    80: 'transcoder_started', 81: 'transcoder_completed', 90: 'download_failed', 100: 'rtmp_publish_status',
    1001: 'transcode_final_result',
}

OPTIONS: dict[str, dict[str, Any]] = yaml.safe_load(DOCUMENTATION)['options']
_TYPES = {'str': str, 'int': int, 'bool': bool}
_RANGES = {'port': (0, 65535), 'max_body_bytes': (1, 2 ** 30), 'dedup_seconds': (1, 7 * 86400),
           'dedup_entries': (1, 10 ** 8), 'buffer_size': (1, 10 ** 8)}
_BOOLEANS = {'true': True, 'yes': True, 'on': True, '1': True, 'false': False, 'no': False, 'off': False, '0': False}


class Rejected(Exception):
    """A request answered with an error status and no event; the text is safe to send back and to log."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


# -- options ---------------------------------------------------------------------------------------------------------

def read_settings(args: dict[str, Any], environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The rulebook's arguments checked against DOCUMENTATION, with defaults and the secret resolved.

    Every error names the option; none repeats the secret.
    """
    unknown = sorted(set(args) - set(OPTIONS))
    if unknown:
        raise ValueError('agora.cloud_recording.ncs: unknown option(s) %s; known: %s'
                         % (', '.join(unknown), ', '.join(sorted(OPTIONS))))
    settings = {}
    for name, spec in OPTIONS.items():
        value = args.get(name, spec.get('default'))
        if value is None:
            if spec.get('required'):
                raise ValueError('agora.cloud_recording.ncs: option %s is required' % name)
        else:
            value = _converted(name, value, spec['type'])
        settings[name] = value
    for name, (low, high) in _RANGES.items():
        if not low <= settings[name] <= high:
            raise ValueError('agora.cloud_recording.ncs: option %s must be between %d and %d' % (name, low, high))
    if not settings['path'].startswith('/'):
        raise ValueError('agora.cloud_recording.ncs: option path must start with "/"')
    settings['secret'] = _resolve_secret(settings, os.environ if environ is None else environ)
    return settings


def _converted(name: str, value: Any, type_name: str) -> Any:
    """The value as its documented type. A rulebook's templated argument (port: "{{ ncs_port }}") arrives as text."""
    if isinstance(value, str) and type_name == 'int' and value.strip().isdigit():
        return int(value)
    if isinstance(value, str) and type_name == 'bool' and value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    if not _is_type(value, type_name):
        raise ValueError('agora.cloud_recording.ncs: option %s must be of type %s' % (name, type_name))
    return value


def _is_type(value: Any, type_name: str) -> bool:
    if type_name == 'int' and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[type_name])


def _resolve_secret(settings: dict[str, Any], environ: dict[str, str]) -> bytes:
    secret = settings['secret']
    if secret is None and settings['secret_file']:
        try:
            with open(settings['secret_file'], encoding='utf-8') as handle:
                secret = handle.read().strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError('agora.cloud_recording.ncs: cannot read option secret_file %s (%s): check the path '
                             'and that this process may read it' % (settings['secret_file'], error.__class__.__name__)) from None
    if secret is None:
        secret = environ.get(SECRET_ENVIRONMENT_VARIABLE)
    if not secret:
        raise ValueError('agora.cloud_recording.ncs: no NCS secret: set option secret or secret_file, or the '
                         'environment variable %s, to the secret Agora\'s console shows for this webhook'
                         % SECRET_ENVIRONMENT_VARIABLE)
    return secret.encode('utf-8')


def ssl_context(settings: dict[str, Any]) -> ssl.SSLContext | None:
    """The server's TLS context when O(certfile) is set."""
    if not settings['certfile']:
        if settings['keyfile']:
            raise ValueError('agora.cloud_recording.ncs: option keyfile needs option certfile')
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(settings['certfile'], settings['keyfile'])
    except (OSError, ssl.SSLError) as error:
        raise ValueError('agora.cloud_recording.ncs: cannot load options certfile/keyfile (%s: %s): check that they '
                         'are a PEM certificate and its key' % (error.__class__.__name__, error)) from None
    return context


# -- one notice ------------------------------------------------------------------------------------------------------

def verify_signature(body: bytes, headers: Any, secret: bytes, allow_v1: bool = True) -> str:
    """The version of the signature that matches the raw body ('v2' or 'v1'); Rejected(401) otherwise.

    V2 decides when present, so a forged V2 cannot fall back to V1. The comparison runs in constant time.
    """
    for version, header, digest in SIGNATURE_HEADERS:
        given = headers.get(header)
        if given is None:
            continue
        if version == 'v1' and not allow_v1:
            break
        expected = hmac.new(secret, body, digest).hexdigest()
        given = given.strip().lower()
        if len(given) != len(expected) or not _is_hex(given):
            raise Rejected(401, 'malformed %s header: expected %d hexadecimal digits' % (header, len(expected)))
        if not hmac.compare_digest(given, expected):
            raise Rejected(401, '%s does not match the body: check the NCS secret' % header)
        return version
    wanted = 'Agora-Signature-V2' + ('' if not allow_v1 else ' or Agora-Signature')
    raise Rejected(401, 'missing signature: an NCS notice carries %s' % wanted)


def _is_hex(text: str) -> bool:
    return all(char in '0123456789abcdef' for char in text)


def parse_notice(body: bytes) -> dict[str, Any]:
    """The notice as a dict when the body is NCS's JSON: noticeId, productId, eventType, notifyMs, payload."""
    try:
        notice = json.loads(body)
    except ValueError:  # includes a body that is not UTF-8
        raise Rejected(400, 'the body is not JSON') from None
    if not isinstance(notice, dict):
        raise Rejected(400, 'the body is not an NCS notice (a JSON object)')
    if not isinstance(notice.get('noticeId'), str) or not notice['noticeId']:
        raise Rejected(400, 'the body is not an NCS notice: noticeId must be a non-empty string')
    for field in ('productId', 'eventType', 'notifyMs'):
        if not _is_type(notice.get(field), 'int'):
            raise Rejected(400, 'the body is not an NCS notice: %s must be a number' % field)
    if not isinstance(notice.get('payload'), dict):
        raise Rejected(400, 'the body is not an NCS notice: payload must be an object')
    if not isinstance(notice['payload'].get('details', {}), dict):
        raise Rejected(400, 'the body is not an NCS notice: payload.details must be an object')
    return notice


def event_name(product_id: int, event_type: int) -> str:
    """The stable name of a cloud-recording event type; event_<type> for another product's or a new type."""
    if product_id == CLOUD_RECORDING and event_type in CLOUD_RECORDING_EVENTS:
        return CLOUD_RECORDING_EVENTS[event_type]
    return 'event_%d' % event_type


def _text(value: Any) -> str | None:
    """Agora documents cname, uid and sid as strings; a number (as some senders write uid) becomes its text."""
    if isinstance(value, str):
        return value
    if _is_type(value, 'int'):
        return str(value)
    return None


def _number(value: Any) -> int | None:
    return value if _is_type(value, 'int') else None


def to_event(notice: dict[str, Any], signature: str) -> dict[str, Any]:
    """The event for the rulebook: the notice as it came and the fields rules match on."""
    payload = notice['payload']
    agora = {
        'notice_id': notice['noticeId'],
        'product_id': notice['productId'],
        'event_type': notice['eventType'],
        'event': event_name(notice['productId'], notice['eventType']),
        'sid': _text(payload.get('sid')),
        'cname': _text(payload.get('cname')),
        'uid': _text(payload.get('uid')),
        'sequence': _number(payload.get('sequence')),
        'notify_ms': notice['notifyMs'],
        'send_ms': _number(payload.get('sendts')),
        'service_type': _number(payload.get('serviceType')),
        'details': payload.get('details', {}),
        'signature': signature,
    }
    agora['health_test'] = (agora['cname'] or _text(payload.get('channelName')), agora['uid']) == HEALTH_TEST
    return {'payload': notice, 'agora': agora}


def notice_keys(agora: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What identifies a notice: its noticeId (redelivery), and its sid, uid, event type and sequence (redundancy).

    uid is part of the second key because a failover rejoins with a new uid: should its counter start again, its
    notices must not pass for copies of the old recorder's.
    """
    keys: list[tuple[Any, ...]] = [('notice', agora['product_id'], agora['notice_id'])]
    if agora['sid'] is not None and agora['sequence'] is not None:
        keys.append(('sequence', agora['product_id'], agora['sid'], agora['uid'], agora['event_type'], agora['sequence']))
    return keys


class NoticeMemory:
    """The notices seen within a time window, at most ``capacity`` of them: the oldest are forgotten first."""

    def __init__(self, seconds: float, capacity: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.capacity = capacity
        self.clock = clock
        self._expiry: collections.OrderedDict[tuple[Any, ...], float] = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self._expiry)

    def seen(self, keys: Iterable[tuple[Any, ...]]) -> bool:
        now = self.clock()
        self._forget_expired(now)
        return any(key in self._expiry for key in keys)

    def remember(self, keys: Iterable[tuple[Any, ...]]) -> None:
        expiry = self.clock() + self.seconds
        for key in keys:
            self._expiry[key] = expiry
            self._expiry.move_to_end(key)
        while len(self._expiry) > self.capacity:
            self._expiry.popitem(last=False)

    def _forget_expired(self, now: float) -> None:
        # Entries go in with the same lifetime, so the oldest expire first.
        while self._expiry:
            key, expiry = next(iter(self._expiry.items()))
            if expiry > now:
                break
            del self._expiry[key]


# -- the listener ----------------------------------------------------------------------------------------------------

class NcsReceiver:
    """Answers NCS and hands accepted events over to the rulebook's queue through a bounded buffer."""

    def __init__(self, queue: asyncio.Queue, settings: dict[str, Any], clock: Callable[[], float] = time.monotonic) -> None:
        self.queue = queue
        self.settings = settings
        self.memory = NoticeMemory(settings['dedup_seconds'], settings['dedup_entries'], clock)
        self.buffer: asyncio.Queue = asyncio.Queue(maxsize=settings['buffer_size'])
        self.counts: collections.Counter[str] = collections.Counter()

    async def handle(self, request: Any) -> Any:
        try:
            status, answer = await self._decide(request)
        except Rejected as rejected:
            self.counts['rejected'] += 1
            logger.warning('agora.cloud_recording.ncs: %d for a request from %s: %s',
                           rejected.status, request.remote, rejected.text)
            status, answer = rejected.status, {'ok': False, 'error': rejected.text}
        except Exception:  # pylint: disable=broad-exception-caught  # NCS gets JSON and resends; the log says why
            self.counts['rejected'] += 1
            logger.exception('agora.cloud_recording.ncs: could not handle a request from %s', request.remote)
            status, answer = 500, {'ok': False, 'error': 'internal error: resend later'}
        return web.json_response(answer, status=status)

    async def _decide(self, request: Any) -> tuple[int, dict[str, Any]]:
        if request.method != 'POST':
            raise Rejected(405, 'NCS posts notices: use POST')
        if request.path != self.settings['path']:
            raise Rejected(404, 'no NCS webhook at this path')
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise Rejected(413, 'the body is over %d bytes' % self.settings['max_body_bytes']) from None
        signature = verify_signature(body, request.headers, self.settings['secret'], self.settings['allow_v1'])
        event = to_event(parse_notice(body), signature)
        if event['agora']['health_test'] and not self.settings['health_test_events']:
            self.counts['health_tests'] += 1
            logger.info('agora.cloud_recording.ncs: answered a notice of Agora\'s health test (event type %d)',
                        event['agora']['event_type'])
            return 200, {'ok': True}
        keys = notice_keys(event['agora'])
        if self.memory.seen(keys):
            self.counts['duplicates'] += 1
            logger.debug('agora.cloud_recording.ncs: notice %s is a copy of one already accepted',
                         event['agora']['notice_id'])
            return 200, {'ok': True, 'duplicate': True}
        try:
            self.buffer.put_nowait(event)
        except asyncio.QueueFull:
            self.counts['overloaded'] += 1
            logger.warning('agora.cloud_recording.ncs: the rulebook is %d events behind: answered 503 to notice %s '
                           'so that NCS resends it', self.buffer.qsize(), event['agora']['notice_id'])
            return 503, {'ok': False, 'error': 'busy: resend later'}
        self.memory.remember(keys)
        self.counts['accepted'] += 1
        return 200, {'ok': True}

    async def forward(self) -> None:
        """Moves events to the rulebook's queue in the order they were accepted, waiting while it is full."""
        while True:
            event = await self.buffer.get()
            await self.queue.put(event)

    def application(self) -> Any:
        app = web.Application(client_max_size=self.settings['max_body_bytes'])
        app.router.add_route('*', '/{tail:.*}', self.handle)
        return app


def _require_aiohttp() -> None:
    if web is None:
        raise ImportError('agora.cloud_recording.ncs needs the Python library aiohttp in the environment that runs '
                          'ansible-rulebook (pip install aiohttp; in an execution environment, the collection\'s '
                          'meta/ee-requirements.txt lists it)')


async def main(queue: asyncio.Queue, args: dict[str, Any]) -> None:
    """Serve NCS until cancelled."""
    _require_aiohttp()
    settings = read_settings(args)
    context = ssl_context(settings)
    receiver = NcsReceiver(queue, settings)
    runner = web.AppRunner(receiver.application(), access_log=None)
    await runner.setup()
    forwarder = asyncio.create_task(receiver.forward())
    try:
        site = web.TCPSite(runner, settings['host'], settings['port'], ssl_context=context)
        await site.start()
        logger.info('agora.cloud_recording.ncs: listening on %s (%s), path %s', runner.addresses,
                    'HTTPS' if context else 'HTTP', settings['path'])
        await asyncio.Future()
    finally:
        forwarder.cancel()
        await runner.cleanup()
        logger.info('agora.cloud_recording.ncs: stopped; notices accepted %d, copies dropped %d, rejected %d, '
                    'answered busy %d, health tests answered %d', receiver.counts['accepted'],
                    receiver.counts['duplicates'], receiver.counts['rejected'], receiver.counts['overloaded'],
                    receiver.counts['health_tests'])

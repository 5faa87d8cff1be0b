# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ncs event source in-process: its main(queue, args) serving on loopback, driven by an aiohttp client.

Signatures are computed here with hmac from the test secret; none is copied from anywhere.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import importlib.util
import json
import logging
import os
import re
import ssl
import sys
from typing import Any

import pytest

aiohttp = pytest.importorskip('aiohttp')

from agora_simulator import make_certificates  # noqa: E402
from agora_test_support import REPO_ROOT  # noqa: E402
from ncs_support import NCS_PLUGIN, NCS_SECRET, drain, load_ncs_plugin, running_plugin  # noqa: E402

ncs = load_ncs_plugin()


def notice(event_type: int = 40, sequence: int = 0, notice_id: str = 'n-1', sid: str = 'sid-1', uid: str = '527841',
           details: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    body = {'noticeId': notice_id, 'productId': 3, 'eventType': event_type, 'notifyMs': 1700000000000 + (sequence or 0),
            'payload': {'cname': 'keynote', 'uid': uid, 'sid': sid, 'sequence': sequence, 'sendts': 1700000000000,
                        'serviceType': 1, 'details': {'msgName': 'recorder_started', 'status': 0}
                        if details is None else details}}
    body.update(top)
    return body


def signed(body: bytes, secret: str = NCS_SECRET, versions: tuple[str, ...] = ('v2', 'v1')) -> dict[str, str]:
    headers = {'Content-Type': 'application/json'}
    if 'v2' in versions:
        headers['Agora-Signature-V2'] = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if 'v1' in versions:
        headers['Agora-Signature'] = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return headers


def encode(value: Any) -> bytes:
    return json.dumps(value).encode()


async def post(url: str, body: bytes, headers: dict[str, str], ssl_context: Any = None) -> tuple[int, Any, str]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body, headers=headers, ssl=ssl_context) as answer:
            return answer.status, await answer.json(), answer.content_type


def run(scenario: Any) -> Any:
    return asyncio.run(asyncio.wait_for(scenario, 30))


# -- accepted notices ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('versions, expected', [(('v2', 'v1'), 'v2'), (('v2',), 'v2'), (('v1',), 'v1')])
def test_a_signed_notice_is_answered_200_json_and_becomes_one_event(versions: tuple[str, ...], expected: str) -> None:
    body = encode(notice())

    async def scenario() -> tuple[Any, list[Any]]:
        async with running_plugin({}) as plugin:
            answer = await post(plugin['url'], body, signed(body, versions=versions))
            await asyncio.sleep(0)  # the forwarder's turn
            return answer, drain(plugin['queue'])

    (status, answer, content_type), events = run(scenario())
    assert (status, answer, content_type) == (200, {'ok': True}, 'application/json')
    assert events == [{'payload': json.loads(body), 'agora': {
        'notice_id': 'n-1', 'product_id': 3, 'event_type': 40, 'event': 'recorder_started', 'sid': 'sid-1',
        'cname': 'keynote', 'uid': '527841', 'sequence': 0, 'notify_ms': 1700000000000, 'send_ms': 1700000000000,
        'service_type': 1, 'details': {'msgName': 'recorder_started', 'status': 0}, 'signature': expected,
        'health_test': False}}]


def test_the_signature_is_checked_over_the_raw_body_as_sent() -> None:
    # Key order and spacing NCS chose: re-serializing the parsed JSON would give another HMAC.
    body = b'{ "payload": {"sid": "sid-1", "uid": 7, "sequence": 3, "details": {}},\n "eventType": 31, ' \
           b'"productId": 3, "notifyMs": 1, "noticeId": "n-raw" }'

    async def scenario() -> tuple[Any, list[Any]]:
        async with running_plugin({}) as plugin:
            answer = await post(plugin['url'], body, signed(body))
            await asyncio.sleep(0)
            return answer, drain(plugin['queue'])

    answer, events = run(scenario())
    assert answer[0] == 200
    assert events[0]['agora']['event'] == 'uploaded'
    assert events[0]['agora']['uid'] == '7'   # a numeric uid becomes text, as Agora documents it
    assert events[0]['agora']['cname'] is None


# -- refused requests ------------------------------------------------------------------------------------------------

GOOD = encode(notice())


def _v2_only(value: str) -> dict[str, str]:
    return {'Content-Type': 'application/json', 'Agora-Signature-V2': value}


REFUSED = {
    'no signature': (GOOD, {'Content-Type': 'application/json'}, 401, 'missing signature'),
    'wrong secret': (GOOD, signed(GOOD, secret='another-secret'), 401, 'does not match'),
    'V2 wrong, V1 right': (GOOD, dict(signed(GOOD), **{'Agora-Signature-V2': signed(GOOD, secret='x')['Agora-Signature-V2']}),
                           401, 'Agora-Signature-V2 does not match'),
    'not hexadecimal': (GOOD, _v2_only('z' * 64), 401, 'malformed'),
    'too short': (GOOD, _v2_only(signed(GOOD)['Agora-Signature-V2'][:40]), 401, 'malformed'),
    'a SHA-1 in the V2 header': (GOOD, _v2_only(signed(GOOD)['Agora-Signature']), 401, 'malformed'),
    'empty': (GOOD, _v2_only(''), 401, 'malformed'),
    'body changed after signing': (GOOD.replace(b'keynote', b'keyn0te'), signed(GOOD), 401, 'does not match'),
    'not JSON': (b'noticeId=1', signed(b'noticeId=1'), 400, 'not JSON'),
    'not UTF-8': (b'\xff\xfe{}', signed(b'\xff\xfe{}'), 400, 'not JSON'),
    'a JSON list': (b'[]', signed(b'[]'), 400, 'a JSON object'),
    'no noticeId': (encode(notice(noticeId=None)), signed(encode(notice(noticeId=None))), 400, 'noticeId'),
    'eventType as text': (encode(notice(eventType='40')), signed(encode(notice(eventType='40'))), 400, 'eventType'),
    'productId true': (encode(notice(productId=True)), signed(encode(notice(productId=True))), 400, 'productId'),
    'no notifyMs': (encode(notice(notifyMs=None)), signed(encode(notice(notifyMs=None))), 400, 'notifyMs'),
    'payload a list': (encode(notice(payload=[])), signed(encode(notice(payload=[]))), 400, 'payload'),
    'details a string': (encode(notice(details='x')), signed(encode(notice(details='x'))), 400, 'details'),
}


@pytest.mark.parametrize('body, headers, status, text', REFUSED.values(), ids=REFUSED.keys())
def test_a_request_that_is_not_a_genuine_notice_gets_4xx_json_and_no_event(body: bytes, headers: dict[str, str],
                                                                           status: int, text: str) -> None:
    async def scenario() -> tuple[Any, list[Any]]:
        async with running_plugin({}) as plugin:
            answer = await post(plugin['url'], body, headers)
            await asyncio.sleep(0)
            return answer, drain(plugin['queue'])

    (got_status, answer, content_type), events = run(scenario())
    assert (got_status, answer['ok'], content_type) == (status, False, 'application/json')
    assert text in answer['error']
    assert events == []


def test_without_allow_v1_a_sha1_signature_alone_is_refused() -> None:
    async def scenario() -> tuple[Any, Any, list[Any]]:
        async with running_plugin({'allow_v1': False}) as plugin:
            only_v1 = await post(plugin['url'], GOOD, signed(GOOD, versions=('v1',)))
            both = await post(plugin['url'], GOOD, signed(GOOD))
            await asyncio.sleep(0)
            return only_v1, both, drain(plugin['queue'])

    only_v1, both, events = run(scenario())
    assert only_v1[0] == 401 and 'Agora-Signature-V2' in only_v1[1]['error']
    assert both[0] == 200 and [event['agora']['signature'] for event in events] == ['v2']


def test_a_body_over_the_bound_gets_413_and_no_event() -> None:
    big = encode(notice(details={'padding': 'x' * 2000}))

    async def scenario() -> tuple[Any, Any, list[Any]]:
        async with running_plugin({'max_body_bytes': 1024}) as plugin:
            over = await post(plugin['url'], big, signed(big))
            under = await post(plugin['url'], GOOD, signed(GOOD))
            await asyncio.sleep(0)
            return over, under, drain(plugin['queue'])

    over, under, events = run(scenario())
    assert over[:2] == (413, {'ok': False, 'error': 'the body is over 1024 bytes'})
    assert under[0] == 200 and len(events) == 1


def test_other_paths_and_methods_are_refused() -> None:
    async def scenario() -> tuple[Any, Any]:
        async with running_plugin({}) as plugin:
            async with aiohttp.ClientSession() as session:
                async with session.post(plugin['url'] + '/other', data=GOOD, headers=signed(GOOD)) as answer:
                    elsewhere = answer.status
                async with session.get(plugin['url']) as answer:
                    get = answer.status, await answer.json()
            return elsewhere, get

    elsewhere, get = run(scenario())
    assert elsewhere == 404
    assert get == (405, {'ok': False, 'error': 'NCS posts notices: use POST'})


# -- copies ----------------------------------------------------------------------------------------------------------

def test_redelivered_and_redundant_copies_are_answered_200_but_reach_the_queue_once() -> None:
    sends = [
        notice(notice_id='n-1', sequence=0),
        notice(notice_id='n-1', sequence=0, notifyMs=1700000009999),   # NCS resends: same noticeId, new notifyMs
        notice(notice_id='n-1-copy', sequence=0),                       # redundant delivery: another noticeId
        notice(notice_id='n-2', sequence=1, event_type=41),             # the next notice of the recording
        notice(notice_id='n-3', sequence=1, event_type=41, sid='sid-2'),  # another recording
        notice(notice_id='n-4', sequence=1, event_type=41, uid='999'),  # after a failover, a new recorder uid
    ]

    async def scenario() -> tuple[list[Any], list[Any]]:
        async with running_plugin({}) as plugin:
            answers = []
            for body in map(encode, sends):
                answers.append(await post(plugin['url'], body, signed(body)))
            await asyncio.sleep(0)
            return answers, drain(plugin['queue'])

    answers, events = run(scenario())
    assert [answer[:2] for answer in answers] == [
        (200, {'ok': True}), (200, {'ok': True, 'duplicate': True}), (200, {'ok': True, 'duplicate': True}),
        (200, {'ok': True}), (200, {'ok': True}), (200, {'ok': True})]
    assert [event['agora']['notice_id'] for event in events] == ['n-1', 'n-2', 'n-3', 'n-4']


def test_the_memory_of_notices_is_bounded_in_time_and_size() -> None:
    now = [0.0]
    memory = ncs.NoticeMemory(seconds=60, capacity=3, clock=lambda: now[0])
    memory.remember([('a',), ('b',)])
    now[0] = 30.0
    memory.remember([('c',)])
    assert memory.seen([('a',)]) and memory.seen([('x',), ('c',)])
    now[0] = 60.0   # a and b expire, c stays
    assert not memory.seen([('a',)]) and not memory.seen([('b',)]) and memory.seen([('c',)])
    assert len(memory) == 1
    memory.remember([('d',), ('e',), ('f',)])   # over capacity: c, the oldest, goes
    assert len(memory) == 3 and not memory.seen([('c',)]) and memory.seen([('f',)])


def test_a_notice_without_sid_or_sequence_is_told_apart_by_its_notice_id_alone() -> None:
    agora = ncs.to_event(notice(sequence=None), 'v2')['agora']
    assert ncs.notice_keys(agora) == [('notice', 3, 'n-1')]


@pytest.mark.parametrize('args, events_expected', [({}, 0), ({'health_test_events': True}, 1)])
def test_agora_s_health_test_is_answered_and_kept_from_the_rulebook_unless_asked(args: dict[str, Any],
                                                                                 events_expected: int) -> None:
    body = encode(notice(uid='12121212', payload={'cname': 'test_webhook', 'uid': '12121212', 'sid': 'test',
                                                  'sequence': 0, 'details': {}}))

    async def scenario() -> tuple[Any, list[Any]]:
        async with running_plugin(args) as plugin:
            answer = await post(plugin['url'], body, signed(body))
            await asyncio.sleep(0)
            return answer, drain(plugin['queue'])

    answer, events = run(scenario())
    assert answer[:2] == (200, {'ok': True})
    assert len(events) == events_expected
    assert all(event['agora']['health_test'] for event in events)


def test_a_surprise_inside_the_source_is_a_json_500_that_ncs_resends(monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    def broken(notice: dict[str, Any], signature: str) -> dict[str, Any]:
        raise KeyError('surprise')

    monkeypatch.setattr(ncs, 'to_event', broken)

    async def scenario() -> tuple[Any, list[Any]]:
        async with running_plugin({}) as plugin:
            answer = await post(plugin['url'], GOOD, signed(GOOD))
            return answer, drain(plugin['queue'])

    answer, events = run(scenario())
    assert answer[:2] == (500, {'ok': False, 'error': 'internal error: resend later'}) and events == []
    assert 'could not handle a request from 127.0.0.1' in caplog.text and NCS_SECRET not in caplog.text


# -- a full queue ----------------------------------------------------------------------------------------------------

def test_a_full_queue_never_delays_the_answer_and_a_full_buffer_answers_503_so_that_ncs_resends() -> None:
    bodies = [encode(notice(notice_id='n-%d' % index, sequence=index)) for index in range(5)]

    async def scenario() -> tuple[list[Any], list[Any], Any, list[Any]]:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1)   # nobody reads it while the notices arrive
        async with running_plugin({'buffer_size': 2}, queue) as plugin:
            # n-0 fills the queue, n-1 waits in the forwarder's hands, n-2 and n-3 fill the buffer: n-4 is refused.
            answers = [await post(plugin['url'], body, signed(body)) for body in bodies]
            taken = []
            for dummy in range(4):
                taken.append(await asyncio.wait_for(queue.get(), 5))
            resent = await post(plugin['url'], bodies[4], signed(bodies[4]))
            taken.append(await asyncio.wait_for(queue.get(), 5))
            return answers, taken, resent, drain(queue)

    answers, taken, resent, left = run(scenario())
    assert [answer[0] for answer in answers] == [200, 200, 200, 200, 503]
    assert answers[4][1] == {'ok': False, 'error': 'busy: resend later'}
    assert resent[:2] == (200, {'ok': True})   # not remembered when refused, so NCS's resend is taken
    assert [event['agora']['notice_id'] for event in taken] == ['n-0', 'n-1', 'n-2', 'n-3', 'n-4']
    assert left == []


# -- TLS, IPv6 -------------------------------------------------------------------------------------------------------

def test_https_with_the_given_certificate(tmp_path: Any) -> None:
    ca, cert, key = make_certificates()
    (tmp_path / 'cert.pem').write_bytes(cert)
    (tmp_path / 'key.pem').write_bytes(key)
    client = ssl.create_default_context(cadata=ca.decode())

    async def scenario() -> tuple[str, Any, list[Any]]:
        async with running_plugin({'certfile': str(tmp_path / 'cert.pem'), 'keyfile': str(tmp_path / 'key.pem')}) as plugin:
            answer = await post(plugin['url'], GOOD, signed(GOOD), client)
            await asyncio.sleep(0)
            return plugin['url'], answer, drain(plugin['queue'])

    url, answer, events = run(scenario())
    assert url.startswith('https://127.0.0.1:')
    assert answer[:2] == (200, {'ok': True}) and len(events) == 1


def test_ipv6_loopback() -> None:
    async def scenario() -> tuple[Any, list[Any]]:
        async with running_plugin({'host': '::1'}) as plugin:
            answer = await post(plugin['url'], GOOD, signed(GOOD))
            await asyncio.sleep(0)
            return answer, drain(plugin['queue'])

    answer, events = run(scenario())
    assert answer[0] == 200 and len(events) == 1


# -- options and the secret ------------------------------------------------------------------------------------------

def test_the_secret_from_a_file_or_the_environment(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / 'secret').write_text(NCS_SECRET + '\n')
    from_file = ncs.read_settings({'port': 1, 'secret_file': str(tmp_path / 'secret')}, environ={})
    from_env = ncs.read_settings({'port': 1}, environ={'AGORA_NCS_SECRET': NCS_SECRET})
    given = ncs.read_settings({'port': 1, 'secret': NCS_SECRET, 'secret_file': '/nonexistent'},
                              environ={'AGORA_NCS_SECRET': 'other'})
    assert from_file['secret'] == from_env['secret'] == given['secret'] == NCS_SECRET.encode()
    assert (given['host'], given['path'], given['allow_v1'], given['max_body_bytes']) == ('0.0.0.0', '/', True, 1048576)


def test_templated_arguments_arrive_as_text_and_are_converted() -> None:
    settings = ncs.read_settings({'port': '5000', 'allow_v1': 'False', 'buffer_size': '10', 'secret': NCS_SECRET},
                                 environ={})
    assert (settings['port'], settings['allow_v1'], settings['buffer_size']) == (5000, False, 10)


BAD_OPTIONS = {
    'no port': ({'secret': NCS_SECRET}, 'option port is required'),
    'port as a word': ({'port': 'five', 'secret': NCS_SECRET}, 'option port must be of type int'),
    'port out of range': ({'port': 70000, 'secret': NCS_SECRET}, 'option port must be between 0 and 65535'),
    'a typo': ({'port': 1, 'secert': NCS_SECRET, 'secret': NCS_SECRET}, 'unknown option(s) secert'),
    'no secret': ({'port': 1}, 'no NCS secret'),
    'empty secret': ({'port': 1, 'secret': ''}, 'no NCS secret'),
    'secret_file missing': ({'port': 1, 'secret_file': '/nonexistent/ncs'}, 'cannot read option secret_file'),
    'path without slash': ({'port': 1, 'secret': NCS_SECRET, 'path': 'ncs'}, 'option path must start with'),
    'zero buffer': ({'port': 1, 'secret': NCS_SECRET, 'buffer_size': 0}, 'option buffer_size must be between 1 and'),
    'allow_v1 as a word': ({'port': 1, 'secret': NCS_SECRET, 'allow_v1': 'maybe'}, 'option allow_v1 must be of type bool'),
    'host as a number': ({'port': 1, 'secret': NCS_SECRET, 'host': 127}, 'option host must be of type str'),
}


@pytest.mark.parametrize('args, message', BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_bad_options_are_refused_naming_the_option(args: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        ncs.read_settings(args, environ={})
    assert message in str(raised.value)
    assert NCS_SECRET not in str(raised.value)


def test_bad_tls_files_are_refused_naming_the_options(tmp_path: Any) -> None:
    (tmp_path / 'junk.pem').write_text('not a certificate')
    settings = ncs.read_settings({'port': 1, 'secret': NCS_SECRET, 'keyfile': str(tmp_path / 'junk.pem')}, environ={})
    with pytest.raises(ValueError, match='option keyfile needs option certfile'):
        ncs.ssl_context(settings)
    settings.update(certfile=str(tmp_path / 'junk.pem'))
    with pytest.raises(ValueError, match='cannot load options certfile/keyfile'):
        ncs.ssl_context(settings)


def test_the_secret_never_appears_in_answers_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = [GOOD, GOOD, GOOD.replace(b'keynote', b'x'), b'not json']

    async def scenario() -> list[Any]:
        async with running_plugin({}) as plugin:
            answers = [await post(plugin['url'], body, signed(GOOD)) for body in bodies]
            answers.append(await post(plugin['url'], GOOD, _v2_only(NCS_SECRET)))
            return answers

    answers = run(scenario())
    assert [answer[0] for answer in answers] == [200, 200, 401, 401, 401]
    outputs = json.dumps(answers) + caplog.text
    assert 'copies dropped 1, rejected 3' in caplog.text
    for form in (NCS_SECRET, NCS_SECRET.encode().hex(), NCS_SECRET.lower()):
        assert form not in outputs


# -- event names, a missing aiohttp ----------------------------------------------------------------------------------

@pytest.mark.parametrize('product_id, event_type, name', [
    (3, 1, 'error'), (3, 11, 'session_exit'), (3, 12, 'failover'), (3, 31, 'uploaded'), (3, 32, 'backuped'),
    (3, 33, 'upload_progress'), (3, 40, 'recorder_started'), (3, 41, 'recorder_left'),
    (3, 71, 'web_recorder_stopped'), (3, 999, 'event_999'), (1, 103, 'event_103'), (1, 40, 'event_40')])
def test_event_names(product_id: int, event_type: int, name: str) -> None:
    assert ncs.event_name(product_id, event_type) == name


def test_without_aiohttp_the_plugin_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, 'aiohttp', None)   # import aiohttp now raises ImportError
    spec = importlib.util.spec_from_file_location('ncs_without_aiohttp', NCS_PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(ImportError, match=r'needs the Python library aiohttp .*pip install aiohttp'):
        asyncio.run(module.main(asyncio.Queue(), {'port': 1, 'secret': NCS_SECRET}))


def test_the_user_doc_lists_every_option_with_the_plugin_s_type_and_default() -> None:
    """docs/ncs_event_source.md repeats DOCUMENTATION's options in a table: it must not drift from it."""
    with open(os.path.join(REPO_ROOT, 'docs', 'ncs_event_source.md'), encoding='utf-8') as handle:
        rows = [line.split('|')[1:-1] for line in handle if line.startswith('| `')]
    documented = {}
    for names, type_name, default, dummy in (map(str.strip, row) for row in rows):
        for name in re.findall(r'`([a-z_0-9]+)`', names):
            documented[name] = (type_name, default.strip('`'))
    expected = {name: (spec['type'], 'required' if spec.get('required') else
                       '' if spec.get('default') is None else str(spec['default']).lower())
                for name, spec in ncs.OPTIONS.items()}
    assert documented == expected

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The upload check in this process: the listing walk, playlists, verdicts and the wait, through a fake storage."""

from __future__ import annotations

import pytest

from agora_fakes import FakeClock
from storage_fakes import FakeStorage, Listed, Read, obj, page, playlist, recording_objects, throttled
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import Problem, StorageError
from ansible_collections.agora.cloud_recording.plugins.module_utils._upload_check import (
    MAX_PLAYLIST_BYTES,
    POLL_DELAYS,
    Target,
    check_recordings,
    choose_playlists,
    file_name_cname,
    list_recordings,
    parse_playlist,
    prefix_path,
    settle,
    summarize_uploads,
)

BASE = 'events/spring/'
SID = '38f8e3cfdc474cd56fc1ceba380d7e1a'
OTHER = '99f8e3cfdc474cd56fc1ceba380d7e1a'


def target(sid=SID, cname='main-stage', mode='mix', files=()):
    return Target(sid, cname, mode, {'sid': sid, 'cname': cname, 'mode': mode}, tuple(files))


def check(storage, targets, clock=None):
    clock = clock or FakeClock()
    results, requests = check_recordings(storage, BASE, targets, clock.sleep)
    storage.assert_done()
    return results, requests


def finished(sid=SID, stem_cname='main-stage', count=3, size=1000):
    stem = '%s_%s' % (sid, stem_cname)
    segments, names = recording_objects(BASE, stem, count, size)
    text = playlist(*names)
    return [obj(BASE + stem + '.m3u8', len(text))] + segments, text


@pytest.mark.parametrize('parts, expected', [([], ''), (['events'], 'events/'), (['events', 'spring'], 'events/spring/')])
def test_prefix_path_joins_agoras_parts(parts, expected):
    assert prefix_path(parts) == expected


def test_special_characters_of_cname_become_dashes():
    assert file_name_cname('Q&A: live!_2026.final') == 'Q-A- live--2026-final'


def test_a_finished_recording_is_confirmed_in_one_listing_and_one_read():
    objects, text = finished()
    storage = FakeStorage([Listed(BASE, page(*objects), start_after=BASE + SID)], [Read(objects[0].key, text)])
    (result,), requests = check(storage, [target()])
    assert (result['upload'], result['segments'], result['missing_count'], result['problems']) == ('confirmed', 3, 0, [])
    assert result['bytes'] == sum(item.size for item in objects) and requests == 2
    assert [item['kind'] for item in result['files']] == ['playlist', 'segment', 'segment', 'segment']
    assert result['playlists'] == [{'key': objects[0].key, 'complete': True, 'source': 'plain', 'failover': None, 'segments': 3}]


def test_an_unfinished_playlist_and_missing_or_empty_segments_are_incomplete_and_named():
    stem = '%s_main-stage' % SID
    segments, names = recording_objects(BASE, stem, 8)
    text = playlist(*names, ended=False)
    present = [segment for index, segment in enumerate(segments) if index not in (1, 2)]
    present[0] = obj(present[0].key, 0)   # uploaded empty
    storage = FakeStorage([Listed(BASE, page(obj(BASE + stem + '.m3u8'), *present))], [Read(BASE + stem + '.m3u8', text)])
    (result,), _requests = check(storage, [target()])
    assert result['upload'] == 'incomplete' and result['missing_count'] == 3
    assert result['missing'] == [names[0], names[1], names[2]]
    assert any('not finished yet' in problem for problem in result['problems'])


def test_nothing_under_the_prefix_is_missing_and_another_channel_name_is_pointed_out():
    stem = '%s_other-room' % SID
    storage = FakeStorage([Listed(BASE, page(obj(BASE + stem + '.m3u8')))])
    (result,), _requests = check(storage, [target()])
    assert result['upload'] == 'incomplete' and 'another channel name' in result['msg']
    storage = FakeStorage([Listed(BASE, page())])
    (result,), _requests = check(storage, [target()])
    assert result['upload'] == 'missing' and result['files'] == [] and result['msg'] == 'nothing under events/spring/%s_' % SID


def test_a_file_agora_named_must_be_there():
    objects, text = finished()
    storage = FakeStorage([Listed(BASE, page(*objects))], [Read(objects[0].key, text)])
    (result,), _requests = check(storage, [target(files=['%s_main-stage_0.mp4' % SID])])
    assert result['upload'] == 'incomplete' and result['missing'] == ['%s_main-stage_0.mp4' % SID]


def test_pages_are_followed_inside_a_recording_and_other_recordings_keys_are_jumped_over():
    first, second = sorted([SID, OTHER])
    objects_a, text_a = finished(first, count=3)
    objects_b, text_b = finished(second, count=1)
    foreign = obj(BASE + '5' * 32 + '_x.m3u8')
    storage = FakeStorage([
        Listed(BASE, page(*objects_a[:2], token='t1'), start_after=BASE + first),
        Listed(BASE, page(*objects_a[2:], foreign, token='t2'), token='t1'),
        # The page ended among another recording's keys: jump to the next wanted prefix instead of paging on.
        Listed(BASE, page(*objects_b), start_after=BASE + second),
    ], [Read(objects_a[0].key, text_a), Read(objects_b[0].key, text_b)])
    results, requests = check(storage, [target(first), target(second)])
    assert [result['upload'] for result in results] == ['confirmed', 'confirmed'] and requests == 5


def test_failover_files_are_found_under_bak_and_checked_too():
    objects, text = finished()
    bak_stem = 'bak0_%s_main-stage' % SID
    bak_segments, bak_names = recording_objects(BASE, bak_stem, 2)
    bak_text = playlist(*bak_names, ended=False)
    bak_files = [obj(BASE + bak_stem + '.m3u8')] + bak_segments + [obj(BASE + 'bak0_' + OTHER + '_x.m3u8')]
    storage = FakeStorage([Listed(BASE, page(*bak_files, *objects))],
                          [Read(objects[0].key, text), Read(BASE + bak_stem + '.m3u8', bak_text)])
    (result,), _requests = check(storage, [target()])
    assert result['upload'] == 'incomplete'
    assert [(item['failover'], item['complete']) for item in result['playlists']] == [(None, True), ('bak0', False)]
    assert len(result['files']) == len(objects) + 3


def test_the_larger_of_the_plain_playlist_and_the_newest_backup_copy_counts():
    stem = BASE + '%s_main-stage' % SID
    plain, older, newest = obj(stem + '.m3u8', 100), obj(stem + '_22194679897_1.m3u8', 900), obj(stem + '_22194679999_3.m3u8', 500)
    playlists, foreign = choose_playlists(BASE, [plain, older, newest], target())
    assert [(item.key, item.source) for item in playlists] == [(newest.key, 'backup')] and foreign == []
    playlists, _foreign = choose_playlists(BASE, [obj(stem + '.m3u8', 600), newest], target())
    assert [(item.key, item.source) for item in playlists] == [(stem + '.m3u8', 'plain')]


def test_individual_mode_checks_every_stream():
    stem = BASE + '%s_room__uid_s_%s__uid_e_%s'
    objects = [obj(stem % (SID, uid, kind) + '.m3u8') for uid in ('123', '456') for kind in ('audio', 'video')]
    playlists, _foreign = choose_playlists(BASE, objects, target(cname='room', mode='individual'))
    assert len(playlists) == 4


@pytest.mark.parametrize('text, problem', [
    (b'#EXTM3U\n' + b'#' * (MAX_PLAYLIST_BYTES + 10), 'larger than 4 MiB'),
    (playlist('../other/secret.ts'), 'outside the recording'),
    (playlist('https://elsewhere.example/x.ts'), 'outside the recording'),
    (playlist('..'), 'outside the recording'),
    (b'\xff\xfe#EXTM3U', 'not UTF-8'),
])
def test_a_hostile_playlist_is_refused_with_a_reason(text, problem):
    segments, ended, found = parse_playlist(text)
    assert (segments, ended) == ([], False) and problem in found


def test_an_empty_playlist_is_incomplete_without_a_read():
    storage = FakeStorage([Listed(BASE, page(obj(BASE + '%s_main-stage.m3u8' % SID, 0)))])
    (result,), requests = check(storage, [target()])
    assert result['upload'] == 'incomplete' and 'is empty' in result['msg'] and requests == 1


def test_a_50_mb_playlist_is_not_even_read():
    stem = BASE + '%s_main-stage' % SID
    storage = FakeStorage([Listed(BASE, page(obj(stem + '.m3u8', 50 * 2 ** 20)))])
    (result,), requests = check(storage, [target()])
    assert result['upload'] == 'incomplete' and 'not read' in result['msg'] and requests == 1


def test_a_listing_past_the_cap_stops_with_a_clear_error():
    pages = [Listed(BASE, page(*[obj(BASE + SID + '_%06d.ts' % (index * 1000 + item)) for item in range(1000)],
                               token='t%d' % (index + 1)), token=None if index == 0 else 't%d' % index)
             for index in range(3)]
    storage = FakeStorage(pages)
    with pytest.raises(StorageError) as caught:
        list_recordings(storage, BASE, [SID], FakeClock().sleep, max_keys=2500)
    assert caught.value.problem is Problem.TOO_MANY and 'narrow storage.fileNamePrefix' in str(caught.value)


def test_throttling_is_retried_on_the_clock_within_a_bound():
    objects, text = finished()
    clock = FakeClock()
    storage = FakeStorage([Listed(BASE, throttled()), Listed(BASE, throttled()), Listed(BASE, page(*objects))],
                          [Read(objects[0].key, throttled()), Read(objects[0].key, text)])
    (result,), _requests = check(storage, [target()], clock)
    assert result['upload'] == 'confirmed' and clock.sleeps == [1.0, 2.0, 1.0]
    clock = FakeClock()
    storage = FakeStorage([Listed(BASE, throttled())] * 5)
    (result,), _requests = check(storage, [target()], clock)
    assert result['upload'] == 'error' and result['failed'] and clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert 'slow down' in result['msg']


def test_a_storage_error_marks_every_recording_of_the_listing():
    error = StorageError(Problem.CREDENTIALS, 'HTTP 403 InvalidAccessKeyId: The key does not exist.')
    storage = FakeStorage([Listed(BASE, error)])
    results, _requests = check(storage, [target(), target(OTHER)])
    assert [result['upload'] for result in results] == ['error', 'error']
    assert 'check storage.accessKey and storage.secretKey' in results[0]['msg']
    assert summarize_uploads(results) == {'total': 2, 'upload': {'confirmed': 0, 'incomplete': 0, 'missing': 0, 'error': 2},
                                          'failed': 2}


def test_a_playlist_read_error_marks_its_recording_only():
    objects_a, text_a = finished(SID)
    objects_b, _text_b = finished(OTHER)
    denied = StorageError(Problem.PERMISSION, 'HTTP 403 AccessDenied: Access Denied')
    storage = FakeStorage([Listed(BASE, page(*objects_a, *objects_b))], [Read(objects_a[0].key, text_a), Read(objects_b[0].key, denied)])
    results, _requests = check(storage, [target(SID), target(OTHER)])
    assert [result['upload'] for result in results] == ['confirmed', 'error'] and 's3:GetObject' in results[1]['msg']


def test_the_wait_rechecks_only_unsettled_recordings_on_the_sparse_schedule():
    clock = FakeClock()
    rounds = []

    def fake_check(targets):
        rounds.append([item.sid for item in targets])
        done = len(rounds) >= 4
        return [dict(sid=item.sid, upload='confirmed' if item.sid == SID or done else 'missing') for item in targets]

    results, checks, waited = settle(fake_check, [target(), target(OTHER)], clock, clock.sleep, 600)
    assert [result['upload'] for result in results] == ['confirmed', 'confirmed']
    assert rounds == [[SID, OTHER], [OTHER], [OTHER], [OTHER]] and checks == 4
    assert clock.sleeps == list(POLL_DELAYS[:3]) and waited == sum(POLL_DELAYS[:3])


def test_the_wait_ends_at_its_timeout():
    clock = FakeClock()
    results, checks, waited = settle(lambda targets: [dict(upload='missing')] * len(targets), [target()], clock,
                                     clock.sleep, 200)
    assert results[0]['upload'] == 'missing' and waited == 200
    assert clock.sleeps == [5.0, 10.0, 20.0, 30.0, 60.0, 60.0, 15.0] and checks == 8


def test_without_wait_one_check_only():
    clock = FakeClock()
    _results, checks, _waited = settle(lambda targets: [dict(upload='missing')], [target()], clock, clock.sleep, 0)
    assert checks == 1 and clock.sleeps == []

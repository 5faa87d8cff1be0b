# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Starting recordings: acquire and start, once, and the truth about a start whose answer was lost.

Private to the agora.cloud_recording collection: not an API, may change in any release.

A start that reached Agora bills until it is stopped or idles out, and Agora offers no call that lists the recordings of
an App ID. So a start never acquires and starts a second recording while the first may run: after a lost answer it
asks again with the same resource ID (Agora answers 201 code 7 once that resource ID has started, 400 code 53 while a
recording of the channel and uid runs), confirms with ``query`` when Agora names the recording, and otherwise fails
naming the resource ID and the channel. The ledger (``_ledger``) makes a re-run ``ok``: a recording it holds that Agora
says is alive is not started again. The facts behind every rule are in docs/agora-api-facts.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import (
    Kind,
    classify_acquire_answer,
    classify_start_answer,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._client import (
    AgoraClient,
    AgoraError,
    Call,
    Decision,
    Recording,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._ledger import Ledger, utc_now
from ansible_collections.agora.cloud_recording.plugins.module_utils._options import (
    APP_ID_PATTERN,
    DEFAULT_RATE_LIMIT,
    MODES,
    RESOURCE_ID_PATTERN,
    SID_PATTERN,
    _check_cname,
    _shown,
    uid_from_value,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor, every_form

# Agora's failover window (up to 90 s of 404 for a live recording): a ledger entry counts as gone only after it.
DEFAULT_START_NOT_FOUND_RECHECK = 90
# A batch keeps this many seconds of requests in flight per App ID: enough to use its whole rate while answers take a
# few seconds, few enough that each start follows its acquire closely (Agora: within two seconds, acquire reference).
START_ANSWER_WINDOW = 3.0
# acquire's resourceExpiredHour (Agora: 1 to 720 hours, 72 by default).
RESOURCE_EXPIRED_HOUR_RANGE = (1, 720)
# acquire's scene: 0 real-time recording, 1 web page recording, 2 individual recording with postponed transcoding.
SCENES = (0, 1, 2)
# Values that are secrets wherever they appear in a clientRequest: storage keys, STS token, RTC token, decryption key.
SECRET_KEYS = frozenset(('accessKey', 'secretKey', 'stsToken', 'token', 'secret', 'salt'))

# start's clientRequest, per Agora's start reference: the keys it knows, and their JSON types.
CLIENT_REQUEST_TYPES: dict[str, type] = {
    'token': str, 'storageConfig': dict, 'recordingConfig': dict, 'recordingFileConfig': dict,
    'snapshotConfig': dict, 'extensionServiceConfig': dict, 'appsCollection': dict, 'transcodeOptions': dict,
}
STORAGE_TYPES: dict[str, type] = {
    'vendor': int, 'region': int, 'bucket': str, 'accessKey': str, 'secretKey': str, 'stsToken': str,
    'stsExpiration': int, 'fileNamePrefix': list, 'extensionParams': dict,
}
STORAGE_REQUIRED = ('vendor', 'region', 'bucket', 'accessKey', 'secretKey')
FILE_NAME_PREFIX_MAX = 128
TYPE_NAMES = {str: 'a string', int: 'a whole number', dict: 'a mapping', list: 'a list'}


class Outcomes:
    STARTED = 'started'
    ALREADY_RUNNING = 'already_running'
    ALL = (STARTED, ALREADY_RUNNING)


def start_argument_spec() -> dict[str, dict[str, Any]]:
    """The start module's own options (the connection options come from ``connection_argument_spec``)."""
    entry = dict(
        app_id=dict(type='str'),
        cname=dict(type='str', required=True),
        uid=dict(type='raw', required=True),
        mode=dict(type='str', choices=list(MODES)),
        client_request=dict(type='dict'),
    )
    return dict(
        app_id=dict(type='str'),
        cname=dict(type='str'),
        uid=dict(type='raw'),
        mode=dict(type='str', choices=list(MODES)),
        client_request=dict(type='dict'),
        scene=dict(type='int', choices=list(SCENES)),
        resource_expired_hour=dict(type='int'),
        start_parameter=dict(type='dict'),
        recordings=dict(type='list', elements='dict', options=entry),
        ledger=dict(type='path'),
        concurrency=dict(type='int'),
        rate_limit=dict(type='float', default=DEFAULT_RATE_LIMIT),
        not_found_recheck=dict(type='int', default=DEFAULT_START_NOT_FOUND_RECHECK),
    )


def start_module_kwargs() -> dict[str, Any]:
    single = ('cname', 'uid')
    return dict(
        mutually_exclusive=[('recordings', option) for option in single],
        required_one_of=[('recordings', 'cname')],
        required_together=[single],
    )


@dataclass(frozen=True)
class StartRequest:
    """One recording to start: who records where, and the clientRequest of its acquire and of its start."""

    app_id: str
    cname: str
    uid: str
    mode: str
    client_request: dict[str, Any]
    acquire_request: dict[str, Any]

    def identity(self) -> dict[str, str]:
        return {'app_id': self.app_id, 'cname': self.cname, 'uid': self.uid, 'mode': self.mode}

    def placeholder(self, resource_id: str = '', sid: str = '') -> Recording:
        """The recording as far as it is known (no resource ID before acquire, no sid before start)."""
        return Recording(self.app_id, resource_id, sid, self.mode, self.cname, self.uid)

    def label(self) -> str:
        return 'channel %s (uid %s, %s mode, App ID %s)' % (self.cname, self.uid, self.mode, self.app_id)


# -- checking what the task gives ----------------------------------------------------------------------------------

def _require_type(value: Any, expected: type, where: str) -> None:
    # bool is an int in Python, never a number in Agora's API.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise AgoraError('%s must be %s; got %s (%s).' % (where, TYPE_NAMES[expected], _shown(value), type(value).__name__))


def _check_keys(given: dict[str, Any], known: dict[str, type], where: str) -> None:
    unknown = sorted(str(key) for key in given if key not in known)
    if unknown:
        raise AgoraError('%s has keys Agora\'s start reference does not know: %s (known: %s). Check their spelling.'
                         % (where, ', '.join(unknown), ', '.join(sorted(known))))
    for key, value in given.items():
        _require_type(value, known[key], '%s.%s' % (where, key))


def check_storage_config(storage: dict[str, Any], where: str) -> None:
    _check_keys(storage, STORAGE_TYPES, where)
    missing = [key for key in STORAGE_REQUIRED if key not in storage]
    if missing:
        raise AgoraError('%s needs %s (Agora\'s start reference: the storage vendor and region numbers, the bucket and '
                         'its access and secret keys).' % (where, ', '.join(missing)))
    prefix = storage.get('fileNamePrefix', [])
    for part in prefix:
        if not isinstance(part, str) or not part.isascii() or not part.isalnum():
            raise AgoraError('%s.fileNamePrefix must hold letters and digits only (one directory name each); got %s.'
                             % (where, _shown(part)))
    if len('/'.join(prefix)) + (1 if prefix else 0) > FILE_NAME_PREFIX_MAX:
        raise AgoraError('%s.fileNamePrefix is longer than Agora\'s %d characters (with the slashes).'
                         % (where, FILE_NAME_PREFIX_MAX))


def check_client_request(client_request: Any, mode: str, where: str = 'client_request') -> None:
    """Refuse a clientRequest that Agora's start reference does not describe, naming the key, before any request."""
    _require_type(client_request, dict, where)
    _check_keys(client_request, CLIENT_REQUEST_TYPES, where)
    if 'storageConfig' not in client_request:
        raise AgoraError('%s needs storageConfig: Agora uploads the recorded files to that storage.' % where)
    check_storage_config(client_request['storageConfig'], where + '.storageConfig')
    if mode == 'web' and 'extensionServiceConfig' not in client_request:
        raise AgoraError('%s needs extensionServiceConfig in web mode: it names the page to record '
                         '(web_recorder_service).' % where)
    if mode != 'individual' and 'snapshotConfig' in client_request:
        raise AgoraError('%s.snapshotConfig works in individual mode only (Agora\'s start reference); this recording '
                         'is in %s mode.' % (where, mode))


def secret_values(value: Any) -> list[str]:
    """Every string under a secret key (``SECRET_KEYS``), at any depth: storage keys, tokens, decryption keys."""
    found: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in SECRET_KEYS and isinstance(child, str) and child:
                    found.append(child)
                else:
                    pending.append(child)
        elif isinstance(item, list):
            pending.extend(item)
    return found


def acquire_request_from_params(params: dict[str, Any], mode: str) -> dict[str, Any]:
    """acquire's clientRequest: the scene (web page recording's own unless set), resourceExpiredHour, startParameter."""
    request: dict[str, Any] = {'scene': params['scene'] if params['scene'] is not None else (1 if mode == 'web' else 0)}
    hours = params['resource_expired_hour']
    if hours is not None:
        low, high = RESOURCE_EXPIRED_HOUR_RANGE
        if not low <= hours <= high:
            raise AgoraError('resource_expired_hour must be between %d and %d (Agora\'s limits); got %s.' % (low, high, hours))
        request['resourceExpiredHour'] = hours
    if params['start_parameter'] is not None:
        check_client_request(params['start_parameter'], mode, 'start_parameter')
        request['startParameter'] = params['start_parameter']
    return request


def start_request_from_values(values: dict[str, Any], params: dict[str, Any], where: str = '') -> StartRequest:
    """One recording to start from the task's (or an entry's) values, checked; AgoraError names the option."""
    prefix = where + '.' if where else ''
    app_id = values.get('app_id') or params['app_id'] or ''
    if not APP_ID_PATTERN.match(app_id):
        raise AgoraError('%sapp_id must be Agora\'s App ID: 32 hexadecimal digits, as Agora Console shows it; got %s.'
                         % (prefix, _shown(app_id)))
    mode = values.get('mode') or params['mode']
    if not mode:
        raise AgoraError('%smode is needed: individual, mix or web.' % prefix)
    cname = values.get('cname') or ''
    if not cname.strip():
        raise AgoraError('%scname must not be empty.' % prefix)
    try:
        _check_cname(cname, mode)
        uid = uid_from_value(values.get('uid'))
    except AgoraError as exc:
        raise AgoraError(prefix + str(exc))
    if not uid:
        raise AgoraError('%suid must not be empty.' % prefix)
    client_request = values.get('client_request') or params['client_request']
    if client_request is None:
        raise AgoraError('%sclient_request is needed: Agora\'s clientRequest for start, with storageConfig at least.' % prefix)
    check_client_request(client_request, mode, prefix + 'client_request')
    return StartRequest(app_id, cname, uid, mode, client_request, acquire_request_from_params(params, mode))


def start_requests_from_params(params: dict[str, Any]) -> tuple[list[StartRequest], list[str]]:
    """The recordings a task starts, each once, and a warning for each entry that repeats another."""
    if params['recordings'] is None:
        return [start_request_from_values(params, params)], []
    requests: list[StartRequest] = []
    warnings: list[str] = []
    first_seen: dict[tuple, int] = {}
    for index, entry in enumerate(params['recordings']):
        request = start_request_from_values(entry, params, 'recordings[%d]' % index)
        key = (request.app_id, request.cname, request.uid)
        if key in first_seen:
            # Agora records a channel once per uid: a second start would only meet code 53.
            warnings.append('recordings[%d] repeats recordings[%d] (channel %s, uid %s): it is started once.'
                            % (index, first_seen[key], request.cname, request.uid))
            continue
        first_seen[key] = len(requests)
        requests.append(request)
    return requests, warnings


def task_secrets(params: dict[str, Any]) -> list[str]:
    """Every secret the task's clientRequests hold, to mask in whatever leaves the module."""
    sources = [params['client_request'], params['start_parameter']]
    sources += [entry.get('client_request') for entry in params['recordings'] or []]
    return every_form([value for source in sources for value in secret_values(source)])


def with_secrets(redactor: Redactor, secrets: list[str]) -> Redactor:
    return Redactor(sorted(set(redactor.values) | set(secrets), key=len, reverse=True))


# -- the calls ------------------------------------------------------------------------------------------------------

def acquire_call(request: StartRequest) -> Call:
    path = '/v1/apps/%s/cloud_recording/acquire' % quote(request.app_id, safe='')
    body = {'cname': request.cname, 'uid': request.uid, 'clientRequest': request.acquire_request}
    return Call(request.placeholder(), 'POST', path, body,
                lambda answer: classify_acquire_answer(answer, request.cname, request.uid), False,
                'Acquiring a resource ID for %s failed' % request.label())


def undecided_start(request: StartRequest, resource_id: str) -> str:
    """What a start that may have taken effect, with no sid known, leaves the operator to do."""
    return ('The start may have taken effect: a recording of %s with resource ID %s may be running and billing, and '
            'Agora has not named its sid. Do not start it with another uid. Run the task again: Agora refuses a second '
            'recording of this channel and uid (code 53) while this one runs, and the task then says so; or find its '
            'sid in Agora\'s notifications (event 40, recorder started) or Agora Console. It idles out after '
            'recordingConfig.maxIdleTime without anyone in the channel.' % (request.label(), resource_id))


def start_call(request: StartRequest, resource_id: str) -> Call:
    recording = request.placeholder(resource_id)
    parts = ('v1', 'apps', request.app_id, 'cloud_recording', 'resourceid', resource_id, 'mode', request.mode, 'start')
    path = '/' + '/'.join(quote(part, safe='') for part in parts)
    body = {'cname': request.cname, 'uid': request.uid, 'clientRequest': request.client_request}
    return Call(recording, 'POST', path, body, lambda answer: classify_start_answer(answer, resource_id), True,
                'Starting the recording of %s with resource ID %s failed' % (request.label(), resource_id),
                undecided=(undecided_start(request, resource_id), 'Nothing was started: run the task again (a re-run is safe).'))


@dataclass(frozen=True)
class Started:
    """A recording that runs: who it is, how it was settled, and whether this run started it."""

    recording: Recording
    started_at: str | None
    outcome: str
    outcome_of: Decision | None
    inferred: bool = False


def acquire(client: AgoraClient, request: StartRequest) -> str:
    outcome = client.decide(acquire_call(request))
    resource_id = str(outcome.verdict.server_response['resourceId'])
    if not RESOURCE_ID_PATTERN.match(resource_id):
        raise AgoraError('Acquiring a resource ID for %s gave %s, which is no resource ID of Agora\'s: check api_base_url '
                         'and any proxy in between. Nothing was started.' % (request.label(), _shown(resource_id)),
                         outcome.http_status, outcome.attempts, outcome.host)
    return resource_id


def _confirm(client: AgoraClient, recording: Recording, request: StartRequest, why: str) -> bool:
    """Whether Agora's query says the recording named by a code 7 or 53 answer runs."""
    try:
        return client.query(recording).verdict.kind == Kind.RUNNING
    except AgoraError as exc:
        raise AgoraError('%s, but querying it (sid %s, resource ID %s) failed: %s. %s'
                         % (why, recording.sid, recording.resource_id, exc, undecided_start(request, recording.resource_id)),
                         exc.http_status, exc.attempts, exc.host, may_have_acted=True)


def _named(body: Any) -> tuple[str, str]:
    """The sid and resource ID an answer names, each '' unless it is one Agora could have issued."""
    body = body if isinstance(body, dict) else {}
    sid, resource_id = str(body.get('sid') or ''), str(body.get('resourceId') or '')
    return (sid if SID_PATTERN.match(sid) else '', resource_id if RESOURCE_ID_PATTERN.match(resource_id) else '')


def start(client: AgoraClient, request: StartRequest, resource_id: str) -> Started:
    """Start with this resource ID, retrying with the same one, and settle what Agora's answers say; never a second one."""
    outcome = client.decide(start_call(request, resource_id))
    verdict = outcome.verdict
    sid, named_resource = _named(verdict.server_response)
    if verdict.kind == Kind.STARTED:
        if not sid:
            raise AgoraError('Starting the recording of %s answered sid %s, which is no sid of Agora\'s. %s'
                             % (request.label(), _shown(verdict.server_response.get('sid')),
                                undecided_start(request, resource_id)), outcome.http_status, outcome.attempts,
                             outcome.host, may_have_acted=True)
        return Started(request.placeholder(resource_id, sid), utc_now(), Outcomes.STARTED, outcome)
    if verdict.kind == Kind.ALREADY_STARTED:
        # Nobody else knows a resource ID this run acquired: an earlier attempt's start took effect.
        why = ('Agora says resource ID %s has started a recording already (%s): this run\'s start took effect although '
               'its answer was lost' % (resource_id, verdict.reason))
        if sid and _confirm(client, request.placeholder(resource_id, sid), request, why):
            return Started(request.placeholder(resource_id, sid), utc_now(), Outcomes.STARTED, outcome, inferred=True)
        named = ('the sid it names (%s) does not run now' % sid) if sid else 'Agora did not name its sid'
        raise AgoraError('%s; %s. %s' % (why, named, undecided_start(request, resource_id)),
                         outcome.http_status, outcome.attempts, outcome.host, may_have_acted=True)
    # Kind.CONFLICT: a recording of this channel and uid runs; this run's, or one started before it.
    ours = named_resource == resource_id
    why = ('Agora says a recording of %s runs already (%s)' % (request.label(), verdict.reason))
    if sid and named_resource and _confirm(client, request.placeholder(named_resource, sid), request, why):
        if ours:
            return Started(request.placeholder(resource_id, sid), utc_now(), Outcomes.STARTED, outcome, inferred=True)
        return Started(request.placeholder(named_resource, sid), None, Outcomes.ALREADY_RUNNING, outcome)
    may_be_ours = outcome.attempts > 1 and not named_resource
    found = ('the recording it names (sid %s) does not run now' % sid) if sid and named_resource else 'it names no sid to find it by'
    raise AgoraError('%s, and %s. %s'
                     % (why, found, undecided_start(request, resource_id) if may_be_ours else
                        'It was not started by this run (resource ID %s never started): stop it with its sid (from the '
                        'ledger, or the application that started it), or record with another uid.' % resource_id),
                     outcome.http_status, outcome.attempts, outcome.host, may_have_acted=may_be_ours)


# -- one recording, with the ledger ---------------------------------------------------------------------------------

def _ledger_recording(entry: dict[str, Any], request: StartRequest) -> Recording | None:
    """The recording a ledger entry names, or None when its ids are not ones Agora could have issued."""
    resource_id, sid = str(entry.get('resource_id') or ''), str(entry.get('sid') or '')
    if not (RESOURCE_ID_PATTERN.match(resource_id) and SID_PATTERN.match(sid)):
        return None
    return request.placeholder(resource_id, sid)


def running_from_ledger(client: AgoraClient, ledger: Ledger | None, request: StartRequest) -> Started | None:
    """The ledger's recording of this channel, uid and mode when Agora says it is alive; None when there is none or it
    has ended (Agora's 404 after the not_found_recheck window, or a query status of a recording that ends)."""
    entry = ledger.find_running(request.app_id, request.cname, request.uid, request.mode) if ledger else None
    recording = _ledger_recording(entry, request) if entry else None
    if recording is None:
        return None
    try:
        outcome = client.query(recording)
    except AgoraError as exc:
        raise AgoraError('The ledger holds a recording of %s (sid %s), and querying it failed: %s Nothing was started: a '
                         'second recording must not start while this one may run. Run the task again.'
                         % (request.label(), recording.sid, exc), exc.http_status, exc.attempts, exc.host)
    if outcome.verdict.kind == Kind.RUNNING:
        return Started(recording, entry.get('started_at'), Outcomes.ALREADY_RUNNING, outcome)
    return None


def start_result(request: StartRequest, started: Started | None, check_mode: bool = False) -> dict[str, Any]:
    """One recording's result. ``recording``: exactly what the stop, info and start modules take, or None in check mode
    for a recording that would be started."""
    recording = None
    if started is not None:
        found = started.recording
        recording = {'app_id': found.app_id, 'resource_id': found.resource_id, 'sid': found.sid, 'mode': found.mode,
                     'cname': found.cname, 'uid': found.uid, 'started_at': started.started_at}
    outcome = started.outcome_of if started is not None else None
    return dict(request.identity(), outcome=started.outcome if started is not None else Outcomes.STARTED,
                recording=recording, inferred=started.inferred if started is not None else False,
                attempts=outcome.attempts if outcome is not None else 0, api_host=outcome.host if outcome is not None else None,
                check_mode=check_mode, failed=False)


def start_one(client: AgoraClient, ledger: Ledger | None, request: StartRequest, check_mode: bool) -> dict[str, Any]:
    """Start one recording unless the ledger's runs (check mode: say which would happen), and write it down."""
    running = running_from_ledger(client, ledger, request)
    if running is not None or check_mode:
        return start_result(request, running, check_mode)
    resource_id = acquire(client, request)
    try:
        started = start(client, request, resource_id)
    except AgoraError as exc:
        if exc.may_have_acted and ledger is not None:
            ledger.record_unsettled(request.identity(), resource_id, 'the start may have taken effect; Agora named no sid')
        raise
    result = start_result(request, started)
    if ledger is not None:
        try:
            ledger.record_started(result['recording'])
        except AgoraError as exc:
            raise LedgerNotWritten(result, '%s started (sid %s, resource ID %s), but %s: add it to the ledger by hand, '
                                           'or stop it, before anything else.'
                                   % (request.label(), started.recording.sid, started.recording.resource_id, exc))
    return result


class LedgerNotWritten(AgoraError):
    """A recording started but the ledger could not record it: the result must still carry it."""

    def __init__(self, result: dict[str, Any], message: str) -> None:
        super().__init__(message)
        self.result = result


def failed_start_result(request: StartRequest, error: AgoraError) -> dict[str, Any]:
    """An entry of a batch that failed: who it was, why, and the recording when one started nonetheless."""
    if isinstance(error, LedgerNotWritten):
        return dict(error.result, failed=True, msg=str(error))
    return dict(request.identity(), outcome=None, recording=None, inferred=False, attempts=error.attempts,
                api_host=error.host, check_mode=False, failed=True, msg=str(error))


def is_started(result: dict[str, Any]) -> bool:
    return not result['failed'] and result['outcome'] == Outcomes.STARTED


def summarize_starts(results: list[dict[str, Any]]) -> dict[str, Any]:
    done = [result for result in results if not result['failed']]
    return {
        'total': len(results),
        'outcome': {name: sum(1 for result in done if result['outcome'] == name) for name in Outcomes.ALL},
        'failed': len(results) - len(done),
    }


def start_failure_message(results: list[dict[str, Any]], check_mode: bool) -> str:
    failed = [result for result in results if result['failed']]
    if check_mode:
        head = '%d of %d recordings could not be checked (check mode: nothing was started). Each failure:'
    else:
        head = ('%d of %d recordings could not be started; the others run (see recordings). Each failure, with what to '
                'do:')
    lines = [head % (len(failed), len(results))]
    lines += ['- channel %s (uid %s): %s' % (result['cname'], result['uid'], result['msg']) for result in failed]
    return '\n'.join(lines)

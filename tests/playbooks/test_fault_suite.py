# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fault and abuse suite: hostile input, hostile answers and interruptions, through ansible-playbook at -vvv.

For every case: no Python error reaches the user; the outcome is right, or the message names the option; invalid input
sends no request; no recording is reported stopped while the simulator still records it; and neither the secret, nor
the ``id:secret`` pair, nor its base64 Basic token appears in stdout, the Ansible log, the registered results, the
report files or the journal.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable


from agora_simulator import (
    AgoraSimulator,
    Fault,
    backend_timeout,
    connection_reset,
    echo_credentials,
    gateway_html,
    nested_json,
    not_agora_200,
    rate_limited,
    server_error,
    trickling,
)
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET

BIN = os.path.dirname(sys.executable)
PAIR = '%s:%s' % (CUSTOMER_ID, CUSTOMER_SECRET)
SECRET_FORMS = (CUSTOMER_SECRET, PAIR, base64.b64encode(PAIR.encode()).decode())
# What a Python error looks like once Ansible has it: a traceback, Ansible's MODULE FAILURE (the module crashed), the
# module_stderr it then returns, or this collection's own boundary catching a surprise.
PYTHON_ERRORS = ('Traceback', 'MODULE FAILURE', 'module_stderr', 'Unexpected error (')


@dataclass
class Case:
    """One hostile situation: how to prepare the simulator, what the task adds, and what must come of it."""

    id: str
    prepare: Callable[[AgoraSimulator, Any], None] = lambda simulator, recording: None
    args: dict[str, Any] = field(default_factory=dict)
    # The outcome it must end with, or words its failure message must hold (the option it names, most often).
    outcome: str | None = None
    message: tuple[str, ...] = ()
    seed: dict[str, Any] = field(default_factory=dict)


def echoing_agora_answer(recording):
    """Agora's 200 for the stop, carrying the credentials in every form, as a misbehaving service might."""
    server_response = {'uploadingStatus': 'uploaded', 'echo': 'Basic %s' % SECRET_FORMS[2], 'pair': PAIR}
    return Fault(status=200, after=True, sid=recording.sid, body=dict(recording.identity(), serverResponse=server_response))


BAD_INPUT = [
    Case('sid-with-dot-dot', args={'sid': '../../acquire'}, message=('sid must be the sid that start returned',)),
    Case('sid-with-slash', args={'sid': 'a/b'}, message=('sid must be',)),
    Case('sid-with-query', args={'sid': 'abc?x=1'}, message=('sid must be',)),
    Case('sid-dot', args={'sid': '.'}, message=('sid must be',)),
    Case('resource-id-dot-dot', args={'resource_id': '..'}, message=('resource_id must be',)),
    Case('app-id-not-hex', args={'app_id': 'my-app'}, message=("app_id must be Agora's App ID",)),
    Case('uid-float', args={'uid': 527841.5}, message=('uid must be a whole number', '(float)')),
    Case('uid-list', args={'uid': [527841]}, message=('uid must be a whole number', '(list)')),
    Case('uid-zero', args={'uid': 0}, message=('uid must be a whole number from 1 to 4294967295',)),
    Case('cname-slash', args={'cname': 'hall/1'}, message=('cname must be an Agora channel name',)),
    Case('mode-unknown', args={'mode': 'composite'}, message=('mode',)),
    Case('timeout-absurd', args={'timeout': 10000000000}, message=('timeout must be between 1 and 600',)),
    Case('retry-delays-nan', args={'retry_delays': ['nan']}, message=('retry_delays must be a finite number',)),
    Case('retry-delays-inf', args={'retry_delays': ['inf']}, message=('retry_delays must be a finite number',)),
    Case('retry-delays-huge', args={'retry_delays': [1e12]}, message=('retry_delays must be between',)),
    Case('recheck-absurd', args={'not_found_recheck': 10 ** 12}, message=('not_found_recheck must be between 0 and 600',)),
    Case('base-url-bad-port', args={'api_base_url': 'https://api.sd-rtn.com:99999'}, message=('api_base_url has an invalid host or port',)),
    Case('base-url-newline', args={'api_base_url': 'https://api.sd-rtn.com/\nx'}, message=('api_base_url must be a URL without spaces',)),
    Case('secret-non-ascii', args={'customer_secret': 'another-secret-\u20ac'},
         message=('customer_secret holds characters that HTTP Basic authentication cannot carry',)),
    Case('id-with-colon', args={'customer_id': 'id:x'}, message=('customer_id holds characters',)),
    Case('batch-rate-tiny', args={'batch': True, 'rate_limit': 1e-9}, message=('rate_limit must be 0 or between 0.1 and 1000',)),
    Case('batch-concurrency-absurd', args={'batch': True, 'concurrency': 10 ** 8}, message=('concurrency must be between 1 and 1000',)),
    Case('batch-entry-sid', args={'batch': True, 'entry': {'sid': 'x#y'}}, message=('recordings[0]: sid must be',)),
]

HOSTILE_ANSWERS = [
    Case('echoed-credentials-400', lambda sim, rec: sim.add_fault(echo_credentials(400, sid=rec.sid)), message=('HTTP 400',)),
    Case('echoed-credentials-200', lambda sim, rec: sim.add_fault(echo_credentials(200, sid=rec.sid)),
         message=("which is not Agora's answer", "the recording's state is unknown")),
    Case('empty-object-200', lambda sim, rec: sim.add_fault(not_agora_200({}, sid=rec.sid)), message=("not Agora's answer",)),
    Case('proxy-ok-200', lambda sim, rec: sim.add_fault(not_agora_200({'message': 'ok'}, sid=rec.sid)), message=("not Agora's answer",)),
    Case('another-recordings-200', lambda sim, rec: sim.add_fault(not_agora_200({'sid': '0' * 32, 'resourceId': 'x'}, sid=rec.sid)),
         message=('it names another recording',)),
    Case('nested-json-200', lambda sim, rec: sim.add_fault(Fault(status=200, body=nested_json(50000), sid=rec.sid)),
         message=("not Agora's answer about this recording (it is not a JSON object)",)),
    Case('dropped-after-effect', lambda sim, rec: sim.add_fault(Fault(drop=True, after=True, sid=rec.sid)), outcome='stopped'),
    Case('reset-after-effect', lambda sim, rec: sim.add_fault(Fault(reset=True, after=True, sid=rec.sid)), outcome='stopped'),
    Case('reset-before-effect', lambda sim, rec: sim.add_fault(connection_reset(sid=rec.sid)), outcome='stopped'),
    Case('504-code-62-after-effect', lambda sim, rec: sim.add_fault(server_error(504, after=True, sid=rec.sid)), outcome='stopped'),
    Case('html-502-after-effect', lambda sim, rec: sim.add_fault(gateway_html(502, after=True, sid=rec.sid)), outcome='stopped'),
    Case('206-65-after-effect', lambda sim, rec: sim.add_fault(backend_timeout(after=True, sid=rec.sid)), outcome='stopped'),
    Case('trickling-answer', lambda sim, rec: sim.add_fault(trickling(0.3, sid=rec.sid)), args={'timeout': 2}, outcome='stopped'),
    Case('huge-retry-after', lambda sim, rec: sim.add_fault(rate_limited(retry_after='99999999', sid=rec.sid, times=None)),
         args={'retries': 0}, message=('gave up after 1 attempts', 'HTTP 429')),
    Case('failover-404-then-alive', lambda sim, rec: sim.fail_over(rec.sid, 3.0), args={'not_found_recheck': 30}, outcome='stopped'),
    Case('already-ended', outcome='already_stopped', seed={'state': 'ended'}),
    Case('echo-inside-agoras-answer', lambda sim, rec: sim.add_fault(echoing_agora_answer(rec)), outcome='stopped'),
]


def playbook_for(cases: list[Case], simulator: AgoraSimulator, recordings: list[Any]) -> tuple[str, dict[str, Any]]:
    """A playbook with one task per case (failures ignored), then one that writes every registered result to a file."""
    tasks, extra_vars = [], {}
    for number, (case, recording) in enumerate(zip(cases, recordings)):
        args = dict(case.args)
        batch, entry = args.pop('batch', False), args.pop('entry', {})
        identity = dict(recording.describe(), **entry)
        if batch:
            args['recordings'] = [identity]
        else:
            args.update({key: value for key, value in identity.items() if key not in args})
        tasks.append({'name': 'case %s' % case.id, 'agora.cloud_recording.agora_cloud_recording_stop': args,
                      'register': 'case_%d' % number, 'ignore_errors': True})
    names = ', '.join("'%d': case_%d" % (number, number) for number in range(len(cases)))
    tasks.append({'name': 'Write every registered result', 'ansible.builtin.copy': {
        'dest': '{{ results_file }}', 'content': '{{ {%s} | ansible.builtin.to_nice_json }}' % names, 'mode': '0600'}})
    play = [{'name': 'Fault suite', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks, 'module_defaults': {
        'group/agora.cloud_recording.all': {'customer_id': '{{ agora_customer_id }}', 'customer_secret': '{{ agora_customer_secret }}',
                                            'api_base_url': simulator.url, 'retry_delays': [0.05], 'timeout': 10}}}]
    extra_vars.update(agora_customer_id=CUSTOMER_ID, agora_customer_secret=CUSTOMER_SECRET)
    return json.dumps(play), extra_vars


def run_playbook(collections_path, tmp_path, playbook_text, extra_vars, expect_failure=None, env=None, name='play'):
    """Run a playbook at -vvv with an Ansible log; return stdout+stderr, the log, and the results file when written."""
    playbook = tmp_path / ('%s.yml' % name)
    playbook.write_text(playbook_text)
    vars_file = tmp_path / ('%s-vars.json' % name)
    results_file = tmp_path / ('%s-results.json' % name)
    log_file = tmp_path / ('%s-ansible.log' % name)
    vars_file.write_text(json.dumps(dict(extra_vars, results_file=str(results_file))))
    child_env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_'))}
    child_env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                     ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1',
                     ANSIBLE_HOME=str(tmp_path / 'ansible-home'), ANSIBLE_LOG_PATH=str(log_file), **(env or {}))
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook),
                           '-e', '@%s' % vars_file, '-vvv'], capture_output=True, text=True, env=child_env, timeout=600,
                          check=False)
    output = proc.stdout + proc.stderr
    if expect_failure is not None:
        assert (proc.returncode != 0) == expect_failure, output[-4000:]
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    return output, log_file.read_text() if log_file.exists() else '', results


def assert_nothing_leaked(*texts):
    for text in texts:
        for form in SECRET_FORMS:
            assert form not in text
        for error in PYTHON_ERRORS:
            assert error not in text


def reported_stopped(result):
    if 'recordings' in result:
        return [item['sid'] for item in result['recordings'] if item.get('outcome') == 'stopped']
    recording = result.get('recording') or {}
    return [recording['sid']] if recording.get('outcome') == 'stopped' else []


def assert_no_false_stop(simulator, results):
    for result in results.values():
        for sid in reported_stopped(result):
            assert simulator.recording(sid).state != 'recording', 'sid %s reported stopped but still recording' % sid


def test_hostile_input_is_refused_before_any_request(collections_path, tmp_path, simulator):
    recordings = [simulator.seed(**case.seed) for case in BAD_INPUT]
    playbook, extra_vars = playbook_for(BAD_INPUT, simulator, recordings)
    output, log, results = run_playbook(collections_path, tmp_path, playbook, extra_vars, expect_failure=False)
    assert_nothing_leaked(output, log, json.dumps(results))
    assert simulator.received == []
    for number, case in enumerate(BAD_INPUT):
        result = results[str(number)]
        assert result['failed'] is True, case.id
        for words in case.message:
            assert words in result['msg'], (case.id, result['msg'])


def test_hostile_answers_get_the_right_outcome_and_never_leak(collections_path, tmp_path, simulator):
    recordings = [simulator.seed(**case.seed) for case in HOSTILE_ANSWERS]
    for case, recording in zip(HOSTILE_ANSWERS, recordings):
        case.prepare(simulator, recording)
    playbook, extra_vars = playbook_for(HOSTILE_ANSWERS, simulator, recordings)
    output, log, results = run_playbook(collections_path, tmp_path, playbook, extra_vars, expect_failure=False)
    assert_nothing_leaked(output, log, json.dumps(results))
    # The echoing answers did put every form of the credentials in front of the module: they come back masked.
    echoed = results[str(len(HOSTILE_ANSWERS) - 1)]['recording']['server_response']
    assert (echoed['echo'], echoed['pair']) == ('********', '********')
    assert_no_false_stop(simulator, results)
    for number, case in enumerate(HOSTILE_ANSWERS):
        result = results[str(number)]
        if case.outcome:
            assert result.get('failed') is not True and result['recording']['outcome'] == case.outcome, (case.id, result.get('msg'))
        else:
            assert result['failed'] is True, case.id
            for words in case.message:
                assert words in result['msg'], (case.id, result['msg'])


ROLE_PLAY = '''---
- name: Tear down an event with the role
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/agora.cloud_recording.all:
      customer_id: "{{ agora_customer_id }}"
      customer_secret: "{{ agora_customer_secret }}"
      retry_delays: [0.05]
  roles:
    - role: agora.cloud_recording.recording_teardown
'''


def report_texts(report_dir):
    return [open(os.path.join(report_dir, name), encoding='utf-8').read() for name in sorted(os.listdir(report_dir))]


def test_the_roles_reports_never_hold_an_echoed_credential(collections_path, tmp_path, simulator):
    echo, fine, fake_ok = simulator.seed(), simulator.seed(), simulator.seed()
    simulator.add_fault(echo_credentials(400, sid=echo.sid, times=None))
    simulator.add_fault(not_agora_200({'message': 'ok %s' % CUSTOMER_SECRET}, sid=fake_ok.sid, times=None))
    simulator.add_fault(Fault(status=200, after=True, sid=fine.sid, body=dict(
        fine.identity(), serverResponse={'uploadingStatus': 'uploaded', 'echo': 'Basic %s' % SECRET_FORMS[2]})))
    report_dir = str(tmp_path / 'report')
    extra_vars = {'agora_customer_id': CUSTOMER_ID, 'agora_customer_secret': CUSTOMER_SECRET,
                  'recording_teardown_report_dir': report_dir, 'recording_teardown_not_found_recheck': 0,
                  'recording_teardown_recordings': [item.describe() for item in (echo, fine, fake_ok)]}
    output, log, dummy = run_playbook(collections_path, tmp_path, ROLE_PLAY, extra_vars, expect_failure=True,
                                      env={'AGORA_API_BASE_URL': simulator.url})
    texts = report_texts(report_dir)
    assert_nothing_leaked(output, log, *texts)
    report = json.loads(open(os.path.join(report_dir, 'teardown-report.json'), encoding='utf-8').read())
    assert [item['failed'] for item in report['recordings']] == [True, False, True]
    assert 'HTTP 400' in report['recordings'][0]['msg'] and report['recordings'][1]['server_response']['echo'] == '********'
    assert 'HTTP 200, "ok ********", which is not Agora\'s answer' in report['recordings'][2]['msg']
    assert simulator.recording(fake_ok.sid).state == 'recording'


def test_an_interrupted_teardown_keeps_what_it_learned(collections_path, tmp_path):
    """Ctrl-C midway: stops in flight finish, the journal keeps them, and the next run's report uses it."""
    simulator = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, upload_time=0.6).start()
    try:
        recordings = [simulator.seed() for dummy in range(12)]
        report_dir = tmp_path / 'report'
        extra_vars = {'agora_customer_id': CUSTOMER_ID, 'agora_customer_secret': CUSTOMER_SECRET,
                      'recording_teardown_report_dir': str(report_dir), 'recording_teardown_concurrency': 2,
                      'recording_teardown_require_upload': True,
                      'recording_teardown_recordings': [item.describe() for item in recordings]}
        journal = report_dir / 'teardown-journal.jsonl'
        first = interrupt_when(collections_path, tmp_path, extra_vars, simulator, lambda: journal.exists() and
                               journal.read_text().count('\n') >= 3)
        stopped = settled(simulator, recordings, journal)
        journaled = [json.loads(line) for line in journal.read_text().splitlines()]
        assert_nothing_leaked(first, journal.read_text())
        # Every recording stopped is in the journal, as stopped, and nothing else is: none was lost track of.
        assert {entry['sid'] for entry in journaled} == stopped
        assert all(entry['outcome'] == 'stopped' for entry in journaled)
        assert 3 <= len(stopped) < len(recordings)

        output, log, dummy = run_playbook(collections_path, tmp_path, ROLE_PLAY, extra_vars, expect_failure=False,
                                          env={'AGORA_API_BASE_URL': simulator.url}, name='rerun')
        assert_nothing_leaked(output, log, *report_texts(str(report_dir)))
        report = json.loads((report_dir / 'teardown-report.json').read_text())
        by_sid = {item['sid']: item for item in report['recordings']}
        for entry in journaled:
            assert (by_sid[entry['sid']]['upload_status'], by_sid[entry['sid']]['skipped']) == ('uploaded', True)
        assert report['summary']['failed'] == 0 and report['summary']['upload_status']['uploaded'] == len(recordings)
        assert not journal.exists()
        assert simulator.stats()['still_recording'] == 0
    finally:
        simulator.stop()


def settled(simulator, recordings, journal, seconds=30):
    """The sids stopped once the interrupted module has finished its stops in flight and journaled them."""
    deadline = time.monotonic() + seconds
    while True:
        stopped = {item.sid for item in recordings if simulator.recording(item.sid).state != 'recording'}
        journaled = journal.read_text().count('\n') if journal.exists() else 0
        if (len(stopped) == journaled and len(simulator.requests_for('stop')) == journaled) or time.monotonic() > deadline:
            return stopped
        time.sleep(0.1)


def interrupt_when(collections_path, tmp_path, extra_vars, simulator, ready):
    """Start the role, send Ctrl-C to the whole process group once ``ready()``, and return what it printed."""
    (tmp_path / 'role.yml').write_text(ROLE_PLAY)
    vars_file = tmp_path / 'role-vars.json'
    vars_file.write_text(json.dumps(extra_vars))
    env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_'))}
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR='1',
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_HOME=str(tmp_path / 'ansible-home'), AGORA_API_BASE_URL=simulator.url)
    proc = subprocess.Popen([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(tmp_path / 'role.yml'),
                             '-e', '@%s' % vars_file, '-vvv'], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not ready() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, 'the teardown ended before it could be interrupted'
    os.killpg(proc.pid, signal.SIGINT)
    output, dummy = proc.communicate(timeout=120)
    assert proc.returncode != 0
    return output

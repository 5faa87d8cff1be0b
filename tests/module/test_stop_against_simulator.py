# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The real module, run as Ansible runs it (a process reading its arguments as JSON), against the simulator over HTTP.

This tier holds what needs real HTTP: Agora's answer shapes as the simulator sends them, the request on the wire,
faults of the connection itself, TLS, and options that come from the environment. The decisions (retries, re-checks,
fallback order) are tested in process, in tests/unit/plugins/module_utils/test_client.py.
"""

from __future__ import annotations

import base64
import json
import socket

import pytest

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, run_module
from agora_simulator import (
    AgoraSimulator,
    Fault,
    gateway_404,
    not_json,
    proxy_404_html,
    rate_limited,
    server_error,
)

FAST_RETRIES = [0.01]


def stop_args(simulator, recording, **extra):
    args = dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, api_base_url=simulator.url,
                retry_delays=FAST_RETRIES, **recording.describe())
    args.update(extra)
    return args


def stop(simulator, recording, check_mode=False, **extra):
    return run_module(stop_args(simulator, recording, **extra), check_mode=check_mode)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class TestStopped:
    def test_mix_stop_reports_files_and_sets_the_fact(self, simulator):
        recording = simulator.seed(mode='mix', cname='main-stage', file_list_mode='json')
        result = stop(simulator, recording)
        assert result['changed'] is True
        rec = result['recording']
        assert (rec['outcome'], rec['upload_status'], rec['http_status'], rec['attempts']) == ('stopped', 'uploaded', 200, 1)
        assert [item['filename'] for item in rec['files']] == [
            '%s_main-stage.m3u8' % recording.sid, '%s_main-stage_0.mp4' % recording.sid]
        assert rec['files'][0]['mixed_all_user'] is True and rec['files'][0]['uid'] == '0'
        assert rec['server_response']['uploadingStatus'] == 'uploaded'
        assert result['ansible_facts']['agora_cloud_recording'] == rec
        assert {key: rec[key] for key in recording.describe()} == recording.describe()

    def test_request_is_agoras_documented_stop(self, simulator):
        recording = simulator.seed(mode='individual', uid='527841')
        stop(simulator, recording, uid=527841)
        (request,) = simulator.requests_for('stop')
        assert request.path == '/v1/apps/%s/cloud_recording/resourceid/%s/sid/%s/mode/individual/stop' % (
            recording.app_id, recording.resource_id, recording.sid)
        assert request.body == {'cname': recording.cname, 'uid': '527841', 'clientRequest': {'async_stop': False}}
        assert request.headers['content-type'] == 'application/json'
        expected = base64.b64encode(('%s:%s' % (CUSTOMER_ID, CUSTOMER_SECRET)).encode()).decode()
        assert request.headers['authorization'] == 'Basic ' + expected

    def test_individual_files(self, simulator):
        rec = stop(simulator, simulator.seed(mode='individual'))['recording']
        assert len(rec['files']) == 4
        assert {(item['uid'], item['track_type']) for item in rec['files']} == {
            ('1001', 'audio'), ('1001', 'video'), ('1002', 'audio'), ('1002', 'video')}

    @pytest.mark.parametrize('payload_key', ['playload', 'payload'])
    def test_web_reads_both_spellings(self, payload_key):
        sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, web_payload_key=payload_key).start()
        try:
            recording = sim.seed(mode='web', upload_status='backuped')
            rec = stop(sim, recording)['recording']
        finally:
            sim.stop()
        assert (rec['outcome'], rec['upload_status']) == ('stopped', 'backuped')
        assert rec['files'] == [{'filename': '%s_%s_0.mp4' % (recording.sid, recording.cname), 'track_type': None, 'uid': None,
                                 'mixed_all_user': None, 'is_playable': None, 'slice_start_time': recording.started_ms}]

    def test_mix_hls_only_gives_one_playlist_name(self, simulator):
        recording = simulator.seed(mode='mix', file_list_mode='string')
        rec = stop(simulator, recording)['recording']
        assert [item['filename'] for item in rec['files']] == ['%s_%s.m3u8' % (recording.sid, recording.cname)]
        assert rec['server_response']['fileListMode'] == 'string'

    def test_snapshots_give_status_without_files(self, simulator):
        rec = stop(simulator, simulator.seed(mode='individual', file_list_mode='none'))['recording']
        assert (rec['upload_status'], rec['files']) == ('uploaded', [])

    def test_older_unknow_spelling(self, simulator):
        rec = stop(simulator, simulator.seed(upload_status='unknow'))['recording']
        assert (rec['outcome'], rec['upload_status']) == ('stopped', 'unknown')

    def test_async_stop_is_pending(self, simulator):
        recording = simulator.seed(mode='individual')
        rec = stop(simulator, recording, async_stop=True)['recording']
        assert (rec['outcome'], rec['upload_status']) == ('stopped', 'pending')
        assert simulator.requests_for('stop')[0].body['clientRequest'] == {'async_stop': True}

    def test_nobody_published_is_no_data(self, simulator):
        result = stop(simulator, simulator.seed(publishing=False))
        rec = result['recording']
        assert result['changed'] is True
        assert (rec['outcome'], rec['upload_status'], rec['files'], rec['http_status']) == ('stopped', 'no_data', [], 206)

    def test_slow_upload_206_code_50_is_pending(self, simulator):
        recording = simulator.seed()
        simulator.add_fault(Fault(status=206, body={'code': 50, 'reason': 'upload timeout'}, after=True, action='stop'))
        rec = stop(simulator, recording)['recording']
        assert (rec['outcome'], rec['upload_status'], rec['http_status']) == ('stopped', 'pending', 206)


class TestAlreadyStopped:
    def test_second_run_is_ok_not_changed(self, simulator):
        recording = simulator.seed()
        assert stop(simulator, recording)['changed'] is True
        result = stop(simulator, recording)
        rec = result['recording']
        assert result['changed'] is False
        assert (rec['outcome'], rec['upload_status'], rec['http_status'], rec['files']) == ('already_stopped', 'unknown', 404, [])
        assert result['ansible_facts']['agora_cloud_recording']['outcome'] == 'already_stopped'

    def test_stop_repeated_while_exiting_code_49(self):
        sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, exit_seconds=60).start()
        try:
            recording = sim.seed()
            stop(sim, recording)
            result = stop(sim, recording)
        finally:
            sim.stop()
        assert result['changed'] is False
        assert (result['recording']['outcome'], result['recording']['http_status']) == ('already_stopped', 400)


class TestTookEffectButTheAnswerWasLost:
    def test_timeout_whose_stop_took_effect_then_404_counts_as_stopped(self, simulator):
        recording = simulator.seed()
        simulator.add_fault(Fault(drop=True, delay=1.5, after=True, action='stop'))
        rec = stop(simulator, recording, timeout=1)['recording']
        assert (rec['outcome'], rec['upload_status'], rec['attempts']) == ('stopped', 'unknown', 2)


class TestRetries:
    @pytest.mark.parametrize('fault', [
        server_error(500), server_error(502), server_error(503), server_error(504), rate_limited(),
        Fault(drop=True), not_json(status=502),
    ], ids=['500', '502', '503', '504-code-62', '429', 'dropped-connection', '502-html'])
    def test_transient_trouble_then_success(self, simulator, fault):
        recording = simulator.seed()
        fault.times, fault.action = 2, 'stop'
        simulator.add_fault(fault)
        rec = stop(simulator, recording)['recording']
        assert (rec['outcome'], rec['upload_status'], rec['attempts']) == ('stopped', 'uploaded', 3)

    def test_slow_answer_past_the_timeout_is_retried(self, simulator):
        recording = simulator.seed()
        simulator.add_fault(Fault(status=503, body={'message': 'slow'}, delay=2, action='stop'))
        rec = stop(simulator, recording, timeout=1)['recording']
        assert (rec['outcome'], rec['attempts']) == ('stopped', 2)


class TestFailures:
    @pytest.mark.parametrize('fault', [gateway_404(), proxy_404_html(), Fault(status=404, body=None)],
                             ids=['gateway-json', 'proxy-html', 'empty'])
    def test_404_without_agora_code_is_a_configuration_error(self, simulator, fault):
        recording = simulator.seed()
        fault.action = 'stop'
        simulator.add_fault(fault)
        result = stop(simulator, recording)
        assert result['failed'] is True and 'recording' not in result
        assert 'HTTP 404' in result['msg'] and 'api_base_url' in result['msg'] and 'URL is wrong' in result['msg']
        assert len(simulator.requests_for('stop')) == 1

    def test_wrong_base_path_hits_the_gateway(self, simulator):
        recording = simulator.seed()
        result = stop(simulator, recording, api_base_url=simulator.url + '/proxy')
        assert result['failed'] is True
        assert 'HTTP 404, "no Route matched with those values"' in result['msg']

    def test_rejected_credentials_fail_without_retry(self, simulator):
        recording = simulator.seed()
        result = stop(simulator, recording, customer_secret=CUSTOMER_SECRET + '-wrong')
        assert result['failed'] is True
        assert 'HTTP 401, "Invalid authentication credentials"' in result['msg']
        assert 'credentials were rejected' in result['msg']
        assert len(simulator.received) == 1

    def test_mismatched_uid_names_code_432(self, simulator):
        recording = simulator.seed(uid='111')
        result = stop(simulator, recording, uid='222')
        assert result['failed'] is True
        assert 'HTTP 400, Agora code 432, "request parameters mismatch"' in result['msg']
        assert 'cname, uid and mode' in result['msg']

    @pytest.mark.parametrize('code, reason, advice', [
        (2, 'invalid parameter', 'check app_id'), (1001, 'failed to parse resource id', 'copied whole'),
        (1003, 'appid mismatch', 'belong to one recording'),
    ])
    def test_bad_request_codes_name_code_reason_request_id_and_advice(self, simulator, code, reason, advice):
        recording = simulator.seed()
        simulator.add_fault(Fault(status=400, body={'code': code, 'reason': reason}, headers={'X-Request-ID': 'req-%d' % code},
                                  action='stop'))
        result = stop(simulator, recording)
        assert result['failed'] is True
        assert 'HTTP 400, Agora code %d, "%s", request id req-%d' % (code, reason, code) in result['msg']
        assert advice in result['msg'] and recording.sid in result['msg']

    @pytest.mark.parametrize('body', ['<html>ok</html>', '["a"]'])
    def test_200_that_is_not_a_json_object_fails_cleanly(self, simulator, body):
        recording = simulator.seed()
        simulator.add_fault(Fault(status=200, body=body, content_type='text/html', action='stop'))
        result = stop(simulator, recording)
        assert result['failed'] is True and 'not a JSON object' in result['msg'] and 'HTTP 200' in result['msg']


class TestCheckMode:
    def test_running_recording_would_be_stopped(self, simulator):
        recording = simulator.seed()
        result = stop(simulator, recording, check_mode=True)
        assert result['changed'] is True
        assert (result['recording']['outcome'], result['recording']['upload_status']) == ('stopped', 'unknown')
        assert [request.method for request in simulator.received] == ['GET']
        assert simulator.requests_for('query')[0].path.endswith('/sid/%s/mode/mix/query' % recording.sid)
        assert simulator.recording(recording.sid).state == 'recording'


class TestConnectionOptions:
    def test_credentials_and_url_from_the_environment(self, simulator):
        recording = simulator.seed()
        env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET': CUSTOMER_SECRET, 'AGORA_API_BASE_URL': simulator.url}
        result = run_module(dict(recording.describe(), retry_delays=FAST_RETRIES), env=env)
        assert result['changed'] is True and result['recording']['outcome'] == 'stopped'

    def test_secret_from_the_file_awx_injects(self, simulator, tmp_path):
        secret_file = tmp_path / 'secret'
        secret_file.write_text(CUSTOMER_SECRET + '\n')
        recording = simulator.seed()
        env = {'AGORA_CUSTOMER_ID': CUSTOMER_ID, 'AGORA_CUSTOMER_SECRET_FILE': str(secret_file), 'AGORA_API_BASE_URL': simulator.url}
        result = run_module(dict(recording.describe(), retry_delays=FAST_RETRIES), env=env)
        assert result['recording']['outcome'] == 'stopped'

    def test_secret_from_the_file_is_masked_like_a_no_log_option(self, simulator, tmp_path):
        secret_file = tmp_path / 'secret'
        secret_file.write_text(CUSTOMER_SECRET)
        # A value that holds the secret comes back masked: Ansible knows the file's contents are secret.
        env = {'AGORA_CUSTOMER_SECRET_FILE': str(secret_file)}
        result = run_module(dict(stop_args(simulator, simulator.seed(), cname='channel-' + CUSTOMER_SECRET), customer_secret=None),
                            env=env)
        assert 'channel-********' in json.dumps(result)

    def test_http_on_ipv6_loopback_is_allowed(self):
        sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, host='::1').start()
        try:
            result = stop(sim, sim.seed())
        finally:
            sim.stop()
        assert sim.url.startswith('http://[::1]:') and result['recording']['outcome'] == 'stopped'

    def test_fallback_on_connection_failure(self, simulator):
        recording = simulator.seed()
        dead = 'http://127.0.0.1:%d' % free_port()
        result = stop(simulator, recording, api_base_url=dead, fallback_base_urls=[simulator.url])
        assert (result['recording']['outcome'], result['recording']['attempts']) == ('stopped', 2)
        assert result['recording']['api_host'] == simulator.url


@pytest.fixture(scope='module')
def self_signed(tmp_path_factory):
    """A certificate for 127.0.0.1 that no CA vouches for."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp('tls')
    cert_file, key_file = folder / 'cert.pem', folder / 'key.pem'
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


class TestTls:
    def test_untrusted_certificate_fails_saying_so(self, self_signed):
        sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, tls=self_signed).start()
        try:
            result = stop(sim, sim.seed(), retries=0)
        finally:
            sim.stop()
        assert sim.url.startswith('https://')
        assert result['failed'] is True and 'TLS failed' in result['msg'] and 'certificate is not trusted' in result['msg']
        assert sim.received == []

    def test_validate_certs_false_accepts_it(self, self_signed):
        sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, tls=self_signed).start()
        try:
            result = stop(sim, sim.seed(), validate_certs=False)
        finally:
            sim.stop()
        assert result['recording']['outcome'] == 'stopped'

    def test_trusted_through_the_ca_bundle(self, self_signed):
        sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, tls=self_signed).start()
        try:
            recording = sim.seed()
            result = run_module(stop_args(sim, recording), env={'REQUESTS_CA_BUNDLE': self_signed[0]})
        finally:
            sim.stop()
        assert result['recording']['outcome'] == 'stopped'


class TestBrokenAnswers:
    def test_answer_breaking_off_midway_is_retried(self, simulator):
        recording = simulator.seed()
        simulator.add_fault(Fault(status=200, body={'serverResponse': {'uploadingStatus': 'uploaded'}}, truncate=True,
                                  action='stop'))
        rec = stop(simulator, recording)['recording']
        assert (rec['outcome'], rec['upload_status'], rec['attempts']) == ('stopped', 'uploaded', 2)

    def test_stop_that_took_effect_before_the_answer_broke_off_counts_as_stopped(self, simulator):
        recording = simulator.seed()
        simulator.add_fault(Fault(status=200, body={'serverResponse': {}}, truncate=True, after=True, action='stop'))
        rec = stop(simulator, recording)['recording']
        assert (rec['outcome'], rec['upload_status'], rec['http_status']) == ('stopped', 'unknown', 404)


class TestKeepingTheFileList:
    def test_an_async_stop_returns_the_files_its_query_saw(self, simulator):
        recording = simulator.seed(mode='individual')
        rec = stop(simulator, recording, async_stop=True)['recording']
        assert (rec['outcome'], rec['upload_status'], rec['files_from'], len(rec['files'])) == ('stopped', 'pending', 'query', 4)
        assert [request.method for request in simulator.received] == ['GET', 'POST']

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Agora's domain failover, with the module's defaults, over HTTPS, against several simulator "domains".

The module calls Agora's real host names; the loopback resolver (tests/support/loopback_resolver) sends each to its
simulator domain on 127.0.0.1, makes a name fail like a DNS failure, and lets no lookup leave the process. The
simulator's own CA signs every domain's certificate, and the module verifies against it (REQUESTS_CA_BUNDLE).
"""

from __future__ import annotations

import pytest

from agora_simulator import AgoraSimulator
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, run_module
from loopback_resolver.resolver_env import resolver_env

NA_HOSTS = ['api.agora.io', 'api.sd-rtn.com', 'api-us-west-1.agora.io', 'api-us-east-1.agora.io',
            'api-us-west-1.sd-rtn.com', 'api-us-east-1.sd-rtn.com']


@pytest.fixture
def domains():
    sim = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, domains=NA_HOSTS, tls=True).start()
    yield sim
    sim.stop()


def run_with_agoras_domains(sim, args, **extra):
    env = dict(resolver_env(sim.resolve_map()), REQUESTS_CA_BUNDLE=sim.ca_bundle)
    module_args = dict(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, region='NA', retry_delays=[0.05], **args)
    module_args.update(extra)
    return run_module(module_args, env=env)


def hosts_asked(sim):
    return [request.domain for request in sim.received]


def test_the_primary_domain_answers_and_is_named(domains):
    recording = domains.seed()
    result = run_with_agoras_domains(domains, recording.describe())
    assert (result['recording']['outcome'], result['recording']['api_host']) == ('stopped', 'https://api.agora.io')
    assert hosts_asked(domains) == ['api.agora.io']


def test_a_primary_that_refuses_is_retried_then_left_for_the_regional_host(domains):
    domains.set_domain('api.agora.io', 'refuse')
    recording = domains.seed()
    result = run_with_agoras_domains(domains, recording.describe())
    assert (result['recording']['outcome'], result['recording']['api_host']) == ('stopped', 'https://api-us-west-1.agora.io')
    # A network failure that is not DNS skips the other global domain.
    assert hosts_asked(domains) == ['api-us-west-1.agora.io']
    assert result['recording']['attempts'] == 3


def test_a_primary_that_does_not_resolve_is_left_for_the_other_global_domain(domains):
    domains.set_domain('api.agora.io', 'dns')
    recording = domains.seed()
    result = run_with_agoras_domains(domains, recording.describe())
    assert (result['recording']['outcome'], result['recording']['api_host']) == ('stopped', 'https://api.sd-rtn.com')
    assert hosts_asked(domains) == ['api.sd-rtn.com']


def test_a_primary_that_hangs_times_out_and_the_regional_host_stops_it(domains):
    domains.set_domain('api.agora.io', 'hang')
    recording = domains.seed()
    result = run_with_agoras_domains(domains, recording.describe(), timeout=1)
    assert (result['recording']['outcome'], result['recording']['api_host']) == ('stopped', 'https://api-us-west-1.agora.io')
    assert hosts_asked(domains) == ['api.agora.io', 'api.agora.io', 'api-us-west-1.agora.io']


def test_the_host_that_answered_sticks_for_the_rest_of_the_batch(domains):
    domains.set_domain('api.agora.io', 'refuse')
    recordings = [domains.seed() for dummy in range(6)]
    result = run_with_agoras_domains(domains, {'recordings': [item.describe() for item in recordings]}, concurrency=1)
    assert [item['api_host'] for item in result['recordings']] == ['https://api-us-west-1.agora.io'] * 6
    assert hosts_asked(domains) == ['api-us-west-1.agora.io'] * 6
    assert result['summary']['outcome']['stopped'] == 6


def test_no_host_answering_fails_naming_the_last_one(domains):
    for name in NA_HOSTS:
        domains.set_domain(name, 'refuse')
    recording = domains.seed()
    result = run_with_agoras_domains(domains, recording.describe())
    assert result['failed'] is True and 'gave up after 4 attempts' in result['msg']
    assert 'could not reach Agora at https://api-us-east-1.agora.io: connection refused' in result['msg']


def test_an_untrusted_certificate_is_not_retried_on_another_host(domains):
    recording = domains.seed()
    env = resolver_env(domains.resolve_map())
    result = run_module(dict(recording.describe(), customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET, region='NA',
                             retry_delays=[0.05]), env=env)
    assert result['failed'] is True and 'retrying will not change that' in result['msg'] and result['attempts'] == 1
    assert domains.received == []

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every form in which a server can echo the secret, spelled out by hand, is masked; so are a URL's credentials."""

from __future__ import annotations

import base64

import pytest

from agora_test_support import SPECIAL_CUSTOMER_ID, SPECIAL_SECRET, echoed_secret_forms
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import (
    MASK,
    Redactor,
    secret_forms,
    url_secrets,
)

CUSTOMER_ID, SECRET = SPECIAL_CUSTOMER_ID, SPECIAL_SECRET
TOKEN = base64.b64encode((CUSTOMER_ID + ':' + SECRET).encode()).decode()
# How a careless server or proxy hands the secret back, spelled out by the tests' own rules.
ECHOED = echoed_secret_forms(CUSTOMER_ID, SECRET)


def test_the_chosen_secret_exercises_every_escape():
    assert {'+', '/'} <= set(TOKEN) and TOKEN.endswith('=')
    assert len(set(ECHOED.values())) == len(ECHOED)


@pytest.mark.parametrize('form', ECHOED.values(), ids=list(ECHOED))
def test_every_echoed_form_is_masked(form):
    redactor = Redactor(secret_forms(CUSTOMER_ID, SECRET))
    masked = redactor.text('server said: <%s> and {"echo": "%s"}' % (form, form))
    assert masked == 'server said: <%s> and {"echo": "%s"}' % (MASK, MASK)


def test_decoded_json_is_masked_in_keys_and_values():
    redactor = Redactor(secret_forms(CUSTOMER_ID, SECRET))
    assert redactor.value({SECRET: [TOKEN, {'h': 'Basic ' + TOKEN}]}) == {MASK: [MASK, {'h': MASK}]}


@pytest.mark.parametrize('url, hidden', [
    ('https://user:pa/ss@api.sd-rtn.com', ['user:pa/ss', 'pa/ss', 'pa%2Fss']),
    ('https://api.sd-rtn.com/?token=t0k3n-value&x=1', ['token=t0k3n-value&x=1', 't0k3n-value']),
    ('https://api.sd-rtn.com', []),
])
def test_a_urls_credentials_and_query_are_secrets(url, hidden):
    found = url_secrets(url)
    assert all(item in found for item in hidden) and (found == []) == (hidden == [])
    assert '1' not in found   # too short to mask on its own: it is masked within the whole query

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every form in which a server can echo the secret, spelled out by hand, is masked; so are a URL's credentials."""

from __future__ import annotations

import base64

import pytest

from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import (
    MASK,
    Redactor,
    secret_forms,
    url_secrets,
)

CUSTOMER_ID = 'ops-id'
# Chosen so that its Basic token holds "+", "/" and "=" padding, and the secret itself characters that JSON and URLs
# escape.
SECRET = 'S~3c?al/s3cr3t+wi"th\\x'
PAIR = CUSTOMER_ID + ':' + SECRET
TOKEN = base64.b64encode(PAIR.encode()).decode()


def test_the_chosen_secret_exercises_every_escape():
    assert {'+', '/'} <= set(TOKEN) and TOKEN.endswith('=')


# Written out by hand (not computed by the code under test): how a careless server or proxy hands the secret back.
ECHOED = {
    'secret': SECRET,
    'pair': PAIR,
    'basic-token': TOKEN,
    'basic-header': 'Basic ' + TOKEN,
    'token-without-padding': TOKEN.rstrip('='),
    'url-safe-token': TOKEN.replace('+', '-').replace('/', '_'),
    'url-safe-token-without-padding': TOKEN.replace('+', '-').replace('/', '_').rstrip('='),
    'token-json-escaped-slash': TOKEN.replace('/', '\\/'),
    'token-url-encoded': TOKEN.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D'),
    'token-url-encoded-lower-case': TOKEN.replace('+', '%2b').replace('/', '%2f').replace('=', '%3d'),
    'header-url-encoded-plus-for-space': 'Basic+' + TOKEN.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D'),
    'secret-json-escaped': 'S~3c?al/s3cr3t+wi\\"th\\\\x',
    'secret-json-escaped-slash': 'S~3c?al\\/s3cr3t+wi\\"th\\\\x',
    'secret-url-encoded': 'S~3c%3Fal%2Fs3cr3t%2Bwi%22th%5Cx',
    'secret-url-encoded-lower-case': 'S~3c%3fal%2fs3cr3t%2bwi%22th%5cx',
    'pair-url-encoded': 'ops-id%3AS~3c%3Fal%2Fs3cr3t%2Bwi%22th%5Cx',
}


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

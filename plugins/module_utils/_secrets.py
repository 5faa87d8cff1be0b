# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The customer secret in every form it can take, and masking it wherever text leaves the module.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Ansible masks the literal value of a ``no_log`` option, but not what is derived from it: the ``id:secret`` pair and
its base64 form travel in every request's ``Authorization`` header, and a proxy or a server that echoes the request
hands them back, maybe re-encoded (URL-safe base64, without padding, JSON-escaped, URL-encoded). Every answer is masked
as it arrives, and the module registers every form with Ansible as well.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote, quote_plus

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import Answer

MASK = '********'
PERCENT_ESCAPE = re.compile('%[0-9A-F]{2}')


# How Go's encoding/json (and others after it) escapes characters that matter in HTML.
GO_JSON_ESCAPES = (('&', '\\u0026'), ('<', '\\u003c'), ('>', '\\u003e'))


def echoed_forms(value: str) -> set[str]:
    """How a server can hand a value back: as it is, escaped inside a JSON string (``/`` as ``\\/`` too, ``&<>`` as
    Go escapes them), escaped for HTML (``&quot;``, ``&amp;``: an error page), or URL-encoded (``%2F``, ``%2f``, ``+``
    for a space)."""
    in_json = json.dumps(value)[1:-1]
    go_json = in_json
    for character, escape in GO_JSON_ESCAPES:
        go_json = go_json.replace(character, escape)
    forms = {value, in_json, in_json.replace('/', '\\/'), go_json, go_json.replace('/', '\\/'),
             html.escape(value), html.escape(value, quote=False), html.escape(value).replace('&#x27;', '&#39;')}
    for encoded in (quote(value, safe=''), quote_plus(value, safe='')):
        forms.update((encoded, PERCENT_ESCAPE.sub(lambda match: match.group(0).lower(), encoded)))
    return forms


def every_form(values: list[str]) -> list[str]:
    """Each value in every way a server can echo it (``echoed_forms``), longest first, so a longer form is masked whole."""
    forms: set[str] = set()
    for value in values:
        if value:
            forms |= echoed_forms(value)
    return sorted(forms, key=len, reverse=True)


def basic_tokens(customer_id: str, customer_secret: str) -> set[str]:
    """The base64 of ``id:secret`` as HTTP Basic sends it, and as it is echoed: URL-safe, with or without padding."""
    pair = ('%s:%s' % (customer_id, customer_secret)).encode('utf-8')
    tokens = {base64.b64encode(pair).decode('ascii'), base64.urlsafe_b64encode(pair).decode('ascii')}
    return tokens | {token.rstrip('=') for token in tokens}


def secret_forms(customer_id: str, customer_secret: str) -> list[str]:
    """Every form of the secret that HTTP Basic puts on the wire, in every way it can be echoed, longest first (so a
    longer form is masked whole)."""
    tokens = basic_tokens(customer_id, customer_secret)
    plain = {customer_secret, '%s:%s' % (customer_id, customer_secret)} | tokens | {'Basic ' + token for token in tokens}
    return every_form(sorted(plain))


# A query parameter's value shorter than this is masked only within the whole query: masking "1" everywhere would
# garble every message.
MIN_MASKED_PART = 4


def url_secrets(url: str) -> list[str]:
    """What in a URL may be a secret, in its echoed forms: the credentials before an ``@`` (and the password alone),
    the query string (and each value in it)."""
    rest = url.partition('://')[2]
    found = []
    if '@' in rest:
        userinfo = rest.rpartition('@')[0]
        found += [userinfo, userinfo.partition(':')[2]]
    query = url.partition('?')[2].partition('#')[0]
    if query:
        values = [item.partition('=')[2] for item in query.split('&')]
        found += [query] + [value for value in values if len(value) >= MIN_MASKED_PART]
    return every_form(found)


class Redactor:
    """Replaces every form of the secret in text and in decoded JSON (keys and values)."""

    def __init__(self, values: list[str]) -> None:
        self.values = [value for value in values if value]

    def text(self, value: str) -> str:
        for secret in self.values:
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def value(self, value: Any) -> Any:
        """A copy with every string masked. Answers nest a few levels at most (``decode_body`` refuses deeper)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(key): self.value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

    def answer(self, answer: Answer) -> Answer:
        return replace(answer, body=self.value(answer.body), text=self.text(answer.text),
                       request_id=self.text(answer.request_id) if answer.request_id else answer.request_id)


NO_SECRETS = Redactor([])

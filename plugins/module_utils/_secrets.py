# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The customer secret in every form it can take, and masking it wherever text leaves the module.

Private to the agora.cloud_recording collection: not an API, may change in any release.

Ansible masks the literal value of a ``no_log`` option, but not what is derived from it: the ``id:secret`` pair and
its base64 form travel in every request's ``Authorization`` header, and a proxy or a server that echoes the request
hands them back. Every answer is masked as it arrives, and the module registers every form with Ansible as well.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils._answers import Answer

MASK = '********'


def secret_forms(customer_id: str, customer_secret: str) -> list[str]:
    """Every form of the secret that HTTP Basic puts on the wire, longest first (so a longer form is masked whole)."""
    pair = '%s:%s' % (customer_id, customer_secret)
    token = base64.b64encode(pair.encode('utf-8')).decode('ascii')
    forms = {customer_secret, pair, token, 'Basic ' + token}
    return sorted((form for form in forms if form), key=len, reverse=True)


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

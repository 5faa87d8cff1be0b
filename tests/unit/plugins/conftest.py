# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the in-process tests of every plugin share."""

from __future__ import annotations

from unittest import mock

import pytest


@pytest.fixture(autouse=True, scope='session')
def one_boto3_session():
    """A boto3 session loads S3's model anew (about 0.1 s); a module run builds one, and so do the tests: one for all."""
    try:
        import boto3.session
    except ImportError:
        yield
        return
    shared = boto3.session.Session()
    with mock.patch.object(boto3.session, 'Session', lambda *args, **kwargs: shared):
        yield

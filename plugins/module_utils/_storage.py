# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The customer's bucket, seen through two calls: list one page of keys under a prefix, and read the start of an object.

Private to the agora.cloud_recording collection: not an API, may change in any release.

``Storage`` is the seam (tests swap in a fake, as the client's transport does); ``S3Storage`` reaches Amazon S3 and the
S3-compatible vendors through boto3. Every failure becomes a ``StorageError`` whose ``problem`` says what to check, with
the storage keys masked in whatever the server echoed. boto3 is imported guarded: only the module that reads buckets
needs it.
"""

from __future__ import annotations

import traceback
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import Redactor

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
except ImportError:
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None

# ListObjectsV2 answers at most 1000 keys a page.
PAGE_SIZE = 1000


class Problem(Enum):
    """What kind of failure, and so what the user should check."""

    CREDENTIALS = 'the storage keys were refused: check storage.accessKey and storage.secretKey (the pair given to Agora\'s start)'
    NO_BUCKET = 'no such bucket: check storage.bucket, and storage.region or extensionParams.endpoint (the bucket may be elsewhere)'
    PERMISSION = ('the keys may not read this bucket: they need permission to list it and read its objects '
                  '(for Amazon S3: s3:ListBucket and s3:GetObject)')
    LOCATION = 'the bucket is not at this endpoint: check storage.region (or extensionParams.endpoint)'
    THROTTLED = 'the storage asked to slow down (throttling) and kept asking after the retries'
    TOO_MANY = ('more objects under the prefix than a check may list: narrow storage.fileNamePrefix to this event\'s '
                'recordings, or check fewer recordings per task')
    UNREACHABLE = 'the storage endpoint could not be reached: check extensionParams.endpoint or storage.region and the network'
    OTHER = 'the storage answered with an error'


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    last_modified: str


@dataclass(frozen=True)
class Page:
    objects: list[StoredObject]
    next_token: str | None


class StorageError(Exception):
    """A storage failure: ``problem`` (what to check) and ``detail`` (what the storage said, keys already masked)."""

    def __init__(self, problem: Problem, detail: str) -> None:
        super().__init__('%s (%s)' % (problem.value, detail))
        self.problem = problem
        self.detail = detail

    @property
    def retryable(self) -> bool:
        return self.problem is Problem.THROTTLED


class Storage(ABC):
    """The two reads the upload check makes of a bucket.

    ``can_start_after``: whether a listing can start after a given key (S3's StartAfter); without it the check lists
    each recording's prefix on its own.
    """

    can_start_after = True

    @abstractmethod
    def list_page(self, prefix: str, token: str | None = None, start_after: str | None = None) -> Page:
        """One page (at most 1000 keys, in key order) under ``prefix``: from ``token``, or after ``start_after``."""

    @abstractmethod
    def read(self, key: str, limit: int) -> bytes:
        """The object's first ``limit`` + 1 bytes at most (one more than allowed, so that a caller sees it is too big)."""

    def close(self) -> None:
        """Release connections."""


# S3 error codes (Amazon S3 API reference, "Error responses"), grouped by what the user should check.
S3_PROBLEMS = {
    'InvalidAccessKeyId': Problem.CREDENTIALS,
    'SignatureDoesNotMatch': Problem.CREDENTIALS,
    'InvalidToken': Problem.CREDENTIALS,
    'ExpiredToken': Problem.CREDENTIALS,
    'NoSuchBucket': Problem.NO_BUCKET,
    'AccessDenied': Problem.PERMISSION,
    'AllAccessDisabled': Problem.PERMISSION,
    'PermanentRedirect': Problem.LOCATION,
    'AuthorizationHeaderMalformed': Problem.LOCATION,
    'IllegalLocationConstraintException': Problem.LOCATION,
    'SlowDown': Problem.THROTTLED,
    'ServiceUnavailable': Problem.THROTTLED,
    'RequestLimitExceeded': Problem.THROTTLED,
    'TooManyRequests': Problem.THROTTLED,
}
S3_STATUS_PROBLEMS = {301: Problem.LOCATION, 403: Problem.PERMISSION, 404: Problem.NO_BUCKET, 429: Problem.THROTTLED,
                      503: Problem.THROTTLED}


@dataclass(frozen=True)
class S3Location:
    """Where an S3 bucket is: boto3's ``endpoint_url`` (None: Amazon's, from the region) and signing region."""

    bucket: str
    region: str
    endpoint_url: str | None = None
    addressing: str = 'auto'


class S3Storage(Storage):
    """A bucket of Amazon S3 or of an S3-compatible vendor, through boto3, with bounded timeouts and no retries of its own.

    Throttling is retried by the caller on its (testable) clock, so botocore is told to try each request once.
    """

    def __init__(self, location: S3Location, access_key: str, secret_key: str, timeout: float, redactor: Redactor,
                 connections: int = 10, session_token: str | None = None) -> None:
        self.bucket = location.bucket
        self.redactor = redactor
        config = Config(connect_timeout=timeout, read_timeout=timeout, retries={'total_max_attempts': 1},
                        max_pool_connections=connections, signature_version='s3v4',
                        s3={'addressing_style': location.addressing})
        self.client = boto3.session.Session().client(
            's3', region_name=location.region, endpoint_url=location.endpoint_url, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key, aws_session_token=session_token, config=config)

    def list_page(self, prefix: str, token: str | None = None, start_after: str | None = None) -> Page:
        request: dict[str, Any] = dict(Bucket=self.bucket, Prefix=prefix, MaxKeys=PAGE_SIZE)
        if token:
            request['ContinuationToken'] = token
        elif start_after:
            request['StartAfter'] = start_after
        answer = self._call(self.client.list_objects_v2, **request)
        objects = [StoredObject(item['Key'], int(item.get('Size') or 0), timestamp(item.get('LastModified')))
                   for item in answer.get('Contents') or []]
        return Page(objects, answer.get('NextContinuationToken') if answer.get('IsTruncated') else None)

    def read(self, key: str, limit: int) -> bytes:
        answer = self._call(self.client.get_object, Bucket=self.bucket, Key=key, Range='bytes=0-%d' % limit)
        body = answer['Body']
        try:
            return body.read(limit + 1)
        except BotoCoreError as exc:
            raise self._error(exc)
        finally:
            body.close()

    def close(self) -> None:
        self.client.close()

    def _call(self, method: Any, **request: Any) -> dict[str, Any]:
        try:
            return method(**request)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc)

    def _error(self, exc: Exception) -> StorageError:
        """The failure as a StorageError; what the server said is quoted with the keys masked."""
        if isinstance(exc, ClientError):
            error = exc.response.get('Error') or {}
            code = str(error.get('Code') or '')
            status = exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')
            problem = S3_PROBLEMS.get(code) or S3_STATUS_PROBLEMS.get(status, Problem.OTHER)
            detail = 'HTTP %s %s: %s' % (status, code or 'without an error code', error.get('Message') or 'no message')
        elif isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
            problem, detail = Problem.UNREACHABLE, str(exc)
        else:
            problem, detail = Problem.OTHER, '%s: %s' % (type(exc).__name__, exc)
        # Masked before shortened: a cut must not leave part of a key unmasked.
        return StorageError(problem, short_detail(self.redactor.text(detail)))


def timestamp(value: Any) -> str:
    """boto3's datetime as ISO 8601 UTC text; anything else as text."""
    return value.isoformat() if hasattr(value, 'isoformat') else str(value or '')


def short_detail(text: str, limit: int = 300) -> str:
    """A server's message on one line and bounded: a hostile answer cannot flood the output."""
    text = ' '.join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + '...'

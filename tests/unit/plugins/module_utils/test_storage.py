# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The S3 route in this process (botocore's Stubber answers, nothing is sent) and the storage option's validation."""

from __future__ import annotations

import datetime
import io

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from ansible_collections.agora.cloud_recording.plugins.module_utils._client import AgoraError
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import MASK, Redactor
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import (
    PAGE_SIZE,
    Problem,
    S3Location,
    S3Storage,
    StorageError,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage_config import (
    SECRET_KEY_FILE_ENV,
    storage_config_from_params,
)
from ansible_collections.agora.cloud_recording.plugins.module_utils._vendors import VENDORS, vendor_region

ACCESS = 'AKIAEXAMPLEACCESS001'
SECRET = 'wJalr-Storage-Secret-Never-Print'


def s3(redacted=(ACCESS, SECRET)):
    storage = S3Storage(S3Location('bucket', 'us-east-1', 'https://s3.example.com'), ACCESS, SECRET, 5, Redactor(list(redacted)))
    return storage, Stubber(storage.client)


def test_a_page_asks_for_1000_keys_and_follows_the_token():
    storage, stub = s3()
    modified = datetime.datetime(2026, 12, 2, 21, 0, tzinfo=datetime.timezone.utc)
    stub.add_response('list_objects_v2', {'Contents': [{'Key': 'p/sid_x.m3u8', 'Size': 10, 'LastModified': modified}],
                                          'IsTruncated': True, 'NextContinuationToken': 'next'},
                      {'Bucket': 'bucket', 'Prefix': 'p/', 'MaxKeys': PAGE_SIZE, 'StartAfter': 'p/sid'})
    stub.add_response('list_objects_v2', {'IsTruncated': False},
                      {'Bucket': 'bucket', 'Prefix': 'p/', 'MaxKeys': PAGE_SIZE, 'ContinuationToken': 'next'})
    with stub:
        first = storage.list_page('p/', start_after='p/sid')
        second = storage.list_page('p/', token='next')
    assert first.next_token == 'next' and first.objects[0].last_modified == '2026-12-02T21:00:00+00:00'
    assert (second.objects, second.next_token) == ([], None)
    stub.assert_no_pending_responses()


def test_a_read_asks_for_a_range_and_reads_at_most_one_byte_more():
    storage, stub = s3()
    body = b'#EXTM3U\n' * 10
    stub.add_response('get_object', {'Body': StreamingBody(io.BytesIO(body), len(body))},
                      {'Bucket': 'bucket', 'Key': 'p/sid_x.m3u8', 'Range': 'bytes=0-16'})
    with stub:
        assert storage.read('p/sid_x.m3u8', 16) == body[:17]


@pytest.mark.parametrize('code, status, problem', [
    ('InvalidAccessKeyId', 403, Problem.CREDENTIALS),
    ('SignatureDoesNotMatch', 403, Problem.CREDENTIALS),
    ('NoSuchBucket', 404, Problem.NO_BUCKET),
    ('AccessDenied', 403, Problem.PERMISSION),
    ('PermanentRedirect', 301, Problem.LOCATION),
    ('AuthorizationHeaderMalformed', 400, Problem.LOCATION),
    ('SlowDown', 503, Problem.THROTTLED),
    ('', 503, Problem.THROTTLED),
    ('', 403, Problem.PERMISSION),
    ('InternalError', 500, Problem.OTHER),
])
def test_every_error_names_what_to_check_and_masks_the_keys_it_echoes(code, status, problem):
    storage, stub = s3()
    stub.add_client_error('list_objects_v2', service_error_code=code, http_status_code=status,
                          service_message='Refused %s with secret %s' % (ACCESS, SECRET))
    with stub, pytest.raises(StorageError) as caught:
        storage.list_page('p/')
    assert caught.value.problem is problem and caught.value.retryable == (problem is Problem.THROTTLED)
    text = str(caught.value)
    assert ACCESS not in text and SECRET not in text and MASK in text and str(status) in text


def test_an_unreachable_endpoint_says_so():
    storage = S3Storage(S3Location('bucket', 'us-east-1', 'http://127.0.0.1:9'), ACCESS, SECRET, 1, Redactor([SECRET]))
    with pytest.raises(StorageError) as caught:
        storage.list_page('p/')
    assert caught.value.problem is Problem.UNREACHABLE and 'extensionParams.endpoint' in str(caught.value)


def test_agoras_region_labels_become_the_vendors_names_and_endpoints():
    assert vendor_region('CN_North_4') == 'cn-north-4'
    assert VENDORS[1].regions[15].name == 'cn-north-1' and VENDORS[1].regions[15].endpoint is None
    assert VENDORS[2].regions[0].endpoint == 'https://s3.oss-cn-hangzhou.aliyuncs.com'
    assert VENDORS[3].regions[16].endpoint == 'https://cos.na-ashburn.myqcloud.com'
    assert VENDORS[7].regions[1].endpoint == 'https://obs.cn-north-4.myhuaweicloud.com'
    assert VENDORS[8].regions[3].endpoint == 'https://s3.gz.bcebos.com'
    assert all(vendor.sources for vendor in VENDORS.values())


def config(**storage):
    values = dict(vendor=1, region=0, bucket='event-recordings', accessKey=ACCESS, secretKey=SECRET, stsToken=None,
                  stsExpiration=None, fileNamePrefix=['events', 'spring'], extensionParams=None)
    values.update(storage)
    no_log: set[str] = set()
    return storage_config_from_params(values, no_log), no_log


def test_a_valid_configuration_for_each_route():
    amazon, no_log = config()
    assert (amazon.location.region, amazon.location.endpoint_url, amazon.base) == ('us-east-1', None, 'events/spring/')
    assert no_log == {ACCESS, SECRET} and amazon.secret_values() == sorted({ACCESS, SECRET}, key=len, reverse=True)
    alibaba = config(vendor=2, region=1)[0]
    assert (alibaba.location.region, alibaba.location.addressing) == ('cn-shanghai', 'virtual')
    google = config(vendor=6, region=None)[0]
    assert (google.location.endpoint_url, google.location.region) == ('https://storage.googleapis.com', 'auto')
    compatible = config(vendor=11, region=None, extensionParams={'endpoint': 's3.example.com'})[0]
    assert compatible.location.endpoint_url == 'https://s3.example.com'
    local = config(vendor=11, extensionParams={'endpoint': 'http://127.0.0.1:9000/'})[0]
    assert local.location.endpoint_url == 'http://127.0.0.1:9000'


@pytest.mark.parametrize('storage, message', [
    (dict(vendor=4), 'storage.vendor 4 is not one of Agora\'s storage vendors'),
    (dict(region=17), 'storage.region 17 is not one of Agora\'s region numbers for vendor 1'),
    (dict(region=None), 'storage.region is required with vendor 1'),
    (dict(vendor=2, region=18), 'storage.region 18 (EU_East_1) of vendor 2 (Alibaba Cloud OSS) has no S3 endpoint'),
    (dict(vendor=11, region=None), 'storage.extensionParams.endpoint is required with vendor 11'),
    (dict(vendor=11, extensionParams={'endpoint': 'http://s3.example.com'}), 'would send the storage keys unencrypted'),
    (dict(vendor=11, extensionParams={'endpoint': 'https://%s:%s@s3.example.com' % (ACCESS, SECRET)}), 'must not carry credentials'),
    (dict(vendor=11, extensionParams={'endpoint': 'ftp://s3.example.com'}), 'must be a host name or an https:// URL'),
    (dict(fileNamePrefix=['..', 'x']), 'storage.fileNamePrefix must be as Agora takes it'),
    (dict(fileNamePrefix=['a/b']), 'storage.fileNamePrefix must be as Agora takes it'),
    (dict(fileNamePrefix=['a' * 130]), 'storage.fileNamePrefix must be as Agora takes it'),
    (dict(bucket='../other'), 'storage.bucket must be a bucket name'),
    (dict(accessKey=None), 'storage.accessKey is not set: give it in storage'),
    (dict(secretKey=''), 'storage.secretKey is not set'),
    (dict(secretKey='with space %s' % SECRET), 'storage.secretKey holds spaces'),
])
def test_hostile_storage_options_are_refused_naming_the_key_and_never_quoting_a_key(storage, message, monkeypatch):
    monkeypatch.delenv(SECRET_KEY_FILE_ENV, raising=False)
    with pytest.raises(AgoraError) as caught:
        config(**storage)
    assert message in str(caught.value)
    assert ACCESS not in str(caught.value) and SECRET not in str(caught.value)


def test_the_secret_key_can_come_from_a_file(tmp_path, monkeypatch):
    secret_file = tmp_path / 'storage-secret'
    secret_file.write_text(SECRET + '\n')
    monkeypatch.setenv(SECRET_KEY_FILE_ENV, str(secret_file))
    loaded, no_log = config(secretKey=None)
    assert loaded.secret_key == SECRET and SECRET in no_log
    secret_file.write_text('')
    with pytest.raises(AgoraError, match='which is empty'):
        config(secretKey=None)


def test_a_storage_key_echoed_escaped_is_masked_too():
    """A storage's error page may quote the key JSON-, URL- or HTML-escaped: every form is masked, as the customer
    secret's are, and every form joins Ansible's no_log values."""
    secret = 'wJalr/Storage+Secret"<&>'
    no_log: set[str] = set()
    config = storage_config_from_params({'vendor': 1, 'region': 0, 'bucket': 'bucket', 'accessKey': ACCESS,
                                         'secretKey': secret}, no_log)
    storage, stub = s3()
    storage.redactor = Redactor(config.secret_values())
    echoed = ['wJalr%2FStorage%2BSecret%22%3C%26%3E', 'wJalr\\/Storage+Secret\\"<&>', 'wJalr/Storage+Secret&quot;&lt;&amp;&gt;']
    stub.add_client_error('list_objects_v2', service_error_code='SignatureDoesNotMatch', http_status_code=403,
                          service_message='key ' + ' '.join(echoed))
    with stub, pytest.raises(StorageError) as caught:
        storage.list_page('p/')
    assert not any(form in str(caught.value) for form in echoed + [secret])
    assert set(echoed) <= no_log

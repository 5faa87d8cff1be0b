# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Microsoft Azure route (vendor 5) through azure-storage-blob against a scripted Blob service on loopback.

The scripted server answers as Azure's Blob REST API documents (List Blobs, Get Blob, error bodies), which is what the
SDK reads, and can give any error in-process; the module tier runs the module against Azurite
(tests/module/test_upload_info_against_azurite.py).
"""

from __future__ import annotations

import base64
import http.server
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from agora_fakes import FakeClock
from ansible_collections.agora.cloud_recording.plugins.module_utils._azure_storage import AzureStorage
from ansible_collections.agora.cloud_recording.plugins.module_utils._secrets import MASK, Redactor
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage import Problem, StorageError
from ansible_collections.agora.cloud_recording.plugins.module_utils._storage_config import open_storage, storage_config_from_params
from ansible_collections.agora.cloud_recording.plugins.module_utils._upload_check import Target, check_recordings

ACCOUNT = 'agoraevents'
KEY = base64.b64encode(b'azure-account-key-never-print-0123456789').decode()
SID = '38f8e3cfdc474cd56fc1ceba380d7e1a'
MODIFIED = 'Wed, 02 Dec 2026 21:00:00 GMT'


def blob_xml(name: str, size: int) -> str:
    return ('<Blob><Name>%s</Name><Properties><Last-Modified>%s</Last-Modified><Content-Length>%d</Content-Length>'
            '<BlobType>BlockBlob</BlobType></Properties></Blob>' % (name, MODIFIED, size))


class BlobService(http.server.BaseHTTPRequestHandler):
    """Answers from ``server.blobs`` ({name: bytes}, in pages of ``server.page``), or ``server.error`` for every request."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.server.error:
            status, code, message = self.server.error
            body = ('<?xml version="1.0" encoding="utf-8"?><Error><Code>%s</Code><Message>%s Refused account %s key %s'
                    '</Message></Error>' % (code, message, ACCOUNT, KEY)).encode()
            return self._send(status, body, {'x-ms-error-code': code, 'Content-Type': 'application/xml'})
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if query.get('comp') == ['list']:
            names = sorted(name for name in self.server.blobs if name.startswith(query.get('prefix', [''])[0]))
            start = int(query.get('marker', ['0'])[0])
            page = names[start:start + self.server.page]
            marker = str(start + self.server.page) if start + self.server.page < len(names) else ''
            body = ('<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="recordings"><Blobs>%s</Blobs>'
                    '<NextMarker>%s</NextMarker></EnumerationResults>'
                    % (''.join(blob_xml(name, len(self.server.blobs[name])) for name in page), marker)).encode()
            return self._send(200, body, {'Content-Type': 'application/xml'})
        name = parts.path.split('/recordings/', 1)[1]
        data = self.server.blobs[name]
        first, last = self.headers.get('x-ms-range', 'bytes=0-').split('=')[1].split('-')
        chunk = data[int(first):int(last) + 1 if last else None]
        return self._send(206, chunk, {'Content-Range': 'bytes %s-%d/%d' % (first, int(first) + len(chunk) - 1, len(data)),
                                       'x-ms-blob-type': 'BlockBlob', 'ETag': '"0x1"', 'Last-Modified': MODIFIED})

    def _send(self, status, body, headers):
        self.send_response(status)
        for name, value in dict(headers, **{'Content-Length': str(len(body)), 'x-ms-version': '2025-01-05'}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def service():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), BlobService)
    server.blobs, server.page, server.error, server.requests = {}, 2, None, []
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)   # shuts down in 10 ms
    thread.start()
    server.url = 'http://127.0.0.1:%d/%s' % (server.server_address[1], ACCOUNT)
    yield server
    server.shutdown()
    server.server_close()


def azure(service):
    config = storage_config_from_params(dict(vendor=5, region=None, bucket='recordings', accessKey=ACCOUNT, secretKey=KEY,
                                             stsToken=None, fileNamePrefix=['events'], extensionParams={'endpoint': service.url}),
                                        set())
    return config, open_storage(config, 5, Redactor(config.secret_values()))


def test_a_recording_is_confirmed_through_azure_listing_each_prefix_in_pages(service):
    stem = 'events/%s_main-stage' % SID
    segments = ['%s_2026120221%04d000.ts' % (stem.split('/')[1], index) for index in range(3)]
    text = '#EXTM3U\n' + ''.join('#EXTINF:15.0\n%s\n' % name for name in segments) + '#EXT-X-ENDLIST\n'
    service.blobs = {stem + '.m3u8': text.encode(), **{'events/' + name: b'G' * 100 for name in segments}}
    config, storage = azure(service)
    assert isinstance(storage, AzureStorage) and not storage.can_start_after
    (result,), requests = check_recordings(storage, config.base, [Target(SID, 'main-stage', 'mix', {'sid': SID})],
                                           FakeClock().sleep)
    assert result['upload'] == 'confirmed' and result['segments'] == 3
    assert result['files'][0]['last_modified'].startswith('2026-12-02T21:00:00')
    # The recording's prefix in two pages of 2, the failover prefix once, and the playlist.
    assert requests == 4 and sum('comp=list' in path for path in service.requests) == 3


@pytest.mark.parametrize('status, code, message, problem', [
    (403, 'AuthenticationFailed', '', Problem.CREDENTIALS),
    (404, 'ContainerNotFound', '', Problem.NO_BUCKET),
    (403, 'AuthorizationPermissionMismatch', '', Problem.PERMISSION),
    (403, 'AuthorizationFailure', 'This request is not authorized to perform this operation.', Problem.PERMISSION),
    # Azurite's answer to a key that does not sign (Azure itself says AuthenticationFailed).
    (403, 'AuthorizationFailure', 'Server failed to authenticate the request. Make sure the value of the Authorization '
     'header is formed correctly including the signature.', Problem.CREDENTIALS),
    (503, 'ServerBusy', '', Problem.THROTTLED),
    # The code decides, not the status: a 500 OperationTimedOut is throttling.
    (500, 'OperationTimedOut', '', Problem.THROTTLED),
    (500, 'InternalError', '', Problem.OTHER),
])
def test_azure_errors_name_what_to_check_and_mask_the_account_and_key(service, status, code, message, problem):
    service.error = (status, code, message)
    _config, storage = azure(service)
    with pytest.raises(StorageError) as caught:
        storage.list_page('events/')
    text = str(caught.value)
    assert caught.value.problem is problem and str(status) in text
    assert KEY not in text and ACCOUNT not in text and MASK in text


def test_an_unreachable_azure_endpoint_says_so():
    config = storage_config_from_params(dict(vendor=5, region=None, bucket='recordings', accessKey=ACCOUNT, secretKey=KEY,
                                             stsToken=None, fileNamePrefix=[], extensionParams={'endpoint': 'http://127.0.0.1:9/x'}),
                                        set())
    storage = open_storage(config, 1, Redactor(config.secret_values()))
    with pytest.raises(StorageError) as caught:
        storage.read('x.m3u8', 10)
    assert caught.value.problem is Problem.UNREACHABLE

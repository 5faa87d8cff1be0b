# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real S3 server on loopback for the tests (moto in server mode, a process of its own), and recordings' files in it
named as Agora names them."""

from __future__ import annotations

import http.client
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

STORAGE_ACCESS_KEY = 'AKIAEXAMPLESTORAGE01'
# Easy to find in any output it might leak into.
STORAGE_SECRET_KEY = 'Storage-S3cret-Never-Print-4d1e'
BUCKET = 'event-recordings'
SEGMENT_BYTES = 2048


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def end_process(proc: subprocess.Popen) -> None:
    """Ask a server process to end; kill it when it has not within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


class MotoServer:
    """moto's S3 server on 127.0.0.1 and a free port, started as its own process; stop() ends it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.proc = subprocess.Popen([sys.executable, '-m', 'moto.server', '-H', '127.0.0.1', '-p', str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + '/moto-api/', timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError('the moto S3 server did not start')
                time.sleep(0.1)

    def client(self) -> Any:
        import boto3  # pylint: disable=import-outside-toplevel

        return boto3.client('s3', endpoint_url=self.url, region_name='us-east-1', aws_access_key_id=STORAGE_ACCESS_KEY,
                            aws_secret_access_key=STORAGE_SECRET_KEY)

    def storage_config(self, prefix: list[str] | None = None, **extra: Any) -> dict[str, Any]:
        """Agora's storageConfig for this server's bucket (vendor 11, its endpoint)."""
        return dict(vendor=11, region=0, bucket=BUCKET, accessKey=STORAGE_ACCESS_KEY, secretKey=STORAGE_SECRET_KEY,
                    fileNamePrefix=prefix or [], extensionParams={'endpoint': self.url}, **extra)

    def stop(self) -> None:
        end_process(self.proc)


@dataclass
class RecordingFiles:
    """A recording's files as Agora writes them: a playlist naming segments, and the segments."""

    sid: str
    cname: str
    segments: int = 4
    finished: bool = True
    skip_segment: int | None = None
    failover: str = ''

    @property
    def stem(self) -> str:
        return '%s%s_%s' % (self.failover, self.sid, self.cname)

    def segment_names(self) -> list[str]:
        return ['%s_2026120209%02d%02d000.ts' % (self.stem, index // 4, (index % 4) * 15) for index in range(self.segments)]

    def playlist(self) -> str:
        lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-TARGETDURATION:18']
        for name in self.segment_names():
            lines += ['#EXTINF:15.000000', name]
        if self.finished:
            lines.append('#EXT-X-ENDLIST')
        return '\n'.join(lines) + '\n'

    def write(self, client: Any, base: str = '', bucket: str = BUCKET) -> None:
        for index, name in enumerate(self.segment_names()):
            if index != self.skip_segment:
                client.put_object(Bucket=bucket, Key=base + name, Body=b'\x47' * SEGMENT_BYTES)
        client.put_object(Bucket=bucket, Key=base + self.stem + '.m3u8', Body=self.playlist().encode())


class StorageFaults:
    """A loopback proxy in front of the S3 server that can answer as a storage in trouble would.

    ``slow_down``: the next that many requests get 503 SlowDown; ``wrong_keys``: every request gets 403
    InvalidAccessKeyId, the body echoing the access key as Amazon S3 does. Otherwise requests pass through.
    """

    def __init__(self, upstream: str) -> None:
        faults = self
        self.upstream = upstream
        self.slow_down = 0
        self.wrong_keys = False
        self.answered: list[int] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                faults.handle(self)

            do_PUT = do_HEAD = do_POST = do_GET

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, request: Any) -> None:
        length = int(request.headers.get('Content-Length') or 0)
        body = request.rfile.read(length) if length else b''
        if self.slow_down > 0 or self.wrong_keys:
            self.slow_down = max(self.slow_down - 1, 0)
            status, code, message = ((403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist.')
                                     if self.wrong_keys else (503, 'SlowDown', 'Please reduce your request rate.'))
            payload = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s Key: %s</Message>'
                       '<AWSAccessKeyId>%s</AWSAccessKeyId></Error>'
                       % (code, message, STORAGE_ACCESS_KEY, STORAGE_ACCESS_KEY)).encode()
            self._answer(request, status, [('Content-Type', 'application/xml')], payload)
            return
        parts = urllib.parse.urlsplit(self.upstream)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {name: value for name, value in request.headers.items() if name.lower() != 'host'}
        connection.request(request.command, request.path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        connection.close()
        passed = [(name, value) for name, value in answer.getheaders()
                  if name.lower() not in ('transfer-encoding', 'connection', 'content-length')]
        self._answer(request, answer.status, passed, data)

    def _answer(self, request: Any, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answered.append(status)
        request.send_response(status)
        for name, value in headers + [('Content-Length', str(len(body)))]:
            request.send_header(name, value)
        request.end_headers()
        if request.command != 'HEAD':
            request.wfile.write(body)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

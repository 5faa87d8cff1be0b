# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ncs event source under test: loading it, and running its ``main(queue, args)`` on loopback for a while."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib.util
import os
import socket
import sys
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT

NCS_PLUGIN = os.path.join(REPO_ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'ncs.py')
# An NCS secret that is easy to find in any output it might leak into.
NCS_SECRET = 'Ncs-S3cret-Never-Print-4e1d'
API_HEADERS = {'authorization': 'Basic ' + base64.b64encode(('%s:%s' % (CUSTOMER_ID, CUSTOMER_SECRET)).encode()).decode()}
API = '/v1/apps/0123456789abcdef0123456789abcdef/cloud_recording'
# A start's clientRequest as Agora requires it: a storage to upload to.
START_REQUEST = {'storageConfig': {'vendor': 1, 'region': 0, 'bucket': 'event-recordings', 'accessKey': 'storage-access',
                                   'secretKey': 'storage-secret'}}


def load_ncs_plugin() -> ModuleType:
    """The plugin as ansible-rulebook loads it: a file by path, outside any package."""
    name = 'agora_ncs_event_source'
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, NCS_PLUGIN)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def free_port(host: str = '127.0.0.1') -> int:
    with socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


async def _wait_listening(host: str, port: int, task: asyncio.Task, seconds: float = 10.0) -> None:
    """Until the plugin accepts connections (bounded), or its task ended (then its exception is raised)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if task.done():
            task.result()
            raise AssertionError('the plugin returned without serving')
        try:
            writer = (await asyncio.open_connection(host, port))[1]
        except OSError:
            await asyncio.sleep(0.01)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError('the plugin did not listen on %s:%d within %s s' % (host, port, seconds))


@contextlib.asynccontextmanager
async def running_plugin(args: dict[str, Any], queue: asyncio.Queue | None = None) -> AsyncIterator[dict[str, Any]]:
    """Runs the plugin's main(queue, args) with a free loopback port; yields {'url', 'queue', 'task'}."""
    plugin = load_ncs_plugin()
    args = dict({'host': '127.0.0.1', 'secret': NCS_SECRET, 'path': '/ncs'}, **args)
    args.setdefault('port', free_port(args['host']))
    queue = asyncio.Queue() if queue is None else queue
    task = asyncio.create_task(plugin.main(queue, args))
    scheme = 'https' if args.get('certfile') else 'http'
    host = '[%s]' % args['host'] if ':' in args['host'] else args['host']
    try:
        await _wait_listening(args['host'], args['port'], task)
        yield {'url': '%s://%s:%d%s' % (scheme, host, args['port'], args['path']), 'queue': queue, 'task': task}
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def drain(queue: asyncio.Queue) -> list[Any]:
    """Everything on the queue now."""
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def record_and_stop(simulator: Any, mode: str = 'mix', upload_status: str = 'uploaded') -> str:
    """acquire, start and stop one recording through the simulator's API (in-process); its sid."""
    identity = {'cname': 'keynote', 'uid': '527841'}
    status, acquired, dummy = simulator.handle('POST', API + '/acquire', API_HEADERS, identity)
    assert status == 200, acquired
    resource = API + '/resourceid/%s' % acquired['resourceId']
    # Web page recording also names its extension service (start reference).
    client_request = dict(START_REQUEST, **({'extensionServiceConfig': {'extensionServices': []}} if mode == 'web' else {}))
    status, started, dummy = simulator.handle('POST', resource + '/mode/%s/start' % mode, API_HEADERS,
                                              dict(identity, clientRequest=client_request))
    assert status == 200, started
    simulator.recording(started['sid']).upload_status = upload_status
    status, stopped, dummy = simulator.handle('POST', resource + '/sid/%s/mode/%s/stop' % (started['sid'], mode),
                                              API_HEADERS, dict(identity, clientRequest={}))
    assert status == 200, stopped
    return started['sid']

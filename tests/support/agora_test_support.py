# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the tests share: where the collection is, the test credentials, and running the module as Ansible does."""

from __future__ import annotations

import base64
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Any

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.path.join(REPO_ROOT, 'plugins', 'modules', 'agora_cloud_recording_stop.py')
INFO_MODULE = os.path.join(REPO_ROOT, 'plugins', 'modules', 'agora_cloud_recording_info.py')
SIMULATOR = os.path.join(REPO_ROOT, 'tests', 'simulator', 'agora_simulator.py')

CUSTOMER_ID = 'test-customer-id'
# A secret that is easy to find in any output it might leak into.
CUSTOMER_SECRET = 'S3cr3t-Never-Print-7f9c2a'
# A key pair whose Basic token holds "+", "/" and "=" padding, and whose secret holds characters that JSON and URLs
# escape: every way of echoing it differs from the plain form.
SPECIAL_CUSTOMER_ID = 'ops-id'
SPECIAL_SECRET = 'S~3c?al/s3cr3t+wi"th\\x&<>'


def echoed_secret_forms(customer_id: str, secret: str) -> dict[str, str]:
    """How a careless server or proxy can hand the secret back, spelled out rule by rule (not by the code under test)."""
    pair = customer_id + ':' + secret
    token = base64.b64encode(pair.encode()).decode()
    url_safe = token.replace('+', '-').replace('/', '_')

    def url_encoded(text: str, lower: bool = False) -> str:
        encoded = ''.join(character if character.isalnum() or character in '-._~' else '%%%02X' % ord(character)
                          for character in text)
        return re.sub('%[0-9A-F]{2}', lambda match: match.group(0).lower(), encoded) if lower else encoded

    def json_escaped(text: str) -> str:
        return text.replace('\\', '\\\\').replace('"', '\\"')

    def go_escaped(text: str) -> str:
        return json_escaped(text).replace('&', '\\u0026').replace('<', '\\u003c').replace('>', '\\u003e')

    def html_escaped(text: str) -> str:
        return text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')

    return {
        'secret': secret, 'pair': pair, 'basic-token': token, 'basic-header': 'Basic ' + token,
        'token-without-padding': token.rstrip('='), 'url-safe-token': url_safe,
        'url-safe-token-without-padding': url_safe.rstrip('='),
        'token-json-escaped-slash': token.replace('/', '\\/'),
        'token-url-encoded': url_encoded(token), 'token-url-encoded-lower-case': url_encoded(token, lower=True),
        'header-url-encoded-plus-for-space': 'Basic+' + url_encoded(token),
        'secret-json-escaped': json_escaped(secret), 'secret-json-escaped-slash': json_escaped(secret).replace('/', '\\/'),
        'secret-url-encoded': url_encoded(secret), 'secret-url-encoded-lower-case': url_encoded(secret, lower=True),
        'pair-url-encoded': url_encoded(pair),
        'secret-html-escaped': html_escaped(secret), 'pair-html-escaped': html_escaped(pair),
        'secret-go-json-escaped': go_escaped(secret),
    }


def _collections_root() -> str:
    """A directory holding ansible_collections/agora/cloud_recording, for imports and for module processes.

    Under ansible-test the collection already sits in such a tree; a plain clone gets a symlink tree in a temp dir.
    """
    grandparent = os.path.dirname(REPO_ROOT)
    if os.path.basename(os.path.dirname(grandparent)) == 'ansible_collections':
        return os.path.dirname(os.path.dirname(grandparent))
    root = tempfile.mkdtemp(prefix='agora-collections-')
    namespace = os.path.join(root, 'ansible_collections', 'agora')
    os.makedirs(namespace)
    os.symlink(REPO_ROOT, os.path.join(namespace, 'cloud_recording'))
    return root


COLLECTIONS_ROOT = _collections_root()


def start_module(args: dict[str, Any], check_mode: bool = False, env: dict[str, str] | None = None,
                 module: str = MODULE, max_files: int | None = None, under_shell: bool = False) -> subprocess.Popen:
    """Start the module in its own process, as Ansible runs it (its arguments as JSON).

    ``max_files``: the most file descriptors the process may open (soft and hard limit), set by the shell.
    ``under_shell``: a shell stays between this process and the module, as Ansible's ``/bin/sh -c '... && sleep 0'``
    does; the returned process is that shell.
    """
    module_args = dict(args)
    if check_mode:
        module_args['_ansible_check_mode'] = True
    env = dict(env or {})
    child_env = {key: value for key, value in os.environ.items() if not key.startswith('AGORA_')}
    # The test's own path entries (the loopback resolver), the collection, then what the test runner put on the path
    # (ansible-test provides ansible-core that way).
    child_env['PYTHONPATH'] = os.pathsep.join(filter(None, [env.pop('PYTHONPATH', None), COLLECTIONS_ROOT,
                                                            os.environ.get('PYTHONPATH')]))
    child_env.update(env)
    # Ansible hands a module its arguments in a file named on the command line; the file goes once the module has read it.
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': module_args}, handle)
    command = [sys.executable, module, handle.name]
    if max_files is not None:
        command = ['/bin/sh', '-c', 'ulimit -n %d && exec "$@"' % max_files, 'sh', *command]
    if under_shell:
        command = ['/bin/sh', '-c', '"$@" && sleep 0', 'sh', *command]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env)
    proc.args_file = handle.name  # type: ignore[attr-defined]
    return proc


def module_result(proc: subprocess.Popen, timeout: float = 120) -> dict[str, Any]:
    """Wait for the module; fail if the customer secret or a traceback appears in anything it printed."""
    return module_result_and_output(proc, timeout)[0]


def module_result_and_output(proc: subprocess.Popen, timeout: float = 120) -> tuple[dict[str, Any], str]:
    """``module_result``, and everything the module printed (stdout and stderr) for the test's own searches."""
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    finally:
        os.remove(proc.args_file)  # type: ignore[attr-defined]
    output = stdout + stderr
    assert CUSTOMER_SECRET not in output
    assert 'Traceback' not in output
    return json.loads(stdout), output


def run_module(args: dict[str, Any], check_mode: bool = False, env: dict[str, str] | None = None,
               module: str = MODULE) -> dict[str, Any]:
    """Run a module (the stop module unless told) in its own process and return its result (see ``module_result``)."""
    return module_result(start_module(args, check_mode, env, module))


def install_collection(workdir: str) -> str:
    """Build the Galaxy tarball into workdir and install it under workdir/collections, as users install it.

    Uses the ansible-galaxy beside the running Python; returns the collections path.
    """
    galaxy = os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy')
    subprocess.run([galaxy, 'collection', 'build', '--force', '--output-path', workdir, REPO_ROOT],
                   check=True, capture_output=True, timeout=300)
    (tarball,) = glob.glob(os.path.join(workdir, 'agora-cloud_recording-*.tar.gz'))
    installed = os.path.join(workdir, 'collections')
    subprocess.run([galaxy, 'collection', 'install', '--force', '-p', installed, tarball], check=True, capture_output=True,
                   timeout=300, env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=installed))
    return installed


class SimulatorProcess:
    """The simulator as a process of its own, started from its command line.

    Keeps its threads out of the caller's process: the benchmark measures without sharing a GIL with it, and
    ansible-runner forks a pty without other threads around. After start: ``url``, ``recordings``, ``domains``
    ({name: {url, port, behaviour}}), ``ca_bundle`` (with ``--tls``) and the whole ready file as ``info``.
    """

    def __init__(self, workdir: str, options: list[str], customer_id: str = CUSTOMER_ID,
                 customer_secret: str = CUSTOMER_SECRET) -> None:
        self.ready = os.path.join(workdir, 'ready.json')
        self.stats_file = os.path.join(workdir, 'stats.json')
        for path in (self.ready, self.stats_file):
            if os.path.exists(path):
                os.remove(path)
        self.proc = subprocess.Popen([sys.executable, SIMULATOR, '--port', '0', '--lifetime', '3600',
                                      '--customer-id', customer_id, '--customer-secret', customer_secret,
                                      '--ready-file', self.ready, '--stats-file', self.stats_file, *options],
                                     stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.ready):   # the simulator writes it whole, once it serves
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.proc.kill()
                self.proc.wait(timeout=30)
                raise RuntimeError('the simulator did not start')
            time.sleep(0.05)
        with open(self.ready, encoding='utf-8') as handle:
            ready = json.load(handle)
        self.info: dict[str, Any] = ready
        self.url, self.recordings = ready['url'], ready['recordings']
        self.domains: dict[str, dict[str, Any]] = ready.get('domains', {})
        self.ca_bundle: str | None = ready.get('ca_bundle')

    def resolver_env(self, pythonpath: str | None = None) -> dict[str, str]:
        """Environment for a child process in which the simulator's domain names resolve to its loopback ports
        (``dns`` ones fail, every other name fails): see tests/support/loopback_resolver/README.md."""
        # tests/support (this file's directory) is on sys.path wherever this module was imported from it.
        from loopback_resolver.resolver_env import resolve_map, resolver_env  # pylint: disable=import-outside-toplevel

        return resolver_env(resolve_map(self.domains), pythonpath)

    def finish(self) -> dict[str, Any]:
        """Stop the simulator; return its request counts (see AgoraSimulator.stats)."""
        self.proc.terminate()
        self.proc.wait(timeout=30)
        with open(self.stats_file, encoding='utf-8') as handle:
            return json.load(handle)

# -*- coding: utf-8 -*-
# Copyright (c) 2026, agora.cloud_recording contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every YAML example users can copy (README, role README, guides, each plugin's EXAMPLES) does what it says.

Examples that use this collection's modules, role or filters run as written through ansible-playbook against the
simulator, which answers on Agora's own domain names (api.sd-rtn.com, api.agora.io) over HTTPS through the loopback
resolver, so no request can leave the machine. Every other YAML block must at least parse and be of a kind this test
knows (a rulebook, whose source options must be the event source's; an event sample; an execution environment; a
third-party task), so that a new kind of example cannot slip by untested.
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from agora_simulator import AgoraSimulator
from agora_storage import BUCKET, STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY, MotoServer
from agora_storage_writer import StorageTarget, StorageWriter
from agora_test_support import CUSTOMER_ID, CUSTOMER_SECRET, REPO_ROOT
from loopback_resolver.resolver_env import resolver_env

BIN = os.path.dirname(sys.executable)
FENCE = re.compile(r'^( *)```ya?ml\n(.*?)^\1```', re.S | re.M)
DOCUMENTS = ['README.md', 'roles/recording_teardown/README.md'] + [
    os.path.relpath(path, REPO_ROOT) for path in sorted(glob.glob(os.path.join(REPO_ROOT, 'docs', '*.md')))]
PLUGINS = sorted(glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
                 + glob.glob(os.path.join(REPO_ROOT, 'plugins', 'filter', '*.py')))
# The identities the role README's export names: seeded on the simulator, so that its example stops them.
EXPORT_SEEDS = ('main-stage', 'panel-room')
# Absolute paths the examples write to (a ledger): placed in the test's temporary directory instead.
EXAMPLE_DIRECTORIES = ('/srv/events/2026-12-02/', '/var/lib/event/')
# Examples that cannot run on loopback, and why: these go through the modules' argument checks only.
ARGUMENTS_ONLY = {
    'plugins/modules/agora_cloud_recording_upload_info.py EXAMPLES': 'one task names an Amazon S3 bucket (vendor 1), '
                                                                     'which no server on loopback can be',
}


@dataclass
class Example:
    where: str
    text: str

    @property
    def loaded(self) -> Any:
        return yaml.safe_load(self.text)


def examples() -> list[Example]:
    found = []
    for document in DOCUMENTS:
        text = open(os.path.join(REPO_ROOT, document), encoding='utf-8').read()
        for match in FENCE.finditer(text):
            body = '\n'.join(line[len(match.group(1)):] for line in match.group(2).splitlines())
            found.append(Example('%s:%d' % (document, text[:match.start()].count('\n') + 1), body))
    for plugin in PLUGINS:
        source = open(plugin, encoding='utf-8').read()
        block = re.search(r"^EXAMPLES = r'''\n(.*?)^'''", source, re.S | re.M)
        if block:
            found.append(Example(os.path.relpath(plugin, REPO_ROOT) + ' EXAMPLES', block.group(1)))
    return found


def uses_this_collection(example: Example) -> bool:
    return re.search(r'agora\.cloud_recording\.(agora_cloud_recording_\w+|recording_teardown|recordings_export|teardown_\w+)',
                     example.text) is not None


def kind_of(example: Example) -> str:
    loaded = example.loaded
    items = loaded if isinstance(loaded, list) else [loaded]
    if all(isinstance(item, dict) and 'rules' in item for item in items) or (isinstance(loaded, dict) and 'rules' in loaded):
        return 'rulebook'
    if uses_this_collection(example) and isinstance(loaded, list):
        if all('hosts' in item for item in loaded):
            return 'playbook'
        return 'roles' if all('role' in item for item in loaded) else 'tasks'
    if isinstance(loaded, dict) and {'payload', 'agora'} <= set(loaded):
        return 'event sample'
    if isinstance(loaded, dict) and 'recordings' in loaded:
        return 'export'
    if isinstance(loaded, dict) and {'version', 'dependencies'} <= set(loaded):
        return 'execution environment'
    if isinstance(loaded, list) and all(isinstance(item, dict) for item in loaded):
        return 'third-party'
    return 'unknown'


EXAMPLES = examples()


def test_every_example_is_of_a_kind_this_test_checks():
    assert {example.where: kind_of(example) for example in EXAMPLES if kind_of(example) == 'unknown'} == {}
    assert sum(1 for example in EXAMPLES if kind_of(example) in ('tasks', 'playbook', 'roles')) >= 10


def test_rulebook_examples_use_the_event_sources_own_options():
    source = open(os.path.join(REPO_ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'ncs.py'), encoding='utf-8').read()
    documented = set(yaml.safe_load(re.search(r"^DOCUMENTATION = r'''\n(.*?)^'''", source, re.S | re.M).group(1))['options'])
    rulebooks = [example for example in EXAMPLES if kind_of(example) == 'rulebook']
    assert rulebooks
    for example in rulebooks:
        loaded = example.loaded
        for rulebook in loaded if isinstance(loaded, list) else [loaded]:
            for entry in rulebook['sources']:
                options = entry['agora.cloud_recording.ncs']
                assert set(options) <= documented, (example.where, set(options) - documented)


def test_export_examples_name_recordings_the_modules_accept():
    from ansible_collections.agora.cloud_recording.plugins.filter.recordings_export import recordings_export
    from ansible_collections.agora.cloud_recording.plugins.module_utils._options import recording_from_params

    exports = [example for example in EXAMPLES if kind_of(example) == 'export']
    assert exports
    for example in exports:
        for entry in recordings_export(example.text, example.where):
            recording_from_params(entry)   # raises, naming the option, for what Agora cannot have issued


@pytest.fixture(scope='module')
def bucket():
    """moto's S3 server on loopback with the bucket the examples' recordings upload to."""
    server = MotoServer()
    try:
        server.client().create_bucket(Bucket=BUCKET)
        yield server
    finally:
        server.stop()


def seeded_vars(simulator: AgoraSimulator, storage: MotoServer, tmp_path) -> dict[str, Any]:
    """Every variable the examples use, naming recordings that run on the simulator and upload into the bucket."""
    prefix = re.sub('[^A-Za-z0-9]', '', tmp_path.name)   # Agora's fileNamePrefix: letters and digits
    simulator.storage_writer = StorageWriter(StorageTarget(storage.url, BUCKET, STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY,
                                                           (prefix,)))
    main = simulator.seed(cname='main-stage', uid='527841').describe()
    event = [simulator.seed(mode='individual', cname='room-%d' % number, uid=str(527850 + number)).describe()
             for number in range(3)]
    export = tmp_path / 'recordings.json'
    export.write_text(json.dumps({'recordings': event}))
    for directory in EXAMPLE_DIRECTORIES:   # a ledger of the event, where the examples keep it
        ledger = tmp_path / directory.strip('/') / 'recordings-ledger.json'
        ledger.parent.mkdir(parents=True, exist_ok=True)
        ledger.write_text(json.dumps({'recordings': [dict(entry, started_at='2026-12-02T08:00:00Z', stopped_at=None)
                                                     for entry in event], 'unsettled': []}))
    storage_config = storage.storage_config([prefix])
    return dict(agora_app_id=main['app_id'], recording_resource_id=main['resource_id'], recording_sid=main['sid'],
                event_recordings=event, recordings=event, vault_agora_customer_id=CUSTOMER_ID,
                vault_agora_customer_secret=CUSTOMER_SECRET, path=str(export), previous_report={'recordings': []},
                # As an AWX survey answers for the role (docs/awx.md).
                recording_teardown_recordings_file=str(export),
                agora_storage_config=storage_config, storage_access_key=STORAGE_ACCESS_KEY,
                storage_secret_key=STORAGE_SECRET_KEY, ledger=str(ledger),
                event_client_request={'recordingFileConfig': {'avFileType': ['hls']}, 'storageConfig': storage_config},
                **main)


def seed_the_role_readmes_export(simulator: AgoraSimulator, tmp_path) -> str:
    """The role README's export, with its very identities running on the simulator; returns the file's path."""
    (example,) = [item for item in EXAMPLES if item.where.startswith('roles/recording_teardown/README.md')
                  and kind_of(item) == 'playbook']
    readme = open(os.path.join(REPO_ROOT, 'roles', 'recording_teardown', 'README.md'), encoding='utf-8').read()
    export = json.loads(re.search(r'```json\n(.*?)```', readme, re.S).group(1))
    for entry in export['recordings']:
        simulator.seed(entry['app_id'], entry['mode'], entry['cname'], entry['uid'], sid=entry['sid'],
                       resource_id=entry['resource_id'])
    path = tmp_path / 'role-export.json'
    path.write_text(json.dumps(export))
    assert {entry['cname'] for entry in export['recordings']} == set(EXPORT_SEEDS), example.where
    return str(path)


def as_playbook(example: Example, tmp_path) -> list[dict[str, Any]]:
    text = example.text
    for directory in EXAMPLE_DIRECTORIES:
        text = text.replace(directory, '%s/%s/' % (tmp_path, directory.strip('/')))
    loaded = yaml.safe_load(text)
    play = {'name': 'Example from %s' % example.where, 'hosts': 'localhost', 'gather_facts': False}
    return {'playbook': loaded, 'roles': [dict(play, roles=loaded)]}.get(kind_of(example), [dict(play, tasks=loaded)])


RUNNABLE = [example for example in EXAMPLES
            if kind_of(example) in ('tasks', 'playbook', 'roles') and example.where not in ARGUMENTS_ONLY]


def test_examples_that_cannot_run_on_loopback_pass_the_modules_argument_checks(tmp_path):
    """Each task of this collection's modules: its options, as the test's variables fill them, pass the module's own
    argument spec (names, types, choices, required ones)."""
    import importlib

    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    entry = {'app_id': '0' * 32, 'resource_id': 'r', 'sid': 's', 'mode': 'mix', 'cname': 'c', 'uid': '1'}
    variables = {'stopped': {'recordings': [entry]}, 'event_recordings': [entry], 'agora_app_id': entry['app_id'],
                 'recording_sid': entry['sid'], 'agora_storage_config': {'vendor': 1, 'region': 0, 'bucket': 'event-recordings'}}
    for example in [item for item in EXAMPLES if item.where in ARGUMENTS_ONLY]:
        for task in example.loaded:
            (name,) = [key for key in task if key.startswith('agora.cloud_recording.agora_cloud_recording_')]
            module = importlib.import_module('ansible_collections.agora.cloud_recording.plugins.modules.' + name.split('.')[-1])
            arguments = {key: filled(value, variables) for key, value in task[name].items()}
            result = ArgumentSpecValidator(module.argument_spec()).validate(arguments)
            assert not result.error_messages, (example.where, task.get('name'), result.error_messages)


def filled(value: Any, variables: dict[str, Any]) -> Any:
    """A value with each ``"{{ name }}"`` or ``"{{ name.key }}"`` replaced from ``variables`` (others kept as text)."""
    match = re.fullmatch(r'\{\{ *(\w+)(?:\.(\w+))? *\}\}', value) if isinstance(value, str) else None
    if match is None or match.group(1) not in variables:
        return value
    found = variables[match.group(1)]
    return found[match.group(2)] if match.group(2) else found


@pytest.mark.parametrize('example', RUNNABLE, ids=[example.where for example in RUNNABLE])
def test_the_example_runs_against_agoras_domains(example, collections_path, tmp_path, bucket):
    simulator = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, tls=True, domains=['api.sd-rtn.com', 'api.agora.io']).start()
    try:
        extra_vars = seeded_vars(simulator, bucket, tmp_path)
        if example.where.startswith('roles/recording_teardown/README.md'):
            extra_vars['recording_teardown_recordings_file'] = seed_the_role_readmes_export(simulator, tmp_path)
        playbook = tmp_path / 'example.yml'
        playbook.write_text(yaml.safe_dump(as_playbook(example, tmp_path), sort_keys=False))
        (tmp_path / 'vars.json').write_text(json.dumps(extra_vars))
        env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_'))}
        env.update(resolver_env(simulator.resolve_map()), ANSIBLE_COLLECTIONS_PATH=collections_path,
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='false',
                   ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1', ANSIBLE_HOME=str(tmp_path / 'home'),
                   AGORA_CUSTOMER_ID=CUSTOMER_ID, AGORA_CUSTOMER_SECRET=CUSTOMER_SECRET,
                   REQUESTS_CA_BUNDLE=simulator.ca_bundle,
                   # Where the guides' examples read the storage keys from.
                   STORAGE_ACCESS_KEY=STORAGE_ACCESS_KEY, STORAGE_SECRET_KEY=STORAGE_SECRET_KEY,
                   AGORA_STORAGE_ACCESS_KEY=STORAGE_ACCESS_KEY, AGORA_STORAGE_SECRET_KEY=STORAGE_SECRET_KEY)
        proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook),
                               '-e', '@%s' % (tmp_path / 'vars.json')], capture_output=True, text=True, env=env,
                              cwd=str(tmp_path), timeout=300, check=False)
        stats = simulator.stats()
    finally:
        simulator.stop()
        if simulator.storage_writer is not None:
            simulator.storage_writer.close()
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert CUSTOMER_SECRET not in output and STORAGE_SECRET_KEY not in output and 'Traceback' not in output
    if 'agora_cloud_recording_' in example.text or 'recording_teardown' in example.text:
        # It really reached Agora's domain names, as a user's run would.
        assert stats['requests'] > 0 and stats['domains']['api.sd-rtn.com'] > 0, output[-2000:]

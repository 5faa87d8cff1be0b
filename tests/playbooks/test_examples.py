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
        return 'playbook' if all('hosts' in item for item in loaded) else 'tasks'
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
    assert sum(1 for example in EXAMPLES if kind_of(example) in ('tasks', 'playbook')) >= 10


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


def seeded_vars(simulator: AgoraSimulator, tmp_path) -> dict[str, Any]:
    """Every variable the examples use, naming recordings that run on the simulator."""
    main = simulator.seed(cname='main-stage', uid='527841').describe()
    event = [simulator.seed(mode='individual', cname='room-%d' % number, uid=str(527850 + number)).describe()
             for number in range(3)]
    export = tmp_path / 'recordings.json'
    export.write_text(json.dumps({'recordings': event}))
    return dict(agora_app_id=main['app_id'], recording_resource_id=main['resource_id'], recording_sid=main['sid'],
                event_recordings=event, recordings=event, vault_agora_customer_id=CUSTOMER_ID,
                vault_agora_customer_secret=CUSTOMER_SECRET, path=str(export), previous_report={'recordings': []},
                # As an AWX survey answers for the role (docs/awx.md).
                recording_teardown_recordings_file=str(export), **main)


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


def as_playbook(example: Example) -> list[dict[str, Any]]:
    loaded = example.loaded
    if kind_of(example) == 'playbook':
        return loaded
    return [{'name': 'Example from %s' % example.where, 'hosts': 'localhost', 'gather_facts': False, 'tasks': loaded}]


RUNNABLE = [example for example in EXAMPLES if kind_of(example) in ('tasks', 'playbook')]


@pytest.mark.parametrize('example', RUNNABLE, ids=[example.where for example in RUNNABLE])
def test_the_example_runs_against_agoras_domains(example, collections_path, tmp_path):
    simulator = AgoraSimulator(CUSTOMER_ID, CUSTOMER_SECRET, tls=True, domains=['api.sd-rtn.com', 'api.agora.io']).start()
    try:
        extra_vars = seeded_vars(simulator, tmp_path)
        if example.where.startswith('roles/recording_teardown/README.md'):
            extra_vars['recording_teardown_recordings_file'] = seed_the_role_readmes_export(simulator, tmp_path)
        playbook = tmp_path / 'example.yml'
        playbook.write_text(yaml.safe_dump(as_playbook(example), sort_keys=False))
        (tmp_path / 'vars.json').write_text(json.dumps(extra_vars))
        env = {key: value for key, value in os.environ.items() if not key.startswith(('AGORA_', 'ANSIBLE_'))}
        env.update(resolver_env(simulator.resolve_map()), ANSIBLE_COLLECTIONS_PATH=collections_path,
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='false',
                   ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1', ANSIBLE_HOME=str(tmp_path / 'home'),
                   AGORA_CUSTOMER_ID=CUSTOMER_ID, AGORA_CUSTOMER_SECRET=CUSTOMER_SECRET,
                   REQUESTS_CA_BUNDLE=simulator.ca_bundle)
        proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook),
                               '-e', '@%s' % (tmp_path / 'vars.json')], capture_output=True, text=True, env=env,
                              cwd=str(tmp_path), timeout=300, check=False)
        stats = simulator.stats()
    finally:
        simulator.stop()
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert CUSTOMER_SECRET not in output and 'Traceback' not in output
    if 'agora_cloud_recording_' in example.text or 'recording_teardown' in example.text:
        # It really reached Agora's domain names, as a user's run would.
        assert stats['requests'] > 0 and stats['domains']['api.sd-rtn.com'] > 0, output[-2000:]

# Two commands set everything up on a fresh machine with Python and make:
#   make demo   rehearse an event teardown against the Agora simulator
#   make test   run every test
# Each creates its own virtualenv; nothing needs installing by hand.

SHELL := /bin/bash
# A Python of the given minor version: on PATH, under pyenv, or in /usr/bin; empty when none works.
find_python = $(firstword $(foreach candidate,python$(1) $(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python$(1)) /usr/bin/python$(1) /usr/local/bin/python$(1),$(shell $(candidate) -c 'import sys; assert sys.version_info[:2] == ($(subst .,$(comma),$(1)))' >/dev/null 2>&1 && echo $(candidate))))
comma := ,
PYTHON312 ?= $(call find_python,3.12)
PYTHON311 ?= $(call find_python,3.11)
VENV := .venv
VENV_COMPAT := .venv-compat
VENV_RULEBOOK := .venv-rulebook
# Azurite, Microsoft's Blob service emulator, from npm into build/azurite, for the upload_info module's Azure tests.
# Pinned: 3.35.0 runs on Node.js 20 (3.37 needs 22). Quiet but for npm's errors. Without npm the target says so and
# installs nothing, and those tests skip naming what is missing.
AZURITE_VERSION := 3.35.0
AZURITE_BLOB := build/azurite/node_modules/.bin/azurite-blob

.PHONY: demo test test-fast coverage test-units test-module test-integration test-playbooks test-compat test-sanity test-docs test-lint test-rulebook docs benchmark benchmark-start clean

$(VENV)/.installed: tests/requirements.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 is needed (ansible-core 2.21): install it, or set PYTHON312=/path/to/python3.12"; exit 1; }
	@echo "Using $(PYTHON312) ($$($(PYTHON312) --version)) for $(VENV)"
	$(PYTHON312) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --quiet -r tests/requirements.txt
	touch $@

$(VENV_COMPAT)/.installed: tests/requirements-compat.txt
	@test -n "$(PYTHON311)" || { echo "Python 3.11 is needed for the ansible-core 2.19 run: install it, or set PYTHON311=/path/to/python3.11"; exit 1; }
	@echo "Using $(PYTHON311) ($$($(PYTHON311) --version)) for $(VENV_COMPAT)"
	$(PYTHON311) -m venv $(VENV_COMPAT)
	$(VENV_COMPAT)/bin/pip install --quiet --quiet -r tests/requirements-compat.txt
	touch $@

$(AZURITE_BLOB):
	@if command -v npm >/dev/null; then \
	    npm install --prefix build/azurite --no-audit --no-fund --loglevel=error azurite@$(AZURITE_VERSION) >/dev/null; \
	else \
	    echo "npm not found: Azurite is not installed and the upload_info module's Azure tests will skip"; \
	fi

$(VENV_RULEBOOK)/.installed: tests/requirements-rulebook.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 is needed for ansible-rulebook: install it, or set PYTHON312=/path/to/python3.12"; exit 1; }
	$(PYTHON312) -m venv $(VENV_RULEBOOK)
	$(VENV_RULEBOOK)/bin/pip install --quiet --quiet -r tests/requirements-rulebook.txt
	touch $@

demo: $(VENV)/.installed
	scripts/demo.sh $(VENV)

test: test-sanity test-lint test-docs coverage test-units test-module test-integration test-playbooks test-rulebook test-compat

# The in-process tier (tests/unit): the client's decisions on a fake clock, the module's argument handling and results,
# the transport against scripted loopback servers. Seconds; the loop to run while changing code.
test-fast: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/unit

# The in-process tier with line coverage of plugins/module_utils; fails below 95 %.
coverage: $(VENV)/.installed
	$(VENV)/bin/python -m coverage erase
	$(VENV)/bin/python -m coverage run --source=ansible_collections.agora.cloud_recording.plugins.module_utils \
	    -m pytest -q -p no:cacheprovider tests/unit
	$(VENV)/bin/python -m coverage report --show-missing --fail-under=95
	@echo "module_utils coverage: $$($(VENV)/bin/python -m coverage report --format=total)%"

# The in-process tier again through ansible-test (as collection CI runs it), then the benchmark's smoke run.
test-units: $(VENV)/.installed
	scripts/ansible-test.sh $(VENV) 3.12 units --venv
	$(VENV)/bin/python -m pytest tests/benchmark

# The module as Ansible runs it (its own process), against the simulator over real HTTP(S) and the storage servers
# (moto's S3, Azurite's Blob service); and the simulator's own behaviour (it starts processes and takes real time,
# so it is not in the in-process tier).
test-module: $(VENV)/.installed $(AZURITE_BLOB)
	$(VENV)/bin/python -m pytest tests/module tests/simulator

# An ansible-test integration target that starts the simulator and runs the module against it.
test-integration: $(VENV)/.installed
	scripts/ansible-test.sh $(VENV) 3.12 integration --venv

test-playbooks: $(VENV)/.installed
	$(VENV)/bin/python -m pytest tests/playbooks

# ansible-rulebook running the example rulebook with the ncs event source from the installed collection, fed by the
# simulator's signed notices (needs a JDK 17+: JAVA_HOME or /usr/lib/jvm; the test says so and skips without one).
test-rulebook: $(VENV_RULEBOOK)/.installed
	$(VENV_RULEBOOK)/bin/python -m pytest tests/rulebook

# Units, the module tier, the integration target and the playbook tests once more on the oldest supported pair:
# ansible-core 2.19 on Python 3.11. The fault and abuse suite runs on the current pair only: it exercises the
# collection's own code, which both pairs share, and the module tier covers its behaviours on 2.19.
test-compat: $(VENV_COMPAT)/.installed $(AZURITE_BLOB)
	scripts/ansible-test.sh $(VENV_COMPAT) 3.11 units --venv
	$(VENV_COMPAT)/bin/python -m pytest tests/module
	scripts/ansible-test.sh $(VENV_COMPAT) 3.11 integration --venv
	$(VENV_COMPAT)/bin/python -m pytest tests/playbooks --ignore tests/playbooks/test_fault_suite.py

# ansible-test sanity, no ignore entries, on both supported pairs (see scripts/ansible-test.sh for the offline set-up).
test-sanity: $(VENV)/.installed $(VENV_COMPAT)/.installed
	scripts/ansible-test.sh $(VENV) 3.12 sanity --venv
	scripts/ansible-test.sh $(VENV_COMPAT) 3.11 sanity --venv

# ansible-lint at the production profile, no rule skipped, on every directory of the collection. galaxy.yml is left
# out only because it has no repository URL yet (galaxy[no-repository]); once it has, lint the whole project.
# Offline, with the collection from a copied tree, so nothing is fetched and the modules resolve.
test-lint: $(VENV)/.installed
	scripts/collection-tree.sh build/lint >/dev/null
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/build/lint" \
	    ansible-lint --offline --profile production roles examples extensions meta changelogs plugins docs tests

# The generated reference (docs/reference) and CHANGELOG.md must match their sources; docs and changelog must lint clean.
test-docs: $(VENV)/.installed
	scripts/docs.sh $(VENV) --check
	$(VENV)/bin/antsibull-changelog lint
	$(VENV)/bin/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
	mkdir -p build && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" antsibull-changelog generate --output build/CHANGELOG.md --output-format md
	diff -u CHANGELOG.md build/CHANGELOG.md || { echo "CHANGELOG.md is out of date: run 'antsibull-changelog generate' and commit it."; exit 1; }

docs: $(VENV)/.installed
	scripts/docs.sh $(VENV)

# Timings for docs/performance.md (about 40 minutes): the classic 200 ms table and the realistic one (HTTPS to Agora's
# domain names through a loopback resolver, uploads of 2-20 s, 10 req/s per App ID, module defaults); writes
# build/benchmark.json and prints both tables. One part alone: add --classic or --realistic.
benchmark: $(VENV)/.installed
	$(VENV)/bin/python benchmarks/teardown.py --runs 3 --loop-runs 1 --output build/benchmark.json

# Starting an event (about 3 minutes): 100 recordings at 10 req/s with start answers of 1 to 3 s, then the re-run with
# the ledger; writes build/start-benchmark.json and prints the table of docs/performance.md.
benchmark-start: $(VENV)/.installed
	$(VENV)/bin/python benchmarks/start.py --runs 3 --output build/start-benchmark.json

clean:
	rm -rf $(VENV) $(VENV_COMPAT) $(VENV_RULEBOOK) build tests/output .pytest_cache .coverage

#!/usr/bin/env bash
# Run ansible-test on a copy of this collection laid out as ansible-test needs it.
# Usage: scripts/ansible-test.sh VENV_DIR PYTHON_VERSION ARGS...   e.g. scripts/ansible-test.sh .venv 3.12 sanity --venv
#
# ansible-test wants the collection at .../ansible_collections/agora/cloud_recording and refuses a symlinked tree,
# so the files git knows of are copied to build/ansible-test/. Offline, its venv bootstrap cannot download get-pip.py
# (ansible/ansible#77304): the cache is seeded with tests/sanity/get_pip_offline.py, which uses ensurepip instead.
set -euo pipefail
venv=$(cd "$1" && pwd); python_version=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)

pip_version=$("$venv/bin/python" - <<'PY'
import inspect, re
from ansible_test._internal import python_requirements
print(re.search(r"pip='([^']+)'", inspect.getsource(python_requirements.get_venv_packages)).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
cp "$root/tests/sanity/get_pip_offline.py" "$cache"

target=$("$root/scripts/collection-tree.sh" "$root/build/ansible-test")
cd "$target"
git init -q && git add -A   # ansible-test lists a collection's files through git when it finds a repository
export LC_ALL=C.UTF-8 PATH="$venv/bin:$PATH"   # the venv provides the shellcheck binary
exec "$venv/bin/ansible-test" "$@" --python "$python_version"

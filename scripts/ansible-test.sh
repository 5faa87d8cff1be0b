#!/usr/bin/env bash
# Run ansible-test on a copy of this collection laid out as ansible-test needs it.
# Usage: scripts/ansible-test.sh VENV_DIR PYTHON_VERSION ARGS...   e.g. scripts/ansible-test.sh .venv 3.12 sanity --venv
#
# ansible-test wants the collection at .../ansible_collections/agora/cloud_recording and refuses a symlinked tree,
# so the files git knows of are copied to build/ansible-test/. Everything ansible-test keeps under the home directory
# (its sanity venvs, its cache) goes to build/ansible-test-home: nothing is written outside the checkout.
# Offline, ansible-test cannot download the get-pip.py it bootstraps venvs with (ansible/ansible#77304); its own error
# message names where the script "can be manually downloaded and saved to". That is done, with
# tests/sanity/get_pip_offline.py (pip from ensurepip instead of a download), and the run is repeated once.
set -euo pipefail
venv=$(cd "$1" && pwd); python_version=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)

target=$("$root/scripts/collection-tree.sh" "$root/build/ansible-test")
cd "$target"
git init -q && git add -A   # ansible-test lists a collection's files through git when it finds a repository
export LC_ALL=C.UTF-8 PATH="$venv/bin:$PATH"   # the venv provides the shellcheck binary
export HOME="$root/build/ansible-test-home"
mkdir -p "$HOME"
log="$root/build/ansible-test-$python_version-$1.log"

run() {
    set +e
    "$venv/bin/ansible-test" "$@" --python "$python_version" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    set -e
    return "$status"
}

run "$@" && exit 0
wanted=$(sed -n 's/^The bootstrap script can be manually downloaded and saved to: //p' "$log" | head -n 1)
[ -n "$wanted" ] || exit 1
case "$wanted" in "$HOME"/*) ;; *) echo "ansible-test asked for $wanted, outside $HOME"; exit 1 ;; esac
echo "== ansible-test could not download its pip bootstrap script: using tests/sanity/get_pip_offline.py instead"
mkdir -p "$(dirname "$wanted")"
cp "$root/tests/sanity/get_pip_offline.py" "$wanted"
run "$@"

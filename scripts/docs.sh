#!/usr/bin/env bash
# Generate the plugin and role reference in docs/reference with antsibull-docs, and lint the collection's docs.
# Usage: scripts/docs.sh VENV_DIR [--check]   (--check: fail when docs/reference differs from the code's documentation)
set -euo pipefail
venv=$(cd "$1" && pwd); mode=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
tree=$("$root/scripts/collection-tree.sh" "$root/build/docs")
generated=$(mktemp -d)
trap 'rm -rf "$generated"' EXIT
export PATH="$venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$root/build/docs"
antsibull-docs lint-collection-docs --plugin-docs "$tree"
antsibull-docs collection --use-current --squash-hierarchy --output-format simplified-rst --dest-dir "$generated" \
    agora.cloud_recording >/dev/null
if [ "$mode" = --check ]; then
    diff -ru "$root/docs/reference" "$generated" || { echo "docs/reference is out of date: run 'make docs' and commit it."; exit 1; }
    echo "docs/reference matches the code's documentation."
else
    rm -rf "$root/docs/reference" && cp -r "$generated" "$root/docs/reference"
fi

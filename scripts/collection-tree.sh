#!/usr/bin/env bash
# Copy the files git knows of (tracked, and new ones it does not ignore) to DEST/ansible_collections/agora/cloud_recording
# and print that path. Tools that want a collection under an ansible_collections tree work on this copy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target="$1/ansible_collections/agora/cloud_recording"
rm -rf "$target" && mkdir -p "$target"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$target")
echo "$target"

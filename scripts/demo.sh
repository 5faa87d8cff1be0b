#!/usr/bin/env bash
# Rehearse an event teardown against the Agora simulator: no Agora account needed.
# Usage: scripts/demo.sh VENV_DIR   (run through `make demo`, which creates the virtualenv first)
set -euo pipefail
venv=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/build/demo"
rm -rf "$work" && mkdir -p "$work/collections"

echo "== Building and installing the collection as a user would"
(cd "$root" && "$venv/bin/ansible-galaxy" collection build --force --output-path "$work" >/dev/null)
ANSIBLE_COLLECTIONS_PATH="$work/collections" "$venv/bin/ansible-galaxy" collection install --force -p "$work/collections" "$work"/agora-cloud_recording-*.tar.gz >/dev/null

echo "== Starting the Agora simulator on loopback: HTTPS with a CA of its own, synchronous stops that take 2 to 5 s"
echo "   while the files upload, and channel empty-hall has nobody publishing"
"$venv/bin/python" "$root/tests/simulator/agora_simulator.py" --port 0 --lifetime 600 \
  --customer-id demo-customer-id --customer-secret demo-customer-secret --tls --upload-time 2-5 --random-seed 7 \
  --empty-channel empty-hall --ready-file "$work/simulator.json" >/dev/null &
simulator_pid=$!
trap 'kill "$simulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/simulator.json" ] && break; sleep 0.1; done
url=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/simulator.json")
ca=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ca_bundle"])' "$work/simulator.json")
echo "   simulator at $url (certificate verified against $ca)"

export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_PYTHON_INTERPRETER="$venv/bin/python"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=1
export AGORA_CUSTOMER_ID=demo-customer-id AGORA_CUSTOMER_SECRET=demo-customer-secret AGORA_API_BASE_URL="$url"
export REQUESTS_CA_BUNDLE="$ca"   # the module verifies the simulator's certificate as it would Agora's

echo "== Starting four recordings with the start module, into a ledger"
ledger="$work/recordings-ledger.json"
"$venv/bin/ansible-playbook" "$root/examples/start_recordings.yml" -e ledger="$ledger" | tee "$work/start-first.txt" \
  | grep -E '"msg"|^localhost'
echo "== Starting again: the ledger's recordings run, so only queries are sent (changed=0)"
"$venv/bin/ansible-playbook" "$root/examples/start_recordings.yml" -e ledger="$ledger" | tee "$work/start-second.txt" \
  | grep -E '"msg"|^localhost'
if ! grep -q '4 started, 0 already running' "$work/start-first.txt" \
   || ! grep -q '0 started, 4 already running' "$work/start-second.txt"; then
  echo "expected 4 started, then 4 already running"; exit 1
fi

echo "== Teardown from the ledger, first run: every recording is stopped and marked stopped in the ledger"
"$venv/bin/ansible-playbook" "$root/examples/teardown_from_ledger.yml" -e ledger="$ledger" | tee "$work/first-run.txt" \
  | grep -E '^ *"(Agora cloud recording teardown|  stopped now|  already stopped|  failed)|^localhost'
echo "== Teardown, second run: the ledger holds nothing still running (changed=0)"
"$venv/bin/ansible-playbook" "$root/examples/teardown_from_ledger.yml" -e ledger="$ledger" | tee "$work/second-run.txt" \
  | grep -E '^localhost'
stopped=$("$venv/bin/python" -c 'import json,sys; print(sum(1 for e in json.load(open(sys.argv[1]))["recordings"] if e["stopped_at"]))' "$ledger")
echo "== Recordings marked stopped in the ledger: $stopped of 4; report in $work/teardown-report"
if [ "$stopped" -ne 4 ] || ! grep -qE 'localhost +: ok=[0-9]+ +changed=0 ' "$work/second-run.txt"; then
  echo "expected 4 marked stopped, and a second teardown with changed=0"; exit 1
fi

echo "== Upload truth: an asynchronous stop answers at once; then the bucket itself confirms the files (moto's S3 server"
echo "   on loopback), waiting for a recording whose upload went through Agora's backup until its last files arrive"
storage_port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
storage_url="http://127.0.0.1:$storage_port"
"$venv/bin/python" -m moto.server -H 127.0.0.1 -p "$storage_port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill "$simulator_pid" "$moto_pid" ${storage_simulator_pid:-} 2>/dev/null || true' EXIT
"$venv/bin/python" - "$storage_url" <<'PYTHON'
import sys, time, boto3
for _ in range(100):
    try:
        boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='demo-access-key',
                     aws_secret_access_key='demo-secret-key').create_bucket(Bucket='event-recordings')
        break
    except Exception:
        time.sleep(0.1)
PYTHON
"$venv/bin/python" "$root/tests/simulator/agora_simulator.py" --port 0 --lifetime 300 \
  --customer-id demo-customer-id --customer-secret demo-customer-secret --upload-time 1 --seed 2 \
  --storage-endpoint "$storage_url" --storage-prefix demo --storage-access-key demo-access-key \
  --storage-secret-key demo-secret-key --storage-backuped-channel seed-channel-2 --storage-backup-delay 10 \
  --ready-file "$work/storage-simulator.json" >/dev/null &
storage_simulator_pid=$!
for _ in $(seq 1 100); do [ -s "$work/storage-simulator.json" ] && break; sleep 0.1; done
"$venv/bin/python" - "$work/storage-simulator.json" "$storage_url" "$work/uploads.json" <<'PYTHON'
import json, sys
ready = json.load(open(sys.argv[1]))
storage = {'vendor': 11, 'bucket': 'event-recordings', 'fileNamePrefix': ['demo'], 'extensionParams': {'endpoint': sys.argv[2]}}
json.dump({'recordings': ready['recordings'], 'storage': storage}, open(sys.argv[3], 'w'))
PYTHON
AGORA_API_BASE_URL=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/storage-simulator.json") \
AGORA_STORAGE_ACCESS_KEY=demo-access-key AGORA_STORAGE_SECRET_KEY=demo-secret-key \
  "$venv/bin/ansible-playbook" "$root/examples/confirm_uploads.yml" -e @"$work/uploads.json" | tee "$work/uploads-run.txt" \
  | grep -E '"msg"|^localhost'
grep -q 'failed=0' "$work/uploads-run.txt" || { echo "expected every upload confirmed"; exit 1; }

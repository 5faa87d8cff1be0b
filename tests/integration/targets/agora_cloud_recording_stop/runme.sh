#!/usr/bin/env bash
# Start the Agora simulator on loopback, run the playbook against it, stop the simulator.
set -eu
collection_root=$(cd ../../../.. && pwd)
if [ ! -f "$collection_root/tests/simulator/agora_simulator.py" ]; then
    collection_root="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/agora/cloud_recording"
fi
ready=$(mktemp)
python "$collection_root/tests/simulator/agora_simulator.py" --port 0 --lifetime 300 --seed 3 \
    --customer-id integration-id --customer-secret integration-secret --ready-file "$ready" >/dev/null &
simulator=$!
trap 'kill "$simulator" 2>/dev/null || true; rm -f "$ready"' EXIT
for _ in $(seq 1 100); do [ -s "$ready" ] && break; sleep 0.1; done
export AGORA_CUSTOMER_ID=integration-id AGORA_CUSTOMER_SECRET=integration-secret
# ansible-test writes ../../inventory, which names the Python that has this run's requirements.
ansible-playbook -i ../../inventory -c local playbook.yml -e "@$ready" "$@"

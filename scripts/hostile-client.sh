#!/usr/bin/env bash
# The hostile-client run of issue 14 against the RELEASE binary: starts it on a fresh SQLite file
# and a free loopback port with its default limits, mints a token, runs scripts/hostile-client.py.
#
#   scripts/hostile-client.sh                                       # builds target/release/cue-gateway
#   CUE_GATEWAY_BIN=target/release/cue-gateway scripts/hostile-client.sh   # an existing binary
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/gateway.sh
gateway_bin release
QUOTA=30
gateway_start Hostile hostile@cue.invalid "RATE_LIMIT_GENERATE_PER_MINUTE=$QUOTA"

status=0
python3 scripts/hostile-client.py --base "$BASE" --token "$TOKEN" --generate-quota "$QUOTA" "$@" || status=$?
if ! gateway_alive; then
    echo "hostile-client.sh: the gateway died during the run" >&2
    status=1
fi
if grep -q '"level":"ERROR"' "$WORK/server.log"; then
    echo "hostile-client.sh: errors in the server log:" >&2
    grep '"level":"ERROR"' "$WORK/server.log" | tail -n 20 >&2
fi
exit "$status"

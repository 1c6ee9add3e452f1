#!/usr/bin/env bash
# The hostile-client run of issue 14 against the RELEASE binary: starts it on a fresh SQLite file
# and a free loopback port with its default limits, mints a token, runs scripts/hostile-client.py.
#
#   scripts/hostile-client.sh                                       # builds target/release/cue-gateway
#   CUE_GATEWAY_BIN=target/release/cue-gateway scripts/hostile-client.sh   # an existing binary
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
if [ -n "${CUE_GATEWAY_BIN:-}" ]; then
    BIN="$(cd "$(dirname "$CUE_GATEWAY_BIN")" && pwd)/$(basename "$CUE_GATEWAY_BIN")"
else
    cargo build --quiet --release -p cue-gateway --all-features
    BIN="$(cd "$TARGET_DIR/release" && pwd)/cue-gateway"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
QUOTA=30
SERVER_ENV=(
    "PATH=$PATH"
    "DATABASE_URL=sqlite://$WORK/cue.db"
    "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
    "HOST=127.0.0.1"
    "PORT=$PORT"
    "RATE_LIMIT_GENERATE_PER_MINUTE=$QUOTA"
    "ARTIFACT_DIR=$WORK/artifacts"
    "LOG_FORMAT=json"
    "RUST_LOG=warn"
)
(cd "$WORK" && env -i "${SERVER_ENV[@]}" "$BIN" migrate >/dev/null)
TOKEN="$(cd "$WORK" && env -i "${SERVER_ENV[@]}" "$BIN" token --email hostile@cue.invalid --name Hostile)"
(cd "$WORK" && exec env -i "${SERVER_ENV[@]}" "$BIN" serve >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$BASE/health/ready" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "hostile-client.sh: the gateway exited:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.2
done

status=0
python3 scripts/hostile-client.py --base "$BASE" --token "$TOKEN" --generate-quota "$QUOTA" "$@" || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "hostile-client.sh: the gateway died during the run" >&2
    status=1
fi
if grep -q '"level":"ERROR"' "$WORK/server.log"; then
    echo "hostile-client.sh: errors in the server log:" >&2
    grep '"level":"ERROR"' "$WORK/server.log" | tail -n 20 >&2
fi
exit "$status"

# Sourced by the scripts that run a check against a live gateway (schemathesis.sh,
# hostile-client.sh): find or build the binary, start it on a fresh SQLite file and a free
# loopback port with only the variables given, mint a token, stop it on exit.
#
#   gateway_bin debug|release      sets BIN: $CUE_GATEWAY_BIN, or that profile built (all features)
#   gateway_start NAME EMAIL [VAR=VALUE ...]
#                                  sets WORK, PORT, BASE, TOKEN, SERVER_PID; the server's log is
#                                  $WORK/server.log; exits with the log when it does not come up
#   gateway_alive                  whether the server still runs

gateway_bin() {
    local profile="$1" target_dir="${CARGO_TARGET_DIR:-target}"
    if [ -n "${CUE_GATEWAY_BIN:-}" ]; then
        BIN="$(cd "$(dirname "$CUE_GATEWAY_BIN")" && pwd)/$(basename "$CUE_GATEWAY_BIN")"
        return
    fi
    if [ "$profile" = release ]; then
        cargo build --quiet --release -p cue-gateway --all-features
    else
        cargo build --quiet -p cue-gateway --all-features
    fi
    BIN="$(cd "$target_dir/$profile" && pwd)/cue-gateway"
}

WORK="$(mktemp -d)"
SERVER_PID=""
_gateway_cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap _gateway_cleanup EXIT

gateway_alive() {
    [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null
}

gateway_start() {
    local name="$1" email="$2"
    shift 2
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # Only these variables reach the server: a developer's shell or .env must not change the run.
    local env=(
        "PATH=$PATH"
        "DATABASE_URL=sqlite://$WORK/cue.db"
        "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        "HOST=127.0.0.1"
        "PORT=$PORT"
        "ARTIFACT_DIR=$WORK/artifacts"
        "LOG_FORMAT=json"
        "RUST_LOG=warn"
        "$@"
    )
    (cd "$WORK" && env -i "${env[@]}" "$BIN" migrate >/dev/null)
    TOKEN="$(cd "$WORK" && env -i "${env[@]}" "$BIN" token --email "$email" --name "$name")"
    (cd "$WORK" && exec env -i "${env[@]}" "$BIN" serve >"$WORK/server.log" 2>&1) &
    SERVER_PID=$!
    BASE="http://127.0.0.1:$PORT"
    local _
    for _ in $(seq 1 100); do
        if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$BASE/health/ready" 2>/dev/null; then
            return 0
        fi
        if ! gateway_alive; then
            echo "$(basename "$0"): the gateway exited:" >&2
            cat "$WORK/server.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "$(basename "$0"): the gateway did not answer /health/ready within 20 s" >&2
    exit 1
}

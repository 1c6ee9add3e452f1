#!/usr/bin/env bash
# Starts or stops a local moto server (fake S3, Transcribe, Secrets Manager) for the tests.
#
#   scripts/moto.sh start   # installs moto[server] if missing; idempotent; waits until it answers
#   scripts/moto.sh stop    # stops the server this script started
#   scripts/moto.sh status
#
# Tests find it through CUE_TEST_AWS_ENDPOINT (default http://127.0.0.1:5055).
set -euo pipefail

HOST="${MOTO_HOST:-127.0.0.1}"
PORT="${MOTO_PORT:-5055}"
STATE_DIR="${MOTO_STATE_DIR:-${TMPDIR:-/tmp}/cue-moto-${PORT}}"
PID_FILE="$STATE_DIR/moto.pid"
LOG_FILE="$STATE_DIR/moto.log"
MOTO_VERSION="${MOTO_VERSION:-5.2.1}"
URL="http://$HOST:$PORT"

answers() {
    # moto's dashboard-free health check: any HTTP answer on the root counts.
    python3 - "$URL" <<'PY' >/dev/null 2>&1
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
except urllib.error.HTTPError:
    pass
PY
}

ensure_installed() {
    if ! command -v moto_server >/dev/null 2>&1 || ! python3 -c "import moto.server, flask_cors" >/dev/null 2>&1; then
        echo "moto.sh: installing moto[server]==$MOTO_VERSION" >&2
        python3 -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
        hash -r
    fi
}

start() {
    if answers; then
        echo "moto.sh: already answering on $URL"
        return 0
    fi
    ensure_installed
    mkdir -p "$STATE_DIR"
    nohup moto_server -H "$HOST" -p "$PORT" >"$LOG_FILE" 2>&1 &
    echo $! >"$PID_FILE"
    for _ in $(seq 1 100); do
        if answers; then
            echo "moto.sh: started on $URL (pid $(cat "$PID_FILE"))"
            return 0
        fi
        if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
            echo "moto.sh: moto_server exited; log follows" >&2
            cat "$LOG_FILE" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "moto.sh: moto_server did not answer on $URL within 20 s" >&2
    return 1
}

stop() {
    if [[ -f "$PID_FILE" ]]; then
        local pid
        pid="$(cat "$PID_FILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
        fi
        rm -f "$PID_FILE"
        echo "moto.sh: stopped"
    else
        echo "moto.sh: not started by this script"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if answers; then echo "moto.sh: answering on $URL"; else echo "moto.sh: not answering on $URL"; exit 1; fi ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

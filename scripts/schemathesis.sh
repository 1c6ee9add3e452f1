#!/usr/bin/env bash
# Property-based API tests: schemathesis (pinned) against the gateway's own /openapi.json, as an
# authenticated user, bounded in time. `cargo xtask ci` runs it after the tests.
#
#   scripts/schemathesis.sh               # builds the debug gateway (all features) and runs
#   CUE_GATEWAY_BIN=target/debug/cue-gateway scripts/schemathesis.sh   # an existing binary
#   SCHEMATHESIS_EXAMPLES=100 scripts/schemathesis.sh   # a longer run
#
# Starts the gateway on a fresh SQLite file and a free port (rate limiting off: the fuzzer sends
# hundreds of requests a second), mints a token with `cue-gateway token`, runs schemathesis with
# the checks below, stops the server. Exits non-zero when schemathesis finds anything.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION="4.32.5"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-50}"
CHECKS="not_a_server_error,response_schema_conformance,content_type_conformance"
VENV="${CARGO_TARGET_DIR:-target}/schemathesis-$SCHEMATHESIS_VERSION"

if [ ! -x "$VENV/bin/schemathesis" ]; then
    echo "schemathesis.sh: installing schemathesis==$SCHEMATHESIS_VERSION into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# `cargo xtask ci` passes the binary its test run just built (CUE_GATEWAY_BIN), saving a build.
. scripts/lib/gateway.sh
gateway_bin debug
# Rate limiting is off (the fuzzer sends hundreds of requests a second). The login providers are
# configured (so their routes do real work) but point at a closed local port: nothing leaves the
# machine.
EXTRA=(
    "RATE_LIMIT_ENABLED=false"
    "GOOGLE_CLIENT_ID=schemathesis"
    "GOOGLE_CLIENT_SECRET=schemathesis"
    "GOOGLE_AUTH_URL=http://127.0.0.1:9/google/authorize"
    "GOOGLE_TOKEN_URL=http://127.0.0.1:9/google/token"
    "GOOGLE_USERINFO_URL=http://127.0.0.1:9/google/userinfo"
    "GITHUB_CLIENT_ID=schemathesis"
    "GITHUB_CLIENT_SECRET=schemathesis"
    "GITHUB_AUTH_URL=http://127.0.0.1:9/github/authorize"
    "GITHUB_TOKEN_URL=http://127.0.0.1:9/github/token"
    "GITHUB_API_URL=http://127.0.0.1:9/github/api"
)
# Dry runs drop to an unprivileged user inside bubblewrap, which cannot read an interpreter
# kept under /root (pyenv): the system's python3 serves them, as in the Docker image.
if [ -x /usr/bin/python3 ]; then
    EXTRA+=("DRY_RUN_PYTHON=/usr/bin/python3")
fi
gateway_start Schemathesis schemathesis@cue.invalid "${EXTRA[@]}"

VENV="$(cd "$VENV" && pwd)"
run() {
    # From the temp dir, so schemathesis's crash cache does not land in the checkout.
    (cd "$WORK" && "$VENV/bin/schemathesis" --no-color run "$BASE/openapi.json" \
        --checks "$CHECKS" \
        --header "Authorization: Bearer $TOKEN" \
        --max-examples "$EXAMPLES" \
        --phases examples,coverage,fuzzing,stateful \
        --request-timeout 10 \
        --max-redirects 0 \
        --seed "${SCHEMATHESIS_SEED:-20261126}" \
        --generation-database none \
        --generation-with-security-parameters false \
        "$@")
}

status=0
# Logging out (here, or everywhere) revokes the token every other operation uses, so those run
# last, alone.
# POST /speech/transcribe is left out: with no speech provider configured it answers 503
# speech_not_configured by design, which not_a_server_error counts as a failure, and every
# real provider is a remote service; its unhappy paths are covered by gateway/tests/api/speech.rs.
run --exclude-path /auth/logout --exclude-path /auth/logout/everywhere --exclude-path /api/logout \
    --exclude-path /speech/transcribe || status=$?
run --include-path /auth/logout --include-path /auth/logout/everywhere --include-path /api/logout \
    || status=$?

if [ "$status" -ne 0 ]; then
    echo "schemathesis.sh: findings above (server log: last 40 lines follow)" >&2
    tail -n 40 "$WORK/server.log" >&2
fi
exit "$status"

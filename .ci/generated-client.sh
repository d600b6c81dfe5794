#!/usr/bin/env bash
# Generates a Python client from openapi.yaml with openapi-python-client (pinned) and fails on
# any warning (a warning means part of the contract was dropped from the client), then runs
# .ci/client/first_hour.py, which uses only that client, against a fresh release binary.
#
#   bash .ci/generated-client.sh [path/to/bridgehire]     (default: ${CARGO_TARGET_DIR:-target}/release/bridgehire)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OPC_VERSION=0.29.1
VENV="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/bridgehire-ci/venv-opc-${OPC_VERSION}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ $TARGET_DIR == /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
BIN="${1:-$TARGET_DIR/release/bridgehire}"
[[ $BIN == /* ]] || BIN="$PWD/$BIN"
[[ -x $BIN ]] || { echo "error: $BIN is not an executable; run 'cargo build --release' first" >&2; exit 1; }

if [[ ! -x $VENV/bin/openapi-python-client ]] || [[ $("$VENV/bin/openapi-python-client" --version 2>/dev/null) != *" $OPC_VERSION" ]]; then
    echo "openapi-python-client $OPC_VERSION: installing into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client==$OPC_VERSION"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bridgehire-client.XXXXXX")
SERVER_PID=""
cleanup() {
    local rc=$?
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    [[ $rc -eq 0 ]] || { echo "----- server log -----"; tail -n 40 "$WORK/server.log" 2>/dev/null || true; }
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

"$VENV/bin/openapi-python-client" generate --path "$ROOT/openapi.yaml" --output-path "$WORK/client" \
    --config "$ROOT/.ci/client/openapi-python-client.yaml" --overwrite >"$WORK/generate.log" 2>&1 || {
    cat "$WORK/generate.log"
    exit 1
}
if grep -qi "warning" "$WORK/generate.log"; then
    cat "$WORK/generate.log"
    echo "openapi-python-client warned: part of the contract would be missing from generated clients" >&2
    exit 1
fi
echo "openapi-python-client $OPC_VERSION generated a client without warnings"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall "$WORK/client"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$WORK" && env -u DATABASE_URL -u JWT_SECRET BIND_ADDRESS="127.0.0.1:$PORT" "$BIN" >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
    sleep 0.2
done
"$VENV/bin/python" "$ROOT/.ci/client/first_hour.py" "http://127.0.0.1:$PORT" "$ROOT/examples/resumes/maria-lopez.pdf"

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

if [[ ! -x $VENV/bin/openapi-python-client ]] || [[ $("$VENV/bin/openapi-python-client" --version 2>/dev/null) != *" $OPC_VERSION" ]]; then
    echo "openapi-python-client $OPC_VERSION: installing into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client==$OPC_VERSION"
fi

# shellcheck source=.ci/fresh-server.sh
source "$ROOT/.ci/fresh-server.sh" "$@"

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

start_fresh_server
"$VENV/bin/python" "$ROOT/.ci/client/first_hour.py" "http://127.0.0.1:$PORT" "$ROOT/examples/resumes/maria-lopez.pdf"

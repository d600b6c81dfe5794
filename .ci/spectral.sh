#!/usr/bin/env bash
# Lints openapi.yaml with Spectral (@stoplight/spectral-cli, pinned; the "spectral:oas" ruleset,
# .ci/spectral.yaml) and fails on any error. Spectral is installed once with npm into a cache
# folder and reused.
#
#   bash .ci/spectral.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPECTRAL_VERSION=6.16.3
PREFIX="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/bridgehire-ci/spectral-${SPECTRAL_VERSION}"
BIN="$PREFIX/node_modules/.bin/spectral"

command -v npm >/dev/null || { echo "error: npm is needed for Spectral (apt-get install nodejs npm)" >&2; exit 1; }
if [[ ! -x $BIN ]] || [[ $("$BIN" --version 2>/dev/null) != "$SPECTRAL_VERSION" ]]; then
    echo "spectral $SPECTRAL_VERSION: installing into $PREFIX"
    mkdir -p "$PREFIX"
    npm install --prefix "$PREFIX" --no-audit --no-fund --silent "@stoplight/spectral-cli@$SPECTRAL_VERSION"
fi
"$BIN" lint "$ROOT/openapi.yaml" --ruleset "$ROOT/.ci/spectral.yaml" --fail-severity error --format text
echo # Spectral ends its last line without a newline

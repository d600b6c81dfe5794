#!/usr/bin/env bash
# Runs the README's tour, exactly as written, against a fresh release binary with zero
# configuration, in a fresh directory laid out like a checkout (examples/ and
# target/release/bridgehire), so ./data and the signing key are new.
#
#   bash .ci/readme-tour.sh [path/to/bridgehire]     (default: ${CARGO_TARGET_DIR:-target}/release/bridgehire)
#
# Every ```sh block of README.md runs, in order, in one shell, with BASE pointed at the test
# server; ```bash blocks (building, testing, CI) are not part of the tour. Every curl that does
# not print its own status (-w) fails on an HTTP error, and any failing command fails the run,
# so a tour step that stops working fails CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=.ci/fresh-server.sh
source "$ROOT/.ci/fresh-server.sh" "$@"
# A checkout as the reader has it: the sample résumés and the release binary.
mkdir -p "$WORK/target/release"
ln -s "$ROOT/examples" "$WORK/examples"
ln -s "$BIN" "$WORK/target/release/bridgehire"
start_fresh_server

# The README's sh blocks, with BASE at the test server.
python3 - "$ROOT/README.md" "$PORT" >"$WORK/tour.sh" <<'PY'
import re, sys
readme, port = sys.argv[1], sys.argv[2]
block, out = None, []
for line in open(readme, encoding="utf-8"):
    if block is None and line.rstrip() == "```sh":
        block = []
    elif block is not None and line.startswith("```"):
        out.append("".join(block))
        block = None
    elif block is not None:
        block.append(line)
tour = "\n".join(out).replace("BASE=http://127.0.0.1:8080", f"BASE=http://127.0.0.1:{port}")
assert f"127.0.0.1:{port}" in tour, "the tour no longer sets BASE=http://127.0.0.1:8080"
print(tour)
PY

cat >"$WORK/run.sh" <<'SH'
set -euo pipefail
# curl as the reader runs it, but an HTTP error fails the tour (unless the step prints the status).
curl() {
    local arg
    for arg in "$@"; do
        [[ $arg == -w ]] && { command curl "$@"; return; }
    done
    command curl --fail-with-body "$@"
}
SH
cat "$WORK/tour.sh" >>"$WORK/run.sh"
cat >>"$WORK/run.sh" <<'SH'

[[ $(head -c 5 submittal.pdf) == %PDF- ]] || { echo "submittal.pdf is not a PDF" >&2; exit 1; }
SH

echo "running $(grep -c '' "$WORK/tour.sh") lines of README tour against 127.0.0.1:$PORT"
(cd "$WORK" && bash "$WORK/run.sh") >"$WORK/tour.out" 2>&1 || {
    cat "$WORK/tour.out"
    echo "README tour FAILED" >&2
    exit 1
}
[[ -n ${TOUR_SHOW:-} ]] && cat "$WORK/tour.out"
echo "README tour passed"

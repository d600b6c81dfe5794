# Sourced by the CI scripts that need a fresh bridgehire: the release binary with zero
# configuration, in a new empty working directory (so a new ./data and a generated signing
# key), on a free port. Defines BIN, WORK, PORT and BASE, stops the server and removes WORK on
# exit, and prints the server log's tail when the script failed.
#
#   source "$ROOT/.ci/fresh-server.sh" [path/to/bridgehire]
#   prepare_work_dir() { ...; }   # optional, before start_fresh_server: lay out $WORK
#   start_fresh_server

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ $TARGET_DIR == /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
BIN="${1:-$TARGET_DIR/release/bridgehire}"
[[ $BIN == /* ]] || BIN="$PWD/$BIN"
[[ -x $BIN ]] || { echo "error: $BIN is not an executable; run 'cargo build --release' first" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bridgehire-ci.XXXXXX")
SERVER_PID=""
stop_fresh_server() {
    local rc=$?
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 ]]; then
        echo "----- server log -----"
        tail -n 40 "$WORK/server.log" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap stop_fresh_server EXIT

start_fresh_server() {
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    BASE="http://127.0.0.1:$PORT"
    # exec: the subshell becomes the server, so SERVER_PID is the server's and stopping it works.
    (cd "$WORK" && exec env -u DATABASE_URL -u JWT_SECRET BIND_ADDRESS="127.0.0.1:$PORT" "$BIN" >"$WORK/server.log" 2>&1) &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null --max-time 2 "$BASE/readyz" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "error: $BASE/readyz did not answer within 60 s" >&2
    exit 1
}

#!/usr/bin/env bash
# The CSV export benchmark: N synthetic candidates in a fresh SQLite database, the release binary
# serving them, and `GET /api/v1/candidates/export.csv` downloaded with curl (all of them, and a
# search), with the server's resident memory sampled every 20 ms while each export runs.
#
#   bash .ci/bench-export.sh 100000
#
# Needs `cargo build --release` first (the binary under ${CARGO_TARGET_DIR:-target}/release).
# Work files go to ${BENCH_DIR:-/tmp/bh-export-N}; a database of that size is reused if present.
set -euo pipefail

N=${1:?number of candidates}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET_DIR/release/bridgehire"
DIR=${BENCH_DIR:-/tmp/bh-export-$N}
DB="$DIR/bh.db"
PORT=${BENCH_PORT:-18182}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench@example.org
PASSWORD=violet-kettle-marathon-42
# info: the log says when the match index has loaded, so memory is read after the warm-up.
export DATABASE_URL="sqlite://$DB" BIND_ADDRESS="127.0.0.1:$PORT" WORKERS=2 RUST_LOG=info LOG_FORMAT=json
mkdir -p "$DIR"

serve() {
    : >"$DIR/server.log"
    "$BIN" >>"$DIR/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 600); do
        curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "the server did not start; see $DIR/server.log" >&2
    exit 1
}
stop() { kill "$SERVER" && wait "$SERVER" 2>/dev/null || true; }
trap 'kill $SERVER 2>/dev/null || true' EXIT
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$SERVER/status"; }
mb() { python3 -c "print(f'{$1 / 1024:.1f} MB')"; }

if [[ ! -f $DIR/ready ]]; then
    rm -f "$DB"*
    serve
    curl -fsS "$BASE/api/v1/auth/signup" -H 'content-type: application/json' \
        -d "{\"agency_name\":\"Bench\",\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
    stop
    start=$SECONDS
    "$BIN" generate "$N" --user "$EMAIL" >"$DIR/generate.log" 2>&1
    echo "generated $N candidates in $((SECONDS - start)) s"
    touch "$DIR/ready"
fi

serve
for _ in $(seq 1 600); do
    grep -q '"match index loaded"' "$DIR/server.log" && break
    sleep 0.1
done
TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | json "['access_token']")
echo "server after start-up and the match index: RSS $(mb "$(kb VmRSS)"), peak $(mb "$(kb VmHWM)")"

# One export: its size and time, and the server's memory while it ran.
export_once() {
    local label=$1 query=$2 samples="$DIR/rss.samples"
    : >"$samples"
    (while kill -0 "$SERVER" 2>/dev/null; do kb VmRSS >>"$samples"; sleep 0.02; done) &
    local sampler=$!
    local before_rss before_hwm
    before_rss=$(kb VmRSS) before_hwm=$(kb VmHWM)
    local stats
    stats=$(curl -fsS -G "$BASE/api/v1/candidates/export.csv" -H "authorization: Bearer $TOKEN" \
        ${query:+--data-urlencode "$query"} -o "$DIR/export.csv" -w '%{size_download} %{time_total} %{time_starttransfer}')
    kill "$sampler" && wait "$sampler" 2>/dev/null || true
    read -r bytes total first <<<"$stats"
    local rows max_rss
    rows=$(($(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=''))))" "$DIR/export.csv") - 1))
    max_rss=$(sort -n "$samples" | tail -1)
    echo "$label: $rows rows, $(mb "$((bytes / 1024))") in ${total} s (first byte after ${first} s);" \
        "server RSS $(mb "$before_rss") before, at most $(mb "$max_rss") during; peak (VmHWM) $(mb "$before_hwm") before," \
        "$(mb "$(kb VmHWM)") after"
}

export_once "all candidates" ""
export_once "all candidates, again" ""
export_once "search q=epic" "q=epic"
export_once "search q=\"epic cadence\"" 'q="epic cadence"'
stop

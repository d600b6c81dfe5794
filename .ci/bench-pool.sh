#!/usr/bin/env bash
# "A match must not starve other requests": N synthetic candidates (default 100000), the release
# binary serving them with DB_POOL_SIZE=2 WORKERS=2, and examples/probe_under_load running 4
# matches (`GET /api/v1/job-orders/{id}/matches`) back to back on 4 connections while a probe
# times a plain GET: once `GET /api/v1/me`, once `GET /api/v1/candidates?limit=1`. Prints, for
# each, the probe's latency without and with the matches, and the matches' own latency.
#
#   bash .ci/bench-pool.sh [candidates=100000] [seconds=20] [connections=4]
#
# Needs `cargo build --release --bin bridgehire --example probe_under_load` first; the server is
# `$BIN` (default target/release/bridgehire). The database is made as .ci/bench-match.sh makes it
# and shares its directory, ${BENCH_DIR:-/tmp/bh-bench-N}: reused if present, else generated
# (100000 candidates take a minute or a few). Each run adds one client and one job order to it.
set -euo pipefail

N=${1:-100000}
DURATION=${2:-20}
CONNECTIONS=${3:-4}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/bridgehire}
PROBE=${PROBE:-$ROOT/target/release/examples/probe_under_load}
DIR=${BENCH_DIR:-/tmp/bh-bench-$N}
DB="$DIR/bh.db"
PORT=${BENCH_PORT:-18183}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench@example.org
PASSWORD=violet-kettle-marathon-42
export DATABASE_URL="sqlite://$DB" BIND_ADDRESS="127.0.0.1:$PORT" RUST_LOG=warn SHUTDOWN_TIMEOUT_SECONDS=1
mkdir -p "$DIR"
SERVER=

serve() {
    "$BIN" >>"$DIR/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 600); do
        curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not start; see $DIR/server.log" >&2
    exit 1
}
stop() {
    [[ -n $SERVER ]] || return 0
    kill "$SERVER" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
}
trap stop EXIT
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

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

# The point is a pool smaller than the number of concurrent matches; BENCH_POOL_SIZE and
# BENCH_WORKERS change it for comparison runs.
export DB_POOL_SIZE=${BENCH_POOL_SIZE:-2} WORKERS=${BENCH_WORKERS:-2}
serve
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: $BIN pid $SERVER, DB_POOL_SIZE=$DB_POOL_SIZE WORKERS=$WORKERS, $N candidates in $DB"
TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | json "['access_token']")
auth=(-H "authorization: Bearer $TOKEN" -H 'content-type: application/json')
CLIENT=$(curl -fsS "$BASE/api/v1/clients" "${auth[@]}" \
    -d '{"name":"Prairie Rural Clinic","sector":"clinic","max_rate_cents":6500}' | json "['id']")
JOB=$(curl -fsS "$BASE/api/v1/job-orders" "${auth[@]}" -d "{\"client_id\":\"$CLIENT\",\"title\":\"Epic Analyst\",
    \"required_skills\":[{\"name\":\"Epic\",\"weight\":8,\"min_years\":2},{\"name\":\"HL7 v2\",\"weight\":5},{\"name\":\"SQL\",\"weight\":3}],
    \"nice_to_have_skills\":[{\"name\":\"Epic Cadence\",\"weight\":3}],\"remote\":true}" | json "['id']")
MATCHES="/api/v1/job-orders/$JOB/matches"
# The first match waits for the match index to load; time it apart, so the flood is steady state.
curl -fsS -o /dev/null -w "first match (may load the index): %{time_total} s\n" "$BASE$MATCHES" "${auth[@]}"
curl -fsS -o /dev/null -w "second match (warm): %{time_total} s\n" "$BASE$MATCHES" "${auth[@]}"

for probe in /api/v1/me '/api/v1/candidates?limit=1'; do
    echo
    "$PROBE" --base "$BASE" --email "$EMAIL" --password "$PASSWORD" --flood "get:$MATCHES" \
        --connections "$CONNECTIONS" --seconds "$DURATION" --probe "$probe" --pid "$SERVER"
done

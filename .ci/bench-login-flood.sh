#!/usr/bin/env bash
# The login-flood benchmark: the release binary on a fresh database, one admin signed up, then
# examples/probe_under_load floods `POST /api/v1/auth/login` with random, never-registered
# e-mails (so the per-e-mail throttle never fires) from many connections at once, while a probe
# times `GET /api/v1/me`. Prints the flood's status counts, the probe's latency without and with
# the flood, and the server's peak memory.
#
#   bash .ci/bench-login-flood.sh [connections=200] [seconds=30]
#
# PROBE_PATH (default /api/v1/me) changes what the probe times, e.g. PROBE_PATH=/healthz.
#
# Needs `cargo build --release --bin bridgehire --example probe_under_load` first.
# The server is `$BIN` (default target/release/bridgehire). The database is a fresh SQLite file
# in a temp dir, or, when DATABASE_URL is a postgres:// URL, a fresh schema in that database
# (created here and dropped on exit). Other server settings (WORKERS, DB_POOL_SIZE, …) pass
# through from the environment; the flood stops early if the server's RSS passes
# ${MAX_RSS_MB:-8192} MB.
set -euo pipefail

CONNECTIONS=${1:-200}
DURATION=${2:-30}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/bridgehire}
PROBE=${PROBE:-$ROOT/target/release/examples/probe_under_load}
PORT=${BENCH_PORT:-18182}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench@example.org
PASSWORD=violet-kettle-marathon-42
DIR=$(mktemp -d /tmp/bh-login-flood.XXXXXX)
SERVER=
SCHEMA=
PG_URL=

cleanup() {
    if [[ -n $SERVER ]]; then
        kill "$SERVER" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    if [[ -n $SCHEMA ]]; then
        psql -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null || true
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

if [[ ${DATABASE_URL:-} == postgres://* || ${DATABASE_URL:-} == postgresql://* ]]; then
    PG_URL=$DATABASE_URL
    SCHEMA=bh_bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    psql -q "$PG_URL" -c "CREATE SCHEMA $SCHEMA" >/dev/null
    [[ $PG_URL == *\?* ]] && sep='&' || sep='?'
    export DATABASE_URL="$PG_URL${sep}options=-csearch_path%3D$SCHEMA"
    echo "database: postgres schema $SCHEMA"
else
    export DATABASE_URL="sqlite://$DIR/bh.db"
    echo "database: sqlite $DIR/bh.db"
fi
export BIND_ADDRESS="127.0.0.1:$PORT" RUST_LOG=${RUST_LOG:-warn} SHUTDOWN_TIMEOUT_SECONDS=1
export JWT_SECRET=${JWT_SECRET:-bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz}

"$BIN" >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
    sleep 0.1
done
curl -fsS "$BASE/api/v1/auth/signup" -H 'content-type: application/json' \
    -d "{\"agency_name\":\"Bench\",\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: $BIN pid $SERVER, WORKERS=${WORKERS:-default} DB_POOL_SIZE=${DB_POOL_SIZE:-default}"

"$PROBE" --base "$BASE" --email "$EMAIL" --password "$PASSWORD" --flood login --probe "${PROBE_PATH:-/api/v1/me}" \
    --connections "$CONNECTIONS" --seconds "$DURATION" --pid "$SERVER" --max-rss-mb "${MAX_RSS_MB:-8192}"

if kill -0 "$SERVER" 2>/dev/null; then
    echo "server: still running after the flood"
else
    echo "server: DIED during the flood; last log lines:"
    tail -n 20 "$DIR/server.log"
fi
# The last lines, without colour codes: they show what the server said of the flood's requests.
echo "server log: $(wc -l <"$DIR/server.log") lines; last 3:"
tail -n 3 "$DIR/server.log" | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-300

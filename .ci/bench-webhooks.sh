#!/usr/bin/env bash
# What webhooks and standing match alerts cost one instance: N synthetic candidates (default
# 10000) in a fresh database, the release binary (WORKERS=2), and examples/webhook_bench for the
# HTTP side (its own receiver on 127.0.0.1 answering 200 at once). Phases, in one database:
#
#   none       W sequential candidate PATCHes, then W POSTs: no endpoints, no alerting job orders
#   endpoints  the same after registering 3 endpoints (candidate.*, match.alert)
#   drain      a backlog of B PATCHes (3 deliveries each) written with no delivery worker
#              (WEBHOOK_POLL_MS=0), then an instance with a worker started: deliveries per second
#              from the first to the last arrival; once per WEBHOOK_POLL_MS in $BENCH_POLLS
#   alerts     the writes again after creating J open job orders with alerts on (varied required
#              skills from the taxonomy and budgets; after a few untimed writes that load the
#              match index and the job orders' market estimates)
#   burst      B PATCHes from C connections with everything on: writes/s, and the time until the
#              receiver has every delivery (candidate events and the match alerts they cause)
#   drain+alerts  the drain again with the job orders alerting: the worker evaluates the backlog
#
# and prints the write latencies, the deliveries per second, and the match-alert evaluation cost
# read from the server's debug lines ("match alerts evaluated": candidates, pairs, alerts,
# elapsed_ms per batch of up to 500 candidate events; elapsed_ms covers the evaluation, not the
# transaction that records the alerts).
#
#   bash .ci/bench-webhooks.sh [candidates=10000] [writes=400] [burst=5000]
#
# Needs `cargo build --release --bin bridgehire --example webhook_bench` first. Settings:
# BENCH_JOB_ORDERS (1000), BENCH_CONCURRENCY (4, the burst's connections), BENCH_POLLS (the
# drain's WEBHOOK_POLL_MS values, "100 default"), BENCH_BACKEND=postgres (a fresh database
# bh_webhooks_bench on BENCH_PG, default postgres://root@127.0.0.1:5432, instead of SQLite),
# BENCH_PORT (18191), BENCH_RECEIVER_PORT (18291). Work files (the server log with its debug
# lines, the raw results) go to ${BENCH_DIR:-/tmp/bh-webhooks-<backend>-N}, emptied first.
set -euo pipefail

N=${1:-10000}
WRITES=${2:-400}
BURST=${3:-5000}
JOBS=${BENCH_JOB_ORDERS:-1000}
CONCURRENCY=${BENCH_CONCURRENCY:-4}
POLLS=${BENCH_POLLS:-100 default}
BACKEND=${BENCH_BACKEND:-sqlite}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/bridgehire}
BENCH=${BENCH:-$ROOT/target/release/examples/webhook_bench}
DIR=${BENCH_DIR:-/tmp/bh-webhooks-$BACKEND-$N}
PORT=${BENCH_PORT:-18191}
RPORT=${BENCH_RECEIVER_PORT:-18291}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench@example.org
PASSWORD=violet-kettle-marathon-42
LOG="$DIR/server.log"
RESULTS="$DIR/results.txt"
for f in "$BIN" "$BENCH"; do
    [[ -x $f ]] || { echo "missing $f: cargo build --release --bin bridgehire --example webhook_bench" >&2; exit 1; }
done
rm -rf "$DIR"
mkdir -p "$DIR"
# The binary is copied so a rebuild during the run changes nothing.
cp "$BIN" "$DIR/bridgehire"
BIN="$DIR/bridgehire"

case $BACKEND in
    sqlite) DATABASE_URL="sqlite://$DIR/bh.db" ;;
    postgres)
        PG=${BENCH_PG:-postgres://root@127.0.0.1:5432}
        psql "$PG/test" -qX -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS bh_webhooks_bench' \
            -c 'CREATE DATABASE bh_webhooks_bench' >/dev/null
        DATABASE_URL="$PG/bh_webhooks_bench"
        ;;
    *) echo "BENCH_BACKEND is sqlite or postgres" >&2; exit 2 ;;
esac
export DATABASE_URL BIND_ADDRESS="127.0.0.1:$PORT" WORKERS=2 LOG_FORMAT=json SHUTDOWN_TIMEOUT_SECONDS=1 \
    RUST_LOG=warn,bridgehire::service::alerts=debug WEBHOOK_ALLOW_LOOPBACK=true ACCESS_TOKEN_TTL_SECONDS=86400
unset WEBHOOK_POLL_MS
AUTH=(--base "$BASE" --email "$EMAIL" --password "$PASSWORD")
SERVER=
RECEIVER=

# serve [WEBHOOK_POLL_MS]: starts the server (the default poll when empty or "default").
serve() {
    local poll=${1:-default}
    if [[ $poll == default ]]; then
        "$BIN" >>"$LOG" 2>&1 &
    else
        WEBHOOK_POLL_MS=$poll "$BIN" >>"$LOG" 2>&1 &
    fi
    SERVER=$!
    for _ in $(seq 1 600); do
        curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not start; see $LOG" >&2
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
cleanup() {
    stop
    [[ -z $RECEIVER ]] || kill "$RECEIVER" 2>/dev/null || true
}
trap cleanup EXIT
# run <args…>: the example, its output shown and kept.
run() { "$BENCH" "$@" | tee -a "$RESULTS"; }
# The server log's length, to cut it into phases.
mark() { wc -l <"$LOG"; }
# alerts <label> <from line>: the "match alerts evaluated" lines logged since that line.
alerts() {
    python3 - "$LOG" "$2" "$1" <<'PY' | tee -a "$RESULTS"
import json, sys
path, start, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
batches = []
for i, line in enumerate(open(path, errors="replace")):
    if i < start or "match alerts evaluated" not in line:
        continue
    try:
        e = json.loads(line)
    except ValueError:
        continue
    f = e.get("fields", e)
    batches.append((int(f["candidates"]), int(f["pairs"]), int(f["alerts"]), float(f["elapsed_ms"])))
if not batches:
    print(f"alerts label={label} batches=0")
    sys.exit()
cands = sum(b[0] for b in batches)
ms = sum(b[3] for b in batches)
times = sorted(b[3] for b in batches)
print(f"alerts label={label} batches={len(batches)} candidates={cands} candidates_per_batch={cands / len(batches):.1f} "
      f"pairs={sum(b[1] for b in batches)} qualified={sum(b[2] for b in batches)} elapsed_ms={ms:.0f} "
      f"ms_per_candidate={ms / max(cands, 1):.2f} batch_p50_ms={times[len(times) // 2]:.1f} batch_max_ms={times[-1]:.1f} "
      f"largest_batch={max(b[0] for b in batches)}")
PY
}
# drain <label> <poll>: B PATCHes written with no worker, then an instance with one delivers them.
DRAINS=0
drain() {
    DRAINS=$((DRAINS + 1))
    serve 0
    run burst "${AUTH[@]}" --label "$1-enqueue" --count "$BURST" --concurrency "$CONCURRENCY" --seed $((20 + DRAINS))
    stop
    "$BENCH" receive --receiver-port "$RPORT" --expect $((BURST * 3)) --label "$1" >"$DIR/receive.out" &
    RECEIVER=$!
    for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$RPORT/" 2>/dev/null && break; sleep 0.05; done
    local from
    from=$(mark)
    serve "$2"
    wait "$RECEIVER"
    RECEIVER=
    tee -a "$RESULTS" <"$DIR/receive.out"
    alerts "$1" "$from"
    stop
}

echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); backend $BACKEND; $DIR"
touch "$LOG"
serve
curl -fsS "$BASE/api/v1/auth/signup" -H 'content-type: application/json' \
    -d "{\"agency_name\":\"Bench\",\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
stop
start=$SECONDS
"$BIN" generate "$N" --user "$EMAIL" >"$DIR/generate.log" 2>&1
echo "generated $N candidates in $((SECONDS - start)) s"

serve
run writes "${AUTH[@]}" --label none --count "$WRITES" --seed 11
run endpoints "${AUTH[@]}" --receiver-port "$RPORT" --endpoints 3
run writes "${AUTH[@]}" --label endpoints --count "$WRITES" --seed 12 --receiver-port "$RPORT"
stop

for poll in $POLLS; do
    drain "drain-poll-$poll" "$poll"
done

serve
run job-orders "${AUTH[@]}" --count "$JOBS" --seed 7
# Untimed: loads the match index and the job orders' market estimates.
from=$(mark)
run writes "${AUTH[@]}" --label warm-up --count 5 --seed 13 --receiver-port "$RPORT" >/dev/null
alerts warm-up "$from"
from=$(mark)
run writes "${AUTH[@]}" --label alerts --count "$WRITES" --seed 14 --receiver-port "$RPORT"
alerts alerts "$from"
from=$(mark)
run burst "${AUTH[@]}" --label burst --count "$BURST" --concurrency "$CONCURRENCY" --seed 15 --receiver-port "$RPORT"
alerts burst "$from"
stop

drain drain-alerts default

echo
python3 - "$RESULTS" "$N" "$JOBS" "$BACKEND" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    words = line.split()
    if not words:
        continue
    rows.append((words[0], dict(w.split("=", 1) for w in words[1:] if "=" in w)))
def find(kind, **match):
    return [r for k, r in rows if k == kind and all(r.get(a) == b for a, b in match.items())]
n, jobs, backend = sys.argv[2:]
print(f"{backend}, {n} candidates, 2 workers; write latency p50 / p99 ms (sequential, one connection)")
print(f"{'':44} {'PATCH':>15} {'POST':>15}")
names = {"none": "no endpoints, no alerting job orders", "endpoints": "3 endpoints",
         "alerts": f"3 endpoints + {jobs} alerting job orders"}
for label, name in names.items():
    cells = []
    for kind in ("patch", "post"):
        r = find("writes", label=label, kind=kind)
        cells.append(f"{r[0]['p50_ms']} / {r[0]['p99_ms']}" if r else "-")
    print(f"{name:44} {cells[0]:>15} {cells[1]:>15}")
print()
print("deliveries (receiver answering 200 at once)")
for r in find("receive"):
    print(f"  {r['label']:22} {r['deliveries']:>7} deliveries ({r['alerts']} match.alert) in {float(r['first_to_last_ms']) / 1000:.1f} s "
          f"first to last: {r['deliveries_per_s']}/s")
for r in find("deliveries", label="burst"):
    print(f"  {'burst (live)':22} {r['deliveries']:>7} deliveries ({r['alerts']} match.alert); last {float(r['last_ms']) / 1000:.1f} s "
          f"after the burst began (writes done at {float(r['writes_done_ms']) / 1000:.1f} s): {r['deliveries_per_s']}/s")
for r in find("burst", label="burst"):
    print(f"  burst writes: {r['writes_per_s']}/s from {r['concurrency']} connections, p50 / p99 {r['p50_ms']} / {r['p99_ms']} ms")
print()
print("match alert evaluation (server debug lines)")
for r in find("alerts"):
    if r.get("batches", "0") == "0":
        continue
    print(f"  {r['label']:22} {r['batches']:>5} batches, {r['candidates_per_batch']:>6} candidates/batch, "
          f"{r['ms_per_candidate']:>7} ms/candidate, batch p50 {r['batch_p50_ms']} ms, max {r['batch_max_ms']} ms, "
          f"{r['qualified']} qualifying pairs")
PY

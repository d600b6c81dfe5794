#!/usr/bin/env bash
# What webhooks and standing match alerts cost one instance: N synthetic candidates (default
# 10000) in a fresh database, the release binary (WORKERS=2), and examples/webhook_bench for the
# HTTP side (its own receiver on 127.0.0.1 answering 200 at once). Phases, in one database:
#
#   none        W sequential PATCHes (a candidate's desired rate up a dollar or two), then W
#               sequential POSTs (new candidates): no endpoints, no alerting job orders
#   endpoints   the same with 3 endpoints registered (candidate.*, match.alert)
#   drain       a backlog of B PATCHes (3 deliveries each) written with no delivery worker
#               (WEBHOOK_POLL_MS=0), then an instance with a worker: deliveries per second from
#               the first arrival to the last; once per WEBHOOK_POLL_MS value in BENCH_POLLS
#   prime       with the endpoints deleted, J open job orders with alerts on are created (varied
#               required skills from the taxonomy, budgets) and each of a pool of P candidates is
#               PATCHed once: a candidate's first evaluation alerts on every job order they match
#               (existing matches were never recorded), so the pool is evaluated once, unheard
#   alerts      with 3 endpoints again: the sequential PATCHes (to the pool) and POSTs again;
#               after the POSTs, while their match alerts are still queued, 100 PATCHes more
#               (under-backlog)
#   single      S PATCHes, then S POSTs, 200 ms apart: each evaluated on its own
#   first-touch W sequential PATCHes to candidates outside the pool, never evaluated before
#   burst       B PATCHes to the pool from C connections: writes/s, and until the receiver has
#               every delivery
#   drain-alerts  the drain again with the job orders alerting (the worker evaluates the backlog)
#
# PATCHes raise a candidate's desired rate (the pay ceiling is held against the minimum rate, so
# whom they match stays the same); PATCHes outside first-touch go to the pool (the first P
# candidates in id order), the drains' too.
#
# Before the single and burst phases (and at the end of each alert phase) the 3 endpoints are
# deleted and registered again, which deletes the deliveries still pending: each phase starts
# with an empty queue. How long the queue was, and how long the worker's claim query takes on
# it, is printed first (`backlog`: the claim's SELECT, timed on its own, read-only).
#
# The match-alert cost is read from the server's debug lines ("match alerts evaluated" with
# candidates, pairs, alerts = qualifying pairs, elapsed_ms, per batch of up to 500 candidate
# events; elapsed_ms covers the evaluation, not the transaction that records the alerts).
#
#   bash .ci/bench-webhooks.sh [candidates=10000] [writes=400] [burst=5000]
#
# Needs `cargo build --release --bin bridgehire --example webhook_bench` first (or BIN=<server
# binary>; both are copied into the work directory, so a rebuild during the run changes
# nothing), python3, and psql for BENCH_BACKEND=postgres (a fresh database bh_webhooks_bench on
# BENCH_PG, default postgres://root@127.0.0.1:5432, instead of SQLite). Other settings:
# BENCH_JOB_ORDERS (1000), BENCH_POOL (1000), BENCH_SINGLES (100), BENCH_CONCURRENCY (4, the
# burst's connections), BENCH_POLLS (the drains' WEBHOOK_POLL_MS values, "100 default"),
# BENCH_WAIT (how long a phase waits for its deliveries before it is cut short, 120 s),
# BENCH_PG_VACUUM=1 (VACUUM the delivery tables before each drain, for a cluster without
# autovacuum), BENCH_PORT (18191), BENCH_RECEIVER_PORT (18291). Work files (the server log with
# the debug lines, the raw results) go to ${BENCH_DIR:-/tmp/bh-webhooks-<backend>-N}, emptied
# first.
set -euo pipefail

N=${1:-10000}
WRITES=${2:-400}
BURST=${3:-5000}
JOBS=${BENCH_JOB_ORDERS:-1000}
SINGLES=${BENCH_SINGLES:-100}
POOL=${BENCH_POOL:-1000}
CONCURRENCY=${BENCH_CONCURRENCY:-4}
POLLS=${BENCH_POLLS:-100 default}
WAIT=${BENCH_WAIT:-120}
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
# Copied, so that a rebuild during the run changes nothing.
cp "$BIN" "$DIR/bridgehire"
cp "$BENCH" "$DIR/webhook_bench"
BIN="$DIR/bridgehire"
BENCH="$DIR/webhook_bench"

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
RECEIVE=(--receiver-port "$RPORT" --timeout-secs "$WAIT")
IN_POOL=(--pool "$POOL")
SERVER=
RECEIVER=

# serve [WEBHOOK_POLL_MS]: starts the server (its default poll when empty or "default").
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
      f"ms_per_candidate={ms / max(cands, 1):.2f} batch_p50_ms={times[len(times) // 2]:.1f} "
      f"batch_max_ms={times[-1]:.1f} largest_batch={max(b[0] for b in batches)}")
PY
}
# The worker's claim (src/db/models/webhooks.rs, `claim`) without its UPDATE and lock.
CLAIM="SELECT d.id FROM webhook_deliveries d
  WHERE d.state = 'pending' AND d.next_attempt_at <= '2999-01-01'
    AND (d.locked_until IS NULL OR d.locked_until < '2999-01-01')
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id
        AND e.resource_key = d.resource_key AND e.state = 'pending' AND e.id < d.id)
  ORDER BY d.id LIMIT 32"
# backlog <label>: deliveries pending, all kept, and the claim's SELECT timed (median of 3).
backlog() {
    if [[ $BACKEND == sqlite ]]; then
        python3 - "$DIR/bh.db" "$1" "$CLAIM" <<'PY' | tee -a "$RESULTS"
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
pending, rows = db.execute("SELECT sum(state = 'pending'), count(*) FROM webhook_deliveries").fetchone()
times = []
for _ in range(3):
    t = time.perf_counter()
    db.execute(sys.argv[3]).fetchall()
    times.append((time.perf_counter() - t) * 1000)
print(f"backlog label={sys.argv[2]} pending={pending or 0} deliveries_kept={rows} claim_select_ms={sorted(times)[1]:.1f}")
PY
    else
        local counts ms
        counts=$(psql "$DATABASE_URL" -qAtX -F' ' -c \
            "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FROM webhook_deliveries")
        ms=$(for _ in 1 2 3; do
            psql "$DATABASE_URL" -qAtX -c '\timing on' -c "$CLAIM" | awk '/^Time:/ {print $2}'
        done | sort -n | sed -n 2p)
        local dead
        dead=$(psql "$DATABASE_URL" -qAtX -c \
            "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'webhook_deliveries'")
        echo "backlog label=$1 pending=${counts% *} deliveries_kept=${counts#* } dead_rows=$dead claim_select_ms=$ms" |
            tee -a "$RESULTS"
    fi
}
# reset_endpoints [count]: deletes the endpoints (and their pending deliveries), registers 3 again.
reset_endpoints() { run endpoints "${AUTH[@]}" --receiver-port "$RPORT" --endpoints "${1:-3}" --reset >/dev/null; }
# settled: waits until match alerts have evaluated, and committed, every candidate event so far
# (their cursor has reached the last one).
settled() {
    local sql="SELECT (SELECT CAST(value AS BIGINT) FROM app_meta WHERE key = 'match_alerts_cursor'),
        (SELECT max(id) FROM outbox_events WHERE event_type IN ('candidate.created', 'candidate.updated'))"
    local state
    for _ in $(seq 1 3600); do
        if [[ $BACKEND == sqlite ]]; then
            state=$(python3 -c 'import sqlite3, sys
print(*sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(sys.argv[2]).fetchone())' "$DIR/bh.db" "$sql")
        else
            state=$(psql "$DATABASE_URL" -qAtX -F' ' -c "$sql")
        fi
        read -r cursor last <<<"$state"
        [[ $cursor != None && -n $cursor && $cursor -ge $last ]] && return 0
        sleep 0.5
    done
    echo "match alerts did not catch up ($state)" >&2
    exit 1
}
# drain <label> <poll>: B PATCHes written with no worker, then an instance with one delivers them.
DRAINS=0
drain() {
    DRAINS=$((DRAINS + 1))
    serve 0
    run burst "${AUTH[@]}" --label "$1-enqueue" --count "$BURST" --concurrency "$CONCURRENCY" --seed $((20 + DRAINS)) \
        "${IN_POOL[@]}"
    stop
    "$BENCH" receive --receiver-port "$RPORT" --expect $((BURST * 3)) --label "$1" --timeout-secs 900 \
        >"$DIR/receive.out" &
    RECEIVER=$!
    if [[ $BACKEND == postgres && -n ${BENCH_PG_VACUUM:-} ]]; then
        psql "$DATABASE_URL" -qX -c 'VACUUM ANALYZE webhook_deliveries' -c 'VACUUM ANALYZE webhook_endpoints'
    fi
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
if [[ $BACKEND == postgres ]]; then
    echo "PostgreSQL autovacuum: $(psql "$DATABASE_URL" -qAtX -c 'SHOW autovacuum')${BENCH_PG_VACUUM:+; VACUUM before each drain}"
fi
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
run writes "${AUTH[@]}" --label endpoints --count "$WRITES" --seed 12 "${RECEIVE[@]}"
stop

for poll in $POLLS; do
    drain "drain-poll-$poll" "$poll"
done

serve
reset_endpoints 0
run job-orders "${AUTH[@]}" --count "$JOBS" --seed 7
from=$(mark)
run burst "${AUTH[@]}" --label prime --sweep --concurrency 2 --seed 13 "${IN_POOL[@]}"
settled
alerts prime "$from"
reset_endpoints
for kind in patch post; do
    from=$(mark)
    run writes "${AUTH[@]}" --label alerts --kinds $kind --count "$WRITES" --seed 14 "${RECEIVE[@]}" "${IN_POOL[@]}"
    alerts "alerts-$kind" "$from"
    if [[ $kind == post ]]; then
        # What a write costs while the worker works through that queue.
        run writes "${AUTH[@]}" --label under-backlog --kinds patch --count 100 --seed 18 --receiver-port "$RPORT" \
            --timeout-secs 10 --tolerate-busy "${IN_POOL[@]}" | grep '^writes'
    fi
    backlog "alerts-$kind"
    reset_endpoints
done
# One at a time: each write evaluated on its own (a pause after each).
for kind in patch post; do
    from=$(mark)
    run writes "${AUTH[@]}" --label single --kinds $kind --count "$SINGLES" --gap-ms 200 --seed 16 "${RECEIVE[@]}" \
        "${IN_POOL[@]}"
    alerts "single-$kind" "$from"
    backlog "single-$kind"
    reset_endpoints
done
from=$(mark)
run writes "${AUTH[@]}" --label first-touch --kinds patch --count "$WRITES" --seed 17 "${RECEIVE[@]}" \
    --pool-from "$POOL" --pool $((N - POOL))
alerts first-touch "$from"
backlog first-touch
reset_endpoints
from=$(mark)
run burst "${AUTH[@]}" --label burst --count "$BURST" --concurrency "$CONCURRENCY" --seed 15 \
    --receiver-port "$RPORT" --timeout-secs 900 "${IN_POOL[@]}"
alerts burst "$from"
backlog burst
stop

drain drain-alerts default

echo
python3 - "$RESULTS" "$N" "$JOBS" "$BACKEND" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    words = line.split()
    if words:
        rows.append((words[0], dict(w.split("=", 1) for w in words[1:] if "=" in w)))
def find(line, **match):
    return [r for k, r in rows if k == line and all(r.get(a) == b for a, b in match.items())]
def one(line, **match):
    found = find(line, **match)
    return found[0] if found else {}
n, jobs, backend = sys.argv[2:]
print(f"{backend}, {n} candidates, WORKERS=2: sequential writes on one connection, p50 / p99 / max ms")
print(f"{'':48} {'PATCH':>34} {'POST':>24}")
names = [("none", "no endpoints, no alerting job orders"), ("endpoints", "3 endpoints"),
         ("alerts", f"3 endpoints + {jobs} alerting job orders"), ("single", "  the same, 200 ms between writes"),
         ("first-touch", "  the same, candidates never evaluated before"),
         ("under-backlog", "  the same, while the POSTs' alerts are queued")]
for label, name in names:
    cells = []
    for kind in ("patch", "post"):
        r = one("writes", label=label, kind=kind)
        busy = f" ({r['http_503']} × 503)" if r and r.get("http_503", "0") != "0" else ""
        cells.append(f"{r['p50_ms']} / {r['p99_ms']} / {r['max_ms']}{busy}" if r else "-")
    print(f"{name:48} {cells[0]:>34} {cells[1]:>24}")
b = one("burst", label="burst")
if b:
    print(f"burst of {b['n']} PATCHes from {b['concurrency']} connections: {b['writes_per_s']}/s, "
          f"p50 / p99 {b['p50_ms']} / {b['p99_ms']} ms")
print()
print("match alerts evaluated (server debug lines)")
print(f"  {'phase':16} {'batches':>7} {'cand/batch':>10} {'ms/cand':>8} {'batch p50':>9} {'batch max':>9} "
      f"{'qualifying/cand':>15} {'sent':>6}")
sent = {"alerts-patch": ("deliveries", {"label": "alerts"}, 0), "alerts-post": ("deliveries", {"label": "alerts"}, 1),
        "single-patch": ("deliveries", {"label": "single"}, 0), "single-post": ("deliveries", {"label": "single"}, 1),
        "burst": ("deliveries", {"label": "burst"}, 0), "drain-alerts": ("receive", {"label": "drain-alerts"}, 0),
        "first-touch": ("deliveries", {"label": "first-touch"}, 0)}
for r in find("alerts"):
    if r.get("batches", "0") == "0" or r["label"].startswith("drain-poll"):
        continue
    line, match, i = sent.get(r["label"], (None, None, 0))
    got = find(line, **match) if line else []
    alerts = str(int(got[i]["alerts"]) // 3) if len(got) > i else "-"
    per = int(r["qualified"]) / max(int(r["candidates"]), 1)
    print(f"  {r['label']:16} {r['batches']:>7} {r['candidates_per_batch']:>10} {r['ms_per_candidate']:>8} "
          f"{r['batch_p50_ms']:>9} {r['batch_max_ms']:>9} {per:>15.1f} {alerts:>6}")
print("  (sent: match.alert events received, per endpoint; qualifying: pairs that match, alerted before or not)")
print()
print("deliveries (receiver answering 200 at once)")
for r in find("receive"):
    print(f"  {r['label']:22} {r['deliveries']:>7} deliveries ({r['alerts']} match.alert), first to last "
          f"{float(r['first_to_last_ms']) / 1000:.1f} s: {r['deliveries_per_s']}/s{'' if r['complete'] == 'true' else ' (cut short)'}")
for r in find("deliveries"):
    if r["label"] == "none":
        continue
    print(f"  {r['label'] + ' (live)':22} {r['deliveries']:>7} deliveries ({r['alerts']} match.alert), last "
          f"{float(r['last_ms']) / 1000:.1f} s after the first write (writes done at "
          f"{float(r['writes_done_ms']) / 1000:.1f} s): {r['deliveries_per_s']}/s{'' if r['complete'] == 'true' else ' (cut short)'}")
for r in find("backlog"):
    dead = f", {r['dead_rows']} dead rows" if "dead_rows" in r else ""
    print(f"  left pending after {r['label']:14} {r['pending']:>7} (of {r['deliveries_kept']} kept{dead}); "
          f"claim SELECT {r['claim_select_ms']} ms")
PY

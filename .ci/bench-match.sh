#!/usr/bin/env bash
# The match benchmark: N synthetic candidates in a fresh SQLite database, the release binary
# serving them, `GET /api/v1/job-orders/{id}/matches` timed over HTTP by the load generator,
# and in the same run the naive-SQL baseline (examples/naive_match.rs) on the same file.
#
#   bash .ci/bench-match.sh 100000 [requests] [naive_requests]
#
# Needs `cargo build --release --bin bridgehire --example loadgen --example naive_match` first.
# Work files go to ${BENCH_DIR:-/tmp/bh-bench-N}; a database of that size is reused if present.
# BENCH_MARKUP=<percent> prices the job order at that markup instead of the agency's default
# (30): BENCH_MARKUP=0 holds candidates to the budget itself, the workload before budgets became
# bill rates.
set -euo pipefail

N=${1:?number of candidates}
REQUESTS=${2:-400}
NAIVE_REQUESTS=${3:-10}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/target/release/bridgehire"
EXAMPLES="$ROOT/target/release/examples"
DIR=${BENCH_DIR:-/tmp/bh-bench-$N}
DB="$DIR/bh.db"
PORT=${BENCH_PORT:-18181}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench@example.org
PASSWORD=violet-kettle-marathon-42
export DATABASE_URL="sqlite://$DB" BIND_ADDRESS="127.0.0.1:$PORT" WORKERS=2 RUST_LOG=warn
mkdir -p "$DIR"

serve() {
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
TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | json "['access_token']")
auth=(-H "authorization: Bearer $TOKEN" -H 'content-type: application/json')
CLIENT=$(curl -fsS "$BASE/api/v1/clients" "${auth[@]}" \
    -d '{"name":"Prairie Rural Clinic","sector":"clinic","max_rate_cents":6500}' | json "['id']")
MARKUP_FIELD=${BENCH_MARKUP:+\"markup_percent\":$BENCH_MARKUP,}
JOB=$(curl -fsS "$BASE/api/v1/job-orders" "${auth[@]}" -d "{\"client_id\":\"$CLIENT\",\"title\":\"Epic Analyst\",$MARKUP_FIELD
    \"required_skills\":[{\"name\":\"Epic\",\"weight\":8,\"min_years\":2},{\"name\":\"HL7 v2\",\"weight\":5},{\"name\":\"SQL\",\"weight\":3}],
    \"nice_to_have_skills\":[{\"name\":\"Epic Cadence\",\"weight\":3}],\"remote\":true}" | json "['id']")
rss() { awk -v k="$1" '$1 == k":" {print $2 / 1024 " MB"}' "/proc/$SERVER/status"; }
echo "server RSS before the first match: $(rss VmRSS)"
start=$(date +%s.%N)
curl -fsS "$BASE/api/v1/job-orders/$JOB/matches" "${auth[@]}" >"$DIR/first.json"
echo "first match (loads the index): $(python3 -c "print(round(($(date +%s.%N) - $start) * 1000))") ms;" \
    "RSS $(rss VmRSS), peak $(rss VmHWM)"
python3 - "$DIR/first.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
print("answer: market", a["market"], "can_afford", a["can_afford_experienced"], "matches", a["total_matches"],
      "excluded", a["excluded"], "top", [(m["candidate_id"], m["score"], m["segment"]) for m in a["matches"][:5]])
PY
"$EXAMPLES/loadgen" --base "$BASE" --email "$EMAIL" --password "$PASSWORD" --requests "$REQUESTS" --concurrency 2 \
    "/api/v1/job-orders/$JOB/matches" "/api/v1/job-orders/$JOB/matches?segment=experienced&limit=5"
echo "server RSS after: $(rss VmRSS), peak $(rss VmHWM)"
stop
"$EXAMPLES/naive_match" --database "$DB" --job-order "$JOB" --requests "$NAIVE_REQUESTS"

#!/usr/bin/env bash
# Runs Schemathesis (property-based API testing, all checks, all phases) against a release build
# of bridgehire serving a throw-away SQLite database, using openapi.yaml from the repository:
# first the examples, coverage and fuzzing phases (a fixed number of cases per operation), then
# the stateful phase (chains of linked calls) for a fixed time, on the same server.
#
#   bash .ci/schemathesis.sh [path/to/bridgehire]     (default: ${CARGO_TARGET_DIR:-target}/release/bridgehire)
#
# Called by .ci/run after `cargo build --release`; can be run on its own the same way.
# Knobs (environment): ST_SEED (default 20261125), ST_MAX_EXAMPLES (30), ST_STATEFUL_TIME (100 s),
# ST_WORKERS (1), ST_PORT (default: a free port). Reports go to ${CARGO_TARGET_DIR:-target}/schemathesis/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ST_VERSION=4.32.5
ST_VENV="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/bridgehire-ci/venv-st-${ST_VERSION}"
ST_SEED="${ST_SEED:-20261125}"
ST_MAX_EXAMPLES="${ST_MAX_EXAMPLES:-30}"
ST_STATEFUL_TIME="${ST_STATEFUL_TIME:-100}"
ST_WORKERS="${ST_WORKERS:-1}"
SPEC="$ROOT/openapi.yaml"
CONFIG="$ROOT/.ci/schemathesis.toml"

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
[[ $TARGET_DIR == /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
BIN="${1:-$TARGET_DIR/release/bridgehire}"
[[ $BIN == /* ]] || BIN="$PWD/$BIN"
OUT="$TARGET_DIR/schemathesis" # reports, server log, hypothesis scratch files; never in the source tree

die() {
    echo "error: $*" >&2
    exit 1
}

[[ -x $BIN ]] || die "$BIN is not an executable; run 'cargo build --release' first"
[[ -f $SPEC ]] || die "$SPEC does not exist"
[[ -f $CONFIG ]] || die "$CONFIG does not exist"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bridgehire-st.XXXXXX")
LOG="$WORK/server.log"
SERVER_PID=""

print_server_log() {
    echo "----- last 50 lines of the server log ($LOG) -----"
    tail -n 50 "$LOG" 2>/dev/null || echo "(no log)"
    echo "----- end of server log -----"
}

cleanup() {
    local rc=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        # Graceful shutdown drains in-flight requests; give it a moment, then insist.
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 ]]; then
        print_server_log
    fi
    mkdir -p "$OUT" && cp -f "$LOG" "$OUT/server.log" 2>/dev/null || true
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

# --- Schemathesis, pinned, in a cached virtualenv ------------------------------------------
ensure_schemathesis() {
    if [[ -x $ST_VENV/bin/st ]] && [[ $("$ST_VENV/bin/st" --version 2>/dev/null) == *" $ST_VERSION" ]]; then
        echo "schemathesis $ST_VERSION: reusing $ST_VENV"
        return 0
    fi
    echo "schemathesis $ST_VERSION: installing into $ST_VENV"
    mkdir -p "$(dirname "$ST_VENV")"
    (
        # Two CI runs on one machine must not build the same virtualenv at once.
        if command -v flock >/dev/null 2>&1; then
            exec 9>"$ST_VENV.lock"
            flock 9
        fi
        if [[ -x $ST_VENV/bin/st ]] && [[ $("$ST_VENV/bin/st" --version 2>/dev/null) == *" $ST_VERSION" ]]; then
            exit 0
        fi
        rm -rf "$ST_VENV"
        python3 -m venv "$ST_VENV"
        "$ST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "schemathesis==$ST_VERSION"
    )
    [[ $("$ST_VENV/bin/st" --version) == *" $ST_VERSION" ]] || die "schemathesis $ST_VERSION did not install"
}
ensure_schemathesis
ST="$ST_VENV/bin/st"

# --- Start the release binary on a fresh SQLite database --------------------------------------
PORT="${ST_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
JWT_SECRET_VALUE=$(python3 -c 'import secrets; print(secrets.token_urlsafe(36))') # 48 characters

echo "starting $BIN on $BASE (database $WORK/st.db, log $LOG)"
# The working directory is the scratch directory, so a developer's .env in the checkout is not read.
(
    cd "$WORK"
    exec env \
        DATABASE_URL="sqlite://$WORK/st.db" \
        BIND_ADDRESS="127.0.0.1:$PORT" \
        JWT_SECRET="$JWT_SECRET_VALUE" \
        ACCESS_TOKEN_TTL_SECONDS=7200 \
        ALLOW_SIGNUP=true \
        LOG_FORMAT=json \
        RUST_LOG=warn \
        "$BIN" >>"$LOG" 2>&1 </dev/null
) &
SERVER_PID=$!

waited=0
until curl -fsS -o /dev/null --max-time 2 "$BASE/readyz" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during start-up"
    ((waited >= 60)) && die "$BASE/readyz did not answer 200 within 60 s"
    sleep 1
    waited=$((waited + 1))
done
echo "server ready after ${waited}s (pid $SERVER_PID)"

# --- A real account for the run ---------------------------------------------------------------
TOKEN=""
# api METHOD PATH [JSON]: prints the HTTP status; the body is left in $WORK/body.json.
api() {
    local args=(-sS -o "$WORK/body.json" -w '%{http_code}' -X "$1" -H 'Accept: application/json')
    [[ -n $TOKEN ]] && args+=(-H "Authorization: Bearer $TOKEN")
    [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
    curl "${args[@]}" "$BASE$2"
}
# json_obj k1 v1 k2 v2 ...: a JSON object of strings.
json_obj() { python3 -c 'import json, sys; a = sys.argv[1:]; print(json.dumps(dict(zip(a[::2], a[1::2]))))' "$@"; }
# field NAME: a top-level field of $WORK/body.json.
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/body.json" "$1"; }

SUFFIX="$(date +%s)-$RANDOM"
PASSWORD="Ci-$(python3 -c 'import secrets; print(secrets.token_hex(8))')-Passphrase!"

status=$(api POST /api/v1/auth/signup "$(json_obj agency_name "CI Agency $SUFFIX" name "CI Admin" \
    email "ci-admin-$SUFFIX@example.com" password "$PASSWORD")")
[[ $status == 201 ]] || die "POST /api/v1/auth/signup answered $status: $(cat "$WORK/body.json")"
TOKEN=$(field access_token)
[[ -n $TOKEN ]] || die "signup answered no access_token"

status=$(api GET /api/v1/me)
[[ $status == 200 ]] || die "GET /api/v1/me with the new token answered $status: $(cat "$WORK/body.json")"

# A second user for PATCH /api/v1/users/{id} to work on, so the run cannot disable or demote
# the admin it authenticates as (see the [[operations]] entry in .ci/schemathesis.toml).
status=$(api POST /api/v1/users "$(json_obj name "CI Target" email "ci-target-$SUFFIX@example.com" \
    password "$PASSWORD" role recruiter)")
[[ $status == 201 ]] || die "POST /api/v1/users answered $status: $(cat "$WORK/body.json")"
BH_ST_TARGET_USER_ID=$(field id)
echo "signed up admin and target user $BH_ST_TARGET_USER_ID"

# --- Schemathesis -----------------------------------------------------------------------------
mkdir -p "$OUT"
rm -rf "$OUT/report"
export BH_ST_OUT="$OUT" BH_ST_TARGET_USER_ID # expanded as ${...} inside .ci/schemathesis.toml

# What both runs share.
run_args=(
    # The contract: the repository's openapi.yaml (not the served copy, so a server that
    # serves a stale spec cannot hide a difference).
    "$SPEC"
    # Scheme/host/port of the server; the base path declared by the spec (servers[0].url) is
    # appended, so paths work whether the spec says `servers: [{url: /api/v1}]` or spells out
    # /api/v1 in every path. (--url would replace the spec's base path instead.)
    --origin "$BASE"
    # Sent with every request, so the protected operations are exercised as a real admin.
    # ignored_auth strips or corrupts it on purpose to prove authentication is enforced.
    -H "Authorization: Bearer $TOKEN"
    # Checks: schemathesis' default, which is every check: not_a_server_error,
    # status_code_conformance, content_type_conformance, response_headers_conformance,
    # response_schema_conformance, negative_data_rejection, positive_data_acceptance,
    # missing_required_header, unsupported_method, allow_header_conformance, use_after_free,
    # ensure_resource_availability, ignored_auth, object_level_authorization (this one only
    # acts when several identities are configured as peers through a WFC auth file; with one
    # bearer token it has nothing to compare, and tenant isolation is left to the black-box
    # tests). max_response_time stays off: no time limits in CI. No --checks flag: a check
    # named on the command line is turned on for every operation, overriding the few
    # per-operation exceptions in .ci/schemathesis.toml (each with its reason).
    # Both schema-valid (positive) and schema-violating (negative) data.
    --mode all
    # Fixed seed: the same code produces the same requests (the stateful run: the same
    # sequence of them, of which the time budget decides how much is sent); set ST_SEED to
    # explore further.
    --seed "$ST_SEED"
    # One worker: a reproducible order of requests against one SQLite database, and the
    # 2-core CI machine also runs the server.
    --workers "$ST_WORKERS"
    # Hypothesis health checks judge the data generator (slow or heavily filtered generation
    # on a busy machine), never the API; they must not fail CI.
    --suppress-health-check all
    # No example database (.hypothesis/): runs do not depend on earlier runs.
    --generation-database none
    # JUnit XML for the CI system, in target/schemathesis/report/.
    --report junit
    --report-dir "$OUT/report"
)

# The server must have survived a run, and the run's identity must still be valid.
check_server() {
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        die "the server process died during the schemathesis $1 run"
    fi
    status=$(api GET /api/v1/me)
    if [[ $status != 200 ]]; then
        die "after the $1 run GET /api/v1/me answers $status: the run lost its identity part-way (was the admin disabled, demoted or its token revoked? the PATCH /users/{id} pin in .ci/schemathesis.toml expects the path parameter to be named id or user_id)"
    fi
}

# --config-file is an option of `st` itself and must come before `run`. The config holds what
# has no CLI flag: the expected statuses of the positive/negative data checks, the warnings that
# fail the run, the stateful phase's settings, the pinned PATCH /users/{id} target, the checks
# that do not apply to an operation, and the disabled cache.
st_rc=0

# Examples from the spec, coverage (deterministic boundary and constraint-violation cases,
# undocumented methods) and fuzzing (random generation): a fixed number of cases per operation.
echo "schemathesis $ST_VERSION: examples, coverage, fuzzing: seed $ST_SEED, max examples $ST_MAX_EXAMPLES, workers $ST_WORKERS"
(cd "$OUT" && "$ST" --config-file "$CONFIG" run "${run_args[@]}" \
    --phases examples,coverage,fuzzing --max-examples "$ST_MAX_EXAMPLES") || st_rc=$?
check_server "examples, coverage and fuzzing"

# Stateful: chains of calls that follow the links of openapi.yaml (explicit, and inferred from
# the schemas), on a time budget. Hypothesis ends a suite of chains as soon as the server
# answers a replayed choice differently (a name taken, a record deleted by an earlier chain),
# which on a database it cannot reset often happens after 20-30 chains; --max-time starts suite
# after suite (each with the next seed) until the budget is spent. A run of its own, so that the
# budget goes to chains rather than to more fuzzing, which --max-time would also repeat.
echo "schemathesis $ST_VERSION: stateful: seed $ST_SEED, ${ST_STATEFUL_TIME}s, workers $ST_WORKERS"
(cd "$OUT" && "$ST" --config-file "$CONFIG" run "${run_args[@]}" \
    --phases stateful --max-time "$ST_STATEFUL_TIME") || st_rc=$?
check_server stateful

if [[ $st_rc -ne 0 ]]; then
    echo "schemathesis failed (exit $st_rc); reproduce with: ST_SEED=$ST_SEED bash .ci/schemathesis.sh" >&2
    exit "$st_rc"
fi
echo "schemathesis passed"

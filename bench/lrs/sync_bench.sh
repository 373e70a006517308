#!/usr/bin/env bash
# Issue 4 benchmark, in one run: N status changes (from `coursecrew status
# import`) synced to the local LRS by `coursecrew sync`, against the same
# statements, pre-built, POSTed in the same batches by curl in a loop, and by
# the npm package @xapi/xapi from Node. Each measurement gets a fresh harness
# (the in-memory LRS slows down as it fills), and the order is ours, curl,
# curl, ours (ABBA) so load drifts cancel out; @xapi/xapi runs once.
# Then: the time of an incremental publish where one piece changed.
#
# Usage: bench/lrs/sync_bench.sh [BUILD_DIR=build] [N=20000] [BATCH=500]
# Needs: the build's bin/coursecrew and bin/cc_gen_scorm, node 20 with
# tests/lrs/node_modules (scripts/install-deps.sh), and for the @xapi/xapi
# row bench/lrs/xapi_node/node_modules (cd bench/lrs/xapi_node && npm ci).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
n=${2:-20000}
batch=${3:-500}
cli=$build/bin/coursecrew
# Precise CPU figures (GNU time rounds to 10 ms, a tenth of ours here).
[ -x "$build/bin/cc_measure" ] && export CC_MEASURE=$build/bin/cc_measure
here=$root/bench/lrs
work=$(mktemp -d /tmp/cc-sync-bench-XXXXXX)
harness_pid=
cleanup() { [ -n "$harness_pid" ] && kill "$harness_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_harness() {  # a fresh LRS; sets $direct
  [ -n "$harness_pid" ] && { kill "$harness_pid" 2>/dev/null; wait "$harness_pid" 2>/dev/null || true; }
  rm -f "$work/ready.json"
  node "$root/tests/lrs/harness.js" --ready-file "$work/ready.json" --no-stdin >"$work/harness.log" 2>&1 &
  harness_pid=$!
  for _ in $(seq 600); do [ -s "$work/ready.json" ] && break; sleep 0.1; done
  direct=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["direct"]["statements"])' "$work/ready.json")
}

write_config() {  # $1: endpoint
  cat >"$work/coursecrew.json" <<EOF
{"course_iri": "https://example.org/courses/bench", "store": "state.db",
 "targets": [{"name": "lms", "kind": "xapi", "endpoint": "$1", "documents": false,
              "auth": {"type": "basic", "username": "bench", "password": {"env": "CC_BENCH_SECRET"}},
              "batch": {"max_statements": $batch}}]}
EOF
}
export CC_BENCH_SECRET=bench

# The course: 200 modules x 100 pieces, and a CSV with one change per pair.
modules=200; pieces=$(( (n + modules - 1) / modules ))
mkdir -p "$work/course"
"$build/bin/cc_gen_scorm" "$work/course" "$modules" "$pieces" 1 --with-files >/dev/null

# Queues the N changes in a fresh store (the publish itself is delivered first).
prepare_store() {
  rm -f "$work"/state.db*
  write_config "$direct"
  (cd "$work" && "$cli" publish course --config coursecrew.json --timeout 600 >/dev/null)
  if [ ! -f "$work/changes.csv" ]; then
    python3 - "$work/state.db" "$n" >"$work/changes.csv" <<'EOF'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT piece, role FROM pairs ORDER BY piece, role LIMIT ?", (int(sys.argv[2]),)).fetchall()
w = csv.writer(sys.stdout)
w.writerow(["piece", "role", "status", "by", "note"])
for piece, role in rows:
    w.writerow([piece, role, "in_progress", "ana@example.org", "started"])
EOF
  fi
  (cd "$work" && "$cli" status import changes.csv --config coursecrew.json --no-wait >/dev/null 2>&1)
}

ours() {
  start_harness
  prepare_store
  queued=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from outbox").fetchone()[0])' "$work/state.db")
  echo "ours: coursecrew sync, $queued statements queued, batches of $batch" >&2
  (cd "$work" && "$here/measure.sh" "$cli" sync --config coursecrew.json --timeout 3600 >/dev/null) 2>&1 | grep measure: | sed 's/^/  ours /'
}

export_batches() {  # the statements ours sent, in its order and batch size
  rm -rf "$work/batches"; mkdir -p "$work/batches"
  python3 - "$work/state.db" "$work/batches" "$batch" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
bodies = [r[0] for r in db.execute("SELECT body FROM events WHERE kind IN ('status','progressed') ORDER BY id")]
size = int(sys.argv[3])
for i in range(0, len(bodies), size):
    with open("%s/batch-%05d.json" % (sys.argv[2], i // size), "w") as f:
        f.write("[" + ",".join(bodies[i:i + size]) + "]")
EOF
}

baseline_curl() {
  start_harness
  echo "curl loop: $(ls "$work/batches" | wc -l) batches" >&2
  "$here/measure.sh" "$here/curl_loop.sh" "$direct" "$work/batches" >/dev/null 2>"$work/m.txt" || true
  grep measure: "$work/m.txt" | sed 's/^/  curl /'
}

baseline_xapi() {
  if [ ! -d "$here/xapi_node/node_modules/@xapi/xapi" ]; then
    echo "  @xapi/xapi: skipped (cd bench/lrs/xapi_node && npm ci)"; return
  fi
  start_harness
  "$here/measure.sh" node "$here/xapi_node/send.js" "$direct" "$work/batches" >/dev/null 2>"$work/m.txt" || true
  grep measure: "$work/m.txt" | sed 's/^/  xapi /'
}

echo "== $n status changes synced, batches of $batch ($(date -u +%FT%TZ), load $(cut -d' ' -f1 /proc/loadavg))"
ours
export_batches
baseline_curl
baseline_curl
ours
baseline_xapi

echo "== incremental publish, one piece changed"
start_harness
prepare_store
(cd "$work" && "$cli" sync --config coursecrew.json --timeout 3600 >/dev/null 2>&1)
# Retitle one piece: its signature changes, nothing else does.
sed -i '0,/<title>Module 1, piece 1<\/title>/s//<title>Module 1, piece 1 (revised)<\/title>/' "$work/course/imsmanifest.xml"
(cd "$work" && "$here/measure.sh" "$cli" publish course --config coursecrew.json --no-wait >/dev/null) 2>&1 | grep measure: | sed 's/^/  publish /'

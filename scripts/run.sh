#!/usr/bin/env bash
# The main job: what coursecrew is for, end to end, on one course.
#   1. install what is missing and build;
#   2. start the local LRS the tests use (tests/lrs), unless --config names a real one;
#   3. publish the package with its role map (pieces -> roles -> people, in the status store);
#   4. set two statuses as two different people;
#   5. sync: deliver the statements and module status documents to the LRS;
#   6. write the review as HTML and say where;
#   7. print what the LRS now holds (statements by verb, one module's status document);
#   8. stop the LRS.
#
#   scripts/run.sh [PACKAGE] [--roles FILE] [--config FILE] [--out DIR] [--build DIR --no-build]
#
# PACKAGE defaults to samples/safety-basics (with samples/safety-basics.roles.json).
# --config FILE: a sync config naming a real LRS (schemas/config.schema.json);
#   its store and roles are used as it names them, and nothing is started.
# --out DIR: where the store and the review go (default build/run).
# --build DIR: the build folder (default build); --no-build: use it as it is
#   (the test of this script, tests/main_job, does).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

package="" roles="" config="" out="" build="$root/build" no_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --roles) roles=$(realpath "$2"); shift 2 ;;
    --config) config=$(realpath "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --build) build=$(realpath "$2"); shift 2 ;;
    --no-build) no_build=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$package" ] || { echo "run.sh: one package at a time" >&2; exit 2; }
       package=$(realpath "$1"); shift ;;
  esac
done
if [ -z "$package" ]; then
  package=$root/samples/safety-basics
  [ -n "$roles" ] || roles=$root/samples/safety-basics.roles.json
fi
[ -e "$package" ] || { echo "run.sh: no such package: $package" >&2; exit 1; }

step() { printf '\n== %s\n' "$*"; }

[ -n "$out" ] || out=$build/run
if [ "$no_build" = 0 ]; then
  step "install and build"
  "$root/scripts/install-deps.sh"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)"
fi
if [ -x "$root/.tools/node20/bin/node" ]; then export PATH="$root/.tools/node20/bin:$PATH"; fi
cc=$build/bin/coursecrew

mkdir -p "$out"
out=$(realpath "$out")
lrs_pid=""
stop_lrs() {
  if [ -n "$lrs_pid" ]; then
    kill "$lrs_pid" 2>/dev/null || true
    wait "$lrs_pid" 2>/dev/null || true
    lrs_pid=""
  fi
}
trap stop_lrs EXIT

if [ -z "$config" ]; then
  step "start the local LRS (Learning Locker's xAPI services behind tests/lrs/harness.js)"
  ready=$out/lrs-ready.json
  rm -f "$ready"
  node "$root/tests/lrs/harness.js" --ready-file "$ready" --no-stdin >"$out/lrs.log" 2>&1 &
  lrs_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$ready" ] && break
    kill -0 "$lrs_pid" 2>/dev/null || { cat "$out/lrs.log" >&2; echo "run.sh: the LRS did not start" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$ready" ] || { echo "run.sh: the LRS did not answer within 30 s (see $out/lrs.log)" >&2; exit 1; }
  endpoint=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxy"])' "$ready")
  echo "LRS at $endpoint (pid $lrs_pid)"
  # A fresh store for each run, so the output shows this run's events.
  rm -f "$out/state.db" "$out/state.db-wal" "$out/state.db-shm"
  config=$out/sync.json
  python3 - "$config" "$endpoint" "$out/state.db" "$roles" "$(basename "$package")" <<'EOF'
import json, re, sys
path, endpoint, store, roles, name = sys.argv[1:]
slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "course"
config = {
    "course_iri": "https://example.org/courses/" + slug,
    "store": store,
    "targets": [{
        "name": "local-lrs", "kind": "xapi", "endpoint": endpoint,
        # The local LRS accepts any Basic credentials; the password comes from
        # the environment, as a real config's should.
        "auth": {"type": "basic", "username": "coursecrew", "password": {"env": "COURSECREW_RUN_LRS_PASSWORD"}},
    }],
}
if roles:
    config["roles"] = roles
json.dump(config, open(path, "w"), indent=2)
EOF
  export COURSECREW_RUN_LRS_PASSWORD=local
  echo "sync config: $config"
fi

step "publish $package"
set +e
"$cc" publish "$package" --config "$config" --json >"$out/publish.json"
rc=$?
set -e
# 4: recorded, waiting in the outbox (the sync below delivers it).
if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
  cat "$out/publish.json" >&2
  echo "run.sh: publish failed (exit $rc); see the diagnostics above" >&2
  exit $rc
fi
python3 - "$out/publish.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"course {r['course']}: {r['pieces']} pieces, {r['pairs']} (piece, role) pairs; "
      f"{r['added']} added, {r['reopened']} reopened, {r['archived']} archived")
q = r.get("queued")
if q:
    print(f"queued for the LRS: {q['statements']} statements, {q['documents']} module documents")
EOF

step "set two statuses as two people"
"$cc" review "$package" --config "$config" --format json -o "$out/review-before.json" || true
# Two (piece, role) pairs held by two different people, from the review itself.
mapfile -t changes < <(python3 - "$out/review-before.json" <<'EOF'
import json, sys
review = json.load(open(sys.argv[1]))
chosen, people = [], set()
for module in review["modules"]:
    for piece in module["pieces"]:
        for pair in piece["pairs"]:
            who = [p["name"] for p in pair["people"] if p["name"] not in people]
            if who and len(chosen) < 2:
                people.add(who[0])
                chosen.append((piece["id"], pair["role"], who[0]))
statuses = ["in_progress", "done"]
for (piece, role, person), status in zip(chosen, statuses):
    print(f"{piece}\t{role}\t{status}\t{person}")
EOF
)
if [ ${#changes[@]} -eq 0 ]; then
  echo "(no (piece, role) pair has a person in the role map: nothing to set)"
fi
for line in "${changes[@]}"; do
  IFS=$'\t' read -r piece role status person <<<"$line"
  echo "$person sets $piece / $role to $status"
  set +e
  "$cc" status set "$package" "$piece" "$role" "$status" --by "$person" --note "set by scripts/run.sh" --config "$config"
  rc=$?
  set -e
  [ $rc -eq 0 ] || [ $rc -eq 4 ] || { echo "run.sh: status set failed (exit $rc)" >&2; exit $rc; }
done

step "sync to the LRS"
"$cc" sync --config "$config" --timeout 60

step "review"
"$cc" review "$package" --config "$config" --format html -o "$out/review.html"
"$cc" review "$package" --config "$config" --format json -o "$out/review.json"
"$cc" review "$package" --config "$config" -o "$out/review.txt"
sed -n '1,/^Module 2 of/p' "$out/review.txt" | sed '$d'
echo "(the whole review: $out/review.txt)"
echo
echo "review written to $out/review.html (JSON: $out/review.json)"

step "what the LRS now holds"
python3 "$root/scripts/lrs_summary.py" "$config" "$out/review.json"

stop_lrs
echo
echo "done: the store is $out/state.db (or the one your config names), the review $out/review.html"

#!/usr/bin/env bash
# The main job (scripts/run.sh) on the sample course and on a zip of it, with
# the build as it is: every step runs and says what it did; the LRS ends up
# holding the statements and the module document the two status changes made.
#   run_test.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bash "$root/scripts/run.sh" --no-build --build "$build" --out "$work/sample" >"$work/sample.log" 2>&1 \
  || { cat "$work/sample.log"; fail "run.sh on the sample exited $?"; }
log=$work/sample.log
grep -q '^LRS at http://127.0.0.1:[0-9]*/xAPI/ (pid [0-9]*)$' "$log" || fail "no local LRS started"
grep -q '^course com.example.safety-basics: 4 pieces, 14 (piece, role) pairs; 14 added' "$log" || fail "publish line"
grep -q '^Eli Park sets SCO-WELCOME / voice to in_progress' "$log" || fail "first status"
grep -q '^Ana Lima sets SCO-WELCOME / writer to done' "$log" || fail "second status"
grep -q 'review written to .*/review.html' "$log" || fail "review path"
grep -q '<title>' "$work/sample/review.html" || fail "review.html is not HTML"
grep -q 'Workplace Safety Basics' "$work/sample/review.html" || fail "review.html has no course title"
# Statements by verb, as the LRS answers them: two status changes, one publish.
grep -Eq '^ +2 +changed-status$' "$log" || { cat "$log"; fail "two changed-status statements"; }
grep -Eq '^ +1 +published$' "$log" || fail "one published statement"
grep -Eq '^ +[0-9]+ +assigned$' "$log" || fail "assigned statements"
# The module document carries both people's changes.
python3 - "$log" <<'PY' || fail "module document"
import json, sys
text = open(sys.argv[1]).read()
doc = json.loads(text[text.index("{", text.index("status document of module MOD-INTRO")):text.rindex("}") + 1])
roles = doc["pieces"]["SCO-WELCOME"]["roles"]
assert roles["writer"]["status"] == "done" and roles["writer"]["by"] == "Ana Lima", roles
assert roles["voice"]["status"] == "in_progress" and roles["voice"]["by"] == "Eli Park", roles
PY
# The LRS was stopped.
pid=$(sed -n 's/^LRS at .* (pid \([0-9]*\))$/\1/p' "$log")
[ -n "$pid" ] || fail "run.sh did not say which process the LRS is"
if kill -0 "$pid" 2>/dev/null; then fail "the LRS (pid $pid) is still running"; fi

# Any package: a zip of the sample, with the built-in role rules.
(cd "$root/samples/safety-basics" && python3 -c 'import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for d, _, fs in os.walk("."):
        for f in fs: z.write(os.path.join(d, f))' "$work/course.zip")
bash "$root/scripts/run.sh" "$work/course.zip" --no-build --build "$build" --out "$work/zip" >"$work/zip.log" 2>&1 \
  || { cat "$work/zip.log"; fail "run.sh on a zip exited $?"; }
grep -q '^course com.example.safety-basics: 4 pieces' "$work/zip.log" || fail "zip publish line"
grep -q 'statements about https://example.org/courses/course.zip' "$work/zip.log" || fail "zip statements"
echo "main job: ok"

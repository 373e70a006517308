#!/usr/bin/env bash
# Breaks the plugin one line at a time, rebuilds, and checks that the catalogue
# catches each break (a catalogue that passes with the bug is not testing it).
# Restores every file afterwards, also on Ctrl-C, and rebuilds the clean tree.
#
#   bash tests/catalogue/mutants.sh [BUILD_DIR]      (default: build)
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build}
WORK=$(mktemp -d)

# file @@ the lines as they are @@ the broken lines @@ the cases that must fail (\n: a new line)
MUTANTS=(
  # 5xx answers counted as delivered: the outbox would drop undelivered rows.
  "adapters/http/classify.cpp@@    return Outcome::Retry;  // 5xx; also 1xx and 3xx (redirects are not followed)@@    return Outcome::Ok;@@^lrs-statements-(not-json-500|retry-after-huge)$"
  # A CSV row with a bad status skipped instead of refusing the whole file.
  "plugin/engine/workspace.cpp@@                    \"' (use not_started, in_progress, in_review, done or blocked)\";\n            return false;@@                    \"' (use not_started, in_progress, in_review, done or blocked)\";\n            continue;@@^csv-(good-row-then-bad-row|unknown-status)$"
  # A zip entry climbing out with '..' read instead of refused.
  "adapters/package/zip_source.cpp@@            diags.error(\"zip.unsafe_path\",\n                        \"the zip entry '\" + label +\n                            \"' climbs@@            diags.warning(\"zip.unsafe_path\",\n                        \"the zip entry '\" + label +\n                            \"' climbs@@^zip-(slip|slip-inner|backslash-slip)$"
  # The review's CSV no longer neutralises a cell starting with '='.
  "plugin/review/review.cpp@@    if (first == '=' || first == '+'@@    if (first == '+'@@^csv-formulas-neutralised$"
)

restore() {
  for m in "${MUTANTS[@]}"; do
    file=${m%%@@*}
    [ -f "$WORK/$(basename "$file")" ] && cp "$WORK/$(basename "$file")" "$SRC/$file"
  done
}
trap 'restore; exit 130' INT TERM

build() { cmake --build "$BUILD" --target coursecrew_cli coursecrew -j2 > "$WORK/build.log" 2>&1; }

survived=0
for m in "${MUTANTS[@]}"; do
  file=${m%%@@*}
  cases=${m##*@@}
  cp "$SRC/$file" "$WORK/$(basename "$file")"
  # Python does the replacement: the lines hold quotes and bars.
  if ! python3 - "$SRC/$file" "$m" <<'EOF'
import sys
path, spec = sys.argv[1], sys.argv[2]
old, new = (p.replace("\\n", "\n") for p in spec.split("@@")[1:3])
text = open(path).read()
if text.count(old) != 1:
    sys.exit("mutants: %s: the line to break is there %d times, not once" % (path, text.count(old)))
open(path, "w").write(text.replace(old, new))
EOF
  then
    restore
    exit 2
  fi
  if ! build; then
    echo "mutant in $file does not build; see $WORK/build.log"
    restore
    exit 2
  fi
  if python3 "$SRC/tests/catalogue/run.py" --cli "$BUILD/bin/coursecrew" --work "$WORK/run" --only "$cases" \
      > "$WORK/run.log" 2>&1; then
    echo "SURVIVED  $file: no case of /$cases/ failed"
    survived=$((survived + 1))
  else
    echo "killed    $file: $(grep -c '^FAIL ' "$WORK/run.log") case(s) of /$cases/ failed, e.g.:"
    grep -m1 -A1 '^      - ' "$WORK/run.log" | head -1
  fi
  cp "$WORK/$(basename "$file")" "$SRC/$file"
done
restore
build || echo "mutants: the clean rebuild failed; see $WORK/build.log"
echo "$survived of ${#MUTANTS[@]} mutants survived"
rm -rf "$WORK"
[ "$survived" -eq 0 ]

#!/usr/bin/env bash
# Issue 2 benchmark: our full read of a generated 200 x 100 x 10 SCORM 2004
# manifest (`coursecrew inspect --json`: parse, model, reference resolution,
# validation) against `xmllint --noout --stream` on the same file, in one run.
#
#   bench/inspect_bench.sh [BUILD_DIR=build] [RUNS=7]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-7}
bin=$build/bin
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

command -v xmllint >/dev/null || { echo "xmllint missing: apt-get install libxml2-utils" >&2; exit 1; }
"$bin/cc_gen_scorm" "$data" 200 100 10
manifest=$data/imsmanifest.xml
bytes=$(stat -c %s "$manifest")
echo "manifest: $bytes bytes, $(grep -c '<item ' "$manifest") items, $(grep -c '<file ' "$manifest") files"

# Warm the page cache so neither side pays for the first read.
cat "$manifest" >/dev/null

ours=$("$bin/cc_measure" "$runs" -- "$bin/coursecrew" inspect "$data" --json)
ref=$("$bin/cc_measure" "$runs" -- xmllint --noout --stream "$manifest")
echo "coursecrew inspect --json: $ours"
echo "xmllint --noout --stream:  $ref"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
awk -v a="$(field median_wall_s "$ours")" -v b="$(field median_wall_s "$ref")" \
    -v rss="$(field max_rss_kb "$ours")" -v size="$bytes" 'BEGIN {
  printf "time ratio (ours / xmllint, median of runs): %.2fx  (target <= 1.5x)\n", a / b
  printf "peak memory: %.1f MiB = %.2fx the manifest size  (target <= 3x)\n", rss / 1024, rss * 1024 / size
}'

#!/usr/bin/env bash
# Issue 2 benchmark: our full read of a generated 200 x 100 x 10 SCORM 2004
# manifest (`coursecrew inspect --json`: parse, model, reference resolution,
# validation, JSON) against `xmllint --noout --stream` on the same file, in one
# run. The two commands alternate, run by run, so that the shared machine's
# changing load hits both alike; the ratio reported is the median of the
# per-pair ratios (and the ratio of the fastest runs).
#
#   bench/inspect_bench.sh [BUILD_DIR=build] [PAIRS=11]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
pairs=${2:-11}
bin=$build/bin
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

command -v xmllint >/dev/null || { echo "xmllint missing: apt-get install libxml2-utils" >&2; exit 1; }
"$bin/cc_gen_scorm" "$data" 200 100 10
manifest=$data/imsmanifest.xml
bytes=$(stat -c %s "$manifest")
echo "manifest: $bytes bytes, $(grep -c '<item ' "$manifest") items, $(grep -c '<file ' "$manifest") files"
cat "$manifest" >/dev/null  # warm the page cache for both

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ours_t=() ; ref_t=() ; rss=0 ; ours_pf=0 ; ref_pf=0
for ((i = 0; i < pairs; i++)); do
  o=$("$bin/cc_measure" 1 -- "$bin/coursecrew" inspect "$data" --json)
  r=$("$bin/cc_measure" 1 -- xmllint --noout --stream "$manifest")
  ours_t+=("$(field median_wall_s "$o")")
  ref_t+=("$(field median_wall_s "$r")")
  m=$(field max_rss_kb "$o"); (( m > rss )) && rss=$m
  ours_pf=$(field median_minor_faults "$o"); ref_pf=$(field median_minor_faults "$r")
done
printf '%s\n' "${ours_t[@]}" >"$data/ours"
printf '%s\n' "${ref_t[@]}" >"$data/ref"
paste "$data/ours" "$data/ref" | awk -v rss="$rss" -v size="$bytes" -v n="$pairs" -v opf="$ours_pf" -v rpf="$ref_pf" '
  { o[NR] = $1; r[NR] = $2; q[NR] = $1 / $2 }
  function median(a, k,   i, j, t) {
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((k + 1) / 2)]
  }
  END {
    mo = median(o, n); mr = median(r, n); mq = median(q, n)
    printf "coursecrew inspect --json: median %.3f s, fastest %.3f s\n", mo, o[1]
    printf "xmllint --noout --stream:  median %.3f s, fastest %.3f s\n", mr, r[1]
    printf "time ratio (ours / xmllint): median of %d pairs %.2fx, fastest runs %.2fx  (target <= 1.5x)\n", n, mq, o[1] / r[1]
    printf "peak memory: %.1f MiB = %.2fx the manifest size  (target <= 2.5x)\n", rss / 1024, rss * 1024 / size
    printf "minor page faults (last pair): ours %d, xmllint %d\n", opf, rpf
  }'

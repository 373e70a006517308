#!/usr/bin/env bash
# Issue 10 benchmark: publishing a course that did not change, against
# `git status` on the same tree. A generated 200 x 100 x 10 SCORM 2004 course
# (20,000 pieces, 200,000 files present) is published once; then
# `coursecrew publish` (the unchanged re-publish a user runs after every save)
# and `git status` (git dir outside the tree, index committed) alternate, run
# by run, so that the shared machine's changing load hits both alike. Both
# must stat every file and compare it with what they recorded last time.
#
#   bench/publish_bench.sh [BUILD_DIR=build] [RUNS=7]
#
# Prints each command's median wall time, the median of the per-run ratios,
# and our peak memory (max RSS over the runs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-7}
bin=$build/bin
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

command -v git >/dev/null || { echo "git missing: apt-get install git" >&2; exit 1; }
course=$data/course
store=$data/state.db
gitdir=$data/git
mkdir -p "$course"
"$bin/cc_gen_scorm" "$course" 200 100 10 --with-files
echo "course: $(find "$course" -type f | wc -l) files, $(du -sh "$course" | cut -f1)"

# Digests are trusted only when taken 2 s after a file's last change (see
# StoredDigests::kSettleNs): wait, so that the first publish records them all.
sleep 3
"$bin/coursecrew" publish "$course" --store "$store" >/dev/null
"$bin/coursecrew" publish "$course" --store "$store" | head -1
g() { git --git-dir="$gitdir" --work-tree="$course" "$@"; }
g init -q
# No background "gc --auto" after the commit (200,000 loose objects would
# start one): it would compete with the runs measured below.
g config gc.auto 0
g add -A
g -c user.name=bench -c user.email=bench@example.invalid commit -qm course
g status --short | head -3  # clean: prints nothing

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ours_t=() ; ref_t=() ; rss=0 ; ref_rss=0
for ((i = 0; i < runs; i++)); do
  o=$("$bin/cc_measure" 1 -- "$bin/coursecrew" publish "$course" --store "$store")
  r=$("$bin/cc_measure" 1 -- git --git-dir="$gitdir" --work-tree="$course" status)
  [[ $(field exit "$o") == 0 ]] || { echo "publish failed: $o" >&2; exit 1; }
  ours_t+=("$(field median_wall_s "$o")")
  ref_t+=("$(field median_wall_s "$r")")
  m=$(field max_rss_kb "$o"); (( m > rss )) && rss=$m
  m=$(field max_rss_kb "$r"); (( m > ref_rss )) && ref_rss=$m
done
printf '%s\n' "${ours_t[@]}" >"$data/ours"
printf '%s\n' "${ref_t[@]}" >"$data/ref"
paste "$data/ours" "$data/ref" | awk -v rss="$rss" -v ref_rss="$ref_rss" -v n="$runs" '
  { o[NR] = $1; r[NR] = $2; q[NR] = $1 / $2 }
  function median(a, k,   i, j, t) {
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((k + 1) / 2)]
  }
  END {
    mo = median(o, n); mr = median(r, n); mq = median(q, n)
    printf "coursecrew publish (unchanged): median %.3f s, fastest %.3f s\n", mo, o[1]
    printf "git status:                     median %.3f s, fastest %.3f s\n", mr, r[1]
    printf "time ratio (ours / git status): median of %d pairs %.2fx, fastest runs %.2fx  (target <= 1x)\n", n, mq, o[1] / r[1]
    printf "peak memory (max RSS): ours %.1f MB (target <= 100 MB), git status %.1f MB\n", rss * 1.024 / 1000, ref_rss * 1.024 / 1000
  }'

#!/usr/bin/env bash
# Issue 11 benchmark: the Adapt content reader against RapidJSON alone on the
# same JSON, in one run (bench/content_bench.cpp says what each side does).
#
#   bench/adapt_bench.sh [BUILD_DIR=build] [RUNS=11] [PAGES=200] [COMPONENTS=10000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-11}
pages=${3:-200}
components=${4:-10000}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$build/bin/cc_gen_adapt" "$data" "$pages" "$components"
echo "JSON on disk: $(cat "$data"/course/config.json "$data"/course/en/*.json | wc -c) bytes"
"$build/bin/cc_content_bench" "$data" "$runs"

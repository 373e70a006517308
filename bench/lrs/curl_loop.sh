#!/usr/bin/env bash
# Baseline: POSTs every batch file of a folder to an LRS's statements resource,
# one curl process per batch, in name order; stops on the first non-2xx answer.
# Prints the statement count and the total wall seconds.
#
# Usage: bench/lrs/curl_loop.sh ENDPOINT [BATCH_DIR] [USER:PASS]
#   ENDPOINT   the LRS's xAPI base ("http://127.0.0.1:A/xAPI/", as in the
#              harness ready file's "direct.statements" or "proxy") or its
#              .../statements resource itself
#   BATCH_DIR  default bench/lrs/batches (from make_statements.js)
#   USER:PASS  Basic auth, default user:pass (the harness accepts any)
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
endpoint=$1
dir=${2:-$(dirname "$0")/batches}
auth=${3:-user:pass}
case "$endpoint" in
  */statements) url=$endpoint ;;
  */) url=${endpoint}statements ;;
  *) url=$endpoint/statements ;;
esac

shopt -s nullglob
files=("$dir"/batch-*.json)
[ ${#files[@]} -gt 0 ] || { echo "curl_loop: no batch-*.json in $dir" >&2; exit 1; }

start=$(date +%s.%N)
for f in "${files[@]}"; do
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST \
    -H 'X-Experience-API-Version: 1.0.3' -H 'Content-Type: application/json' \
    -u "$auth" --data-binary "@$f" "$url")
  case "$code" in
    2??) ;;
    *) echo "curl_loop: $f answered $code" >&2; exit 1 ;;
  esac
done
end=$(date +%s.%N)
echo "curl_loop: ${#files[@]} batches to $url in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s wall"

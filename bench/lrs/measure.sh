#!/usr/bin/env bash
# Runs a command and prints, on stderr after it ends, its wall seconds, CPU
# seconds (user + sys, the command and every child it waited for) and peak RSS
# in MiB (of the largest single process among them):
#   measure: wall 12.34 s, cpu 5.67 s (user 4.00 + sys 1.67), max rss 85.2 MiB
# With CC_MEASURE set to the build's bin/cc_measure (sync_bench.sh does that),
# uses it: rusage from wait4, to the microsecond; the command's output is
# discarded. Else GNU time (/usr/bin/time -f, which rounds CPU to 10 ms) when
# present, else (or with MEASURE_FALLBACK=1) python3's os.wait4 (whose peak
# RSS cannot be below python's own, about 10 MiB, as the fork starts there).
# Exits with the command's exit status.
#
# Usage: bench/lrs/measure.sh COMMAND [ARG...]
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,10p' "$0" >&2; exit 2; }

if [ -n "${CC_MEASURE:-}" ] && [ -x "$CC_MEASURE" ]; then
  line=$("$CC_MEASURE" 1 -- "$@")
  field() { printf '%s\n' "$line" | tr '\t' '\n' | sed -n "s/^$1=//p"; }
  awk -v w="$(field median_wall_s)" -v u="$(field median_user_s)" -v s="$(field median_sys_s)" \
      -v r="$(field max_rss_kb)" 'BEGIN {
    printf "measure: wall %.3f s, cpu %.3f s (user %.3f + sys %.3f), max rss %.1f MiB\n", w, u + s, u, s, r / 1024 }' >&2
  exit "$(field exit)"
fi

if [ "${MEASURE_FALLBACK:-0}" != 1 ] && /usr/bin/time --version 2>&1 | grep -q GNU; then
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  status=0
  /usr/bin/time -o "$out" -f '%e %U %S %M' "$@" || status=$?
  read -r wall user sys rss_kib < <(tail -n 1 "$out")
  awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss_kib" 'BEGIN {
    printf "measure: wall %.2f s, cpu %.2f s (user %.2f + sys %.2f), max rss %.1f MiB\n", w, u + s, u, s, r / 1024 }' >&2
  exit "$status"
fi

exec python3 -c '
import os, sys, time
start = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - start
sys.stderr.write("measure: wall %.2f s, cpu %.2f s (user %.2f + sys %.2f), max rss %.1f MiB\n"
                 % (wall, ru.ru_utime + ru.ru_stime, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
' "$@"

#!/usr/bin/env bash
# valgrind memcheck on the C host that dlopens the release plugin
# (tests/abi/dlopen_host.c): inspect, publish, set_status, review, and a sync
# worker retrying against a dead port, then destroy and dlclose. Fails on any
# error or leak. No suppressions are needed: the third-party libraries'
# process-lifetime globals (libxml2, OpenSSL, libcurl) are "still
# reachable", which memcheck reports but does not count as errors.
#   scripts/test-valgrind.sh [BUILD_DIR=build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[[ $build = /* ]] || build="$root/$build"
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind is not installed (apt-get install valgrind)" >&2
  exit 1
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCOURSECREW_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target cc_dlopen_host coursecrew -j"$(nproc)"
echo "== valgrind memcheck: cc_dlopen_host"
# --errors-for-leak-kinds=definite,indirect,possible: a leak of ours fails
# the run; "still reachable" is what libraries keep for the process's life
# (libxml2's and OpenSSL's globals) and is not a leak.
valgrind --quiet --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
  "$build/bin/cc_dlopen_host" "$build/bin/libcoursecrew.so" "$root/samples/safety-basics"
echo "valgrind: clean"

#!/usr/bin/env bash
# The whole test suite: install what is missing, build warning-free (-Werror),
# run ctest; then the same under AddressSanitizer + UndefinedBehaviorSanitizer;
# then ThreadSanitizer over the sync tests and valgrind over the C host.
#   scripts/test.sh            every pass
#   SKIP_SANITIZERS=1 scripts/test.sh   (the first pass and valgrind only)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/install-deps.sh"
# Node.js 20 for the real-LRS harness (tests/lrs): install-deps puts one in
# .tools/node20 when the node on PATH is not major 20.
if [ -x "$root/.tools/node20/bin/node" ]; then
  export PATH="$root/.tools/node20/bin:$PATH"
fi

run_pass() {
  local dir=$1; shift
  echo "== $dir: configure, build, test"
  cmake -S "$root" -B "$root/$dir" -DCOURSECREW_WERROR=ON "$@" >/dev/null
  cmake --build "$root/$dir" -j"$jobs"
  (cd "$root/$dir" && ctest --output-on-failure -j"$jobs")
}

run_pass build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "${SKIP_SANITIZERS:-0}" != "1" ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_pass build-asan -DCMAKE_BUILD_TYPE=Debug -DCOURSECREW_SANITIZE=ON -DCOURSECREW_BUILD_BENCH=OFF
fi
[ "${SKIP_SANITIZERS:-0}" = 1 ] || "$root/scripts/test-tsan.sh"
"$root/scripts/test-valgrind.sh" build
# A minute in all of every fuzz target (libFuzzer, clang; SKIP_FUZZ=1 skips it).
[ "${SKIP_FUZZ:-0}" = "1" ] || "$root/scripts/fuzz.sh" 60

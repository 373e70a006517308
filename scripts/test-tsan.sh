#!/usr/bin/env bash
# ThreadSanitizer over the code that runs on more than one thread: the sync
# worker, the outbox it shares with the host's thread through the store, the
# HTTP adapters (their cancel flag), a package folder listed on several
# threads, the stored digests matched on a thread of their own while the
# manifest is parsed, and two seats writing one module document against the
# real LRS (tests/lrs). Builds the `tsan` preset
# (build-tsan; only the two test binaries and what they need) and fails on
# the first race report.
#   scripts/test-tsan.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
if [ -x "$root/.tools/node20/bin/node" ]; then
  export PATH="$root/.tools/node20/bin:$PATH"
fi
echo "== build-tsan: configure, build"
cmake --preset tsan "${launcher[@]}" >/dev/null
# cc_lrs_tests depends on the plugin and the CLI it drives.
cmake --build build-tsan --target coursecrew_tests cc_lrs_tests -j"$(nproc)"

# halt_on_error: the first race fails the run; second_deadlock_stack: both
# stacks of a lock-order inversion.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:exitcode=66${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
echo "== TSan: unit suites outbox_*, sync_*, http_*, team_*, package, digest_cache"
build-tsan/bin/coursecrew_tests --run_test='outbox_*:sync_*:http_*:team_*:package:digest_cache' --report_level=short
echo "== TSan: the real-LRS tests (two seats on one module document among them)"
status=0
bash tests/lrs/run_lrs_tests.sh build-tsan/bin/cc_lrs_tests --report_level=short || status=$?
if [ "$status" -eq 77 ]; then
  echo "SKIP: the real-LRS tests need Node.js 20 and npm ci in tests/lrs (scripts/install-deps.sh)"
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi
echo "TSan: clean"

#!/usr/bin/env bash
# Runs the real-LRS integration tests (cc_lrs_tests). Skips (exit 77, which
# ctest reports as skipped) only where Node.js 20 or the Learning Locker
# services are not installed; scripts/test.sh installs both, so CI runs them.
set -euo pipefail
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed (scripts/install-deps.sh installs it)"; exit 77
fi
if [ ! -d "$here/node_modules/xapi-statements" ] || [ ! -d "$here/node_modules/xapi-activities" ]; then
  echo "SKIP: the LRS services are not installed (cd tests/lrs && npm ci)"; exit 77
fi
exec "$bin" "$@"

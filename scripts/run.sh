#!/usr/bin/env bash
# The main job: install what is missing, build, then inspect the sample
# course shipped in the repository through the coursecrew CLI.
#   scripts/run.sh [PACKAGE]     (default: samples/safety-basics)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)"
"$root/build/bin/coursecrew" inspect "${1:-$root/samples/safety-basics}"

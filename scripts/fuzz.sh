#!/usr/bin/env bash
# A short, time-boxed run of every libFuzzer target (tests/fuzz): configures
# and builds the `fuzz` preset (clang, ASan + UBSan; only the fuzz targets),
# builds the seed corpora (tests/fixtures, samples/, tests/fuzz/seeds and,
# when present, ../shared), then runs each target for its share of
# SECONDS_TOTAL. Fails on any crash, timeout, leak or out-of-memory; the input
# is left in build-fuzz/fuzz-artifacts/<target>/.
#   scripts/fuzz.sh            a minute in all
#   scripts/fuzz.sh 3600       an hour in all (new inputs stay in build-fuzz/fuzz-corpus)
#   FUZZ_TARGETS="role_map lrs_document" scripts/fuzz.sh 120
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
total=${1:-60}
build="$root/build-fuzz"
jobs=$(nproc)

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
echo "== fuzz: configure and build the fuzz targets (clang, ASan + UBSan)"
(cd "$root" && cmake --preset fuzz "${launcher[@]}" >/dev/null)
cmake --build "$build" --target fuzz_targets -j"$jobs" >/dev/null

echo "== fuzz: seed corpora"
rm -rf "$build/fuzz-seeds"
python3 "$root/tests/fuzz/make_seeds.py" "$build/fuzz-seeds" "${COURSECREW_SHARED:-$root/../shared}"

targets=${FUZZ_TARGETS:-$(cd "$root/tests/fuzz/dict" && ls ./*.dict | sed 's|^\./||; s|\.dict$||')}
read -r -a targets <<<"$(echo $targets)"
share=$(( total / ${#targets[@]} ))
[ "$share" -ge 1 ] || share=1

# Leaks are findings too; UBSan stops at the first report (built with
# -fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for t in "${targets[@]}"; do
  case $t in
    *_manifest|zip_package|folder_package) max_len=32768 ;;
    content_data) max_len=65536 ;;
    *) max_len=8192 ;;
  esac
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t/"
  log="$build/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  seeds=()
  [ -d "$build/fuzz-seeds/$t" ] && seeds=("$build/fuzz-seeds/$t")
  if "$build/bin/fuzz_$t" -max_total_time="$share" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
       -dict="$root/tests/fuzz/dict/$t.dict" -artifact_prefix="$artifacts" -print_final_stats=1 \
       "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    echo "fuzz: $t: ok, $runs runs in ${share}s, $last"
  else
    echo "fuzz: $t: FAILED (log $log; input in $artifacts)" >&2
    grep -E 'ERROR|SUMMARY|invariant|Test unit written' "$log" | head -20 >&2 || tail -30 "$log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi

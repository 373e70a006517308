#!/usr/bin/env bash
# Renders the sample course's review as HTML through the CLI, then screenshots
# it in headless Chromium (desktop and phone widths) and checks the pictures
# are not blank.   render_test.sh CLI SRC WORK     (exit 77: no Chromium, skipped)
set -euo pipefail
cli=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$cli" review "$src/samples/safety-basics" --roles "$src/samples/safety-basics.roles.json" \
  --store "$work/state.db" --now 2026-11-20 --format html -o "$work/review.html"
grep -q "<svg" "$work/review.html"
if grep -qi "<script" "$work/review.html"; then
  echo "render_test: the page has a script" >&2
  exit 1
fi
exec bash "$src/tests/html/render_check.sh" "$work/review.html" "$work/review.png"

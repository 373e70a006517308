#!/usr/bin/env bash
# Renders an HTML page in headless Chromium and checks the screenshot is not
# blank: once at desktop width (1280 px) and once at phone width (390 px).
#   tests/html/render_check.sh PAGE.html OUT.png
# Writes OUT.png (desktop) and OUT-phone.png beside it.
# Exit status: 0 fine, 77 skipped (no Chromium), anything else a failure.
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 PAGE.html OUT.png" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
page=$(realpath "$1") || exit 2
out=$(realpath -m "$2")
phone="${out%.png}-phone.png"
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "render_check: $chromium not installed, skipping" >&2
  exit 77
fi
command -v python3 >/dev/null || { echo "render_check: python3 needed" >&2; exit 77; }
[ -f "$page" ] || { echo "render_check: no such page: $page" >&2; exit 2; }

# A fresh profile per run, removed at exit: nothing shared with a user's
# browser, nothing left behind.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# Every network-ish feature off: the page must render from itself alone.
shoot() {  # WIDTHxHEIGHT OUT
  rm -f "$2"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" \
    --window-size="$1" --screenshot="$2" "file://$page" >"$profile/log" 2>&1
  local rc=$?
  if [ ! -s "$2" ]; then
    echo "render_check: chromium wrote no screenshot ($1, exit $rc):" >&2
    tail -n 20 "$profile/log" >&2
    return 1
  fi
}

status=0
shoot 1280,2000 "$out" && python3 "$here/png_not_blank.py" "$out" || status=1
shoot 390,1600 "$phone" && python3 "$here/png_not_blank.py" "$phone" || status=1
exit $status

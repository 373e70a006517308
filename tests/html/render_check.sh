#!/usr/bin/env bash
# Renders an HTML page in headless Chromium and checks that the review itself
# loaded and drew something: Chromium's DOM of the page must hold the
# review's own marker (and none of Chromium's error page), and the
# screenshots, at desktop width (1280 px) and phone width (390 px), must not
# be blank. A screenshot alone cannot tell: Chromium's "file couldn't be
# accessed" page is not blank either.
#   tests/html/render_check.sh PAGE.html OUT.png [MARKER [ONLY]]
# MARKER defaults to the review's generator tag. Writes OUT.png (desktop),
# OUT-phone.png and OUT-dom.html (the DOM as Chromium built it) beside it.
# ONLY, a CSS selector (the burn-up charts: ".burnup svg"), adds a check that
# those elements themselves draw: a copy of the page (OUT-only.html) where
# everything else is invisible (visibility, so the layout stays the same) is
# shot at both widths (OUT-only.png, OUT-only-phone.png), and those must not
# be blank either (a lower ink share: lines on white, not a whole page).
# Exit status: 0 fine, 77 skipped (no Chromium), anything else a failure.
set -u
if [ $# -lt 2 ] || [ $# -gt 4 ]; then
  echo "usage: $0 PAGE.html OUT.png [MARKER [ONLY]]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
page=$(realpath "$1") || exit 2
out=$(realpath -m "$2")
marker=${3:-'<meta name="generator" content="coursecrew '}
only=${4:-}
phone="${out%.png}-phone.png"
dom="${out%.png}-dom.html"
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "render_check: $chromium not installed, skipping" >&2
  exit 77
fi
command -v python3 >/dev/null || { echo "render_check: python3 needed" >&2; exit 77; }
[ -f "$page" ] || { echo "render_check: no such page: $page" >&2; exit 2; }
# A file: URL with the path percent-encoded: a space, '#' or '%' in a folder
# name would otherwise point Chromium at another file.
url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$page") || exit 2

# A fresh profile per run, removed at exit: nothing shared with a user's
# browser, nothing left behind.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# Every network-ish feature off: the page must render from itself alone.
chrome() {  # ARGS...
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" "$@"
}

# The page as Chromium loaded it. An error page (or nothing, when the load
# failed) lacks the marker; Chromium's error page also names itself.
check_dom() {
  rm -f "$dom"
  chrome --dump-dom "$url" >"$dom" 2>"$profile/log"
  local rc=$?
  if [ ! -s "$dom" ]; then
    echo "render_check: chromium loaded nothing from $url (exit $rc):" >&2
    grep -i "load failed\|ERR_" "$profile/log" | tail -n 5 >&2
    return 1
  fi
  if grep -q 'id="main-frame-error"\|class="neterror"' "$dom"; then
    echo "render_check: chromium showed its error page for $url, not the review" >&2
    return 1
  fi
  if ! grep -qF -- "$marker" "$dom"; then
    echo "render_check: the page Chromium loaded has no '$marker': not the review ($dom)" >&2
    return 1
  fi
}

shoot() {  # WIDTHxHEIGHT OUT [URL]
  rm -f "$2"
  chrome --window-size="$1" --screenshot="$2" "${3:-$url}" >"$profile/log" 2>&1
  local rc=$?
  if [ ! -s "$2" ]; then
    echo "render_check: chromium wrote no screenshot ($1, exit $rc):" >&2
    tail -n 20 "$profile/log" >&2
    return 1
  fi
}

status=0
check_dom || status=1
shoot 1280,2000 "$out" && python3 "$here/png_not_blank.py" "$out" || status=1
shoot 390,1600 "$phone" && python3 "$here/png_not_blank.py" "$phone" || status=1
if [ -n "$only" ]; then
  # Only the selected elements visible: a chart that drew nothing (no size,
  # a broken path) leaves a white picture. Their borders go too, so a frame
  # alone does not pass.
  only_page="${out%.png}-only.html"
  hide="<style>body *{visibility:hidden!important}${only},${only} *{visibility:visible!important;border-color:transparent!important}</style>"
  python3 - "$page" "$only_page" "$hide" <<'PY' || status=1
import sys
src, dst, style = sys.argv[1:4]
text = open(src, encoding="utf-8").read()
at = text.find("</head>")
if at < 0:
    sys.exit("render_check: no </head> in " + src)
open(dst, "w", encoding="utf-8").write(text[:at] + style + text[at:])
PY
  only_url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$only_page") || exit 2
  shoot_only() {  # WIDTHxHEIGHT OUT
    shoot "$1" "$2" "$only_url" && python3 "$here/png_not_blank.py" "$2" --min-colours 4 --min-ink 0.001
  }
  shoot_only 1280,2000 "${out%.png}-only.png" || status=1
  shoot_only 390,1600 "${out%.png}-only-phone.png" || status=1
fi
exit $status

#!/usr/bin/env bash
# coursecrew(1) documents what the CLI offers (ctest `man_page`): every
# subcommand the CLI's --help lists has a section, every long option of every
# subcommand is in the page, and man reads the page without a warning.
#   man_page.sh CLI MAN_PAGE
set -euo pipefail
cli=$1 page=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

# The page says which version it describes.
version=$("$cli" --version)
grep -q "^\.TH COURSECREW 1 \"[0-9-]*\" \"coursecrew $version\"" "$page" ||
  fail "the page's .TH line does not name coursecrew $version: $(grep '^\.TH' "$page")"

# The page's text with roff's \- written as -, so options read as on the command line.
text=$(sed 's/\\-/-/g' "$page")
missing=()

# Walks the CLI's help: its long options, then each subcommand's help in turn.
check() {  # $@: the subcommand path ("status set")
  local help
  help=$("$cli" "$@" --help) || fail "coursecrew $* --help failed"
  if [ $# -gt 0 ]; then
    grep -qE "^\.SS \"?$*( |\"|$)" <<<"$text" || missing+=("section for '$*'")
  fi
  local opt
  for opt in $(grep -oE '(^|[ ,])--[a-z][a-z0-9-]*' <<<"$help" | sed 's/^[ ,]//' | sort -u); do
    grep -qE -- "$opt([^a-z0-9-]|$)" <<<"$text" || missing+=("$opt (coursecrew $*)")
  done
  local sub
  for sub in $(awk '/^Subcommands:/ {in_list = 1; next} in_list && /^  [a-z]/ {print $1} in_list && /^$/ {in_list = 0}' <<<"$help"); do
    check "$@" "$sub"
  done
}
check
[ ${#missing[@]} = 0 ] || fail "packaging/man/coursecrew.1 lacks: ${missing[*]}"

if command -v man >/dev/null; then
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null || true)
  [ -z "$warnings" ] || fail "man --warnings: $warnings"
fi
if command -v lexgrog >/dev/null; then
  lexgrog "$page" | grep -q 'coursecrew - ' || fail "lexgrog finds no NAME line"
fi
echo "man page: every subcommand and option documented"

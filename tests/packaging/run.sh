#!/usr/bin/env bash
# The Debian packages as a user gets them (ctest `packaging`, label release):
# builds libcoursecrew1 and libcoursecrew-dev from the build tree with cpack,
# fails on any lintian error, unpacks both into a scratch root and checks the
# layout (soname, where each file is, man page, no debug info), then uses
# them: the installed CLI inspects the sample course with the library of its
# own tree, and examples/c-host is built against the root with pkg-config
# and with find_package and prints the sample's review.
#   run.sh BUILD_DIR SOURCE_DIR WORK_DIR [CPACK]
# Exits 77 (skipped) when a tool it needs is missing (scripts/install-deps.sh
# installs them).
set -euo pipefail
build=$1 src=$2 work=$3 cpack=${4:-cpack}

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in "$cpack" lintian dpkg-deb dpkg-shlibdeps dpkg-architecture file readelf pkg-config cmake make cc gzip lexgrog; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done

rm -rf "$work"
mkdir -p "$work"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg --print-architecture)
sample=$src/samples/safety-basics

# --- Build the packages --------------------------------------------------------
echo "== cpack -G DEB"
(cd "$work" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkgs") >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
shopt -s nullglob
libs=("$work"/pkgs/libcoursecrew1_*_"$arch".deb)
devs=("$work"/pkgs/libcoursecrew-dev_*_"$arch".deb)
shopt -u nullglob
[ ${#libs[@]} = 1 ] && [ ${#devs[@]} = 1 ] || fail "expected one libcoursecrew1 and one libcoursecrew-dev .deb, got: $(ls "$work/pkgs")"
lib_deb=${libs[0]} dev_deb=${devs[0]}

# --- Control fields -------------------------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
version=$(field "$lib_deb" Version)
[ "$(field "$dev_deb" Version)" = "$version" ] || fail "the two packages have different versions"
[ "$(field "$lib_deb" Section)" = libs ] || fail "libcoursecrew1 section: $(field "$lib_deb" Section)"
[ "$(field "$dev_deb" Section)" = libdevel ] || fail "libcoursecrew-dev section: $(field "$dev_deb" Section)"
for deb in "$lib_deb" "$dev_deb"; do
  [ "$(field "$deb" Architecture)" = "$arch" ] || fail "$(basename "$deb"): architecture $(field "$deb" Architecture)"
  [[ $(field "$deb" Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "$(basename "$deb"): maintainer without an e-mail"
done
# dpkg-shlibdeps: what the library and the CLI link (libxml2, libzip, sqlite, libc...).
lib_depends=$(field "$lib_deb" Depends)
for dep in libc6 libxml2 libzip4 libsqlite3-0 libstdc++6; do
  [[ $lib_depends == *"$dep "* || $lib_depends == *"$dep," || $lib_depends == *"$dep" ]] ||
    fail "libcoursecrew1 Depends lacks $dep (shlibdeps): $lib_depends"
done
[ "$(field "$dev_deb" Depends)" = "libcoursecrew1 (= $version)" ] ||
  fail "libcoursecrew-dev Depends: $(field "$dev_deb" Depends), expected libcoursecrew1 (= $version)"
# The Debian changelog's newest entry is this version.
changelog_version=$(sed -n '1s/^coursecrew (\([^)]*\)).*/\1/p' "$src/packaging/debian/changelog")
[ "$changelog_version" = "$version" ] ||
  fail "packaging/debian/changelog starts with $changelog_version, the packages are $version: add an entry"

# --- lintian: no errors -----------------------------------------------------------
echo "== lintian"
# Exit 1: a tag of the --fail-on level; 2 and more: lintian itself failed.
rc=0
lintian --allow-root --fail-on error --tag-display-limit 0 "$lib_deb" "$dev_deb" >"$work/lintian.txt" 2>&1 || rc=$?
cat "$work/lintian.txt"
[ $rc = 0 ] || fail "lintian exited $rc (errors above)"
! grep -q '^E: ' "$work/lintian.txt" || fail "lintian reports errors (above)"

# --- Layout ---------------------------------------------------------------------
echo "== layout"
root=$work/root
dpkg-deb -x "$lib_deb" "$root"
dpkg-deb -x "$dev_deb" "$root"
libdir=$root/usr/lib/$multiarch
paths() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
in_deb() { paths "$1" | grep -qx "$2"; }
for path in /usr/lib/$multiarch/libcoursecrew.so.1 /usr/lib/$multiarch/coursecrew/libcoursecrew_lms.so \
    /usr/bin/coursecrew /usr/share/coursecrew/roles/defaults.json \
    /usr/share/coursecrew/schemas/coursecrew.xapi-profile.jsonld \
    /usr/share/coursecrew/schemas/inspect.schema.json /usr/share/coursecrew/schemas/review.schema.json \
    /usr/share/coursecrew/schemas/rolemap.schema.json /usr/share/coursecrew/schemas/config.schema.json \
    /usr/share/coursecrew/schemas/options.schema.json /usr/share/man/man1/coursecrew.1.gz \
    /usr/share/doc/libcoursecrew1/copyright /usr/share/doc/libcoursecrew1/changelog.Debian.gz; do
  in_deb "$lib_deb" "$path" || fail "libcoursecrew1 lacks $path"
done
for path in /usr/include/coursecrew/coursecrew.h /usr/lib/$multiarch/libcoursecrew.so \
    /usr/lib/$multiarch/pkgconfig/coursecrew.pc /usr/lib/$multiarch/cmake/coursecrew/coursecrewConfig.cmake \
    /usr/share/doc/libcoursecrew-dev/copyright /usr/share/doc/libcoursecrew-dev/changelog.Debian.gz; do
  in_deb "$dev_deb" "$path" || fail "libcoursecrew-dev lacks $path"
done
! paths "$lib_deb" | grep -E '^/usr/include/|\.so$|/pkgconfig/|/cmake/' | grep -v '/libcoursecrew_lms\.so$' ||
  fail "development files in libcoursecrew1 (above)"
! paths "$dev_deb" | grep -E '\.so\.[0-9]|^/usr/bin/|^/usr/share/(coursecrew|man)/' || fail "runtime files in libcoursecrew-dev (above)"
! { paths "$lib_deb"; paths "$dev_deb"; } | grep -E '^/usr/local/|^/usr/lib/[^/]+$|^/usr/lib64/' ||
  fail "files outside the Debian layout (above)"

# The soname is the ABI major; the .so link and the soname link lead to the real file.
soname=$(readelf -d "$libdir/libcoursecrew.so.1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libcoursecrew.so.1 ] || fail "soname is '$soname', expected libcoursecrew.so.1"
[ "$(readlink "$libdir/libcoursecrew.so")" = libcoursecrew.so.1 ] || fail "libcoursecrew.so does not link to libcoursecrew.so.1"
real=$(readlink -f "$libdir/libcoursecrew.so.1")
[ -f "$real" ] && [ "$real" != "$libdir/libcoursecrew.so.1" ] || fail "libcoursecrew.so.1 is not a link to the versioned file"
# Stripped, with no debug sections, no RPATH/RUNPATH.
for elf in "$real" "$libdir/coursecrew/libcoursecrew_lms.so" "$root/usr/bin/coursecrew"; do
  file -L "$elf" | grep -q ', stripped' || fail "not stripped: $(file -L "$elf")"
  ! readelf -S -W "$elf" | grep -qE '\.debug_|\.symtab' || fail "$elf has debug or symbol-table sections"
  ! readelf -d "$elf" | grep -qE 'RPATH|RUNPATH' || fail "$elf has an RPATH/RUNPATH"
done
# ...and the library's debug symbols are in the -dbgsym package, by build id.
build_id=$(readelf -n "$real" | sed -n 's/.*Build ID: *//p')
dbgsym=("$work"/pkgs/libcoursecrew1-dbgsym_*_"$arch".ddeb)
[ -n "$build_id" ] && [ -f "${dbgsym[0]}" ] && in_deb "${dbgsym[0]}" "/usr/lib/debug/.build-id/${build_id:0:2}/${build_id:2}.debug" ||
  fail "no debug symbols for build id '$build_id' in libcoursecrew1-dbgsym"
# The man page: gzipped, no groff warnings, a NAME line, every subcommand.
man=$root/usr/share/man/man1/coursecrew.1.gz
gzip -t "$man" || fail "man page is not valid gzip"
lexgrog "$man" | grep -q 'coursecrew - ' || fail "lexgrog finds no NAME line in the man page"
if command -v man >/dev/null; then
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man" 2>&1 >/dev/null || true)
  [ -z "$warnings" ] || fail "man page warnings: $warnings"
fi
for sub in inspect review publish "status set" "status import" sync outbox watch; do
  zcat "$man" | grep -q "^\.SS \"\?$sub" || fail "the man page has no section for '$sub'"
done

# --- The installed CLI uses the library of its own tree ---------------------------
echo "== installed CLI"
cli=$root/usr/bin/coursecrew
LD_DEBUG=files "$cli" inspect "$sample" >"$work/inspect.out" 2>"$work/inspect.ld" ||
  { cat "$work/inspect.out"; grep -v 'file=' "$work/inspect.ld" | tail; fail "installed coursecrew inspect failed"; }
grep -q 'Workplace Safety Basics' "$work/inspect.out" || fail "inspect output: $(head -3 "$work/inspect.out")"
# LD_DEBUG=files says "file=<path> [0];  generating link map" for each file
# the loader really mapped (a path it only tried says "dynamically loaded by").
loaded() {  # $1: the LD_DEBUG log; $2: the file name; prints the real paths it was loaded from
  sed -n "s|.*file=\([^ ]*/$2\) .*generating link map.*|\1|p" "$1" | xargs -r realpath -m
}
[ "$(loaded "$work/inspect.ld" libcoursecrew.so.1)" = "$real" ] ||
  fail "the CLI did not load $real: $(grep 'libcoursecrew' "$work/inspect.ld" | head -3)"
# ...and the library its network module, from lib/<triplet>/coursecrew/ (the
# target is unreachable: exit 4, queued, but not "cannot be loaded").
printf '{"course_iri": "https://example.org/courses/pkg", "store": "sync.db", "targets": [{"name": "lms", "kind": "xapi", "endpoint": "http://127.0.0.1:9/xAPI/", "connect_timeout_ms": 300}]}' >"$work/sync.json"
rc=0
LD_DEBUG=files "$cli" publish "$sample" --config "$work/sync.json" --timeout 1 >"$work/sync.out" 2>"$work/sync.ld" || rc=$?
[ $rc = 4 ] || { grep -v 'file=' "$work/sync.ld" | tail; fail "publish to an unreachable LMS exited $rc, expected 4"; }
! grep -q 'cannot be loaded' "$work/sync.out" "$work/sync.ld" || fail "the installed network module was not found"
[ "$(loaded "$work/sync.ld" libcoursecrew_lms.so)" = "$libdir/coursecrew/libcoursecrew_lms.so" ] ||
  fail "the network module was not loaded from $libdir/coursecrew: $(grep 'lms' "$work/sync.ld" | head -3)"

# --- examples/c-host against the root ------------------------------------------------
check_review() {  # $1: the program; $2: its name in messages
  local out=$work/$2.out
  LD_LIBRARY_PATH=$libdir "$1" "$sample" "$src/samples/safety-basics.roles.json" "$work/$2.db" >"$out" 2>&1 ||
    { cat "$out"; fail "$2 failed"; }
  # The table: the course, each module, the team's own role and people from the role map, statuses.
  for text in 'Workplace Safety Basics  \[com.example.safety-basics\]' 'Module 1 of 3: Introduction  \[MOD-INTRO\]' \
      'Module 3 of 3: Assessment' 'Voice-over artist' 'Dora Kent' 'not started: Ana Lima' '0 of 14 pairs done'; do
    grep -q "$text" "$out" || { cat "$out"; fail "$2: the review lacks '$text'"; }
  done
  ! readelf -d "$1" | grep -q 'NEEDED.*libcoursecrew' || fail "$2 links libcoursecrew; it should dlopen it"
  # Without the library it says so (exit 3), it does not crash.
  local rc=0
  "$1" "$sample" >/dev/null 2>"$work/$2.nolib" || rc=$?
  [ $rc = 3 ] && grep -q 'cannot load the coursecrew plugin' "$work/$2.nolib" || fail "$2 without the plugin: exit $rc"
}

echo "== examples/c-host with pkg-config"
cp -r "$src/examples/c-host" "$work/c-host-pc"
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$libdir/pkgconfig
pc() { pkg-config "$@" coursecrew | xargs; }  # xargs: without pkg-config's trailing blank
[ "$(pc --modversion)" = "${version%-*}" ] || fail "pkg-config version: $(pc --modversion)"
[ "$(pc --variable=soname)" = libcoursecrew.so.1 ] || fail "pkg-config soname variable: $(pc --variable=soname)"
[ "$(pc --cflags)" = "-I$root/usr/include" ] || fail "pkg-config --cflags: $(pc --cflags)"
[ "$(pc --libs)" = "-L$libdir -lcoursecrew" ] || fail "pkg-config --libs: $(pc --libs)"
make -s -C "$work/c-host-pc" CFLAGS="-O2 -Wall -Wextra -Werror" >"$work/make.log" 2>&1 ||
  { cat "$work/make.log"; fail "make against the packages failed"; }
check_review "$work/c-host-pc/c-host" c-host-pkgconfig
# A host that links the plugin instead: `pkg-config --cflags --libs`.
cc -std=c99 -Wall -Wextra -Werror -o "$work/consumer" "$src/tests/cmake_import/consumer.c" \
  $(pkg-config --cflags --libs coursecrew) || fail "linking with pkg-config --libs coursecrew failed"
LD_LIBRARY_PATH=$libdir "$work/consumer" | grep -q "consumer: coursecrew ${version%-*}, ABI 1\." || fail "linked consumer"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

echo "== examples/c-host with find_package"
cmake -S "$src/examples/c-host" -B "$work/c-host-cmake" -DCMAKE_PREFIX_PATH="$root/usr" \
  -DCMAKE_C_FLAGS=-Werror >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "find_package(coursecrew) failed"; }
grep -q "^coursecrew_DIR:PATH=$libdir/cmake/coursecrew\$" "$work/c-host-cmake/CMakeCache.txt" ||
  fail "find_package did not use the packages: $(grep coursecrew_DIR "$work/c-host-cmake/CMakeCache.txt")"
cmake --build "$work/c-host-cmake" >>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "c-host build failed"; }
check_review "$work/c-host-cmake/c-host" c-host-cmake

echo "packaging: $(basename "$lib_deb") and $(basename "$dev_deb") install, load and build"

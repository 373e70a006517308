#!/usr/bin/env bash
# Installs the Debian 12 packages coursecrew builds and tests with, skipping
# those already installed. Run as root (or with sudo available).
set -euo pipefail

packages=(
  g++ make cmake pkg-config binutils   # toolchain (nm checks the exported symbols)
  libxml2-dev libxml2-utils             # manifest parsing; xmllint for the benchmark
  rapidjson-dev                         # JSON and JSON Schema
  libzip-dev                            # zipped packages (PIF)
  libssl-dev                            # SHA-256
  libsqlite3-dev libcurl4-openssl-dev   # status store and LRS sync
  libcli11-dev                          # command line
  libboost-test-dev                     # tests
  chromium python3                      # tests: the review page renders (headless screenshot)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs what gogcsim needs to build and test on a fresh Debian 12 machine,
# offline but for Debian's mirror. Idempotent: packages already present are
# skipped and apt is not touched when nothing is missing.
set -euo pipefail

PACKAGES=(
  bazel-bootstrap bazel-platforms   # Bazel 4.2.3 and @platforms
  g++ pkg-config zlib1g-dev
  libabsl-dev                       # Abseil 20220623
  libprotobuf-dev protobuf-compiler # protobuf 3.21
  nlohmann-json3-dev                # nlohmann/json 3.11
  libgtest-dev libbenchmark-dev     # GoogleTest 1.12, Google Benchmark 1.7
  golang-1.19-go xz-utils           # bootstrap of the recorder's go1.10.2 toolchain
)
# `bash tools/setup.sh fuzz` (tools/fuzz.sh does): also what the libFuzzer
# targets need, kept out of the first run's install.
if [ "${1:-}" = fuzz ]; then
  PACKAGES+=(clang-14 libfuzzer-14-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # debconf's "delaying package configuration" notice is not for the user.
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    2> >(grep -v '^debconf: delaying package configuration' >&2)
fi

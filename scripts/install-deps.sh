#!/usr/bin/env bash
# Installs what nanowasm needs on Debian 12 (as root), and only what is missing.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also the benchmark tools
set -euo pipefail

# wasi-libc + libclang-rt-19-dev-wasm32 + lld-19: building the wasm32-wasi test guests.
# binaryen (wasm-opt) + nodejs: the differential fuzzing peers (tests/fuzz, docs/robustness.md).
pkgs=(clang-19 lld-19 cmake ninja-build libgtest-dev git wasi-libc libclang-rt-19-dev-wasm32
      binaryen nodejs)
if [[ "${1:-}" == "--bench" ]]; then
  pkgs+=(libbenchmark-dev hyperfine)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "install-deps: ok (${pkgs[*]})"

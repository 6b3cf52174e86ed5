#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test, in two presets:
#   1. release: unit tests per area, golden tests, every .wast of the spec testsuite's core-2.0
#      (simd/ included), the WASI C guests and the adversarial suite, the CLI tests, the
#      embedding examples built against the installed package, and the fuzz regression and
#      differential smoke tests;
#   2. asan (ASan+UBSan, LeakSanitizer): all of the same again except the optimizing tier's
#      whole-program suites (spec-opt, wasi-opt, cli-opt, tree-opt: each compiles its guests
#      with LLVM at O2, about half of the ASan time); the opt tier's unit tests do run.
# The libFuzzer targets need their own instrumented build, a separate command (minutes cold):
#   cmake --preset fuzz && cmake --build --preset fuzz && ctest --preset fuzz
# Set NANOWASM_TESTSUITE to point at a testsuite checkout; by default ../shared/testsuite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/node-env.sh
jobs=$(nproc)
# install-deps.sh installed the wasm32-wasi toolchain: the sandbox tests must run, not skip.
export NANOWASM_REQUIRE_WASI_GUESTS=1

for preset in release asan; do
  echo "== [$preset] configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "== [$preset] ctest"
  ctest --preset "$preset" -j"$jobs" --timeout 300
done

#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test:
#   1. release preset: unit tests, golden tests and the spec testsuite (core-2.0) via CTest;
#   2. asan preset (ASan+UBSan): the same tests again, plus `nanowasm wast` over every core-2.0
#      file including simd/ to show nothing crashes or hangs.
# Set NANOWASM_TESTSUITE to point at a testsuite checkout; by default ../shared/testsuite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

for preset in release asan; do
  echo "== [$preset] configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "== [$preset] ctest"
  ctest --preset "$preset" -j"$jobs" --timeout 600
done

#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test, in two presets:
#   1. release: unit tests per area, golden tests, every .wast of the spec testsuite's core-2.0
#      (simd/ included), the WASI C guests and the adversarial suite, the CLI tests, the
#      embedding examples built against the installed package, the real components (C and
#      JS), and the fuzz regression and differential smoke tests;
#   2. asan (ASan+UBSan, LeakSanitizer, compiled with -gline-tables-only: symbolized reports,
#      no variable info): every unit test (the opt tier's included), the spec testsuite on the
#      interpreter, the WASI guests and the adversarial suite, the C real components, the
#      fuzz regressions and the rest, except whole-program suites that release runs and that
#      cost most of the ASan time (CMakePresets.json, docs/testing.md):
#        - the optimizing tier's spec-opt, wasi-opt, cli-opt, tree-opt (each compiles its
#          guests with LLVM at O2);
#        - cli.end_to_end (~200 CLI runs, 70 s under ASan; cli.tree, wasi.cli and spec.* still
#          run the CLI under ASan);
#        - fuzz.differential_smoke and fuzz.differential_tiers_smoke (generated modules against
#          V8 and Binaryen, 52 s under ASan; random inputs under ASan are the fuzz preset's);
#        - the componentize-js components (NANOWASM_TEST_JS_COMPONENTS=OFF: neither built nor
#          tested; component_real.js_components_not_built says so).
# The libFuzzer targets need their own instrumented build, a separate command (minutes cold):
#   cmake --preset fuzz && cmake --build --preset fuzz && ctest --preset fuzz
# Set NANOWASM_TESTSUITE to point at a testsuite checkout; by default ../shared/testsuite.
# Each phase's wall time is printed as it ends ("== [time] ...") and all of them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
last=$t0
times=()
phase_done() {
  local now
  now=$(date +%s)
  times+=("$(printf '%-28s %5d s' "$1" $((now - last)))")
  echo "== [time] $1: $((now - last)) s (total $((now - t0)) s)"
  last=$now
}
summary() {
  local rc=$?
  echo "== [time] phases (wall seconds; total $(($(date +%s) - t0)) s, exit $rc):"
  local t
  for t in "${times[@]}"; do echo "   $t"; done
}
trap summary EXIT

bash scripts/install-deps.sh
source scripts/node-env.sh
phase_done "install-deps"
jobs=$(nproc)
# install-deps.sh installed the wasm32-wasi toolchain: the sandbox tests must run, not skip.
export NANOWASM_REQUIRE_WASI_GUESTS=1

for preset in release asan; do
  echo "== [$preset] configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  phase_done "$preset configure + build"
  echo "== [$preset] ctest"
  ctest --preset "$preset" -j"$jobs" --timeout 300
  phase_done "$preset ctest"
done

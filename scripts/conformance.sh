#!/usr/bin/env bash
# Runs `nanowasm wast` over every .wast of a testsuite folder and prints a markdown table of
# per-file assertion counts (for docs/conformance.md).
#   scripts/conformance.sh BUILD_DIR [SUITE_DIR]     e.g. build/release ../shared/testsuite/core-2.0
set -uo pipefail
build=${1:?build dir}
suite=${2:-${NANOWASM_TESTSUITE:-$(dirname "$0")/../../shared/testsuite}/core-2.0}
nw=$build/tools/nanowasm/nanowasm
skips=$(dirname "$0")/../tests/spec/skips.txt
tp=0; tf=0; ts=0
echo "| file | passed | failed | skipped |"
echo "|---|---:|---:|---:|"
for f in "$suite"/*.wast "$suite"/simd/*.wast; do
  last=$("$nw" wast --skips "$skips" "$f" 2>/dev/null | tail -n 1)
  p=$(echo "$last" | sed -nE 's/^([0-9]+) passed.*/\1/p')
  fl=$(echo "$last" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
  s=$(echo "$last" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
  p=${p:-0}; fl=${fl:-?}; s=${s:-0}
  name=$(basename "$f"); [[ $f == */simd/* ]] && name="simd/$name"
  echo "| $name | $p | $fl | $s |"
  tp=$((tp + p)); [[ $fl =~ ^[0-9]+$ ]] && tf=$((tf + fl)); ts=$((ts + s))
done
echo "| **total** | **$tp** | **$tf** | **$ts** |"

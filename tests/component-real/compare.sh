#!/bin/sh
# Runs one component under jco's host (node) and under nanowasm and diffs the outputs.
#   compare.sh NODE run_jco.mjs TRANSPILED.js DRIVER COMPONENT.wasm
set -eu
node=$1 runner=$2 transpiled=$3 driver=$4 component=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$node" "$runner" "$transpiled" > "$tmp/jco.txt"
"$driver" "$component" > "$tmp/nanowasm.txt"
if ! diff -u "$tmp/jco.txt" "$tmp/nanowasm.txt"; then
  echo "FAIL: $component: nanowasm's output differs from jco's (- jco, + nanowasm)"
  exit 1
fi
echo "ok: $component: $(wc -l < "$tmp/jco.txt") lines identical under jco and nanowasm"

#!/bin/sh
# Runs one component under jco's host (node) and under nanowasm and diffs the outputs.
#   compare.sh NODE RUNNER.mjs TRANSPILED.js DRIVER [--run] COMPONENT.wasm [INPUT...]
# The runner gets TRANSPILED.js and the inputs; the driver gets [--run] COMPONENT.wasm and them.
set -eu
node=$1 runner=$2 transpiled=$3 driver=$4
shift 4
mode=""
if [ "$1" = "--run" ]; then mode=--run; shift; fi
component=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$node" "$runner" "$transpiled" "$@" > "$tmp/jco.txt"
"$driver" $mode "$component" "$@" > "$tmp/nanowasm.txt"
if ! diff -u "$tmp/jco.txt" "$tmp/nanowasm.txt"; then
  echo "FAIL: $component: nanowasm's output differs from jco's (- jco, + nanowasm)"
  exit 1
fi
echo "ok: $component: $(wc -l < "$tmp/jco.txt") lines identical under jco and nanowasm"

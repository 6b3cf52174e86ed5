#!/usr/bin/env bash
# The main job: install what is missing, build the release preset (runtime, CLI and the C
# guests compiled to wasm32-wasi), then run a real C program under the WASI sandbox:
#   1. tests/wasi/tree_sum.c walks a granted directory tree and writes a report into it;
#      its output is compared with the same program compiled natively;
#   2. examples/extract.c, an archive extractor with a ZipSlip bug: natively it writes outside
#      its output directory, under `nanowasm run --dir ./out` it cannot;
#   3. examples/tree: the ZipSlip and notification stories as trees of nanoprocesses, each
#      dependency holding only what its parent hands it (refusals printed);
#   4. a core-wasm sample with --invoke, and an infinite loop stopped by -W timeout=.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/node-env.sh
cmake --preset release >/dev/null
cmake --build --preset release --target nanowasm wasi_guests tree_sum_native extract_native
b=build/release
nw=$b/tools/nanowasm/nanowasm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== 1. a C program (wasm32-wasi) walks a read-only granted tree and writes a report"
for side in wasm native; do
  mkdir -p "$work/$side/data/sub/deeper" "$work/$side/out"
  printf 'hello\n' > "$work/$side/data/a.txt"
  printf 'only the keys it was handed\n' > "$work/$side/data/sub/b.txt"
  printf '0123456789' > "$work/$side/data/sub/deeper/c.bin"
done
root=$PWD
echo "   \$ nanowasm run --dir-ro data --dir out tree_sum.wasm data out/report.txt"
(cd "$work/wasm" && "$root/$nw" run --dir-ro data --dir out "$root/$b/tests/wasi/guests/tree_sum.wasm" \
   data out/report.txt) | tee "$work/wasm.out"
(cd "$work/native" && "$root/$b/tests/wasi/tree_sum_native" data out/report.txt) > "$work/native.out"
if cmp -s "$work/wasm.out" "$work/native.out" && cmp -s "$work/wasm/out/report.txt" "$work/native/out/report.txt"; then
  echo "   stdout and report identical to the same program compiled natively"
else
  echo "   MISMATCH with the native build"; exit 1
fi

echo "== 2. the ZipSlip extractor, natively and sandboxed"
bash examples/zipslip_demo.sh "$root/$nw" "$root/$b/tests/wasi/guests/extract.wasm" "$root/$b/tests/wasi/extract_native"

echo "== 3. capability trees: each dependency holds only the keys its parent hands it"
bash examples/tree/tree_demo.sh "$root/$nw" "$root/$b/tests/wasi/guests/tree"

echo "== 4. core wasm: nanowasm run examples/fib.wat --invoke fib 30"
$nw run examples/fib.wat --invoke fib 30
echo "== an infinite loop under -W timeout=200ms (exit status 134 expected)"
printf '(module (func (export "spin") (loop $l (br $l))))' > "$work/spin.wat"
set +e
$nw run -W timeout=200ms --invoke spin "$work/spin.wat"
echo "   exit status $?"

#!/bin/sh
# A runtime-only nanowasm (no LLVM: NANOWASM_ENABLE_LLVM=OFF, or the nanowasm_rt target of an
# LLVM build, the same sources) runs AOT artifacts the full nanowasm compiled, links no LLVM,
# and refuses to compile. Prints its size (with and without symbols).
# usage: aot_runtime_only.sh NANOWASM NANOWASM_RT HELLO.wat
set -eu
nw=$1 rt=$2 wat=$3
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$nw" compile "$wat" -o "$d/h.nwc"
out=$("$rt" run "$d/h.nwc") || fail "runtime-only run of the artifact exited $?"
[ "$out" = "Hello, world!" ] || fail "runtime-only run printed '$out'"

# No LLVM linked: no libLLVM among the needed libraries, no llvm:: symbol in the binary.
if readelf -d "$rt" | grep -i 'NEEDED.*llvm'; then fail "links libLLVM"; fi
if nm -C "$rt" | grep -q ' llvm::'; then fail "contains llvm:: symbols"; fi

# It cannot compile: `compile` and `--tier opt` on a .wasm say so.
if "$rt" compile "$wat" -o "$d/x.nwc" 2>"$d/err"; then fail "compile succeeded"; fi
grep -q 'built without LLVM' "$d/err" || fail "compile: $(cat "$d/err")"
[ ! -e "$d/x.nwc" ] || fail "compile wrote an artifact"
"$nw" parse "$wat" -o "$d/h.wasm"
if "$rt" run --tier opt "$d/h.wasm" 2>"$d/err"; then fail "--tier opt ran a .wasm"; fi
grep -q 'without the opt tier' "$d/err" || fail "--tier opt: $(cat "$d/err")"
# The interpreter still runs the module itself.
[ "$("$rt" run "$d/h.wasm")" = "Hello, world!" ] || fail "interpreter run"

strip -o "$d/stripped" "$rt"
echo "runtime-only nanowasm: $(stat -c %s "$rt") bytes, $(stat -c %s "$d/stripped") stripped"
echo "PASS"

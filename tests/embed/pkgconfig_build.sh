#!/bin/sh
# pkgconfig_build.sh CC PREFIX SOURCE OUT WASM EXPECTED: compile a C example with nothing but
# `pkg-config nanowasm` from the installed prefix, run it, and compare its output. The .pc
# names the archive (-l:libnanowasm.a) even when the package also has libnanowasm.so, so the
# program runs as built, with no rpath or loader path; the check below makes sure of that.
set -e
cc=$1 prefix=$2 src=$3 out=$4 wasm=$5 expected=$6
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
"$cc" -o "$out" "$src" $(pkg-config --cflags nanowasm) $(pkg-config --libs nanowasm)
if readelf -d "$out" | grep -q 'NEEDED.*libnanowasm'; then
  echo "$out: linked libnanowasm.so, expected the archive"; exit 1
fi
"$out" "$wasm" > "$out.txt"
diff -u "$expected" "$out.txt"

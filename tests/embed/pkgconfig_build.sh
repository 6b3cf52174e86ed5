#!/bin/sh
# pkgconfig_build.sh CC PREFIX SOURCE OUT WASM EXPECTED: compile a C example with nothing but
# `pkg-config nanowasm` from the installed prefix, run it, and compare its output. When the
# package has libnanowasm.so, -lnanowasm links it rather than the archive (as for any library),
# so the program gets an rpath to the prefix, as an application installed elsewhere would.
set -e
cc=$1 prefix=$2 src=$3 out=$4 wasm=$5 expected=$6
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
"$cc" -o "$out" "$src" $(pkg-config --cflags nanowasm) $(pkg-config --libs nanowasm) \
  -Wl,-rpath,"$prefix/lib"
"$out" "$wasm" > "$out.txt"
diff -u "$expected" "$out.txt"

#!/bin/sh
# check_shared.sh PROGRAM...: each program loads libnanowasm.so at run time (a DT_NEEDED entry)
# and has none of the runtime linked in (wasm_engine_new is undefined in it, not defined).
set -e
for prog in "$@"; do
  readelf -d "$prog" | grep -q 'NEEDED.*\[libnanowasm\.so\.0\]' ||
    { echo "$prog: no NEEDED libnanowasm.so.0"; readelf -d "$prog"; exit 1; }
  if nm "$prog" | grep -q ' T wasm_engine_new$'; then
    echo "$prog: defines wasm_engine_new itself (linked the archive?)"; exit 1
  fi
  ldd "$prog" | grep 'libnanowasm\.so\.0 =>' | grep -v 'not found' ||
    { echo "$prog: libnanowasm.so.0 not found at run time"; ldd "$prog"; exit 1; }
done

#!/usr/bin/env bash
# Demonstrates the ZipSlip bug of examples/extract.c: natively it writes outside its output
# directory; under `nanowasm run --dir ./out` the same bug is harmless. Works in a temp dir.
#   examples/zipslip_demo.sh NANOWASM EXTRACT.wasm EXTRACT_NATIVE
# (the CMake build makes all three: build/<preset>/tools/nanowasm/nanowasm,
#  build/<preset>/tests/wasi/guests/extract.wasm, build/<preset>/tests/wasi/extract_native)
set -u
nw=$1 wasm=$2 native=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkarchive() {  # NAME CONTENT ...
  while (($#)); do printf '%s\n%s\n%s' "$1" "${#2}" "$2"; shift 2; done
}
mkarchive "readme.txt" "fine" "../../zipslip-escaped.txt" "owned" > evil.archive
mkdir -p native/run/out wasm/run/out
echo "== native extractor, output dir native/run/out =="
(cd native/run && "$native" out < ../../evil.archive)
echo "== the same extractor in nanowasm, granted only wasm/run/out =="
(cd wasm/run && "$nw" run --dir ./out "$wasm" out < ../../evil.archive)
rc_wasm=$?
echo "== result =="
status=0
# "out/../../x" is two levels above out/: native/x and wasm/x.
if [ -f native/zipslip-escaped.txt ]; then
  echo "native build wrote OUTSIDE its output directory: native/zipslip-escaped.txt"
else
  echo "UNEXPECTED: the native build did not escape"; status=1
fi
if [ -e wasm/zipslip-escaped.txt ] || [ -n "$(find wasm -name zipslip-escaped.txt)" ]; then
  echo "FAIL: the sandboxed run wrote outside its grant"; status=1
else
  echo "sandboxed run: the escaping member was refused (exit status $rc_wasm); nothing written outside wasm/run/out"
fi
[ -f wasm/run/out/readme.txt ] || { echo "FAIL: the good member was not extracted"; status=1; }
exit $status

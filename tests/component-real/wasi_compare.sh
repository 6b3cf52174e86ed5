#!/bin/sh
# A WASI 0.2 command component reading a granted directory, run under jco (`jco run`, the
# directory preopened by preopen.mjs) and under `nanowasm run --dir`: stdout and exit status
# must match. Until nanowasm's run takes components (the WASI 0.2 host), this test is SKIPPED
# and says so.
#   wasi_compare.sh NANOWASM NODE PREOPEN_MJS JCO_JS COMPONENT.wasm
set -eu
nanowasm=$1 node=$2 preopen=$3 jco_js=$4 component=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/data"
printf 'first file' > "$tmp/data/one.txt"
printf 'zweite Datei, ü' > "$tmp/data/two.txt"

set +e
NW_JCO_PREOPENS="$tmp/data::/data" "$node" "$jco_js" run --jco-import "$preopen" "$component" /data \
  > "$tmp/jco.out" 2> "$tmp/jco.err"
jco_rc=$?
"$nanowasm" run --dir "$tmp/data::/data" "$component" /data > "$tmp/nw.out" 2> "$tmp/nw.err"
nw_rc=$?
set -e
if [ "$jco_rc" -ne 0 ]; then
  echo "FAIL: the reference run under jco failed ($jco_rc):"; cat "$tmp/jco.err"; exit 1
fi
if [ "$nw_rc" -ne 0 ] && grep -q 'unknown binary version' "$tmp/nw.err"; then
  echo "SKIPPED: nanowasm run does not take components yet (the WASI 0.2 host is not there): $(cat "$tmp/nw.err")"
  exit 77
fi
if [ "$nw_rc" -ne "$jco_rc" ] || ! diff -u "$tmp/jco.out" "$tmp/nw.out"; then
  echo "FAIL: $component: nanowasm (exit $nw_rc) differs from jco (exit $jco_rc); nanowasm's stderr:"
  cat "$tmp/nw.err"
  exit 1
fi
echo "ok: $component: $(wc -l < "$tmp/jco.out") lines and exit status $jco_rc identical under jco and nanowasm"

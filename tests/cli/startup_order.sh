#!/bin/sh
# The runtime-only nanowasm's start-up functions sit together at the start of .text, as
# tools/nanowasm/startup_order.txt lists them, and a CLI linked with a stale list (reordered,
# with names that no longer exist and without half of the current ones) still runs.
# usage: startup_order.sh NANOWASM NANOWASM_RT NANOWASM_RT_STALE HELLO.wat STARTUP_ORDER.txt
set -eu
nw=$1 rt=$2 stale=$3 wat=$4 list=$5
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$nw" compile "$wat" -o "$d/h.nwc"
[ "$("$rt" run "$d/h.nwc")" = "Hello, world!" ] || fail "nanowasm_rt run"
[ "$("$stale" run "$d/h.nwc")" = "Hello, world!" ] || fail "run with a stale start-up list"

# The first 200 listed functions the binary still has lie in the first MiB of .text (unordered,
# they spread over its ~4.7 MB).
text_start=$(readelf -SW "$rt" | awk '$2 == ".text" { print $4 }')
export LC_ALL=C
nm --defined-only "$rt" | awk '$2 ~ /^[tTwW]$/ { print $3, $1 }' | sort -k1,1 >"$d/syms"
grep -v '^#' "$list" | head -n 400 | awk '{ print $0, NR }' | sort -k1,1 >"$d/listed"
join "$d/listed" "$d/syms" | sort -k2,2n | head -n 200 >"$d/found"
found=$(wc -l <"$d/found")
[ "$found" -ge 100 ] || fail "only $found of the listed start-up functions are in $rt: regenerate the list"
far=0
while read -r name order addr; do
  [ $((0x$addr - 0x$text_start)) -lt 1048576 ] || far=$((far + 1))
done <"$d/found"
[ "$far" -eq 0 ] || fail "$far of $found listed start-up functions lie past the first MiB of .text"
echo "$found listed start-up functions in the first MiB of .text"
echo "PASS"

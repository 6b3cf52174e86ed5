#!/usr/bin/env bash
# Regenerates tools/nanowasm/startup_order.txt: the functions (and data) a runtime-only nanowasm
# touches when it starts a WASI hello world, which lld places together at the start of .text
# (tools/nanowasm/CMakeLists.txt, docs/performance.md "AOT artifacts"). Not a build step: the
# list is checked in, and a stale list only costs start-up page faults, never a build.
#
# usage: tools/nanowasm/update_startup_order.sh COMPILER RUNTIME_ONLY
#   COMPILER      a nanowasm with the LLVM tier (build/release/tools/nanowasm/nanowasm)
#   RUNTIME_ONLY  the static runtime-only CLI (build/release/tools/nanowasm/nanowasm_rt)
# Needs valgrind (callgrind, lackey), nm and perl. Order in the list: what `run app.nwc` (AOT)
# executes, then what `run app.wasm` (interpreter) adds, then data objects.
set -euo pipefail
if [[ $# -ne 2 ]]; then
  sed -n '7,11p' "$0" >&2
  exit 2
fi
compiler=$1 rt=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$here/startup_order.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$compiler" parse "$root/bench/aot_hello.wat" -o "$tmp/hello.wasm"
# valgrind's CPU lacks some of this machine's features: an artifact for the host CPU would be
# refused (and the profile would be the refusal), so the profile runs a baseline x86-64 one.
"$compiler" compile --target x86-64 "$tmp/hello.wasm" -o "$tmp/hello.nwc"

"$compiler" compile "$tmp/hello.wasm" -o "$tmp/native.nwc"  # for the host CPU

# Function names (mangled) in a callgrind profile of "$@", in order of first mention.
names() {
  awk '/^c?fn=\([0-9]+\) / { sub(/^c?fn=\([0-9]+\) /, ""); if ($0 != "" && $0 !~ /^0x/ &&
       $0 != "(below main)" && !seen[$0]++) print }' "$1"
}
# The runs: output to /dev/null (the benchmarks' case: WASI waits for /dev/null to be ready)
# and to a file, which must hold the greeting.
profile() {
  local name=$1 sink=$2
  shift 2
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/$name.cg" "$@" \
    >"$sink" 2>"$tmp/$name.err" || true
  names "$tmp/$name.cg"
}
check() {
  grep -q 'Hello, world!' "$tmp/$1.out" || {
    echo "update_startup_order: '$1' did not print its greeting:" >&2
    cat "$tmp/$1.err" >&2
    exit 1
  }
}
{
  profile aot_null /dev/null "$rt" run "$tmp/hello.nwc"
  profile aot "$tmp/aot.out" "$rt" run "$tmp/hello.nwc"
  check aot
  # A native artifact: refused under valgrind, but the host CPU check it runs first is the same.
  profile native /dev/null "$rt" run "$tmp/native.nwc"
  # What valgrind's process never runs: its entry (callgrind starts below it) and glibc's vDSO
  # symbol lookup (valgrind gives no vDSO).
  printf '%s\n' _start _dl_lookup_symbol_x do_lookup_x check_match strcmp __strcmp_evex __strcmp_avx2 \
    __strcmp_sse2 __strcmp_sse2_unaligned __strcmp_sse42 _dl_vdso_vsym dl_vdso_vsym setup_vdso
  profile interp "$tmp/interp.out" "$rt" run "$tmp/hello.wasm"
  check interp
} | awk '!seen[$0]++' >"$tmp/names"

# glibc picks its string functions (memmove, strlen, ...) by CPU at start-up; valgrind's CPU gets
# other variants than a real one would, so every variant of a family seen is listed.
nm --defined-only "$rt" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$tmp/text_syms"
grep -oE '^__[a-z0-9]+_(sse2|ssse3|sse4_1|sse4_2|avx2|avx512|avx|evex|erms)' "$tmp/names" |
  sed -E 's/_(sse2|ssse3|sse4_1|sse4_2|avx2|avx512|avx|evex|erms)$/_/' | sort -u |
  while read -r family; do
    grep -E "^${family}(sse2|ssse3|sse4_1|sse4_2|avx2|avx512|avx|evex|erms)" "$tmp/text_syms" || true
  done >"$tmp/variants"

# Data the AOT run touches (.data, .bss, .rodata objects), in order of first touch, from
# valgrind's memory trace: the few hot variables of glibc and libstdc++ are otherwise spread
# over ~40 KB of .bss between large cold arrays; objects over a page go last, so that the
# small ones share pages. Addresses are made file-relative with the
# first instruction, which is _start.
valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/trace" "$rt" run "$tmp/hello.nwc" \
  >/dev/null 2>&1 || true
nm -n -S --defined-only "$rt" >"$tmp/all_syms"
perl -e '
  my ($syms, $trace) = @ARGV;
  my (@start, @end, @name);
  my $entry;
  open(my $s, "<", $syms) or die;
  while (<$s>) {
    my @f = split;
    next unless @f == 4;
    $entry = hex($f[0]) if $f[3] eq "_start";
    next unless $f[2] =~ /^[bBdDrRV]$/;
    push @start, hex($f[0]); push @end, hex($f[0]) + hex($f[1]); push @name, $f[3];
  }
  open(my $t, "<", $trace) or die;
  my ($base, %seen, @big);
  while (<$t>) {
    if (!defined $base) { $base = hex($1) - $entry if /^I\s+([0-9a-f]+),/; next; }
    next unless /^ [LSM] ([0-9a-f]+),/;
    my $a = hex($1) - $base;
    my ($lo, $hi) = (0, $#start);
    while ($lo < $hi) { my $mid = int(($lo + $hi + 1) / 2); if ($start[$mid] <= $a) { $lo = $mid } else { $hi = $mid - 1 } }
    next unless $lo <= $#start && $start[$lo] <= $a && $a < $end[$lo];
    next if $seen{$name[$lo]}++;
    if ($end[$lo] - $start[$lo] > 4096) { push @big, $name[$lo] } else { print "$name[$lo]\n" }
  }
  print "$_\n" for @big;' "$tmp/all_syms" "$tmp/trace" >"$tmp/data"

{
  echo "# Start-up order of the runtime-only nanowasm (lld --symbol-ordering-file)."
  echo "# Generated by tools/nanowasm/update_startup_order.sh; do not edit by hand."
  cat "$tmp/names" "$tmp/variants" "$tmp/data" | awk '!seen[$0]++'
} >"$out"
echo "update_startup_order: $(grep -vc '^#' "$out") names in $out"

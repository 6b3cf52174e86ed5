#!/usr/bin/env bash
# Instructions per host/wasm crossing under callgrind (for docs/performance.md): the
# component-to-component call and its core baseline (bench_component_call), and the embedding
# API calls (bench_embed), each on the interpreter (opt:0) and, when the build has it, on the
# opt tier (opt:1; O2 code compiled before the timing, whose cost no figure includes). Needs
# valgrind; takes several minutes (LLVM compiles under valgrind for the opt:1 figures).
#   scripts/crossing_instructions.sh BUILD_DIR [TIERS]   e.g. build/release "0 1"
#
# Component call: see component() below. Core baseline: inclusive cost of TypedFunc::Call
# divided by its calls and by the 1,000 crossings each call makes.
# Host -> wasm embedding calls: the benchmark function's own instructions (its loop, with the
# inlined typed wrapper) plus the inclusive cost of the functions it calls at least once per
# API call (so not the fixture's set-up), divided by the API calls. Wasm -> host: the
# inclusive cost of the host -> wasm entry that runs the loop (Func::CallUnchecked, resp.
# wasm_func_call) / its calls / 100,000 calls per iteration (the entry itself adds about 1
# per call).
set -euo pipefail
build=${1:?build dir}
tiers=${2:-0 1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# calls FILE PATTERN: how many calls callgrind recorded into functions whose name contains PATTERN.
calls() {
  python3 - "$1" "$2" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split('\n')
names, total = {}, 0
for l in lines:
    m = re.match(r'c?fn=\((\d+)\) (.*)', l)
    if m: names[m.group(1)] = m.group(2)
for i, l in enumerate(lines):
    m = re.match(r'cfn=\((\d+)\)', l)
    if m and sys.argv[2] in names.get(m.group(1), ''):
        for j in range(i + 1, min(i + 4, len(lines))):
            if lines[j].startswith('calls='):
                total += int(lines[j].split()[0][6:])
                break
print(total)
PY
}
# inclusive FILE PATTERN: inclusive instructions of the first function matching PATTERN.
inclusive() {
  callgrind_annotate --inclusive=yes "$1" 2>/dev/null | grep -F "$2" | grep -v "'2" | head -1 |
    awk '{gsub(",", "", $1); print $1}'
}
run() {  # BIN FILTER MIN_TIME OUT
  valgrind --tool=callgrind --callgrind-out-file="$4" "$1" --benchmark_filter="$2" \
    --benchmark_min_time="$3" >/dev/null 2>&1
}

cc=$build/bench/bench_component_call
# The component call per tier and adapter form (wasm:0 the host function, wasm:1 core wasm:
# component/wasm_adapter.h): instructions collected only inside ComponentFunc::Call (one
# benchmark iteration under callgrind: 1,000 crossings); callgrind does not attribute the
# core-wasm form's leaves, called from compiled code, to TypedComponentFunc::Call by call.
component() {  # OPT WASM
  local out="$tmp/c$1$2.out" ir
  valgrind --tool=callgrind --callgrind-out-file="$out" '--toggle-collect=nw::ComponentFunc::Call*' \
    "$cc" --benchmark_filter="ComponentCall1KiBString/opt:$1/wasm:$2\$" --benchmark_min_time=0.01 \
    >"$out.txt" 2>&1
  ir=$(grep -o 'refs: *[0-9,]*' "$out.txt" | tr -d ', ' | cut -d: -f2)
  echo "opt:$1 component call, wasm:$2: $((ir / 1000)) instructions per crossing"
}
for t in $tiers; do
  component "$t" 0
  component "$t" 1
  run "$cc" "CoreCall.*/opt:$t\$" 0.01 "$tmp/k.out"
  ki=$(inclusive "$tmp/k.out" "TypedFunc<unsigned int (unsigned int)>::Call(")
  kn=$(calls "$tmp/k.out" "TypedFunc<unsigned int (unsigned int)>::Call(")
  echo "opt:$t core baseline:  $((ki / kn / 1000)) instructions per crossing"
done

em=$build/bench/bench_embed
# per_call FILE BENCH ENTRY: see above.
per_call() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
path, bench, entry = sys.argv[1:4]
lines = open(path).read().split('\n')
names = {}
for l in lines:
    m = re.match(r'c?fn=\((\d+)\)(?: (.*))?', l)
    if m and m.group(2): names[m.group(1)] = m.group(2)
def name(tok):
    m = re.match(r'\((\d+)\)(?: (.*))?', tok)
    return names.get(m.group(1), '') if m else tok
n = 0
for i, l in enumerate(lines):
    if l.startswith('cfn=') and entry in name(l[4:]):
        for j in range(i + 1, min(i + 4, len(lines))):
            if lines[j].startswith('calls='):
                n += int(lines[j].split()[0][6:])
                break
cur, own, callees, pending, ncalls, expect = None, 0, [], None, 0, False
for l in lines:
    if l.startswith('fn='):
        cur = name(l[3:])
        continue
    if cur is None or bench not in cur or "'" in cur:
        continue
    if l.startswith('cfn='):
        pending = name(l[4:])
    elif l.startswith('calls='):
        ncalls, expect = int(l.split()[0][6:]), True
    elif l and (l[0].isdigit() or l[0] in '+-*'):
        c = int(l.split()[-1]) if len(l.split()) >= 2 else 0
        if expect:
            callees.append((ncalls, c))
            expect = False
        else:
            own += c
print(round((own + sum(c for k, c in callees if k >= n / 2)) / n, 1))
PY
}
host_to_wasm() {  # BENCH ENTRY [TIER]: no TIER for the C API benchmarks (interpreter only)
  local filter="^BM_$1\$" label=$1
  if [ $# -ge 3 ]; then filter="^BM_$1/opt:$3\$"; label="$1/opt:$3"; fi
  run "$em" "$filter" 0.03 "$tmp/e.out"
  echo "$label: $(per_call "$tmp/e.out" "::BM_$1(" "$2") instructions per call"
}
wasm_to_host() {  # BENCH ENTRY [TIER]
  local filter="^BM_$1/100000\$" label=$1
  if [ $# -ge 3 ]; then filter="^BM_$1/n:100000/opt:$3\$"; label="$1/opt:$3"; fi
  run "$em" "$filter" 0.01 "$tmp/e1.out"
  local i n
  i=$(inclusive "$tmp/e1.out" "$2")
  n=$(calls "$tmp/e1.out" "$2")
  echo "$label: $(python3 -c "print(round($i / $n / 100000, 1))") instructions per call"
}
for t in $tiers; do
  host_to_wasm TypedFuncNop "Func::CallUnchecked(" "$t"
  host_to_wasm TypedFuncAdd "Func::CallUnchecked(" "$t"
  host_to_wasm FuncCallAdd "nw::Func::Call(nw::Store&, std::span<nw::Val const" "$t"
  wasm_to_host WasmToHostTyped "Func::CallUnchecked(" "$t"
  wasm_to_host WasmToHostRaw "Func::CallUnchecked(" "$t"
  wasm_to_host WasmToHostRawWords "Func::CallUnchecked(" "$t"
done
host_to_wasm CApiCallNop "wasm_func_call"
host_to_wasm CApiCallAdd "wasm_func_call"
wasm_to_host CApiWasmToHost "wasm_func_call"

#!/usr/bin/env bash
# `nanowasm run` on WASI 0.2 command components: the preview1 guests of this folder wrapped by
# jco's preview1 command adapter (guests_p2/, built when jco is found). The same options as for
# a core module: grants on the command line and nothing else, argv and --env, the exit status,
# --dir / --dir-ro, --timeout waking a guest blocked in the host, and a tree walk whose output
# must equal the native build's. Differences that come from the adapter, not the host: a
# preview1 proc_exit(N != 0) becomes wasi:cli/exit's err (status 1); the adapter has no sockets.
#   run_cli_p2_test.sh NANOWASM P2_GUEST_DIR TREE_SUM_NATIVE
set -u
nw=$1 guests=$2 tree_native=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {  # NAME STATUS DETAIL
  if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: $3"; fi
}
cd "$tmp"

# 1. Same output as the native build, reading a read-only grant and writing a report.
mkdir -p data/sub/deeper out
printf 'alpha\n' > data/a.txt
printf 'beta beta\n' > data/sub/b.txt
head -c 100000 /dev/zero | tr '\0' 'z' > data/sub/deeper/big.bin
: > data/empty
"$tree_native" data native_report.txt > native_stdout.txt
"$nw" run --dir-ro data --dir out "$guests/tree_sum.wasm" data out/report.txt > wasm_stdout.txt 2> wasm_stderr.txt
rc=$?
[ $rc -eq 0 ] && cmp -s native_stdout.txt wasm_stdout.txt && cmp -s native_report.txt out/report.txt
check "tree_sum identical to native" $? "rc=$rc $(cat wasm_stderr.txt; diff native_stdout.txt wasm_stdout.txt)"

# 2. argv reaches the guest; a nonzero exit is status 1 through the adapter, zero is 0.
out=$("$nw" run "$guests/args_env.wasm" 42 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"arg[1]=42"* ]]
check "argv and exit(42) -> 1" $? "rc=$rc out=$out"
out=$("$nw" run "$guests/args_env.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"argc=1"* ]]
check "exit 0" $? "rc=$rc out=$out"

# 3. A trap: status 134 and the trap on stderr.
"$nw" run "$guests/args_env.wasm" trap > trap_out.txt 2> trap_err.txt; rc=$?
[ $rc -eq 134 ] && grep -q "unreachable" trap_err.txt
check "trap" $? "rc=$rc err=$(cat trap_err.txt)"

# 4. Environment: only what --env names.
out=$(NW_HOST_ONLY=secret NW_PASSED=fromhost "$nw" run --env FOO=bar --env NW_PASSED \
      "$guests/args_env.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -c '^env ')" -eq 2 ] &&
  [[ "$out" == *"env FOO=bar"* ]] && [[ "$out" == *"env NW_PASSED=fromhost"* ]] &&
  [[ "$out" != *secret* ]]
check "env" $? "rc=$rc out=$out"

# 5. No --dir: no file system at all.
mkdir nogrant && cd nogrant
out=$("$nw" run "$guests/files.wasm" 2>&1); rc=$?
cd ..
[ $rc -eq 1 ] && [ -z "$(ls -A nogrant)" ]
check "no grant, no files" $? "rc=$rc out=$out"

# 6. --dir-ro: the guest cannot create anything.
mkdir rodir && printf 'keep\n' > rodir/k
out=$("$nw" run --dir-ro rodir::. "$guests/files.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(ls -A rodir)" = "k" ] && [ "$(cat rodir/k)" = "keep" ]
check "read-only grant" $? "rc=$rc out=$out"

# 7. --timeout stops a guest blocked in the host (wasi:io/poll, a stdin read): within 3 s over
# twice what a run of the same guest that exits at once takes (start-up: on the opt tier that
# includes compiling the component's modules, 2.4 s once and 4.9 s the next on a loaded
# machine), far below the hang a missing wake-up would be.
mkfifo never && exec 4<>never
t0=$(date +%s%N)
"$nw" run "$guests/args_env.wasm" > /dev/null 2>&1
base=$(( ($(date +%s%N) - t0) / 1000000 ))
for mode in sleep read; do
  t0=$(date +%s%N)
  "$nw" run --timeout 200ms "$guests/args_env.wasm" $mode < never > /dev/null 2> timeout_err.txt; rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ $rc -ne 0 ] && grep -q "interrupted" timeout_err.txt && [ $ms -lt $((2 * base + 3000)) ] &&
    [ $ms -ge 190 ]
  check "--timeout 200ms wakes $mode" $? "rc=$rc ${ms} ms (start-up ${base} ms) err=$(cat timeout_err.txt)"
done
exec 4>&-

# 8. --invoke is for core modules: a component runs its wasi:cli/run export.
"$nw" run --invoke x "$guests/args_env.wasm" > /dev/null 2> inv_err.txt; rc=$?
[ $rc -eq 1 ] && grep -q "wasi:cli/run" inv_err.txt
check "--invoke refused for components" $? "rc=$rc err=$(cat inv_err.txt)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

#!/usr/bin/env bash
# End-to-end checks of `nanowasm run` with WASI guests: grants on the command line and nothing
# else, exit status = proc_exit code, traps (134 + backtrace on stderr), --env, --dir-ro, a TCP
# echo over --listen, --timeout waking a guest blocked in the host, and a tree-walking program
# whose output must equal its native build's, and `caps` on the guests.
#   run_cli_test.sh NANOWASM GUEST_DIR TREE_SUM_NATIVE
set -u
nw=$1 guests=$2 tree_native=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null' EXIT
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

# 2. Exit status is the guest's exit code; argv reaches the guest.
out=$("$nw" run "$guests/args_env.wasm" 42 2>&1); rc=$?
[ $rc -eq 42 ] && [[ "$out" == *"arg[1]=42"* ]]
check "exit code" $? "rc=$rc out=$out"

# 3. A trap: status 134, the trap kind and a backtrace on stderr.
"$nw" run "$guests/args_env.wasm" trap > trap_out.txt 2> trap_err.txt; rc=$?
[ $rc -eq 134 ] && grep -q "unreachable" trap_err.txt && grep -q "#0" trap_err.txt
check "trap" $? "rc=$rc err=$(cat trap_err.txt)"

# 4. Environment: only what --env names; bare NAME copies the host value.
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

# 7. --listen with port 0 prints the address; an echo round trip over it.
"$nw" run --listen 127.0.0.1:0 "$guests/tcp_echo.wasm" > echo_out.txt 2> echo_err.txt &
srv=$!
for _ in $(seq 100); do grep -q 'listening on' echo_err.txt 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' echo_err.txt)
reply=""
if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  printf 'ping over wasi\n' >&3
  read -r -t 10 reply <&3
  exec 3>&-
fi
wait "$srv"; rc=$?; srv=""
[ "$reply" = "ping over wasi" ]
check "tcp echo" $? "port=$port reply=$reply rc=$rc err=$(cat echo_err.txt) out=$(cat echo_out.txt)"

# 8. --timeout stops a guest blocked in the host: an hour-long sleep (poll_oneoff) and a read of
# a stdin that never gets data (a FIFO held open here) end with the interrupted trap: within 3 s
# over twice what a run of the same guest that exits at once takes (start-up: on the opt tier
# that includes compiling the guest, whose time varies by seconds on a loaded machine).
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

# 9. Bad options are usage errors.
"$nw" run --dir "$guests/args_env.wasm" > /dev/null 2>&1; rc=$?
[ $rc -ne 0 ]
check "bad option" $? "rc=$rc"

# 10. caps on the real guests: the tree walker asks for the filesystem, not the network; the echo
# server for the network, not the filesystem's paths; adding the echo server's needs to the tree
# walker's is a failing --diff (exit 1), the other way round passes (exit 0).
out=$("$nw" caps "$guests/tree_sum.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *$'filesystem:\n'*"  open (wasi_snapshot_preview1::path_open)"* ]] &&
  [[ "$out" == *$'network: none\n'* ]] && [[ "$out" == *$'host: none\n'* ]] &&
  [[ "$out" == *$'\nunknown-wasi: none' ]]
check "caps tree_sum: filesystem, no network" $? "rc=$rc out=$out"
out=$("$nw" caps "$guests/tcp_echo.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"  accept (wasi_snapshot_preview1::sock_accept)"* ]] &&
  [[ "$out" != *"path_open"* ]]
check "caps tcp_echo: network" $? "rc=$rc out=$out"
out=$("$nw" caps "$guests/clocks_random.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"  time (wasi_snapshot_preview1::clock_time_get)"* ]] &&
  [[ "$out" == *$'random:\n  get (wasi_snapshot_preview1::random_get)\n'* ]]
check "caps clocks_random: clocks and random" $? "rc=$rc out=$out"
out=$("$nw" caps "$guests/args_env.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"  args (wasi_snapshot_preview1::args_get"* ]] &&
  [[ "$out" == *"  env (wasi_snapshot_preview1::environ_get"* ]] &&
  [[ "$out" == *"  exit (wasi_snapshot_preview1::proc_exit)"* ]]
check "caps args_env: environment and process" $? "rc=$rc out=$out"
if command -v python3 > /dev/null; then  # a JSON parser to check the output with
  for g in "$guests"/*.wasm; do
    "$nw" caps --json "$g" > caps.json 2>&1 && python3 -m json.tool caps.json > /dev/null
    check "caps --json $(basename "$g") is JSON" $? "$(head -c 300 caps.json)"
  done
else
  echo "SKIP: caps --json of every guest parsed as JSON: no python3 on this machine"
fi
out=$("$nw" caps --diff "$guests/tree_sum.wasm" "$guests/tcp_echo.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"+ network:accept"* ]] && [[ "$out" == *"- filesystem:open"* ]]
check "caps --diff tree_sum tcp_echo: more asked -> 1" $? "rc=$rc out=$out"
out=$("$nw" caps --diff "$guests/tree_sum.wasm" "$guests/tree_sum.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"0 capabilities added, 0 dropped"* ]]
check "caps --diff of a guest with itself -> 0" $? "rc=$rc out=$out"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

#!/usr/bin/env bash
# End-to-end checks of the nanowasm CLI: exit codes, the one-line error format, the Wasmtime
# spellings of `run` and their older aliases, --help/--version, and --invoke arguments read
# with the text format's literal syntax.
set -u
nw=$(realpath "$1")
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() {  # check NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: $3"; fi
}

# 1. A malformed binary: bad magic -> one line with the offset, exit 1.
printf '\x00asn\x01\x00\x00\x00' > "$tmp/badmagic.wasm"
out=$("$nw" validate "$tmp/badmagic.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"badmagic.wasm:0x"*": "* ]]
check "bad magic" $? "rc=$rc out=$out"

# 2. Truncated inside the type section: offset points at the end of input.
printf '\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x01\x7f' > "$tmp/trunc.wasm"
out=$("$nw" validate "$tmp/trunc.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"trunc.wasm:0x"* ]]
check "truncated" $? "rc=$rc out=$out"

# 3. An invalid module (i32.add on an empty stack) -> validation error with offset.
printf '(module (func (result i32) i32.add))' > "$tmp/invalid.wat"
"$nw" parse "$tmp/invalid.wat" -o "$tmp/invalid.wasm" --no-validate
out=$("$nw" validate "$tmp/invalid.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"invalid.wasm:0x"*"type mismatch"* ]]
check "invalid" $? "rc=$rc out=$out"

# 4. A text syntax error -> file:line:col.
printf '(module\n  (func (result i32) i32.const))' > "$tmp/syntax.wat"
out=$("$nw" validate "$tmp/syntax.wat" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"syntax.wat:2:"* ]]
check "text syntax error" $? "rc=$rc out=$out"

# 5. parse -> print -> parse gives the same binary.
"$nw" parse "$src/examples/sieve.wat" -o "$tmp/a.wasm" && "$nw" print "$tmp/a.wasm" > "$tmp/a.wat" &&
  "$nw" parse "$tmp/a.wat" -o "$tmp/b.wasm" && cmp -s "$tmp/a.wasm" "$tmp/b.wasm"
check "parse/print round trip" $? "binaries differ"

# 6. run prints the results.
out=$("$nw" run "$src/examples/fib.wat" --invoke fib 20 2>&1)
[ "$out" = "6765" ]
check "run fib" $? "out=$out"
out=$("$nw" run "$src/examples/sieve.wat" --invoke count_primes 100000 2>&1)
[ "$out" = "9592" ]
check "run sieve" $? "out=$out"

# 7. A trap: kind and a backtrace with function names, non-zero exit.
printf '(module (func $inner unreachable) (func $outer (export "go") call $inner))' > "$tmp/trap.wat"
out=$("$nw" run "$tmp/trap.wat" --invoke go 2>&1); rc=$?
[ $rc -ne 0 ] && [[ "$out" == *"unreachable"* ]] && [[ "$out" == *"inner"* ]] && [[ "$out" == *"outer"* ]]
check "trap backtrace" $? "rc=$rc out=$out"

# 7b. Backtrace positions: module offsets for a binary, file:line:col for a text module.
"$nw" parse "$tmp/trap.wat" -o "$tmp/trap.wasm"
# NW_CLI_TIER=opt (the cli-opt.* run): compiled outer frames carry no offset yet (issue 14,
# return-address maps), so there only the innermost frame's position is checked.
outer_bin='#1 outer @0x24' outer_text="#1 outer at $tmp/trap.wat:1:62"
if [ "${NW_CLI_TIER:-}" = opt ]; then
  outer_bin='#1 outer' outer_text='#1 outer'
  echo "SKIPPED (opt tier): outer frames' offsets not checked: compiled code has no return-address map yet"
fi
out=$("$nw" run "$tmp/trap.wasm" --invoke go 2>&1)
[[ "$out" == *"#0 inner @0x20"* ]] && [[ "$out" == *"$outer_bin"* ]]
check "trap offsets (binary)" $? "out=$out"
out=$("$nw" run "$tmp/trap.wat" --invoke go 2>&1)
[[ "$out" == *"#0 inner at $tmp/trap.wat:1:22"* ]] && [[ "$out" == *"$outer_text"* ]]
check "trap positions (text)" $? "out=$out"

# 8. Limits: an infinite loop is stopped by --fuel and by --timeout; --max-memory caps growth.
printf '(module (memory 1) (func (export "spin") (loop $l (br $l)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))' > "$tmp/spin.wat"
out=$(timeout 20 "$nw" run --fuel 1000000 --invoke spin "$tmp/spin.wat" 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"all fuel consumed"* ]] && [[ "$out" == *"spin"* ]]
check "fuel stops a loop" $? "rc=$rc out=$out"
out=$(timeout 20 "$nw" run --timeout 200ms --invoke spin "$tmp/spin.wat" 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"interrupted"* ]]
check "timeout stops a loop" $? "rc=$rc out=$out"
out=$("$nw" run --max-memory 2MiB --invoke grow "$tmp/spin.wat" 31 2>&1)
[ "$out" = "1" ]
check "max-memory allows growth to the cap" $? "out=$out"
out=$("$nw" run --max-memory 2MiB --invoke grow "$tmp/spin.wat" 32 2>&1)
[ "$out" = "-1" ]
check "max-memory denies growth past the cap" $? "out=$out"

# 9. --canonical-nans: 0/0 is x86's default NaN (negative) unless canonicalized.
printf '(module (func (export "nan") (param f32) (result i32)
  (i32.reinterpret_f32 (f32.div (local.get 0) (local.get 0)))))' > "$tmp/nan.wat"
out=$("$nw" run --invoke nan "$tmp/nan.wat" 0 2>&1)
[ "$out" = "-4194304" ]
check "hardware NaN by default" $? "out=$out"
out=$("$nw" run --canonical-nans --invoke nan "$tmp/nan.wat" 0 2>&1)
[ "$out" = "2143289344" ]
check "--canonical-nans gives the canonical NaN" $? "out=$out"

# 9b. A load whose value is never used still traps out of bounds, on every tier by default
# (the opt tier's guard regions included); the opt-in --opt-relaxed-traps is accepted (it
# may or may not trap: the documented deviation), exit 0 or 134, never a crash.
printf '(module (memory 1) (func (export "dead") (param i32) (result i32) (local i32)
  (local.set 1 (i32.load (local.get 0))) (i32.const 7)))' > "$tmp/dead.wat"
out=$("$nw" run --invoke dead "$tmp/dead.wat" 65536 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"out of bounds memory access"* ]]
check "an unused out-of-bounds load traps" $? "rc=$rc out=$out"
out=$("$nw" run --opt-relaxed-traps --invoke dead "$tmp/dead.wat" 65536 2>&1); rc=$?
[ $rc -eq 0 ] || [ $rc -eq 134 ]
check "--opt-relaxed-traps is accepted" $? "rc=$rc out=$out"
out=$("$nw" run -W opt-relaxed-traps=n --invoke dead "$tmp/dead.wat" 100 2>&1)
[ "$out" = "7" ]
check "-W opt-relaxed-traps=n" $? "out=$out"
# 9c. --opt-tiering (read on every tier; the opt tier runs a first tier, then O2): the same
# result and the same trap whatever the choice; anything but on/off/auto is a usage error.
for w in on off auto; do
  out=$("$nw" run --opt-tiering "$w" --invoke dead "$tmp/dead.wat" 100 2>&1)
  [ "$out" = "7" ]
  check "--opt-tiering $w" $? "out=$out"
done
out=$("$nw" run -W opt-tiering=on --invoke dead "$tmp/dead.wat" 65536 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"out of bounds memory access"* ]] && [[ "$out" == *"#0 dead"* ]]
check "-W opt-tiering=on: a first-tier trap and its backtrace" $? "rc=$rc out=$out"
out=$("$nw" run --opt-tiering sometimes --invoke dead "$tmp/dead.wat" 1 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"expected on, off or auto"* ]]
check "--opt-tiering sometimes is refused" $? "rc=$rc out=$out"


# 10. --version and -V print the name and CMake's project version.
want="nanowasm $(sed -n 's/^project(nanowasm VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")"
for flag in --version -V; do
  out=$("$nw" $flag 2>&1); rc=$?
  [ $rc -eq 0 ] && [ "$out" = "$want" ] && [ "$want" != "nanowasm " ]
  check "$flag" $? "rc=$rc out=$out want=$want"
done

# 11. `nanowasm FILE ...` runs like `nanowasm run FILE ...`, options first or not.
out=$("$nw" "$src/examples/fib.wat" --invoke fib 20 2>&1)
[ "$out" = "6765" ]
check "implicit run, FILE --invoke" $? "out=$out"
out=$("$nw" --invoke fib "$src/examples/fib.wat" 20 2>&1)
[ "$out" = "6765" ]
check "implicit run, --invoke FILE" $? "out=$out"
out=$("$nw" run -- "$src/examples/fib.wat" --invoke fib 20 2>&1)
[ "$out" = "6765" ]
check "run -- FILE" $? "out=$out"

# 12. Wasmtime's -W spellings and their older aliases do the same.
out=$(timeout 20 "$nw" -W fuel=1000000 --invoke spin "$tmp/spin.wat" 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"all fuel consumed"* ]]
check "-W fuel=N" $? "rc=$rc out=$out"
out=$(timeout 20 "$nw" run --wasm=fuel=1_000_000 --invoke spin "$tmp/spin.wat" 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"all fuel consumed"* ]]
check "--wasm=fuel=N (text-format number)" $? "rc=$rc out=$out"
out=$(timeout 20 "$nw" -W timeout=200ms --invoke spin "$tmp/spin.wat" 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"interrupted"* ]]
check "-W timeout=200ms" $? "rc=$rc out=$out"
out=$(timeout 20 "$nw" -W timeout=1 --invoke spin "$tmp/spin.wat" 2>&1); rc=$?
[ $rc -eq 134 ] && [[ "$out" == *"interrupted"* ]]
check "-W timeout=1 (plain seconds, as Wasmtime)" $? "rc=$rc out=$out"
for spec in "-W max-memory-size=2097152" "-W max-memory-size=2MiB" "--max-memory 2097152" \
            "-W fuel=100000,max-memory-size=0x200000"; do
  out=$("$nw" $spec --invoke grow "$tmp/spin.wat" 31 2>&1)
  out2=$("$nw" $spec --invoke grow "$tmp/spin.wat" 32 2>&1)
  [ "$out" = "1" ] && [ "$out2" = "-1" ]
  check "$spec caps memory at 32 pages" $? "out=$out out2=$out2"
done
out=$("$nw" -W nan-canonicalization --invoke nan "$tmp/nan.wat" 0 2>&1)
[ "$out" = "2143289344" ]
check "-W nan-canonicalization" $? "out=$out"
out=$("$nw" --canonical-nans -W nan-canonicalization=n --invoke nan "$tmp/nan.wat" 0 2>&1)
[ "$out" = "-4194304" ]
check "-W nan-canonicalization=n overrides --canonical-nans" $? "out=$out"
printf '(module (table 1 funcref)
  (func (export "tgrow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))' > "$tmp/table.wat"
out=$("$nw" -W max-table-elements=10 --invoke tgrow "$tmp/table.wat" 9 2>&1)
out2=$("$nw" -W max-table-elements=10 --invoke tgrow "$tmp/table.wat" 10 2>&1)
[ "$out" = "1" ] && [ "$out2" = "-1" ]
check "-W max-table-elements" $? "out=$out out2=$out2"
out=$("$nw" -W max-table-elements=10,trap-on-grow-failure --invoke tgrow "$tmp/table.wat" 10 2>&1); rc=$?
[ $rc -eq 134 ]
check "-W trap-on-grow-failure" $? "rc=$rc out=$out"

# 13. WASI options: -S inherit-env, --env NAME[=VAL] on top, --dir HOST[::GUEST], --argv0,
# -S tcplisten / --listen; -S inherit-network is refused.
cat > "$tmp/wasi.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start"))
  (func (export "argv_bytes") (result i32) (drop (call $args (i32.const 0) (i32.const 4))) (i32.load (i32.const 4)))
  (func (export "env_count") (result i32) (drop (call $env (i32.const 0) (i32.const 4))) (i32.load (i32.const 0)))
  (func (export "env_bytes") (result i32) (drop (call $env (i32.const 0) (i32.const 4))) (i32.load (i32.const 4)))
  ;; the guest name length of preopen fd 3, or -errno
  (func (export "dir3_name_len") (result i32) (local $e i32)
    (local.set $e (call $prestat (i32.const 3) (i32.const 8)))
    (if (result i32) (local.get $e) (then (i32.sub (i32.const 0) (local.get $e))) (else (i32.load (i32.const 12))))))
WAT
out=$(env -i A=1 B=22 "$nw" -S inherit-env --invoke env_bytes "$tmp/wasi.wat" 2>&1)
[ "$out" = "9" ]  # "A=1\0B=22\0"
check "-S inherit-env" $? "out=$out"
out=$(env -i A=1 B=22 "$nw" -S inherit-env --env A=333 --env C --env D=4 --invoke env_bytes "$tmp/wasi.wat" 2>&1)
[ "$out" = "15" ]  # "B=22\0A=333\0D=4\0" (C is not set on the host)
check "--env on top of -S inherit-env" $? "out=$out"
out=$(env -i A=1 B=22 "$nw" --env B --invoke env_count "$tmp/wasi.wat" 2>&1)
[ "$out" = "1" ]
check "no environment unless asked" $? "out=$out"
out=$(env -i A=1 "$nw" -S inherit-env=n --invoke env_count "$tmp/wasi.wat" 2>&1)
[ "$out" = "0" ]
check "-S inherit-env=n" $? "out=$out"
mkdir "$tmp/d"
out=$("$nw" --dir "$tmp/d::guestdir" --invoke dir3_name_len "$tmp/wasi.wat" 2>&1)
[ "$out" = "8" ]
check "--dir HOST::GUEST" $? "out=$out"
out=$(cd "$tmp" && "$nw" --dir d --invoke dir3_name_len "$tmp/wasi.wat" 2>&1)
[ "$out" = "1" ]
check "--dir HOST" $? "out=$out"
out=$("$nw" --invoke dir3_name_len "$tmp/wasi.wat" 2>&1)
[ "$out" = "-8" ]  # badf: nothing granted
check "no --dir, no fd 3" $? "out=$out"
out=$("$nw" --argv0 prog --invoke argv_bytes "$tmp/wasi.wat" 2>&1)
[ "$out" = "5" ]
check "--argv0" $? "out=$out"
for spec in "-S tcplisten=127.0.0.1:0" "--listen 127.0.0.1:0"; do
  out=$("$nw" $spec "$tmp/wasi.wat" 2>&1); rc=$?
  [ $rc -eq 0 ] && [[ "$out" == "nanowasm: listening on 127.0.0.1:"[1-9]* ]]
  check "$spec" $? "rc=$rc out=$out"
done
out=$("$nw" -S inherit-network "$tmp/wasi.wat" 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$(printf '%s\n' "$out" | head -n 1)" == *"-S inherit-network: not supported"* ]]
check "-S inherit-network refused" $? "rc=$rc out=$out"

# 14. --help on every command (and `help COMMAND`, -W help, -S help): the usage, exit 0.
for c in run wast validate parse print wit caps interp-dump; do
  for h in "$c --help" "$c -h" "help $c"; do
    out=$("$nw" $h 2>/dev/null); rc=$?
    [ $rc -eq 0 ] && [[ "$out" == *"usage: nanowasm "*"$c"* ]]
    check "$h" $? "rc=$rc out=$out"
  done
done
out=$("$nw" --help 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"usage: nanowasm [run]"* ]] && [[ "$out" == *interp-dump* ]]
check "--help" $? "rc=$rc"
out=$("$nw" run --help 2>/dev/null)
for o in --dir --dir-ro --env -S -W --invoke --argv0 --fuel --timeout --max-memory --canonical-nans --listen; do
  [[ "$out" == *" $o"* ]]
  check "run --help lists $o" $? ""
done
out=$("$nw" -W help 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"-W fuel=N"* ]] && [[ "$out" == *"-W timeout=DURATION"* ]] &&
  [[ "$out" == *"-W max-memory-size=BYTES"* ]]
check "-W help" $? "rc=$rc out=$out"
out=$("$nw" run -S help 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"-S inherit-env"* ]] && [[ "$out" == *"-S tcplisten=ADDR:PORT"* ]]
check "-S help" $? "rc=$rc out=$out"

# 15. An unknown or malformed option: one line naming it, then the usage; exit status 2.
usage_error() {  # usage_error NAME EXPECTED-IN-LINE-1 COMMAND...
  local name=$1 what=$2
  shift 2
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  [ $rc -eq 2 ] && [[ "$(printf '%s\n' "$out" | sed -n 1p)" == *"$what"* ]] &&
    [[ "$(printf '%s\n' "$out" | sed -n 2p)" == "usage: nanowasm "* ]]
  check "$name" $? "rc=$rc out=$out"
}
usage_error "run: unknown option" "unknown option --bogus" "$nw" run --bogus "$tmp/wasi.wat"
usage_error "implicit run: unknown option" "unknown option --bogus" "$nw" --bogus "$tmp/wasi.wat"
usage_error "wast: unknown option" "unknown option --bogus" "$nw" wast --bogus "$tmp/x.wast"
usage_error "validate: unknown option" "unknown option -x" "$nw" validate -x "$tmp/trap.wasm"
usage_error "validate: two files" "unexpected argument" "$nw" validate "$tmp/trap.wasm" "$tmp/trap.wasm"
usage_error "validate: no file" "FILE is required" "$nw" validate
usage_error "parse: no -o" "-o is required" "$nw" parse "$tmp/trap.wat"
usage_error "print: unknown option" "unknown option --bogus" "$nw" print --bogus "$tmp/trap.wasm"
usage_error "interp-dump: unknown option" "unknown option --bogus" "$nw" interp-dump --bogus "$tmp/trap.wasm"
usage_error "interp-dump: bad index" "FUNC_INDEX x" "$nw" interp-dump "$tmp/trap.wasm" x
usage_error "caps: unknown option" "unknown option --bogus" "$nw" caps --bogus "$tmp/trap.wasm"
usage_error "caps: no file" "FILE is required" "$nw" caps
usage_error "caps: two files without --diff" "unexpected argument" "$nw" caps "$tmp/trap.wasm" "$tmp/trap.wasm"
usage_error "caps --diff: one file" "--diff needs OLD and NEW" "$nw" caps --diff "$tmp/trap.wasm"
usage_error "run: no FILE" "missing FILE" "$nw" run
usage_error "--dir without a value" "--dir" "$nw" run --dir
usage_error "--dir with an empty GUEST" "--dir d::" "$nw" run --dir d:: "$tmp/wasi.wat"
usage_error "--env without a name" "--env =1" "$nw" run --env =1 "$tmp/wasi.wat"
usage_error "-W without a value" "--wasm: 1 required KEY" "$nw" run -W
usage_error "-W unknown key" "-W bogus=1: unknown -W option 'bogus'" "$nw" -W bogus=1 "$tmp/wasi.wat"
usage_error "-S unknown key" "-S bogus: unknown -S option 'bogus'" "$nw" -S bogus "$tmp/wasi.wat"
usage_error "-W fuel=abc" "-W fuel=abc: expected a number" "$nw" -W fuel=abc "$tmp/wasi.wat"
usage_error "-W fuel (no value)" "-W fuel: expected a number" "$nw" -W fuel "$tmp/wasi.wat"
usage_error "-W fuel=-1" "-W fuel=-1: expected a number" "$nw" -W fuel=-1 "$tmp/wasi.wat"
usage_error "--fuel 1.5" "--fuel 1.5: expected a number" "$nw" --fuel 1.5 "$tmp/wasi.wat"
usage_error "-W timeout=5parsecs" "-W timeout=5parsecs: expected a duration" "$nw" -W timeout=5parsecs "$tmp/wasi.wat"
usage_error "--timeout 1.2.3s" "--timeout 1.2.3s: expected a duration" "$nw" --timeout 1.2.3s "$tmp/wasi.wat"
usage_error "-W max-memory-size=lots" "-W max-memory-size=lots: expected a size" "$nw" -W max-memory-size=lots "$tmp/wasi.wat"
usage_error "--max-memory 99999999999999999999" "--max-memory 99999999999999999999: expected a size" "$nw" --max-memory 99999999999999999999 "$tmp/wasi.wat"
usage_error "-W nan-canonicalization=maybe" "-W nan-canonicalization=maybe: expected y or n" "$nw" -W nan-canonicalization=maybe "$tmp/wasi.wat"
usage_error "-W second of two keys" "-W timeout=x" "$nw" -W fuel=1,timeout=x "$tmp/wasi.wat"
usage_error "-W empty key" "-W =1: expected KEY[=VALUE]" "$nw" -W =1 "$tmp/wasi.wat"
usage_error "-S inherit-env=2" "-S inherit-env=2: expected y or n" "$nw" -S inherit-env=2 "$tmp/wasi.wat"
usage_error "-S tcplisten (no address)" "-S tcplisten: expected an address" "$nw" -S tcplisten "$tmp/wasi.wat"
usage_error "--invoke twice" "--invoke" "$nw" --invoke a --invoke b "$tmp/wasi.wat"

# 16. --invoke arguments are text-format literals: range-checked, every float form the CLI itself
# prints is accepted, and printed results parse back to the same bits.
printf '(module
  (func (export "id32") (param i32) (result i32) local.get 0)
  (func (export "id64") (param i64) (result i64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f32bits") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
  (func (export "bits_f32") (param i32) (result f32) (f32.reinterpret_i32 (local.get 0)))
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "f64bits") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  (func (export "v128") (param v128) (result v128) local.get 0)
  (func (export "ext") (param externref) (result externref) local.get 0)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))' > "$tmp/id.wat"
invoke_ok() {  # invoke_ok FUNC ARG EXPECTED
  local out
  out=$("$nw" --invoke "$1" "$tmp/id.wat" "$2" 2>&1)
  [ "$out" = "$3" ]
  check "--invoke $1 $2 -> $3" $? "out=$out"
}
invoke_err() {  # invoke_err FUNC ARG EXPECTED-IN-MESSAGE
  local out rc
  out=$("$nw" --invoke "$1" "$tmp/id.wat" "$2" 2>&1); rc=$?
  [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"$2"*"$3"* ]]
  check "--invoke $1 $2 is an error" $? "rc=$rc out=$out"
}
invoke_err id32 4294967297 "out of range for an i32"
invoke_err id32 -2147483649 "out of range for an i32"
invoke_err id32 12abc "not an i32 literal"
invoke_err id32 "" "not an i32 literal"
invoke_ok id32 4294967295 -1
invoke_ok id32 -2147483648 -2147483648
invoke_ok id32 0x7fffffff 2147483647
invoke_ok id32 1_000 1000
invoke_ok id64 18446744073709551615 -1
invoke_ok id64 -9223372036854775808 -9223372036854775808
invoke_err id64 18446744073709551616 "out of range for an i64"
invoke_ok f32 nan:0x200000 nan:0x200000
invoke_ok f32bits nan:0x200000 2141192192
invoke_ok f32bits -nan:0x1 -8388607
invoke_ok f32 0.1 0.1
invoke_ok f32bits 0.1 1036831949
invoke_ok f32 0x1p-3 0.125
invoke_ok f32 -inf -inf
invoke_err f32 1e39 "out of range for an f32"
invoke_err f32 nan:0x800000 "out of range for an f32"
invoke_err f32 0.1.2 "not an f32 literal"
invoke_ok f64 nan nan
invoke_ok f64bits nan:0x4 9218868437227405316
invoke_ok f64 -0 -0
invoke_ok f64 1e308 1e+308
invoke_ok f64bits 4.9e-324 1
invoke_ok v128 "i32x4 1 2 3 -1" "i32x4 0x00000001 0x00000002 0x00000003 0xffffffff"
invoke_ok v128 "f32x4 1.5 nan inf -0" "i32x4 0x3fc00000 0x7fc00000 0x7f800000 0x80000000"
invoke_ok v128 "i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 255" "i32x4 0x04030201 0x08070605 0x0c0b0a09 0xff0f0e0d"
invoke_ok v128 "i32x4 0x00000001 0x00000002 0x00000003 0xffffffff" "i32x4 0x00000001 0x00000002 0x00000003 0xffffffff"
invoke_err v128 "i64x2 1" "not a v128 literal"
invoke_err v128 "i16x8 1 2 3 4 5 6 7 65536" "out of range for an i16x8 lane"
invoke_ok ext "ref.null extern" "ref.null extern"
invoke_ok ext "ref.extern 7" "ref.extern 7"
out=$("$nw" --invoke add "$tmp/id.wat" -1 -2 2>&1)
[ "$out" = "-3" ]
check "--invoke with negative arguments" $? "out=$out"
out=$("$nw" --invoke add "$tmp/id.wat" 1 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"takes 2 arguments, 1 given"* ]]
check "--invoke argument count" $? "rc=$rc out=$out"
# Every value the CLI prints for a float reads back to the same bits.
for bits in 2141192192 4290772992 1 2139095040 8388607 1036831949 -2147483648 2139095041; do
  printed=$("$nw" --invoke bits_f32 "$tmp/id.wat" "$bits" 2>&1)
  back=$("$nw" --invoke f32bits "$tmp/id.wat" "$printed" 2>&1)
  [ "$back" = "$bits" ] || [ "$back" = "$((bits - 4294967296))" ]
  check "f32 bits $bits print/parse round trip (printed $printed)" $? "back=$back"
done

# 17. caps: the capabilities a module can ask for, grouped, as text and JSON; --diff exits 1 when
# NEW asks for more than OLD, 0 when not.
printf '(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
  (import "env" "notify" (func (param i32))))' > "$tmp/notify1.wat"
printf '(module
  (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_open" (func (param i32 i32 i32) (result i32)))
  (import "env" "notify" (func (param i32))))' > "$tmp/notify2.wat"
"$nw" parse "$tmp/notify1.wat" -o "$tmp/notify1.wasm" && "$nw" parse "$tmp/notify2.wat" -o "$tmp/notify2.wasm"
out=$("$nw" caps "$tmp/notify2.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *$'network:\n  send (wasi_snapshot_preview1::sock_send)\n'* ]] &&
  [[ "$out" == *$'clocks:\n  time (wasi_snapshot_preview1::clock_time_get)\n'* ]] &&
  [[ "$out" == *$'stdio:\n  write (wasi_unstable::fd_write)\n'* ]] &&
  [[ "$out" == *$'host:\n  env::notify: func (param i32)\n'* ]] &&
  [[ "$out" == *$'unknown-wasi:\n  wasi_snapshot_preview1::sock_open: func (param i32 i32 i32) (result i32)'* ]] &&
  [[ "$out" == *$'filesystem: none\n'* ]] && [[ "$out" == *$'random: none\n'* ]]
check "caps (text)" $? "rc=$rc out=$out"
out=$("$nw" caps --json "$tmp/notify1.wat" 2>&1); rc=$?
want='{"schema":"nanowasm-caps/1","file":"'"$tmp"'/notify1.wat","capabilities":[
  {"group":"clocks","name":"time","imports":[{"module":"wasi_snapshot_preview1","name":"clock_time_get","type":"func (param i32 i64 i32) (result i32)"}]},
  {"group":"stdio","name":"write","imports":[{"module":"wasi_snapshot_preview1","name":"fd_write","type":"func (param i32 i32 i32 i32) (result i32)"}]},
  {"group":"host","name":"notify","module":"env","type":"func (param i32)","imports":[{"module":"env","name":"notify","type":"func (param i32)"}]}
]}'
[ $rc -eq 0 ] && [ "$out" = "$want" ]
check "caps --json" $? "rc=$rc out=$out"
out=$("$nw" caps --diff "$tmp/notify1.wasm" "$tmp/notify2.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"+ network:send (wasi_snapshot_preview1::sock_send)"* ]] &&
  [[ "$out" == *"+ unknown-wasi:wasi_snapshot_preview1::sock_open:"* ]] && [[ "$out" != *"- "* ]] &&
  [[ "$out" != *"stdio"* ]] && [[ "$out" == *"notify2.wasm: 2 capabilities added, 0 dropped"* ]]
check "caps --diff: NEW asks for more -> exit 1" $? "rc=$rc out=$out"
out=$("$nw" caps --diff "$tmp/notify2.wasm" "$tmp/notify1.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"- network:send"* ]] && [[ "$out" != *"+ "* ]] &&
  [[ "$out" == *"0 capabilities added, 2 dropped"* ]]
check "caps --diff: NEW drops -> exit 0" $? "rc=$rc out=$out"
out=$("$nw" caps --diff --json "$tmp/notify1.wasm" "$tmp/notify2.wasm" 2>/dev/null); rc=$?
[ $rc -eq 1 ] && [[ "$out" == '{"schema":"nanowasm-caps-diff/1",'*'"added":['*'"name":"send"'*'"dropped":[]}' ]]
check "caps --diff --json" $? "rc=$rc out=$out"
out=$("$nw" caps "$tmp/badmagic.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"badmagic.wasm:0x"*": "* ]]
check "caps: malformed module" $? "rc=$rc out=$out"
out=$("$nw" caps --diff "$tmp/notify1.wasm" "$tmp/trunc.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"trunc.wasm:0x"* ]]
check "caps --diff: malformed NEW" $? "rc=$rc out=$out"

# 18. caps on components (binaries written here byte by byte: each NAME imported as a resource
# type, which needs no type section): WASI 0.2 interfaces by group, a version bump is no change.
component_importing() {  # component_importing OUT NAME...
  local out=$1 fmt="" n len
  shift
  for n in "$@"; do fmt+='\x00'$(printf '\\x%02x' ${#n})$n'\x03\x01'; done
  len=$(( $(printf "$fmt" | wc -c) + 1 ))
  { printf '\x00asm\x0d\x00\x01\x00\x0a'; printf "$(printf '\\x%02x\\x%02x' $len $#)"; printf "$fmt"; } > "$out"
}
component_importing "$tmp/comp1.wasm" 'wasi:filesystem/types@0.2.0' 'wasi:cli/stdout@0.2.0' logger
component_importing "$tmp/comp2.wasm" 'wasi:filesystem/types@0.2.2' 'wasi:cli/stdout@0.2.0' 'wasi:sockets/tcp@0.2.0'
out=$("$nw" caps "$tmp/comp1.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *$'filesystem:\n  wasi:filesystem/types (wasi:filesystem/types@0.2.0)\n'* ]] &&
  [[ "$out" == *$'stdio:\n  wasi:cli/stdout (wasi:cli/stdout@0.2.0)\n'* ]] &&
  [[ "$out" == *$'host:\n  logger: type\n'* ]] && [[ "$out" == *$'network: none\n'* ]]
check "caps of a component" $? "rc=$rc out=$out"
out=$("$nw" caps --diff "$tmp/comp1.wasm" "$tmp/comp2.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"+ network:wasi:sockets/tcp (wasi:sockets/tcp@0.2.0)"* ]] &&
  [[ "$out" == *"- host:logger: type"* ]] && [[ "$out" != *"filesystem"* ]]
check "caps --diff of components: NEW asks for more -> exit 1" $? "rc=$rc out=$out"
out=$("$nw" caps --diff "$tmp/comp2.wasm" "$tmp/comp1.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"+ host:logger: type"* ]] && [[ "$out" == *"- network:wasi:sockets/tcp"* ]]
check "caps --diff of components: a new host import -> exit 1" $? "rc=$rc out=$out"
component_importing "$tmp/comp3.wasm" 'wasi:filesystem/types@0.2.1'
out=$("$nw" caps --diff "$tmp/comp1.wasm" "$tmp/comp3.wasm" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"0 capabilities added, 2 dropped"* ]]
check "caps --diff of components: fewer -> exit 0" $? "rc=$rc out=$out"
printf '\x00asm\x0d\x00\x01\x00\x0a\x05\x01\x00' > "$tmp/comptrunc.wasm"
out=$("$nw" caps "$tmp/comptrunc.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"comptrunc.wasm:0x"*": "* ]]
check "caps: malformed component" $? "rc=$rc out=$out"

# 19. Components in the text format for validate / print / wit; wit refuses a core module.
printf '(component\n  (import "host" (instance (export "log" (func (param "msg" string)))))\n  (core module $M (func (export "f") (result i32) (i32.const 1)))\n  (core instance $i (instantiate $M))\n  (func $f (result u32) (canon lift (core func $i "f")))\n  (export "answer" (func $f)))\n' > "$tmp/comp.wat"
out=$("$nw" validate "$tmp/comp.wat" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
check "validate: component text" $? "rc=$rc out=$out"
out=$("$nw" print "$tmp/comp.wat" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == "(component"*'(core instance $i (instantiate $M))'* ]] &&
  [[ "$out" == *'(canon lift (core func 0) (func $f (type 1)))'* ]] &&
  [[ "$out" == *'(export (;1;) "answer" (func $f)))' ]]
check "print: component text" $? "rc=$rc out=$out"
# parse -> print -> parse of a component gives the same binary; print of a truncated one fails
# in one line with the offset.
"$nw" parse "$tmp/comp.wat" -o "$tmp/comp.wasm" && "$nw" print "$tmp/comp.wasm" > "$tmp/comp2.wat" &&
  "$nw" parse "$tmp/comp2.wat" -o "$tmp/comp2.wasm" && cmp -s "$tmp/comp.wasm" "$tmp/comp2.wasm"
check "component parse/print round trip" $? "binaries differ"
out=$("$nw" print "$tmp/comptrunc.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"comptrunc.wasm:0xc: unexpected end-of-file" ]]
check "print: malformed component" $? "rc=$rc out=$out"
out=$("$nw" wit "$tmp/comp.wat" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *$'  import host: interface {\n    log: func(msg: string);\n  }\n\n  export answer: func() -> u32;\n}'* ]]
check "wit: component text" $? "rc=$rc out=$out"
printf '(component\n  (export "x" (func 3)))' > "$tmp/compinv.wat"
out=$("$nw" validate "$tmp/compinv.wat" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"compinv.wat (text):0x"*"out of bounds"* ]]
check "validate: invalid component text" $? "rc=$rc out=$out"
out=$("$nw" parse "$tmp/compinv.wat" -o "$tmp/compinv.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"compinv.wat (text):0x"*"out of bounds"* ]] && [ ! -e "$tmp/compinv.wasm" ] &&
  "$nw" parse --no-validate "$tmp/compinv.wat" -o "$tmp/compinv.wasm" && "$nw" print "$tmp/compinv.wasm" |
  grep -q '(export (;0;) "x" (func 3))'
check "parse: invalid component text refused, written with --no-validate" $? "rc=$rc out=$out"
printf '(component\n  (bogus))' > "$tmp/compsyn.wat"
out=$("$nw" wit "$tmp/compsyn.wat" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"compsyn.wat:2:4: "* ]]
check "wit: component syntax error -> line:col" $? "rc=$rc out=$out"
out=$("$nw" wit "$tmp/comptrunc.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *"comptrunc.wasm:0x"*": "* ]]
check "wit: malformed component" $? "rc=$rc out=$out"
out=$("$nw" wit "$tmp/trap.wasm" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"not a component"* ]]
check "wit: a core module has no world" $? "rc=$rc out=$out"

# 20. --tier: interp (default) or opt; opt gives the same results where it is built, and a
# build without it (no LLVM 19) refuses it in one line.
usage_error "--tier bogus" "--tier bogus: expected interp or opt" "$nw" --tier bogus "$tmp/wasi.wat"
printf '(module (func (export "f") (param i32) (result i32)
  (i32.div_s (i32.const 84) (local.get 0))))' > "$tmp/tier.wat"
printf '(module (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
(assert_return (invoke "f" (i32.const 21)) (i32.const 42))
(assert_trap (module (func $t unreachable) (start $t)) "unreachable")' > "$tmp/tier.wast"
out=$("$nw" run --tier opt --invoke f "$tmp/tier.wat" 2 2>&1); rc=$?
if [[ "$out" == *"built without the opt tier"* ]]; then
  [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | grep -c .)" -le 4 ]
  check "--tier opt without LLVM: one clear refusal" $? "rc=$rc out=$out"
  echo "SKIPPED: the opt tier is not built; --tier opt runs not checked"
else
  [ $rc -eq 0 ] && [ "$out" = "42" ]
  check "run --tier opt --invoke" $? "rc=$rc out=$out"
  out=$("$nw" run --tier opt --invoke f "$tmp/tier.wat" 0 2>&1); rc=$?
  [ $rc -eq 134 ] && [[ "$out" == *"integer divide by zero"* ]] && [[ "$out" == *"#0 "* ]]
  check "run --tier opt: a trap with its backtrace" $? "rc=$rc out=$out"
  out=$("$nw" wast --tier opt "$tmp/tier.wast" 2>&1); rc=$?
  [ $rc -eq 0 ] && [[ "$out" == *"2 passed, 0 failed"* ]]
  check "wast --tier opt" $? "rc=$rc out=$out"
  # Fuel: the opt tier charges as the interpreter does (4 units for this call): the same
  # result with enough, the same trap and backtrace with one unit less.
  out=$("$nw" run --tier opt --fuel 4 --invoke f "$tmp/tier.wat" 2 2>&1); rc=$?
  [ $rc -eq 0 ] && [ "$out" = "42" ]
  check "run --tier opt --fuel: enough" $? "rc=$rc out=$out"
  out=$("$nw" run --tier opt --fuel 3 --invoke f "$tmp/tier.wat" 2 2>&1); rc=$?
  out_interp=$("$nw" run --tier interp --fuel 3 --invoke f "$tmp/tier.wat" 2 2>&1)
  [ $rc -eq 134 ] && [[ "$out" == *"all fuel consumed"* ]] && [ "$out" = "$out_interp" ]
  check "run --tier opt --fuel: out of fuel as the interpreter" $? "rc=$rc out=$out interp=$out_interp"
fi

# `nanowasm [run] FILE ARGS...` with no option before FILE skips CLI11 (main.cc): the guest sees
# the same argv as when CLI11 parses the command line, whatever the arguments look like, and
# the spectest module (defined only for a module that imports from it) still links.
cat > "$tmp/echo.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  ;; prints argv with each NUL as '|'
  (func (export "_start") (local $i i32) (local $n i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 1024) (i32.const 4096)))
    (local.set $n (i32.load (i32.const 4)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.load8_u (i32.add (i32.const 4096) (local.get $i))))
        (then (i32.store8 (i32.add (i32.const 4096) (local.get $i)) (i32.const 124))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store (i32.const 16) (i32.const 4096))
    (i32.store (i32.const 20) (local.get $n))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
WAT
for args in "a b" "--help -V" "-- x -- y" "-W fuel=1 --invoke" "run wast ''"; do
  fast=$(cd "$tmp" && eval "\"$nw\" echo.wat $args" 2>&1)
  fast_run=$(cd "$tmp" && eval "\"$nw\" run echo.wat $args" 2>&1)
  parsed=$(cd "$tmp" && eval "\"$nw\" run -- echo.wat $args" 2>&1)
  parsed_argv0=$(cd "$tmp" && eval "\"$nw\" run --argv0 echo.wat echo.wat $args" 2>&1)
  expected="echo.wat|$(eval "printf '%s|' $args")"
  [ "$fast" = "$expected" ] && [ "$fast_run" = "$expected" ] && [ "$parsed" = "$expected" ] &&
    [ "$parsed_argv0" = "$expected" ]
  check "run FILE $args: argv as parsed" $? "fast=$fast run=$fast_run parsed=$parsed expected=$expected"
done
out=$("$nw" "$tmp/missing.wasm" 2>&1); rc=$?
out_parsed=$("$nw" run -- "$tmp/missing.wasm" 2>&1)
[ $rc -eq 1 ] && [ "$out" = "$out_parsed" ] && [[ "$out" == *"missing.wasm: No such file"* ]]
check "run FILE: a missing file as parsed" $? "rc=$rc out=$out parsed=$out_parsed"
printf '(module (import "spectest" "print_i32" (func $p (param i32)))\n (func (export "_start") (call $p (i32.const 1))))' > "$tmp/spectest.wat"
out=$("$nw" "$tmp/spectest.wat" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
check "run: a module importing spectest links" $? "rc=$rc out=$out"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

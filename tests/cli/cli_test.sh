#!/usr/bin/env bash
# End-to-end checks of the nanowasm CLI: exit codes and the one-line error format.
set -u
nw=$1
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
out=$("$nw" run "$tmp/trap.wasm" --invoke go 2>&1)
[[ "$out" == *"#0 inner @0x20"* ]] && [[ "$out" == *"#1 outer @0x24"* ]]
check "trap offsets (binary)" $? "out=$out"
out=$("$nw" run "$tmp/trap.wat" --invoke go 2>&1)
[[ "$out" == *"#0 inner at $tmp/trap.wat:1:22"* ]] && [[ "$out" == *"#1 outer at $tmp/trap.wat:1:62"* ]]
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

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

#!/usr/bin/env bash
# End-to-end checks of `nanowasm run --manifest` and `caps --manifest` with small text modules
# (no toolchain needed): calls through the tree, a string copied into a child, a widening
# refused in one line (exit 1), limits (-W fuel, -W timeout) reaching into children, manifest
# errors, usage errors. The C-guest stories are examples/tree/tree_demo.sh (tree.examples).
set -u
nw=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
pass=0
fail=0
check() {  # check NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: $3"; fi
}
mkdir data
cat > app.wat <<'W'
(module
  (import "lib" "add" (func $add (param i32 i32) (result i32)))
  (import "lib" "len" (func $len (param i32 i32) (result i32)))
  (import "lib" "spin" (func $spin))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello")
  (func (export "sum") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "strlen") (result i32) (call $len (i32.const 100) (i32.const 5)))
  (func (export "spin") (call $spin)))
W
cat > lib.wat <<'W'
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; the length, checked against the copied bytes: 'h' must be at the pointer
  (func (export "len") (param i32 i32) (result i32)
    (if (result i32) (i32.eq (i32.load8_u (local.get 0)) (i32.const 104))
      (then (local.get 1)) (else (i32.const -1))))
  (func (export "spin") (loop $l (br $l))))
W
cat > ok.toml <<'T'
[nodes.app]
module = "app.wat"
[nodes.library]
module = "lib.wat"
parent = "app"
import = "lib"
strings = ["len"]
T

out=$("$nw" run --manifest ok.toml --invoke sum 40 2 2>&1); rc=$?
[ $rc = 0 ] && [ "$out" = 42 ]
check "call through the tree" $? "rc=$rc out=$out"
out=$("$nw" run --manifest ok.toml --invoke strlen 2>&1); rc=$?
[ $rc = 0 ] && [ "$out" = 5 ]
check "string copied into the child" $? "rc=$rc out=$out"
out=$("$nw" run -W fuel=100000 --manifest ok.toml --invoke spin 2>&1); rc=$?
[ $rc = 134 ] && [[ $out == *"all fuel consumed"* ]]
check "fuel reaches the child" $? "rc=$rc out=$out"
out=$("$nw" run -W timeout=100ms --manifest ok.toml --invoke spin 2>&1); rc=$?
[ $rc = 134 ] && [[ $out == *"interrupted"* ]]
check "timeout reaches the child" $? "rc=$rc out=$out"

sed 's/strings = \["len"\]/dirs = [{ from = "data", mode = "rw" }]/' ok.toml > wide.toml
out=$("$nw" run --dir-ro data --manifest wide.toml --invoke sum 1 2 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = 'wide.toml: node "library": dir "data" is read-only for its parent "app"; it cannot be granted read-write' ]
check "rw under ro refused" $? "rc=$rc out=$out"
out=$("$nw" run --manifest wide.toml --invoke sum 1 2 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = 'wide.toml: node "library": dir "data" is not granted to its parent "app"' ]
check "dir not held refused" $? "rc=$rc out=$out"
out=$("$nw" run --dir data --manifest wide.toml --invoke sum 1 2 2>&1); rc=$?
[ $rc = 0 ] && [ "$out" = 3 ]
check "dir held is handed down" $? "rc=$rc out=$out"

printf '[nodes.app]\nmodule = "app.wat"\nmodul = "x"\n' > typo.toml
out=$("$nw" run --manifest typo.toml 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = 'typo.toml: node "app": unknown key "modul"' ]
check "unknown key" $? "rc=$rc out=$out"
printf '[nodes.app]\nmodule = "app.wat"\n' > missing.toml
out=$("$nw" run --manifest missing.toml --invoke sum 1 2 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == 'missing.toml: node "app": import "lib"."add" is satisfied by no child'* ]]
check "unsatisfied import" $? "rc=$rc out=$out"
out=$("$nw" run --manifest nowhere.toml 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "nowhere.toml: cannot read the manifest" ]
check "no manifest" $? "rc=$rc out=$out"
out=$("$nw" run -S tcpconnect=example.org:80 --manifest ok.toml --invoke sum 1 2 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == *'connect grant "example.org:80": expected a numeric ADDR:PORT'* ]]
check "tcpconnect needs a numeric address" $? "rc=$rc out=$out"

out=$("$nw" caps --manifest wide.toml 2>&1); rc=$?
[ $rc = 0 ] && [[ $out == *"node library (lib.wat), child of app"* && $out == *"dirs:    data (rw)"* ]]
check "caps --manifest" $? "rc=$rc out=$out"
out=$("$nw" caps --json --manifest wide.toml 2>&1); rc=$?
[ $rc = 0 ] && [[ $out == *'"schema":"nanowasm-tree/1"'* && $out == *'"dirs":[{"from":"data","as":"data","mode":"rw"}]'* ]]
check "caps --manifest --json" $? "rc=$rc out=$out"
out=$("$nw" caps --manifest ok.toml app.wat 2>&1); rc=$?
[ $rc = 2 ] && [[ $out == *"--manifest takes no FILE and no --diff"* ]]
check "caps --manifest with a FILE" $? "rc=$rc out=$out"

echo "$pass passed, $fail failed"
[ $fail = 0 ]

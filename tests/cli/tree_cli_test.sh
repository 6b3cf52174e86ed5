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

# Component nodes: the root's wasi:cli/run is ok only when the child's greet returned
# "hello, tree" (a string crossing back by the canonical ABI); the child's keys are still never
# wider than its parent's; caps --manifest says which nodes are components.
cat > capp.wat <<'W'
(component
  (import "greeter" (instance $g (export "greet" (func (param "name" string) (result string)))))
  (core module $Mem
    (memory (export "mem") 1)
    (global $n (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $r i32)
      (local.set $r (global.get $n)) (global.set $n (i32.add (local.get $r) (local.get 3))) (local.get $r)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $cmem))
  (core func $greet (canon lower (func $g "greet") (memory $cmem) (realloc (core func $mem "realloc"))))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "greet" (func $greet (param i32 i32 i32)))
    (data (i32.const 100) "tree")
    (data (i32.const 200) "hello, tree")
    (func (export "run") (result i32) (local $p i32) (local $i i32)
      (call $greet (i32.const 100) (i32.const 4) (i32.const 64))
      (if (i32.ne (i32.load (i32.const 68)) (i32.const 11)) (then (return (i32.const 1))))
      (local.set $p (i32.load (i32.const 64)))
      (block $done (loop $l
        (br_if $done (i32.eq (local.get $i) (i32.const 11)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                    (i32.load8_u (i32.add (i32.const 200) (local.get $i))))
          (then (return (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (i32.const 0)))
  (core instance $m (instantiate $M (with "" (instance (export "mem" (memory $cmem)) (export "greet" (func $greet))))))
  (func $run (result (result)) (canon lift (core func $m "run")))
  (instance $ri (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $ri)))
W
cat > clib.wat <<'W'
(component
  (core module $M
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
    (data (i32.const 3000) "hello, ")
    (func (export "greet") (param $p i32) (param $n i32) (result i32)
      (memory.copy (i32.const 3007) (local.get $p) (local.get $n))
      (i32.store (i32.const 2992) (i32.const 3000))
      (i32.store (i32.const 2996) (i32.add (i32.const 7) (local.get $n)))
      (i32.const 2992)))
  (core instance $m (instantiate $M))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $m "greet") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (instance $api (export "greet" (func $greet)))
  (export "local:demo/greet" (instance $api)))
W
printf '[nodes.app]\nmodule = "capp.wat"\n[nodes.lib]\nmodule = "clib.wat"\nparent = "app"\nimport = "greeter"\nexport = "local:demo/greet"\n' > comp.toml
out=$("$nw" run --manifest comp.toml 2>&1); rc=$?
[ $rc = 0 ] && [ -z "$out" ]
check "component tree: a string back from the child" $? "rc=$rc out=$out"
sed 's/^export = .*/export = "local:demo\/other"/' comp.toml > compx.toml
out=$("$nw" run --manifest compx.toml 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = 'compx.toml: node "app": child "lib" exports no instance "local:demo/other" for its import "greeter"' ]
check "component tree: no such export" $? "rc=$rc out=$out"
printf 'dirs = [{ from = "data", mode = "rw" }]\n' | cat comp.toml - > compw.toml
out=$("$nw" run --dir-ro data --manifest compw.toml 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = 'compw.toml: node "lib": dir "data" is read-only for its parent "app"; it cannot be granted read-write' ]
check "component tree: rw under ro refused" $? "rc=$rc out=$out"
out=$("$nw" run --manifest comp.toml --invoke run 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == *"--invoke is for a core module root"* ]]
check "component tree: --invoke refused" $? "rc=$rc out=$out"
out=$("$nw" caps --manifest compw.toml 2>&1); rc=$?
[ $rc = 0 ] && [[ $out == *'node lib (clib.wat, a component), child of app, its export "local:demo/greet" satisfies the import "greeter"'* && $out == *"dirs:    data (rw)"* ]]
check "caps --manifest: component nodes" $? "rc=$rc out=$out"
out=$("$nw" caps --json --manifest comp.toml 2>&1); rc=$?
[ $rc = 0 ] && [[ $out == *'"name":"lib","module":"clib.wat","kind":"component","asks":[],"export":"local:demo/greet","parent":"app","import":"greeter"'* ]]
check "caps --manifest --json: component nodes" $? "rc=$rc out=$out"

echo "$pass passed, $fail failed"
[ $fail = 0 ]

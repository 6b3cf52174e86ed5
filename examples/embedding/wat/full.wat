;; full: what wasm_h_only.c exercises — a host callback, a function of another instance,
;; a memory, a global, a table with call_indirect, and traps.
(module
  (import "host" "log" (func $log (param i32)))
  (import "lib" "bump" (func $bump (result i32)))
  (type $i2i (func (param i32) (result i32)))
  (memory (export "memory") 1 2)
  (global $g (export "g") (mut i32) (i32.const 10))
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $double)
  (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "call_slot") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 1) (local.get 0)))
  (func (export "run")
    (call $log (call $bump))
    (call $log (global.get $g))
    (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))

;; Multi-memory cases the spec's core/multi-memory files do not reach: one memory imported as
;; memory 0 and as memory 1 of the same instance. The interpreter keeps memory 0's base and
;; bound in registers and switches them around an access to another memory, so growing memory 1
;; must also refresh memory 0's bound, a trap in another memory must not leave the registers
;; switched, and memory.copy between the two names of one memory must handle overlap.
;; Expected values: worked out by hand from the Wasm 3.0 semantics (no other engine with
;; multi-memory is on this machine: Node 20's V8 refuses a second memory).
;; Run with `nanowasm wast --multi-memory`.
(module $M (memory (export "mem") 1))
(register "M" $M)

(module
  (import "M" "mem" (memory $a 1))
  (import "M" "mem" (memory $b 1))
  (memory $c 1)
  (data (memory $c) (i32.const 0) "\01\02\03\04\05\06\07\08")

  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "store_b_load_a") (param i32 i32) (result i32)
    (i32.store $b (local.get 0) (local.get 1))
    (i32.load $a (local.get 0)))
  ;; After growing through $b, an access to $a beyond the old bound must succeed.
  (func (export "grow_b_store_a") (result i32)
    (drop (memory.grow $b (i32.const 1)))
    (i32.store $a (i32.const 0x1fffc) (i32.const 77))
    (i32.load $b (i32.const 0x1fffc)))
  (func (export "load_c") (param i32) (result i32) (i32.load8_u $c (local.get 0)))
  (func (export "load_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "copy_c_to_a") (param i32 i32 i32)
    (memory.copy $a $c (local.get 0) (local.get 1) (local.get 2)))
  ;; $a and $b are one memory: an overlapping copy must behave like memmove.
  (func (export "copy_a_to_b") (param i32 i32 i32)
    (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_c") (param i32 i32 i32)
    (memory.fill $c (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "size_a") (i32.const 1))
(assert_return (invoke "store_b_load_a" (i32.const 16) (i32.const 0x12345678)) (i32.const 0x12345678))
(assert_return (invoke "grow_b_store_a") (i32.const 77))
(assert_return (invoke "size_a") (i32.const 2))
(assert_return (invoke "size_b") (i32.const 2))
;; A trap in $c (one page) must leave memory 0 ($a, now two pages) as the current memory.
(assert_trap (invoke "load_c" (i32.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load_a" (i32.const 0x1fffc)) (i32.const 77))
(invoke "copy_c_to_a" (i32.const 100) (i32.const 0) (i32.const 8))
(assert_return (invoke "load_a" (i32.const 100)) (i32.const 1))
(assert_return (invoke "load_a" (i32.const 107)) (i32.const 8))
(invoke "copy_a_to_b" (i32.const 102) (i32.const 100) (i32.const 8))
(assert_return (invoke "load_a" (i32.const 102)) (i32.const 1))
(assert_return (invoke "load_a" (i32.const 109)) (i32.const 8))
(assert_trap (invoke "copy_c_to_a" (i32.const 0) (i32.const 0xfff9) (i32.const 8)) "out of bounds memory access")
(assert_trap (invoke "fill_c" (i32.const 0xffff) (i32.const 0) (i32.const 2)) "out of bounds memory access")
(invoke "fill_c" (i32.const 0) (i32.const 9) (i32.const 2))
(assert_return (invoke "load_c" (i32.const 1)) (i32.const 9))
(assert_return (invoke "load_c" (i32.const 2)) (i32.const 3))

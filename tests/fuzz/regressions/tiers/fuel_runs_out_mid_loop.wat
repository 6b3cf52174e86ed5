;; fuzz_tiers seed: a loop that stores and runs out of fuel (100,000 per call) part way; both
;; tiers must trap at the same iteration (same memory, same exported global, no fuel left),
;; then a second export reads the state. Exercises the opt tier's fuel regions (src/opt/fuel.h):
;; loop heads, if/else arms, block ends, dead code after br, and the entry's constant charge.
(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "spin") (local $i i32)
    (loop $l
      (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc)) (local.get $i))
      (global.set $g (local.get $i))
      (if (i32.and (local.get $i) (i32.const 1))
        (then (local.set $i (i32.add (local.get $i) (i32.const 3))))
        (else (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (block $b (br $b) (i32.const 7) (drop))
      (br $l)))
  (func (export "read") (result i32) (i32.add (global.get $g) (i32.load (i32.const 40))))
  (func (export "bulk") (memory.fill (i32.const 0) (i32.const 9) (i32.const 65536))))

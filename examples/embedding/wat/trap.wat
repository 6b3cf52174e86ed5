;; trap: compute(0) divides by zero three calls deep.
(module
  (func $divide (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $middle (param i32) (result i32) (call $divide (local.get 0)))
  (func $compute (export "compute") (param i32) (result i32) (call $middle (local.get 0))))

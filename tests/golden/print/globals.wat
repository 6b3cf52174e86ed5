;; Globals of every type with each kind of constant initializer.
(module
  (import "env" "base" (global $base i32))
  (global $a i32 (i32.const -2147483648))
  (global (mut i64) (i64.const 9223372036854775807))
  (global f32 (f32.const -0x1.8p-3))
  (global (mut f64) (f64.const nan:0x12345))
  (global i32 (global.get $base))
  (global funcref (ref.func $f))
  (global (mut externref) (ref.null extern))
  (global funcref (ref.null func))
  (func $f)
)

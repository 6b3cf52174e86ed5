;; Literals print so they parse to the same bits: integer extremes as signed decimal, floats
;; as shortest exact decimal or hex, -0, infinities, NaNs with payloads and signs.
(module
  (func
    i32.const 0
    i32.const -1
    i32.const 0x7fffffff
    i32.const 0x80000000
    i32.const 4294967295
    i64.const -9223372036854775808
    i64.const 0xffffffffffffffff
    i64.const 1234567890123
    f32.const 0
    f32.const -0
    f32.const 0.1
    f32.const 3.4028234663852886e+38
    f32.const 0x1p-149
    f32.const 0x1.fffffep127
    f32.const inf
    f32.const -inf
    f32.const nan
    f32.const -nan
    f32.const nan:0x1
    f32.const -nan:0x7fffff
    f32.const nan:0x200000
    f64.const 0
    f64.const -0
    f64.const 0.1
    f64.const 1e300
    f64.const -0x1.fffffffffffffp+1023
    f64.const 0x0.0000000000001p-1022
    f64.const 2.2250738585072014e-308
    f64.const inf
    f64.const -inf
    f64.const nan
    f64.const -nan:0x8000000000001
    f64.const nan:0x1
    f64.const 123456789.125
    unreachable)
)

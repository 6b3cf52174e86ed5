(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    i32.const 0
    i32.const -1
    i32.const 2147483647
    i32.const -2147483648
    i32.const -1
    i64.const -9223372036854775808
    i64.const -1
    i64.const 1234567890123
    f32.const 0
    f32.const -0
    f32.const 0.1
    f32.const 3.4028235e+38
    f32.const 1e-45
    f32.const 3.4028235e+38
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
    f64.const 1e+300
    f64.const -1.7976931348623157e+308
    f64.const 5e-324
    f64.const 2.2250738585072014e-308
    f64.const inf
    f64.const -inf
    f64.const nan
    f64.const -nan:0x8000000000001
    f64.const nan:0x1
    f64.const 123456789.125
    unreachable
  )
)

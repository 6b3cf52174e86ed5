(module
  (type (;0;) (func (param i32 i64 f32 f64) (result i32)))
  (func (;0;) (type 0) (param i32 i64 f32 f64) (result i32)
    local.get 0
    i32.eqz
    local.get 1
    i64.const 3
    i64.rem_u
    i32.wrap_i64
    i32.add
    local.get 2
    f32.sqrt
    i32.trunc_sat_f32_s
    i32.xor
    local.get 3
    f64.nearest
    i64.trunc_sat_f64_u
    i64.extend32_s
    i64.popcnt
    i32.wrap_i64
    i32.extend8_s
    i32.rotl
    local.get 3
    f32.demote_f64
    i32.reinterpret_f32
    i32.clz
    i32.ge_u
    local.get 2
    f64.promote_f32
    f64.const 2
    f64.copysign
    local.get 3
    f64.gt
    i32.and
  )
)

(module $types
  (type (;0;) (func))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (param f32) (result f64 i64)))
  (type (;3;) (func (param i32 i64 f32 f64) (result i32)))
  (func $nothing (;0;) (type 0)
  )
  (func $add (;1;) (type 1) (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add
  )
  (func $mixed (;2;) (type 3) (param i32) (param $named i64) (param f32 f64) (result i32)
    (local i32 i32) (local $l1 i64) (local f32) (local $l2 externref)
    i32.const 7
  )
  (func (;3;) (type 2) (param f32) (result f64 i64)
    f64.const 1
    i64.const 2
  )
)

;; Types, functions with (type N) + params/results/locals, implicit types from inline
;; signatures, and function/param/local names from identifiers.
(module $types
  (type $void (func))
  (type $binop (func (param i32 i32) (result i32)))
  (type (func (param f32) (result f64 i64)))
  (func $nothing (type $void))
  (func $add (type $binop) (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add)
  (func $mixed (param i32) (param $named i64) (param f32 f64) (result i32)
    (local i32 i32) (local $l1 i64) (local f32) (local $l2 externref)
    i32.const 7)
  (func (param f32) (result f64 i64)
    f64.const 1
    i64.const 2)
)

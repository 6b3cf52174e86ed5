;; Imports of every kind; imported functions count first in the function index space.
(module
  (type $t (func (param i32)))
  (import "env" "log" (func $log (type $t)))
  (import "env" "add" (func $add (param $x i32) (param $y i32) (result i32)))
  (import "env" "table" (table 10 20 funcref))
  (import "env" "ext" (table 1 externref))
  (import "env" "memory" (memory 1))
  (import "env" "g_const" (global i32))
  (import "env" "g_mut" (global (mut f64)))
  (import "weird \"names\"\n" "\e2\98\83 snow" (func))
  (func $main
    i32.const 1
    i32.const 2
    call $add
    call $log)
)

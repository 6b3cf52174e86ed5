(module
  (type (;0;) (func (param i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func))
  (import "env" "log" (func $log (;0;) (type 0) (param i32)))
  (import "env" "add" (func $add (;1;) (type 1) (param i32 i32) (result i32)))
  (import "env" "table" (table (;0;) 10 20 funcref))
  (import "env" "ext" (table (;1;) 1 externref))
  (import "env" "memory" (memory (;0;) 1))
  (import "env" "g_const" (global (;0;) i32))
  (import "env" "g_mut" (global (;1;) (mut f64)))
  (import "weird \22names\22\0a" "\e2\98\83 snow" (func (;2;) (type 2)))
  (func $main (;3;) (type 2)
    i32.const 1
    i32.const 2
    call $add
    call $log
  )
)

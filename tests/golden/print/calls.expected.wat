(module
  (type (;0;) (func (param i32) (result i32)))
  (func $id (;0;) (type 0) (param i32) (result i32)
    local.get 0
  )
  (func $call (;1;) (type 0) (param i32) (result i32)
    local.get 0
    call $id
    i32.const 0
    call_indirect (type 0)
    i32.const 1
    call_indirect 1 (type 0)
    return
  )
  (table (;0;) 2 funcref)
  (table (;1;) 2 funcref)
  (elem (;0;) (table 1) (i32.const 0) func $id $call)
)

(module
  (type (;0;) (func (param externref) (result i32)))
  (func $f (;0;) (type 0) (param externref) (result i32)
    ref.null func
    ref.is_null
    drop
    ref.func $f
    drop
    i32.const 0
    table.get 0
    drop
    i32.const 0
    local.get 0
    table.set 1
    table.size 1
    drop
    ref.null extern
    i32.const 1
    table.grow 1
    drop
    i32.const 0
    ref.null func
    i32.const 1
    table.fill 0
    i32.const 0
    i32.const 0
    i32.const 1
    table.copy 0 0
    i32.const 0
    i32.const 0
    i32.const 1
    table.init 0 0
    elem.drop 0
    local.get 0
    local.get 0
    i32.const 1
    select (result externref)
    drop
    i32.const 1
    i32.const 2
    i32.const 0
    select
  )
  (table (;0;) 1 funcref)
  (table (;1;) 1 externref)
  (elem (;0;) func $f)
)

;; Reference and table instructions, typed select and the element operations.
(module
  (table $t 1 funcref)
  (table $e 1 externref)
  (elem $seg func $f)
  (func $f (param externref) (result i32)
    ref.null func
    ref.is_null
    drop
    ref.func $f
    drop
    i32.const 0
    table.get $t
    drop
    i32.const 0
    local.get 0
    table.set $e
    table.size $e
    drop
    ref.null extern
    i32.const 1
    table.grow $e
    drop
    i32.const 0
    ref.null func
    i32.const 1
    table.fill $t
    i32.const 0
    i32.const 0
    i32.const 1
    table.copy $t $t
    i32.const 0
    i32.const 0
    i32.const 1
    table.init $t $seg
    elem.drop $seg
    local.get 0
    local.get 0
    i32.const 1
    select (result externref)
    drop
    i32.const 1
    i32.const 2
    i32.const 0
    select)
)

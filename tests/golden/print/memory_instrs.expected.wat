(module
  (type (;0;) (func (param i32)))
  (func (;0;) (type 0) (param i32)
    local.get 0
    i32.load
    local.get 0
    i32.load offset=4 align=1
    local.get 0
    i64.load offset=4294967295
    local.get 0
    i64.load8_s
    local.get 0
    i64.load16_u align=1
    local.get 0
    i64.load32_s align=2
    local.get 0
    f32.load align=2
    local.get 0
    f64.load align=4
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    local.get 0
    i32.const 1
    i32.store8 offset=1
    local.get 0
    i64.const 1
    i64.store32 align=1
    local.get 0
    f64.const 1
    f64.store
    memory.size
    memory.grow
    drop
    local.get 0
    i32.const 0
    i32.const 3
    memory.init 0
    data.drop 0
    local.get 0
    i32.const 0
    i32.const 1
    memory.copy
    local.get 0
    i32.const 255
    i32.const 1
    memory.fill
  )
  (memory (;0;) 1)
  (data (;0;) "abc")
)

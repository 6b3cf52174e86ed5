(module
  (type (;0;) (func (param i32) (result i32 i32)))
  (type (;1;) (func (param i32) (result i32)))
  (func $ctl (;0;) (type 1) (param i32) (result i32)
    block
      loop (result i32)
        local.get 0
        if
          br 2
        else
          nop
        end
        local.get 0
        br_if 0
        i32.const 1
      end
      drop
      block (result i64)
        i64.const 3
        br 0
      end
      drop
      local.get 0
      br_table 0 1 0
    end
    local.get 0
    block (type 0)
      i32.const 2
    end
    i32.add
    local.get 0
    if (result i32)
      unreachable
    else
      i32.const 9
      return
    end
  )
)

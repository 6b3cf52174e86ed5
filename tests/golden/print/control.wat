;; Structured control flow printed flat with indentation, every block type form.
(module
  (type $pair (func (param i32) (result i32 i32)))
  (func $ctl (param i32) (result i32)
    block $outer
      loop $l (result i32)
        local.get 0
        if
          br $outer
        else
          nop
        end
        local.get 0
        br_if $l
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
    block (type $pair)
      i32.const 2
    end
    i32.add
    local.get 0
    if (result i32)
      unreachable
    else
      i32.const 9
      return
    end)
)

;; Direct and indirect calls, including call_indirect on a second table.
(module
  (type $un (func (param i32) (result i32)))
  (table $a 2 funcref)
  (table $b 2 funcref)
  (func $id (type $un) local.get 0)
  (func $call (param i32) (result i32)
    local.get 0
    call $id
    i32.const 0
    call_indirect (type $un)
    i32.const 1
    call_indirect $b (type $un)
    return)
  (elem (table $b) (i32.const 0) func $id $call)
)

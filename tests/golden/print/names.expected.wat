(module $m.odd-name!
  (type (;0;) (func (param i32)))
  (type (;1;) (func))
  (func $a.b/c:d<e>=f?g@h (;0;) (type 0) (param $p! i32)
    (local $x^y~z i64)
    local.get $p!
    drop
    call $'quoted`
  )
  (func $'quoted` (;1;) (type 1)
  )
  (export "odd" (func $a.b/c:d<e>=f?g@h))
)

;; Identifiers with the unusual characters WAT allows survive as $names.
(module $m.odd-name!
  (func $a.b/c:d<e>=f?g@h (param $p! i32) (local $x^y~z i64)
    local.get $p!
    drop
    call $'quoted`)
  (func $'quoted`)
  (export "odd" (func $a.b/c:d<e>=f?g@h))
)

;; Blocks, ifs and loops with parameters opened in dead code (after br/unreachable), next to
;; live code: translated without touching the shadow stack (see loop_param_after_unreachable).
(module
  (type $t (func (param i32) (result i32)))
  (func (export "f") (result i32)
    (block (result i32)
      i32.const 5
      br 0
      if (type $t) drop i32.const 1 else drop i32.const 2 end
      block (type $t) i32.const 3 i32.add end
      loop (type $t) end))
  (func (export "g") (param i32) (result i32)
    (block (result i32)
      (local.get 0)
      (i32.const 0)
      (if (type $t) (then (i32.const 10) (i32.add)) (else unreachable (block (param i32) drop) (i32.const 7))))))

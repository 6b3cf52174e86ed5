;; finalize: a module with a few exports, instantiated 100,000 times by the finalize example.
(module
  (func (export "f"))
  (func (export "g") (result i32) (i32.const 1))
  (global (export "counter") (mut i32) (i32.const 0)))

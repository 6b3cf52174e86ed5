;; loop: spin never returns; answer does.
(module
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "answer") (result i32) i32.const 42))

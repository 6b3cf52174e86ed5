;; app: imports lib's function and global.
(module
  (import "lib" "bump" (func $bump (result i32)))
  (import "lib" "counter" (global $counter (mut i32)))
  (func (export "bump3") (result i32)
    (drop (call $bump)) (drop (call $bump)) (drop (call $bump))
    (global.get $counter)))

;; callback: sum_to(n) adds 0..n through the host's env.add.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (func (export "sum_to") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.gt_s (local.get $i) (local.get $n)))
        (local.set $acc (call $add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))

;; Branches and returns that carry values (interpreter translation, src/interp/translate.cc):
;;  - multi-value branches to the function label on conditional paths (br_if, br_table) whose
;;    values still live in locals: they must be copied out before the branch, on every path;
;;  - branches with more values than are moved one by one (more than 8: one range copy), with
;;    values in locals, constants and stack slots, v128 among them, to labels at different
;;    heights, to loops, and returns.
;; Expected values were checked with wabt 1.0.32: wast2json branch_values.wast && spectest-interp
;; branch_values.json (all pass; the interpreter before this file failed 3 of them).

(module
  (func (export "br_if-ret2") (param i32 i32 i32) (result i32 i32)
    (local.get 0) (local.get 1) (local.get 2) (br_if 0)
    (i32.const 100) (i32.add))

  ;; the function label's stub first, then the block's
  (func (export "br_table-ret2") (param i32 i32 i32) (result i32 i32)
    (block (result i32 i32)
      (local.get 0) (local.get 1) (local.get 2)
      (br_table 1 0))
    (i32.const 100) (i32.add))

  ;; the block's stub first, then the function label's
  (func (export "br_table-ret2-rev") (param i32 i32 i32) (result i32 i32)
    (block (result i32 i32)
      (local.get 0) (local.get 1) (local.get 2)
      (br_table 0 1))
    (i32.const 100) (i32.add))

  ;; a v128 result from a local on a conditional path
  (func (export "br_if-ret-v128") (param $c i32) (param $x i32) (result v128 i32)
    (local $v v128)
    (local.set $v (i32x4.splat (local.get $x)))
    (local.get $v) (local.get $x) (local.get $c) (br_if 0)
    (i32.const 1) (i32.add))
)

(assert_return (invoke "br_if-ret2" (i32.const 1) (i32.const 2) (i32.const 0)) (i32.const 1) (i32.const 102))
(assert_return (invoke "br_if-ret2" (i32.const 1) (i32.const 2) (i32.const 1)) (i32.const 1) (i32.const 2))
(assert_return (invoke "br_table-ret2" (i32.const 1) (i32.const 2) (i32.const 0)) (i32.const 1) (i32.const 2))
(assert_return (invoke "br_table-ret2" (i32.const 1) (i32.const 2) (i32.const 1)) (i32.const 1) (i32.const 102))
(assert_return (invoke "br_table-ret2" (i32.const 1) (i32.const 2) (i32.const 7)) (i32.const 1) (i32.const 102))
(assert_return (invoke "br_table-ret2-rev" (i32.const 1) (i32.const 2) (i32.const 0)) (i32.const 1) (i32.const 102))
(assert_return (invoke "br_table-ret2-rev" (i32.const 1) (i32.const 2) (i32.const 1)) (i32.const 1) (i32.const 2))
(assert_return (invoke "br_if-ret-v128" (i32.const 0) (i32.const 5)) (v128.const i32x4 5 5 5 5) (i32.const 6))
(assert_return (invoke "br_if-ret-v128" (i32.const 1) (i32.const 5)) (v128.const i32x4 5 5 5 5) (i32.const 5))

(module
  (type $ten (func (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (type $ten-ten (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
                       (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))

  ;; br_if to a block one slot below the values: taken (c != 0) or not, then br.
  (func (export "br_if-10") (param $c i32) (param $x i32) (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (block $b (type $ten)
      (local.get $x)                                   ;; an extra value below
      (local.get $x) (i32.const 2) (i32.add)           ;; 1: computed
      (i32.const 3) (local.get $x) (i32.const 4)       ;; 2-4: constant, local, constant
      (local.get $x) (i32.const 10) (i32.mul)          ;; 5: computed
      (i32.const 6) (i32.const 7) (local.get $x)       ;; 6-8
      (i32.const 9) (local.get $c)                     ;; 9-10
      (br_if $b (local.get $c))
      (i32.const 1000) (i32.add)
      (br $b)))

  ;; br_table to labels at three heights and to the function label.
  (func (export "br_table-10") (param $i i32) (param $x i32) (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (block $a (type $ten)
      (i32.const -1)
      (block $b (type $ten)
        (i32.const -2) (i32.const -3)
        (local.get $x) (i32.const 2) (i32.const 3) (local.get $x) (i32.const 1) (i32.add)
        (i32.const 6) (local.get $x) (i32.const 7) (i32.const 8) (i32.const 9) (local.get $i)
        (i32.const 10)
        (i32.mul)
        (br_table $a $b 2 (local.get $i)))
      (i32.const 3000) (i32.add)
      (br $a))
    (i32.const 2000) (i32.add))

  ;; a loop with 10 parameters, re-entered with values from locals and constants
  (func (export "loop-10") (param $n i32) (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $v4 i32) (local $v5 i32)
    (local $v6 i32) (local $v7 i32) (local $v8 i32) (local $v9 i32) (local $v10 i32)
    (local.get $n) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
    (loop $l (type $ten-ten)
      (local.set $v10) (local.set $v9) (local.set $v8) (local.set $v7) (local.set $v6)
      (local.set $v5) (local.set $v4) (local.set $v3) (local.set $v2) (local.set $v1)
      (i32.sub (local.get $v1) (i32.const 1))
      (i32.add (local.get $v2) (i32.const 1))
      (i32.add (local.get $v3) (local.get $v2))
      (local.get $v4) (i32.const 4) (local.get $v6) (i32.const 7)
      (i32.add (local.get $v8) (i32.const 8)) (local.get $v1) (i32.const 10)
      (br_if $l (i32.gt_s (local.get $v1) (i32.const 1)))))

  ;; br_if to the function label with 10 results, then fall through
  (func (export "br_if-ret-10") (param $c i32) (param $x i32) (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local.get $x) (i32.const 2) (i32.const 3) (local.get $x) (i32.const 5)
    (i32.const 6) (local.get $x) (i32.const 8) (local.get $c) (local.get $x)
    (br_if 0 (local.get $c))
    (i32.const 500) (i32.add))

  ;; 10 values with two v128s (12 slots) to a block two slots below
  (func (export "br-v128") (param $x i32) (result v128 i32 i32 i32 i32 i32 i32 i32 i32 v128)
    (block $b (result v128 i32 i32 i32 i32 i32 i32 i32 i32 v128)
      (v128.const i64x2 -1 -1)
      (v128.const i32x4 1 2 3 4) (local.get $x) (i32.const 2) (i32.const 3) (local.get $x)
      (i32.const 5) (i32.const 6) (i32.const 7) (local.get $x) (i32x4.splat (local.get $x))
      (br $b)))
)

(assert_return (invoke "br_if-10" (i32.const 1) (i32.const 5))
  (i32.const 7) (i32.const 3) (i32.const 5) (i32.const 4) (i32.const 50)
  (i32.const 6) (i32.const 7) (i32.const 5) (i32.const 9) (i32.const 1))
(assert_return (invoke "br_if-10" (i32.const 0) (i32.const 5))
  (i32.const 7) (i32.const 3) (i32.const 5) (i32.const 4) (i32.const 50)
  (i32.const 6) (i32.const 7) (i32.const 5) (i32.const 9) (i32.const 1000))
(assert_return (invoke "br_table-10" (i32.const 0) (i32.const 5))
  (i32.const 5) (i32.const 2) (i32.const 3) (i32.const 6) (i32.const 6)
  (i32.const 5) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 2000))
(assert_return (invoke "br_table-10" (i32.const 1) (i32.const 5))
  (i32.const 5) (i32.const 2) (i32.const 3) (i32.const 6) (i32.const 6)
  (i32.const 5) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 5010))
(assert_return (invoke "br_table-10" (i32.const 2) (i32.const 5))
  (i32.const 5) (i32.const 2) (i32.const 3) (i32.const 6) (i32.const 6)
  (i32.const 5) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 20))
(assert_return (invoke "br_table-10" (i32.const 9) (i32.const 5))
  (i32.const 5) (i32.const 2) (i32.const 3) (i32.const 6) (i32.const 6)
  (i32.const 5) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 90))
(assert_return (invoke "loop-10" (i32.const 1))
  (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 4)
  (i32.const 0) (i32.const 7) (i32.const 8) (i32.const 1) (i32.const 10))
(assert_return (invoke "loop-10" (i32.const 4))
  (i32.const 0) (i32.const 4) (i32.const 6) (i32.const 0) (i32.const 4)
  (i32.const 0) (i32.const 7) (i32.const 32) (i32.const 1) (i32.const 10))
(assert_return (invoke "br_if-ret-10" (i32.const 1) (i32.const 5))
  (i32.const 5) (i32.const 2) (i32.const 3) (i32.const 5) (i32.const 5)
  (i32.const 6) (i32.const 5) (i32.const 8) (i32.const 1) (i32.const 5))
(assert_return (invoke "br_if-ret-10" (i32.const 0) (i32.const 5))
  (i32.const 5) (i32.const 2) (i32.const 3) (i32.const 5) (i32.const 5)
  (i32.const 6) (i32.const 5) (i32.const 8) (i32.const 0) (i32.const 505))
(assert_return (invoke "br-v128" (i32.const 5))
  (v128.const i32x4 1 2 3 4) (i32.const 5) (i32.const 2) (i32.const 3) (i32.const 5)
  (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 5) (v128.const i32x4 5 5 5 5))

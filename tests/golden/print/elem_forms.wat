;; Element segments in each binary variant: 0 active table 0 func indices, 1 passive,
;; 2 active explicit table, 3 declarative, 4 active table 0 expressions, 5 passive
;; expressions, 6 active explicit table expressions, 7 declarative expressions.
(module
  (table $t0 10 funcref)
  (table $t1 10 funcref)
  (table $t2 10 externref)
  (global $off i32 (i32.const 1))
  (func $f0)
  (func $f1)
  (elem (i32.const 0) func $f0 $f1)
  (elem func $f1 $f0)
  (elem (table $t1) (i32.const 2) func $f0)
  (elem declare func $f1)
  (elem (i32.const 3) funcref (ref.func $f0) (ref.null func))
  (elem funcref (ref.func $f1))
  (elem (table $t1) (offset (global.get $off)) funcref (ref.func $f0))
  (elem (table $t2) (i32.const 0) externref (ref.null extern))
  (elem declare funcref (ref.func $f0))
  (elem (i32.const 5))
  (elem funcref)
)

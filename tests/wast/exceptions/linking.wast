;; Exception handling across instances and with the interpreter's own paths, beyond what
;; core/exceptions reaches: a tag thrown in one instance and caught in another through an
;; import (identity, not structure, decides), a catch clause targeting a loop label and the
;; function label, try_table with parameters, exnref in a global and a table, throw_ref of
;; null, an exception through a tail call, and one escaping a start function. Expected values
;; follow from the spec's semantics (WebAssembly 3.0, 4.4.8 "try_table"); not cross-checked with
;; another engine.

(module $A
  (tag $e (export "e") (param i32))
  (tag $f (export "f") (param i32))
  (func (export "throw-e") (param i32) (throw $e (local.get 0)))
  (func (export "throw-f") (param i32) (throw $f (local.get 0))))
(register "A" $A)

(module $B
  (import "A" "e" (tag $e (param i32)))
  (import "A" "throw-e" (func $throw-e (param i32)))
  (import "A" "throw-f" (func $throw-f (param i32)))
  (tag $local (param i32))  ;; same type as $e, different identity
  (global $saved (mut exnref) (ref.null exn))
  (table $t 2 exnref)

  ;; caught by the imported tag; a same-typed local tag does not match
  (func (export "cross") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $local $h) (catch $e $h)
        (if (local.get 0) (then (call $throw-e (i32.const 11))) (else (call $throw-f (i32.const 12)))))
      (i32.const -1)))

  ;; a catch whose label is a loop: each caught throw restarts the loop (loop label params)
  (func (export "loop-catch") (result i32) (local $n i32)
    (block $out
      (loop $l
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $out (i32.ge_u (local.get $n) (i32.const 5)))
        (try_table (catch_all $l) (call $throw-e (local.get $n)))))
    (local.get $n))

  ;; catch_all_ref straight to the function label: the function returns the exnref
  (func $get-exn (result exnref)
    (try_table (catch_all_ref 0) (call $throw-e (i32.const 3)))
    (unreachable))
  (func (export "save-and-rethrow") (result i32)
    (global.set $saved (call $get-exn))
    (table.set $t (i32.const 1) (global.get $saved))
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (table.get $t (i32.const 1))))
      (i32.const -1)))
  (func (export "saved-is-null") (result i32) (ref.is_null (global.get $saved)))

  ;; try_table with a parameter: the value is the body's input
  (func (export "with-param") (param i32) (result i32)
    (block $h (result i32)
      (local.get 0)
      (try_table (param i32) (result i32) (catch $e $h)
        (call $throw-e)
        (i32.const -1))))

  (func (export "throw-null") (throw_ref (ref.null exn)))

  ;; an exception thrown by a tail-called function is caught by the caller's caller
  (func $tail (param i32) (return_call $throw-e (local.get 0)))
  (func (export "through-tail-call") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $tail (i32.const 21)))
      (i32.const -1))))

(assert_return (invoke $B "cross" (i32.const 1)) (i32.const 11))
(assert_exception (invoke $B "cross" (i32.const 0)))
(assert_return (invoke $B "loop-catch") (i32.const 5))
(assert_return (invoke $B "saved-is-null") (i32.const 1))
(assert_return (invoke $B "save-and-rethrow") (i32.const 3))
(assert_return (invoke $B "saved-is-null") (i32.const 0))
(assert_return (invoke $B "with-param" (i32.const 8)) (i32.const 8))
(assert_trap (invoke $B "throw-null") "null reference")
(assert_return (invoke $B "through-tail-call") (i32.const 21))

;; An exception escaping the start function fails the instantiation.
(assert_trap
  (module
    (import "A" "throw-e" (func $throw-e (param i32)))
    (func $start (call $throw-e (i32.const 1)))
    (start $start))
  "uncaught exception")

;; A tag import must have the exporter's type.
(assert_unlinkable
  (module (import "A" "e" (tag (param i64))))
  "incompatible import type")

;; OPEN BUG (src/interp, reported to its owner; not fixed here). fuzz_run, first campaign,
;; after 54 CPU seconds: a valid module whose translation reads out of bounds
;; (ASan: heap-buffer-overflow in interp::Translator::Pop, translate.cc).
;; After `unreachable` a loop with a parameter starts a new, reachable frame whose parameter
;; the translator's shadow stack never received (it skipped the dead code before it), so the
;; `drop` inside pops below the stack's start. Minimised from the crash input (a mutated
;; loop.wast module, 2,481 bytes) by hand. `block` and `if` with a parameter do the same.
;; When fixed: move this file to ../run/ so fuzz.regressions.run replays it.
(module
  (type $t (func (param i32)))
  (func (export "f")
    unreachable
    loop (type $t)
      drop
    end))

;; Fixed in src/interp/translate.cc (frames opened in dead code are skipped whole). fuzz_run,
;; first campaign, after 54 CPU seconds: a valid module whose translation read out of bounds
;; (ASan: heap-buffer-overflow in interp::Translator::Pop, translate.cc).
;; After `unreachable` a loop with a parameter starts a new, reachable frame whose parameter
;; the translator's shadow stack never received (it skipped the dead code before it), so the
;; `drop` inside pops below the stack's start. Minimised from the crash input (a mutated
;; loop.wast module, 2,481 bytes) by hand. `block` and `if` with a parameter do the same.
(module
  (type $t (func (param i32)))
  (func (export "f")
    unreachable
    loop (type $t)
      drop
    end))

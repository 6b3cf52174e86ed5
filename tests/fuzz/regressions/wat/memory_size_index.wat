;; fuzz_wat, first short run (seed from the multi-memory proposal's tests): memory.size with a
;; memory index parses, but its encoding is malformed in 2.0 ("zero byte expected"), so
;; PrintWat refuses the module. That is allowed for modules the validator rejects (this one);
;; the fuzz check was too strict, nothing in src/ changed.
(module (memory 0) (memory $m 1) (func (drop (memory.size $m))))

;; fuzz_wat, first short run: the text parser's default alignment for v128.load8x8_s/u,
;; v128.load16x4_s/u and v128.load32x2_s/u was 1, 2 and 4 bytes instead of their natural 8, so
;; `v128.load8x8_s` without align= encoded a different memarg than the spec's text format
;; says, and an invalid `align=16` one printed without align= and parsed back to another
;; module. Fixed in src/text/wat_instr.cc (the parser now uses the printer's NaturalAlignLog2).
(module (memory 1)
  (func (drop (v128.load8x8_s (i32.const 0))) (drop (v128.load16x4_u (i32.const 0)))
        (drop (v128.load32x2_s (i32.const 0))))
  (func (drop (v128.load8x8_u align=16 (i32.const 0)))))

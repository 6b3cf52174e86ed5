;; Differential run of 2026-12-01 (20,000 modules, seed 1000), cases 11831 and 13067, reduced
;; with wasm-reduce: Binaryen 108's interpreter returns f32.trunc of a signalling NaN unchanged
;; (so do its ceil and floor, scalar and SIMD), nanowasm returns it quieted (0xff880000 ->
;; 0xffc80000), as the spec requires: the result is an element of nans{z}, i.e. an arithmetic
;; NaN, whose payload has the quiet bit set (WebAssembly 2.0 sec. 4.3.3). V8 agrees with
;; nanowasm. This keeps nanowasm's conforming result; the driver explains such Binaryen-only
;; differences (differential.py, explain()).
(module
  (func (export "case_11831") (result f32)
    (f32.trunc (f32.const -nan:0x3d3f20)))
  (func (export "case_13067") (result v128)
    (f32x4.splat (f32.trunc (f32x4.extract_lane 1
      (v128.const i32x4 0xcc2a0001 0xff880000 0x00807fff 0x5a01ffd1)))))
  (func (export "ceil_floor_f64") (result f64 f64)
    (f64.ceil (f64.const -nan:0x2a)) (f64.floor (f64.const nan:0x2a))))

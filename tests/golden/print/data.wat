;; Data segments: active (offset as expression or global), passive, bytes that need escapes,
;; and a long segment split over several strings.
(module
  (global $base i32 (i32.const 1024))
  (memory 1)
  (data (i32.const 0) "hello, world\n")
  (data (offset (global.get $base)) "\00\01\02\7f\80\ff\"quote\" and \\backslash")
  (data "passive")
  (data (i32.const 16))
  (data (i32.const 100)
    "The quick brown fox jumps over the lazy dog. "
    "Pack my box with five dozen liquor jugs. 0123456789abcdef")
)

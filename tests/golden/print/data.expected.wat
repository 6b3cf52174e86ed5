(module
  (memory (;0;) 1)
  (global (;0;) i32 (i32.const 1024))
  (data (;0;) (i32.const 0) "hello, world\0a")
  (data (;1;) (global.get 0) "\00\01\02\7f\80\ff\22quote\22 and \5cbackslash")
  (data (;2;) "passive")
  (data (;3;) (i32.const 16) "")
  (data (;4;) (i32.const 100)
    "The quick brown fox jumps over t"
    "he lazy dog. Pack my box with fi"
    "ve dozen liquor jugs. 0123456789"
    "abcdef")
)

;; Two memories (WebAssembly 3.0 multi-memory) for the CLI's AOT test (tests/CMakeLists.txt,
;; cli.aot_multi_memory): memory.copy from memory $a to memory $b, a load from $b, and an
;; out-of-bounds load in $b. Expected: copy(8) = 0x04030201 = 67305985 (little-endian).
(module
  (memory $a 1)
  (memory $b 1)
  (data (memory $a) (i32.const 0) "\01\02\03\04")
  (func (export "copy") (param i32) (result i32)
    (memory.copy $b $a (local.get 0) (i32.const 0) (i32.const 4))
    (i32.load $b (local.get 0)))
  (func (export "oob") (result i32)
    (i32.load $b (i32.const 65534))))

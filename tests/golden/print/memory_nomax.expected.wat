(module
  (memory (;0;) 3)
  (export "mem" (memory 0))
)

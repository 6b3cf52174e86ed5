(module
  (table (;0;) 0 funcref)
  (table (;1;) 5 100 funcref)
  (table (;2;) 2 externref)
  (memory (;0;) 1 65536)
)

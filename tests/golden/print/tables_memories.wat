;; Tables and memories with and without maximums, both reference types.
(module
  (table 0 funcref)
  (table 5 100 funcref)
  (table $ext 2 externref)
  (memory 1 65536)
)

;; A memory without a maximum.
(module
  (memory $m 3)
  (export "mem" (memory $m))
)

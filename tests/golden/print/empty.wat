;; The smallest module prints as (module).
(module)

;; hello: the host provides env.hello; run calls it.
(module
  (import "env" "hello" (func $hello))
  (func (export "run") call $hello))

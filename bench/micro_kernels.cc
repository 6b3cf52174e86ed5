// Text of the micro-benchmark kernels and its translation to a binary module (see
// micro_kernels.h). Each kernel isolates one cost; micro_interp.cc says which.
#include "micro_kernels.h"

#include "format/encode.h"
#include "text/wat.h"

namespace nwbench {
namespace {

constexpr const char* kKernels = R"wat(
(module
  (import "bench" "host" (func $host (param i32) (result i32)))
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  ;; sum of 1..n with a counted loop: locals, arithmetic and one backward branch per step.
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        local.get $n i32.eqz br_if $done
        local.get $acc local.get $n i32.add local.set $acc
        local.get $n i32.const 1 i32.sub local.set $n
        br $next))
    local.get $acc)
  ;; the same loop over linear memory: one i32 load and one store per step.
  (memory 1)
  (func (export "mem_loop") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        local.get $i local.get $n i32.ge_u br_if $done
        (i32.store (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc))
          (i32.add (i32.load (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc)))
                   (local.get $i)))
        local.get $i i32.const 1 i32.add local.set $i
        br $next))
    (i32.load (i32.const 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; wasm -> host calls: one import call per step.
  (func (export "call_host") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        local.get $n i32.eqz br_if $done
        (local.set $acc (i32.add (local.get $acc) (call $host (local.get $n))))
        local.get $n i32.const 1 i32.sub local.set $n
        br $next))
    local.get $acc))
)wat";

}  // namespace

nw::Result<std::vector<uint8_t>> KernelModuleBinary() {
  NW_TRY_ASSIGN(nw::ModuleDesc desc, nw::ParseWat(kKernels));
  return nw::EncodeModule(desc);
}

}  // namespace nwbench

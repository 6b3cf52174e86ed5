// The opt tier's SIMD (v128) code generator: the 0xFD-prefixed instructions of WebAssembly 2.0
// (format/simd_opcodes.def), emitted as target-independent LLVM vector IR on the function
// generator's operand stack. func_gen.cc hands every SIMD instruction here; control flow,
// locals, calls and bounds checks stay there (the `address` callback). Relaxed SIMD is not
// here. Internal to src/opt (includes LLVM headers).
#pragma once

#include <cstdint>
#include <vector>

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/IR/IRBuilder.h>

#include "opt/ir.h"

namespace nw::opt {

struct SimdEmitContext {
  llvm::IRBuilder<>& b;
  std::vector<llvm::Value*>& stack;  // v128 values are <2 x i64> here
  ModuleIr& m;
  // The address of a `size`-byte access at zext(addr) + offset, bounds-checked as configured.
  llvm::function_ref<llvm::Value*(llvm::Value* addr, uint64_t offset, uint32_t size)> address;
};

bool IsSimdOpcode(Opcode op);

// Emits one SIMD instruction (validated already). False when `in` is not one this generator
// knows (the caller reports it as unsupported).
bool EmitSimd(SimdEmitContext& cx, const Instr& in);

}  // namespace nw::opt

// What the opt tier's two LLVM translation units share: the per-module IR context (types,
// declared functions, TBAA tags) and the function-body generator's entry point. Internal to
// src/opt; only compiler.cc and func_gen.cc include LLVM headers (they are heavy to compile).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include "base/result.h"
#include "format/module.h"
#include "opt/compiler.h"
#include "opt/vm_context.h"
#include "validate/body_decoder.h"

namespace nw {
struct DecodeScratch;
}

namespace nw::opt {

enum class BuiltinId : uint32_t {
#define NW_BUILTIN(Name, Ret, Params, sig) k##Name,
#include "opt/builtins.def"
#undef NW_BUILTIN
  kCount
};

struct ModuleIr {
  llvm::LLVMContext& ctx;
  llvm::Module& mod;
  const ModuleDesc& desc;
  const ModuleContext& mctx;
  const Options& options;
  VmOffsets offsets;
  std::vector<llvm::Function*> funcs;           // per function index; null until used (FuncDecl)
  std::vector<llvm::FunctionType*> type_sigs;   // per type index: internal convention
  std::array<llvm::FunctionType*, static_cast<size_t>(BuiltinId::kCount)> builtin_types{};
  // TBAA access tags: vmctx fields, wasm linear memory, globals' storage, tables.
  llvm::MDNode* tbaa_vmctx = nullptr;
  llvm::MDNode* tbaa_mem = nullptr;
  llvm::MDNode* tbaa_global = nullptr;
  llvm::MDNode* tbaa_table = nullptr;
};

llvm::Type* IrType(llvm::LLVMContext& ctx, ValType t);
// The internal convention: (ptr vmctx, params...) -> void | T | {T...}.
llvm::FunctionType* InternalSig(llvm::LLVMContext& ctx, const FuncType& type);
// Whether the opt tier can represent values of type t at all (all of Wasm 2.0's now).
bool TypeSupported(ValType t);
// Slot words of a value in the array calling convention (v128: two, low first).
size_t SlotWidth(ValType t);
size_t SlotCount(std::span<const ValType> types);

// The llvm::Function of function `func_index` in this chunk's module: its definition when the
// chunk compiles it, else a declaration (external, hidden) made on first use.
llvm::Function* FuncDecl(ModuleIr& m, uint32_t func_index);

// Decodes, validates and emits the body of defined function `defined_index` into its
// llvm::Function (declared in m.funcs). On an unsupported instruction or a validation error,
// returns the error; the function's IR is then unusable (the caller drops the module).
Status GenerateFunction(ModuleIr& m, uint32_t defined_index, DecodeScratch& scratch);

}  // namespace nw::opt

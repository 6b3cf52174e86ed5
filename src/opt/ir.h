// What the opt tier's two LLVM translation units share: the per-module IR context (types,
// declared functions, TBAA tags) and the function-body generator's entry point. Internal to
// src/opt; only compiler.cc and func_gen.cc include LLVM headers (they are heavy to compile).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include "base/result.h"
#include "format/module.h"
#include "opt/compiler.h"
#include "runtime/builtins.h"
#include "runtime/vm.h"  // SlotWidth/SlotCount: the array convention's slot words
#include "runtime/vm_offsets.h"
#include "validate/body_decoder.h"

namespace nw {
struct DecodeScratch;
}

namespace nw::opt {

struct ModuleIr {
  llvm::LLVMContext& ctx;
  llvm::Module& mod;
  const ModuleDesc& desc;
  const ModuleContext& mctx;
  const Options& options;
  VMOffsets offsets;
  std::vector<llvm::Function*> funcs;           // per function index; null until used (FuncDecl)
  std::vector<llvm::FunctionType*> type_sigs;   // per type index: internal convention
  std::array<llvm::FunctionType*, static_cast<size_t>(BuiltinId::kCount)> builtin_types{};
  // TBAA access tags: vmctx fields, wasm linear memory, globals' storage, tables.
  llvm::MDNode* tbaa_vmctx = nullptr;
  llvm::MDNode* tbaa_mem = nullptr;
  llvm::MDNode* tbaa_global = nullptr;
  llvm::MDNode* tbaa_table = nullptr;
  // Ids of the canonical type per type index are loaded from the vmctx (type_ids slot);
  // bounds: explicit checks unless the memories have a guard region.
};

llvm::Type* IrType(llvm::LLVMContext& ctx, ValType t);
// The internal convention: (ptr vmctx, params...) -> void | T | {T...}.
llvm::FunctionType* InternalSig(llvm::LLVMContext& ctx, const FuncType& type);
// Whether the opt tier can represent values of type t at all (all of Wasm 2.0's now).
bool TypeSupported(ValType t);

// The llvm::Function of function `func_index` in this chunk's module: its definition when the
// chunk compiles it, else a declaration (external, hidden) made on first use.
llvm::Function* FuncDecl(ModuleIr& m, uint32_t func_index);

// Tags a linear-memory load or store (TBAA) and makes it volatile in the exact guard-region
// mode (BoundsMode::kGuardPages): the one place every wasm memory access goes through.
inline void TagMemAccess(const ModuleIr& m, llvm::Instruction* access) {
  access->setMetadata(llvm::LLVMContext::MD_tbaa, m.tbaa_mem);
  const bool keep = m.options.bounds == BoundsMode::kGuardPages && !m.options.relaxed_traps;
  if (auto* l = llvm::dyn_cast<llvm::LoadInst>(access)) l->setVolatile(keep);
  if (auto* s = llvm::dyn_cast<llvm::StoreInst>(access)) s->setVolatile(keep);
}

// Decodes, validates and emits the body of defined function `defined_index` into its
// llvm::Function (declared in m.funcs). On an unsupported instruction or a validation error,
// returns the error; the function's IR is then unusable (the caller drops the module).
Status GenerateFunction(ModuleIr& m, uint32_t defined_index, DecodeScratch& scratch);

}  // namespace nw::opt

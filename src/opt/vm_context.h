// INTERIM instance layout for the optimizing tier: what compiled code reads at fixed offsets
// from its vmctx pointer (the first argument of every compiled function). It follows h/tier's
// runtime/vm_offsets.h (ARCHITECTURE decision 9) where that exists — per memory index a
// pointer to the memory's {base, length}, then per global index a pointer to its 16-byte
// storage, offsets computed from the module's counts alone — and appends, until that header
// grows them, the fields h/tier plans ("to come"): builtins pointer, limits (stack limit),
// canonical type ids, tables of {entry, vmctx, type_id} references, imported functions. When
// vm_offsets.h lands, VmOffsets becomes a use of VMOffsets: a rename, not a redesign.
// No LLVM here: the AOT loader and the runtime include this header in builds without LLVM.
//
// The runtime finds its instance from a vmctx as Wasmtime does: the word just below the vmctx
// (VmInstanceOf) holds it, so builtins need no per-module offsets. Not here yet: fuel and
// epoch counters (the compiler refuses configurations that need them), inline defined globals.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nw::opt {

struct VmContext;

// A function reference as compiled code calls it: `entry` uses the internal calling
// convention (vmctx first, then the wasm parameters; results returned) of the function's
// type, `vmctx` is its instance's context, `type_id` the canonical type id that call_indirect
// compares. Host functions get an adapter entry of the same convention (not built yet).
struct VmFuncRef {
  const void* entry = nullptr;
  VmContext* vmctx = nullptr;
  uint32_t type_id = 0;
};

// A funcref table: element i is a VmFuncRef* (null = uninitialized element).
struct VmTable {
  VmFuncRef** elems = nullptr;
  uint64_t size = 0;
};

// An imported function, called with the array convention: arguments in args_results[0..P),
// results written to args_results[0..R) as slot words (i32/f32 low half, i64/f64 whole).
using VmArrayEntry = void (*)(void* callee_ctx, uint64_t* args_results);
struct VmImportFunc {
  VmArrayEntry entry = nullptr;
  void* callee_ctx = nullptr;
};

#define NW_BUILTIN(Name, Ret, Params, sig) using VmBuiltin##Name = Ret(*) Params;
#include "opt/builtins.def"
#undef NW_BUILTIN

struct VmBuiltins {
#define NW_BUILTIN(Name, Ret, Params, sig) VmBuiltin##Name Name = nullptr;
#include "opt/builtins.def"
#undef NW_BUILTIN
};

// A memory as code sees it (= h/tier's VMMemoryDefinition): `base` never moves (one
// reservation), `length` is the accessible size in bytes and changes on grow; instances that
// share a memory point at one definition, so a grow is seen by all of them.
struct VmMemoryDefinition {
  uint8_t* base = nullptr;
  uint64_t length = 0;
};
// A global's storage (= h/tier's VMGlobalDefinition): the slot representation; v128 lo, hi.
struct VmGlobalDefinition {
  uint64_t lo = 0;
  uint64_t hi = 0;
};
static_assert(offsetof(VmMemoryDefinition, length) == 8 && sizeof(VmGlobalDefinition) == 16);

// The vmctx is an opaque block of pointer-sized slots; VmOffsets says where each slot is.
struct VmContext;

class VmOffsets {
 public:
  static constexpr uint32_t kPointerSize = 8;
  VmOffsets() = default;
  VmOffsets(uint32_t num_memories, uint32_t num_globals)
      : num_memories_(num_memories == 0 ? 1 : num_memories), num_globals_(num_globals) {}

  // As vm_offsets.h: VmMemoryDefinition* of memory i (slot 0 exists even without memory),
  // then VmGlobalDefinition* of global i (imports included).
  static constexpr uint32_t memory(uint32_t i) { return kPointerSize * i; }
  uint32_t global(uint32_t i) const { return kPointerSize * (num_memories_ + i); }
  // Appended until vm_offsets.h has them.
  uint32_t builtins() const { return Tail(0); }     // const VmBuiltins*
  uint32_t stack_limit() const { return Tail(1); }  // uintptr_t: calls trap below it
  uint32_t type_ids() const { return Tail(2); }     // const uint32_t*: canonical id per type
  uint32_t tables() const { return Tail(3); }       // VmTable* const*: per table index
  uint32_t imports() const { return Tail(4); }      // VmImportFunc*: per imported function
  uint32_t size() const { return Tail(5); }

 private:
  uint32_t Tail(uint32_t k) const { return kPointerSize * (num_memories_ + num_globals_ + k); }
  uint32_t num_memories_ = 1;
  uint32_t num_globals_ = 0;
};

// Compiled functions that call nothing and have small frames skip the stack check, and
// builtins run on the guest's stack: the runtime sets stack_limit at least this far above the
// real end of the stack (guard page included).
inline constexpr uint64_t kStackRedZone = 128 * 1024;

// The runtime's instance object of a vmctx: the pointer stored just below the vmctx.
inline void* VmInstanceOf(const VmContext* vmctx) {
  return reinterpret_cast<void* const*>(vmctx)[-1];
}
static_assert(offsetof(VmFuncRef, entry) == 0 && offsetof(VmFuncRef, vmctx) == 8 &&
              offsetof(VmFuncRef, type_id) == 16);
static_assert(offsetof(VmTable, elems) == 0 && offsetof(VmTable, size) == 8);
static_assert(sizeof(VmImportFunc) == 16);

// Symbol names in compiled objects: the internal-convention entry of function index N and the
// array-call trampoline `void(VmContext*, uint64_t* args_results)` of function index N.
inline constexpr const char* kFuncSymbolPrefix = "nw_f";
inline constexpr const char* kArraySymbolPrefix = "nw_a";

}  // namespace nw::opt

// INTERIM instance layout for the optimizing tier: what compiled code reads at fixed offsets
// from its vmctx pointer (the first argument of every compiled function). It stands in for
// the runtime's one instance-layout header (ARCHITECTURE decision 9; h/tier's vm_offsets.h
// work), which will replace it: the field set below follows that plan (memory {base, bound},
// globals, tables of {entry, vmctx, type_id} function references, canonical type ids, a limits
// block with the stack limit, the builtins pointer), so the switch is a rename, not a redesign.
// No LLVM here: the AOT loader and the runtime include this header in builds without LLVM.
//
// Not here yet: fuel and epoch counters (the compiler refuses configurations that need them),
// per-memory entries for multi-memory, inline globals (globals are reached through a pointer
// each, so imported and defined globals look alike).
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

struct VmContext {
  uint8_t* mem0_base = nullptr;        // memory 0: start of its reservation
  uint64_t mem0_bound = 0;             // memory 0: accessible bytes
  const VmBuiltins* builtins = nullptr;
  uintptr_t stack_limit = 0;           // limits block: calls trap below this stack address
  const uint32_t* type_ids = nullptr;  // canonical id per type index of the module
  uint64_t** globals = nullptr;        // per global index: its 8-byte storage
  VmTable** tables = nullptr;          // per table index
  VmImportFunc* imports = nullptr;     // per imported function
  void* host = nullptr;                // the runtime's instance; opaque to compiled code
};

// The offsets the code generator uses (it builds addresses from these, never from the struct).
inline constexpr uint32_t kVmMem0Base = offsetof(VmContext, mem0_base);
inline constexpr uint32_t kVmMem0Bound = offsetof(VmContext, mem0_bound);
inline constexpr uint32_t kVmBuiltins = offsetof(VmContext, builtins);
inline constexpr uint32_t kVmStackLimit = offsetof(VmContext, stack_limit);
inline constexpr uint32_t kVmTypeIds = offsetof(VmContext, type_ids);
inline constexpr uint32_t kVmGlobals = offsetof(VmContext, globals);
inline constexpr uint32_t kVmTables = offsetof(VmContext, tables);
inline constexpr uint32_t kVmImports = offsetof(VmContext, imports);
static_assert(kVmMem0Base == 0 && kVmMem0Bound == 8 && kVmBuiltins == 16 &&
              kVmStackLimit == 24 && kVmTypeIds == 32 && kVmGlobals == 40 && kVmTables == 48 &&
              kVmImports == 56);
static_assert(offsetof(VmFuncRef, entry) == 0 && offsetof(VmFuncRef, vmctx) == 8 &&
              offsetof(VmFuncRef, type_id) == 16);
static_assert(offsetof(VmTable, elems) == 0 && offsetof(VmTable, size) == 8);
static_assert(sizeof(VmImportFunc) == 16);

// Symbol names in compiled objects: the internal-convention entry of function index N and the
// array-call trampoline `void(VmContext*, uint64_t* args_results)` of function index N.
inline constexpr const char* kFuncSymbolPrefix = "nw_f";
inline constexpr const char* kArraySymbolPrefix = "nw_a";

}  // namespace nw::opt

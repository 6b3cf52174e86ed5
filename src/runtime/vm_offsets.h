// The fixed-offset instance layout compiled code addresses (ARCHITECTURE decision 9, after
// Wasmtime's vmoffsets.rs): the standard-layout definitions code reads through pointers (a
// memory's base and bound, a global's 16 bytes, a table's element array and length, a
// function reference's code/vmctx/type id, the store's limits) and the per-instance context
// block (VMContext) whose slot offsets VMOffsets computes from the module's counts alone, so a
// tier bakes them into code at compile time, before any instance exists.
//
// The VMContext, 8-byte slots, in this order:
//   [-8]         the InstanceObj* (VMInstanceOf: builtins find their instance from the vmctx)
//   builtins     const VMBuiltins* (runtime/builtins.def: the one list of runtime builtins)
//   limits       VMStoreLimits* of the store (stack limit, fuel, epoch pointer and deadline)
//   type_ids     const uint32_t*: the canonical id of each type index (call_indirect compares)
//   memory i     VMMemoryDefinition* (at least one slot: an instance without memory points
//                slot 0 at the store's empty memory)
//   global i     VMGlobalDefinition* (imports included: an imported global is the exporter's)
//   table i      VMTableDefinition* (imports included)
//   func i       the FuncObj* of function index i (imports included); a FuncObj begins with
//                a VMFuncRef, so code calls any function reference the same way
// The opt tier addresses memory i through slot memory(i) alike for every i (multi-memory).
// Not yet: inline defined globals and memories (one load less).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "format/module.h"

namespace nw {

// A 32-bit memory with a guard region (Config::BoundsChecks): 4 GiB, the most a 32-bit memory
// can address, plus kGuardRegionBytes of PROT_NONE, so an access at a 32-bit address plus a
// static offset below kGuardRegionBytes faults instead of reaching other memory.
inline constexpr uint64_t kGuardRegionBytes = uint64_t{2} << 30;
inline constexpr uint64_t kGuardRegionReservation = (uint64_t{4} << 30) + kGuardRegionBytes;

// A linear memory as code sees it: `base` never moves (the reservation is made once),
// `length` is the accessible size in bytes and changes on grow.
struct VMMemoryDefinition {
  uint8_t* base = nullptr;
  uint64_t length = 0;
};

// A global's value in the slot representation (runtime/vm.h); v128: lo then hi.
struct VMGlobalDefinition {
  uint64_t lo = 0;
  uint64_t hi = 0;
};

// A table as code sees it: `base` moves on grow (the runtime updates both fields), elements
// are slot words (funcref: a FuncObj*, 0 = null; externref: the host word).
struct VMTableDefinition {
  uint64_t* base = nullptr;
  uint64_t length = 0;
};

// The prefix of every function object (FuncObj, runtime/vm.h): what a call through a function
// reference needs. `code`: the tier's entry of a wasm function (a compiled tier: machine code
// under its internal convention, vmctx first), null for a host function (callers take the
// runtime's host-call builtin instead); `vmctx`: the callee's instance context; `type_id`:
// the canonical type id (InternFuncType); `leaf`, `leaf_ctx`: a host leaf's native entry and
// its first argument (Func::CreateHostLeaf; null otherwise), which compiled code calls as a C
// function instead of taking the host-call builtin.
struct VMFuncRef {
  const void* code = nullptr;
  uint8_t* vmctx = nullptr;
  uint32_t type_id = 0;
  const void* leaf = nullptr;
  void* leaf_ctx = nullptr;
};
// Whether a host leaf of this type gets a C entry: numbers only, at most one result.
inline bool LeafHasCEntry(const FuncType& t) {
  if (t.results.size() > 1) return false;
  for (const std::vector<ValType>* v : {&t.params, &t.results})
    for (ValType vt : *v)
      if (vt != ValType::kI32 && vt != ValType::kI64 && vt != ValType::kF32 && vt != ValType::kF64) return false;
  return true;
}

// The per-store limits block (part of the runtime's StoreContext, runtime/vm.h). Compiled code
// checks its stack pointer against stack_limit in function prologues; fuel and the epoch
// deadline are the interruption state of Config::consume_fuel / epoch_interruption.
struct VMStoreLimits {
  uintptr_t stack_limit = 0;
  // fuel may go negative: the trap happens when it does.
  int64_t fuel = 0;
  const std::atomic<uint64_t>* epoch = nullptr;
  uint64_t epoch_deadline = UINT64_MAX;
};

static_assert(std::is_standard_layout_v<VMMemoryDefinition> &&
              offsetof(VMMemoryDefinition, base) == 0 &&
              offsetof(VMMemoryDefinition, length) == 8 && sizeof(VMMemoryDefinition) == 16);
static_assert(std::is_standard_layout_v<VMGlobalDefinition> &&
              offsetof(VMGlobalDefinition, lo) == 0 && offsetof(VMGlobalDefinition, hi) == 8 &&
              sizeof(VMGlobalDefinition) == 16);
static_assert(std::is_standard_layout_v<VMTableDefinition> &&
              offsetof(VMTableDefinition, base) == 0 && offsetof(VMTableDefinition, length) == 8);
static_assert(std::is_standard_layout_v<VMFuncRef> && offsetof(VMFuncRef, code) == 0 &&
              offsetof(VMFuncRef, vmctx) == 8 && offsetof(VMFuncRef, type_id) == 16 &&
              offsetof(VMFuncRef, leaf) == 24 && offsetof(VMFuncRef, leaf_ctx) == 32);
static_assert(std::is_standard_layout_v<VMStoreLimits> &&
              offsetof(VMStoreLimits, stack_limit) == 0 && offsetof(VMStoreLimits, fuel) == 8 &&
              offsetof(VMStoreLimits, epoch) == 16 && offsetof(VMStoreLimits, epoch_deadline) == 24);

// Byte offsets of the VMContext slots of instances of one module.
class VMOffsets {
 public:
  static constexpr uint32_t kPointerSize = 8;

  VMOffsets() = default;
  explicit VMOffsets(const ModuleDesc& m)
      : num_memories_(m.NumMemories() == 0 ? 1 : m.NumMemories()),
        num_globals_(m.NumGlobals()),
        num_tables_(m.NumTables()),
        num_funcs_(m.NumFuncs()) {}

  uint32_t num_memory_slots() const { return num_memories_; }
  uint32_t num_globals() const { return num_globals_; }
  uint32_t num_tables() const { return num_tables_; }
  uint32_t num_funcs() const { return num_funcs_; }

  static constexpr uint32_t builtins() { return 0; }
  static constexpr uint32_t limits() { return kPointerSize; }
  static constexpr uint32_t type_ids() { return 2 * kPointerSize; }
  // The slot holding memory i's VMMemoryDefinition*.
  static constexpr uint32_t memory(uint32_t i) { return kPointerSize * (kHeader + i); }
  // The slot holding global i's VMGlobalDefinition*.
  uint32_t global(uint32_t i) const { return kPointerSize * (kHeader + num_memories_ + i); }
  // The slot holding table i's VMTableDefinition*.
  uint32_t table(uint32_t i) const {
    return kPointerSize * (kHeader + num_memories_ + num_globals_ + i);
  }
  // The slot holding function i's FuncObj* (a VMFuncRef*).
  uint32_t func(uint32_t i) const {
    return kPointerSize * (kHeader + num_memories_ + num_globals_ + num_tables_ + i);
  }
  // Bytes of the whole block (a multiple of 8), not counting the instance word below it.
  uint32_t size() const { return func(num_funcs_); }

 private:
  static constexpr uint32_t kHeader = 3;  // builtins, limits, type_ids
  uint32_t num_memories_ = 1;
  uint32_t num_globals_ = 0;
  uint32_t num_tables_ = 0;
  uint32_t num_funcs_ = 0;
};

}  // namespace nw

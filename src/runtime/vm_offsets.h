// The fixed-offset instance layout compiled code addresses (ARCHITECTURE decision 9, after
// Wasmtime's vmoffsets.rs): the standard-layout definitions of a memory (base and bound) and a
// global (16 bytes, v128-sized), and the per-instance context block (VMContext) whose slot
// offsets VMOffsets computes from the module's counts alone, so a tier can bake them into code
// at compile time, before any instance exists.
//
// Today the VMContext holds, per memory index, a pointer to the memory's VMMemoryDefinition
// (at least one slot: an instance without memory points slot 0 at the store's empty memory)
// and, per global index, a pointer to the global's VMGlobalDefinition (imports included, so
// an imported global is the exporter's storage). Not yet in it (review item 2, to come):
// inline defined globals, tables {base, length}, function references {entry, vmctx, type_id},
// type ids, the builtins pointer and the limits block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "format/module.h"

namespace nw {

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

static_assert(std::is_standard_layout_v<VMMemoryDefinition> &&
              offsetof(VMMemoryDefinition, base) == 0 &&
              offsetof(VMMemoryDefinition, length) == 8 && sizeof(VMMemoryDefinition) == 16);
static_assert(std::is_standard_layout_v<VMGlobalDefinition> &&
              offsetof(VMGlobalDefinition, lo) == 0 && offsetof(VMGlobalDefinition, hi) == 8 &&
              sizeof(VMGlobalDefinition) == 16);

// Byte offsets of the VMContext slots of instances of one module.
class VMOffsets {
 public:
  static constexpr uint32_t kPointerSize = 8;

  VMOffsets() = default;
  explicit VMOffsets(const ModuleDesc& m)
      : num_memories_(m.NumMemories() == 0 ? 1 : m.NumMemories()),
        num_globals_(m.NumGlobals()) {}

  uint32_t num_memory_slots() const { return num_memories_; }
  uint32_t num_globals() const { return num_globals_; }

  // The slot holding memory i's VMMemoryDefinition* (the memories come first).
  static constexpr uint32_t memory(uint32_t i) { return kPointerSize * i; }
  // The slot holding global i's VMGlobalDefinition*.
  uint32_t global(uint32_t i) const { return kPointerSize * (num_memories_ + i); }
  // Bytes of the whole block (a multiple of 8).
  uint32_t size() const { return kPointerSize * (num_memories_ + num_globals_); }

 private:
  uint32_t num_memories_ = 1;
  uint32_t num_globals_ = 0;
};

}  // namespace nw

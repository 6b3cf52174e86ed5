// Compiled lift/lower plans: a function type is compiled once into flat vectors of ops with
// every offset, slot index, width, case table and list stride resolved, and one executor
// template runs them for every direction:
//   host values  -> core memory/flat values   (lowering into a callee, or a host's results)
//   core values  -> host values               (lifting a caller's args or a callee's results)
//   core values  -> core values               (a component-to-component call: the lift->lower
//                                              pair fused into one direct copy)
// Nothing walks the type per call and nothing allocates per call beyond realloc and host
// values. Semantics are those of canon_reference.h (tested equal), with one difference in
// the fused copy: lifting and lowering are interleaved value by value, so when the caller's
// values trap, the callee's realloc may already have run (the spec lifts everything first);
// the trap is the same.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "component/abi_types.h"
#include "component/canon_context.h"
#include "component/component_value.h"

namespace nw::component {

struct PlanOp {
  TypeKind code;     // the despecialized type kind, or kFixedList/kGroup below
  uint8_t width;     // bytes in memory (scalars, variant discriminant, flags)
  uint8_t as_list;   // kGroup: the host value is a list (an unrolled fixed-length list)
  uint32_t loc;      // memory offset from the reader's/writer's base, or flat slot index
  uint32_t a;        // kList/kFixedList: list table index; kVariant: first case table entry;
                     // kOwn/kBorrow: resource table index
  uint32_t n;        // kGroup: children; kVariant: cases; kFixedList: length; kFlags: labels
  uint32_t b;        // kVariant in flat form: payload slot count
  uint32_t end;      // kGroup: index one past its children in the same sequence
};

// The most host memory one lift into host values may build, in bytes: sizeof(ComponentValue)
// per value plus the bytes of strings and packed lists (a list<u8> of n bytes costs n plus one
// value). A guest can name a list of 2^28 elements, each a list or string pointing at the same
// memory again, so the host values of one call are otherwise unbounded; past this the call traps
// instead of exhausting host memory. The default of a ComponentStore; it may set another.
inline constexpr uint64_t kMaxHostValueBytes = uint64_t{512} << 20;

// Op codes beyond TypeKind's values.
inline constexpr TypeKind kOpFixedList = static_cast<TypeKind>(100);  // memory-form loop
inline constexpr TypeKind kOpGroup = static_cast<TypeKind>(101);      // record / unrolled list (host plans)
// PlanList::packed of a list whose host values are one value per element.
inline constexpr TypeKind kNotPacked = static_cast<TypeKind>(102);

struct PlanList {
  uint32_t seq;         // the element's op sequence (memory form, base = element address)
  uint32_t elem_size;
  uint32_t elem_align;
  bool plain;           // element bytes copy verbatim (integers without padding)
  TypeKind packed;      // a scalar element kind (bool, integers, floats, char): host values
                        // are packed lists (ComponentValue::Packed); else kNotPacked
};

struct Plan {
  static constexpr uint32_t kNoSeq = UINT32_MAX;
  std::vector<std::vector<PlanOp>> seqs;  // seqs[0] is the top level
  std::vector<PlanList> lists;
  std::vector<uint32_t> cases;            // per variant case: payload sequence or kNoSeq
  std::vector<const ResourceType*> resources;
  std::vector<std::string> async_types;   // kStream/kFuture: the type, for the lift's check
};

// One side of a signature: the values of the params or of the results.
struct ValuesPlan {
  Plan host;        // with record/tuple grouping, for host values
  Plan copy;        // without grouping, for core-to-core copies
  bool in_memory = false;  // passed as a pointer to a tuple in memory
  uint32_t flat_count = 0; // flat values when not in memory
  uint32_t align = 1, size = 0;  // the tuple's layout when in memory
  std::vector<TypeId> types;
};

struct FunctionPlan {
  const TypeTable* types = nullptr;
  ValuesPlan params;   // MAX_FLAT_PARAMS
  ValuesPlan results;  // MAX_FLAT_RESULTS
  FlatSignature lift_sig;   // core signature of the lifted (callee) core function
  FlatSignature lower_sig;  // core signature of the lowered (caller) core function

  static Result<FunctionPlan> Compile(const TypeTable& types, const FuncType& ft);
};

// Compiles `ts` as one value sequence; exposed for tests.
ValuesPlan CompileValues(const TypeTable& types, std::span<const TypeId> ts, size_t max_flat);

// ---- the directions -------------------------------------------------------------------------

// lower_flat_values without out-param: host values into `dst` (allocating the tuple when in
// memory). flat_out has room for vp.flat_count (or 1) values; returns how many were written.
Result<uint32_t> PlanLowerValues(const ValuesPlan& vp, const TypeTable& types, Side& dst,
                                 std::span<const ComponentValue> vs, std::span<uint64_t> flat_out);
// lower_flat_values with out_param (canon lower's results): host values to *out_param.
Status PlanLowerValuesTo(const ValuesPlan& vp, const TypeTable& types, Side& dst,
                         std::span<const ComponentValue> vs, uint32_t out_param,
                         std::span<uint64_t> flat_out);
// lift_flat_values: core values of `src` into host values, building at most
// `max_host_bytes` of them (see kMaxHostValueBytes; past it the call traps).
Result<std::vector<ComponentValue>> PlanLiftValues(const ValuesPlan& vp, Side& src,
                                                   std::span<const uint64_t> flat,
                                                   uint64_t max_host_bytes = kMaxHostValueBytes);
// The fused lift+lower: core values of src straight into dst. When the values are in memory,
// the destination tuple is allocated with dst's realloc (params) or is dst_out_param (results).
Result<uint32_t> PlanCopyValues(const ValuesPlan& vp, Side& src, Side& dst,
                                std::span<const uint64_t> flat_in, std::span<uint64_t> flat_out,
                                const uint32_t* dst_out_param);

// A tuple of values in memory at `ptr` must be aligned and in bounds (traps worded for a
// pointer from realloc or from the guest, and by path for a misaligned realloc result; the suite
// has no adapter wording for a tuple out of bounds, where wasmtime's adapter traps on the core
// memory access itself).
// Inline: every component-to-component call with a return area checks it twice.
inline Status CheckTuple(const ValuesPlan& vp, const Side& s, uint32_t ptr, bool from_realloc) {
  if (ptr & (vp.align - 1)) [[unlikely]]  // alignments are powers of two (1, 2, 4, 8)
    return Trap(from_realloc ? s.ReallocUnalignedText() : kTrapUnalignedPointer);
  if (!s.InBounds(ptr, vp.size)) [[unlikely]]
    return Trap(from_realloc ? kTrapReallocOutOfBounds : kTrapValuesOutOfBounds);
  return Ok();
}

// Handle transfer of own/borrow values (lift from src's table, lower into dst's), with the
// traps of definitions.py; shared by the plans and the fused adapters (fused_adapter.h).
Result<uint32_t> LiftOwn(Side& s, uint32_t i, const ResourceType* rt);
Result<uint32_t> LiftBorrow(Side& s, uint32_t i, const ResourceType* rt);
Result<uint32_t> LowerOwn(Side& s, uint32_t rep, const ResourceType* rt);
Result<uint32_t> LowerBorrow(Side& s, uint32_t rep, const ResourceType* rt);

}  // namespace nw::component

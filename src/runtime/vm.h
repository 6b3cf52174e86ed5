// The runtime's objects as every execution tier sees them: what a function, memory, table,
// global and instance object holds, the per-store context the runtime shares with the tier
// (StoreContext), and the slot representation of values. Tier-neutral: the code of a function
// is an opaque entry (runtime/tier.h); the interpreter's code, frames and stacks live in
// src/interp. Tiers reach runtime state through these structs and the helpers declared below.
//
// Value representation in 8-byte slots (frames, globals, table elements):
//   i32/f32: the low 4 bytes (the upper 4 are unspecified), i64/f64: all 8 bytes,
//   funcref: the FuncObj* (0 = null), externref: the host word (0 = null).
// v128 takes two adjacent slots (low 8 bytes first).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "format/module.h"
#include "nanowasm/runtime.h"
#include "runtime/interrupt.h"
#include "runtime/table_storage.h"
#include "runtime/tier.h"
#include "runtime/vm_offsets.h"

namespace nw {

struct InstanceObj;
class FuncObj;
class MemoryObj;
class TableObj;
class GlobalObj;

// Most elements a table may hold, whatever its type allows: a guest cannot make the host
// allocate more than this (table.grow returns -1 beyond it).
inline constexpr uint64_t kMaxTableElems = 10'000'000;

// Process-wide canonical id of a function type: equal types (structurally) get equal ids, so
// call_indirect's signature check is one integer compare, across modules and stores.
uint32_t InternFuncType(const FuncType& type);

struct Module::Impl {
  ModuleDesc desc;
  std::vector<uint32_t> type_ids;      // canonical id per type index
  VMOffsets offsets;                   // the layout of its instances' VMContext
  const Tier* tier = nullptr;          // the tier that compiled `code`
  Config config;                       // the engine's, which `code` was compiled for
  std::unique_ptr<const CompiledCode> code;
};

struct Func::Impl {
  // First, in VMFuncRef's order (runtime/vm_offsets.h), so compiled code calls any function
  // reference (a FuncObj*) through fixed offsets: the tier's entry (CompiledCode::Entry's
  // `code`; nullptr marks a host function, which the tier's own calls test first), the
  // instance's VMContext (null for host functions) and the canonical type id.
  const void* code = nullptr;
  uint8_t* vmctx = nullptr;
  uint32_t type_id = 0;
  // A host leaf (Func::CreateHostLeaf): its native entry and context (also in raw_ctx).
  const void* leaf = nullptr;
  void* leaf_ctx = nullptr;
  // The function's type: the module's own (which the instance keeps alive) for a wasm
  // function, so an instance of 100,000 functions of a 2,000-value type does not copy it
  // 100,000 times; host_type for a host function.
  const FuncType* type = nullptr;
  std::unique_ptr<const FuncType> host_type;
  InstanceObj* instance = nullptr;  // null for host functions
  ArrayCall array_call = nullptr;
  const void* array_data = nullptr;  // FuncEntry::array_data
  HostCallback host;
  RawHostCallback raw_host = nullptr;  // instead of host when set (Func::CreateHostRaw)
  void* raw_ctx = nullptr;
  uint32_t func_index = 0;
  // Host functions: max(slots of the params, slots of the results), the words a call from
  // wasm reserves for them (set by CreateHost / CreateHostRaw).
  uint32_t host_slots = 0;
};

class FuncObj final : public Func {
 public:
  Func::Impl f;
};
// A FuncObj* is a VMFuncRef* (Func is an empty base; clang lays out these non-standard-layout
// classes as written, which offsetof checks here).
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winvalid-offsetof"
static_assert(offsetof(FuncObj, f) == 0 &&
              offsetof(Func::Impl, code) == offsetof(VMFuncRef, code) &&
              offsetof(Func::Impl, vmctx) == offsetof(VMFuncRef, vmctx) &&
              offsetof(Func::Impl, type_id) == offsetof(VMFuncRef, type_id) &&
              offsetof(Func::Impl, leaf) == offsetof(VMFuncRef, leaf) &&
              offsetof(Func::Impl, leaf_ctx) == offsetof(VMFuncRef, leaf_ctx));
#pragma clang diagnostic pop

class MemoryObj final : public Memory {
 public:
  MemoryObj() = default;
  ~MemoryObj();
  // base: the reservation (PROT_NONE beyond length); length: accessible bytes.
  VMMemoryDefinition def_;
  uint64_t reserved_ = 0;      // bytes of address space reserved
  uint64_t max_pages_ = kMaxPages;
  bool has_max_ = false;
  uint64_t limit_pages_ = kMaxPages;  // the store's limit (StoreLimits::max_memory_pages)
  bool denied_by_limit_ = false;      // the last failed grow hit limit_pages_, not max_pages_
  bool guard_region_ = false;  // reserved kGuardRegionReservation (Config::UsesGuardRegion)
  bool Init(const MemoryType& type);
  int64_t GrowPages(uint64_t delta);
};

class TableObj final : public Table {
 public:
  TableElems elems_;  // storage grows with use: untouched (null) elements cost no memory
  // elems_'s base and size as code sees them (VMContext table slots point here); refreshed by
  // SyncDef whenever elems_ grows (its storage may move).
  VMTableDefinition def_;
  void SyncDef() { def_ = {elems_.data(), elems_.size()}; }
  ValType elem_type_ = ValType::kFuncRef;
  std::optional<uint64_t> max_;
  uint64_t limit_ = kMaxTableElems;  // the store's limit (StoreLimits::max_table_elements)
  bool denied_by_limit_ = false;     // the last failed grow hit limit_
  int64_t GrowBy(uint32_t delta, uint64_t init);
  // The most elements this table can ever hold (its maximum, capped by the store's limit).
  uint64_t ReachableMax() const { return std::min(max_.value_or(0xffffffffu), limit_); }
};

class GlobalObj final : public Global {
 public:
  GlobalType type_;
  VMGlobalDefinition def_;  // the value (slot representation); v128: lo, hi
};

// A tag (exception handling): its identity is the object; the type id lets imports match.
class TagObj final : public Tag {
 public:
  FuncType type_;
  uint32_t type_id_ = 0;
};

// An exception (exception handling): what `throw` made, referenced by exnref slot words (the
// ExnObj*, 0 = null). Owned by the store; unreachable ones are reclaimed by
// CollectExceptions, so a guest that throws in a loop does not grow the store.
struct ExnObj {
  TagObj* tag = nullptr;
  std::vector<uint64_t> payload;  // the tag's parameters as slot words (v128: two)
  bool marked = false;
  // Handed to the host (a result, a host function's argument, Global/Table::Get): never
  // reclaimed, since the runtime cannot see what the host keeps.
  bool pinned = false;
};
// Pins the exception of exnref slot word `w` (see ExnObj::pinned); nothing for other types.
inline void PinIfExn(ValType t, uint64_t w) {
  if (t == ValType::kExnRef && w != 0) reinterpret_cast<ExnObj*>(w)->pinned = true;
}

struct InstanceObj final : public Instance {
  std::shared_ptr<const Module> module;
  Store* store = nullptr;
  std::vector<FuncObj*> funcs;
  std::vector<TagObj*> tags;  // imports first
  std::vector<TableObj*> tables;
  std::vector<MemoryObj*> memories;
  std::vector<GlobalObj*> globals;
  std::vector<std::vector<uint64_t>> elem_segments;  // evaluated items; cleared on drop
  std::vector<bool> data_dropped;
  std::map<std::string, Extern, std::less<>> exports;
  MemoryObj* mem0 = nullptr;  // memory 0 or the store's empty memory
  // The VMContext (runtime/vm_offsets.h), laid out by module->impl().offsets; filled once the
  // imports and definitions exist (BuildVMContext), before any of the module's code runs.
  // vmctx_storage[0] is the instance word (VMInstanceOf), vmctx = &vmctx_storage[1].
  std::unique_ptr<uint64_t[]> vmctx_storage;
  uint8_t* vmctx = nullptr;
};

// A store's execution state as the runtime sees it; the runtime sets these fields (Store's
// fuel, epoch deadline and limits) and every tier reads them while running. A tier extends the
// struct with its own per-store state (Tier::NewStoreContext), so they stay one load away.
// The VMStoreLimits base (stack limit, fuel, epoch pointer and deadline; Config::consume_fuel /
// epoch_interruption, tiers emit checks only when enabled) is what every instance's VMContext
// `limits` slot points at.
struct StoreContext : VMStoreLimits {
  Store* store = nullptr;
  // How a runtime builtin (runtime/builtins.h) that must trap leaves the tier's code: the
  // builtin stores the trap in pending_trap and calls this, which does not return (a compiled
  // tier unwinds to its entry). Set by tiers whose code calls the builtins.
  void (*unwind)(StoreContext* ctx) = nullptr;
  Trap pending_trap;
  // Where a check in compiled code trapped (the Trap builtin): the function (null: unknown;
  // the innermost compiled frame is then the trapping one) and the instruction's wasm offset.
  const FuncObj* pending_trap_func = nullptr;
  uint32_t pending_trap_offset = 0;
  // The engine's switches (set by the Store), for the bulk operations (memory.fill/copy/init,
  // table.fill/copy/init/grow), which charge fuel by size and check the epoch between chunks.
  bool consume_fuel = false;
  bool epoch_interruption = false;
  bool trap_on_grow_failure = false;  // StoreLimits::trap_on_grow_failure
  // Set by a tier whose code reads fuel, the epoch deadline and the stack limit through the
  // VMContext's limits slot (compiled code: the store's live block, Store::Impl::live_limits)
  // rather than from the current context: the runtime then keeps fuel and the deadline there,
  // store-wide, whichever context is current (Store::Impl::run_limits). Unset (the
  // interpreter), they are in the current context and SwitchExecContext moves them.
  bool compiled_limits = false;
  // The stack limit of this context's computation while another context runs: compiled code
  // reads the limit from the store's live block (Store::Impl::live_limits), which
  // Store::SwitchExecContext gives to the context that runs next (each may run on its own
  // host thread, with its own stack). 0: it has not entered compiled code yet.
  uintptr_t saved_stack_limit = 0;
};

struct Store::Impl {
  explicit Impl(const Engine& e) : engine(e) {}
  ~Impl();
  const Engine& engine;
  std::vector<std::unique_ptr<FuncObj>> funcs;
  std::vector<std::unique_ptr<MemoryObj>> memories;
  std::vector<std::unique_ptr<TableObj>> tables;
  std::vector<std::unique_ptr<GlobalObj>> globals;
  std::vector<std::unique_ptr<InstanceObj>> instances;
  std::vector<std::unique_ptr<TagObj>> tags;
  std::vector<std::unique_ptr<ExnObj>> exceptions;  // see CollectExceptions
  size_t exn_collect_at = 1024;  // collect when this many exceptions exist
  MemoryObj empty_memory;  // mem0 of instances without memory: size 0, every access traps
  StoreLimits limits;
  StoreContext* ctx = nullptr;  // from the engine's tier; never null; the current one
  StoreContext* own_ctx = nullptr;  // the store's own once SwitchExecContext was used
  // The limits block every instance's VMContext points at (compiled code reads its stack
  // limit, fuel and epoch deadline there): the store's own context's, which lives as long as
  // the store, whichever context is current when an instance is made.
  VMStoreLimits* live_limits() const { return own_ctx != nullptr ? own_ctx : ctx; }
  // Where the running computation's fuel and epoch deadline are (StoreContext::compiled_limits).
  VMStoreLimits* run_limits() const { return ctx->compiled_limits ? live_limits() : ctx; }
  StoreWake wake;  // Store::Interrupt and HostWait (interrupt.cc)
};

// The instance of a VMContext: the word stored just below it.
inline InstanceObj* VMInstanceOf(const uint8_t* vmctx) {
  InstanceObj* inst;
  std::memcpy(&inst, vmctx - 8, sizeof inst);
  return inst;
}

inline FuncObj* AsObj(Func* f) { return static_cast<FuncObj*>(f); }
inline MemoryObj* AsObj(Memory* m) { return static_cast<MemoryObj*>(m); }
inline TableObj* AsObj(Table* t) { return static_cast<TableObj*>(t); }
inline GlobalObj* AsObj(Global* g) { return static_cast<GlobalObj*>(g); }
inline TagObj* AsObj(Tag* t) { return static_cast<TagObj*>(t); }

// Val <-> slot word.
inline uint64_t ValToWord(const Val& v) {
  if (v.type == ValType::kFuncRef) return reinterpret_cast<uint64_t>(v.func);
  return v.bits;
}
inline Val WordToVal(ValType t, uint64_t w) {
  switch (t) {
    case ValType::kI32:
    case ValType::kF32: return Val::Make(t, w & 0xffffffffu);
    case ValType::kFuncRef: return Val::FuncRef(reinterpret_cast<Func*>(w));
    default: return Val::Make(t, w);
  }
}

// Values in slots: v128 takes two consecutive slots (low bytes first), every other type one.
inline uint32_t SlotWidth(ValType t) { return t == ValType::kV128 ? 2 : 1; }
inline size_t SlotCount(std::span<const ValType> types) {
  size_t n = 0;
  for (ValType t : types) n += SlotWidth(t);
  return n;
}
// Writes v into out[0] (and out[1] for v128); returns the number of slots written.
inline uint32_t ValToSlots(const Val& v, uint64_t* out) {
  if (v.type == ValType::kV128) {
    std::memcpy(out, v.v128.bytes, 16);
    return 2;
  }
  out[0] = ValToWord(v);
  return 1;
}
inline Val SlotsToVal(ValType t, const uint64_t* in) {
  if (t == ValType::kV128) {
    Val v = Val::Make(ValType::kV128, 0);
    std::memcpy(v.v128.bytes, in, 16);
    return v;
  }
  return WordToVal(t, in[0]);
}

FuncObj* NewFuncObj(Store& store);
TagObj* NewTagObj(Store& store, const FuncType& type);
// A new exception of `tag` with `payload`. When the store holds many, the unreachable ones are
// reclaimed first: reachable are those whose pointer appears in `roots` (the tier's live
// value-stack words, scanned conservatively), in an exnref global or table of the store, in
// `pending` or in the payload of a reachable one. Null when memory runs out.
ExnObj* NewExnObj(Store& store, TagObj* tag, std::span<const uint64_t> payload,
                  std::span<const uint64_t> roots, const ExnObj* pending = nullptr);
InstanceObj* NewInstanceObj(Store& store);
// Store-owned objects of a given type; nullptr when the type cannot be represented (v128
// globals, a table or memory larger than the limits below, address space exhausted).
MemoryObj* NewMemoryObj(Store& store, const MemoryType& type);
TableObj* NewTableObj(Store& store, const TableType& type, uint64_t init);
GlobalObj* NewGlobalObj(Store& store, const GlobalType& type, uint64_t value, uint64_t hi = 0);


// Appends n frames below (outside) those t already has, frame i (0 = innermost of the new ones)
// made by make(i), keeping the bound of Trap::kBacktraceHead/kBacktraceTail: only the frames
// kept are made, so the cost does not depend on n.
void AppendOuterFrames(Trap& t, size_t n, const std::function<Frame(size_t)>& make);

// A trap of `kind` with the spec's message and no backtrace.
Trap MakeTrap(TrapKind kind);
Trap MakeHostTrap(std::string message);

// The backtrace frame of `f` stopped at code position `pc` of its tier (0: unknown), with
// names from the name section and the wasm offset from CompiledCode::WasmOffsetAt.
Frame MakeFrame(const FuncObj* f, uintptr_t pc = 0);

// Calls `f` (wasm or host) from the host with slot words; wasm functions through their tier's
// ArrayCall. Func::Call, Func::CallUnchecked and start functions go through here.
TrapResult<void> InvokeFunc(Store& store, FuncObj* f, std::span<const uint64_t> args,
                            std::span<uint64_t> results);

// Calls host function `f` on behalf of `caller` (null from the host) with its arguments in
// words[0..) as slot words, and writes its results there (words must have room for
// max(params, results) slots). Converts to and from Val and checks the result types.
TrapResult<void> CallHostFunc(Store& store, Instance* caller, FuncObj* f, uint64_t* words);

// The trap of a host function that threw (std::bad_alloc or anything else); call only from a
// catch block: no exception may unwind through a tier's frames.
[[gnu::cold]] Trap HostExceptionTrap() noexcept;

// CallHostFunc for a raw host function (f->f.raw_host set), inline for a tier's wasm→host
// call: nothing converted, no further call layer.
[[gnu::always_inline]] inline TrapResult<void> CallRawHostFunc(Store& store,
                                                               Instance* caller_instance,
                                                               FuncObj* f, uint64_t* words) {
  Caller caller(store, caller_instance);
  try {
    return f->f.raw_host(f->f.raw_ctx, caller, words);
  } catch (...) {
    return std::unexpected(HostExceptionTrap());
  }
}

// The bounds-checked copies of table.init / memory.init (and of active segments at
// instantiation): false, with nothing written, when [s, s+n) is outside `src` or [d, d+n)
// outside the destination.
bool InitTableRange(TableObj& table, std::span<const uint64_t> src, uint32_t d, uint32_t s,
                    uint32_t n);
bool InitMemoryRange(MemoryObj& memory, std::span<const uint8_t> src, uint32_t d, uint32_t s,
                     uint32_t n);

}  // namespace nw

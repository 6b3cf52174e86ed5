// The instance layout and execution state shared by the runtime and every execution tier: what
// a function, memory, table, global and instance object holds, the translated code of a
// function, and the per-store execution context the interpreter's handlers keep in a register.
// Tiers reach runtime state only through these structs (and the builtins in interp/exec.cc).
//
// Value representation in 8-byte slots (frames, globals, table elements):
//   i32/f32: the low 4 bytes (the upper 4 are unspecified), i64/f64: all 8 bytes,
//   funcref: the FuncObj* (0 = null), externref: the host word (0 = null).
// v128 takes two adjacent slots (low 8 bytes first).
#pragma once

#include <algorithm>
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

// The interpreter's code for one defined function (filled by interp/translate.cc).
struct CompiledFunc {
  std::vector<uint64_t> code;  // handler words + operands; the entry is code.data()
  uint32_t num_params = 0;     // slots holding the arguments (frame slots 0..)
  uint32_t num_results = 0;
  uint32_t frame_slots = 0;    // slots the frame needs, from fp (args, locals, consts, stack)
  // Frame entry: slots [num_params, num_params + zero_slots) (declared locals and the rest of
  // the result region) are zeroed, then the function's constants are copied from `init` to
  // the slots that follow. Both are done two slots at a time: an odd zero region spills one
  // zero into the first constant slot (written next), and `init` is padded to an even length
  // (the padding lands in the first stack slot, which is scratch at entry). Locals cost no
  // memory here: a function declaring 50,000 locals keeps only its constants.
  uint32_t zero_slots = 0;
  uint32_t zero_pairs = 0;  // (zero_slots + 1) / 2
  std::vector<uint64_t> init;
  uint32_t init_pairs = 0;  // init.size() / 2
  uint32_t func_index = 0;  // in the module's function index space
  // Where each stretch of code came from: (byte position in `code`, byte offset of the wasm
  // instruction in the module), ascending; for backtraces only.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  // The module offset of the wasm instruction whose code contains byte position `pos`.
  size_t WasmOffsetAt(size_t pos) const {
    auto it = std::upper_bound(offsets.begin(), offsets.end(), pos,
                               [](size_t p, const auto& e) { return p < e.first; });
    return it == offsets.begin() ? 0 : std::prev(it)->second;
  }
};

struct Module::Impl {
  ModuleDesc desc;
  std::vector<uint32_t> type_ids;      // canonical id per type index
  std::vector<CompiledFunc> compiled;  // per defined function
};

struct Func::Impl {
  // The function's type: the module's own (which the instance keeps alive) for a wasm
  // function, so an instance of 100,000 functions of a 2,000-value type does not copy it
  // 100,000 times; host_type for a host function.
  const FuncType* type = nullptr;
  std::unique_ptr<const FuncType> host_type;
  uint32_t type_id = 0;
  InstanceObj* instance = nullptr;      // null for host functions
  const CompiledFunc* code = nullptr;   // null for host functions
  HostCallback host;
  uint32_t func_index = 0;
};

class FuncObj final : public Func {
 public:
  Func::Impl f;
};

class MemoryObj final : public Memory {
 public:
  MemoryObj() = default;
  ~MemoryObj();
  uint8_t* data_ = nullptr;    // reserved (PROT_NONE beyond size_)
  uint64_t size_ = 0;          // accessible bytes
  uint64_t reserved_ = 0;      // bytes of address space reserved
  uint64_t max_pages_ = kMaxPages;
  bool has_max_ = false;
  uint64_t limit_pages_ = kMaxPages;  // the store's limit (StoreLimits::max_memory_pages)
  bool denied_by_limit_ = false;      // the last failed grow hit limit_pages_, not max_pages_
  bool Init(const MemoryType& type);
  int64_t GrowPages(uint64_t delta);
};

class TableObj final : public Table {
 public:
  TableElems elems_;  // storage grows with use: untouched (null) elements cost no memory
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
  uint64_t value_ = 0;     // the value (slot representation); v128: its low 8 bytes
  uint64_t v128_hi_ = 0;   // v128: the high 8 bytes
};

struct InstanceObj final : public Instance {
  std::shared_ptr<const Module> module;
  Store* store = nullptr;
  std::vector<FuncObj*> funcs;
  std::vector<TableObj*> tables;
  std::vector<MemoryObj*> memories;
  std::vector<GlobalObj*> globals;
  std::vector<std::vector<uint64_t>> elem_segments;  // evaluated items; cleared on drop
  std::vector<bool> data_dropped;
  std::map<std::string, Extern, std::less<>> exports;
  MemoryObj* mem0 = nullptr;  // memory 0 or the store's empty memory
};

// A wasm activation on the call-frame stack. The entry activation has ret_ip == nullptr.
struct CallFrame {
  const uint8_t* ret_ip;  // where the caller continues
  uint64_t* fp;           // the caller's frame
  FuncObj* func;          // the function running in this activation
};

// The per-store execution context: the handlers' `ctx` register.
struct ExecCtx {
  // Cache of the running instance (switched on cross-instance calls and returns).
  InstanceObj* inst = nullptr;
  FuncObj* const* funcs = nullptr;
  GlobalObj* const* globals = nullptr;
  TableObj* const* tables = nullptr;
  MemoryObj* mem0 = nullptr;
  CallFrame* cf = nullptr;        // innermost activation
  CallFrame* cf_limit = nullptr;  // one past the last usable entry
  uint64_t* stack_end = nullptr;
  uint64_t* sp = nullptr;         // first free slot for a new entry from the host
  Store* store = nullptr;
  // Interruption (Config::consume_fuel / epoch_interruption; checks are only translated when
  // enabled). fuel may go negative: the trap happens when it does.
  int64_t fuel = 0;
  const std::atomic<uint64_t>* epoch = nullptr;
  uint64_t epoch_deadline = UINT64_MAX;
  // The engine's switches, for the bulk operations (memory.fill/copy/init, table.fill/copy/
  // init/grow), which charge fuel by size and check the epoch between chunks.
  bool consume_fuel = false;
  bool epoch_interruption = false;
  bool trap_on_grow_failure = false;  // StoreLimits::trap_on_grow_failure
  TrapKind trap_kind = TrapKind::kUnreachable;
  uint32_t trap_index = 0;        // kUninitializedElement: the table index (in the message)
  const uint8_t* trap_ip = nullptr;  // the instruction that trapped
  bool host_trapped = false;
  Trap host_trap;                 // set when a host function failed
  // Storage.
  std::unique_ptr<CallFrame[]> frames;
  uint64_t* stack_base = nullptr;
  size_t stack_bytes = 0;
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
  MemoryObj empty_memory;  // mem0 of instances without memory: size 0, every access traps
  StoreLimits limits;
  ExecCtx exec;
  StoreWake wake;  // Store::Interrupt and HostWait (interrupt.cc)
};

inline FuncObj* AsObj(Func* f) { return static_cast<FuncObj*>(f); }
inline MemoryObj* AsObj(Memory* m) { return static_cast<MemoryObj*>(m); }
inline TableObj* AsObj(Table* t) { return static_cast<TableObj*>(t); }
inline GlobalObj* AsObj(Global* g) { return static_cast<GlobalObj*>(g); }

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

// The bounds-checked copies of table.init / memory.init (and of active segments at
// instantiation): false, with nothing written, when [s, s+n) is outside `src` or [d, d+n)
// outside the destination.
bool InitTableRange(TableObj& table, std::span<const uint64_t> src, uint32_t d, uint32_t s,
                    uint32_t n);
bool InitMemoryRange(MemoryObj& memory, std::span<const uint8_t> src, uint32_t d, uint32_t s,
                     uint32_t n);

}  // namespace nw

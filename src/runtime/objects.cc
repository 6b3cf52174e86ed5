// Store objects: functions, memories (address-space reservation, growth by mprotect), tables,
// globals and instances, their public API, the Store that owns them, trap texts and backtrace
// frames, and calls from the host (into wasm through the function's tier, runtime/tier.h; into
// host functions directly). Instantiation and linking are in instantiate.cc.
#include <cstdio>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <new>
#include <string>

#include "base/inline_buffer.h"
#include "runtime/vm.h"

namespace nw {

// ---- traps ----------------------------------------------------------------------------------

std::string_view TrapKindMessage(TrapKind k) {
  switch (k) {
    case TrapKind::kUnreachable: return "unreachable";
    case TrapKind::kMemoryOutOfBounds: return "out of bounds memory access";
    case TrapKind::kTableOutOfBounds: return "out of bounds table access";
    case TrapKind::kUndefinedElement: return "undefined element";
    case TrapKind::kUninitializedElement: return "uninitialized element";
    case TrapKind::kIndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::kIntegerDivideByZero: return "integer divide by zero";
    case TrapKind::kIntegerOverflow: return "integer overflow";
    case TrapKind::kInvalidConversion: return "invalid conversion to integer";
    case TrapKind::kStackExhausted: return "call stack exhausted";
    case TrapKind::kNullReference: return "null reference";
    case TrapKind::kOutOfFuel: return "all fuel consumed";
    case TrapKind::kInterrupted: return "interrupted";
    case TrapKind::kHostError: return "host error";
    case TrapKind::kExit: return "exit";
    case TrapKind::kResourceLimit: return "resource limit exceeded";
    case TrapKind::kException: return "uncaught exception";
  }
  return "unknown trap";
}

std::string Trap::ToString() const {
  std::string s = "trap: " + message + "\n";
  for (size_t i = 0; i < backtrace.size(); ++i) {
    if (i == kBacktraceHead && frames_omitted != 0)
      s += "  \u2026 " + std::to_string(frames_omitted) + " frames omitted\n";
    s += "  #" + std::to_string(FrameDepth(i)) + " " + backtrace[i].func_name;
    if (backtrace[i].code_offset != 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " @0x%zx", backtrace[i].code_offset);
      s += buf;
    }
    s += "\n";
  }
  return s;
}

void AppendOuterFrames(Trap& t, size_t n, const std::function<Frame(size_t)>& make) {
  constexpr size_t kHead = Trap::kBacktraceHead, kTail = Trap::kBacktraceTail;
  const size_t before = t.backtrace.size() + t.frames_omitted;
  const size_t total = before + n;
  if (total <= kHead + kTail) {
    for (size_t i = 0; i < n; ++i) t.backtrace.push_back(make(i));
    return;
  }
  // Frame g of the whole stack: one t already holds (its omitted range is never asked for:
  // the new head and tail lie within the old ones), or new frame g - before.
  auto frame_at = [&](size_t g) {
    if (g >= before) return make(g - before);
    return std::move(t.backtrace[g < kHead ? g : g - t.frames_omitted]);
  };
  std::vector<Frame> out;
  out.reserve(kHead + kTail);
  for (size_t g = 0; g < kHead; ++g) out.push_back(frame_at(g));
  for (size_t g = total - kTail; g < total; ++g) out.push_back(frame_at(g));
  t.backtrace = std::move(out);
  t.frames_omitted = total - kHead - kTail;
}

Trap MakeTrap(TrapKind kind) {
  Trap t;
  t.kind = kind;
  t.message = std::string(TrapKindMessage(kind));
  return t;
}

Trap MakeHostTrap(std::string message) {
  Trap t;
  t.kind = TrapKind::kHostError;
  t.message = std::move(message);
  return t;
}

Frame MakeFrame(const FuncObj* f, uintptr_t pc) {
  Frame fr;
  fr.func_index = f->f.func_index;
  if (f->f.instance == nullptr) {
    fr.func_name = "<host>";
    return fr;
  }
  const Module::Impl& m = f->f.instance->module->impl();
  const ModuleDesc& d = m.desc;
  const uint32_t defined = f->f.func_index - d.num_imported_funcs;
  if (pc != 0 && f->f.func_index >= d.num_imported_funcs && defined < d.functions.size())
    fr.code_offset = m.code->WasmOffsetAt(defined, pc).value_or(0);
  fr.func_name = d.FuncName(f->f.func_index);
  if (fr.func_name.size() > Trap::kMaxFrameNameBytes) {
    fr.func_name.resize(Trap::kMaxFrameNameBytes);
    fr.func_name += "\u2026";
  }
  if (fr.code_offset != 0 && defined < d.functions.size() &&
      d.functions[defined].start_offset != 0 &&
      fr.code_offset >= d.functions[defined].start_offset)
    fr.func_offset = fr.code_offset - d.functions[defined].start_offset;
  if (d.names.module) fr.module_name = *d.names.module;
  return fr;
}

// ---- functions ------------------------------------------------------------------------------

FuncObj* NewFuncObj(Store& store) {
  auto& v = store.impl().funcs;
  v.push_back(std::make_unique<FuncObj>());
  return v.back().get();
}

Func* Func::CreateHost(Store& store, FuncType type, HostCallback callback) {
  FuncObj* f = NewFuncObj(store);
  f->f.type_id = InternFuncType(type);
  f->f.host_type = std::make_unique<const FuncType>(std::move(type));
  f->f.type = f->f.host_type.get();
  f->f.host = std::move(callback);
  f->f.host_slots = static_cast<uint32_t>(
      std::max(SlotCount(f->f.type->params), SlotCount(f->f.type->results)));
  return f;
}

Func* Func::CreateHostRaw(Store& store, FuncType type, RawHostCallback callback, void* ctx) {
  FuncObj* f = NewFuncObj(store);
  f->f.type_id = InternFuncType(type);
  f->f.host_type = std::make_unique<const FuncType>(std::move(type));
  f->f.type = f->f.host_type.get();
  f->f.raw_host = callback;
  f->f.host_slots = static_cast<uint32_t>(
      std::max(SlotCount(f->f.type->params), SlotCount(f->f.type->results)));
  f->f.raw_ctx = ctx;
  return f;
}

Func* Func::CreateHostLeaf(Store& store, FuncType type, const void* native, RawHostCallback callback,
                           void* ctx) {
  const bool native_ok = LeafHasCEntry(type);
  auto* f = static_cast<FuncObj*>(CreateHostRaw(store, std::move(type), callback, ctx));
  if (native_ok) {
    f->f.leaf = native;
    f->f.leaf_ctx = ctx;
  }
  return f;
}

const FuncType& Func::type() const { return *static_cast<const FuncObj*>(this)->f.type; }

Func::Impl& Func::impl() { return static_cast<FuncObj*>(this)->f; }

TrapResult<std::vector<Val>> Func::Call(Store& store, std::span<const Val> args) {
  FuncObj* self = static_cast<FuncObj*>(this);
  const FuncType& type = *self->f.type;
  if (args.size() != type.params.size()) [[unlikely]]
    return std::unexpected(MakeHostTrap("wrong number of arguments: expected " +
                                        std::to_string(type.params.size()) + ", got " +
                                        std::to_string(args.size())));
  // Slot words on the C++ stack for the usual small signatures; only the returned vector is
  // allocated (the allocation-free path is CallUnchecked / TypedFunc).
  const size_t np = SlotCount(type.params), nr = SlotCount(type.results);
  InlineBuffer<uint64_t, 64> words(np + nr);
  uint64_t* arg_words = words.data();
  uint64_t* result_words = words.data() + np;
  size_t slot = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != type.params[i]) [[unlikely]]
      return std::unexpected(MakeHostTrap(
          "argument " + std::to_string(i) + " has type " + std::string(ValTypeName(args[i].type)) +
          ", expected " + std::string(ValTypeName(type.params[i]))));
    slot += ValToSlots(args[i], arg_words + slot);
  }
  auto r = InvokeFunc(store, self, std::span<const uint64_t>(arg_words, np),
                      std::span<uint64_t>(result_words, nr));
  if (!r) return std::unexpected(std::move(r.error()));
  std::vector<Val> results;
  results.reserve(type.results.size());
  slot = 0;
  for (ValType t : type.results) {
    PinIfExn(t, result_words[slot]);
    results.push_back(SlotsToVal(t, result_words + slot));
    slot += SlotWidth(t);
  }
  return results;
}

namespace {
// Host functions with at most this many params/results convert their values on the C++
// stack; more goes through a heap vector (rare: wasm→host calls stay allocation-free).
constexpr size_t kInlineVals = 16;

// A host function called from the host: no tier and no wasm frame involved. Out of line, so
// that the wasm path of InvokeFunc and CallUnchecked stays a check and a jump.
[[gnu::noinline]] TrapResult<void> InvokeHostFromHost(Store& store, FuncObj* f,
                                                      std::span<const uint64_t> args,
                                                      std::span<uint64_t> results) {
  InlineBuffer<uint64_t, kInlineVals> buf(std::max(args.size(), results.size()));
  uint64_t* words = buf.data();
  std::copy(args.begin(), args.end(), words);
  NW_TRY(CallHostFunc(store, nullptr, f, words));
  std::copy(words, words + results.size(), results.begin());
  return {};
}

// The tier's entry, or the host function itself; inlined into both callers below.
[[gnu::always_inline]] inline TrapResult<void> Enter(Store& store, FuncObj* f,
                                                     std::span<const uint64_t> args,
                                                     std::span<uint64_t> results) {
  if (f->f.code != nullptr) [[likely]]
    return f->f.array_call(store, f, args, results);
  return InvokeHostFromHost(store, f, args, results);
}

}  // namespace

TrapResult<void> InvokeFunc(Store& store, FuncObj* f, std::span<const uint64_t> args,
                            std::span<uint64_t> results) {
  return Enter(store, f, args, results);
}

TrapResult<void> Func::CallUnchecked(Store& store, std::span<const uint64_t> args,
                                     std::span<uint64_t> results) {
  return Enter(store, static_cast<FuncObj*>(this), args, results);
}

Trap HostExceptionTrap() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return MakeHostTrap("host function ran out of memory");
  } catch (...) {
    return MakeHostTrap("host function threw an exception");
  }
}

TrapResult<void> CallHostFunc(Store& store, Instance* caller_instance, FuncObj* f,
                              uint64_t* words) {
  // As below: no exception unwinds through a tier's frames.
  if (f->f.raw_host != nullptr) return CallRawHostFunc(store, caller_instance, f, words);
  const FuncType& type = *f->f.type;
  const size_t np = type.params.size(), nr = type.results.size();
  // Each Val is constructed once, from its slots or as its type's default.
  InlineBuffer<Val, 2 * kInlineVals> vals(np + nr, kNoInit);
  Val* params = vals.data();
  Val* results = vals.data() + np;
  size_t slot = 0;
  for (size_t i = 0; i < np; ++i) {
    PinIfExn(type.params[i], words[slot]);
    ::new (static_cast<void*>(params + i)) Val(SlotsToVal(type.params[i], words + slot));
    slot += SlotWidth(type.params[i]);
  }
  for (size_t i = 0; i < nr; ++i)
    ::new (static_cast<void*>(results + i)) Val(Val::Default(type.results[i]));
  Caller caller(store, caller_instance);
  // No exception may unwind through a tier's frames (or out of Func::Call): a host function
  // that throws (std::bad_alloc from an allocation a guest asked for, or anything else) traps.
  try {
    NW_TRY(f->f.host(caller, std::span<const Val>(params, np), std::span<Val>(results, nr)));
  } catch (...) {
    return std::unexpected(HostExceptionTrap());
  }
  slot = 0;
  for (size_t i = 0; i < nr; ++i) {
    if (results[i].type != type.results[i])
      return std::unexpected(
          Trap{TrapKind::kHostError, "host function returned a value of the wrong type", {}, 0});
    slot += ValToSlots(results[i], words + slot);
  }
  return {};
}

Memory* Caller::memory() const {
  if (!instance_) return nullptr;
  const auto* inst = static_cast<const InstanceObj*>(instance_);
  return inst->memories.empty() ? nullptr : inst->memories[0];
}

// ---- memories -------------------------------------------------------------------------------

namespace {
// Address space reserved past the largest accessible size (explicit bounds checks).
constexpr uint64_t kGuardBytes = kPageSize;
}  // namespace

MemoryObj::~MemoryObj() {
  if (def_.base) munmap(def_.base, reserved_);
}

bool MemoryObj::Init(const MemoryType& type) {
  if (def_.base || type.limits.min > kMaxPages) return false;
  has_max_ = type.limits.max.has_value();
  max_pages_ = has_max_ ? std::min<uint64_t>(*type.limits.max, kMaxPages) : kMaxPages;
  if (type.limits.min > max_pages_ || type.limits.min > limit_pages_) return false;
  // Only what the memory can ever reach is reserved: its maximum, capped by the store limit;
  // with a guard region, 4 GiB plus the guard, whatever the maximum (compiled code elides the
  // checks of accesses whose offset fits the guard).
  reserved_ = guard_region_ ? kGuardRegionReservation
                            : std::min(max_pages_, limit_pages_) * kPageSize + kGuardBytes;
  void* p = mmap(nullptr, reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                 0);
  if (p == MAP_FAILED) {
    reserved_ = 0;
    return false;
  }
  def_.base = static_cast<uint8_t*>(p);
  def_.length = 0;
  return GrowPages(type.limits.min) == 0;
}

int64_t MemoryObj::GrowPages(uint64_t delta) {
  const uint64_t old_pages = def_.length / kPageSize;
  denied_by_limit_ = false;
  if (delta > max_pages_ - old_pages) return -1;
  if (delta > limit_pages_ - old_pages) {
    denied_by_limit_ = true;
    return -1;
  }
  if (delta == 0) return static_cast<int64_t>(old_pages);
  if (!def_.base) return -1;  // the store's empty memory never grows
  const uint64_t add = delta * kPageSize;
  if (mprotect(def_.base + def_.length, add, PROT_READ | PROT_WRITE) != 0) return -1;
  def_.length += add;
  return static_cast<int64_t>(old_pages);
}

MemoryObj* NewMemoryObj(Store& store, const MemoryType& type) {
  auto m = std::make_unique<MemoryObj>();
  m->limit_pages_ = std::min<uint64_t>(store.impl().limits.max_memory_pages, kMaxPages);
  m->guard_region_ = store.engine().config().UsesGuardRegion();
  if (!m->Init(type)) return nullptr;
  auto& v = store.impl().memories;
  v.push_back(std::move(m));
  return v.back().get();
}

Memory* Memory::Create(Store& store, MemoryType type) {
  if (type.shared) return nullptr;  // shared memories (threads) are not supported
  return NewMemoryObj(store, type);
}

MemoryType Memory::type() const {
  const auto* m = static_cast<const MemoryObj*>(this);
  MemoryType t;
  t.limits.min = m->def_.length / kPageSize;
  if (m->has_max_) t.limits.max = m->max_pages_;
  return t;
}

std::span<uint8_t> Memory::data() {
  auto* m = static_cast<MemoryObj*>(this);
  return {m->def_.base, m->def_.length};
}

uint64_t Memory::pages() const { return static_cast<const MemoryObj*>(this)->def_.length / kPageSize; }

int64_t Memory::Grow(uint64_t delta_pages) {
  return static_cast<MemoryObj*>(this)->GrowPages(delta_pages);
}

bool InitMemoryRange(MemoryObj& memory, std::span<const uint8_t> src, uint32_t d, uint32_t s,
                     uint32_t n) {
  if (uint64_t{s} + n > src.size() || uint64_t{d} + n > memory.def_.length) return false;
  if (n) std::memcpy(memory.def_.base + d, src.data() + s, n);
  return true;
}

// ---- tables ---------------------------------------------------------------------------------

int64_t TableObj::GrowBy(uint32_t delta, uint64_t init) {
  const uint64_t old_size = elems_.size();
  denied_by_limit_ = false;
  if (old_size + delta > max_.value_or(0xffffffffu)) return -1;
  if (old_size + delta > limit_) {
    denied_by_limit_ = true;
    return -1;
  }
  // Out of memory (address space) is a failed grow too, never an exception.
  if (!elems_.Grow(old_size + delta, init, ReachableMax())) return -1;
  SyncDef();
  return static_cast<int64_t>(old_size);
}

TableObj* NewTableObj(Store& store, const TableType& type, uint64_t init) {
  const uint64_t limit =
      std::min<uint64_t>(store.impl().limits.max_table_elements, kMaxTableElems);
  if (!IsRefType(type.elem) || type.limits.min > limit) return nullptr;
  if (type.limits.max && *type.limits.max < type.limits.min) return nullptr;
  auto t = std::make_unique<TableObj>();
  t->limit_ = limit;
  t->elem_type_ = type.elem;
  t->max_ = type.limits.max;
  if (!t->elems_.Grow(type.limits.min, init, t->ReachableMax())) return nullptr;
  t->SyncDef();
  auto& v = store.impl().tables;
  v.push_back(std::move(t));
  return v.back().get();
}

Table* Table::Create(Store& store, TableType type, Val init) {
  if (init.type != type.elem) return nullptr;
  return NewTableObj(store, type, ValToWord(init));
}

TableType Table::type() const {
  const auto* t = static_cast<const TableObj*>(this);
  TableType tt;
  tt.elem = t->elem_type_;
  tt.limits.min = t->elems_.size();
  tt.limits.max = t->max_;
  return tt;
}

uint32_t Table::size() const {
  return static_cast<uint32_t>(static_cast<const TableObj*>(this)->elems_.size());
}

std::optional<Val> Table::Get(uint32_t index) const {
  const auto* t = static_cast<const TableObj*>(this);
  if (index >= t->elems_.size()) return std::nullopt;
  PinIfExn(t->elem_type_, t->elems_[index]);
  return WordToVal(t->elem_type_, t->elems_[index]);
}

bool Table::Set(uint32_t index, Val v) {
  auto* t = static_cast<TableObj*>(this);
  if (index >= t->elems_.size() || v.type != t->elem_type_) return false;
  t->elems_[index] = ValToWord(v);
  return true;
}

int64_t Table::Grow(uint32_t delta, Val init) {
  auto* t = static_cast<TableObj*>(this);
  if (init.type != t->elem_type_) return -1;
  return t->GrowBy(delta, ValToWord(init));
}

bool InitTableRange(TableObj& table, std::span<const uint64_t> src, uint32_t d, uint32_t s,
                    uint32_t n) {
  if (uint64_t{s} + n > src.size() || uint64_t{d} + n > table.elems_.size()) return false;
  std::copy_n(src.begin() + s, n, table.elems_.begin() + d);
  return true;
}

// ---- globals --------------------------------------------------------------------------------

GlobalObj* NewGlobalObj(Store& store, const GlobalType& type, uint64_t value, uint64_t hi) {
  auto g = std::make_unique<GlobalObj>();
  g->type_ = type;
  g->def_.lo = value;
  g->def_.hi = type.type == ValType::kV128 ? hi : 0;
  auto& v = store.impl().globals;
  v.push_back(std::move(g));
  return v.back().get();
}

Global* Global::Create(Store& store, GlobalType type, Val init) {
  if (init.type != type.type) return nullptr;
  uint64_t w[2] = {0, 0};
  ValToSlots(init, w);
  return NewGlobalObj(store, type, w[0], w[1]);
}

GlobalType Global::type() const { return static_cast<const GlobalObj*>(this)->type_; }

Val Global::Get() const {
  const auto* g = static_cast<const GlobalObj*>(this);
  const uint64_t w[2] = {g->def_.lo, g->def_.hi};
  PinIfExn(g->type_.type, w[0]);
  return SlotsToVal(g->type_.type, w);
}

bool Global::Set(Val v) {
  auto* g = static_cast<GlobalObj*>(this);
  if (!g->type_.mut || v.type != g->type_.type) return false;
  uint64_t w[2] = {0, 0};
  ValToSlots(v, w);
  g->def_.lo = w[0];
  g->def_.hi = w[1];
  return true;
}

// ---- instances ------------------------------------------------------------------------------

InstanceObj* NewInstanceObj(Store& store) {
  auto& v = store.impl().instances;
  v.push_back(std::make_unique<InstanceObj>());
  InstanceObj* inst = v.back().get();
  inst->store = &store;
  inst->mem0 = &store.impl().empty_memory;
  return inst;
}

std::optional<Extern> Instance::GetExport(std::string_view name) const {
  const auto& exports = static_cast<const InstanceObj*>(this)->exports;
  auto it = exports.find(name);
  if (it == exports.end()) return std::nullopt;
  return it->second;
}

namespace {
template <class T>
T* GetExportAs(const Instance& inst, std::string_view name) {
  auto e = inst.GetExport(name);
  if (!e) return nullptr;
  T* const* p = std::get_if<T*>(&*e);
  return p ? *p : nullptr;
}
}  // namespace

Func* Instance::GetFunc(std::string_view name) const { return GetExportAs<Func>(*this, name); }
Memory* Instance::GetMemory(std::string_view name) const {
  return GetExportAs<Memory>(*this, name);
}
Global* Instance::GetGlobal(std::string_view name) const {
  return GetExportAs<Global>(*this, name);
}
Table* Instance::GetTable(std::string_view name) const { return GetExportAs<Table>(*this, name); }

const Module& Instance::module() const { return *static_cast<const InstanceObj*>(this)->module; }

// ---- store ----------------------------------------------------------------------------------

Store::Store(const Engine& engine) : impl_(std::make_unique<Impl>(engine)) {
  impl_->empty_memory.max_pages_ = 0;
  impl_->ctx = engine.tier().NewStoreContext(*this, engine.config());
  impl_->ctx->store = this;
  impl_->ctx->epoch = engine.epoch_counter();
  impl_->ctx->consume_fuel = engine.config().consume_fuel;
  impl_->ctx->epoch_interruption = engine.config().epoch_interruption;
}

Store::~Store() = default;

void Store::SetFuel(uint64_t fuel) {
  if (!impl_->engine.config().consume_fuel) return;
  impl_->run_limits()->fuel = static_cast<int64_t>(std::min<uint64_t>(fuel, INT64_MAX));
}

Result<uint64_t> Store::GetFuel() const {
  if (!impl_->engine.config().consume_fuel)
    return MakeError("fuel is not enabled (Config::consume_fuel)");
  return static_cast<uint64_t>(std::max<int64_t>(impl_->run_limits()->fuel, 0));
}

void Store::SetEpochDeadline(uint64_t ticks) {
  uint64_t now = impl_->engine.epoch();
  impl_->run_limits()->epoch_deadline = ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
}

void Store::SetLimits(const StoreLimits& limits) {
  impl_->limits = limits;
  impl_->ctx->trap_on_grow_failure = limits.trap_on_grow_failure;
}

const StoreLimits& Store::limits() const { return impl_->limits; }

Store::Impl::~Impl() { engine.tier().DeleteStoreContext(own_ctx ? own_ctx : ctx); }

struct Store::ExecContext : StoreContext {};

Store::ExecContext* Store::NewExecContext() {
  StoreContext* c = impl_->engine.tier().NewStoreContext(*this, impl_->engine.config());
  c->store = this;
  c->epoch = impl_->engine.epoch_counter();
  c->consume_fuel = impl_->engine.config().consume_fuel;
  c->epoch_interruption = impl_->engine.config().epoch_interruption;
  c->trap_on_grow_failure = impl_->ctx->trap_on_grow_failure;
  return static_cast<ExecContext*>(c);
}

void Store::DeleteExecContext(ExecContext* c) {
  if (c != nullptr) impl_->engine.tier().DeleteStoreContext(c);
}

Store::ExecContext* Store::SwitchExecContext(ExecContext* to) {
  if (impl_->own_ctx == nullptr) impl_->own_ctx = impl_->ctx;
  StoreContext* from = impl_->ctx;
  StoreContext* next = to != nullptr ? to : impl_->own_ctx;
  if (!from->compiled_limits) {  // else they stay in the live block (StoreContext::compiled_limits)
    next->fuel = from->fuel;
    next->epoch_deadline = from->epoch_deadline;
  }
  next->trap_on_grow_failure = from->trap_on_grow_failure;
  // The stack limit in the live block (Impl::live_limits) is the running computation's; the
  // one resumed next may run on another host thread (the component model's async tasks do):
  // it gets its own back. Without this, compiled code on a task's thread compared its stack
  // pointer with the limit of the thread that ran before and trapped "call stack exhausted".
  VMStoreLimits* live = impl_->live_limits();
  from->saved_stack_limit = live->stack_limit;
  live->stack_limit = next->saved_stack_limit;
  impl_->ctx = next;
  return from == impl_->own_ctx ? nullptr : static_cast<ExecContext*>(from);
}

const Engine& Store::engine() const { return impl_->engine; }

}  // namespace nw

// The embedding API of the runtime (first cut; the embedding-API issue grows it into the full
// C++ API and wasm.h). Ownership: an Engine is shared and thread-safe; a Module is immutable
// and shared (std::shared_ptr); a Store owns every instance, function, memory, table and global
// created in it and is used by one thread at a time. Handles (Func*, Memory*, ...) stay valid
// as long as their Store lives. Errors are values: nothing here throws.
#pragma once

#include <poll.h>

#include <cstdint>
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "nanowasm/types.h"

namespace nw {

struct ModuleDesc;
class Tier;
class Store;
class Instance;
class Func;
class Memory;
class Table;
class Global;
class Tag;

// ---- values ---------------------------------------------------------------------------------

struct V128 {
  uint8_t bytes[16] = {};
  friend bool operator==(const V128&, const V128&) = default;
};

// A value of any wasm type. Floats are kept as bits so NaN payloads survive.
// References: funcref holds a Func* (null = nullptr); externref holds an opaque host word
// where 0 means null.
struct Val {
  ValType type = ValType::kI32;
  uint64_t bits = 0;  // i32 (zero-extended), i64, f32 bits, f64 bits, externref word
  V128 v128;
  Func* func = nullptr;

  static Val Make(ValType t, uint64_t bits) {
    Val v;
    v.type = t;
    v.bits = bits;
    return v;
  }
  static Val I32(int32_t v) { return Make(ValType::kI32, static_cast<uint32_t>(v)); }
  static Val I64(int64_t v) { return Make(ValType::kI64, static_cast<uint64_t>(v)); }
  static Val F32Bits(uint32_t b) { return Make(ValType::kF32, b); }
  static Val F64Bits(uint64_t b) { return Make(ValType::kF64, b); }
  static Val FuncRef(Func* f) {
    Val v = Make(ValType::kFuncRef, 0);
    v.func = f;
    return v;
  }
  static Val ExternRef(uint64_t word) { return Make(ValType::kExternRef, word); }
  static Val V128Bytes(const V128& b) {
    Val v = Make(ValType::kV128, 0);
    v.v128 = b;
    return v;
  }
  static Val Default(ValType t) { return Make(t, 0); }

  int32_t i32() const { return static_cast<int32_t>(bits); }
  int64_t i64() const { return static_cast<int64_t>(bits); }
  bool IsNullRef() const { return type == ValType::kFuncRef ? func == nullptr : bits == 0; }
};

// ---- traps ----------------------------------------------------------------------------------

enum class TrapKind : uint8_t {
  kUnreachable,           // "unreachable"
  kMemoryOutOfBounds,     // "out of bounds memory access"
  kTableOutOfBounds,      // "out of bounds table access"
  kUndefinedElement,      // "undefined element" (call_indirect index past the table)
  kUninitializedElement,  // "uninitialized element" (call_indirect on null)
  kIndirectCallTypeMismatch,  // "indirect call type mismatch"
  kIntegerDivideByZero,   // "integer divide by zero"
  kIntegerOverflow,       // "integer overflow"
  kInvalidConversion,     // "invalid conversion to integer"
  kStackExhausted,        // "call stack exhausted"
  kNullReference,         // "null reference" (reserved for later proposals)
  kOutOfFuel,             // "all fuel consumed"
  kInterrupted,           // "interrupted" (epoch deadline)
  kHostError,             // a host function failed; message says why
  kExit,                  // the guest asked to exit (WASI proc_exit); code in exit_code
  kResourceLimit,         // "resource limit exceeded" (StoreLimits::trap_on_grow_failure)
  kException,             // "uncaught exception": a wasm exception (Features::exceptions)
                          // left wasm through the entry the host called
};
std::string_view TrapKindMessage(TrapKind k);  // the spec's text for assert_trap

struct Frame {
  uint32_t func_index = 0;
  std::string func_name;    // from the name section / exports, else "func[N]"
  std::string module_name;  // from the name section, may be empty
  size_t code_offset = 0;   // byte offset of the instruction in the module (the call, for
                            // outer frames); for a module parsed from text, the offset of
                            // the instruction in the text; 0 when unknown
  size_t func_offset = 0;   // code_offset relative to the start of the function (just after
                            // its code entry's size field, as wasm_frame_func_offset and V8
                            // count); 0 when unknown and for modules parsed from text
};

struct Trap {
  // A backtrace keeps at most kBacktraceHead + kBacktraceTail frames: when the call stack was
  // deeper (a trap at the bottom of a deep recursion), the innermost kBacktraceHead and the
  // outermost kBacktraceTail, and frames_omitted says how many lay between them. Building it
  // takes time independent of the depth. A frame's func_name is cut at kMaxFrameNameBytes.
  static constexpr size_t kBacktraceHead = 50;
  static constexpr size_t kBacktraceTail = 50;
  static constexpr size_t kMaxFrameNameBytes = 1024;

  TrapKind kind = TrapKind::kUnreachable;
  std::string message;          // TrapKindMessage(kind) unless a host set its own
  std::vector<Frame> backtrace; // innermost first; see kBacktraceHead
  int32_t exit_code = 0;
  // Frames left out between backtrace[kBacktraceHead - 1] and backtrace[kBacktraceHead].
  uint64_t frames_omitted = 0;
  // The position of backtrace[i] in the whole call stack (0 = innermost).
  uint64_t FrameDepth(size_t i) const { return i < kBacktraceHead ? i : i + frames_omitted; }
  // "trap: <message>\n  #0 name @0xOFFSET\n  #1 ...\n", innermost first; the offset is the
  // wasm instruction's byte offset in the module (the call, for outer frames), when known.
  // With frames omitted, a line "  … K frames omitted" stands where they were, and the frames
  // after it keep their depth as number.
  std::string ToString() const;
};

template <class T>
using TrapResult = std::expected<T, Trap>;

// ---- engine and module ----------------------------------------------------------------------

struct Config {
  // Proposals beyond WebAssembly 2.0 that modules may use (types.h; all off by default).
  // Module::FromDesc also accepts what the description's own ModuleDesc::features enable.
  Features features;
  // Wasm call depth at which a call traps with kStackExhausted (host stack never overflows).
  uint32_t max_call_depth = 20000;
  // Size of each store's interpreter value stack, in 8-byte slots.
  size_t value_stack_slots = size_t{1} << 21;
  // Fuel: a deterministic instruction budget per store (Store::SetFuel). When on, code counts
  // the wasm instructions it runs (charged per straight-line region, at function entries and
  // loop heads) and traps with kOutOfFuel when the budget is spent. A store starts with 0 fuel.
  // Off: no cost at all (no checks are translated).
  bool consume_fuel = false;
  // Epoch interruption: code checks the engine's epoch against the store's deadline at function
  // entries and loop heads and traps with kInterrupted once it is reached (Engine::
  // IncrementEpoch from any thread); see Store::SetEpochDeadline. Off: no checks are translated.
  bool epoch_interruption = false;
  // NaN results. The spec leaves the NaN that a float operation returns nondeterministic
  // (sign and payload, WebAssembly 2.0 §4.3.3); by default nanowasm returns what x86 gives
  // (the quieted input NaN, or the default NaN for e.g. 0/0).
  //  kAll: every such operation (add, sub, mul, div, sqrt, min, max, ceil, floor, trunc,
  //    nearest, promote, demote; scalar and SIMD lanes) returns the canonical positive NaN
  //    (0x7fc00000 / 0x7ff8000000000000): results that do not depend on the host, for
  //    replayable or consensus execution.
  //  kArithmetic: only add, sub, mul, div, min and max do, the set Binaryen's interpreter
  //    canonicalizes (the differential tests compare with it bit for bit).
  // Bit-exact operations (abs, neg, copysign, loads, stores, reinterpret, pmin/pmax) are never
  // affected. kNone translates no extra code.
  enum class NanCanonicalization : uint8_t { kNone, kAll, kArithmetic };
  NanCanonicalization canonicalize_nans = NanCanonicalization::kNone;
  // The execution tier that compiles and runs modules (docs/architecture.md, "Tiers"). Tiers
  // are build-time targets: kOpt (the LLVM optimizing tier) exists only in builds with LLVM
  // (Engine::TierBuiltIn); elsewhere every module fails to compile with a message saying so.
  enum class ExecutionTier : uint8_t { kInterp, kOpt };
  ExecutionTier tier = ExecutionTier::kInterp;
  // How compiled code keeps 32-bit memory accesses in bounds (the interpreter always compares).
  //  kGuardRegion: every memory reserves 4 GiB plus a 2 GiB guard region of address space
  //    (PROT_NONE beyond its length), so most accesses need no check and a fault in compiled
  //    code becomes a trap (a SIGSEGV/SIGBUS handler that leaves other crashes alone).
  //  kExplicit: every access compares its end with the bound; memories reserve only what they
  //    can reach (density: many small memories per process).
  //  kDefault: kGuardRegion on the opt tier, kExplicit on the interpreter.
  enum class BoundsChecks : uint8_t { kDefault, kGuardRegion, kExplicit };
  BoundsChecks bounds_checks = BoundsChecks::kDefault;
  // Opt tier with kGuardRegion only, an opt-in deviation from the interpreter (off: the opt
  // tier traps exactly where the interpreter does, with the same memory after the trap).
  // On, LLVM may delete a linear-memory load whose value is unused (so an out-of-bounds one
  // may not trap) and reorder or vectorize accesses (so the memory left at a trap may
  // differ); in exchange loops over memory can vectorize. No access leaves the memory's
  // reservation either way. docs/architecture.md, "Memory bounds".
  bool opt_relaxed_traps = false;
  // Opt tier, modules compiled in-process (not AOT artifacts, which are always fully
  // optimized): tiered compilation. kOn: every function is first compiled by a cheap tier
  // (LLVM O0: ~7x less compile CPU, code 1.3-4x slower), the module runs
  // at once, and the whole module is recompiled at O2 on background threads and swapped in
  // when ready (calls already running finish in the first tier). kOff: O2 before anything
  // runs. kAuto: kOn for modules with at least kOptTieringMinCodeBytes of function bodies
  // (where an O2 compile takes seconds), kOff below. docs/architecture.md, "Tiered
  // compilation"; the measurements are in docs/performance.md.
  enum class OptTiering : uint8_t { kAuto, kOn, kOff };
  OptTiering opt_tiering = OptTiering::kAuto;
  static constexpr size_t kOptTieringMinCodeBytes = 256 * 1024;
  // Whether memories of this configuration get the guard-region reservation.
  bool UsesGuardRegion() const {
    return bounds_checks == BoundsChecks::kGuardRegion ||
           (bounds_checks == BoundsChecks::kDefault && tier == ExecutionTier::kOpt);
  }
};

class Engine {
 public:
  // An engine on the tier config.tier selects (defined in src/engine, which links the tiers).
  explicit Engine(Config config = {});
  // An engine on `tier`, which must outlive it: a tier built with nanowasm's sources (the
  // interface, src/runtime/tier.h, is internal and not installed), e.g. a test's wrapper.
  Engine(Config config, const Tier& tier);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  const Config& config() const { return config_; }
  const Tier& tier() const { return *tier_; }
  // Whether this nanowasm was built with `tier` (kOpt needs LLVM 19 at build time).
  static bool TierBuiltIn(Config::ExecutionTier tier);
  // Thread-safe; wasm running in any store of this engine past its deadline traps, and a host
  // call blocked in such a store (HostWait) wakes up and traps the same way.
  void IncrementEpoch();
  uint64_t epoch() const { return epoch_.load(std::memory_order_relaxed); }
  const std::atomic<uint64_t>* epoch_counter() const { return &epoch_; }
  struct Waiters;  // the stores blocked in a HostWait right now (runtime/interrupt.cc)
  Waiters& waiters() const { return *waiters_; }

 private:
  Config config_;
  const Tier* tier_;
  std::atomic<uint64_t> epoch_{0};
  std::unique_ptr<Waiters> waiters_;
};

// Resource limits of one store (a tenant). Growth beyond a limit fails like growth beyond a
// declared maximum (memory.grow / table.grow return -1) or, with trap_on_grow_failure, traps.
// Creating a memory or table whose initial size exceeds a limit, or more instances than
// allowed, is an instantiation error.
// The defaults limit nothing beyond what wasm itself allows (4 GiB per 32-bit memory) and the
// runtime's own documented bound on table elements (docs/robustness.md).
struct StoreLimits {
  uint64_t max_memory_pages = kMaxPages;    // per memory, in 64 KiB pages
  uint64_t max_table_elements = 10000000;   // per table (the runtime's kMaxTableElems)
  uint32_t max_instances = UINT32_MAX;      // per store, alive at once: unlimited by default
  bool trap_on_grow_failure = false;
};

// The type of an import or export: the member selected by `kind` is meaningful.
struct ExternType {
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
  FuncType tag;  // exception handling: the tag's parameters (no results)
};
struct ImportDesc {
  std::string module, name;
  ExternKind kind;
  ExternType type;
};
struct ExportDesc {
  std::string name;
  ExternKind kind;
  ExternType type;
};

class Module {
 public:
  // Decode, validate and translate a binary module. Errors carry the byte offset.
  static Result<std::shared_ptr<const Module>> FromBinary(const Engine& engine,
                                                          std::span<const uint8_t> bytes);
  // Validate and translate an already decoded description.
  static Result<std::shared_ptr<const Module>> FromDesc(const Engine& engine, ModuleDesc desc);
  // AOT (docs/aot.md): an artifact of this module's compiled code and its wasm bytes, which
  // Deserialize loads without compiling, in an engine of the same version, tier, code-changing
  // configuration and CPU features. The artifact is native code: load only artifacts you trust
  // as much as this program (the checksum detects corruption; it is no signature).
  // Serialize fails on a tier that writes no artifacts (the interpreter).
  Result<std::vector<uint8_t>> Serialize() const;
  // Checks `artifact` (truncation, corruption, version, configuration, CPU: a refusal is one
  // "artifact: ..." message and nothing of it runs) and loads it; `artifact` need not outlive
  // the call.
  static Result<std::shared_ptr<const Module>> Deserialize(const Engine& engine,
                                                           std::span<const uint8_t> artifact);
  ~Module();

  const ModuleDesc& desc() const;
  std::vector<ImportDesc> Imports() const;
  std::vector<ExportDesc> Exports() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Module(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- store objects --------------------------------------------------------------------------

using Extern = std::variant<Func*, Table*, Memory*, Global*, Tag*>;

// The caller's view given to host functions: the calling instance's exports (memory first of
// all) and its store.
class Caller {
 public:
  Caller(Store& store, Instance* instance) : store_(store), instance_(instance) {}
  Store& store() const { return store_; }
  Instance* instance() const { return instance_; }  // null when called from the host
  Memory* memory() const;                           // the caller's memory 0, if any
 private:
  Store& store_;
  Instance* instance_;
};

using HostCallback =
    std::function<TrapResult<void>(Caller&, std::span<const Val> args, std::span<Val> results)>;
// A host function on slot words (the encoding of Func::CallUnchecked): the arguments are in
// words[0..), the results are written to words[0..) (room for max(params, results) slots).
// Nothing is converted or checked around it: for runtime-internal glue whose signature is
// fixed when it is made (the component model's fused adapters); HostCallback is the checked API.
using RawHostCallback = TrapResult<void> (*)(void* ctx, Caller& caller, uint64_t* words);

class Func {
 public:
  static Func* CreateHost(Store& store, FuncType type, HostCallback callback);
  // `ctx` must outlive the store's use of the function.
  static Func* CreateHostRaw(Store& store, FuncType type, RawHostCallback callback, void* ctx);
  // A leaf: a raw host function that compiled code may call as the C function `native`
  // instead: native(ctx, args...) with i32 as uint32_t, i64 as uint64_t, f32 as float, f64 as
  // double, the one result (if any) returned. No Caller, no slot buffer, no trap object: the
  // function must not trap, throw, block, or touch any store; it may read and write the
  // memory it was given. `callback` must do the same on slot words (the interpreter and
  // calls from the host take it). Types with references, v128 or more than one result get no
  // native entry (always `callback`). For runtime-internal glue (the component model's fused
  // adapters check strings through one); not checked against `type`: the two must agree.
  static Func* CreateHostLeaf(Store& store, FuncType type, const void* native, RawHostCallback callback,
                              void* ctx);
  const FuncType& type() const;
  // Call with arguments checked against the type; results returned in order.
  TrapResult<std::vector<Val>> Call(Store& store, std::span<const Val> args);
  // The fast path under typed wrappers: arguments and results as slot words (i32/f32 in the
  // low 32 bits, i64/f64 all 64 bits, funcref a Func* (0 = null), externref the host word,
  // v128 two words, low first). The caller guarantees that counts and types match type();
  // nothing is allocated.
  TrapResult<void> CallUnchecked(Store& store, std::span<const uint64_t> args,
                                 std::span<uint64_t> results);
  struct Impl;
  Impl& impl();
 protected:
  Func() = default;
  ~Func() = default;
  friend class Store;
};

class Memory {
 public:
  // Null when the type is invalid or beyond the store's limits, or shared (shared memories,
  // of the threads proposal, are not supported).
  static Memory* Create(Store& store, MemoryType type);
  MemoryType type() const;
  std::span<uint8_t> data();  // valid until the next grow
  uint64_t pages() const;
  // Returns the old size in pages, or -1 when the limit or max denies it.
  int64_t Grow(uint64_t delta_pages);
 protected:
  Memory() = default;
  ~Memory() = default;
  friend class Store;
};

class Table {
 public:
  static Table* Create(Store& store, TableType type, Val init);
  TableType type() const;
  uint32_t size() const;
  std::optional<Val> Get(uint32_t index) const;
  bool Set(uint32_t index, Val v);
  int64_t Grow(uint32_t delta, Val init);
 protected:
  Table() = default;
  ~Table() = default;
  friend class Store;
};

class Global {
 public:
  static Global* Create(Store& store, GlobalType type, Val init);
  GlobalType type() const;
  Val Get() const;
  bool Set(Val v);  // false if immutable or wrong type
 protected:
  Global() = default;
  ~Global() = default;
  friend class Store;
};

// An exception tag (Features::exceptions): identity for catching; two instances of one module
// define distinct tags. Tags are made by instantiation (and Tag::Create for hosts).
class Tag {
 public:
  static Tag* Create(Store& store, FuncType type);  // type: the parameters (no results)
  const FuncType& type() const;
 protected:
  Tag() = default;
  ~Tag() = default;
  friend class Store;
};

class Instance {
 public:
  std::optional<Extern> GetExport(std::string_view name) const;
  Func* GetFunc(std::string_view name) const;
  Memory* GetMemory(std::string_view name) const;
  Global* GetGlobal(std::string_view name) const;
  Table* GetTable(std::string_view name) const;
  const Module& module() const;
 protected:
  Instance() = default;
  ~Instance() = default;
  friend class Store;
};

class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  const Engine& engine() const;

  // Fuel (Config::consume_fuel): set the remaining budget / read what is left. Without
  // consume_fuel, GetFuel returns an error and SetFuel does nothing.
  void SetFuel(uint64_t fuel);
  Result<uint64_t> GetFuel() const;
  // Epochs (Config::epoch_interruption): wasm traps once the engine's epoch reaches
  // current epoch + ticks. The initial deadline is "never".
  void SetEpochDeadline(uint64_t ticks);
  // Interruption of host work. Interrupt() is thread-safe: a host call blocked in this store
  // (HostWait) returns at once and traps with kInterrupted, and so does every later
  // CheckInterrupt(), until ClearInterrupt(). It does not stop wasm code that makes no host
  // call: that is what epochs are for (and IncrementEpoch wakes blocked host calls as well).
  void Interrupt();
  void ClearInterrupt();
  // For host functions doing long or blocking work, between chunks: the kInterrupted trap when
  // Interrupt() was called or (Config::epoch_interruption) the engine's epoch has reached this
  // store's deadline, exactly when wasm code would trap.
  TrapResult<void> CheckInterrupt() const;
  // For host functions: charges `units` of fuel for work done on the guest's behalf
  // (Config::consume_fuel; nothing without it). Traps with kOutOfFuel once the budget is
  // spent, as wasm code does.
  TrapResult<void> ConsumeFuel(uint64_t units);
  void SetLimits(const StoreLimits& limits);
  const StoreLimits& limits() const;
  // Stack switching for an embedder that suspends wasm computations on host threads (the
  // component model's async tasks): each computation runs on its own execution context (the
  // tier's value and call-frame stacks); SwitchExecContext makes `to` the one new entries into
  // wasm use (null: the store's own) and returns the previous one (null: the store's own). Fuel
  // and the epoch deadline move with the switch. Contexts are deleted by DeleteExecContext, never
  // while current.
  struct ExecContext;
  ExecContext* NewExecContext();
  void DeleteExecContext(ExecContext* c);
  ExecContext* SwitchExecContext(ExecContext* to);
  struct Impl;
  Impl& impl() { return *impl_; }
 private:
  std::unique_ptr<Impl> impl_;
};

// A host function's blocking wait: poll(2) on the function's own descriptors that also ends
// when the store is interrupted (Store::Interrupt, or Engine::IncrementEpoch moving the epoch to
// the store's deadline), so a guest blocked in the host stops as promptly as running wasm.
// While a HostWait lives, the store is registered with its engine (IncrementEpoch signals the
// store's wake-up eventfd); the host function then returns the trap it gets.
class HostWait {
 public:
  explicit HostWait(Store& store);
  ~HostWait();
  HostWait(const HostWait&) = delete;
  HostWait& operator=(const HostWait&) = delete;
  // poll(2) on `fds` for at most `timeout_ns` (UINT64_MAX: no limit); EINTR is retried. The
  // number of descriptors with events (0: the timeout passed), -1 with errno when poll fails,
  // or the kInterrupted trap (checked before waiting, too).
  TrapResult<int> Poll(std::span<pollfd> fds, uint64_t timeout_ns);

 private:
  Store& store_;
  int wake_fd_;  // -1: no eventfd could be made; Poll then checks every 10 ms instead
};

// Why an instantiation failed: unresolved/mismatched imports (a link error, before anything
// is changed) or a trap while initialising segments or running the start function.
struct InstantiationError {
  bool is_trap = false;
  std::string message;  // link error text, e.g. "unknown import", "incompatible import type"
  Trap trap;            // when is_trap
};

// Resolves imports by (module, name), checking types as the spec's import matching says.
class Linker {
 public:
  void Define(std::string_view module, std::string_view name, Extern item);
  // Make every export of `instance` importable under `module` (WAST `register`).
  void DefineInstance(std::string_view module, Instance* instance);
  std::expected<Instance*, InstantiationError> Instantiate(Store& store,
                                                           const std::shared_ptr<const Module>& m);
 private:
  std::expected<Instance*, InstantiationError> InstantiateImpl(
      Store& store, const std::shared_ptr<const Module>& m);
  std::vector<std::pair<std::string, Extern>> items_;  // key "module\0name"
};

// The `spectest` host module of the spec testsuite (print*, global_i32/i64/f32/f64, table,
// memory), defined into a linker.
void DefineSpectest(Linker& linker, Store& store);

}  // namespace nw

// Component instantiation and linking over the public runtime API (include/nanowasm/runtime.h):
// a validated Component is replayed section by section into a ComponentStore — core modules
// compiled once per definition, core instances instantiated through a fresh nw::Linker with the
// named argument instances, inline instances, aliases, nested components and component
// instances, imports supplied by the caller, `canon lift` (its FunctionPlan compiled here, once),
// `canon lower` (a host nw::Func that runs a fused adapter compiled here for a lifted callee,
// else the ABI's CallAdapter/CallLowered), resource
// types with per-instance handle tables and resource.new/drop/rep, start, exports.
//
// The async built-ins and options are executed by async_runtime.{h,cc}. Imports not given as
// arguments may be supplied by an ImportResolver from their declared types (host functions
// and host resources of imported interfaces; include/nanowasm/component.hpp builds on it).
// Not here: component values (the 🪙 value sort: refused).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "component/abi_types.h"
#include "component/ast.h"
#include "component/canon_call.h"
#include "component/canon_plan.h"
#include "component/component_value.h"
#include "component/resource_table.h"
#include "nanowasm/runtime.h"

namespace nw::component {

class ComponentStore;
struct RtInstance;
struct RtFunc;
struct CompDef;
struct CoreInst;
struct Scope;

// An entry of the type index space at run time.
struct RtType {
  enum class Kind : uint8_t { kValue, kFunc, kResource, kOther } kind = Kind::kOther;
  TypeId id = 0;                       // kValue
  FuncType func;                       // kFunc
  const ResourceType* rt = nullptr;    // kResource
  bool async = false;                  // kOther: an async function type
  const TypeDef* def = nullptr;        // kOther: a component or instance type's definition
  Scope* scope = nullptr;              // ... and the scope it was defined in
};

// Any item a component instance exports or an instantiation argument supplies.
struct RtItem {
  Sort sort = Sort::kFunc;
  RtFunc* func = nullptr;
  RtType type;
  CompDef* component = nullptr;
  RtInstance* instance = nullptr;
  std::shared_ptr<const Module> module;
  CoreInst* core_instance = nullptr;
  Extern core{static_cast<Func*>(nullptr)};
};

struct RtInstance {
  std::vector<std::pair<std::string, RtItem>> exports;
  ComponentInstanceState* state = nullptr;
  const RtItem* Find(std::string_view name) const;
};

// The canonical options of one lift or lower, bound to the core items they name.
struct RtOptions {
  CanonOptions opts;
  Store* store = nullptr;
  Memory* memory = nullptr;
  Func* realloc = nullptr;
  Func* post_return = nullptr;
  bool async = false;        // the `async` option
  Func* callback = nullptr;  // the `callback` option
};

// A component-level function: a lifted core function, or a host function.
struct RtFunc {
  FuncType type;
  FunctionPlan plan;  // compiled once, when the function is defined
  ComponentInstanceState* inst = nullptr;  // lifted: the instance it runs in
  RtOptions* opts = nullptr;
  Func* core = nullptr;
  HostFunc host;  // host functions
  bool type_async = false;  // an `async` function type
};

class AsyncStore;  // async_runtime.h

// The first core wasm trap this thread turned into a component error since the last reset: its
// kind survives the canonical ABI's string errors this way, so the public API can report it.
struct CoreTrapRecord {
  bool set = false;
  TrapKind kind = TrapKind::kUnreachable;
};
CoreTrapRecord& ThreadCoreTrap();

// Supplies imports that the instantiation arguments do not name, from their declared types.
// Paths: "name" for a top-level import, "instance-name#export-name" for an export of an
// imported instance type. A null result means "not defined here" (the import is missing).
class ImportResolver {
 public:
  virtual ~ImportResolver() = default;
  // A host function of the declared type `type` (in cs.types()).
  virtual Result<RtFunc*> ResolveFunc(ComponentStore& cs, const std::string& path,
                                      const FuncType& type) = 0;
  // A host resource type (its impl is null: the host; reps are the host's own numbers).
  virtual Result<const ResourceType*> ResolveResource(ComponentStore& cs, const std::string& path) = 0;
  // A whole instance (another component's): its exports are checked against the import's
  // instance type (functions of structurally equal types, resources where declared); null to
  // build one from the instance type's exports.
  virtual RtInstance* ResolveInstance(const std::string& name) = 0;
};

// Everything one or more instantiations create in one nw::Store; it outlives its instances.
class ComponentStore {
 public:
  explicit ComponentStore(Store& store) : store_(store) {}
  ~ComponentStore();
  ComponentStore(const ComponentStore&) = delete;
  ComponentStore& operator=(const ComponentStore&) = delete;

  Store& store() { return store_; }
  TypeTable& types() { return types_; }

  // Validates and instantiates `c` (it must outlive the store) with `args` for its imports
  // (each of the sort its import declares). Link errors and traps during instantiation are errors (traps start "trap: ").
  Result<RtInstance*> Instantiate(const Component& c,
                                  const std::vector<std::pair<std::string, RtItem>>& args = {},
                                  ImportResolver* resolver = nullptr);

  // A host function as a component function of type `type` (built in types()); its
  // arguments are bounded by max_host_value_bytes() as it is now.
  Result<RtFunc*> HostFunction(FuncType type, HostFunc host);

  // Calls an exported component function from the host. Traps are errors starting "trap: ".
  Result<std::vector<ComponentValue>> Call(const RtFunc& f, std::span<const ComponentValue> args);

  // Internal, used by instantiate.cc.
  template <class T, class... A>
  T* Make(A&&... a) {
    auto p = std::make_unique<T>(std::forward<A>(a)...);
    T* raw = p.get();
    owned_.push_back(std::shared_ptr<void>(std::move(p)));
    return raw;
  }
  std::map<const CoreModule*, std::shared_ptr<const Module>>& module_cache() { return modules_; }
  AsyncStore* async_store() { return async_; }
  // Whether a sync canon lower of another instance's lifted function is linked to a fused
  // adapter (fused_adapter.h; the default) or to the generic CallAdapter (for tests that
  // compare the two). Read when a component is instantiated.
  bool fused_adapters() const { return fused_adapters_; }
  void set_fused_adapters(bool on) { fused_adapters_ = on; }
  size_t fused_adapters_linked() const { return fused_linked_; }
  void count_fused_adapter() { ++fused_linked_; }
  // The form a fused adapter takes where it can be split (FusedAdapter::Split): a host
  // function (the adapter's C++ driver enters the callee for its realloc and core function)
  // or core wasm calling them itself with host leaves for the checks and copies
  // (wasm_adapter.h). kAuto: core wasm on a compiled tier (its calls are native calls there),
  // the host function on the interpreter (where a wasm call costs about as much as the host
  // entry it would replace; docs/performance.md). Read when a component is instantiated.
  enum class AdapterForm : uint8_t { kAuto, kHost, kWasm };
  AdapterForm adapter_form() const { return adapter_form_; }
  void set_adapter_form(AdapterForm f) { adapter_form_ = f; }
  size_t wasm_adapters_linked() const { return wasm_linked_; }
  void count_wasm_adapter() { ++wasm_linked_; }
  // Of those, the ones in the direct form (FusedAdapter::Direct).
  size_t direct_adapters_linked() const { return direct_linked_; }
  void count_direct_adapter() { ++direct_linked_; }
  // Compiled adapter modules (wasm_adapter.h), by their bytes.
  std::map<std::vector<uint8_t>, std::shared_ptr<const Module>>& adapter_modules() {
    return adapter_modules_;
  }
  // The flags of instance states bound to core globals (may_enter, may_leave), for adapters.
  std::map<ComponentInstanceState*, std::pair<Global*, Global*>>& flag_globals() { return flag_globals_; }
  void set_async_store(AsyncStore* a) { async_ = a; }
  // The most live async threads (each a host thread) this store allows; one more traps
  // "too many threads". A bound on host resources a guest can take, not a tuning knob.
  static constexpr size_t kDefaultMaxAsyncThreads = 256;
  size_t max_async_threads() const { return max_async_threads_; }
  void set_max_async_threads(size_t n) { max_async_threads_ = n; }
  // The most live callback-lifted tasks run without a host thread (docs/component-async.md);
  // one more traps "too many callback tasks". Each costs a few hundred bytes of host memory.
  static constexpr size_t kDefaultMaxCallbackTasks = 65536;
  size_t max_callback_tasks() const { return max_callback_tasks_; }
  void set_max_callback_tasks(size_t n) { max_callback_tasks_ = n; }
  // The most host memory one call's values lifted for the host may take (the arguments of a
  // host function, the results of Call), in bytes (kMaxHostValueBytes, canon_plan.h); a call
  // past it traps. Read when a host function is defined and when Call runs.
  uint64_t max_host_value_bytes() const { return max_host_value_bytes_; }
  void set_max_host_value_bytes(uint64_t n) { max_host_value_bytes_ = n; }

 private:
  Store& store_;
  TypeTable types_;
  std::vector<std::shared_ptr<void>> owned_;
  std::map<const CoreModule*, std::shared_ptr<const Module>> modules_;
  AsyncStore* async_ = nullptr;  // async_runtime.h; ended first by the destructor
  size_t max_async_threads_ = kDefaultMaxAsyncThreads;
  size_t max_callback_tasks_ = kDefaultMaxCallbackTasks;
  uint64_t max_host_value_bytes_ = kMaxHostValueBytes;
  bool fused_adapters_ = true;
  size_t fused_linked_ = 0;
  AdapterForm adapter_form_ = AdapterForm::kAuto;
  size_t wasm_linked_ = 0;
  size_t direct_linked_ = 0;
  std::map<std::vector<uint8_t>, std::shared_ptr<const Module>> adapter_modules_;
  std::map<ComponentInstanceState*, std::pair<Global*, Global*>> flag_globals_;
};

}  // namespace nw::component

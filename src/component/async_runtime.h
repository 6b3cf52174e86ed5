// The async half of the canonical ABI at run time (docs/component-async.md): threads as host
// threads with strict hand-off, tasks and subtasks, waitables and waitable sets, streams and
// futures, error-contexts, and the 🔀/🧵 built-ins, following definitions.py. instantiate.cc
// calls in through the functions below; nothing else of the component layer knows the state.
//
// Not here: the shared-everything thread.spawn built-ins (refused at instantiation),
// error-context values inside value types.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "component/ast.h"
#include "component/canon_context.h"
#include "component/canon_plan.h"
#include "component/component_value.h"
#include "component/resource_table.h"
#include "nanowasm/runtime.h"

namespace nw::component {

class ComponentStore;
struct RtFunc;
struct RtOptions;
class AsyncStore;

struct AsyncElem {
  enum class Kind : uint8_t {
    kSubtask, kReadableStream, kWritableStream, kReadableFuture, kWritableFuture,
    kWaitableSet, kErrorContext,
  };
  explicit AsyncElem(Kind k) : kind(k) {}
  virtual ~AsyncElem() = default;
  Kind kind;
};

// The async store of a component store (made on first use; it ends every suspended thread when
// the component store dies).
AsyncStore& AsyncOf(ComponentStore& cs);
void DestroyAsyncStore(AsyncStore* as);

// Host threads the store's async runtime has started so far, and its live callback tasks that
// run without one (for tests and benchmarks).
uint64_t AsyncHostThreadsStarted(ComponentStore& cs);
size_t AsyncLiveCallbackTasks(ComponentStore& cs);

// Marks `inst` as running async code: its exports are called through tasks on threads.
void MarkAsyncInstance(ComponentStore& cs, ComponentInstanceState* inst);

// Whether a call to `f` goes through the async machinery (an async type or options, or an
// instance marked async).
bool NeedsAsyncCall(const RtFunc& f);

// Store.invoke of a lifted function from the host, then the event loop until it resolves.
Result<std::vector<ComponentValue>> AsyncCallFromHost(ComponentStore& cs, const RtFunc& f,
                                                      std::span<const ComponentValue> args);

// The plans of one `canon lower`: async lowers flatten params with MAX_FLAT_ASYNC_PARAMS and
// return results through memory.
struct LowerInfo {
  const RtFunc* callee = nullptr;
  RtOptions* opts = nullptr;
  ComponentInstanceState* caller = nullptr;
  bool async = false;
  ValuesPlan async_params, async_results;
  nw::FuncType core_type;  // the lowered core function's signature
};
Result<LowerInfo*> PrepareLower(ComponentStore& cs, const RtFunc* callee, RtOptions* opts,
                                ComponentInstanceState* caller, bool async);
// canon_lower's body: flat args in, flat results out (results sized by core_type).
Status AsyncLowerCall(ComponentStore& cs, const LowerInfo& li, std::span<const uint64_t> args,
                      std::span<uint64_t> results);

// One async built-in to make as a host function of `inst`.
struct BuiltinSpec {
  const Canon* canon = nullptr;
  RtOptions* opts = nullptr;             // the built-in's canon options (memory, realloc, async)
  ComponentInstanceState* inst = nullptr;
  TypeId type = 0;                       // stream/future: the stream/future type
  std::vector<TypeId> result;            // task.return: the result types
  Memory* memory = nullptr;              // waitable-set.wait/poll
  Table* table = nullptr;                // thread.new-indirect
};
Result<Func*> MakeAsyncBuiltin(ComponentStore& cs, const BuiltinSpec& spec);

// lift_stream/lift_future and lower_stream/lower_future for the plans: a lifted readable end is
// a transfer id valid until lowered.
Result<uint32_t> LiftAsyncValue(Side& src, uint32_t handle, TypeKind kind, const std::string& type);
Result<uint32_t> LowerAsyncValue(Side& dst, uint32_t transfer_id);

}  // namespace nw::component

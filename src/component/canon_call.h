// Synchronous calls across the canonical ABI, with the reentrance and borrow rules of
// definitions.py's Store.lift / canon_lift / canon_lower for sync (non-async) functions:
//   CallLifted   the host calls a lifted core function (Store.invoke of canon lift)
//   CallLowered  a core function calls a host function through canon lower
//   CallAdapter  a core function of one component calls a lifted core function of another
//                (canon lower of canon lift), values copied directly by a fused plan
// The core functions are callbacks; the runtime supplies them. A trap leaves the entered
// instances with may_enter false, so a trapped instance cannot be entered again (the spec's
// behaviour: a trap is not recovered from). Not here: async lifts/lowers, callbacks, tasks
// beyond the borrow scope.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "component/canon_plan.h"
#include "component/resource_table.h"

namespace nw::component {

// A core function: args in, results out (results has room for the signature's results).
struct CoreFunc {
  void* ctx = nullptr;
  Status (*call)(void* ctx, std::span<const uint64_t> args, std::span<uint64_t> results) = nullptr;
};

// A host function implementing a component-level function. Its arguments are lifted into at
// most `max_arg_bytes` of host values (kMaxHostValueBytes; ComponentStore::HostFunction sets
// the store's bound); past it the calling core function traps.
struct HostFunc {
  void* ctx = nullptr;
  Result<std::vector<ComponentValue>> (*call)(void* ctx, std::span<const ComponentValue> args) = nullptr;
  uint64_t max_arg_bytes = kMaxHostValueBytes;
};

// The largest flat parameter list of a sync core signature: MAX_FLAT_PARAMS plus the
// out-param pointer of canon lower.
inline constexpr size_t kMaxCoreParams = kMaxFlatParams + 1;

// The callee's post-return with the results, run with may_leave cleared.
Status PostReturn(ComponentInstanceState& inst, const CanonOptions& opts,
                  std::span<const uint64_t> flat_results);

// The results are lifted into at most `max_result_bytes` of host values (kMaxHostValueBytes).
Result<std::vector<ComponentValue>> CallLifted(const FunctionPlan& fp, ComponentInstanceState& callee,
                                               const CanonOptions& callee_opts, CoreFunc core,
                                               ComponentInstanceState* caller,
                                               std::span<const ComponentValue> args,
                                               uint64_t max_result_bytes = kMaxHostValueBytes);

// flat_args follow fp.lower_sig.params; flat_results has room for fp.lower_sig.results.
Status CallLowered(const FunctionPlan& fp, ComponentInstanceState& caller,
                   const CanonOptions& caller_opts, HostFunc host,
                   std::span<const uint64_t> flat_args, std::span<uint64_t> flat_results);

Status CallAdapter(const FunctionPlan& fp, ComponentInstanceState& caller,
                   const CanonOptions& caller_opts, ComponentInstanceState& callee,
                   const CanonOptions& callee_opts, CoreFunc core,
                   std::span<const uint64_t> flat_args, std::span<uint64_t> flat_results);

}  // namespace nw::component

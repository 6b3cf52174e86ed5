// Sync call drivers of the canonical ABI (see canon_call.h). Each follows the order of
// definitions.py: reentrance checks, lowering of the arguments, the core call, lifting of the
// results, task.return_'s borrow check, post-return with may_leave cleared, leaving.
#include "component/canon_call.h"

#include <array>

namespace nw::component {

Status PostReturn(ComponentInstanceState& inst, const CanonOptions& opts,
                  std::span<const uint64_t> flat_results) {
  if (!opts.post_return) return Ok();
  inst.set_may_leave(false);
  Status s = opts.post_return(opts.ctx, flat_results);
  inst.set_may_leave(true);
  return s;
}

Result<std::vector<ComponentValue>> CallLifted(const FunctionPlan& fp, ComponentInstanceState& callee,
                                               const CanonOptions& callee_opts, CoreFunc core,
                                               ComponentInstanceState* caller,
                                               std::span<const ComponentValue> args,
                                               uint64_t max_result_bytes) {
  if (!fp.types || !core.call) return MakeError("call through an uncompiled plan or a null function");
  // A badly shaped host argument is the host's error: refused before the instance is entered,
  // so it does not leave the instance unenterable as a trap would.
  if (args.size() != fp.params.types.size()) return MakeError("wrong number of arguments");
  for (size_t i = 0; i < args.size(); ++i) NW_TRY(CheckValue(*fp.types, fp.params.types[i], args[i]));
  if (!callee.MayEnterFrom(caller)) return Trap(kTrapCannotEnter);
  callee.EnterFrom(caller);
  Task task(&callee);
  Side side{&callee_opts, &callee, &task, nullptr, {}, nullptr};
  side.Refresh();
  std::array<uint64_t, kMaxCoreParams> flat_args;
  NW_TRY_ASSIGN(uint32_t nargs, PlanLowerValues(fp.params, *fp.types, side, args, flat_args));
  std::array<uint64_t, 1> flat_results{};
  std::span<uint64_t> results(flat_results.data(), fp.lift_sig.results.size());
  NW_TRY(core.call(core.ctx, std::span<const uint64_t>(flat_args.data(), nargs), results));
  side.Refresh();
  NW_TRY_ASSIGN(std::vector<ComponentValue> out,
                PlanLiftValues(fp.results, side, results, max_result_bytes));
  NW_TRY(task.Return());
  NW_TRY(PostReturn(callee, callee_opts, results));
  callee.LeaveTo(caller);
  return out;
}

Status CallLowered(const FunctionPlan& fp, ComponentInstanceState& caller,
                   const CanonOptions& caller_opts, HostFunc host,
                   std::span<const uint64_t> flat_args, std::span<uint64_t> flat_results) {
  if (!fp.types || !host.call) return MakeError("call through an uncompiled plan or a null function");
  if (!caller.may_leave()) return Trap(kTrapCannotLeave);
  if (flat_args.size() != fp.lower_sig.params.size()) return MakeError("wrong number of core arguments");
  Subtask subtask(&caller);
  Side side{&caller_opts, &caller, nullptr, &subtask, {}, nullptr};
  side.Refresh();
  NW_TRY_ASSIGN(std::vector<ComponentValue> args,
                PlanLiftValues(fp.params, side, flat_args, host.max_arg_bytes));
  NW_TRY_ASSIGN(std::vector<ComponentValue> results, host.call(host.ctx, args));
  side.Refresh();
  if (fp.results.in_memory) {
    uint32_t out_param = static_cast<uint32_t>(flat_args.back());
    NW_TRY(PlanLowerValuesTo(fp.results, *fp.types, side, results, out_param, {}));
  } else {
    NW_TRY(PlanLowerValuesTo(fp.results, *fp.types, side, results, 0, flat_results));
  }
  subtask.DeliverResolve();
  return Ok();
}

Status CallAdapter(const FunctionPlan& fp, ComponentInstanceState& caller,
                   const CanonOptions& caller_opts, ComponentInstanceState& callee,
                   const CanonOptions& callee_opts, CoreFunc core,
                   std::span<const uint64_t> flat_args, std::span<uint64_t> flat_results) {
  if (!fp.types || !core.call) return MakeError("call through an uncompiled plan or a null function");
  if (!caller.may_leave()) return Trap(kTrapCannotLeave);
  if (flat_args.size() != fp.lower_sig.params.size()) return MakeError("wrong number of core arguments");
  Subtask subtask(&caller);
  if (!callee.MayEnterFrom(&caller)) return Trap(kTrapCannotEnter);
  callee.EnterFrom(&caller);
  Task task(&callee);
  Side from{&caller_opts, &caller, nullptr, &subtask, {}, nullptr, true};
  Side to{&callee_opts, &callee, &task, nullptr, {}, nullptr, true};
  from.Refresh();
  to.Refresh();
  std::array<uint64_t, kMaxCoreParams> callee_args;
  NW_TRY_ASSIGN(uint32_t nargs, PlanCopyValues(fp.params, from, to, flat_args, callee_args, nullptr));
  std::array<uint64_t, 1> callee_results{};
  std::span<uint64_t> results(callee_results.data(), fp.lift_sig.results.size());
  NW_TRY(core.call(core.ctx, std::span<const uint64_t>(callee_args.data(), nargs), results));
  from.Refresh();
  to.Refresh();
  NW_TRY(task.Return());
  if (fp.results.in_memory) {
    uint32_t out_param = static_cast<uint32_t>(flat_args.back());
    NW_TRY(PlanCopyValues(fp.results, to, from, results, {}, &out_param));
  } else {
    NW_TRY(PlanCopyValues(fp.results, to, from, results, flat_results, nullptr));
  }
  NW_TRY(PostReturn(callee, callee_opts, results));
  callee.LeaveTo(&caller);
  subtask.DeliverResolve();
  return Ok();
}

}  // namespace nw::component

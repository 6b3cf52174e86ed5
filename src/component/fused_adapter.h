// Fused adapters: a sync component-to-component call (canon lower of a canon lift in another
// instance) compiled once, when the lower is linked, for its exact (function type, caller
// options, callee options) — the component model's "fused adapter" of the lower in the caller
// composed with the lift in the callee.
//
// Compilation turns the function's copy plan into threaded code: one step per value with
// every decision made at link time (the conversion of each scalar, the string encoding pair,
// whether a list's elements copy as one block, the case programs of a variant, runs of
// adjacent integers merged into one copy); the per-call driver then runs those steps with no
// type switch, no host values and no allocation (besides the callee's realloc and a lent
// borrow's bookkeeping). Behaviour — results, memory written, realloc calls and every trap
// with its message — is that of CallAdapter (canon_call.h), which the tests check.
//
// Not covered (Compile returns null; the caller keeps CallAdapter): stream and future values
// anywhere in the type. Async lowers/lifts and host callees never reach here (instantiate.cc
// routes them to the async runtime and CallLowered).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "component/canon_call.h"
#include "component/canon_plan.h"

namespace nw::component {

struct FusedProgram;
struct StepState;

class FusedAdapter {
 public:
  // Null when the type holds something the adapter compiler does not cover (see above).
  static std::unique_ptr<FusedAdapter> Compile(const FunctionPlan& fp, ComponentInstanceState& caller,
                                               const CanonOptions& caller_opts,
                                               ComponentInstanceState& callee,
                                               const CanonOptions& callee_opts, CoreFunc core);
  ~FusedAdapter();

  // The call: flat_args follow fp.lower_sig.params; flat_results has room for
  // fp.lower_sig.results and may overlap flat_args. Errors are CallAdapter's (traps start
  // "trap: ").
  Status Call(std::span<const uint64_t> flat_args, std::span<uint64_t> flat_results) const;

  // The same call as steps (a stepped host function of the runtime, runtime/vm.h), so that the
  // callee's realloc of each top-level flat string or plain list argument and the callee core
  // function run as wasm frames of the caller's tier instead of host entries: each step returns
  // what to call next (its arguments written to `call`: realloc(0, 0, align, size) or the core
  // arguments) and the next step reads its results there. `words`: the lower's flat arguments,
  // then its flat results; `state`: kStepStateSlots words kept between steps. Every other
  // realloc, and post-return, are called within a step as by Call. Same results, memory
  // written and traps as Call; a trap inside a called function ends the call there (as
  // Call's early return does). Only for adapters with steppable() true: with no borrow handle
  // in the type, no step leaves bookkeeping (a Task's borrows, a Subtask's lends) that a trap
  // inside a frame would have to release.
  enum class StepCall : uint8_t { kDone, kRealloc, kCore };
  static constexpr uint32_t kStepStateSlots = 20;
  bool steppable() const { return !has_borrow_; }
  Result<StepCall> Step(uint64_t* words, uint64_t* state, uint64_t* call) const;

  // Counts of the compiled code, for tests: steps in all programs.
  size_t step_count() const;

 private:
  FusedAdapter() = default;
  Result<StepCall> StepResults(uint64_t* words, const StepState& st, const uint64_t* call,
                               Side& from, Side& to) const;
  const FunctionPlan* fp_ = nullptr;
  ComponentInstanceState* caller_ = nullptr;
  const CanonOptions* caller_opts_ = nullptr;
  ComponentInstanceState* callee_ = nullptr;
  const CanonOptions* callee_opts_ = nullptr;
  CoreFunc core_;
  std::vector<ComponentInstanceState*> entering_;  // callee.EnteringSet(caller)
  const FusedProgram* params_ = nullptr;
  const FusedProgram* results_ = nullptr;
  std::vector<std::unique_ptr<FusedProgram>> programs_;  // owns params_, results_ and nested ones
  std::vector<const FusedProgram*> cases_;              // variant case programs (null: no payload)
  bool has_borrow_ = false;
  uint32_t nparam_steps_ = 0;  // params_->steps.size()
  friend class FusedCompiler;
};

}  // namespace nw::component

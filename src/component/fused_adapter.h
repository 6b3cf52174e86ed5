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

  // Counts of the compiled code, for tests: steps in all programs.
  size_t step_count() const;

 private:
  FusedAdapter() = default;
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
  friend class FusedCompiler;
};

}  // namespace nw::component

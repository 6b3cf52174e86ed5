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

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
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

  // ---- The split form (wasm_adapter.h) ----
  // The same call cut at its one allocation, so that generated core wasm can make the calls
  // into the callee itself (realloc, the core function: wasm-to-wasm calls of the tier, no
  // host entry): Enter (reentrance checks, the arguments up to the allocation and its checks;
  // the bytes to allocate), the callee's realloc(0, 0, align, bytes) by the wasm, Params (the
  // allocation's checks and copy, the other arguments: the callee's flat arguments), the core
  // call by the wasm, Results (task.return's check, the results, leaving). Behaviour and trap
  // messages are Call's, in Call's order; what runs between the parts is only the guest's
  // realloc (with the callee's may_leave cleared, as cx.reallocate) and the core function.
  struct SplitForm {
    bool allocates = false;  // one top-level string or plain list in the arguments
    uint32_t align = 1;      // realloc's alignment argument when it allocates
  };
  // Empty when the call cannot be cut so: arguments in memory, more than one allocation (or
  // one nested in another value), a transcoding string copy (its reallocs depend on the
  // contents), borrow handles (the call's task would span the parts), a post-return.
  std::optional<SplitForm> Split() const { return split_; }
  // The parts, in this order, each at most once per call. Enter returns the bytes to allocate
  // (when the split allocates; the callee's flat arguments are then produced by Params),
  // otherwise writes the callee's flat arguments to callee_args itself. After a failed part
  // the call is over (a trap: the entered instances stay unenterable, as with Call).
  Status Enter(const uint64_t* flat_args, uint32_t* bytes, uint64_t* callee_args);
  Status Params(uint32_t dptr, uint64_t* callee_args);
  // core_results: the core function's (lift_sig) results; out_param: the caller's return
  // area when the results are in memory; flat_results: the lower's results otherwise.
  Status Results(const uint64_t* core_results, uint32_t out_param, uint64_t* flat_results);
  const FunctionPlan& plan() const { return *fp_; }

  // The direct form (wasm_adapter.h): a split call that allocates, whose other arguments pass
  // unchanged (u32, s32, u64, s64) and whose results are integers (in memory: copied as bytes;
  // flat: one unchanged value). The generated wasm then makes every check and copy itself
  // (the flags as core globals: ComponentInstanceState::BindFlags) but the copy between the
  // two memories and a string's source checks, host leaves (Func::CreateHostLeaf) that
  // compiled code calls as C functions.
  struct DirectForm {
    uint32_t alloc_param = 0;  // the allocation's (ptr, len) in the flat arguments
    bool list = false;         // a plain list (else a UTF-8 string)
    uint32_t elem_size = 1, elem_align = 1;
    // The result record's integer fields as (offset, bytes) in the return areas, one each.
    std::vector<std::pair<uint32_t, uint32_t>> result_blocks;
  };
  std::optional<DirectForm> Direct() const { return direct_; }
  const std::vector<ComponentInstanceState*>& entering() const { return entering_; }
  ComponentInstanceState& caller_state() const { return *caller_; }
  ComponentInstanceState& callee_state() const { return *callee_; }
  const CanonOptions& caller_options() const { return *caller_opts_; }
  const CanonOptions& callee_options() const { return *callee_opts_; }

 private:
  FusedAdapter() = default;
  std::optional<SplitForm> ComputeSplit();
  std::optional<DirectForm> ComputeDirect() const;
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
  // The split form: the allocating step's index in params_ (or its size when none); the state
  // Enter leaves for Params (the caller's flat arguments; nothing else runs in between but the
  // callee's realloc, which cannot call out).
  std::optional<SplitForm> split_;
  std::optional<DirectForm> direct_;
  size_t split_step_ = 0;
  std::array<uint64_t, kMaxCoreParams> split_args_{};
  std::array<uint64_t, kMaxCoreParams> split_out_{};
  friend class FusedCompiler;
};

}  // namespace nw::component

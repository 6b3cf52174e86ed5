// The optimizing tier behind runtime/tier.h. Two halves, as the libraries are split:
//  - nw_opt_rt (no LLVM): running compiled code. OptCode is the CompiledCode of a module whose
//    machine code is a loaded object (loader.h); its entries are the nw_fN functions and the
//    ArrayCall OptInvoke, which enters through the nw_aN trampolines. Traps from compiled code
//    (the Trap builtin, a host call's trap, a memory fault in a guard region, a stack-limit
//    check) unwind to the innermost OptInvoke (runtime.cc: nw_opt_resume); compiled frames
//    hold nothing to clean up. Backtraces walk the frame-pointer chain. An AOT loader builds
//    OptCode from an artifact's object with MakeOptCode and uses the store-context functions
//    below.
//  - nw_opt (LLVM 19): OptTier(), whose Compile runs the compiler (compiler.h) and MakeOptCode.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/result.h"
#include "opt/code_map.h"
#include "opt/loader.h"
#include "runtime/tier.h"

namespace nw::opt {

// The CompiledCode of `desc` over `code`, the object compiled for it (function symbols nw_fN /
// nw_aN, loader.h). Every defined function must have its nw_fN or be unreachable from outside
// the module; those without an nw_aN are never entered from the host. `maps` give compiled
// frames their wasm offsets in backtraces (code_map.h; empty: frames have no offset).
Result<std::unique_ptr<const CompiledCode>> MakeOptCode(const ModuleDesc& desc,
                                                        std::unique_ptr<LoadedCode> code,
                                                        CodeOffsetMaps maps = {});

// Tiered compilation (Config::opt_tiering, docs/architecture.md "Tiered compilation"): a module
// whose code starts as a cheap first tier (compiler.h, Options::first_tier) and is replaced by
// a second tier compiled in the background. The runtime sees one CompiledCode.
//
// The background compile of a tiered module, owned by its code: destroying it cancels the
// compile (no new chunk starts) and joins its thread.
class TierUpJob {
 public:
  virtual ~TierUpJob() = default;
  // Waits until the second tier is compiled and promoted (or the compile failed: its error).
  virtual Status Finish() = 0;
};
class TieredOptCode : public CompiledCode {
 public:
  // Swaps in `code` (the same module compiled with Options::keep_func_symbols) for every
  // caller: thread-safe while the first tier runs on other threads. At most once.
  virtual Status Promote(const ModuleDesc& desc, std::unique_ptr<LoadedCode> code,
                         CodeOffsetMaps maps) const = 0;
  virtual bool promoted() const = 0;
  // The job that will call Promote (set once, right after construction).
  virtual void SetJob(std::unique_ptr<TierUpJob> job) const = 0;
  // The job's Finish (tests, benchmarks: force the swap now).
  virtual Status FinishTierUp() const = 0;
};
// Whether OptTier compiles `desc` tiered under `config` (Config::opt_tiering).
bool TieringFor(const Config& config, const ModuleDesc& desc);
// The CompiledCode of `desc` over its first tier `first`.
Result<std::unique_ptr<const TieredOptCode>> MakeTieredOptCode(const ModuleDesc& desc,
                                                                std::unique_ptr<LoadedCode> first,
                                                                CodeOffsetMaps maps = {});

// The opt tier's per-store context (Tier::NewStoreContext / DeleteStoreContext). Installs the
// process's SIGSEGV/SIGBUS handler on first use when `config` uses guard regions.
StoreContext* NewOptStoreContext(Store& store, const Config& config);
void DeleteOptStoreContext(StoreContext* ctx);

// The LLVM tier (only in builds with NANOWASM_ENABLE_LLVM; engine.cc names it).
const Tier& OptTier();
// An opt tier whose compiler starts from `base` (O-level, target CPU, threads, chunk size; the
// Config still sets bounds, NaN and epoch modes): for tests and benchmarks. Outlives its engines.
struct Options;
// `manual_tier_up`: a tiered module's second tier is compiled only when FinishTierUp is called
// (tests: run before and after the swap).
std::unique_ptr<Tier> MakeOptTier(const Options& base, bool manual_tier_up = false);
// How many times OptTier has run the compiler in this process (tests: loading an artifact
// compiles nothing).
uint64_t CompileCount();

}  // namespace nw::opt

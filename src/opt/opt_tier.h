// The optimizing tier behind runtime/tier.h. Two halves, as the libraries are split:
//  - nw_opt_rt (no LLVM): running compiled code. OptCode is the CompiledCode of a module whose
//    machine code is a loaded object (loader.h); its entries are the nw_fN functions and the
//    ArrayCall OptInvoke, which enters through the nw_aN trampolines. Traps from compiled code
//    (the Trap builtin, a host call's trap, a memory fault in a guard region, a stack-limit
//    check) unwind to the innermost OptInvoke with siglongjmp; compiled frames hold nothing to
//    clean up. Backtraces walk the frame-pointer chain. An AOT loader builds OptCode from an
//    artifact's object with MakeOptCode and uses the store-context functions below.
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

// The opt tier's per-store context (Tier::NewStoreContext / DeleteStoreContext). Installs the
// process's SIGSEGV/SIGBUS handler on first use when `config` uses guard regions.
StoreContext* NewOptStoreContext(Store& store, const Config& config);
void DeleteOptStoreContext(StoreContext* ctx);

// The LLVM tier (only in builds with NANOWASM_ENABLE_LLVM; engine.cc names it).
const Tier& OptTier();
// An opt tier whose compiler starts from `base` (O-level, target CPU, threads, chunk size; the
// Config still sets bounds, NaN and epoch modes): for tests and benchmarks. Outlives its engines.
struct Options;
std::unique_ptr<Tier> MakeOptTier(const Options& base);
// How many times OptTier has run the compiler in this process (tests: loading an artifact
// compiles nothing).
uint64_t CompileCount();

}  // namespace nw::opt

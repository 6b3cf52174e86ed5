// The LLVM tier as a runtime Tier (opt_tier.h): Compile validates and compiles every body with
// the compiler (compiler.h; bounds-check mode from Config::bounds_checks, NaN mode from
// Config::canonicalize_nans), loads the object (loader.h) and wraps it in OptCode. A module
// the compiler refuses (more than one memory, a body over its IR budget) fails with "opt tier:
// unsupported ...". Epoch interruption is compiled (checks at function entries and loop heads, as
// the interpreter's), and so is fuel, charged as the interpreter charges it (opt/fuel.h).
// The runtime half (store contexts, loading AOT artifacts) is OptRuntimeTierBase's
// (aot_tier.h, no LLVM); this adds compiling and writing artifacts.
#include <atomic>

#include "opt/aot_tier.h"
#include "opt/artifact.h"
#include "opt/compiler.h"
#include "opt/opt_tier.h"
#include "runtime/vm.h"

namespace nw::opt {
namespace {

std::atomic<uint64_t> g_compiles{0};

class OptTierImpl final : public OptRuntimeTierBase {
 public:
  // `base`: the compiler options no Config field sets (O-level, target, threads, chunking).
  explicit OptTierImpl(const Options& base = {}) : base_(base) {}
  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const override {
    g_compiles.fetch_add(1, std::memory_order_relaxed);
    NW_TRY_ASSIGN(CompiledObject obj, CompileModule(env.desc, OptionsFor(env.config)));
    NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(obj.elf));
    return MakeOptCode(env.desc, std::move(code), std::move(obj.offset_maps));
  }

  // OptCode keeps no copy of its object (that would double the code's memory for every module
  // to serve the rare Serialize): the module is compiled again, deterministically, with the
  // same options.
  Result<std::vector<uint8_t>> WriteArtifact(const ModuleEnv& env, const CompiledCode&,
                                             std::span<const uint8_t> module_bytes) const override {
    g_compiles.fetch_add(1, std::memory_order_relaxed);
    Options o = OptionsFor(env.config);
    NW_TRY_ASSIGN(CompiledObject obj, CompileModule(env.desc, o));
    return BuildArtifact(module_bytes, env.desc.num_imported_funcs, obj, o);
  }

 private:
  // The configuration's code options (CodeOptionsFor) with base_'s compiler settings.
  Options OptionsFor(const Config& config) const {
    Options o = CodeOptionsFor(config);
    o.opt_level = base_.opt_level;
    o.host_cpu = base_.host_cpu;
    o.threads = base_.threads;
    o.chunk_bytes = base_.chunk_bytes;
    return o;
  }
  Options base_;
};

}  // namespace

uint64_t CompileCount() { return g_compiles.load(std::memory_order_relaxed); }

const Tier& OptTier() {
  static const OptTierImpl tier;
  return tier;
}

std::unique_ptr<Tier> MakeOptTier(const Options& base) {
  return std::make_unique<OptTierImpl>(base);
}

}  // namespace nw::opt

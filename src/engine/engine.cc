// Engine(Config): the one place that names the tiers and picks the one Config::tier asks for.
// The runtime itself sees only runtime/tier.h. The opt tier is a CMake option
// (NANOWASM_ENABLE_LLVM) and a separate library (nw_opt, which needs LLVM): it is referenced
// weakly, so a program that does not link nw_opt (libnanowasm.a, a build without LLVM) gets a
// stub Tier whose Compile says it is not there (ARCHITECTURE decision 10), and one that does
// (the nanowasm CLI, tests) gets the real one.
#include "interp/interp.h"
#include "nanowasm/runtime.h"
#include "runtime/tier.h"

namespace nw {
namespace opt {
[[gnu::weak]] const Tier& OptTier();
// The opt tier's runtime half alone (nw_opt_rt): runs AOT artifacts in builds without LLVM.
[[gnu::weak]] const Tier& OptRuntimeTier();
}  // namespace opt
namespace {

class MissingOptTier final : public Tier {
 public:
  std::string_view Name() const override { return "opt"; }
  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv&) const override {
    return MakeError("the opt tier is not in this program (it needs a build with LLVM 19 "
                     "and the nw_opt library)");
  }
  StoreContext* NewStoreContext(Store& store, const Config& config) const override {
    return interp::InterpTier().NewStoreContext(store, config);
  }
  void DeleteStoreContext(StoreContext* ctx) const override {
    interp::InterpTier().DeleteStoreContext(ctx);
  }
};

bool HaveOptTier() { return &opt::OptTier != nullptr; }

const Tier& SelectTier(const Config& config) {
  switch (config.tier) {
    case Config::ExecutionTier::kInterp: return interp::InterpTier();
    case Config::ExecutionTier::kOpt: {
      if (HaveOptTier()) return opt::OptTier();
      if (&opt::OptRuntimeTier != nullptr) return opt::OptRuntimeTier();
      static const MissingOptTier missing;
      return missing;
    }
  }
  return interp::InterpTier();
}

}  // namespace

Engine::Engine(Config config) : Engine(config, SelectTier(config)) {}

bool Engine::TierBuiltIn(Config::ExecutionTier tier) {
  switch (tier) {
    case Config::ExecutionTier::kInterp: return true;
    case Config::ExecutionTier::kOpt: return HaveOptTier();
  }
  return false;
}

}  // namespace nw

// The opt tier's runtime half as a Tier (nw_opt_rt, no LLVM): running code that was compiled
// ahead of time. It loads AOT artifacts (src/aot, artifact.h) into the same OptCode the JIT
// builds, with the same store contexts, so an artifact runs exactly as freshly compiled code
// does. Compiling is refused: a runtime-only build selects OptRuntimeTier() for
// Config::tier = kOpt (src/engine), and the LLVM tier (tier.cc) derives from it, adding Compile
// and WriteArtifact.
#pragma once

#include <memory>

#include "opt/compiler.h"
#include "runtime/tier.h"

namespace nw::opt {

class OptRuntimeTierBase : public Tier {
 public:
  std::string_view Name() const override { return "opt"; }
  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const override;
  StoreContext* NewStoreContext(Store& store, const Config& config) const override;
  void DeleteStoreContext(StoreContext* ctx) const override;
  Result<aot::Expectations> ArtifactExpectations(const Config& config) const override;
  Result<std::unique_ptr<const CompiledCode>> LoadArtifact(
      const ModuleEnv& env, const aot::Artifact& artifact) const override;
};

// The tier of a build without the compiler: runs artifacts only.
const Tier& OptRuntimeTier();

// The compiler options that Config `config` implies (bounds-check mode from
// Config::bounds_checks, NaN mode, fuel, epochs): what the JIT compiles with and what an
// artifact must have been compiled with to load under `config`.
Options CodeOptionsFor(const Config& config);

}  // namespace nw::opt

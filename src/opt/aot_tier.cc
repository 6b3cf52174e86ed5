// OptRuntimeTierBase (aot_tier.h): artifacts in, OptCode out, no LLVM.
#include "opt/aot_tier.h"

#include "opt/artifact.h"
#include "opt/opt_tier.h"

namespace nw::opt {

Options CodeOptionsFor(const Config& config) {
  Options o;
  o.bounds = config.UsesGuardRegion() ? BoundsMode::kGuardPages : BoundsMode::kExplicit;
  o.canonicalize_nans = config.canonicalize_nans;
  o.relaxed_traps = config.opt_relaxed_traps;
  o.consume_fuel = config.consume_fuel;
  o.epoch_interruption = config.epoch_interruption;
  return o;
}

Result<std::unique_ptr<const CompiledCode>> OptRuntimeTierBase::Compile(const ModuleEnv&) const {
  return MakeError("this nanowasm has no compiler for the opt tier (built without LLVM): it "
                   "runs AOT artifacts only");
}

StoreContext* OptRuntimeTierBase::NewStoreContext(Store& store, const Config& config) const {
  return NewOptStoreContext(store, config);
}
void OptRuntimeTierBase::DeleteStoreContext(StoreContext* ctx) const {
  DeleteOptStoreContext(ctx);
}

Result<aot::Expectations> OptRuntimeTierBase::ArtifactExpectations(const Config& config) const {
  aot::Expectations e;
  e.abi_hash = CodeAbiHash();
  e.config = CodeConfigOf(CodeOptionsFor(config));
  return e;
}

Result<std::unique_ptr<const CompiledCode>> OptRuntimeTierBase::LoadArtifact(
    const ModuleEnv& env, const aot::Artifact& artifact) const {
  if (artifact.funcs.size() != env.desc.functions.size())
    return MakeError("artifact: its function table has " + std::to_string(artifact.funcs.size()) +
                     " entries, the module " + std::to_string(env.desc.functions.size()) +
                     " functions");
  for (const aot::InlineFrame& f : artifact.inline_frames)
    if (f.func_index < env.desc.num_imported_funcs || f.func_index >= env.desc.NumFuncs())
      return MakeError("artifact: an inline frame names function " + std::to_string(f.func_index) +
                       ", not a function the module defines");
  NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(artifact.object));
  NW_TRY(CheckFunctionTable(artifact, *code));
  return MakeOptCode(env.desc, std::move(code),
                     CodeOffsetMaps{artifact.offset_map_begin, artifact.offset_maps,
                                    artifact.inline_frames});
}

const Tier& OptRuntimeTier() {
  static const OptRuntimeTierBase tier;
  return tier;
}

}  // namespace nw::opt

// The opt tier's test harness (see opt_harness.h).
#include "opt_harness.h"

namespace nw::opt::test {

OptStore::OptStore(Config::ExecutionTier tier, const Options& options, Features features) {
  Config config;
  config.tier = tier;
  config.features = features;
  config.canonicalize_nans = options.canonicalize_nans;
  config.epoch_interruption = options.epoch_interruption;
  config.opt_relaxed_traps = options.relaxed_traps;
  config.bounds_checks = options.bounds == BoundsMode::kGuardPages ? Config::BoundsChecks::kGuardRegion
                                                                   : Config::BoundsChecks::kExplicit;
  if (tier == Config::ExecutionTier::kOpt) {
    tier_ = MakeOptTier(options);
    engine_ = std::make_unique<Engine>(config, *tier_);
  } else {
    engine_ = std::make_unique<Engine>(config);
  }
  store_ = std::make_unique<Store>(*engine_);
  DefineSpectest(linker_, *store_);
}

Result<std::shared_ptr<const LoadedCode>> OptStore::CompileAndLoad(const ModuleDesc& desc,
                                                                   const Options& options) {
  NW_TRY_ASSIGN(CompiledObject obj, CompileModule(desc, options));
  NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(obj.elf));
  return std::shared_ptr<const LoadedCode>(std::move(code));
}

std::expected<OptInstance*, std::string> OptStore::Instantiate(
    const std::shared_ptr<const Module>& m) {
  auto inst = linker_.Instantiate(*store_, m);
  if (!inst)
    return std::unexpected(inst.error().is_trap ? inst.error().trap.message : inst.error().message);
  instances_.push_back(std::make_unique<OptInstance>(OptInstance{*inst}));
  return instances_.back().get();
}

TrapResult<std::vector<uint64_t>> OptStore::Call(OptInstance& oi, uint32_t func_index,
                                                 std::span<const uint64_t> args) {
  FuncObj* f = static_cast<InstanceObj*>(oi.inst)->funcs[func_index];
  std::vector<uint64_t> results(SlotCount(f->f.type->results));
  TrapResult<void> r = f->CallUnchecked(*store_, args, results);
  if (!r) return std::unexpected(std::move(r.error()));
  return results;
}

TrapResult<std::vector<uint64_t>> OptStore::CallExport(OptInstance& oi, std::string_view name,
                                                       std::span<const uint64_t> args) {
  for (const Export& e : oi.inst->module().desc().exports)
    if (e.kind == ExternKind::kFunc && e.name == name) return Call(oi, e.index, args);
  return std::unexpected(MakeHostTrap("harness: no export " + std::string(name)));
}

}  // namespace nw::opt::test

// The LLVM tier as a runtime Tier (opt_tier.h): Compile validates and compiles every body with
// the compiler (compiler.h; bounds-check mode from Config::bounds_checks, NaN mode from
// Config::canonicalize_nans), loads the object (loader.h) and wraps it in OptCode. A module
// the compiler refuses (more than one memory, a body over its IR budget) fails with "opt tier:
// unsupported ...". Epoch interruption is compiled (checks at function entries and loop heads, as
// the interpreter's); fuel is not yet: a configuration with fuel is refused at Compile with one
// clear message (the interpreter's fuel charges depend on its own frame layout).
#include "opt/compiler.h"
#include "opt/opt_tier.h"
#include "runtime/vm.h"

namespace nw::opt {
namespace {

class OptTierImpl final : public Tier {
 public:
  // `base`: the compiler options no Config field sets (O-level, target, threads, chunking).
  explicit OptTierImpl(const Options& base = {}) : base_(base) {}
  std::string_view Name() const override { return "opt"; }

  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const override {
    if (env.config.consume_fuel)
      return MakeError("the opt tier does not support fuel yet; use --tier interp");
    Options o = base_;
    o.bounds = env.config.UsesGuardRegion() ? BoundsMode::kGuardPages : BoundsMode::kExplicit;
    o.canonicalize_nans = env.config.canonicalize_nans;
    o.epoch_interruption = env.config.epoch_interruption;
    NW_TRY_ASSIGN(CompiledObject obj, CompileModule(env.desc, o));
    NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(obj.elf));
    return MakeOptCode(env.desc, std::move(code));
  }

  StoreContext* NewStoreContext(Store& store, const Config& config) const override {
    return NewOptStoreContext(store, config);
  }
  void DeleteStoreContext(StoreContext* ctx) const override { DeleteOptStoreContext(ctx); }

 private:
  Options base_;
};

}  // namespace

const Tier& OptTier() {
  static const OptTierImpl tier;
  return tier;
}

std::unique_ptr<Tier> MakeOptTier(const Options& base) {
  return std::make_unique<OptTierImpl>(base);
}

}  // namespace nw::opt

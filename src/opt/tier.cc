// The LLVM tier as a runtime Tier (opt_tier.h): Compile validates and compiles every body with
// the compiler (compiler.h; bounds-check mode from Config::bounds_checks, NaN mode from
// Config::canonicalize_nans), loads the object (loader.h) and wraps it in OptCode. A module
// the compiler refuses (exception handling, tail calls, a body over its IR budget) fails with
// "opt tier: unsupported ...". Epoch interruption is compiled (checks at function entries and loop heads, as
// the interpreter's), and so is fuel, charged as the interpreter charges it (opt/fuel.h).
// The runtime half (store contexts, loading AOT artifacts) is OptRuntimeTierBase's
// (aot_tier.h, no LLVM); this adds compiling and writing artifacts.
#include <atomic>
#include <mutex>
#include <thread>

#include "opt/aot_tier.h"
#include "opt/artifact.h"
#include "opt/compiler.h"
#include "opt/opt_tier.h"
#include "runtime/vm.h"

namespace nw::opt {
namespace {

std::atomic<uint64_t> g_compiles{0};

// The second tier of a tiered module: compiles a copy of the module (the runtime's ModuleDesc
// moves after Compile returns) at the configured level on its own thread, then promotes it.
// Destroyed by the module's code: cancels (no new chunk starts; a chunk being compiled
// finishes, up to about a second at O2) and joins.
class BackgroundTierUp final : public TierUpJob {
 public:
  BackgroundTierUp(const TieredOptCode& code, const ModuleDesc& desc, const Options& options,
                   bool manual)
      : code_(code), desc_(desc), options_(options) {
    options_.keep_func_symbols = true;
    options_.cancel = &cancel_;
    if (!manual) thread_ = std::thread([this] { status_ = Run(); });
  }
  ~BackgroundTierUp() override {
    cancel_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }
  Status Finish() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (thread_.joinable()) {
      thread_.join();
    } else if (!ran_) {
      status_ = Run();
    }
    ran_ = true;
    return status_;
  }

 private:
  Status Run() {
    g_compiles.fetch_add(1, std::memory_order_relaxed);
    NW_TRY_ASSIGN(CompiledObject obj, CompileModule(desc_, options_));
    NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(obj.elf));
    return code_.Promote(desc_, std::move(code), std::move(obj.offset_maps));
  }
  const TieredOptCode& code_;
  ModuleDesc desc_;
  Options options_;
  std::atomic<bool> cancel_{false};
  std::mutex mu_;
  bool ran_ = false;
  Status status_;
  std::thread thread_;  // last: started once the fields above exist
};

size_t BodyBytes(const ModuleDesc& desc) {
  size_t n = 0;
  for (const Function& f : desc.functions) n += f.body.size();
  return n;
}

class OptTierImpl final : public OptRuntimeTierBase {
 public:
  // `base`: the compiler options no Config field sets (O-level, target, threads, chunking).
  explicit OptTierImpl(const Options& base = {}, bool manual_tier_up = false)
      : base_(base), manual_tier_up_(manual_tier_up) {}
  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const override {
    g_compiles.fetch_add(1, std::memory_order_relaxed);
    if (Tiered(env)) return CompileTiered(env);
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
  bool Tiered(const ModuleEnv& env) const { return TieringFor(env.config, env.desc); }
  // The first tier now; the second on a background thread (or at FinishTierUp when manual).
  Result<std::unique_ptr<const CompiledCode>> CompileTiered(const ModuleEnv& env) const {
    Options first = OptionsFor(env.config);
    first.first_tier = true;
    NW_TRY_ASSIGN(CompiledObject obj, CompileModule(env.desc, first));
    NW_TRY_ASSIGN(std::unique_ptr<LoadedCode> code, LoadedCode::Load(obj.elf));
    NW_TRY_ASSIGN(std::unique_ptr<const TieredOptCode> tiered,
                  MakeTieredOptCode(env.desc, std::move(code), std::move(obj.offset_maps)));
    tiered->SetJob(std::make_unique<BackgroundTierUp>(*tiered, env.desc, OptionsFor(env.config),
                                                      manual_tier_up_));
    return std::unique_ptr<const CompiledCode>(std::move(tiered));
  }

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
  bool manual_tier_up_ = false;
};

}  // namespace

bool TieringFor(const Config& config, const ModuleDesc& desc) {
  switch (config.opt_tiering) {
    case Config::OptTiering::kOn: return true;
    case Config::OptTiering::kOff: return false;
    case Config::OptTiering::kAuto: break;
  }
  return BodyBytes(desc) >= Config::kOptTieringMinCodeBytes;
}

uint64_t CompileCount() { return g_compiles.load(std::memory_order_relaxed); }

const Tier& OptTier() {
  static const OptTierImpl tier;
  return tier;
}

std::unique_ptr<Tier> MakeOptTier(const Options& base, bool manual_tier_up) {
  return std::make_unique<OptTierImpl>(base, manual_tier_up);
}

}  // namespace nw::opt

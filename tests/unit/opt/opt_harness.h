// A small harness over the runtime for the opt tier's tests: a store whose engine runs the opt
// tier (Config::tier = kOpt, through nw::opt::OptTier()) or the interpreter, with the spectest
// module in its linker, and calls by export name or function index with slot words. Since the
// opt tier is a runtime tier, modules compile, instantiate, link, trap and unwind exactly as
// `nanowasm --tier opt` runs them; the harness adds nothing of its own.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "opt/compiler.h"
#include "opt/loader.h"
#include "opt/opt_tier.h"
#include "runtime/vm.h"

namespace nw::opt::test {

struct OptInstance {
  Instance* inst = nullptr;
};

class OptStore {
 public:
  // A store of an engine on `tier`; `options` gives the opt tier's bounds, NaN and epoch modes
  // and its compiler settings (threads, chunking); `features` the engine's proposals
  // (Config::features, e.g. multi-memory).
  explicit OptStore(Config::ExecutionTier tier = Config::ExecutionTier::kOpt,
                    const Options& options = {}, Features features = {});
  explicit OptStore(const Options& options) : OptStore(Config::ExecutionTier::kOpt, options) {}
  Store& store() { return *store_; }
  Linker& linker() { return linker_; }
  const Engine& engine() const { return *engine_; }

  // Compiles `desc` with the compiler alone and loads the object (errors as CompileModule's):
  // to test the compiler and loader apart from the runtime.
  static Result<std::shared_ptr<const LoadedCode>> CompileAndLoad(const ModuleDesc& desc,
                                                                  const Options& options = {});
  // Instantiates through the linker (the module was compiled by this store's engine).
  std::expected<OptInstance*, std::string> Instantiate(const std::shared_ptr<const Module>& m);
  TrapResult<std::vector<uint64_t>> Call(OptInstance& oi, uint32_t func_index,
                                         std::span<const uint64_t> args);
  TrapResult<std::vector<uint64_t>> CallExport(OptInstance& oi, std::string_view name,
                                               std::span<const uint64_t> args);

 private:
  std::unique_ptr<Tier> tier_;  // the opt tier with the options' compiler settings
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Store> store_;
  Linker linker_;
  std::vector<std::unique_ptr<OptInstance>> instances_;
};

}  // namespace nw::opt::test

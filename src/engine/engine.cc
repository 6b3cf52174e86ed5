// Engine(Config): the one place that names the tiers built into this nanowasm and picks the one
// Config::tier asks for. The runtime itself sees only runtime/tier.h. A tier that is a CMake
// option (the LLVM tier to come) contributes its Tier here, or a small stub Tier whose Compile
// says it is not built in (ARCHITECTURE decision 10).
#include "interp/interp.h"
#include "nanowasm/runtime.h"
#include "runtime/tier.h"

namespace nw {
namespace {

const Tier& SelectTier(const Config& config) {
  switch (config.tier) {
    case Config::ExecutionTier::kInterp: return interp::InterpTier();
  }
  return interp::InterpTier();
}

}  // namespace

Engine::Engine(Config config) : Engine(config, SelectTier(config)) {}

}  // namespace nw

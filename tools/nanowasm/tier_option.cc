// --tier (see tier_option.h).
#include "tools/nanowasm/tier_option.h"

#include <string>

#if NW_HAVE_OPT_TIER
#include "opt/opt_tier.h"
#endif

namespace nwcli {

nw::Result<nw::Config::ExecutionTier> ParseTier(std::string_view name) {
#if NW_HAVE_OPT_TIER
  // A strong reference, so the static link brings the tier in (the engine's is weak).
  [[maybe_unused]] static const nw::Tier& opt_tier = nw::opt::OptTier();
#endif
  nw::Config::ExecutionTier t;
  if (name == "interp") t = nw::Config::ExecutionTier::kInterp;
  else if (name == "opt") t = nw::Config::ExecutionTier::kOpt;
  else return nw::MakeError("expected interp or opt");
  if (!nw::Engine::TierBuiltIn(t))
    return nw::MakeError("this nanowasm was built without the opt tier (no LLVM 19)");
  return t;
}

}  // namespace nwcli

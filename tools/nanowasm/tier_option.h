// `--tier interp|opt` of `nanowasm run` and `nanowasm wast`: the execution tier by name, and
// the one-line refusal when this nanowasm was built without it.
#pragma once

#include <string_view>

#include "base/result.h"
#include "nanowasm/runtime.h"

namespace nwcli {

// "interp" or "opt"; a one-line error (the caller names the option) for anything else or for
// a tier this build lacks.
nw::Result<nw::Config::ExecutionTier> ParseTier(std::string_view name);

}  // namespace nwcli

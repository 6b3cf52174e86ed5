// The canonical ABI's traps: errors with a fixed prefix, so callers can tell a trap (the guest's
// fault, the instance is done) from an embedder's error (a badly shaped host value).
#include "component/canon_options.h"

#include <string>

namespace nw::component {

std::unexpected<Error> Trap(std::string_view what) { return MakeError("trap: " + std::string(what)); }

bool IsTrap(const Error& e) { return e.message.starts_with("trap: "); }

}  // namespace nw::component

// The runtime builtins compiled code calls (the list: runtime/builtins.def): the VMBuiltins
// table a VMContext points at, and the functions that fill it (builtins.cc). Tier-neutral:
// a builtin finds its instance from the vmctx (VMInstanceOf) and traps through the store's
// StoreContext::unwind. Not here: how a tier unwinds (the tier's own code).
#pragma once

#include <cstdint>

#include "runtime/vm.h"

namespace nw {

#define NW_BUILTIN(Name, Ret, Params, sig) using VMBuiltin##Name = Ret(*) Params;
#include "runtime/builtins.def"
#undef NW_BUILTIN

struct VMBuiltins {
#define NW_BUILTIN(Name, Ret, Params, sig) VMBuiltin##Name Name = nullptr;
#include "runtime/builtins.def"
#undef NW_BUILTIN
};

enum class BuiltinId : uint32_t {
#define NW_BUILTIN(Name, Ret, Params, sig) k##Name,
#include "runtime/builtins.def"
#undef NW_BUILTIN
  kCount
};

// The process-wide table (immutable).
const VMBuiltins& RuntimeBuiltins();

// Stores `trap` as the store's pending trap and leaves through StoreContext::unwind.
[[noreturn]] void RaisePendingTrap(StoreContext& ctx, Trap trap);

}  // namespace nw

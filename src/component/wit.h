// A component's world in WIT (`nanowasm wit`): the component's own imports and exports, read
// from its binary the way `wasm-tools component wit` reads them. The world comes first, as
// `package root:component; world root { ... }` (what jco's `wit` prints); then the interfaces it
// names, in `package ns:pkg@ver { interface ... }` blocks, with their types, `use`s, resources
// and functions. Types are resolved by replaying the index spaces (nested components
// instantiated with their arguments), so an exported interface is named by the types the
// component really exports.
//
// Not here: worlds of component-typed imports (printed as a comment), value imports, and
// anonymous records/variants/enums/flags/resources (WIT cannot name them: an error names the
// interface). The input is expected to have passed ValidateComponent.
#pragma once

#include <string>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

[[nodiscard]] Result<std::string> ComponentWit(const Component& c);

}  // namespace nw::component

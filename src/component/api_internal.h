// Bridges between the public component API (include/nanowasm/component.hpp) and the runtime
// underneath it (component/instantiate.h), for nanowasm's own libraries that need both: the
// capability tree (src/tree) attaches a WASI 0.2 host (src/wasi2, written against the runtime)
// to components it instantiates through the public ComponentLinker, and the CLI hands the
// components it loaded (with text-format line:column errors) to the tree. Not for embedders.
#pragma once

#include <memory>

#include "base/result.h"
#include "component/ast.h"
#include "component/instantiate.h"
#include "nanowasm/component.hpp"

namespace nw {

// The runtime store behind a public ComponentStore (same lifetime).
component::ComponentStore& InternalStore(ComponentStore& cs);
// The validated AST behind a public ComponentModule (same lifetime).
const component::Component& InternalAst(const ComponentModule& c);
// Validates an AST decoded or parsed elsewhere and wraps it as a public ComponentModule.
Result<std::shared_ptr<const ComponentModule>> ComponentModuleFromAst(component::Component c);

}  // namespace nw

// Component validation: replays a decoded component's definitions in binary order, building its
// index spaces (and those of nested components, component types and instance types), and checks
// Binary.md's and Explainer.md's validation rules: index bounds and sorts, value-type
// well-formedness (incl. elem_size < 2^28), extern names and strong uniqueness, aliases, external
// visibility of types, [constructor]/[method]/[static] rules, core and component instantiation
// with structural subtyping and type-import substitution of resources, and the canon operand,
// option and signature rules. docs/component.md lists the rules and what is not checked yet
// (subtyping through some nested forms, visibility inside type declarators, async lowering).
#pragma once

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

[[nodiscard]] Status ValidateComponent(const Component& c);

}  // namespace nw::component

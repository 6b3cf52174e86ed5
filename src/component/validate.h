// Component validation: replays a decoded component's definitions in binary order, building its
// index spaces (and those of nested components, component types and instance types), and checks
// what is implemented of Binary.md's and Explainer.md's validation rules:
//   - every index against its sort's index space; export/alias/instantiation sorts;
//   - value types: non-empty record/variant/tuple/flags/enum, at most 32 flags, valtype indices
//     naming defined value types, own/borrow naming resource types, no borrow in results,
//     no (stream char), fixed-list lengths, elem_size(t, i64) < 2^28, kebab-case unique labels;
//   - extern names (kebab case, interface names, semver) and strong uniqueness;
//   - outer aliases (count within the enclosing scopes, sorts), export aliases (the instance
//     exports the name with that sort), resource types only in concrete components;
//   - core instantiation: every import module of the core module is supplied by a core instance
//     that exports each imported field with the right kind (and function type);
//   - component instantiation: every import is supplied, with the right sort;
//   - canon: lift/lower/resource.* operand sorts, option duplicates and conflicts.
// Not yet checked (see docs/component.md): full subtyping of component/instance types when
// instantiating, type-import substitution, value consumption, resource visibility of exports,
// and the [constructor]/[method]/[static] signature rules.
#pragma once

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

[[nodiscard]] Status ValidateComponent(const Component& c);

}  // namespace nw::component

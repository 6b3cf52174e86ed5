// The component text format (component-model Explainer.md) -> the component AST of
// component/ast.h, so that text components are validated by the same ValidateComponent as
// binary ones. Embedded `(core module ...)` fields are parsed by the core WAT parser (ParseWat).
//
// Partial: it covers the forms the reference suite's validation tests use most (definitions,
// inline exports, inline type definitions and the `(func $inst "name")` alias sugar, type
// declarators, canon with options, imports/exports with name attributes). It does not encode
// back to binary, and `(value ...)` definitions are not parsed. Errors carry byte offsets into
// the text (convert with nw::LineColAt).
#pragma once

#include <string_view>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

// `text` is one `(component ...)` form, or the fields of one.
[[nodiscard]] Result<Component> ParseComponentText(std::string_view text);

}  // namespace nw::component

// The component text format (component-model Explainer.md) -> the component AST of
// component/ast.h, so that text components are validated by the same ValidateComponent as
// binary ones. Embedded `(core module ...)` fields are parsed by the core WAT parser (ParseWat).
//
// Partial: it covers the forms the component-model reference suite uses (see docs/component.md)
// and everything the component printer (component_printer.h) writes, not every abbreviation of
// Explainer.md. `(start ...)` is read; `(value ...)` definitions in their `(binary "...")` form
// and in the literal forms (`true`, numbers, `'c'`, `(record ...)`, ...; value_literal.h) where
// the value's type is a primitive or defined in the component itself.
// The $ids it reads become the AST's names (EncodeComponent, component/encode.h, writes them in a
// component-name section). Errors carry byte offsets into the text (see nw::LineColAt).
#pragma once

#include <string_view>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

// `text` is one `(component ...)` form, or the fields of one.
[[nodiscard]] Result<Component> ParseComponentText(std::string_view text);

}  // namespace nw::component

// The component text format (component-model Explainer.md) -> the component AST of
// component/ast.h, so that text components are validated by the same ValidateComponent as
// binary ones. Embedded `(core module ...)` fields are parsed by the core WAT parser (ParseWat).
//
// Partial: it covers the forms the component-model reference suite uses (274 of its 285
// component definitions parse and validate; see docs/component.md), not every abbreviation of
// Explainer.md. It does not encode back to binary, and `(start ...)` and `(value ...)` fields
// are refused with a message. Errors carry byte offsets into the text (see nw::LineColAt).
#pragma once

#include <string_view>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

// `text` is one `(component ...)` form, or the fields of one.
[[nodiscard]] Result<Component> ParseComponentText(std::string_view text);

}  // namespace nw::component

// Small helpers over the component AST for messages and tools. (The structural dump that
// `nanowasm print` showed for a component before the text printer is gone: components print as
// text with PrintComponentText, component/text/component_printer.h.)
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

// A core function type as the text format writes it: `(func (param i32) (result i64))`.
std::string CoreFuncTypeText(const nw::FuncType& f);

// For the CLI: decode + validate a component binary.
[[nodiscard]] Status ValidateComponentBinary(std::span<const uint8_t> bytes);

}  // namespace nw::component

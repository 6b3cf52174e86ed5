// A structural dump of a decoded component, one definition per line in the shape of the
// component text format (`(type (;0;) (record (field "a" u8)))`, `(canon lift ...)`, ...).
// It is what `nanowasm print` shows for a component until a full component text printer exists:
// embedded core modules are summarised (imports/exports), not printed instruction by instruction,
// and the output is not meant to be parsed back.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

std::string DumpComponent(const Component& c);

// A core function type as the text format writes it: `(func (param i32) (result i64))`.
std::string CoreFuncTypeText(const nw::FuncType& f);

// For the CLI: decode + validate (validate) or decode + dump (print) a component binary.
[[nodiscard]] Status ValidateComponentBinary(std::span<const uint8_t> bytes);
[[nodiscard]] Result<std::string> DumpComponentBinary(std::span<const uint8_t> bytes);

}  // namespace nw::component

// Component binary decoding (component-model Binary.md, version 0x0d, layer 1): bytes -> the
// component AST of ast.h. It checks what the binary format itself says (preamble, section
// framing, LEB128 ranges, opcodes, UTF-8 names, attribute uniqueness within one name) and
// decodes and validates each embedded core module with src/format and src/validate. Index
// spaces, types and names are checked by validate.h, not here.
//
// Errors are `offset: message` with absolute offsets into the outermost binary. The messages
// follow wasm-tools (the reference tests' source): "unexpected end-of-file", "invalid leading
// byte (0x..) for ...", and so on; errors of embedded core modules are translated to the same
// wording where the two differ.
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "component/ast.h"

namespace nw::component {

// The 8-byte preamble decides between a core module (layer 0) and a component (layer 1).
bool IsComponentBinary(std::span<const uint8_t> bytes);

// Decodes a whole component. Nested components, component types and instance types are limited
// to kMaxNesting levels so hostile input cannot exhaust the stack.
inline constexpr uint32_t kMaxNesting = 100;
[[nodiscard]] Result<Component> DecodeComponent(std::span<const uint8_t> bytes);

}  // namespace nw::component

// WebAssembly text format (WAT) -> module description. Full 2.0 grammar: folded and flat
// instructions, abbreviations (inline imports/exports, inline type uses, inline elem/data),
// symbolic identifiers for every index space and labels, every numeric literal form.
// Errors carry the byte offset into `text` ("unexpected token", "unknown operator", ...);
// callers convert offsets to line:column with LineCol().
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "format/module.h"

namespace nw {

// Parse a whole text module: either "(module ...)" or a sequence of module fields.
Result<ModuleDesc> ParseWat(std::string_view text);

// 1-based line and column of a byte offset.
struct LineCol {
  size_t line = 1, column = 1;
};
LineCol LineColAt(std::string_view text, size_t offset);

}  // namespace nw

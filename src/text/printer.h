// Module description -> WebAssembly text (WAT). The inverse of ParseWat (wat.h) for what text
// can express: parsing the printed text and encoding it gives back the bytes the module was
// decoded from, for canonically encoded binaries. Instructions are printed flat (not folded),
// indented by block depth; function and local names from the name section become $ids where
// they are valid and unique, everything else is printed as a numeric index. Custom sections
// have no standard text form and are left out.
//
// Instruction bytes are walked with the shared instruction reader (format/instr_reader.h); a
// malformed body or constant expression makes PrintWat fail with that reader's error instead
// of printing something that would not parse back.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "format/module.h"

namespace nw {

[[nodiscard]] Result<std::string> PrintWat(const ModuleDesc& m);

// Literal formatting, exposed for tests and for other text output (e.g. the wast runner's
// messages). Every form parses back to the identical bits: shortest decimal when that is
// exact, else a hex float; `inf`, `nan`, `nan:0x...` with sign; -0 keeps its sign.
std::string FormatF32(uint32_t bits);
std::string FormatF64(uint64_t bits);
// A quoted WAT string: printable ASCII stays as is, everything else (and `"`, `\`) is \hh.
std::string QuoteWatString(std::span<const uint8_t> bytes);
std::string QuoteWatString(std::string_view bytes);
// True if `$` + name is a valid WAT identifier (non-empty, only idchars).
bool IsValidWatId(std::string_view name);

}  // namespace nw

// Module description -> binary. The inverse of DecodeModule: sections in the required order,
// custom sections put back after the section they followed, element and data segments in the
// encoding variant their `flags` recorded. For a binary whose LEB128s are all minimal,
// EncodeModule(*DecodeModule(bytes)) == bytes. Constant expressions and function bodies are
// written verbatim; nothing is validated here.
#pragma once

#include <cstdint>
#include <vector>

#include "format/module.h"

namespace nw {

std::vector<uint8_t> EncodeModule(const ModuleDesc& m);

// The payload of a "name" custom section for `names` (subsections 0, 1, 2 when non-empty).
std::vector<uint8_t> EncodeNameSection(const Names& names);

}  // namespace nw

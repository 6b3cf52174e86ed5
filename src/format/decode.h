// Bytes -> module description. The one entry point other layers use to load a binary; it
// runs the binary reader (binary_reader.h) with a delegate that fills a ModuleDesc.
// Function bodies are stored undecoded; validate them with src/validate.
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "format/module.h"

namespace nw {

// Decodes a whole binary module. Errors carry the exact byte offset and a spec-style message.
// `features` (default: WebAssembly 2.0) is recorded in the result's ModuleDesc::features.
[[nodiscard]] Result<ModuleDesc> DecodeModule(std::span<const uint8_t> bytes,
                                              Features features = {});

}  // namespace nw

// Helpers shared by the CLI subcommands: reading files, loading a module from .wasm or .wat
// with `file:offset: message` errors, and formatting values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "format/module.h"
#include "nanowasm/runtime.h"

namespace nwcli {

// Whole file, or an error message naming the file.
nw::Result<std::vector<uint8_t>> ReadFile(const std::string& path);

// Decode (binary, detected by the \0asm magic) or parse (text) a module. Errors are
// "path:0xOFFSET: message" for binaries and "path:LINE:COL: message" for text.
struct LoadedModule {
  nw::ModuleDesc desc;
  bool from_text = false;
};
nw::Result<LoadedModule> LoadModule(const std::string& path);

// Formats an error at a byte offset of `path` (binary) as one line.
std::string FormatBinaryError(const std::string& path, const nw::Error& e);

// "42", "-1.5", "nan:0x200000", "ref.null", "funcref", ... for CLI output.
std::string FormatVal(const nw::Val& v);

// Parses a CLI argument for a parameter of type `t` ("12", "-3", "0x10", "1.5", "nan", "inf").
std::optional<nw::Val> ParseValArg(std::string_view text, nw::ValType t);

}  // namespace nwcli

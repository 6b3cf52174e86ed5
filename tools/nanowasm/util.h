// Helpers shared by the CLI subcommands: reading files, loading a module from .wasm or .wat
// with `file:offset: message` errors, and formatting values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "format/module.h"
#include "nanowasm/runtime.h"

namespace nwcli {

// Whole file, or an error message naming the file.
nw::Result<std::vector<uint8_t>> ReadFile(const std::string& path);

// Decode (binary, detected by the \0asm magic) or parse (text) a module, with `features`
// (default: WebAssembly 2.0) recorded in its ModuleDesc::features. Errors are
// "path:0xOFFSET: message" for binaries and "path:LINE:COL: message" for text.
struct LoadedModule {
  nw::ModuleDesc desc;
  bool from_text = false;
};
nw::Result<LoadedModule> LoadModule(const std::string& path, nw::Features features = {});

// `message` with a hint naming `how` (the CLI switch) appended when it is one of the errors a
// module using several memories gets from WebAssembly 2.0 decoding and validation ("multiple
// memories", "zero byte expected", "malformed memop flags") and multi-memory is off.
std::string MultiMemoryHint(std::string message, const nw::Features& features, std::string_view how);

// Formats an error at a byte offset of `path` (binary) as one line.
std::string FormatBinaryError(const std::string& path, const nw::Error& e);

// A value as the text format spells it, for CLI output: "42", "-1.5", "nan:0x200000", "inf",
// "i32x4 0x00000001 ...", "ref.null func". Floats come from the WAT printer's own formatter,
// so every printed value parses back (ParseValArg) to the same bits.
std::string FormatVal(const nw::Val& v);

// A CLI argument for a parameter of type `t`, read with the text format's own literal parsers
// (src/text): "12", "-3", "0x10", "1_000", "4294967295" (= -1 as i32), "1.5", "0x1p-3", "nan",
// "nan:0x200000", "-inf"; a v128 as one argument "SHAPE LANE..." ("i32x4 1 2 3 4"); "ref.null".
// Out-of-range and malformed literals are errors, never wrapped.
nw::Result<nw::Val> ParseValArg(std::string_view text, nw::ValType t);

}  // namespace nwcli

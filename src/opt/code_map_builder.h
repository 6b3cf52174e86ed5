// Making the code -> wasm offset maps (code_map.h) of one chunk: the compiler side, with LLVM.
// Every wasm instruction's IR carries a DILocation whose line is its wasm offset, in a
// DISubprogram per function (func_gen.cc sets them, AttachSubprograms makes the subprograms);
// LLVM's inliner chains them (inlinedAt) and keeps them through its passes. After the passes,
// NumberPositions replaces each distinct location chain by a flat location whose line numbers
// it (so the object's DWARF is a line table only, and codegen never sees inlinedAt chains);
// after code generation ReadMaps reads the object's .debug_line into per-function entries.
// Debug sections never reach the merged object (object_merge.cc keeps allocated sections only).
// Not here: the format (code_map.h), merging chunks' maps (compiler.cc).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <llvm/IR/Module.h>

#include "aot/artifact.h"
#include "base/result.h"

namespace nw::opt {

// Gives each defined function [first, end) of this chunk (llvm functions `funcs`, by module
// function index) a DISubprogram in a line-tables-only compile unit.
void AttachSubprograms(llvm::Module& mod, std::span<llvm::Function* const> funcs, uint32_t first,
                       uint32_t end);

// Per position number - 1: the (module function index, wasm offset) frames of a location,
// innermost first; the last is the function the code is in.
using Positions = std::vector<std::vector<std::pair<uint32_t, uint32_t>>>;
Positions NumberPositions(llvm::Module& mod);

struct ChunkMaps {
  // Per function of the chunk that has code: (module function index, its entries).
  std::vector<std::pair<uint32_t, std::vector<aot::OffsetMapEntry>>> funcs;
  std::vector<aot::InlineFrame> inlines;  // inline ids and parents are 1-based into this
};
// Reads the line table of `object` (the chunk's relocatable ELF) into maps for the symbols
// named `func_prefix`N.
Result<ChunkMaps> ReadMaps(std::span<const char> object, const Positions& positions,
                           const char* func_prefix);

}  // namespace nw::opt

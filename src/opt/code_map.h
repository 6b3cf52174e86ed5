// Code → wasm offset maps of the opt tier: what a backtrace of compiled frames reads to give
// each frame its wasm offset (outer frames by return address, the innermost of a memory fault
// by the faulting pc). One format for the in-process JIT (CompiledObject::offset_maps) and AOT
// artifacts, whose section 4 stores it as is (src/aot/artifact.h, docs/aot.md).
// Not here: producing the maps (the compiler), encoding them in an artifact (src/aot).
//
// Per defined function, entries sorted by code offset (bytes from the function's entry, its
// nw_fN symbol). An entry (c, w) covers the function's code from c up to the next entry's c (or
// the function's end): those bytes belong to the wasm instruction at module byte offset w.
// Code of a function inlined into this one maps to this function's call instruction (a frame's
// offset is always inside the function the frame names). A return address is looked up at
// ret - 1 (the call instruction's last byte): the call, not what follows it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "aot/artifact.h"

namespace nw::opt {

struct CodeOffsetMaps {
  // entries[begin[i] .. begin[i + 1]) belong to defined function i; begin is empty when no
  // function has a map (then every lookup is nullopt).
  std::vector<uint32_t> begin;
  std::vector<aot::OffsetMapEntry> entries;

  // The wasm offset of the instruction whose code covers `code_offset` of defined function
  // `func`; nullopt when its map is empty or starts after `code_offset`.
  std::optional<uint32_t> Lookup(uint32_t func, uint64_t code_offset) const {
    if (size_t{func} + 1 >= begin.size()) return std::nullopt;
    const auto first = entries.begin() + begin[func], last = entries.begin() + begin[func + 1];
    auto it = std::upper_bound(first, last, code_offset,
                               [](uint64_t c, const aot::OffsetMapEntry& e) { return c < e.code_offset; });
    if (it == first) return std::nullopt;
    return std::prev(it)->wasm_offset;
  }
};

}  // namespace nw::opt

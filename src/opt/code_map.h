// Code → wasm offset maps of the opt tier: what a backtrace of compiled frames reads to give
// each frame its wasm offset (outer frames by return address, the innermost of a memory fault
// by the faulting pc) and to show the frames of functions the compiler inlined, as the
// interpreter shows them. One format for the in-process JIT (CompiledObject::offset_maps) and
// AOT artifacts, whose section 4 stores it as is (src/aot/artifact.h, docs/aot.md).
// Not here: producing the maps (compiler.cc, from the object's DWARF line table), encoding
// them in an artifact (src/aot).
//
// Per defined function, entries sorted by code offset (bytes from the function's entry, its
// nw_fN symbol). An entry (c, w, i) covers the function's code from c up to the next entry's c
// (or the function's end): those bytes belong to the wasm instruction at module byte offset w
// (0: unknown), of this function when i is 0, else of the function of inline frame i - 1,
// inlined at a call whose caller chain the inline frames give (V8 keeps its inlining positions
// the same way). A return address is looked up at ret - 1 (the call instruction's last byte):
// the call, not what follows it.
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
  std::vector<aot::InlineFrame> inlines;

  // The entry whose code covers `code_offset` of defined function `func`; nullptr when its map
  // is empty or starts after `code_offset`.
  const aot::OffsetMapEntry* Find(uint32_t func, uint64_t code_offset) const {
    if (size_t{func} + 1 >= begin.size() || begin[func] > begin[func + 1] ||
        begin[func + 1] > entries.size())
      return nullptr;
    const auto first = entries.begin() + begin[func], last = entries.begin() + begin[func + 1];
    auto it = std::upper_bound(first, last, code_offset,
                               [](uint64_t c, const aot::OffsetMapEntry& e) { return c < e.code_offset; });
    if (it == first) return nullptr;
    return &*std::prev(it);
  }

  // The wasm offset in function `func` itself (the call of an inlined function's code).
  std::optional<uint32_t> Lookup(uint32_t func, uint64_t code_offset) const {
    const aot::OffsetMapEntry* e = Find(func, code_offset);
    if (e == nullptr) return std::nullopt;
    uint32_t offset = e->wasm_offset;
    for (uint32_t id = e->inline_id, steps = 0; id != 0 && id <= inlines.size() && steps < inlines.size();
         id = inlines[id - 1].parent, ++steps)
      offset = inlines[id - 1].call_offset;
    return offset;
  }

  // Calls emit(func_index or -1 for `func` itself, wasm offset) for each logical frame at
  // `code_offset` of defined function `func`, innermost first: the inlined functions' frames,
  // then the function's own (offset 0 when unknown). Emits the own frame alone without a map.
  template <class Emit>
  void Frames(uint32_t func, uint64_t code_offset, Emit&& emit) const {
    const aot::OffsetMapEntry* e = Find(func, code_offset);
    if (e == nullptr) return emit(int64_t{-1}, uint32_t{0});
    uint32_t offset = e->wasm_offset;
    // Inline ids point to earlier frames only (checked when an artifact is read), so this ends.
    for (uint32_t id = e->inline_id, steps = 0; id != 0 && id <= inlines.size() && steps < inlines.size();
         id = inlines[id - 1].parent, ++steps) {
      emit(int64_t{inlines[id - 1].func_index}, offset);
      offset = inlines[id - 1].call_offset;
    }
    emit(int64_t{-1}, offset);
  }
};

}  // namespace nw::opt

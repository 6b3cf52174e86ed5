// The lifting/lowering context of one side of a call (definitions.py's LiftLowerContext) and
// the string primitives both the per-type reference and the compiled plans use: loading a
// string from a range with its traps, and storing one into a range with the exact realloc
// sequence of each transcoding (store_string_into_range and the store_* functions it picks).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "component/canon_options.h"
#include "component/component_value.h"
#include "component/resource_table.h"

namespace nw::component {

// One side of a lift or lower: its options, its instance, the memory as last seen, and the
// borrow scope (task when values are lowered into this side as a callee, subtask when they are
// lifted out of it as a caller).
struct Side {
  const CanonOptions* opts = nullptr;
  ComponentInstanceState* inst = nullptr;
  Task* task = nullptr;
  Subtask* subtask = nullptr;
  MemoryView mem;
  // The other side of a copy: a realloc here may move any memory, so both are refreshed.
  Side* peer = nullptr;
  // This side is one end of a call between two components (a canon lower of another instance's
  // canon lift: the fused adapter, CallAdapter, an async call), not of a lift or lower for the
  // host. The checks that the suite words apart by path (docs/conformance.md, "Trap messages")
  // take the adapter's wording then; nothing else depends on it.
  bool adapter = false;

  // A pointer from realloc that is misaligned.
  std::string_view ReallocUnalignedText() const {
    return adapter ? kTrapUnalignedPointer : kTrapReallocUnaligned;
  }
  // A list (load_list_from_range) or a string (load_string_from_range) out of bounds.
  std::string_view ListOutOfBoundsText() const {
    return adapter ? kTrapAdapterListOutOfBounds : kTrapListOutOfBounds;
  }
  std::string_view StringOutOfBoundsText() const {
    return adapter ? kTrapAdapterStringOutOfBounds : kTrapStringOutOfBounds;
  }
  // A range from realloc for a list's elements or a string's code units out of bounds.
  std::string_view ListReallocOutOfBoundsText() const {
    return adapter ? kTrapAdapterListOutOfBounds : kTrapReallocOutOfBounds;
  }
  std::string_view StringReallocOutOfBoundsText() const {
    return adapter ? kTrapAdapterStringOutOfBounds : kTrapReallocOutOfBounds;
  }

  void Refresh() {
    if (opts && opts->memory_base) [[likely]]
      mem = {*opts->memory_base, *opts->memory_length};
    else
      mem = (opts && opts->memory) ? opts->memory(opts->ctx) : MemoryView{};
  }
  // cx.reallocate: may_leave is false while realloc runs.
  Result<uint32_t> Realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size);
  Result<uint32_t> Allocate(uint32_t align, uint32_t size) { return Realloc(0, 0, align, size); }
  bool InBounds(uint64_t ptr, uint64_t len) const { return ptr + len <= mem.size; }
};

// lift_stream/lift_future and lower_stream/lower_future, supplied by the async runtime
// (async_runtime.cc) through the instance: a lifted readable end is a transfer id until lowered.
struct AsyncValueOps {
  Result<uint32_t> (*lift)(Side& src, uint32_t handle, TypeKind kind, const std::string& type);
  Result<uint32_t> (*lower)(Side& dst, uint32_t transfer_id);
};

// A string ready to be stored: bytes in `form`, and its length in code units of that form.
struct StringSrc {
  // Host bytes, or an offset into `owner`'s memory (re-read after any realloc, which may move
  // memories).
  const uint8_t* host = nullptr;
  const Side* owner = nullptr;
  uint32_t offset = 0;
  uint32_t code_units = 0;
  StringForm form = StringForm::kUtf8;

  const uint8_t* data() const { return owner ? owner->mem.data + offset : host; }

  uint32_t byte_length() const {
    return (form == StringForm::kUtf16 || form == StringForm::kCompactUtf16) ? 2 * code_units
                                                                             : code_units;
  }
};

// load_string_from_range: the traps (length limit, alignment, bounds, invalid encoding) and a
// view of the bytes in side.mem (valid until the next realloc).
Result<StringSrc> LoadStringFromRange(const Side& side, uint32_t ptr, uint32_t tagged_code_units);
// store_string_into_range: returns (ptr, tagged_code_units) in side's memory.
Result<std::pair<uint32_t, uint32_t>> StoreStringIntoRange(Side& side, StringSrc src);

// The view of a host string value.
StringSrc HostStringSrc(const ComponentValue& v);

// Unicode helpers (also used by ComponentValue).
// Whether [p, p+n) is well-formed UTF-8 (1) or not (0): the check for this CPU, chosen once.
using Utf8Checker = uint32_t (*)(const uint8_t* p, size_t n);
Utf8Checker SelectUtf8Checker();
inline Utf8Checker TheUtf8Checker() {
  static const Utf8Checker check = SelectUtf8Checker();
  return check;
}
inline bool ValidUtf8(const uint8_t* p, size_t n) { return TheUtf8Checker()(p, n) != 0; }
// The same, set during static initialization (no guard to test on a hot path); for code that
// runs only once components run, never from another static initializer.
extern const Utf8Checker kUtf8Checker;
// The trap of a string that is not valid UTF-8 (its wording tells a sequence cut off by the end
// of the string from an ill-formed one); call only when ValidUtf8 failed.
[[gnu::cold]] std::unexpected<Error> InvalidUtf8Trap(const uint8_t* p, size_t n);
// Which of the two: whether the string ends inside a sequence that is well-formed so far.
[[gnu::cold]] bool Utf8CutOff(const uint8_t* p, size_t n);
bool ValidUtf16(const uint8_t* p, size_t code_units);
// Appends the string as UTF-8.
void AppendUtf8(const StringSrc& src, std::string& out);

}  // namespace nw::component

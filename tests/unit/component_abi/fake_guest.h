// A stand-in for a core instance in canonical ABI tests: a linear memory, a bump-allocating
// realloc that preserves contents (as a guest's realloc would) and logs every call, and knobs
// to make realloc misbehave (misaligned or out-of-bounds results, a trap).
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "component/canon_context.h"
#include "component/canon_options.h"

namespace nw::component::testing {

struct ReallocCall {
  uint32_t old_ptr, old_size, align, new_size;
  bool operator==(const ReallocCall&) const = default;
};

struct FakeGuest {
  std::vector<uint8_t> mem;
  uint32_t next = 0x1000;
  std::vector<ReallocCall> calls;
  std::optional<uint32_t> force_ptr;  // realloc returns this
  bool fail = false;                  // realloc traps
  ComponentInstanceState* inst = nullptr;
  bool saw_may_leave = true;          // may_leave as realloc observed it (last call)
  CanonOptions opts;

  explicit FakeGuest(StringEncoding enc = StringEncoding::kUtf8, size_t size = 1 << 16) : mem(size, 0xEE) {
    opts.string_encoding = enc;
    opts.ctx = this;
    opts.memory = [](void* c) {
      auto* g = static_cast<FakeGuest*>(c);
      return MemoryView{g->mem.data(), g->mem.size()};
    };
    opts.realloc = [](void* c, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                      uint32_t new_size) -> Result<uint32_t> {
      auto* g = static_cast<FakeGuest*>(c);
      g->calls.push_back({old_ptr, old_size, align, new_size});
      if (g->inst) g->saw_may_leave = g->inst->may_leave();
      if (g->fail) return MakeError("trap: guest realloc trapped");
      if (g->force_ptr) return *g->force_ptr;
      if (old_ptr != 0 && new_size <= old_size) return old_ptr;  // shrink in place
      uint32_t p = (g->next + align - 1) / align * align;
      if (p + uint64_t{new_size} > g->mem.size()) return MakeError("trap: out of guest memory");
      if (old_ptr != 0) std::memmove(g->mem.data() + p, g->mem.data() + old_ptr, std::min(old_size, new_size));
      g->next = p + new_size;
      return p;
    };
  }

  Side MakeSide(ComponentInstanceState* i, Task* task = nullptr, Subtask* subtask = nullptr) {
    inst = i;
    Side s{&opts, i, task, subtask, {}, nullptr};
    s.Refresh();
    return s;
  }

  void Put(uint32_t at, const void* p, size_t n) { std::memcpy(mem.data() + at, p, n); }
  void PutU32(uint32_t at, uint32_t v) { Put(at, &v, 4); }
  uint32_t U32(uint32_t at) const {
    uint32_t v;
    std::memcpy(&v, mem.data() + at, 4);
    return v;
  }
  std::vector<uint8_t> Bytes(uint32_t at, uint32_t n) const {
    return std::vector<uint8_t>(mem.begin() + at, mem.begin() + at + n);
  }
};

inline std::vector<uint8_t> Utf16Le(std::u16string_view s) {
  std::vector<uint8_t> b;
  for (char16_t c : s) {
    b.push_back(static_cast<uint8_t>(c));
    b.push_back(static_cast<uint8_t>(c >> 8));
  }
  return b;
}

inline std::vector<uint8_t> B(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

}  // namespace nw::component::testing

// The canonical options of a lift or lower (memory, realloc, post-return, string-encoding) as
// small callbacks into whatever runs the core instance, and the trap helper of the ABI.
//
// The ABI never calls the runtime directly: the runtime glue supplies a context pointer and
// plain function pointers (no std::function, no virtual call per value). Not here: async
// options (async, callback), memory64.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"

namespace nw::component {

enum class StringEncoding : uint8_t { kUtf8, kUtf16, kLatin1Utf16 };

// A core instance's linear memory as it is now (it may move or grow across a realloc call).
struct MemoryView {
  uint8_t* data = nullptr;
  uint64_t size = 0;
};

struct CanonOptions {
  StringEncoding string_encoding = StringEncoding::kUtf8;
  void* ctx = nullptr;  // passed to every callback
  // The `memory` option; null when absent.
  MemoryView (*memory)(void* ctx) = nullptr;
  // Optional, with `memory`: where the runtime keeps that memory's current base and length
  // (updated on every grow), read directly instead of calling `memory` (which a fused adapter
  // would otherwise call six times per call).
  uint8_t* const* memory_base = nullptr;
  const uint64_t* memory_length = nullptr;
  // The `realloc` option: realloc(old_ptr, old_size, align, new_size) -> new_ptr; an error is a
  // trap of the core function. Null when absent.
  Result<uint32_t> (*realloc)(void* ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                              uint32_t new_size) = nullptr;
  // The `post-return` option, called with the callee's flat results; null when absent.
  Status (*post_return)(void* ctx, std::span<const uint64_t> flat_results) = nullptr;
};

// Every trap of the ABI is an Error whose message starts with "trap: ".
[[nodiscard, gnu::cold]] std::unexpected<Error> Trap(std::string_view what);
bool IsTrap(const Error& e);

}  // namespace nw::component

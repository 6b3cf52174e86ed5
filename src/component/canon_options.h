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

// The wording of the ABI's traps. definitions.py raises a bare Trap; the component model's
// reference tests expect these texts (the suite's wording, as its `assert_trap`s check them by
// prefix), so every site of one check uses one constant.
inline constexpr std::string_view kTrapInvalidChar = "invalid `char` bit pattern";
inline constexpr std::string_view kTrapInvalidDiscriminant = "invalid variant discriminant";
inline constexpr std::string_view kTrapUnalignedPointer = "unaligned pointer";
inline constexpr std::string_view kTrapStringOutOfBounds = "string pointer/length out of bounds of memory";
inline constexpr std::string_view kTrapValuesOutOfBounds = "values pointer out of bounds of memory";
inline constexpr std::string_view kTrapListOutOfBounds = "list pointer/length out of bounds of memory";
inline constexpr std::string_view kTrapReallocUnaligned = "realloc return: result not aligned";
inline constexpr std::string_view kTrapReallocOutOfBounds = "realloc return: beyond end of memory";
inline constexpr std::string_view kTrapInvalidUtf16 = "invalid utf-16";
// Bounds checks worded apart on the two paths: the suite expects wasmtime's wording of its
// component-to-component adapter (compiled wasm) where a canon lower calls another instance's
// canon lift, and its host-side wording (the texts above) where the host lifts or lowers. Side
// (canon_context.h) picks the text by the path it is on.
inline constexpr std::string_view kTrapAdapterStringOutOfBounds = "string content out-of-bounds";
inline constexpr std::string_view kTrapAdapterListOutOfBounds = "list content out-of-bounds";
inline constexpr std::string_view kTrapCannotLeave = "cannot leave component instance";
inline constexpr std::string_view kTrapCannotEnter = "cannot enter component instance";
inline constexpr std::string_view kTrapLentOut = "cannot remove owned resource while borrowed";

// Every trap of the ABI is an Error whose message starts with "trap: ".
[[nodiscard, gnu::cold]] std::unexpected<Error> Trap(std::string_view what);
bool IsTrap(const Error& e);

}  // namespace nw::component

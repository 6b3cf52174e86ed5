// The SIMD backends as types, so one test body runs against each: ScalarOps (always),
// SseOps (when built for SSE4.1) and DispatchOps (whatever nw::simd names). Each has one static
// function pointer per opcode, generated from format/simd_opcodes.def so no operation is forgotten.
#pragma once

#include <gtest/gtest.h>

#include "simd/simd.h"

namespace nw::simd::testing {

struct ScalarOps {
  static constexpr const char* kName = "scalar";
#define NW_OPCODE(name, prefix, code, text, imm, sig) static constexpr auto name = &scalar::name;
#include "format/simd_opcodes.def"
#undef NW_OPCODE
};

#if NW_SIMD_HAVE_SSE
struct SseOps {
  static constexpr const char* kName = "sse";
#define NW_OPCODE(name, prefix, code, text, imm, sig) static constexpr auto name = &sse::name;
#include "format/simd_opcodes.def"
#undef NW_OPCODE
};
#endif

struct DispatchOps {
  static constexpr const char* kName = "dispatch";
#define NW_OPCODE(name, prefix, code, text, imm, sig) static constexpr auto name = &simd::name;
#include "format/simd_opcodes.def"
#undef NW_OPCODE
};

#if NW_SIMD_HAVE_SSE
using AllBackends = ::testing::Types<ScalarOps, SseOps, DispatchOps>;
#else
using AllBackends = ::testing::Types<ScalarOps, DispatchOps>;
#endif

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

// Builds a vector from lanes of type T (lane 0 first).
template <class T, class... Xs>
V128Bits Vec(Xs... xs) {
  static_assert(sizeof...(Xs) == kLaneCount<T>, "wrong lane count");
  Lanes<T> l = {{static_cast<T>(xs)...}};
  return Join(l);
}

inline uint32_t F32Bits(float f) {
  return std::bit_cast<uint32_t>(f);
}
inline uint64_t F64Bits(double d) {
  return std::bit_cast<uint64_t>(d);
}

}  // namespace nw::simd::testing

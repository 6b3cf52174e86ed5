// The 128-bit SIMD value as the operation library sees it, and lane access helpers shared by
// the scalar and SSE backends. A V128Bits is plain bytes in WebAssembly lane order (lane 0 at
// byte 0, each lane little-endian), so the interpreter moves it with memcpy and the backends
// reinterpret it as they like. Floats cross this library's API as their bit patterns so NaN
// payloads are never touched by a host float register on the way in or out.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

// Every operation is small; handlers must compile to the instructions, not to calls.
#define NW_SIMD_INLINE [[gnu::always_inline]] inline

namespace nw::simd {

// Lanes are read with memcpy in host order; WebAssembly lane order is little-endian.
static_assert(std::endian::native == std::endian::little,
              "nw::simd assumes a little-endian host (lane i at bytes [i*w, i*w+w))");

struct alignas(16) V128Bits {
  uint8_t bytes[16];
  friend bool operator==(const V128Bits&, const V128Bits&) = default;
};

template <class T>
inline constexpr unsigned kLaneCount = 16 / sizeof(T);

// Lane `lane` (taken modulo the lane count, so a bad index can never leave the vector).
template <class T>
NW_SIMD_INLINE T GetLane(const V128Bits& v, unsigned lane) {
  T x;
  std::memcpy(&x, v.bytes + (lane % kLaneCount<T>)*sizeof(T), sizeof(T));
  return x;
}

template <class T>
NW_SIMD_INLINE void SetLane(V128Bits& v, unsigned lane, T x) {
  std::memcpy(v.bytes + (lane % kLaneCount<T>)*sizeof(T), &x, sizeof(T));
}

// All lanes of a vector as an array, for lane-wise code.
template <class T>
struct Lanes {
  T v[kLaneCount<T>];
};

template <class T>
NW_SIMD_INLINE Lanes<T> Split(const V128Bits& a) {
  Lanes<T> r;
  std::memcpy(r.v, a.bytes, 16);
  return r;
}

template <class T>
NW_SIMD_INLINE V128Bits Join(const Lanes<T>& l) {
  V128Bits r;
  std::memcpy(r.bytes, l.v, 16);
  return r;
}

// Canonical quiet NaNs (sign clear), what the scalar backend produces when it makes a NaN.
inline constexpr uint32_t kF32CanonicalNan = 0x7fc00000u;
inline constexpr uint64_t kF64CanonicalNan = 0x7ff8000000000000ull;

}  // namespace nw::simd

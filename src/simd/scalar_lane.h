// Portable scalar backend, lane movement: splat, extract/replace lane, shuffle, swizzle,
// narrow, extend, and the value side of the memory instructions (the interpreter does the
// bounds-checked access and hands the loaded bits here, or stores what these return).
// Lane indices are immediates the validator has bounded; they are still taken modulo the
// lane count so no index can reach outside the vector.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "simd/v128.h"

namespace nw::simd::scalar {
namespace detail {

template <class T>
NW_SIMD_INLINE V128Bits Splat(T x) {
  Lanes<T> r;
  for (unsigned i = 0; i < kLaneCount<T>; ++i)
    r.v[i] = x;
  return Join(r);
}

template <class T>
NW_SIMD_INLINE V128Bits Replace(V128Bits a, uint32_t lane, T x) {
  SetLane<T>(a, lane, x);
  return a;
}

// Narrow the signed lanes of a then b into lanes of type N, saturating.
template <class N, class W>
NW_SIMD_INLINE V128Bits Narrow(const V128Bits& a, const V128Bits& b) {
  Lanes<W> x = Split<W>(a), y = Split<W>(b);
  Lanes<N> r;
  constexpr unsigned kHalf = kLaneCount<W>;
  auto sat = [](W v) {
    return N(std::clamp<W>(v, W(std::numeric_limits<N>::min()), W(std::numeric_limits<N>::max())));
  };
  for (unsigned i = 0; i < kHalf; ++i) {
    r.v[i] = sat(x.v[i]);
    r.v[i + kHalf] = sat(y.v[i]);
  }
  return Join(r);
}

// Widen the low or high half of the lanes (N, signed or unsigned) to lanes of type W.
template <class W, class N, bool kHigh>
NW_SIMD_INLINE V128Bits Extend(const V128Bits& a) {
  Lanes<N> x = Split<N>(a);
  Lanes<W> r;
  constexpr unsigned kOff = kHigh ? kLaneCount<W> : 0;
  for (unsigned i = 0; i < kLaneCount<W>; ++i)
    r.v[i] = W(x.v[i + kOff]);
  return Join(r);
}

// The 64 loaded bits as lanes of N, each widened to W (v128.loadNxM_s/u).
template <class W, class N>
NW_SIMD_INLINE V128Bits LoadExtend(uint64_t loaded) {
  Lanes<N> x;
  std::memcpy(x.v, &loaded, 8);
  Lanes<W> r;
  for (unsigned i = 0; i < kLaneCount<W>; ++i)
    r.v[i] = W(x.v[i]);
  return Join(r);
}

}  // namespace detail

// ---- splat ----

NW_SIMD_INLINE V128Bits I8x16Splat(int32_t x) {
  return detail::Splat<uint8_t>(uint8_t(x));
}
NW_SIMD_INLINE V128Bits I16x8Splat(int32_t x) {
  return detail::Splat<uint16_t>(uint16_t(x));
}
NW_SIMD_INLINE V128Bits I32x4Splat(int32_t x) {
  return detail::Splat<uint32_t>(uint32_t(x));
}
NW_SIMD_INLINE V128Bits I64x2Splat(int64_t x) {
  return detail::Splat<uint64_t>(uint64_t(x));
}
NW_SIMD_INLINE V128Bits F32x4Splat(uint32_t bits) {
  return detail::Splat<uint32_t>(bits);
}
NW_SIMD_INLINE V128Bits F64x2Splat(uint64_t bits) {
  return detail::Splat<uint64_t>(bits);
}

// ---- extract / replace lane (floats as bits) ----

NW_SIMD_INLINE int32_t I8x16ExtractLaneS(V128Bits a, uint32_t lane) {
  return GetLane<int8_t>(a, lane);
}
NW_SIMD_INLINE int32_t I8x16ExtractLaneU(V128Bits a, uint32_t lane) {
  return GetLane<uint8_t>(a, lane);
}
NW_SIMD_INLINE int32_t I16x8ExtractLaneS(V128Bits a, uint32_t lane) {
  return GetLane<int16_t>(a, lane);
}
NW_SIMD_INLINE int32_t I16x8ExtractLaneU(V128Bits a, uint32_t lane) {
  return GetLane<uint16_t>(a, lane);
}
NW_SIMD_INLINE int32_t I32x4ExtractLane(V128Bits a, uint32_t lane) {
  return GetLane<int32_t>(a, lane);
}
NW_SIMD_INLINE int64_t I64x2ExtractLane(V128Bits a, uint32_t lane) {
  return GetLane<int64_t>(a, lane);
}
NW_SIMD_INLINE uint32_t F32x4ExtractLane(V128Bits a, uint32_t lane) {
  return GetLane<uint32_t>(a, lane);
}
NW_SIMD_INLINE uint64_t F64x2ExtractLane(V128Bits a, uint32_t lane) {
  return GetLane<uint64_t>(a, lane);
}
NW_SIMD_INLINE V128Bits I8x16ReplaceLane(V128Bits a, uint32_t lane, int32_t x) {
  return detail::Replace<uint8_t>(a, lane, uint8_t(x));
}
NW_SIMD_INLINE V128Bits I16x8ReplaceLane(V128Bits a, uint32_t lane, int32_t x) {
  return detail::Replace<uint16_t>(a, lane, uint16_t(x));
}
NW_SIMD_INLINE V128Bits I32x4ReplaceLane(V128Bits a, uint32_t lane, int32_t x) {
  return detail::Replace<uint32_t>(a, lane, uint32_t(x));
}
NW_SIMD_INLINE V128Bits I64x2ReplaceLane(V128Bits a, uint32_t lane, int64_t x) {
  return detail::Replace<uint64_t>(a, lane, uint64_t(x));
}
NW_SIMD_INLINE V128Bits F32x4ReplaceLane(V128Bits a, uint32_t lane, uint32_t bits) {
  return detail::Replace<uint32_t>(a, lane, bits);
}
NW_SIMD_INLINE V128Bits F64x2ReplaceLane(V128Bits a, uint32_t lane, uint64_t bits) {
  return detail::Replace<uint64_t>(a, lane, bits);
}

// ---- shuffle / swizzle ----

// `lanes` are the 16 immediate indices into the 32 bytes a:b; validation bounds them by 32.
NW_SIMD_INLINE V128Bits I8x16Shuffle(V128Bits a, V128Bits b, const uint8_t* lanes) {
  V128Bits r;
  for (unsigned i = 0; i < 16; ++i) {
    unsigned k = lanes[i] & 31;
    r.bytes[i] = k < 16 ? a.bytes[k] : b.bytes[k - 16];
  }
  return r;
}
// Indices from a run-time vector: out of range selects 0.
NW_SIMD_INLINE V128Bits I8x16Swizzle(V128Bits a, V128Bits s) {
  V128Bits r;
  for (unsigned i = 0; i < 16; ++i)
    r.bytes[i] = s.bytes[i] < 16 ? a.bytes[s.bytes[i]] : 0;
  return r;
}

// ---- narrow / extend ----

NW_SIMD_INLINE V128Bits I8x16NarrowI16x8S(V128Bits a, V128Bits b) {
  return detail::Narrow<int8_t, int16_t>(a, b);
}
NW_SIMD_INLINE V128Bits I8x16NarrowI16x8U(V128Bits a, V128Bits b) {
  return detail::Narrow<uint8_t, int16_t>(a, b);
}
NW_SIMD_INLINE V128Bits I16x8NarrowI32x4S(V128Bits a, V128Bits b) {
  return detail::Narrow<int16_t, int32_t>(a, b);
}
NW_SIMD_INLINE V128Bits I16x8NarrowI32x4U(V128Bits a, V128Bits b) {
  return detail::Narrow<uint16_t, int32_t>(a, b);
}
NW_SIMD_INLINE V128Bits I16x8ExtendLowI8x16S(V128Bits a) {
  return detail::Extend<int16_t, int8_t, false>(a);
}
NW_SIMD_INLINE V128Bits I16x8ExtendHighI8x16S(V128Bits a) {
  return detail::Extend<int16_t, int8_t, true>(a);
}
NW_SIMD_INLINE V128Bits I16x8ExtendLowI8x16U(V128Bits a) {
  return detail::Extend<uint16_t, uint8_t, false>(a);
}
NW_SIMD_INLINE V128Bits I16x8ExtendHighI8x16U(V128Bits a) {
  return detail::Extend<uint16_t, uint8_t, true>(a);
}
NW_SIMD_INLINE V128Bits I32x4ExtendLowI16x8S(V128Bits a) {
  return detail::Extend<int32_t, int16_t, false>(a);
}
NW_SIMD_INLINE V128Bits I32x4ExtendHighI16x8S(V128Bits a) {
  return detail::Extend<int32_t, int16_t, true>(a);
}
NW_SIMD_INLINE V128Bits I32x4ExtendLowI16x8U(V128Bits a) {
  return detail::Extend<uint32_t, uint16_t, false>(a);
}
NW_SIMD_INLINE V128Bits I32x4ExtendHighI16x8U(V128Bits a) {
  return detail::Extend<uint32_t, uint16_t, true>(a);
}
NW_SIMD_INLINE V128Bits I64x2ExtendLowI32x4S(V128Bits a) {
  return detail::Extend<int64_t, int32_t, false>(a);
}
NW_SIMD_INLINE V128Bits I64x2ExtendHighI32x4S(V128Bits a) {
  return detail::Extend<int64_t, int32_t, true>(a);
}
NW_SIMD_INLINE V128Bits I64x2ExtendLowI32x4U(V128Bits a) {
  return detail::Extend<uint64_t, uint32_t, false>(a);
}
NW_SIMD_INLINE V128Bits I64x2ExtendHighI32x4U(V128Bits a) {
  return detail::Extend<uint64_t, uint32_t, true>(a);
}

// ---- memory instructions: value transforms only ----
// v128.load/store/const move the 16 bytes unchanged; they are here so every opcode has its
// function and generated tables need no exceptions.

NW_SIMD_INLINE V128Bits V128Load(V128Bits loaded) {
  return loaded;
}
NW_SIMD_INLINE V128Bits V128Store(V128Bits value) {
  return value;
}
NW_SIMD_INLINE V128Bits V128Const(V128Bits imm) {
  return imm;
}

NW_SIMD_INLINE V128Bits V128Load8x8S(uint64_t loaded) {
  return detail::LoadExtend<int16_t, int8_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load8x8U(uint64_t loaded) {
  return detail::LoadExtend<uint16_t, uint8_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load16x4S(uint64_t loaded) {
  return detail::LoadExtend<int32_t, int16_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load16x4U(uint64_t loaded) {
  return detail::LoadExtend<uint32_t, uint16_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load32x2S(uint64_t loaded) {
  return detail::LoadExtend<int64_t, int32_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load32x2U(uint64_t loaded) {
  return detail::LoadExtend<uint64_t, uint32_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load8Splat(uint8_t loaded) {
  return detail::Splat<uint8_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load16Splat(uint16_t loaded) {
  return detail::Splat<uint16_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load32Splat(uint32_t loaded) {
  return detail::Splat<uint32_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load64Splat(uint64_t loaded) {
  return detail::Splat<uint64_t>(loaded);
}
NW_SIMD_INLINE V128Bits V128Load32Zero(uint32_t loaded) {
  Lanes<uint32_t> r = {{loaded, 0, 0, 0}};
  return Join(r);
}
NW_SIMD_INLINE V128Bits V128Load64Zero(uint64_t loaded) {
  Lanes<uint64_t> r = {{loaded, 0}};
  return Join(r);
}
// load_lane: the vector operand with one lane replaced by the loaded value.
NW_SIMD_INLINE V128Bits V128Load8Lane(V128Bits a, uint32_t lane, uint8_t loaded) {
  return detail::Replace<uint8_t>(a, lane, loaded);
}
NW_SIMD_INLINE V128Bits V128Load16Lane(V128Bits a, uint32_t lane, uint16_t loaded) {
  return detail::Replace<uint16_t>(a, lane, loaded);
}
NW_SIMD_INLINE V128Bits V128Load32Lane(V128Bits a, uint32_t lane, uint32_t loaded) {
  return detail::Replace<uint32_t>(a, lane, loaded);
}
NW_SIMD_INLINE V128Bits V128Load64Lane(V128Bits a, uint32_t lane, uint64_t loaded) {
  return detail::Replace<uint64_t>(a, lane, loaded);
}
// store_lane: the value to write to memory.
NW_SIMD_INLINE uint8_t V128Store8Lane(V128Bits a, uint32_t lane) {
  return GetLane<uint8_t>(a, lane);
}
NW_SIMD_INLINE uint16_t V128Store16Lane(V128Bits a, uint32_t lane) {
  return GetLane<uint16_t>(a, lane);
}
NW_SIMD_INLINE uint32_t V128Store32Lane(V128Bits a, uint32_t lane) {
  return GetLane<uint32_t>(a, lane);
}
NW_SIMD_INLINE uint64_t V128Store64Lane(V128Bits a, uint32_t lane) {
  return GetLane<uint64_t>(a, lane);
}

}  // namespace nw::simd::scalar

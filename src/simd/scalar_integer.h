// Portable scalar backend, integer and bitwise operations: lane arithmetic (wrapping and
// saturating), shifts, min/max, averages, comparisons, extended multiplies and pairwise adds,
// dot product, popcnt, all_true/any_true/bitmask and the v128 bitwise operations.
// Written lane by lane from the WebAssembly semantics; the reference the SSE backend is tested
// against, and the implementation on hosts without SSE4.1. Lane arithmetic is done in unsigned
// or wider types so that wrap-around is defined behaviour in C++.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "simd/v128.h"

namespace nw::simd::scalar {
namespace detail {

template <class T, class F>
NW_SIMD_INLINE V128Bits Map(const V128Bits& a, F f) {
  Lanes<T> x = Split<T>(a);
  for (unsigned i = 0; i < kLaneCount<T>; ++i)
    x.v[i] = static_cast<T>(f(x.v[i]));
  return Join(x);
}

template <class T, class F>
NW_SIMD_INLINE V128Bits Zip(const V128Bits& a, const V128Bits& b, F f) {
  Lanes<T> x = Split<T>(a);
  Lanes<T> y = Split<T>(b);
  for (unsigned i = 0; i < kLaneCount<T>; ++i)
    x.v[i] = static_cast<T>(f(x.v[i], y.v[i]));
  return Join(x);
}

// Comparison: each result lane is all ones when `pred` holds, else zero.
template <class T, class F>
NW_SIMD_INLINE V128Bits Cmp(const V128Bits& a, const V128Bits& b, F pred) {
  using U = std::make_unsigned_t<T>;
  Lanes<T> x = Split<T>(a);
  Lanes<T> y = Split<T>(b);
  Lanes<U> r;
  for (unsigned i = 0; i < kLaneCount<T>; ++i)
    r.v[i] = pred(x.v[i], y.v[i]) ? U(~U(0)) : U(0);
  return Join(r);
}

template <class S>
NW_SIMD_INLINE S SatAdd(S x, S y) {
  int64_t s = int64_t(x) + int64_t(y);
  return S(std::clamp<int64_t>(s, std::numeric_limits<S>::min(), std::numeric_limits<S>::max()));
}

template <class S>
NW_SIMD_INLINE S SatSub(S x, S y) {
  int64_t d = int64_t(x) - int64_t(y);
  return S(std::clamp<int64_t>(d, std::numeric_limits<S>::min(), std::numeric_limits<S>::max()));
}

// Shifts take the count modulo the lane width.
template <class U>
NW_SIMD_INLINE V128Bits Shl(const V128Bits& a, int32_t n) {
  unsigned s = unsigned(n) & (sizeof(U) * 8 - 1);
  return Map<U>(a, [s](U x) { return U(x << s); });
}
template <class S>
NW_SIMD_INLINE V128Bits ShrS(const V128Bits& a, int32_t n) {
  unsigned s = unsigned(n) & (sizeof(S) * 8 - 1);
  return Map<S>(a, [s](S x) { return S(x >> s); });  // arithmetic shift (C++20)
}
template <class U>
NW_SIMD_INLINE V128Bits ShrU(const V128Bits& a, int32_t n) {
  unsigned s = unsigned(n) & (sizeof(U) * 8 - 1);
  return Map<U>(a, [s](U x) { return U(x >> s); });
}

template <class S>
NW_SIMD_INLINE V128Bits Abs(const V128Bits& a) {
  using U = std::make_unsigned_t<S>;
  return Map<S>(a, [](S x) { return S(x < 0 ? U(U(0) - U(x)) : U(x)); });
}
template <class U>
NW_SIMD_INLINE V128Bits Neg(const V128Bits& a) {
  return Map<U>(a, [](U x) { return U(U(0) - x); });
}

template <class T>
NW_SIMD_INLINE int32_t AllTrue(const V128Bits& a) {
  Lanes<T> x = Split<T>(a);
  for (unsigned i = 0; i < kLaneCount<T>; ++i)
    if (x.v[i] == 0)
      return 0;
  return 1;
}

template <class S>
NW_SIMD_INLINE int32_t Bitmask(const V128Bits& a) {
  Lanes<S> x = Split<S>(a);
  int32_t m = 0;
  for (unsigned i = 0; i < kLaneCount<S>; ++i)
    m |= int32_t(x.v[i] < 0) << i;
  return m;
}

// Result lanes of type R from pairs of adjacent input lanes of type N (R twice as wide).
template <class R, class N>
NW_SIMD_INLINE V128Bits ExtaddPairwise(const V128Bits& a) {
  Lanes<N> x = Split<N>(a);
  Lanes<R> r;
  for (unsigned i = 0; i < kLaneCount<R>; ++i)
    r.v[i] = R(R(x.v[2 * i]) + R(x.v[2 * i + 1]));
  return Join(r);
}

// Widening multiply of the low (high=false) or high half of the lanes. W is a 64-bit type of
// the same signedness so the product never overflows.
template <class R, class N, bool kHigh>
NW_SIMD_INLINE V128Bits Extmul(const V128Bits& a, const V128Bits& b) {
  using W = std::conditional_t<std::is_signed_v<N>, int64_t, uint64_t>;
  Lanes<N> x = Split<N>(a);
  Lanes<N> y = Split<N>(b);
  Lanes<R> r;
  constexpr unsigned kOff = kHigh ? kLaneCount<R> : 0;
  for (unsigned i = 0; i < kLaneCount<R>; ++i)
    r.v[i] = R(W(x.v[i + kOff]) * W(y.v[i + kOff]));
  return Join(r);
}

}  // namespace detail

// ---- v128 bitwise ----

NW_SIMD_INLINE V128Bits V128Not(V128Bits a) {
  return detail::Map<uint64_t>(a, [](uint64_t x) { return ~x; });
}
NW_SIMD_INLINE V128Bits V128And(V128Bits a, V128Bits b) {
  return detail::Zip<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & y; });
}
NW_SIMD_INLINE V128Bits V128Andnot(V128Bits a, V128Bits b) {
  return detail::Zip<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & ~y; });
}
NW_SIMD_INLINE V128Bits V128Or(V128Bits a, V128Bits b) {
  return detail::Zip<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x | y; });
}
NW_SIMD_INLINE V128Bits V128Xor(V128Bits a, V128Bits b) {
  return detail::Zip<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x ^ y; });
}
// Bits of `a` where the mask `c` is 1, bits of `b` where it is 0.
NW_SIMD_INLINE V128Bits V128Bitselect(V128Bits a, V128Bits b, V128Bits c) {
  Lanes<uint64_t> x = Split<uint64_t>(a), y = Split<uint64_t>(b), m = Split<uint64_t>(c);
  for (unsigned i = 0; i < 2; ++i)
    x.v[i] = (x.v[i] & m.v[i]) | (y.v[i] & ~m.v[i]);
  return Join(x);
}
NW_SIMD_INLINE int32_t V128AnyTrue(V128Bits a) {
  Lanes<uint64_t> x = Split<uint64_t>(a);
  return (x.v[0] | x.v[1]) != 0;
}

// ---- i8x16 ----

NW_SIMD_INLINE V128Bits I8x16Abs(V128Bits a) {
  return detail::Abs<int8_t>(a);
}
NW_SIMD_INLINE V128Bits I8x16Neg(V128Bits a) {
  return detail::Neg<uint8_t>(a);
}
NW_SIMD_INLINE V128Bits I8x16Popcnt(V128Bits a) {
  return detail::Map<uint8_t>(a, [](uint8_t x) { return std::popcount(x); });
}
NW_SIMD_INLINE int32_t I8x16AllTrue(V128Bits a) {
  return detail::AllTrue<uint8_t>(a);
}
NW_SIMD_INLINE int32_t I8x16Bitmask(V128Bits a) {
  return detail::Bitmask<int8_t>(a);
}
NW_SIMD_INLINE V128Bits I8x16Shl(V128Bits a, int32_t n) {
  return detail::Shl<uint8_t>(a, n);
}
NW_SIMD_INLINE V128Bits I8x16ShrS(V128Bits a, int32_t n) {
  return detail::ShrS<int8_t>(a, n);
}
NW_SIMD_INLINE V128Bits I8x16ShrU(V128Bits a, int32_t n) {
  return detail::ShrU<uint8_t>(a, n);
}
NW_SIMD_INLINE V128Bits I8x16Add(V128Bits a, V128Bits b) {
  return detail::Zip<uint8_t>(a, b, [](uint8_t x, uint8_t y) { return x + y; });
}
NW_SIMD_INLINE V128Bits I8x16AddSatS(V128Bits a, V128Bits b) {
  return detail::Zip<int8_t>(a, b, detail::SatAdd<int8_t>);
}
NW_SIMD_INLINE V128Bits I8x16AddSatU(V128Bits a, V128Bits b) {
  return detail::Zip<uint8_t>(a, b, detail::SatAdd<uint8_t>);
}
NW_SIMD_INLINE V128Bits I8x16Sub(V128Bits a, V128Bits b) {
  return detail::Zip<uint8_t>(a, b, [](uint8_t x, uint8_t y) { return x - y; });
}
NW_SIMD_INLINE V128Bits I8x16SubSatS(V128Bits a, V128Bits b) {
  return detail::Zip<int8_t>(a, b, detail::SatSub<int8_t>);
}
NW_SIMD_INLINE V128Bits I8x16SubSatU(V128Bits a, V128Bits b) {
  return detail::Zip<uint8_t>(a, b, detail::SatSub<uint8_t>);
}
NW_SIMD_INLINE V128Bits I8x16MinS(V128Bits a, V128Bits b) {
  return detail::Zip<int8_t>(a, b, [](int8_t x, int8_t y) { return std::min(x, y); });
}
NW_SIMD_INLINE V128Bits I8x16MinU(V128Bits a, V128Bits b) {
  return detail::Zip<uint8_t>(a, b, [](uint8_t x, uint8_t y) { return std::min(x, y); });
}
NW_SIMD_INLINE V128Bits I8x16MaxS(V128Bits a, V128Bits b) {
  return detail::Zip<int8_t>(a, b, [](int8_t x, int8_t y) { return std::max(x, y); });
}
NW_SIMD_INLINE V128Bits I8x16MaxU(V128Bits a, V128Bits b) {
  return detail::Zip<uint8_t>(a, b, [](uint8_t x, uint8_t y) { return std::max(x, y); });
}
NW_SIMD_INLINE V128Bits I8x16AvgrU(V128Bits a, V128Bits b) {
  return detail::Zip<uint8_t>(a, b, [](uint8_t x, uint8_t y) { return (x + y + 1) >> 1; });
}

// ---- i16x8 ----

NW_SIMD_INLINE V128Bits I16x8ExtaddPairwiseI8x16S(V128Bits a) {
  return detail::ExtaddPairwise<int16_t, int8_t>(a);
}
NW_SIMD_INLINE V128Bits I16x8ExtaddPairwiseI8x16U(V128Bits a) {
  return detail::ExtaddPairwise<uint16_t, uint8_t>(a);
}
NW_SIMD_INLINE V128Bits I16x8Abs(V128Bits a) {
  return detail::Abs<int16_t>(a);
}
NW_SIMD_INLINE V128Bits I16x8Neg(V128Bits a) {
  return detail::Neg<uint16_t>(a);
}
// Rounding Q15 multiply: (x*y + 2^14) >> 15, saturated (only -1.0 * -1.0 overflows).
NW_SIMD_INLINE V128Bits I16x8Q15mulrSatS(V128Bits a, V128Bits b) {
  return detail::Zip<int16_t>(a, b, [](int16_t x, int16_t y) {
    int32_t p = (int32_t(x) * int32_t(y) + 0x4000) >> 15;
    return int16_t(std::min(p, 0x7fff));
  });
}
NW_SIMD_INLINE int32_t I16x8AllTrue(V128Bits a) {
  return detail::AllTrue<uint16_t>(a);
}
NW_SIMD_INLINE int32_t I16x8Bitmask(V128Bits a) {
  return detail::Bitmask<int16_t>(a);
}
NW_SIMD_INLINE V128Bits I16x8Shl(V128Bits a, int32_t n) {
  return detail::Shl<uint16_t>(a, n);
}
NW_SIMD_INLINE V128Bits I16x8ShrS(V128Bits a, int32_t n) {
  return detail::ShrS<int16_t>(a, n);
}
NW_SIMD_INLINE V128Bits I16x8ShrU(V128Bits a, int32_t n) {
  return detail::ShrU<uint16_t>(a, n);
}
NW_SIMD_INLINE V128Bits I16x8Add(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return x + y; });
}
NW_SIMD_INLINE V128Bits I16x8AddSatS(V128Bits a, V128Bits b) {
  return detail::Zip<int16_t>(a, b, detail::SatAdd<int16_t>);
}
NW_SIMD_INLINE V128Bits I16x8AddSatU(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, detail::SatAdd<uint16_t>);
}
NW_SIMD_INLINE V128Bits I16x8Sub(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return x - y; });
}
NW_SIMD_INLINE V128Bits I16x8SubSatS(V128Bits a, V128Bits b) {
  return detail::Zip<int16_t>(a, b, detail::SatSub<int16_t>);
}
NW_SIMD_INLINE V128Bits I16x8SubSatU(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, detail::SatSub<uint16_t>);
}
NW_SIMD_INLINE V128Bits I16x8Mul(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return uint32_t(x) * y; });
}
NW_SIMD_INLINE V128Bits I16x8MinS(V128Bits a, V128Bits b) {
  return detail::Zip<int16_t>(a, b, [](int16_t x, int16_t y) { return std::min(x, y); });
}
NW_SIMD_INLINE V128Bits I16x8MinU(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return std::min(x, y); });
}
NW_SIMD_INLINE V128Bits I16x8MaxS(V128Bits a, V128Bits b) {
  return detail::Zip<int16_t>(a, b, [](int16_t x, int16_t y) { return std::max(x, y); });
}
NW_SIMD_INLINE V128Bits I16x8MaxU(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return std::max(x, y); });
}
NW_SIMD_INLINE V128Bits I16x8AvgrU(V128Bits a, V128Bits b) {
  return detail::Zip<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return (x + y + 1) >> 1; });
}
NW_SIMD_INLINE V128Bits I16x8ExtmulLowI8x16S(V128Bits a, V128Bits b) {
  return detail::Extmul<int16_t, int8_t, false>(a, b);
}
NW_SIMD_INLINE V128Bits I16x8ExtmulHighI8x16S(V128Bits a, V128Bits b) {
  return detail::Extmul<int16_t, int8_t, true>(a, b);
}
NW_SIMD_INLINE V128Bits I16x8ExtmulLowI8x16U(V128Bits a, V128Bits b) {
  return detail::Extmul<uint16_t, uint8_t, false>(a, b);
}
NW_SIMD_INLINE V128Bits I16x8ExtmulHighI8x16U(V128Bits a, V128Bits b) {
  return detail::Extmul<uint16_t, uint8_t, true>(a, b);
}

// ---- i32x4 ----

NW_SIMD_INLINE V128Bits I32x4ExtaddPairwiseI16x8S(V128Bits a) {
  return detail::ExtaddPairwise<int32_t, int16_t>(a);
}
NW_SIMD_INLINE V128Bits I32x4ExtaddPairwiseI16x8U(V128Bits a) {
  return detail::ExtaddPairwise<uint32_t, uint16_t>(a);
}
NW_SIMD_INLINE V128Bits I32x4Abs(V128Bits a) {
  return detail::Abs<int32_t>(a);
}
NW_SIMD_INLINE V128Bits I32x4Neg(V128Bits a) {
  return detail::Neg<uint32_t>(a);
}
NW_SIMD_INLINE int32_t I32x4AllTrue(V128Bits a) {
  return detail::AllTrue<uint32_t>(a);
}
NW_SIMD_INLINE int32_t I32x4Bitmask(V128Bits a) {
  return detail::Bitmask<int32_t>(a);
}
NW_SIMD_INLINE V128Bits I32x4Shl(V128Bits a, int32_t n) {
  return detail::Shl<uint32_t>(a, n);
}
NW_SIMD_INLINE V128Bits I32x4ShrS(V128Bits a, int32_t n) {
  return detail::ShrS<int32_t>(a, n);
}
NW_SIMD_INLINE V128Bits I32x4ShrU(V128Bits a, int32_t n) {
  return detail::ShrU<uint32_t>(a, n);
}
NW_SIMD_INLINE V128Bits I32x4Add(V128Bits a, V128Bits b) {
  return detail::Zip<uint32_t>(a, b, [](uint32_t x, uint32_t y) { return x + y; });
}
NW_SIMD_INLINE V128Bits I32x4Sub(V128Bits a, V128Bits b) {
  return detail::Zip<uint32_t>(a, b, [](uint32_t x, uint32_t y) { return x - y; });
}
NW_SIMD_INLINE V128Bits I32x4Mul(V128Bits a, V128Bits b) {
  return detail::Zip<uint32_t>(a, b, [](uint32_t x, uint32_t y) { return x * y; });
}
NW_SIMD_INLINE V128Bits I32x4MinS(V128Bits a, V128Bits b) {
  return detail::Zip<int32_t>(a, b, [](int32_t x, int32_t y) { return std::min(x, y); });
}
NW_SIMD_INLINE V128Bits I32x4MinU(V128Bits a, V128Bits b) {
  return detail::Zip<uint32_t>(a, b, [](uint32_t x, uint32_t y) { return std::min(x, y); });
}
NW_SIMD_INLINE V128Bits I32x4MaxS(V128Bits a, V128Bits b) {
  return detail::Zip<int32_t>(a, b, [](int32_t x, int32_t y) { return std::max(x, y); });
}
NW_SIMD_INLINE V128Bits I32x4MaxU(V128Bits a, V128Bits b) {
  return detail::Zip<uint32_t>(a, b, [](uint32_t x, uint32_t y) { return std::max(x, y); });
}
// Sum of two adjacent signed 16-bit products, wrapping to 32 bits (only -2^15*-2^15*2 wraps).
NW_SIMD_INLINE V128Bits I32x4DotI16x8S(V128Bits a, V128Bits b) {
  Lanes<int16_t> x = Split<int16_t>(a), y = Split<int16_t>(b);
  Lanes<uint32_t> r;
  for (unsigned i = 0; i < 4; ++i) {
    int64_t s = int64_t(x.v[2 * i]) * y.v[2 * i] + int64_t(x.v[2 * i + 1]) * y.v[2 * i + 1];
    r.v[i] = uint32_t(s);
  }
  return Join(r);
}
NW_SIMD_INLINE V128Bits I32x4ExtmulLowI16x8S(V128Bits a, V128Bits b) {
  return detail::Extmul<int32_t, int16_t, false>(a, b);
}
NW_SIMD_INLINE V128Bits I32x4ExtmulHighI16x8S(V128Bits a, V128Bits b) {
  return detail::Extmul<int32_t, int16_t, true>(a, b);
}
NW_SIMD_INLINE V128Bits I32x4ExtmulLowI16x8U(V128Bits a, V128Bits b) {
  return detail::Extmul<uint32_t, uint16_t, false>(a, b);
}
NW_SIMD_INLINE V128Bits I32x4ExtmulHighI16x8U(V128Bits a, V128Bits b) {
  return detail::Extmul<uint32_t, uint16_t, true>(a, b);
}

// ---- i64x2 ----

NW_SIMD_INLINE V128Bits I64x2Abs(V128Bits a) {
  return detail::Abs<int64_t>(a);
}
NW_SIMD_INLINE V128Bits I64x2Neg(V128Bits a) {
  return detail::Neg<uint64_t>(a);
}
NW_SIMD_INLINE int32_t I64x2AllTrue(V128Bits a) {
  return detail::AllTrue<uint64_t>(a);
}
NW_SIMD_INLINE int32_t I64x2Bitmask(V128Bits a) {
  return detail::Bitmask<int64_t>(a);
}
NW_SIMD_INLINE V128Bits I64x2Shl(V128Bits a, int32_t n) {
  return detail::Shl<uint64_t>(a, n);
}
NW_SIMD_INLINE V128Bits I64x2ShrS(V128Bits a, int32_t n) {
  return detail::ShrS<int64_t>(a, n);
}
NW_SIMD_INLINE V128Bits I64x2ShrU(V128Bits a, int32_t n) {
  return detail::ShrU<uint64_t>(a, n);
}
NW_SIMD_INLINE V128Bits I64x2Add(V128Bits a, V128Bits b) {
  return detail::Zip<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x + y; });
}
NW_SIMD_INLINE V128Bits I64x2Sub(V128Bits a, V128Bits b) {
  return detail::Zip<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x - y; });
}
NW_SIMD_INLINE V128Bits I64x2Mul(V128Bits a, V128Bits b) {
  return detail::Zip<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x * y; });
}
NW_SIMD_INLINE V128Bits I64x2ExtmulLowI32x4S(V128Bits a, V128Bits b) {
  return detail::Extmul<int64_t, int32_t, false>(a, b);
}
NW_SIMD_INLINE V128Bits I64x2ExtmulHighI32x4S(V128Bits a, V128Bits b) {
  return detail::Extmul<int64_t, int32_t, true>(a, b);
}
NW_SIMD_INLINE V128Bits I64x2ExtmulLowI32x4U(V128Bits a, V128Bits b) {
  return detail::Extmul<uint64_t, uint32_t, false>(a, b);
}
NW_SIMD_INLINE V128Bits I64x2ExtmulHighI32x4U(V128Bits a, V128Bits b) {
  return detail::Extmul<uint64_t, uint32_t, true>(a, b);
}

// ---- integer comparisons ----

#define NW_SIMD_SCALAR_CMP(Name, T, expr)                       \
  NW_SIMD_INLINE V128Bits Name(V128Bits a, V128Bits b) {        \
    return detail::Cmp<T>(a, b, [](T x, T y) { return expr; }); \
  }
#define NW_SIMD_SCALAR_CMP_SHAPE(Shape, S, U) \
  NW_SIMD_SCALAR_CMP(Shape##Eq, U, x == y)    \
  NW_SIMD_SCALAR_CMP(Shape##Ne, U, x != y)    \
  NW_SIMD_SCALAR_CMP(Shape##LtS, S, x < y)    \
  NW_SIMD_SCALAR_CMP(Shape##GtS, S, x > y)    \
  NW_SIMD_SCALAR_CMP(Shape##LeS, S, x <= y)   \
  NW_SIMD_SCALAR_CMP(Shape##GeS, S, x >= y)
#define NW_SIMD_SCALAR_CMP_UNSIGNED(Shape, U) \
  NW_SIMD_SCALAR_CMP(Shape##LtU, U, x < y)    \
  NW_SIMD_SCALAR_CMP(Shape##GtU, U, x > y)    \
  NW_SIMD_SCALAR_CMP(Shape##LeU, U, x <= y)   \
  NW_SIMD_SCALAR_CMP(Shape##GeU, U, x >= y)

NW_SIMD_SCALAR_CMP_SHAPE(I8x16, int8_t, uint8_t)
NW_SIMD_SCALAR_CMP_UNSIGNED(I8x16, uint8_t)
NW_SIMD_SCALAR_CMP_SHAPE(I16x8, int16_t, uint16_t)
NW_SIMD_SCALAR_CMP_UNSIGNED(I16x8, uint16_t)
NW_SIMD_SCALAR_CMP_SHAPE(I32x4, int32_t, uint32_t)
NW_SIMD_SCALAR_CMP_UNSIGNED(I32x4, uint32_t)
NW_SIMD_SCALAR_CMP_SHAPE(I64x2, int64_t, uint64_t)  // i64x2 has no unsigned comparisons

#undef NW_SIMD_SCALAR_CMP_UNSIGNED
#undef NW_SIMD_SCALAR_CMP_SHAPE
#undef NW_SIMD_SCALAR_CMP

}  // namespace nw::simd::scalar

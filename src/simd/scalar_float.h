// Portable scalar backend, floating-point operations: f32x4/f64x2 arithmetic, min/max (NaN
// propagating, -0 < +0), pmin/pmax, rounding, comparisons, sign operations, and the
// conversions between float and integer lanes (trunc_sat, convert, demote, promote).
// Lanes are carried as bit patterns; abs/neg/pmin/pmax select or edit bits, so NaN payloads
// pass through them unchanged, as the specification requires. A NaN made here (min/max) is the
// positive canonical NaN.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "simd/v128.h"

namespace nw::simd::scalar {
namespace detail {

template <class F>
struct FloatBits;
template <>
struct FloatBits<float> {
  using Bits = uint32_t;
  static constexpr Bits kSign = 0x80000000u;
  static constexpr Bits kCanonicalNan = kF32CanonicalNan;
};
template <>
struct FloatBits<double> {
  using Bits = uint64_t;
  static constexpr Bits kSign = 0x8000000000000000ull;
  static constexpr Bits kCanonicalNan = kF64CanonicalNan;
};

template <class F, class Op>
NW_SIMD_INLINE V128Bits FMap(const V128Bits& a, Op op) {
  using B = typename FloatBits<F>::Bits;
  Lanes<B> x = Split<B>(a);
  for (unsigned i = 0; i < kLaneCount<B>; ++i)
    x.v[i] = std::bit_cast<B>(F(op(std::bit_cast<F>(x.v[i]))));
  return Join(x);
}

template <class F, class Op>
NW_SIMD_INLINE V128Bits FZip(const V128Bits& a, const V128Bits& b, Op op) {
  using B = typename FloatBits<F>::Bits;
  Lanes<B> x = Split<B>(a), y = Split<B>(b);
  for (unsigned i = 0; i < kLaneCount<B>; ++i)
    x.v[i] = std::bit_cast<B>(F(op(std::bit_cast<F>(x.v[i]), std::bit_cast<F>(y.v[i]))));
  return Join(x);
}

// Lane-wise on the bit patterns: `op(x_bits, y_bits)` returns the result bits.
template <class F, class Op>
NW_SIMD_INLINE V128Bits BitsZip(const V128Bits& a, const V128Bits& b, Op op) {
  using B = typename FloatBits<F>::Bits;
  Lanes<B> x = Split<B>(a), y = Split<B>(b);
  for (unsigned i = 0; i < kLaneCount<B>; ++i)
    x.v[i] = op(x.v[i], y.v[i]);
  return Join(x);
}

template <class F, class Pred>
NW_SIMD_INLINE V128Bits FCmp(const V128Bits& a, const V128Bits& b, Pred pred) {
  using B = typename FloatBits<F>::Bits;
  return BitsZip<F>(a, b, [pred](B x, B y) {
    return pred(std::bit_cast<F>(x), std::bit_cast<F>(y)) ? B(~B(0)) : B(0);
  });
}

// WebAssembly min/max: a NaN operand gives NaN; -0 orders below +0. For equal operands the
// bits differ only for zeros of opposite sign, where OR picks -0 and AND picks +0.
template <class F>
NW_SIMD_INLINE V128Bits Min(const V128Bits& a, const V128Bits& b) {
  using B = typename FloatBits<F>::Bits;
  return BitsZip<F>(a, b, [](B xb, B yb) {
    F x = std::bit_cast<F>(xb), y = std::bit_cast<F>(yb);
    if (x != x || y != y)
      return FloatBits<F>::kCanonicalNan;
    if (x == y)
      return B(xb | yb);
    return x < y ? xb : yb;
  });
}
template <class F>
NW_SIMD_INLINE V128Bits Max(const V128Bits& a, const V128Bits& b) {
  using B = typename FloatBits<F>::Bits;
  return BitsZip<F>(a, b, [](B xb, B yb) {
    F x = std::bit_cast<F>(xb), y = std::bit_cast<F>(yb);
    if (x != x || y != y)
      return FloatBits<F>::kCanonicalNan;
    if (x == y)
      return B(xb & yb);
    return x > y ? xb : yb;
  });
}
// pmin is exactly `y < x ? y : x` and pmax `x < y ? y : x`, returning an operand's bits.
template <class F>
NW_SIMD_INLINE V128Bits Pmin(const V128Bits& a, const V128Bits& b) {
  using B = typename FloatBits<F>::Bits;
  return BitsZip<F>(a, b,
                    [](B x, B y) { return std::bit_cast<F>(y) < std::bit_cast<F>(x) ? y : x; });
}
template <class F>
NW_SIMD_INLINE V128Bits Pmax(const V128Bits& a, const V128Bits& b) {
  using B = typename FloatBits<F>::Bits;
  return BitsZip<F>(a, b,
                    [](B x, B y) { return std::bit_cast<F>(x) < std::bit_cast<F>(y) ? y : x; });
}
template <class F>
NW_SIMD_INLINE V128Bits FAbs(const V128Bits& a) {
  using B = typename FloatBits<F>::Bits;
  return BitsZip<F>(a, a, [](B x, B) { return B(x & ~FloatBits<F>::kSign); });
}
template <class F>
NW_SIMD_INLINE V128Bits FNeg(const V128Bits& a) {
  using B = typename FloatBits<F>::Bits;
  return BitsZip<F>(a, a, [](B x, B) { return B(x ^ FloatBits<F>::kSign); });
}

// Saturating truncation to a 32-bit integer: NaN -> 0, out of range -> the nearest bound.
// The bounds are exact in both float and double.
template <class F>
NW_SIMD_INLINE int32_t TruncSatS32(F x) {
  if (x != x)
    return 0;
  if (x >= F(2147483648.0))
    return INT32_MAX;
  if (x <= F(-2147483649.0))
    return INT32_MIN;  // float rounds this bound to -2^31: still right
  return int32_t(x);
}
template <class F>
NW_SIMD_INLINE uint32_t TruncSatU32(F x) {
  if (!(x > F(-1.0)))
    return 0;  // also NaN
  if (x >= F(4294967296.0))
    return UINT32_MAX;
  return uint32_t(x);
}

}  // namespace detail

// ---- f32x4 ----

NW_SIMD_INLINE V128Bits F32x4Abs(V128Bits a) {
  return detail::FAbs<float>(a);
}
NW_SIMD_INLINE V128Bits F32x4Neg(V128Bits a) {
  return detail::FNeg<float>(a);
}
NW_SIMD_INLINE V128Bits F32x4Sqrt(V128Bits a) {
  return detail::FMap<float>(a, [](float x) { return std::sqrt(x); });
}
NW_SIMD_INLINE V128Bits F32x4Ceil(V128Bits a) {
  return detail::FMap<float>(a, [](float x) { return std::ceil(x); });
}
NW_SIMD_INLINE V128Bits F32x4Floor(V128Bits a) {
  return detail::FMap<float>(a, [](float x) { return std::floor(x); });
}
NW_SIMD_INLINE V128Bits F32x4Trunc(V128Bits a) {
  return detail::FMap<float>(a, [](float x) { return std::trunc(x); });
}
// Round to nearest, ties to even, independent of the host's current rounding mode.
NW_SIMD_INLINE V128Bits F32x4Nearest(V128Bits a) {
  return detail::FMap<float>(a, [](float x) { return __builtin_roundevenf(x); });
}
NW_SIMD_INLINE V128Bits F32x4Add(V128Bits a, V128Bits b) {
  return detail::FZip<float>(a, b, [](float x, float y) { return x + y; });
}
NW_SIMD_INLINE V128Bits F32x4Sub(V128Bits a, V128Bits b) {
  return detail::FZip<float>(a, b, [](float x, float y) { return x - y; });
}
NW_SIMD_INLINE V128Bits F32x4Mul(V128Bits a, V128Bits b) {
  return detail::FZip<float>(a, b, [](float x, float y) { return x * y; });
}
NW_SIMD_INLINE V128Bits F32x4Div(V128Bits a, V128Bits b) {
  return detail::FZip<float>(a, b, [](float x, float y) { return x / y; });
}
NW_SIMD_INLINE V128Bits F32x4Min(V128Bits a, V128Bits b) {
  return detail::Min<float>(a, b);
}
NW_SIMD_INLINE V128Bits F32x4Max(V128Bits a, V128Bits b) {
  return detail::Max<float>(a, b);
}
NW_SIMD_INLINE V128Bits F32x4Pmin(V128Bits a, V128Bits b) {
  return detail::Pmin<float>(a, b);
}
NW_SIMD_INLINE V128Bits F32x4Pmax(V128Bits a, V128Bits b) {
  return detail::Pmax<float>(a, b);
}

// ---- f64x2 ----

NW_SIMD_INLINE V128Bits F64x2Abs(V128Bits a) {
  return detail::FAbs<double>(a);
}
NW_SIMD_INLINE V128Bits F64x2Neg(V128Bits a) {
  return detail::FNeg<double>(a);
}
NW_SIMD_INLINE V128Bits F64x2Sqrt(V128Bits a) {
  return detail::FMap<double>(a, [](double x) { return std::sqrt(x); });
}
NW_SIMD_INLINE V128Bits F64x2Ceil(V128Bits a) {
  return detail::FMap<double>(a, [](double x) { return std::ceil(x); });
}
NW_SIMD_INLINE V128Bits F64x2Floor(V128Bits a) {
  return detail::FMap<double>(a, [](double x) { return std::floor(x); });
}
NW_SIMD_INLINE V128Bits F64x2Trunc(V128Bits a) {
  return detail::FMap<double>(a, [](double x) { return std::trunc(x); });
}
NW_SIMD_INLINE V128Bits F64x2Nearest(V128Bits a) {
  return detail::FMap<double>(a, [](double x) { return __builtin_roundeven(x); });
}
NW_SIMD_INLINE V128Bits F64x2Add(V128Bits a, V128Bits b) {
  return detail::FZip<double>(a, b, [](double x, double y) { return x + y; });
}
NW_SIMD_INLINE V128Bits F64x2Sub(V128Bits a, V128Bits b) {
  return detail::FZip<double>(a, b, [](double x, double y) { return x - y; });
}
NW_SIMD_INLINE V128Bits F64x2Mul(V128Bits a, V128Bits b) {
  return detail::FZip<double>(a, b, [](double x, double y) { return x * y; });
}
NW_SIMD_INLINE V128Bits F64x2Div(V128Bits a, V128Bits b) {
  return detail::FZip<double>(a, b, [](double x, double y) { return x / y; });
}
NW_SIMD_INLINE V128Bits F64x2Min(V128Bits a, V128Bits b) {
  return detail::Min<double>(a, b);
}
NW_SIMD_INLINE V128Bits F64x2Max(V128Bits a, V128Bits b) {
  return detail::Max<double>(a, b);
}
NW_SIMD_INLINE V128Bits F64x2Pmin(V128Bits a, V128Bits b) {
  return detail::Pmin<double>(a, b);
}
NW_SIMD_INLINE V128Bits F64x2Pmax(V128Bits a, V128Bits b) {
  return detail::Pmax<double>(a, b);
}

// ---- float comparisons (false for unordered operands, except ne) ----

#define NW_SIMD_SCALAR_FCMP(Name, F, expr)                       \
  NW_SIMD_INLINE V128Bits Name(V128Bits a, V128Bits b) {         \
    return detail::FCmp<F>(a, b, [](F x, F y) { return expr; }); \
  }
NW_SIMD_SCALAR_FCMP(F32x4Eq, float, x == y)
NW_SIMD_SCALAR_FCMP(F32x4Ne, float, x != y)
NW_SIMD_SCALAR_FCMP(F32x4Lt, float, x < y)
NW_SIMD_SCALAR_FCMP(F32x4Gt, float, x > y)
NW_SIMD_SCALAR_FCMP(F32x4Le, float, x <= y)
NW_SIMD_SCALAR_FCMP(F32x4Ge, float, x >= y)
NW_SIMD_SCALAR_FCMP(F64x2Eq, double, x == y)
NW_SIMD_SCALAR_FCMP(F64x2Ne, double, x != y)
NW_SIMD_SCALAR_FCMP(F64x2Lt, double, x < y)
NW_SIMD_SCALAR_FCMP(F64x2Gt, double, x > y)
NW_SIMD_SCALAR_FCMP(F64x2Le, double, x <= y)
NW_SIMD_SCALAR_FCMP(F64x2Ge, double, x >= y)
#undef NW_SIMD_SCALAR_FCMP

// ---- conversions ----

NW_SIMD_INLINE V128Bits I32x4TruncSatF32x4S(V128Bits a) {
  Lanes<float> x = Split<float>(a);
  Lanes<int32_t> r;
  for (unsigned i = 0; i < 4; ++i)
    r.v[i] = detail::TruncSatS32(x.v[i]);
  return Join(r);
}
NW_SIMD_INLINE V128Bits I32x4TruncSatF32x4U(V128Bits a) {
  Lanes<float> x = Split<float>(a);
  Lanes<uint32_t> r;
  for (unsigned i = 0; i < 4; ++i)
    r.v[i] = detail::TruncSatU32(x.v[i]);
  return Join(r);
}
NW_SIMD_INLINE V128Bits I32x4TruncSatF64x2SZero(V128Bits a) {
  Lanes<double> x = Split<double>(a);
  Lanes<int32_t> r = {{detail::TruncSatS32(x.v[0]), detail::TruncSatS32(x.v[1]), 0, 0}};
  return Join(r);
}
NW_SIMD_INLINE V128Bits I32x4TruncSatF64x2UZero(V128Bits a) {
  Lanes<double> x = Split<double>(a);
  Lanes<uint32_t> r = {{detail::TruncSatU32(x.v[0]), detail::TruncSatU32(x.v[1]), 0, 0}};
  return Join(r);
}
// C++ integer-to-float conversions round to nearest even, which is what WebAssembly requires
// (in particular u32 -> f32 is correctly rounded, not converted through a signed type).
NW_SIMD_INLINE V128Bits F32x4ConvertI32x4S(V128Bits a) {
  Lanes<int32_t> x = Split<int32_t>(a);
  Lanes<float> r;
  for (unsigned i = 0; i < 4; ++i)
    r.v[i] = float(x.v[i]);
  return Join(r);
}
NW_SIMD_INLINE V128Bits F32x4ConvertI32x4U(V128Bits a) {
  Lanes<uint32_t> x = Split<uint32_t>(a);
  Lanes<float> r;
  for (unsigned i = 0; i < 4; ++i)
    r.v[i] = float(x.v[i]);
  return Join(r);
}
NW_SIMD_INLINE V128Bits F64x2ConvertLowI32x4S(V128Bits a) {
  Lanes<int32_t> x = Split<int32_t>(a);
  Lanes<double> r = {{double(x.v[0]), double(x.v[1])}};
  return Join(r);
}
NW_SIMD_INLINE V128Bits F64x2ConvertLowI32x4U(V128Bits a) {
  Lanes<uint32_t> x = Split<uint32_t>(a);
  Lanes<double> r = {{double(x.v[0]), double(x.v[1])}};
  return Join(r);
}
NW_SIMD_INLINE V128Bits F32x4DemoteF64x2Zero(V128Bits a) {
  Lanes<double> x = Split<double>(a);
  Lanes<float> r = {{float(x.v[0]), float(x.v[1]), 0.0f, 0.0f}};
  return Join(r);
}
NW_SIMD_INLINE V128Bits F64x2PromoteLowF32x4(V128Bits a) {
  Lanes<float> x = Split<float>(a);
  Lanes<double> r = {{double(x.v[0]), double(x.v[1])}};
  return Join(r);
}

}  // namespace nw::simd::scalar

// SSE4.1 backend, floating-point operations and float<->integer conversions (the counterpart
// of scalar_float.h). The x86 instructions differ from WebAssembly in a few places, fixed up
// here: minps/maxps neither propagate NaN from both operands nor order -0 below +0;
// cvttps2dq returns 0x80000000 for NaN and for every out-of-range value; there is no unsigned
// conversion before AVX-512. A NaN made by min/max here is the canonical NaN with the sign
// set (0xffc00000), the same value x86 arithmetic produces; WebAssembly allows either sign.
#pragma once

#include "simd/scalar_float.h"
#include "simd/sse_base.h"

namespace nw::simd::sse {
namespace detail {

// min/max in both operand orders agree except on NaN lanes and on zeros of opposite sign;
// OR of the two picks -0 for min, AND picks +0 for max. NaN lanes become all ones, then the
// payload below the quiet bit is cleared, leaving the canonical NaN.
NW_SIMD_INLINE V128Bits MinMaxF32(__m128 x, __m128 y, bool is_min) {
  __m128 r = is_min ? _mm_or_ps(_mm_min_ps(x, y), _mm_min_ps(y, x))
                    : _mm_and_ps(_mm_max_ps(x, y), _mm_max_ps(y, x));
  __m128 nan = _mm_cmpunord_ps(x, y);
  r = _mm_or_ps(r, nan);
  __m128 payload = _mm_castsi128_ps(_mm_srli_epi32(_mm_castps_si128(nan), 10));
  return St(_mm_andnot_ps(payload, r));
}
NW_SIMD_INLINE V128Bits MinMaxF64(__m128d x, __m128d y, bool is_min) {
  __m128d r = is_min ? _mm_or_pd(_mm_min_pd(x, y), _mm_min_pd(y, x))
                     : _mm_and_pd(_mm_max_pd(x, y), _mm_max_pd(y, x));
  __m128d nan = _mm_cmpunord_pd(x, y);
  r = _mm_or_pd(r, nan);
  __m128d payload = _mm_castsi128_pd(_mm_srli_epi64(_mm_castpd_si128(nan), 13));
  return St(_mm_andnot_pd(payload, r));
}

}  // namespace detail

// ---- f32x4 ----

NW_SIMD_INLINE V128Bits F32x4Abs(V128Bits a) {
  return detail::St(_mm_and_si128(detail::Ld(a), _mm_set1_epi32(0x7fffffff)));
}
NW_SIMD_INLINE V128Bits F32x4Neg(V128Bits a) {
  return detail::St(_mm_xor_si128(detail::Ld(a), _mm_set1_epi32(INT32_MIN)));
}
NW_SIMD_INLINE V128Bits F32x4Sqrt(V128Bits a) {
  return detail::St(_mm_sqrt_ps(detail::LdF(a)));
}
NW_SIMD_INLINE V128Bits F32x4Ceil(V128Bits a) {
  return detail::St(_mm_round_ps(detail::LdF(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F32x4Floor(V128Bits a) {
  return detail::St(_mm_round_ps(detail::LdF(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F32x4Trunc(V128Bits a) {
  return detail::St(_mm_round_ps(detail::LdF(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F32x4Nearest(V128Bits a) {
  return detail::St(_mm_round_ps(detail::LdF(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F32x4Add(V128Bits a, V128Bits b) {
  return detail::St(_mm_add_ps(detail::LdF(a), detail::LdF(b)));
}
NW_SIMD_INLINE V128Bits F32x4Sub(V128Bits a, V128Bits b) {
  return detail::St(_mm_sub_ps(detail::LdF(a), detail::LdF(b)));
}
NW_SIMD_INLINE V128Bits F32x4Mul(V128Bits a, V128Bits b) {
  return detail::St(_mm_mul_ps(detail::LdF(a), detail::LdF(b)));
}
NW_SIMD_INLINE V128Bits F32x4Div(V128Bits a, V128Bits b) {
  return detail::St(_mm_div_ps(detail::LdF(a), detail::LdF(b)));
}
NW_SIMD_INLINE V128Bits F32x4Min(V128Bits a, V128Bits b) {
  return detail::MinMaxF32(detail::LdF(a), detail::LdF(b), true);
}
NW_SIMD_INLINE V128Bits F32x4Max(V128Bits a, V128Bits b) {
  return detail::MinMaxF32(detail::LdF(a), detail::LdF(b), false);
}
// minps(x, y) is exactly `x < y ? x : y`, so pmin(a, b) = `b < a ? b : a` = minps(b, a).
NW_SIMD_INLINE V128Bits F32x4Pmin(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_ps(detail::LdF(b), detail::LdF(a)));
}
NW_SIMD_INLINE V128Bits F32x4Pmax(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_ps(detail::LdF(b), detail::LdF(a)));
}

// ---- f64x2 ----

NW_SIMD_INLINE V128Bits F64x2Abs(V128Bits a) {
  return detail::St(_mm_and_si128(detail::Ld(a), _mm_set1_epi64x(INT64_MAX)));
}
NW_SIMD_INLINE V128Bits F64x2Neg(V128Bits a) {
  return detail::St(_mm_xor_si128(detail::Ld(a), _mm_set1_epi64x(INT64_MIN)));
}
NW_SIMD_INLINE V128Bits F64x2Sqrt(V128Bits a) {
  return detail::St(_mm_sqrt_pd(detail::LdD(a)));
}
NW_SIMD_INLINE V128Bits F64x2Ceil(V128Bits a) {
  return detail::St(_mm_round_pd(detail::LdD(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F64x2Floor(V128Bits a) {
  return detail::St(_mm_round_pd(detail::LdD(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F64x2Trunc(V128Bits a) {
  return detail::St(_mm_round_pd(detail::LdD(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F64x2Nearest(V128Bits a) {
  return detail::St(_mm_round_pd(detail::LdD(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
NW_SIMD_INLINE V128Bits F64x2Add(V128Bits a, V128Bits b) {
  return detail::St(_mm_add_pd(detail::LdD(a), detail::LdD(b)));
}
NW_SIMD_INLINE V128Bits F64x2Sub(V128Bits a, V128Bits b) {
  return detail::St(_mm_sub_pd(detail::LdD(a), detail::LdD(b)));
}
NW_SIMD_INLINE V128Bits F64x2Mul(V128Bits a, V128Bits b) {
  return detail::St(_mm_mul_pd(detail::LdD(a), detail::LdD(b)));
}
NW_SIMD_INLINE V128Bits F64x2Div(V128Bits a, V128Bits b) {
  return detail::St(_mm_div_pd(detail::LdD(a), detail::LdD(b)));
}
NW_SIMD_INLINE V128Bits F64x2Min(V128Bits a, V128Bits b) {
  return detail::MinMaxF64(detail::LdD(a), detail::LdD(b), true);
}
NW_SIMD_INLINE V128Bits F64x2Max(V128Bits a, V128Bits b) {
  return detail::MinMaxF64(detail::LdD(a), detail::LdD(b), false);
}
NW_SIMD_INLINE V128Bits F64x2Pmin(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_pd(detail::LdD(b), detail::LdD(a)));
}
NW_SIMD_INLINE V128Bits F64x2Pmax(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_pd(detail::LdD(b), detail::LdD(a)));
}

// ---- float comparisons (cmpneq is the unordered-or-not-equal predicate wasm ne wants) ----

#define NW_SIMD_SSE_FCMP(Shape, sfx, ld)                               \
  NW_SIMD_INLINE V128Bits Shape##Eq(V128Bits a, V128Bits b) {          \
    return detail::St(_mm_cmpeq_##sfx(detail::ld(a), detail::ld(b)));  \
  }                                                                    \
  NW_SIMD_INLINE V128Bits Shape##Ne(V128Bits a, V128Bits b) {          \
    return detail::St(_mm_cmpneq_##sfx(detail::ld(a), detail::ld(b))); \
  }                                                                    \
  NW_SIMD_INLINE V128Bits Shape##Lt(V128Bits a, V128Bits b) {          \
    return detail::St(_mm_cmplt_##sfx(detail::ld(a), detail::ld(b)));  \
  }                                                                    \
  NW_SIMD_INLINE V128Bits Shape##Gt(V128Bits a, V128Bits b) {          \
    return detail::St(_mm_cmpgt_##sfx(detail::ld(a), detail::ld(b)));  \
  }                                                                    \
  NW_SIMD_INLINE V128Bits Shape##Le(V128Bits a, V128Bits b) {          \
    return detail::St(_mm_cmple_##sfx(detail::ld(a), detail::ld(b)));  \
  }                                                                    \
  NW_SIMD_INLINE V128Bits Shape##Ge(V128Bits a, V128Bits b) {          \
    return detail::St(_mm_cmpge_##sfx(detail::ld(a), detail::ld(b)));  \
  }
NW_SIMD_SSE_FCMP(F32x4, ps, LdF)
NW_SIMD_SSE_FCMP(F64x2, pd, LdD)
#undef NW_SIMD_SSE_FCMP

// ---- conversions ----

// NaN lanes are zeroed first; cvttps2dq then gives 0x80000000 for every out-of-range lane,
// which is already right for the negative side and becomes 0x7fffffff after flipping the
// lanes known to be >= 2^31.
NW_SIMD_INLINE V128Bits I32x4TruncSatF32x4S(V128Bits a) {
  __m128 x = detail::LdF(a);
  x = _mm_and_ps(x, _mm_cmpeq_ps(x, x));
  __m128i t = _mm_cvttps_epi32(x);
  __m128i over = _mm_castps_si128(_mm_cmpge_ps(x, _mm_set1_ps(2147483648.0f)));
  return detail::St(_mm_xor_si128(t, over));
}
// Clamp NaN and negatives to 0 (maxps returns its second operand for NaN), then convert the
// range [2^31, 2^32) as (x - 2^31) + 2^31, and saturate lanes >= 2^32 to all ones.
NW_SIMD_INLINE V128Bits I32x4TruncSatF32x4U(V128Bits a) {
  const __m128 two31 = _mm_set1_ps(2147483648.0f);
  __m128 x = _mm_max_ps(detail::LdF(a), _mm_setzero_ps());
  __m128i lo = _mm_cvttps_epi32(x);
  __m128 x_minus = _mm_sub_ps(x, two31);
  __m128i hi = _mm_cvttps_epi32(x_minus);
  __m128i ge31 = _mm_castps_si128(_mm_cmpge_ps(x, two31));
  __m128i ge32 = _mm_castps_si128(_mm_cmpge_ps(x_minus, two31));
  return detail::St(_mm_or_si128(_mm_add_epi32(lo, _mm_and_si128(hi, ge31)), ge32));
}
NW_SIMD_INLINE V128Bits I32x4TruncSatF64x2SZero(V128Bits a) {
  __m128d x = detail::LdD(a);
  x = _mm_and_pd(x, _mm_cmpeq_pd(x, x));
  x = _mm_min_pd(x, _mm_set1_pd(2147483647.0));  // below -2^31 cvttpd2dq already gives INT_MIN
  return detail::St(_mm_cvttpd_epi32(x));
}
// After clamping to [0, 2^32-1] and truncating, adding 2^52 puts the integer in the low 32
// bits of each double; gather those two words.
NW_SIMD_INLINE V128Bits I32x4TruncSatF64x2UZero(V128Bits a) {
  __m128d x = _mm_max_pd(detail::LdD(a), _mm_setzero_pd());
  x = _mm_min_pd(x, _mm_set1_pd(4294967295.0));
  x = _mm_round_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  x = _mm_add_pd(x, _mm_set1_pd(4503599627370496.0));  // 2^52
  return detail::St(_mm_shuffle_ps(_mm_castpd_ps(x), _mm_setzero_ps(), _MM_SHUFFLE(0, 0, 2, 0)));
}
NW_SIMD_INLINE V128Bits F32x4ConvertI32x4S(V128Bits a) {
  return detail::St(_mm_cvtepi32_ps(detail::Ld(a)));
}
// u32 -> f32 correctly rounded: both 16-bit halves convert exactly, hi * 2^16 is exact, and
// the one rounding happens in the final add.
NW_SIMD_INLINE V128Bits F32x4ConvertI32x4U(V128Bits a) {
  __m128i x = detail::Ld(a);
  __m128 hi = _mm_cvtepi32_ps(_mm_srli_epi32(x, 16));
  __m128 lo = _mm_cvtepi32_ps(_mm_and_si128(x, _mm_set1_epi32(0xffff)));
  return detail::St(_mm_add_ps(_mm_mul_ps(hi, _mm_set1_ps(65536.0f)), lo));
}
NW_SIMD_INLINE V128Bits F64x2ConvertLowI32x4S(V128Bits a) {
  return detail::St(_mm_cvtepi32_pd(detail::Ld(a)));
}
// Pair each u32 with the high word of 2^52 to form the double 2^52 + x, then subtract 2^52.
NW_SIMD_INLINE V128Bits F64x2ConvertLowI32x4U(V128Bits a) {
  __m128i v = _mm_unpacklo_epi32(detail::Ld(a), _mm_set1_epi32(0x43300000));
  return detail::St(_mm_sub_pd(_mm_castsi128_pd(v), _mm_set1_pd(4503599627370496.0)));
}
NW_SIMD_INLINE V128Bits F32x4DemoteF64x2Zero(V128Bits a) {
  return detail::St(_mm_cvtpd_ps(detail::LdD(a)));
}
NW_SIMD_INLINE V128Bits F64x2PromoteLowF32x4(V128Bits a) {
  return detail::St(_mm_cvtps_pd(detail::LdF(a)));
}

}  // namespace nw::simd::sse

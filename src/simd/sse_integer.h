// SSE4.1/SSE4.2 backend, integer and bitwise operations (the counterpart of
// scalar_integer.h). Where SSE has no instruction for a WebAssembly operation the usual
// composition is used and the reason noted (8-bit shifts, 64-bit arithmetic shift and
// multiply, unsigned comparisons). Bit-exact with the scalar backend; the differential test
// checks that on edge-biased random inputs.
#pragma once

#include "simd/scalar_integer.h"
#include "simd/sse_base.h"

namespace nw::simd::sse {

// ---- v128 bitwise ----

NW_SIMD_INLINE V128Bits V128Not(V128Bits a) {
  return detail::St(detail::Not(detail::Ld(a)));
}
NW_SIMD_INLINE V128Bits V128And(V128Bits a, V128Bits b) {
  return detail::St(_mm_and_si128(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits V128Andnot(V128Bits a, V128Bits b) {
  return detail::St(_mm_andnot_si128(detail::Ld(b), detail::Ld(a)));  // a & ~b
}
NW_SIMD_INLINE V128Bits V128Or(V128Bits a, V128Bits b) {
  return detail::St(_mm_or_si128(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits V128Xor(V128Bits a, V128Bits b) {
  return detail::St(_mm_xor_si128(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits V128Bitselect(V128Bits a, V128Bits b, V128Bits c) {
  __m128i m = detail::Ld(c);
  return detail::St(
      _mm_or_si128(_mm_and_si128(detail::Ld(a), m), _mm_andnot_si128(m, detail::Ld(b))));
}
NW_SIMD_INLINE int32_t V128AnyTrue(V128Bits a) {
  __m128i x = detail::Ld(a);
  return !_mm_testz_si128(x, x);
}

// ---- i8x16 ----

NW_SIMD_INLINE V128Bits I8x16Abs(V128Bits a) {
  return detail::St(_mm_abs_epi8(detail::Ld(a)));
}
NW_SIMD_INLINE V128Bits I8x16Neg(V128Bits a) {
  return detail::St(_mm_sub_epi8(_mm_setzero_si128(), detail::Ld(a)));
}
// Per-nibble table lookup with pshufb.
NW_SIMD_INLINE V128Bits I8x16Popcnt(V128Bits a) {
  const __m128i lut = _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m128i nibble = _mm_set1_epi8(0x0f);
  __m128i x = detail::Ld(a);
  __m128i lo = _mm_and_si128(x, nibble);
  __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), nibble);
  return detail::St(_mm_add_epi8(_mm_shuffle_epi8(lut, lo), _mm_shuffle_epi8(lut, hi)));
}
NW_SIMD_INLINE int32_t I8x16AllTrue(V128Bits a) {
  return _mm_movemask_epi8(_mm_cmpeq_epi8(detail::Ld(a), _mm_setzero_si128())) == 0;
}
NW_SIMD_INLINE int32_t I8x16Bitmask(V128Bits a) {
  return _mm_movemask_epi8(detail::Ld(a));
}
// SSE has no 8-bit shifts: shift 16-bit lanes and clear the bits that crossed a byte.
NW_SIMD_INLINE V128Bits I8x16Shl(V128Bits a, int32_t n) {
  unsigned s = unsigned(n) & 7;
  __m128i r = _mm_sll_epi16(detail::Ld(a), _mm_cvtsi32_si128(int(s)));
  return detail::St(_mm_and_si128(r, _mm_set1_epi8(char(uint8_t(0xff << s)))));
}
NW_SIMD_INLINE V128Bits I8x16ShrU(V128Bits a, int32_t n) {
  unsigned s = unsigned(n) & 7;
  __m128i r = _mm_srl_epi16(detail::Ld(a), _mm_cvtsi32_si128(int(s)));
  return detail::St(_mm_and_si128(r, _mm_set1_epi8(char(uint8_t(0xff >> s)))));
}
// Each byte is doubled into a 16-bit lane, shifted arithmetically by s+8, and packed back.
NW_SIMD_INLINE V128Bits I8x16ShrS(V128Bits a, int32_t n) {
  __m128i x = detail::Ld(a);
  __m128i count = _mm_cvtsi32_si128(int((unsigned(n) & 7) + 8));
  __m128i lo = _mm_sra_epi16(_mm_unpacklo_epi8(x, x), count);
  __m128i hi = _mm_sra_epi16(_mm_unpackhi_epi8(x, x), count);
  return detail::St(_mm_packs_epi16(lo, hi));
}
NW_SIMD_INLINE V128Bits I8x16Add(V128Bits a, V128Bits b) {
  return detail::St(_mm_add_epi8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16AddSatS(V128Bits a, V128Bits b) {
  return detail::St(_mm_adds_epi8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16AddSatU(V128Bits a, V128Bits b) {
  return detail::St(_mm_adds_epu8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16Sub(V128Bits a, V128Bits b) {
  return detail::St(_mm_sub_epi8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16SubSatS(V128Bits a, V128Bits b) {
  return detail::St(_mm_subs_epi8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16SubSatU(V128Bits a, V128Bits b) {
  return detail::St(_mm_subs_epu8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16MinS(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_epi8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16MinU(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_epu8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16MaxS(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_epi8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16MaxU(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_epu8(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16AvgrU(V128Bits a, V128Bits b) {
  return detail::St(_mm_avg_epu8(detail::Ld(a), detail::Ld(b)));  // (x + y + 1) >> 1
}

// ---- i16x8 ----

// pmaddubsw multiplies unsigned bytes of its first operand by signed bytes of its second and
// adds pairs; with a vector of ones on the appropriate side that is the pairwise add.
NW_SIMD_INLINE V128Bits I16x8ExtaddPairwiseI8x16S(V128Bits a) {
  return detail::St(_mm_maddubs_epi16(_mm_set1_epi8(1), detail::Ld(a)));
}
NW_SIMD_INLINE V128Bits I16x8ExtaddPairwiseI8x16U(V128Bits a) {
  return detail::St(_mm_maddubs_epi16(detail::Ld(a), _mm_set1_epi8(1)));
}
NW_SIMD_INLINE V128Bits I16x8Abs(V128Bits a) {
  return detail::St(_mm_abs_epi16(detail::Ld(a)));
}
NW_SIMD_INLINE V128Bits I16x8Neg(V128Bits a) {
  return detail::St(_mm_sub_epi16(_mm_setzero_si128(), detail::Ld(a)));
}
// pmulhrsw is the rounding Q15 multiply except that -1.0 * -1.0 wraps to 0x8000 instead of
// saturating; 0x8000 cannot come out otherwise, so flip exactly those lanes to 0x7fff.
NW_SIMD_INLINE V128Bits I16x8Q15mulrSatS(V128Bits a, V128Bits b) {
  __m128i r = _mm_mulhrs_epi16(detail::Ld(a), detail::Ld(b));
  return detail::St(_mm_xor_si128(r, _mm_cmpeq_epi16(r, _mm_set1_epi16(-0x8000))));
}
NW_SIMD_INLINE int32_t I16x8AllTrue(V128Bits a) {
  return _mm_movemask_epi8(_mm_cmpeq_epi16(detail::Ld(a), _mm_setzero_si128())) == 0;
}
NW_SIMD_INLINE int32_t I16x8Bitmask(V128Bits a) {
  // Signed saturation keeps each lane's sign in its byte.
  return _mm_movemask_epi8(_mm_packs_epi16(detail::Ld(a), _mm_setzero_si128()));
}
NW_SIMD_INLINE V128Bits I16x8Shl(V128Bits a, int32_t n) {
  return detail::St(_mm_sll_epi16(detail::Ld(a), _mm_cvtsi32_si128(n & 15)));
}
NW_SIMD_INLINE V128Bits I16x8ShrS(V128Bits a, int32_t n) {
  return detail::St(_mm_sra_epi16(detail::Ld(a), _mm_cvtsi32_si128(n & 15)));
}
NW_SIMD_INLINE V128Bits I16x8ShrU(V128Bits a, int32_t n) {
  return detail::St(_mm_srl_epi16(detail::Ld(a), _mm_cvtsi32_si128(n & 15)));
}
NW_SIMD_INLINE V128Bits I16x8Add(V128Bits a, V128Bits b) {
  return detail::St(_mm_add_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8AddSatS(V128Bits a, V128Bits b) {
  return detail::St(_mm_adds_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8AddSatU(V128Bits a, V128Bits b) {
  return detail::St(_mm_adds_epu16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8Sub(V128Bits a, V128Bits b) {
  return detail::St(_mm_sub_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8SubSatS(V128Bits a, V128Bits b) {
  return detail::St(_mm_subs_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8SubSatU(V128Bits a, V128Bits b) {
  return detail::St(_mm_subs_epu16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8Mul(V128Bits a, V128Bits b) {
  return detail::St(_mm_mullo_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8MinS(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8MinU(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_epu16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8MaxS(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8MaxU(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_epu16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8AvgrU(V128Bits a, V128Bits b) {
  return detail::St(_mm_avg_epu16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8ExtmulLowI8x16S(V128Bits a, V128Bits b) {
  return detail::St(
      _mm_mullo_epi16(_mm_cvtepi8_epi16(detail::Ld(a)), _mm_cvtepi8_epi16(detail::Ld(b))));
}
NW_SIMD_INLINE V128Bits I16x8ExtmulHighI8x16S(V128Bits a, V128Bits b) {
  return detail::St(_mm_mullo_epi16(_mm_cvtepi8_epi16(_mm_srli_si128(detail::Ld(a), 8)),
                                    _mm_cvtepi8_epi16(_mm_srli_si128(detail::Ld(b), 8))));
}
NW_SIMD_INLINE V128Bits I16x8ExtmulLowI8x16U(V128Bits a, V128Bits b) {
  return detail::St(
      _mm_mullo_epi16(_mm_cvtepu8_epi16(detail::Ld(a)), _mm_cvtepu8_epi16(detail::Ld(b))));
}
NW_SIMD_INLINE V128Bits I16x8ExtmulHighI8x16U(V128Bits a, V128Bits b) {
  return detail::St(_mm_mullo_epi16(_mm_cvtepu8_epi16(_mm_srli_si128(detail::Ld(a), 8)),
                                    _mm_cvtepu8_epi16(_mm_srli_si128(detail::Ld(b), 8))));
}

// ---- i32x4 ----

NW_SIMD_INLINE V128Bits I32x4ExtaddPairwiseI16x8S(V128Bits a) {
  return detail::St(_mm_madd_epi16(detail::Ld(a), _mm_set1_epi16(1)));
}
// pmaddwd is signed only: bias each lane by -2^15, add the pairs, add the 2 * 2^15 back.
NW_SIMD_INLINE V128Bits I32x4ExtaddPairwiseI16x8U(V128Bits a) {
  __m128i biased = _mm_xor_si128(detail::Ld(a), _mm_set1_epi16(-0x8000));
  __m128i sum = _mm_madd_epi16(biased, _mm_set1_epi16(1));
  return detail::St(_mm_add_epi32(sum, _mm_set1_epi32(0x10000)));
}
NW_SIMD_INLINE V128Bits I32x4Abs(V128Bits a) {
  return detail::St(_mm_abs_epi32(detail::Ld(a)));
}
NW_SIMD_INLINE V128Bits I32x4Neg(V128Bits a) {
  return detail::St(_mm_sub_epi32(_mm_setzero_si128(), detail::Ld(a)));
}
NW_SIMD_INLINE int32_t I32x4AllTrue(V128Bits a) {
  return _mm_movemask_epi8(_mm_cmpeq_epi32(detail::Ld(a), _mm_setzero_si128())) == 0;
}
NW_SIMD_INLINE int32_t I32x4Bitmask(V128Bits a) {
  return _mm_movemask_ps(detail::LdF(a));
}
NW_SIMD_INLINE V128Bits I32x4Shl(V128Bits a, int32_t n) {
  return detail::St(_mm_sll_epi32(detail::Ld(a), _mm_cvtsi32_si128(n & 31)));
}
NW_SIMD_INLINE V128Bits I32x4ShrS(V128Bits a, int32_t n) {
  return detail::St(_mm_sra_epi32(detail::Ld(a), _mm_cvtsi32_si128(n & 31)));
}
NW_SIMD_INLINE V128Bits I32x4ShrU(V128Bits a, int32_t n) {
  return detail::St(_mm_srl_epi32(detail::Ld(a), _mm_cvtsi32_si128(n & 31)));
}
NW_SIMD_INLINE V128Bits I32x4Add(V128Bits a, V128Bits b) {
  return detail::St(_mm_add_epi32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I32x4Sub(V128Bits a, V128Bits b) {
  return detail::St(_mm_sub_epi32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I32x4Mul(V128Bits a, V128Bits b) {
  return detail::St(_mm_mullo_epi32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I32x4MinS(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_epi32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I32x4MinU(V128Bits a, V128Bits b) {
  return detail::St(_mm_min_epu32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I32x4MaxS(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_epi32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I32x4MaxU(V128Bits a, V128Bits b) {
  return detail::St(_mm_max_epu32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I32x4DotI16x8S(V128Bits a, V128Bits b) {
  return detail::St(_mm_madd_epi16(detail::Ld(a), detail::Ld(b)));
}
// 16x16 -> 32 products from the low and high halves of pmullw/pmulhw, interleaved.
NW_SIMD_INLINE V128Bits I32x4ExtmulLowI16x8S(V128Bits a, V128Bits b) {
  __m128i x = detail::Ld(a), y = detail::Ld(b);
  return detail::St(_mm_unpacklo_epi16(_mm_mullo_epi16(x, y), _mm_mulhi_epi16(x, y)));
}
NW_SIMD_INLINE V128Bits I32x4ExtmulHighI16x8S(V128Bits a, V128Bits b) {
  __m128i x = detail::Ld(a), y = detail::Ld(b);
  return detail::St(_mm_unpackhi_epi16(_mm_mullo_epi16(x, y), _mm_mulhi_epi16(x, y)));
}
NW_SIMD_INLINE V128Bits I32x4ExtmulLowI16x8U(V128Bits a, V128Bits b) {
  __m128i x = detail::Ld(a), y = detail::Ld(b);
  return detail::St(_mm_unpacklo_epi16(_mm_mullo_epi16(x, y), _mm_mulhi_epu16(x, y)));
}
NW_SIMD_INLINE V128Bits I32x4ExtmulHighI16x8U(V128Bits a, V128Bits b) {
  __m128i x = detail::Ld(a), y = detail::Ld(b);
  return detail::St(_mm_unpackhi_epi16(_mm_mullo_epi16(x, y), _mm_mulhi_epu16(x, y)));
}

// ---- i64x2 ----

// blendvpd selects on each 64-bit lane's sign bit, which is the integer's sign.
NW_SIMD_INLINE V128Bits I64x2Abs(V128Bits a) {
  __m128d x = detail::LdD(a);
  __m128d neg = _mm_castsi128_pd(_mm_sub_epi64(_mm_setzero_si128(), detail::Ld(a)));
  return detail::St(_mm_blendv_pd(x, neg, x));
}
NW_SIMD_INLINE V128Bits I64x2Neg(V128Bits a) {
  return detail::St(_mm_sub_epi64(_mm_setzero_si128(), detail::Ld(a)));
}
NW_SIMD_INLINE int32_t I64x2AllTrue(V128Bits a) {
  return _mm_movemask_epi8(_mm_cmpeq_epi64(detail::Ld(a), _mm_setzero_si128())) == 0;
}
NW_SIMD_INLINE int32_t I64x2Bitmask(V128Bits a) {
  return _mm_movemask_pd(detail::LdD(a));
}
NW_SIMD_INLINE V128Bits I64x2Shl(V128Bits a, int32_t n) {
  return detail::St(_mm_sll_epi64(detail::Ld(a), _mm_cvtsi32_si128(n & 63)));
}
NW_SIMD_INLINE V128Bits I64x2ShrU(V128Bits a, int32_t n) {
  return detail::St(_mm_srl_epi64(detail::Ld(a), _mm_cvtsi32_si128(n & 63)));
}
// No 64-bit arithmetic shift before AVX-512: shift logically, then sign-extend from the
// shifted sign bit m with (x ^ m) - m.
NW_SIMD_INLINE V128Bits I64x2ShrS(V128Bits a, int32_t n) {
  __m128i count = _mm_cvtsi32_si128(n & 63);
  __m128i m = _mm_srl_epi64(_mm_set1_epi64x(INT64_MIN), count);
  __m128i x = _mm_srl_epi64(detail::Ld(a), count);
  return detail::St(_mm_sub_epi64(_mm_xor_si128(x, m), m));
}
NW_SIMD_INLINE V128Bits I64x2Add(V128Bits a, V128Bits b) {
  return detail::St(_mm_add_epi64(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I64x2Sub(V128Bits a, V128Bits b) {
  return detail::St(_mm_sub_epi64(detail::Ld(a), detail::Ld(b)));
}
// No 64-bit multiply before AVX-512: lo*lo + ((hi_a*lo_b + lo_a*hi_b) << 32) with pmuludq.
NW_SIMD_INLINE V128Bits I64x2Mul(V128Bits a, V128Bits b) {
  __m128i x = detail::Ld(a), y = detail::Ld(b);
  __m128i lo = _mm_mul_epu32(x, y);
  __m128i cross = _mm_add_epi64(_mm_mul_epu32(_mm_srli_epi64(x, 32), y),
                                _mm_mul_epu32(x, _mm_srli_epi64(y, 32)));
  return detail::St(_mm_add_epi64(lo, _mm_slli_epi64(cross, 32)));
}
// pmuldq/pmuludq multiply the even 32-bit lanes: move the wanted half there first.
NW_SIMD_INLINE V128Bits I64x2ExtmulLowI32x4S(V128Bits a, V128Bits b) {
  return detail::St(_mm_mul_epi32(_mm_shuffle_epi32(detail::Ld(a), _MM_SHUFFLE(1, 1, 0, 0)),
                                  _mm_shuffle_epi32(detail::Ld(b), _MM_SHUFFLE(1, 1, 0, 0))));
}
NW_SIMD_INLINE V128Bits I64x2ExtmulHighI32x4S(V128Bits a, V128Bits b) {
  return detail::St(_mm_mul_epi32(_mm_shuffle_epi32(detail::Ld(a), _MM_SHUFFLE(3, 3, 2, 2)),
                                  _mm_shuffle_epi32(detail::Ld(b), _MM_SHUFFLE(3, 3, 2, 2))));
}
NW_SIMD_INLINE V128Bits I64x2ExtmulLowI32x4U(V128Bits a, V128Bits b) {
  return detail::St(_mm_mul_epu32(_mm_shuffle_epi32(detail::Ld(a), _MM_SHUFFLE(1, 1, 0, 0)),
                                  _mm_shuffle_epi32(detail::Ld(b), _MM_SHUFFLE(1, 1, 0, 0))));
}
NW_SIMD_INLINE V128Bits I64x2ExtmulHighI32x4U(V128Bits a, V128Bits b) {
  return detail::St(_mm_mul_epu32(_mm_shuffle_epi32(detail::Ld(a), _MM_SHUFFLE(3, 3, 2, 2)),
                                  _mm_shuffle_epi32(detail::Ld(b), _MM_SHUFFLE(3, 3, 2, 2))));
}

// ---- integer comparisons ----
// Signed: pcmpeq/pcmpgt and their complements. Unsigned (no SSE compare): a >= b exactly when
// max_u(a, b) == a, a <= b when min_u(a, b) == a.

#define NW_SIMD_SSE_CMP_SIGNED(Shape, w)                                            \
  NW_SIMD_INLINE V128Bits Shape##Eq(V128Bits a, V128Bits b) {                       \
    return detail::St(_mm_cmpeq_epi##w(detail::Ld(a), detail::Ld(b)));              \
  }                                                                                 \
  NW_SIMD_INLINE V128Bits Shape##Ne(V128Bits a, V128Bits b) {                       \
    return detail::St(detail::Not(_mm_cmpeq_epi##w(detail::Ld(a), detail::Ld(b)))); \
  }                                                                                 \
  NW_SIMD_INLINE V128Bits Shape##LtS(V128Bits a, V128Bits b) {                      \
    return detail::St(_mm_cmpgt_epi##w(detail::Ld(b), detail::Ld(a)));              \
  }                                                                                 \
  NW_SIMD_INLINE V128Bits Shape##GtS(V128Bits a, V128Bits b) {                      \
    return detail::St(_mm_cmpgt_epi##w(detail::Ld(a), detail::Ld(b)));              \
  }                                                                                 \
  NW_SIMD_INLINE V128Bits Shape##LeS(V128Bits a, V128Bits b) {                      \
    return detail::St(detail::Not(_mm_cmpgt_epi##w(detail::Ld(a), detail::Ld(b)))); \
  }                                                                                 \
  NW_SIMD_INLINE V128Bits Shape##GeS(V128Bits a, V128Bits b) {                      \
    return detail::St(detail::Not(_mm_cmpgt_epi##w(detail::Ld(b), detail::Ld(a)))); \
  }
#define NW_SIMD_SSE_CMP_UNSIGNED(Shape, w)                                    \
  NW_SIMD_INLINE V128Bits Shape##GeU(V128Bits a, V128Bits b) {                \
    __m128i x = detail::Ld(a);                                                \
    return detail::St(_mm_cmpeq_epi##w(_mm_max_epu##w(x, detail::Ld(b)), x)); \
  }                                                                           \
  NW_SIMD_INLINE V128Bits Shape##LeU(V128Bits a, V128Bits b) {                \
    __m128i x = detail::Ld(a);                                                \
    return detail::St(_mm_cmpeq_epi##w(_mm_min_epu##w(x, detail::Ld(b)), x)); \
  }                                                                           \
  NW_SIMD_INLINE V128Bits Shape##LtU(V128Bits a, V128Bits b) {                \
    return detail::St(detail::Not(detail::Ld(Shape##GeU(a, b))));             \
  }                                                                           \
  NW_SIMD_INLINE V128Bits Shape##GtU(V128Bits a, V128Bits b) {                \
    return detail::St(detail::Not(detail::Ld(Shape##LeU(a, b))));             \
  }

NW_SIMD_SSE_CMP_SIGNED(I8x16, 8)
NW_SIMD_SSE_CMP_UNSIGNED(I8x16, 8)
NW_SIMD_SSE_CMP_SIGNED(I16x8, 16)
NW_SIMD_SSE_CMP_UNSIGNED(I16x8, 16)
NW_SIMD_SSE_CMP_SIGNED(I32x4, 32)
NW_SIMD_SSE_CMP_UNSIGNED(I32x4, 32)

#if defined(__SSE4_2__)  // pcmpgtq
NW_SIMD_SSE_CMP_SIGNED(I64x2, 64)
#else
using scalar::I64x2Eq;
using scalar::I64x2GeS;
using scalar::I64x2GtS;
using scalar::I64x2LeS;
using scalar::I64x2LtS;
using scalar::I64x2Ne;
#endif

#undef NW_SIMD_SSE_CMP_UNSIGNED
#undef NW_SIMD_SSE_CMP_SIGNED

}  // namespace nw::simd::sse

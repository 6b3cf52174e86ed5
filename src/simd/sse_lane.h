// SSE4.1 backend, lane movement (the counterpart of scalar_lane.h): splats, shuffle and
// swizzle via pshufb, narrow via pack*, extend via pmovsx/pmovzx, and the load transforms.
// Lane extract/replace take the lane as a run-time value here (pextr/pinsr need an immediate),
// so they use the scalar code, which compiles to a store and a load.
#pragma once

#include "simd/scalar_lane.h"
#include "simd/sse_base.h"

namespace nw::simd::sse {

// ---- splat ----

NW_SIMD_INLINE V128Bits I8x16Splat(int32_t x) {
  return detail::St(_mm_set1_epi8(char(x)));
}
NW_SIMD_INLINE V128Bits I16x8Splat(int32_t x) {
  return detail::St(_mm_set1_epi16(short(x)));
}
NW_SIMD_INLINE V128Bits I32x4Splat(int32_t x) {
  return detail::St(_mm_set1_epi32(x));
}
NW_SIMD_INLINE V128Bits I64x2Splat(int64_t x) {
  return detail::St(_mm_set1_epi64x(x));
}
NW_SIMD_INLINE V128Bits F32x4Splat(uint32_t bits) {
  return detail::St(_mm_set1_epi32(int(bits)));
}
NW_SIMD_INLINE V128Bits F64x2Splat(uint64_t bits) {
  return detail::St(_mm_set1_epi64x(int64_t(bits)));
}

// ---- extract / replace lane ----

using scalar::F32x4ExtractLane;
using scalar::F32x4ReplaceLane;
using scalar::F64x2ExtractLane;
using scalar::F64x2ReplaceLane;
using scalar::I16x8ExtractLaneS;
using scalar::I16x8ExtractLaneU;
using scalar::I16x8ReplaceLane;
using scalar::I32x4ExtractLane;
using scalar::I32x4ReplaceLane;
using scalar::I64x2ExtractLane;
using scalar::I64x2ReplaceLane;
using scalar::I8x16ExtractLaneS;
using scalar::I8x16ExtractLaneU;
using scalar::I8x16ReplaceLane;

// ---- shuffle / swizzle ----

// pshufb zeroes a byte whose index has bit 7 set. Indices 0..15 pick from a and are pushed to
// >= 0x80 for b by subtracting 16; 16..31 are pushed to >= 0x80 for a by a saturating +0x70.
NW_SIMD_INLINE V128Bits I8x16Shuffle(V128Bits a, V128Bits b, const uint8_t* lanes) {
  __m128i idx =
      _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(lanes)), _mm_set1_epi8(31));
  __m128i from_a = _mm_shuffle_epi8(detail::Ld(a), _mm_adds_epu8(idx, _mm_set1_epi8(0x70)));
  __m128i from_b = _mm_shuffle_epi8(detail::Ld(b), _mm_sub_epi8(idx, _mm_set1_epi8(16)));
  return detail::St(_mm_or_si128(from_a, from_b));
}
NW_SIMD_INLINE V128Bits I8x16Swizzle(V128Bits a, V128Bits s) {
  __m128i idx = _mm_adds_epu8(detail::Ld(s), _mm_set1_epi8(0x70));  // >= 16 -> bit 7 set
  return detail::St(_mm_shuffle_epi8(detail::Ld(a), idx));
}

// ---- narrow / extend (pack* saturate exactly as WebAssembly narrow does) ----

NW_SIMD_INLINE V128Bits I8x16NarrowI16x8S(V128Bits a, V128Bits b) {
  return detail::St(_mm_packs_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I8x16NarrowI16x8U(V128Bits a, V128Bits b) {
  return detail::St(_mm_packus_epi16(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8NarrowI32x4S(V128Bits a, V128Bits b) {
  return detail::St(_mm_packs_epi32(detail::Ld(a), detail::Ld(b)));
}
NW_SIMD_INLINE V128Bits I16x8NarrowI32x4U(V128Bits a, V128Bits b) {
  return detail::St(_mm_packus_epi32(detail::Ld(a), detail::Ld(b)));
}

#define NW_SIMD_SSE_EXTEND(Name, cvt, high)                  \
  NW_SIMD_INLINE V128Bits Name(V128Bits a) {                 \
    __m128i x = detail::Ld(a);                               \
    return detail::St(cvt(high ? _mm_srli_si128(x, 8) : x)); \
  }
NW_SIMD_SSE_EXTEND(I16x8ExtendLowI8x16S, _mm_cvtepi8_epi16, false)
NW_SIMD_SSE_EXTEND(I16x8ExtendHighI8x16S, _mm_cvtepi8_epi16, true)
NW_SIMD_SSE_EXTEND(I16x8ExtendLowI8x16U, _mm_cvtepu8_epi16, false)
NW_SIMD_SSE_EXTEND(I16x8ExtendHighI8x16U, _mm_cvtepu8_epi16, true)
NW_SIMD_SSE_EXTEND(I32x4ExtendLowI16x8S, _mm_cvtepi16_epi32, false)
NW_SIMD_SSE_EXTEND(I32x4ExtendHighI16x8S, _mm_cvtepi16_epi32, true)
NW_SIMD_SSE_EXTEND(I32x4ExtendLowI16x8U, _mm_cvtepu16_epi32, false)
NW_SIMD_SSE_EXTEND(I32x4ExtendHighI16x8U, _mm_cvtepu16_epi32, true)
NW_SIMD_SSE_EXTEND(I64x2ExtendLowI32x4S, _mm_cvtepi32_epi64, false)
NW_SIMD_SSE_EXTEND(I64x2ExtendHighI32x4S, _mm_cvtepi32_epi64, true)
NW_SIMD_SSE_EXTEND(I64x2ExtendLowI32x4U, _mm_cvtepu32_epi64, false)
NW_SIMD_SSE_EXTEND(I64x2ExtendHighI32x4U, _mm_cvtepu32_epi64, true)
#undef NW_SIMD_SSE_EXTEND

// ---- memory instructions: value transforms ----

using scalar::V128Const;
using scalar::V128Load;
using scalar::V128Store;

#define NW_SIMD_SSE_LOAD_EXTEND(Name, cvt)                      \
  NW_SIMD_INLINE V128Bits Name(uint64_t loaded) {               \
    return detail::St(cvt(_mm_cvtsi64_si128(int64_t(loaded)))); \
  }
NW_SIMD_SSE_LOAD_EXTEND(V128Load8x8S, _mm_cvtepi8_epi16)
NW_SIMD_SSE_LOAD_EXTEND(V128Load8x8U, _mm_cvtepu8_epi16)
NW_SIMD_SSE_LOAD_EXTEND(V128Load16x4S, _mm_cvtepi16_epi32)
NW_SIMD_SSE_LOAD_EXTEND(V128Load16x4U, _mm_cvtepu16_epi32)
NW_SIMD_SSE_LOAD_EXTEND(V128Load32x2S, _mm_cvtepi32_epi64)
NW_SIMD_SSE_LOAD_EXTEND(V128Load32x2U, _mm_cvtepu32_epi64)
#undef NW_SIMD_SSE_LOAD_EXTEND

NW_SIMD_INLINE V128Bits V128Load8Splat(uint8_t loaded) {
  return detail::St(_mm_set1_epi8(char(loaded)));
}
NW_SIMD_INLINE V128Bits V128Load16Splat(uint16_t loaded) {
  return detail::St(_mm_set1_epi16(short(loaded)));
}
NW_SIMD_INLINE V128Bits V128Load32Splat(uint32_t loaded) {
  return detail::St(_mm_set1_epi32(int(loaded)));
}
NW_SIMD_INLINE V128Bits V128Load64Splat(uint64_t loaded) {
  return detail::St(_mm_set1_epi64x(int64_t(loaded)));
}
NW_SIMD_INLINE V128Bits V128Load32Zero(uint32_t loaded) {
  return detail::St(_mm_cvtsi32_si128(int(loaded)));
}
NW_SIMD_INLINE V128Bits V128Load64Zero(uint64_t loaded) {
  return detail::St(_mm_cvtsi64_si128(int64_t(loaded)));
}

using scalar::V128Load16Lane;
using scalar::V128Load32Lane;
using scalar::V128Load64Lane;
using scalar::V128Load8Lane;
using scalar::V128Store16Lane;
using scalar::V128Store32Lane;
using scalar::V128Store64Lane;
using scalar::V128Store8Lane;

}  // namespace nw::simd::sse

// Shared helpers of the SSE4.1/SSE4.2 backend (nw::simd::sse): moving a V128Bits in and out of
// an XMM register. Only included when the compiler targets SSE4.1 (__SSE4_1__); the build's
// x86-64-v2 baseline guarantees SSE4.2 and POPCNT but not AVX, so nothing here uses AVX.
#pragma once

#if !defined(__SSE4_1__)
#error "simd/sse_base.h needs SSE4.1; include simd/simd.h, which picks the backend"
#endif

#include <immintrin.h>

#include "simd/v128.h"

namespace nw::simd::sse::detail {

NW_SIMD_INLINE __m128i Ld(const V128Bits& a) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(a.bytes));
}
NW_SIMD_INLINE __m128 LdF(const V128Bits& a) {
  return _mm_load_ps(reinterpret_cast<const float*>(a.bytes));
}
NW_SIMD_INLINE __m128d LdD(const V128Bits& a) {
  return _mm_load_pd(reinterpret_cast<const double*>(a.bytes));
}
NW_SIMD_INLINE V128Bits St(__m128i v) {
  V128Bits r;
  _mm_store_si128(reinterpret_cast<__m128i*>(r.bytes), v);
  return r;
}
NW_SIMD_INLINE V128Bits St(__m128 v) {
  return St(_mm_castps_si128(v));
}
NW_SIMD_INLINE V128Bits St(__m128d v) {
  return St(_mm_castpd_si128(v));
}

NW_SIMD_INLINE __m128i AllOnes() {
  return _mm_set1_epi32(-1);
}
NW_SIMD_INLINE __m128i Not(__m128i v) {
  return _mm_xor_si128(v, AllOnes());
}

}  // namespace nw::simd::sse::detail

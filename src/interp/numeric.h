// Exact WebAssembly semantics of the scalar numeric operations that C++ operators do not give
// directly: trapping division, float min/max/nearest, checked and saturating truncation.
// Header-only so that the handlers inline them.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "nanowasm/runtime.h"

namespace nw::interp {

using i32 = int32_t;
using u32 = uint32_t;
using i64 = int64_t;
using u64 = uint64_t;
using f32 = float;
using f64 = double;

// A trap code from a numeric op: kNoTrap or a TrapKind value.
using TrapCode = uint8_t;
inline constexpr TrapCode kNoTrap = 0xff;
inline constexpr TrapCode Code(TrapKind k) { return static_cast<TrapCode>(k); }

template <class T>
inline TrapCode DivS(T a, T b, T* out) {
  if (b == 0) [[unlikely]] return Code(TrapKind::kIntegerDivideByZero);
  if (a == std::numeric_limits<T>::min() && b == -1) [[unlikely]]
    return Code(TrapKind::kIntegerOverflow);
  *out = a / b;
  return kNoTrap;
}
template <class T>
inline TrapCode DivU(T a, T b, T* out) {
  if (b == 0) [[unlikely]] return Code(TrapKind::kIntegerDivideByZero);
  *out = a / b;
  return kNoTrap;
}
template <class T>
inline TrapCode RemS(T a, T b, T* out) {
  if (b == 0) [[unlikely]] return Code(TrapKind::kIntegerDivideByZero);
  *out = (b == -1) ? 0 : a % b;
  return kNoTrap;
}
template <class T>
inline TrapCode RemU(T a, T b, T* out) {
  if (b == 0) [[unlikely]] return Code(TrapKind::kIntegerDivideByZero);
  *out = a % b;
  return kNoTrap;
}

// SSE4.1 roundss/roundsd (the build baseline is x86-64-v2).
inline f32 Ceil(f32 x) { return __builtin_ceilf(x); }
inline f64 Ceil(f64 x) { return __builtin_ceil(x); }
inline f32 Floor(f32 x) { return __builtin_floorf(x); }
inline f64 Floor(f64 x) { return __builtin_floor(x); }
inline f32 Trunc(f32 x) { return __builtin_truncf(x); }
inline f64 Trunc(f64 x) { return __builtin_trunc(x); }
inline f32 Nearest(f32 x) { return __builtin_roundevenf(x); }
inline f64 Nearest(f64 x) { return __builtin_roundeven(x); }
inline f32 Sqrt(f32 x) { return __builtin_sqrtf(x); }
inline f64 Sqrt(f64 x) { return __builtin_sqrt(x); }

// min/max: NaN if either is NaN; -0 < +0.
template <class F>
inline F FMin(F a, F b) {
  if (a != a || b != b) [[unlikely]] return a + b;
  if (a == b) {
    using U = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
    return std::bit_cast<F>(std::bit_cast<U>(a) | std::bit_cast<U>(b));
  }
  return a < b ? a : b;
}
template <class F>
inline F FMax(F a, F b) {
  if (a != a || b != b) [[unlikely]] return a + b;
  if (a == b) {
    using U = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
    return std::bit_cast<F>(std::bit_cast<U>(a) & std::bit_cast<U>(b));
  }
  return a > b ? a : b;
}

// Whether trunc(x) (x not NaN) fits the integer type To. The bounds are powers of two, exact
// in both float types.
template <class To, class F>
inline bool TruncFits(F t) {
  constexpr int kBits = sizeof(To) * 8;
  if constexpr (std::is_signed_v<To>) {
    constexpr F lo = -static_cast<F>(static_cast<u64>(1) << (kBits - 1));
    return t >= lo && t < -lo;
  } else {
    constexpr F hi = static_cast<F>(2.0) * static_cast<F>(static_cast<u64>(1) << (kBits - 1));
    return t > static_cast<F>(-1) && t < hi;
  }
}

template <class F, class To>
inline TrapCode TruncChecked(F x, To* out) {
  if (x != x) [[unlikely]] return Code(TrapKind::kInvalidConversion);
  F t = Trunc(x);
  if (!TruncFits<To>(t)) [[unlikely]] return Code(TrapKind::kIntegerOverflow);
  *out = static_cast<To>(t);
  return kNoTrap;
}

template <class To, class F>
inline To TruncSat(F x) {
  if (x != x) return 0;
  F t = Trunc(x);
  if (TruncFits<To>(t)) return static_cast<To>(t);
  return t < 0 ? std::numeric_limits<To>::min() : std::numeric_limits<To>::max();
}

}  // namespace nw::interp

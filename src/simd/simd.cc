// Out-of-line helpers of the SIMD library: printing v128 values for diagnostics. The
// operations themselves are inline in the headers.
#include "simd/simd.h"

#include <cstdio>

namespace nw::simd {
namespace {

template <class T>
void AppendInts(std::string& out, const V128Bits& v) {
  for (unsigned i = 0; i < kLaneCount<T>; ++i) {
    out += ' ';
    out += std::to_string(GetLane<T>(v, i));
  }
}

template <class B, class F>
void AppendFloats(std::string& out, const V128Bits& v) {
  for (unsigned i = 0; i < kLaneCount<B>; ++i) {
    B bits = GetLane<B>(v, i);
    char buf[64];
    std::snprintf(buf, sizeof buf, " 0x%0*llx(%.17g)", int(sizeof(B) * 2),
                  static_cast<unsigned long long>(bits), double(std::bit_cast<F>(bits)));
    out += buf;
  }
}

}  // namespace

std::string FormatV128(const V128Bits& v, Shape shape) {
  std::string out;
  switch (shape) {
    case Shape::kI8x16:
      out = "i8x16";
      AppendInts<int8_t>(out, v);
      break;
    case Shape::kI16x8:
      out = "i16x8";
      AppendInts<int16_t>(out, v);
      break;
    case Shape::kI32x4:
      out = "i32x4";
      AppendInts<int32_t>(out, v);
      break;
    case Shape::kI64x2:
      out = "i64x2";
      AppendInts<int64_t>(out, v);
      break;
    case Shape::kF32x4:
      out = "f32x4";
      AppendFloats<uint32_t, float>(out, v);
      break;
    case Shape::kF64x2:
      out = "f64x2";
      AppendFloats<uint64_t, double>(out, v);
      break;
  }
  return out;
}

}  // namespace nw::simd

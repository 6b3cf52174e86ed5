// Differential test: the SSE backend against the scalar backend on many pseudo-random inputs
// (fixed seed) biased towards edge values, for every operation in format/simd_opcodes.def. Results must
// be bit-identical, except NaN lanes of float arithmetic, where WebAssembly lets the NaN's
// sign and payload vary: there both must be NaN, and each backend must produce a quiet NaN,
// a canonical one when every NaN input was canonical.
#include <gtest/gtest.h>

#include <array>
#include <cfloat>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "backends.h"

#if NW_SIMD_HAVE_SSE

namespace nw::simd::testing {
namespace {

constexpr int kIterations = 3000;

enum class ImmKind { None, MemArg, MemArgLane, Lane, Shuffle, V128 };

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed ? seed : 1) {}
  uint64_t Next() {  // xorshift64*
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1Dull;
  }
  uint32_t Below(uint32_t n) { return uint32_t(Next() % n); }
  template <class T, size_t N>
  T Pick(const std::array<T, N>& a) {
    return a[Below(N)];
  }

 private:
  uint64_t s_;
};

constexpr std::array<uint64_t, 12> kInt8Edges = {0,    1,    2,    0x7e, 0x7f, 0x80,
                                                 0x81, 0xfe, 0xff, 0x40, 0x0f, 0xf0};
constexpr std::array<uint64_t, 12> kInt16Edges = {0,      1,      0x7fff, 0x8000, 0x8001, 0xffff,
                                                  0xff80, 0x007f, 0x0080, 0x00ff, 0x0100, 0x4000};
constexpr std::array<uint64_t, 12> kInt32Edges = {0,          1,          0x7fffffff, 0x80000000,
                                                  0x80000001, 0xffffffff, 0x0000ffff, 0x00010000,
                                                  0x00008000, 0xffff8000, 0x0000007f, 0xffffff80};
constexpr std::array<uint64_t, 10> kInt64Edges = {0,
                                                  1,
                                                  0x7fffffffffffffff,
                                                  0x8000000000000000,
                                                  0xffffffffffffffff,
                                                  0x00000000ffffffff,
                                                  0x0000000100000000,
                                                  0x0000000080000000,
                                                  0xffffffff80000000,
                                                  0x8000000000000001};
constexpr std::array<uint32_t, 34> kF32Edges = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000,  // ±0, ±inf
    0x7fc00000, 0xffc00000, 0x7fc00001, 0xffe12345,  // canonical and payload quiet NaNs
    0x7f800001, 0xff80abcd, 0x7fbfffff,              // signalling NaNs
    0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000,  // 1, -1, 0.5, 1.5
    0x40200000, 0xc0200000, 0x3f400000, 0xbf000000,  // 2.5, -2.5, 0.75, -0.5
    0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff,  // subnormals, min normal, max
    0x4f000000, 0x4effffff, 0xcf000000, 0xcf000001,  // ±2^31 and neighbours
    0x4f800000, 0x4f7fffff, 0x4b800001, 0x4b000001,  // 2^32, below, 2^24+2, 2^23+1
    0xbf7fffff, 0x4effff80, 0x5f000000};             // -0.99999, ~2^31, 2^63
constexpr std::array<uint64_t, 34> kF64Edges = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001, 0xfffc0000deadbeef,
    0x7ff0000000000001, 0x7ff4000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3fe0000000000000, 0x3ff8000000000000, 0x4004000000000000, 0xc004000000000000,
    0x0000000000000001, 0x800fffffffffffff, 0x7fefffffffffffff, 0x0010000000000000,
    0x41dfffffffc00000,  // 2147483647.0
    0x41dfffffffe00000,  // 2147483647.5
    0x41e0000000000000,  // 2^31
    0xc1e0000000000000,  // -2^31
    0xc1e0000000100000,  // -2147483648.5
    0xc1e0000000200000,  // -2147483649
    0x41efffffffe00000,  // 4294967295.0
    0x41effffffff00000,  // 4294967295.5
    0x41f0000000000000,  // 2^32
    0x4330000000000000,  // 2^52
    0x4340000000000001,  // 2^53 + 2
    0x36a0000000000000,  // below f32 subnormal range
    0x47efffffe0000000,  // near f32 max: rounds to inf or max
    0xbfefffffffffffff};

template <class T>
void FillLanes(V128Bits& v, auto pick) {
  for (unsigned i = 0; i < kLaneCount<T>; ++i)
    SetLane<T>(v, i, static_cast<T>(pick()));
}

V128Bits RandomVector(Rng& rng) {
  V128Bits v;
  auto random_or = [&rng](auto edge) { return rng.Below(4) == 0 ? rng.Next() : uint64_t(edge); };
  switch (rng.Below(8)) {
    case 0:
      FillLanes<uint64_t>(v, [&] { return rng.Next(); });
      break;
    case 1:
      FillLanes<uint8_t>(v, [&] { return random_or(rng.Pick(kInt8Edges)); });
      break;
    case 2:
      FillLanes<uint16_t>(v, [&] { return random_or(rng.Pick(kInt16Edges)); });
      break;
    case 3:
      FillLanes<uint32_t>(v, [&] { return random_or(rng.Pick(kInt32Edges)); });
      break;
    case 4:
      FillLanes<uint64_t>(v, [&] { return random_or(rng.Pick(kInt64Edges)); });
      break;
    case 5:
      FillLanes<uint32_t>(v, [&] { return random_or(rng.Pick(kF32Edges)); });
      break;
    case 6:
      FillLanes<uint64_t>(v, [&] { return random_or(rng.Pick(kF64Edges)); });
      break;
    default:  // small integers as floats: exercises rounding and exact conversions
      FillLanes<float>(v, [&] { return float(int32_t(rng.Below(64)) - 32) * 0.25f; });
      break;
  }
  return v;
}

struct OpInfo {
  std::string_view name;
  ImmKind imm;
  unsigned lanes;  // lane count for lane immediates
};

unsigned LaneCountOf(std::string_view name) {
  if (name.starts_with("V128Load") || name.starts_with("V128Store")) {
    std::string_view rest = name.substr(name.starts_with("V128Load") ? 8 : 9);
    if (rest.starts_with("8"))
      return 16;
    if (rest.starts_with("16"))
      return 8;
    if (rest.starts_with("32"))
      return 4;
    return 2;
  }
  if (name.starts_with("I8x16"))
    return 16;
  if (name.starts_with("I16x8"))
    return 8;
  if (name.starts_with("I32x4") || name.starts_with("F32x4"))
    return 4;
  return 2;
}

uint8_t g_shuffle_lanes[16];

template <class T>
T GenArg(Rng& rng, const OpInfo& info, size_t index) {
  if constexpr (std::is_same_v<T, V128Bits>) {
    return RandomVector(rng);
  } else if constexpr (std::is_same_v<T, const uint8_t*>) {
    for (uint8_t& l : g_shuffle_lanes)
      l = uint8_t(rng.Below(32));
    return g_shuffle_lanes;
  } else {
    if (index == 1 && (info.imm == ImmKind::Lane || info.imm == ImmKind::MemArgLane))
      return T(rng.Below(info.lanes));
    if (info.name.find("Sh") != std::string_view::npos &&
        info.name.find("Shuffle") == std::string_view::npos) {
      // Shift counts: around the lane widths, and huge or negative ones.
      constexpr std::array<int64_t, 8> kOdd = {-1, -8, 64, 65, 127, 128, INT32_MIN, INT32_MAX};
      return rng.Below(3) == 0 ? T(rng.Pick(kOdd)) : T(rng.Below(80));
    }
    switch (rng.Below(4)) {
      case 0:
        return T(rng.Next());
      case 1:
        return T(rng.Pick(kF32Edges));
      case 2:
        return T(rng.Pick(kF64Edges));
      default:
        return T(rng.Pick(kInt64Edges));
    }
  }
}

bool IsNanTolerant(std::string_view name) {
  if (!name.starts_with("F32x4") && !name.starts_with("F64x2"))
    return false;
  std::string_view op = name.substr(5);
  for (std::string_view s : {"Add", "Sub", "Mul", "Div", "Sqrt", "Min", "Max", "Ceil", "Floor",
                             "Trunc", "Nearest", "DemoteF64x2Zero", "PromoteLowF32x4"})
    if (op == s)
      return true;
  return false;
}

// Lane width in bytes of the NaN-tolerant result and of its float inputs.
unsigned ResultFloatWidth(std::string_view name) {
  return name.starts_with("F32x4") ? 4 : 8;
}
unsigned InputFloatWidth(std::string_view name) {
  if (name == "F32x4DemoteF64x2Zero")
    return 8;
  if (name == "F64x2PromoteLowF32x4")
    return 4;
  return ResultFloatWidth(name);
}

struct NanInfo {
  bool is_nan;
  bool is_quiet;
  bool is_canonical;  // payload is exactly the quiet bit, either sign
};
NanInfo Classify(const V128Bits& v, unsigned lane, unsigned width) {
  if (width == 4) {
    uint32_t b = GetLane<uint32_t>(v, lane) & 0x7fffffffu;
    return {b > 0x7f800000u, (b & 0x00400000u) != 0, b == 0x7fc00000u};
  }
  uint64_t b = GetLane<uint64_t>(v, lane) & 0x7fffffffffffffffull;
  return {b > 0x7ff0000000000000ull, (b & 0x0008000000000000ull) != 0, b == 0x7ff8000000000000ull};
}

// True if some float lane of some vector argument is a NaN that is not canonical.
template <class Tuple>
bool HasNonCanonicalNanInput(const Tuple& args, unsigned width) {
  bool found = false;
  std::apply(
      [&](const auto&... a) {
        auto check = [&](const auto& x) {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, V128Bits>) {
            for (unsigned i = 0; i < 16 / width; ++i) {
              NanInfo n = Classify(x, i, width);
              if (n.is_nan && !n.is_canonical)
                found = true;
            }
          }
        };
        (check(a), ...);
      },
      args);
  return found;
}

template <class Tuple>
std::string DescribeArgs(const Tuple& args) {
  std::string out;
  std::apply(
      [&](const auto&... a) {
        auto one = [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<X, V128Bits>) {
            out += " [" + FormatV128(x, Shape::kI32x4) + "]";
          } else if constexpr (std::is_same_v<X, const uint8_t*>) {
            out += " [lanes";
            for (int i = 0; i < 16; ++i)
              out += " " + std::to_string(x[i]);
            out += "]";
          } else {
            out += " " + std::to_string(x);
          }
        };
        (one(a), ...);
      },
      args);
  return out;
}

template <class R, class... A, size_t... I>
void RunDifferential(const OpInfo& info,
                     R (*ref)(A...),
                     R (*sse)(A...),
                     std::index_sequence<I...>) {
  Rng rng(0x9e3779b97f4a7c15ull ^ std::hash<std::string_view>{}(info.name));
  const bool tolerant = IsNanTolerant(info.name);
  int failures = 0;
  for (int iter = 0; iter < kIterations && failures < 5; ++iter) {
    std::tuple<std::decay_t<A>...> args{GenArg<std::decay_t<A>>(rng, info, I)...};
    R a = std::apply(ref, args);
    R b = std::apply(sse, args);
    bool ok = true;
    std::string why;
    if constexpr (std::is_same_v<R, V128Bits>) {
      if (!tolerant) {
        ok = a == b;
      } else {
        unsigned w = ResultFloatWidth(info.name);
        bool need_canonical = !HasNonCanonicalNanInput(args, InputFloatWidth(info.name));
        for (unsigned lane = 0; lane < 16 / w; ++lane) {
          NanInfo na = Classify(a, lane, w), nb = Classify(b, lane, w);
          if (na.is_nan != nb.is_nan)
            ok = false;
          if (!na.is_nan && std::memcmp(a.bytes + lane * w, b.bytes + lane * w, w) != 0)
            ok = false;
          for (const NanInfo& n : {na, nb}) {
            if (n.is_nan && !n.is_quiet)
              ok = false, why = " (signalling NaN result)";
            if (n.is_nan && need_canonical && !n.is_canonical)
              ok = false, why = " (non-canonical NaN from canonical inputs)";
          }
        }
      }
      if (!ok) {
        Shape s = info.name.starts_with("F32x4")   ? Shape::kF32x4
                  : info.name.starts_with("F64x2") ? Shape::kF64x2
                                                   : Shape::kI32x4;
        ADD_FAILURE() << info.name << why << " args" << DescribeArgs(args)
                      << "\n  scalar: " << FormatV128(a, s) << "\n  sse:    " << FormatV128(b, s);
      }
    } else {
      if (a != b) {
        ok = false;
        ADD_FAILURE() << info.name << " args" << DescribeArgs(args) << " scalar " << int64_t(a)
                      << " sse " << int64_t(b);
      }
    }
    if (!ok)
      ++failures;
  }
}

template <class F>
struct FnArity;
template <class R, class... A>
struct FnArity<R (*)(A...)> {
  static constexpr size_t kValue = sizeof...(A);
};

template <class FRef, class FSse>
void Differential(std::string_view name, ImmKind imm, FRef ref, FSse sse) {
  static_assert(std::is_same_v<FRef, FSse>, "backends disagree on the signature");
  OpInfo info{name, imm, LaneCountOf(name)};
  RunDifferential(info, ref, sse, std::make_index_sequence<FnArity<FRef>::kValue>{});
}

}  // namespace

#define NW_OPCODE(name, prefix, code, text, imm, sig)                 \
  TEST(SimdDifferential, name) {                                      \
    Differential(#name, ImmKind::imm, ScalarOps::name, SseOps::name); \
  }
#include "format/simd_opcodes.def"
#undef NW_OPCODE

TEST(SimdDispatch, DefaultBuildUsesSse) {
#if defined(NW_SIMD_FORCE_SCALAR)
  EXPECT_EQ(kBackendName, "scalar");
#else
  EXPECT_EQ(kBackendName, "sse4");
  EXPECT_EQ(DispatchOps::I8x16Add, SseOps::I8x16Add);
#endif
}

}  // namespace nw::simd::testing

#endif  // NW_SIMD_HAVE_SSE

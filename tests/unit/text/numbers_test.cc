// Numeric literals of the text format: integer ranges and spellings, float rounding (decimal
// and hex, subnormals, overflow), inf/nan payloads.
#include <gtest/gtest.h>

#include <charconv>
#include <cstring>
#include <random>
#include <string>

#include "text/lexer.h"

namespace nw {
namespace {

uint32_t F32(std::string_view s) {
  auto r = ParseF32(s);
  EXPECT_TRUE(r.has_value()) << s << ": " << (r ? "" : r.error().message);
  return r.value_or(0xdeadbeef);
}
uint64_t F64(std::string_view s) {
  auto r = ParseF64(s);
  EXPECT_TRUE(r.has_value()) << s << ": " << (r ? "" : r.error().message);
  return r.value_or(0xdeadbeef);
}
uint64_t I(std::string_view s, unsigned bits) {
  auto r = ParseInt(s, bits);
  EXPECT_TRUE(r.has_value()) << s << ": " << (r ? "" : r.error().message);
  return r.value_or(0xdeadbeef);
}

TEST(Numbers, Integers) {
  EXPECT_EQ(I("0", 32), 0u);
  EXPECT_EQ(I("+42", 32), 42u);
  EXPECT_EQ(I("-1", 32), 0xffffffffu);
  EXPECT_EQ(I("0xffffffff", 32), 0xffffffffu);
  EXPECT_EQ(I("-0x80000000", 32), 0x80000000u);
  EXPECT_EQ(I("4294967295", 32), 0xffffffffu);
  EXPECT_EQ(I("-2147483648", 32), 0x80000000u);
  EXPECT_EQ(I("1_000_000", 32), 1000000u);
  EXPECT_EQ(I("0x1_0", 32), 16u);
  EXPECT_EQ(I("0xFFFF_ffff_FFFF_ffff", 64), ~uint64_t{0});
  EXPECT_EQ(I("-9223372036854775808", 64), uint64_t{1} << 63);
  EXPECT_EQ(I("18446744073709551615", 64), ~uint64_t{0});
  EXPECT_EQ(I("-0x7f", 8), 0x81u);
}

TEST(Numbers, IntegerErrors) {
  auto msg = [](std::string_view s, unsigned bits) {
    auto r = ParseInt(s, bits);
    return r ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(msg("0x100000000", 32), "constant out of range");
  EXPECT_EQ(msg("4294967296", 32), "constant out of range");
  EXPECT_EQ(msg("-0x80000001", 32), "constant out of range");
  EXPECT_EQ(msg("-2147483649", 32), "constant out of range");
  EXPECT_EQ(msg("18446744073709551616", 64), "constant out of range");
  EXPECT_EQ(msg("-9223372036854775809", 64), "constant out of range");
  EXPECT_EQ(msg("99999999999999999999999", 64), "constant out of range");
  EXPECT_EQ(msg("_1", 32), "unknown operator");
  EXPECT_EQ(msg("1_", 32), "unknown operator");
  EXPECT_EQ(msg("1__0", 32), "unknown operator");
  EXPECT_EQ(msg("0x", 32), "unknown operator");
  EXPECT_EQ(msg("0x_1", 32), "unknown operator");
  EXPECT_EQ(msg("1x", 32), "unknown operator");
  EXPECT_EQ(msg("0xg", 32), "unknown operator");
  EXPECT_EQ(msg("--1", 32), "unknown operator");
  EXPECT_EQ(msg("1.0", 32), "unknown operator");
  EXPECT_FALSE(ParseUnsigned("-1", 32).has_value());
  EXPECT_FALSE(ParseUnsigned("+1", 32).has_value());
  EXPECT_EQ(ParseUnsigned("0x1_0000_0000", 32).error().message, "constant out of range");
  EXPECT_EQ(*ParseUnsigned("0xffff_ffff", 32), 0xffffffffu);
}

TEST(Numbers, DecimalFloats) {
  EXPECT_EQ(F32("0"), 0u);
  EXPECT_EQ(F32("-0"), 0x80000000u);
  EXPECT_EQ(F32("1"), 0x3f800000u);
  EXPECT_EQ(F32("1."), 0x3f800000u);
  EXPECT_EQ(F32("1.5e0"), 0x3fc00000u);
  EXPECT_EQ(F32("+1E+1"), 0x41200000u);
  EXPECT_EQ(F32("1_000.000_1"), F32("1000.0001"));
  EXPECT_EQ(F32("0.1"), 0x3dcccccdu);
  EXPECT_EQ(F64("0.1"), 0x3fb999999999999aull);
  // Rounded straight to f32, not through f64 (double rounding would give ...1).
  EXPECT_EQ(F32("1.00000005960464477539062500000000001"), 0x3f800001u);
  EXPECT_EQ(F32("1.000000059604644775390625"), 0x3f800000u);  // tie, to even
  EXPECT_EQ(F32("3.4028234663852886e38"), 0x7f7fffffu);
  EXPECT_EQ(F32("3.4028235677973366e38"), 0x7f7fffffu);  // just below the overflow midpoint
  EXPECT_EQ(F64("1.7976931348623157e308"), 0x7fefffffffffffffull);
  EXPECT_EQ(F64("4.9406564584124654e-324"), 1u);
  EXPECT_EQ(F32("1e-50"), 0u);          // underflows to zero, not an error
  EXPECT_EQ(F32("-1e-50"), 0x80000000u);
  EXPECT_EQ(F64("1e-400"), 0u);
  EXPECT_EQ(F32("1.4e-45"), 1u);  // smallest subnormal
}

TEST(Numbers, HexFloats) {
  EXPECT_EQ(F32("0x1p0"), 0x3f800000u);
  EXPECT_EQ(F32("0x1"), 0x3f800000u);
  EXPECT_EQ(F32("0x1."), 0x3f800000u);
  EXPECT_EQ(F32("0x1.8p1"), 0x40400000u);
  EXPECT_EQ(F32("0x1P-1"), 0x3f000000u);
  EXPECT_EQ(F32("-0x1p+2"), 0xc0800000u);
  EXPECT_EQ(F32("0x1_0.0_8p0"), F32("0x10.08p0"));
  EXPECT_EQ(F32("0x1.fffffep127"), 0x7f7fffffu);
  // Below the overflow midpoint by a tiny sticky amount: rounds down to the max float.
  EXPECT_EQ(F32("0x1.fffffefffffffffffp127"), 0x7f7fffffu);
  EXPECT_EQ(F32("0x1.fffffe7ffffffffffp127"), 0x7f7fffffu);
  // Ties to even and sticky bits far beyond 64 bits of mantissa.
  EXPECT_EQ(F32("0x1.000001p0"), 0x3f800000u);
  EXPECT_EQ(F32("0x1.000003p0"), 0x3f800002u);
  EXPECT_EQ(F32("0x1.00000100000000000000000001p0"), 0x3f800001u);
  EXPECT_EQ(F64("0x1.00000000000008p0"), 0x3ff0000000000000ull);
  EXPECT_EQ(F64("0x1.000000000000080000000001p0"), 0x3ff0000000000001ull);
  EXPECT_EQ(F64("0x1.00000000000018p0"), 0x3ff0000000000002ull);
  // Subnormals and their rounding.
  EXPECT_EQ(F32("0x1p-149"), 1u);
  EXPECT_EQ(F32("0x1p-150"), 0u);            // exactly half of the smallest: to even (0)
  EXPECT_EQ(F32("0x1.000001p-150"), 1u);     // just above half
  EXPECT_EQ(F32("0x1.8p-149"), 2u);          // 1.5 ulp: tie to even (2)
  EXPECT_EQ(F32("0x1p-126"), 0x00800000u);
  EXPECT_EQ(F32("0x1.fffffcp-127"), 0x007fffffu);
  EXPECT_EQ(F32("0x1.fffffep-127"), 0x00800000u);  // rounds up into the normals
  EXPECT_EQ(F64("0x1p-1074"), 1u);
  EXPECT_EQ(F64("0x0.0000000000001p-1022"), 1u);
  EXPECT_EQ(F64("0x1p-1075"), 0u);
  EXPECT_EQ(F64("0x1.fffffffffffffp1023"), 0x7fefffffffffffffull);
  EXPECT_EQ(F32("0x0p0"), 0u);
  EXPECT_EQ(F32("-0x0.0p0"), 0x80000000u);
  EXPECT_EQ(F32("0x00000000000000000000000000000001p0"), 0x3f800000u);
  EXPECT_EQ(F32("0x100000000000000000000000000000000p-128"), 0x3f800000u);
}

TEST(Numbers, FloatOverflowAndSpecials) {
  EXPECT_EQ(ParseF32("0x1p128").error().message, "constant out of range");
  EXPECT_EQ(ParseF32("0x1.ffffffp127").error().message, "constant out of range");  // rounds up
  EXPECT_EQ(ParseF64("0x1p1024").error().message, "constant out of range");
  EXPECT_EQ(ParseF32("1e39").error().message, "constant out of range");
  EXPECT_EQ(ParseF64("1e309").error().message, "constant out of range");
  EXPECT_EQ(ParseF32("3.4028235677973367e38").error().message, "constant out of range");
  EXPECT_EQ(F32("inf"), 0x7f800000u);
  EXPECT_EQ(F32("-inf"), 0xff800000u);
  EXPECT_EQ(F32("nan"), 0x7fc00000u);
  EXPECT_EQ(F32("-nan"), 0xffc00000u);
  EXPECT_EQ(F32("nan:0x1"), 0x7f800001u);
  EXPECT_EQ(F32("-nan:0x7f_ffff"), 0xffffffffu);
  EXPECT_EQ(F64("nan:0x8000000000000"), 0x7ff8000000000000ull);
  EXPECT_EQ(F64("+nan:0xfffffffffffff"), 0x7fffffffffffffffull);
  EXPECT_EQ(ParseF32("nan:0x0").error().message, "constant out of range");
  EXPECT_EQ(ParseF32("nan:0x800000").error().message, "constant out of range");
  EXPECT_EQ(ParseF64("nan:0x10000000000000").error().message, "constant out of range");
  for (const char* bad : {".0", "0x", "0x.", "0x.8p1", "1e", "1e+", "0x1p", "0x1p-", "0x1pA",
                          "nan:1", "infinity", "nan:0x", "1.e_1", "0x1.p_1", "1..0", "0xg"}) {
    EXPECT_FALSE(ParseF32(bad).has_value()) << bad;
    EXPECT_FALSE(ParseF64(bad).has_value()) << bad;
  }
}

// Hex floats against libstdc++'s correctly rounded hex from_chars, over random mantissas
// that stress the rounding boundary, subnormals and overflow.
TEST(Numbers, HexFloatsMatchFromChars) {
  std::mt19937_64 rng(12345);
  const char* digits = "0123456789abcdef";
  for (int i = 0; i < 20000; ++i) {
    std::string mant;
    int int_digits = 1 + static_cast<int>(rng() % 3);
    int frac_digits = static_cast<int>(rng() % 30);
    for (int k = 0; k < int_digits; ++k) mant += digits[rng() % 16];
    mant += '.';
    for (int k = 0; k < frac_digits; ++k) {
      // Long runs of f or 0 put values right next to rounding boundaries.
      uint64_t pick = rng() % 4;
      mant += pick == 0 ? 'f' : pick == 1 ? '0' : digits[rng() % 16];
    }
    bool f32 = i % 2 == 0;
    int range = f32 ? 160 : 1090;
    int exp = static_cast<int>(rng() % (2 * range)) - range;
    std::string body = mant + "p" + std::to_string(exp);
    std::string text = "0x" + body;
    if (f32) {
      float want;
      auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), want,
                                     std::chars_format::hex);
      auto got = ParseF32(text);
      if (ec == std::errc::result_out_of_range) {
        // from_chars reports both overflow and underflow; only overflow is an error here.
        if (got) EXPECT_EQ(*got & 0x7fffffffu, 0u) << text;
        continue;
      }
      uint32_t bits;
      std::memcpy(&bits, &want, 4);
      ASSERT_TRUE(got.has_value()) << text;
      EXPECT_EQ(*got, bits) << text;
    } else {
      double want;
      auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), want,
                                     std::chars_format::hex);
      auto got = ParseF64(text);
      if (ec == std::errc::result_out_of_range) {
        if (got) EXPECT_EQ(*got & 0x7fffffffffffffffull, 0u) << text;
        continue;
      }
      uint64_t bits;
      std::memcpy(&bits, &want, 8);
      ASSERT_TRUE(got.has_value()) << text;
      EXPECT_EQ(*got, bits) << text;
    }
  }
}

}  // namespace
}  // namespace nw

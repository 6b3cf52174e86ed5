// Numeric literals of the text format: integers in decimal and hex with `_` separators, and
// floats (decimal, hex with binary exponents, inf, nan, nan:0x payloads) rounded to nearest
// even. Decimal floats go through std::from_chars (correctly rounded); hex floats are rounded
// here because from_chars' hex mode does not accept the text format's spellings.
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

#include "text/lexer.h"

namespace nw {
namespace {

int Digit(char c, bool hex) {
  if (hex) return HexValue(c);
  return (c >= '0' && c <= '9') ? c - '0' : -1;
}

// Scans `num`/`hexnum` (digits with single underscores between them) starting at *i.
// Returns false if there is not at least one digit or the underscores are misplaced.
bool ScanDigits(std::string_view s, size_t* i, bool hex) {
  size_t start = *i;
  bool last_digit = false;
  while (*i < s.size()) {
    char c = s[*i];
    if (Digit(c, hex) >= 0) {
      last_digit = true;
    } else if (c == '_' && last_digit) {
      last_digit = false;
    } else {
      break;
    }
    ++*i;
  }
  return *i > start && last_digit;
}

std::unexpected<Error> OutOfRange() { return MakeError("constant out of range"); }
std::unexpected<Error> BadNumber() { return MakeError("unknown operator"); }

// Magnitude of an unsigned literal with saturation detection.
Result<uint64_t> ParseMagnitude(std::string_view s) {
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  size_t i = hex ? 2 : 0;
  if (!ScanDigits(s, &i, hex) || i != s.size()) return BadNumber();
  uint64_t v = 0;
  const uint64_t base = hex ? 16 : 10;
  for (size_t k = hex ? 2 : 0; k < s.size(); ++k) {
    if (s[k] == '_') continue;
    uint64_t d = static_cast<uint64_t>(Digit(s[k], hex));
    if (v > (UINT64_MAX - d) / base) return OutOfRange();
    v = v * base + d;
  }
  return v;
}

struct FloatFormat {
  int precision;  // significand bits including the implicit one
  int emin, emax;
  int exp_bits;
};
constexpr FloatFormat kF32{24, -126, 127, 8};
constexpr FloatFormat kF64{53, -1022, 1023, 11};

// m * 2^exp (plus `sticky` below the last bit of m) rounded to the format; bits without sign.
Result<uint64_t> RoundBinary(uint64_t m, int64_t exp, bool sticky, const FloatFormat& f) {
  if (m == 0) return 0;
  int b = 63 - __builtin_clzll(m);
  int64_t e = b + exp;  // value in [2^e, 2^(e+1))
  if (e > f.emax) return OutOfRange();
  int64_t shift = std::max<int64_t>(b - (f.precision - 1), (f.emin - (f.precision - 1)) - exp);
  uint64_t kept;
  if (shift <= 0) {
    kept = m << -shift;
  } else if (shift >= 64) {
    kept = 0;  // m < 2^63 is below half of the quantum
  } else {
    kept = m >> shift;
    uint64_t rem = m & ((uint64_t{1} << shift) - 1);
    uint64_t half = uint64_t{1} << (shift - 1);
    if (rem > half || (rem == half && (sticky || (kept & 1)))) ++kept;
  }
  int64_t q = exp + shift;  // value = kept * 2^q
  if (kept == (uint64_t{1} << f.precision)) {
    kept >>= 1;
    ++q;
  }
  const uint64_t frac_mask = (uint64_t{1} << (f.precision - 1)) - 1;
  if (kept == 0) return 0;
  if (kept < (uint64_t{1} << (f.precision - 1))) return kept;  // subnormal
  int64_t biased = q + (f.precision - 1) + (f.emax);
  if (biased >= (int64_t{1} << f.exp_bits) - 1) return OutOfRange();
  return (static_cast<uint64_t>(biased) << (f.precision - 1)) | (kept & frac_mask);
}

// Hex float body after "0x": hexnum ('.' hexnum?)? ([pP] sign? num)?
Result<uint64_t> ParseHexFloat(std::string_view s, const FloatFormat& f) {
  size_t i = 0;
  if (!ScanDigits(s, &i, true)) return BadNumber();
  size_t int_end = i, frac_begin = i, frac_end = i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_begin = i;
    if (i < s.size() && HexValue(s[i]) >= 0 && !ScanDigits(s, &i, true)) return BadNumber();
    frac_end = i;
  }
  int64_t pexp = 0;
  if (i < s.size() && (s[i] == 'p' || s[i] == 'P')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t start = i;
    if (!ScanDigits(s, &i, false)) return BadNumber();
    for (size_t k = start; k < i; ++k) {
      if (s[k] == '_') continue;
      if (pexp < 100000000) pexp = pexp * 10 + (s[k] - '0');
    }
    if (neg) pexp = -pexp;
  }
  if (i != s.size()) return BadNumber();
  uint64_t m = 0;
  int64_t exp = 0;
  bool sticky = false;
  auto add = [&](char c, bool frac) {
    if (c == '_') return;
    int d = HexValue(c);
    if (m < (uint64_t{1} << 59)) {
      m = m * 16 + static_cast<uint64_t>(d);
      if (frac) exp -= 4;
    } else {
      sticky |= d != 0;
      if (!frac) exp += 4;
    }
  };
  for (size_t k = 0; k < int_end; ++k) add(s[k], false);
  for (size_t k = frac_begin; k < frac_end; ++k) add(s[k], true);
  return RoundBinary(m, exp + pexp, sticky, f);
}

template <class T>
Result<uint64_t> ParseDecimalFloat(std::string_view s) {
  size_t i = 0;
  if (!ScanDigits(s, &i, false)) return BadNumber();
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i < s.size() && s[i] >= '0' && s[i] <= '9' && !ScanDigits(s, &i, false))
      return BadNumber();
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!ScanDigits(s, &i, false)) return BadNumber();
  }
  if (i != s.size()) return BadNumber();
  std::string clean;
  clean.reserve(s.size());
  for (char c : s)
    if (c != '_') clean += c;
  T value{};
  auto [ptr, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves the value alone on underflow and overflow; strtod tells them apart.
    errno = 0;
    double d = std::strtod(clean.c_str(), nullptr);
    if (d > 1.0) return OutOfRange();
    value = 0;
  } else if (ec != std::errc() || ptr != clean.data() + clean.size()) {
    return BadNumber();
  }
  if constexpr (sizeof(T) == 4) {
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    return bits;
  } else {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    return bits;
  }
}

template <class T>
Result<uint64_t> ParseFloatBits(std::string_view s) {
  const FloatFormat& f = sizeof(T) == 4 ? kF32 : kF64;
  const uint64_t sign_bit = uint64_t{1} << (sizeof(T) * 8 - 1);
  const uint64_t exp_mask = ((uint64_t{1} << f.exp_bits) - 1) << (f.precision - 1);
  const uint64_t frac_mask = (uint64_t{1} << (f.precision - 1)) - 1;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t bits;
  if (s == "inf") {
    bits = exp_mask;
  } else if (s == "nan") {
    bits = exp_mask | (uint64_t{1} << (f.precision - 2));
  } else if (s.starts_with("nan:0x")) {
    NW_TRY_ASSIGN(uint64_t payload, ParseMagnitude(s.substr(4)));
    if (payload == 0 || payload > frac_mask) return OutOfRange();
    bits = exp_mask | payload;
  } else if (s.starts_with("0x")) {
    NW_TRY_ASSIGN(bits, ParseHexFloat(s.substr(2), f));
  } else {
    NW_TRY_ASSIGN(bits, ParseDecimalFloat<T>(s));
  }
  return neg ? (bits | sign_bit) : bits;
}

}  // namespace

Result<uint64_t> ParseUnsigned(std::string_view text, unsigned bits) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return BadNumber();
  NW_TRY_ASSIGN(uint64_t v, ParseMagnitude(text));
  if (bits < 64 && v >> bits) return OutOfRange();
  return v;
}

Result<uint64_t> ParseInt(std::string_view text, unsigned bits) {
  bool neg = false, has_sign = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    neg = text[0] == '-';
    has_sign = true;
    text.remove_prefix(1);
  }
  if (text.empty() || text[0] < '0' || text[0] > '9') return BadNumber();
  (void)has_sign;
  NW_TRY_ASSIGN(uint64_t v, ParseMagnitude(text));
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  if (neg) {
    if (v > (uint64_t{1} << (bits - 1))) return OutOfRange();
    return (~v + 1) & mask;
  }
  if (v > mask) return OutOfRange();
  return v;
}

Result<uint32_t> ParseF32(std::string_view text) {
  NW_TRY_ASSIGN(uint64_t bits, ParseFloatBits<float>(text));
  return static_cast<uint32_t>(bits);
}

Result<uint64_t> ParseF64(std::string_view text) { return ParseFloatBits<double>(text); }

std::optional<V128Shape> ParseV128Shape(std::string_view k) {
  if (k == "i8x16") return V128Shape{16, 8, false};
  if (k == "i16x8") return V128Shape{8, 16, false};
  if (k == "i32x4") return V128Shape{4, 32, false};
  if (k == "i64x2") return V128Shape{2, 64, false};
  if (k == "f32x4") return V128Shape{4, 32, true};
  if (k == "f64x2") return V128Shape{2, 64, true};
  return std::nullopt;
}

}  // namespace nw

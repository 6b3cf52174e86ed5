// Literal formatting for the WAT printer: floats that parse back bit for bit, quoted byte
// strings, identifier checks and natural alignments. Kept apart from printer.cc so the module
// walk reads without the numeric details.
#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "text/lexer.h"
#include "text/printer.h"

namespace nw {
namespace {

std::string HexDigits(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

// NaN and infinity in text form, or "" for finite values. `quiet` is the canonical payload.
std::string NonFinite(bool negative, bool all_ones_exponent, uint64_t payload, uint64_t quiet) {
  if (!all_ones_exponent)
    return "";
  std::string s = negative ? "-" : "";
  if (payload == 0)
    return s + "inf";
  if (payload == quiet)
    return s + "nan";
  return s + "nan:0x" + HexDigits(payload);
}

// glibc's %a on a double is exact and shortest in hex digits; an f32 widens exactly.
std::string HexFloat(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", d);
  return buf;
}

}  // namespace

std::string FormatF32(uint32_t bits) {
  std::string special =
      NonFinite(bits >> 31, ((bits >> 23) & 0xff) == 0xff, bits & 0x7fffff, 0x400000);
  if (!special.empty())
    return special;
  float f = std::bit_cast<float>(bits);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  std::string_view dec(buf, static_cast<size_t>(end - buf));
  // The shortest decimal is exact for a correctly rounding reader; check with the parser's own
  // reader so the printed text is right even if the two ever disagree.
  if (ec == std::errc() && ParseF32(dec) == bits)
    return std::string(dec);
  return HexFloat(static_cast<double>(f));
}

std::string FormatF64(uint64_t bits) {
  std::string special = NonFinite(bits >> 63, ((bits >> 52) & 0x7ff) == 0x7ff,
                                  bits & 0xfffffffffffffull, 0x8000000000000ull);
  if (!special.empty())
    return special;
  double d = std::bit_cast<double>(bits);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view dec(buf, static_cast<size_t>(end - buf));
  if (ec == std::errc() && ParseF64(dec) == bits)
    return std::string(dec);
  return HexFloat(d);
}

std::string QuoteWatString(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() + 2);
  s += '"';
  for (uint8_t b : bytes) {
    if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
      s += static_cast<char>(b);
    } else {
      s += '\\';
      s += kHex[b >> 4];
      s += kHex[b & 15];
    }
  }
  s += '"';
  return s;
}

std::string QuoteWatString(std::string_view bytes) {
  return QuoteWatString(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

bool IsValidWatId(std::string_view name) {
  if (name.empty())
    return false;
  for (char c : name) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != nullptr;
    if (!ok || c == '\0')
      return false;
  }
  return true;
}

}  // namespace nw

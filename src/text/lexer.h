// Tokenizer for the WebAssembly text format (WAT and WAST share it). The whole input is
// tokenized once, linearly, into a vector; parsers then walk the vector by index. The lexer
// never fails: characters or string escapes that are not allowed become kReserved tokens
// carrying a message, and a parser reports them only if it actually reaches them (so a bad
// token inside an `assert_malformed` module does not break the surrounding script).
#pragma once

#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace nw {

enum class TokenKind : uint8_t {
  kLParen,
  kRParen,
  kKeyword,   // starts with a-z (includes `offset=4`, `nan:0x1`, `inf`)
  kId,        // $name
  kNumber,    // starts with a digit or a sign; validated when converted
  kString,    // text includes the quotes; escapes are decoded by DecodeString
  kReserved,  // anything else; `error` says why
  kEof,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  uint32_t offset = 0;  // byte offset into the lexed text
  uint32_t length = 0;
  const char* error = nullptr;  // kReserved only
};

// Tokenizes `text`; the result always ends with a kEof token. Inputs are limited to 4 GiB.
std::vector<Token> Lex(std::string_view text);

inline std::string_view TokenText(std::string_view src, const Token& t) {
  return src.substr(t.offset, t.length);
}

// Decodes the escapes of a kString token's text (quotes included) into bytes.
// The lexer has already checked the escapes, so this cannot fail.
std::string DecodeString(std::string_view quoted);

// The value of a hex digit, or -1.
inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True if `s` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Numeric literals. All return "constant out of range" or "unknown operator" style errors
// with offset kNoOffset; the caller attaches the token offset.
// Unsigned integer without sign (indices, limits, alignments): at most `bits` bits.
Result<uint64_t> ParseUnsigned(std::string_view text, unsigned bits);
// iN literal: sign allowed; range [-2^(N-1), 2^N - 1]; returned as the N-bit pattern.
Result<uint64_t> ParseInt(std::string_view text, unsigned bits);
// fN literal, as IEEE bits, correctly rounded (nearest, ties to even).
Result<uint32_t> ParseF32(std::string_view text);
Result<uint64_t> ParseF64(std::string_view text);

// A v128 lane shape keyword ("i8x16" ... "f64x2"): lane count and width; nullopt otherwise.
struct V128Shape {
  unsigned lanes;
  unsigned bits;
  bool is_float;
};
std::optional<V128Shape> ParseV128Shape(std::string_view keyword);

}  // namespace nw

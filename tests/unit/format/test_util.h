// Helpers for the format tests: bytes from hex text, modules from section hex, and the
// `(module binary "...")` extractor used to walk the spec testsuite.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace nw::test {

inline int HexDigit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// "00 61 73 6d" (any whitespace) -> bytes. Aborts on odd digits: test inputs are ours.
inline std::vector<uint8_t> Hex(std::string_view text) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : text) {
    int d = HexDigit(c);
    if (d < 0)
      continue;
    if (hi < 0) {
      hi = d;
    } else {
      out.push_back(static_cast<uint8_t>(hi * 16 + d));
      hi = -1;
    }
  }
  if (hi >= 0)
    std::abort();
  return out;
}

// The 8-byte header followed by `sections_hex`.
inline std::vector<uint8_t> Mod(std::string_view sections_hex = "") {
  auto out = Hex("0061736d 01000000");
  auto rest = Hex(sections_hex);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The testsuite root: $NANOWASM_TESTSUITE, else ../shared/testsuite beside the source tree.
inline std::filesystem::path TestsuiteDir() {
  if (const char* env = std::getenv("NANOWASM_TESTSUITE"); env && *env)
    return env;
  return std::filesystem::path(NW_SOURCE_DIR) / ".." / "shared" / "testsuite";
}

// Decodes one WAST string literal starting at s[i] == '"'; advances i past the closing quote.
inline bool ParseWastString(std::string_view s, size_t& i, std::vector<uint8_t>& out) {
  ++i;
  while (i < s.size() && s[i] != '"') {
    char c = s[i++];
    if (c != '\\') {
      out.push_back(static_cast<uint8_t>(c));
      continue;
    }
    if (i >= s.size())
      return false;
    char e = s[i++];
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case '"':
        out.push_back('"');
        break;
      case '\'':
        out.push_back('\'');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case 'u': {  // \u{hex}: UTF-8 encode
        if (i >= s.size() || s[i] != '{')
          return false;
        uint32_t cp = 0;
        for (++i; i < s.size() && s[i] != '}'; ++i)
          cp = cp * 16 + HexDigit(s[i]);
        ++i;
        if (cp < 0x80) {
          out.push_back(cp);
        } else if (cp < 0x800) {
          out.push_back(0xC0 | (cp >> 6));
          out.push_back(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          out.push_back(0xE0 | (cp >> 12));
          out.push_back(0x80 | ((cp >> 6) & 0x3F));
          out.push_back(0x80 | (cp & 0x3F));
        } else {
          out.push_back(0xF0 | (cp >> 18));
          out.push_back(0x80 | ((cp >> 12) & 0x3F));
          out.push_back(0x80 | ((cp >> 6) & 0x3F));
          out.push_back(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: {
        if (i >= s.size())
          return false;
        int hi = HexDigit(e), lo = HexDigit(s[i++]);
        if (hi < 0 || lo < 0)
          return false;
        out.push_back(static_cast<uint8_t>(hi * 16 + lo));
      }
    }
  }
  if (i >= s.size())
    return false;
  ++i;
  return true;
}

struct WastBinary {
  size_t line = 0;
  std::vector<uint8_t> bytes;
  bool malformed = false;        // inside (assert_malformed ...)
  std::string expected_message;  // its expected message
};

// Every `(module [$id] binary "..." ...)` in a .wast text, with the line it starts on.
inline std::vector<WastBinary> ExtractBinaryModules(std::string_view s) {
  std::vector<WastBinary> out;
  size_t pos = 0;
  while ((pos = s.find("(module", pos)) != std::string_view::npos) {
    size_t i = pos + 7;
    size_t start = pos;
    pos = i;
    auto skip_ws = [&] {
      for (;;) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
          ++i;
        if (s.substr(i, 2) == ";;") {
          while (i < s.size() && s[i] != '\n')
            ++i;
          continue;
        }
        if (s.substr(i, 2) == "(;") {
          size_t e = s.find(";)", i);
          i = e == std::string_view::npos ? s.size() : e + 2;
          continue;
        }
        break;
      }
    };
    skip_ws();
    if (i < s.size() && s[i] == '$') {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
        ++i;
      skip_ws();
    }
    if (s.substr(i, 6) != "binary")
      continue;
    i += 6;
    WastBinary b;
    b.line = 1 + static_cast<size_t>(std::count(s.begin(), s.begin() + start, '\n'));
    bool ok = true;
    for (;;) {
      skip_ws();
      if (i >= s.size() || s[i] != '"')
        break;
      if (!ParseWastString(s, i, b.bytes)) {
        ok = false;
        break;
      }
    }
    if (!ok)
      continue;
    // Inside an assert_malformed? Its keyword directly precedes "(module".
    size_t back = start;
    while (back > 0 && std::isspace(static_cast<unsigned char>(s[back - 1])))
      --back;
    constexpr std::string_view kAssert = "(assert_malformed";
    if (back >= kAssert.size() && s.substr(back - kAssert.size(), kAssert.size()) == kAssert) {
      b.malformed = true;
      skip_ws();
      if (i < s.size() && s[i] == ')') {
        ++i;
        skip_ws();
        std::vector<uint8_t> msg;
        if (i < s.size() && s[i] == '"' && ParseWastString(s, i, msg)) {
          b.expected_message.assign(msg.begin(), msg.end());
        }
      }
    }
    out.push_back(std::move(b));
    pos = i;
  }
  return out;
}

}  // namespace nw::test

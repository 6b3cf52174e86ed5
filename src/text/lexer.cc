// Tokenizer and string handling for the text format. Numeric literals live in numbers.cc.
#include "text/lexer.h"

#include "format/binary_reader.h"

#include <array>

namespace nw {
namespace {

constexpr std::array<bool, 256> MakeIdCharTable() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-./:<=>?@\\^_`|~")) t[static_cast<uint8_t>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kIdChar = MakeIdCharTable();

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    out.reserve(s_.size() / 4 + 1);
    while (true) {
      const char* err = SkipSpace();
      if (err) {
        out.push_back(Token{TokenKind::kReserved, static_cast<uint32_t>(p_), 0, err});
        break;
      }
      if (p_ >= s_.size()) break;
      out.push_back(Next());
    }
    out.push_back(Token{TokenKind::kEof, static_cast<uint32_t>(s_.size()), 0, nullptr});
    return out;
  }

 private:
  // Skips whitespace and comments; returns an error for an unclosed block comment.
  const char* SkipSpace() {
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++p_;
      } else if (c == ';' && p_ + 1 < s_.size() && s_[p_ + 1] == ';') {
        // A line comment ends at a line feed or a carriage return (spec: linechar excludes both).
        size_t nl = s_.find_first_of("\n\r", p_);
        p_ = nl == std::string_view::npos ? s_.size() : nl + 1;
      } else if (c == '(' && p_ + 1 < s_.size() && s_[p_ + 1] == ';') {
        size_t depth = 1;
        p_ += 2;
        while (depth > 0) {
          if (p_ + 1 >= s_.size()) {
            p_ = s_.size();
            return "unclosed comment";
          }
          if (s_[p_] == '(' && s_[p_ + 1] == ';') {
            ++depth;
            p_ += 2;
          } else if (s_[p_] == ';' && s_[p_ + 1] == ')') {
            --depth;
            p_ += 2;
          } else {
            ++p_;
          }
        }
      } else {
        break;
      }
    }
    return nullptr;
  }

  Token Next() {
    const size_t start = p_;
    auto make = [&](TokenKind k, const char* err = nullptr) {
      return Token{k, static_cast<uint32_t>(start), static_cast<uint32_t>(p_ - start), err};
    };
    char c = s_[p_];
    if (c == '(') {
      ++p_;
      return make(TokenKind::kLParen);
    }
    if (c == ')') {
      ++p_;
      return make(TokenKind::kRParen);
    }
    if (c == '"') {
      const char* err = LexString();
      if (!err && GluedTail()) err = "unknown operator";
      return make(err ? TokenKind::kReserved : TokenKind::kString, err);
    }
    if (!kIdChar[static_cast<uint8_t>(c)]) {
      // Skip the whole run of junk (and a whole UTF-8 sequence) so errors are reported once.
      ++p_;
      while (p_ < s_.size() && (static_cast<uint8_t>(s_[p_]) & 0xC0) == 0x80) ++p_;
      return make(TokenKind::kReserved, "unexpected character");
    }
    while (p_ < s_.size() && kIdChar[static_cast<uint8_t>(s_[p_])]) ++p_;
    // An id-char run glued to a string or junk is one reserved token, as in the spec.
    bool glued = GluedTail();
    if (glued) return make(TokenKind::kReserved, "unknown operator");
    if (c == '$') {
      if (p_ - start == 1) return make(TokenKind::kReserved, "unexpected token");
      return make(TokenKind::kId);
    }
    if (c >= 'a' && c <= 'z') return make(TokenKind::kKeyword);
    if ((c >= '0' && c <= '9') || c == '+' || c == '-') return make(TokenKind::kNumber);
    return make(TokenKind::kReserved, "unknown operator");
  }

  // Consumes whatever is glued to the token just lexed (strings, id chars, junk) up to a
  // delimiter; returns true if there was anything.
  bool GluedTail() {
    bool glued = false;
    while (p_ < s_.size()) {
      char d = s_[p_];
      if (d == '(' || d == ')' || d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == ';') break;
      glued = true;
      if (d == '"') {
        if (LexString()) break;
      } else {
        ++p_;
      }
    }
    return glued;
  }

  // Positioned on the opening quote; advances past the closing quote.
  const char* LexString() {
    ++p_;
    const char* err = nullptr;
    while (true) {
      if (p_ >= s_.size()) return "unclosed string";
      uint8_t c = static_cast<uint8_t>(s_[p_]);
      if (c == '"') {
        ++p_;
        return err;
      }
      if (c == '\n') return "unclosed string";
      if (c < 0x20 || c == 0x7f) {
        err = "illegal character in string";
        ++p_;
        continue;
      }
      if (c != '\\') {
        ++p_;
        continue;
      }
      ++p_;
      if (p_ >= s_.size()) return "unclosed string";
      char e = s_[p_++];
      switch (e) {
        case 't': case 'n': case 'r': case '"': case '\'': case '\\':
          break;
        case 'u': {
          if (p_ >= s_.size() || s_[p_] != '{') {
            err = "illegal escape";
            break;
          }
          ++p_;
          uint64_t v = 0;
          size_t digits = 0;
          bool underscore_ok = false, bad = false;
          while (p_ < s_.size() && s_[p_] != '}') {
            char h = s_[p_];
            if (h == '_' && underscore_ok) {
              underscore_ok = false;
            } else if (HexValue(h) >= 0) {
              v = v * 16 + HexValue(h);
              if (v > 0x10FFFF) bad = true;
              ++digits;
              underscore_ok = true;
            } else {
              bad = true;
              break;
            }
            ++p_;
          }
          if (p_ >= s_.size() || s_[p_] != '}' || digits == 0 || !underscore_ok || bad ||
              (v >= 0xD800 && v < 0xE000)) {
            err = "illegal escape";
            break;
          }
          ++p_;
          break;
        }
        default:
          if (HexValue(e) >= 0 && p_ < s_.size() && HexValue(s_[p_]) >= 0) {
            ++p_;
          } else {
            err = "illegal escape";
          }
      }
    }
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

std::vector<Token> Lex(std::string_view text) { return Lexer(text).Run(); }

std::string DecodeString(std::string_view q) {
  std::string out;
  out.reserve(q.size());
  size_t i = 1, end = q.size() - 1;
  while (i < end) {
    char c = q[i];
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    char e = q[i + 1];
    i += 2;
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\'': out += '\''; break;
      case '\\': out += '\\'; break;
      case 'u': {
        ++i;  // '{'
        uint32_t v = 0;
        while (q[i] != '}') {
          if (q[i] != '_') v = v * 16 + HexValue(q[i]);
          ++i;
        }
        ++i;
        AppendUtf8(out, v);
        break;
      }
      default:
        out += static_cast<char>(HexValue(e) * 16 + HexValue(q[i]));
        ++i;
    }
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  return FindInvalidUtf8(s) == std::string_view::npos;  // the binary decoder's checker
}

}  // namespace nw

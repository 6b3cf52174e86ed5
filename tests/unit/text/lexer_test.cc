// Tokenizer: token kinds and boundaries, comments, strings and their escapes, reserved tokens.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/lexer.h"

namespace nw {
namespace {

std::vector<std::pair<TokenKind, std::string>> Tokens(std::string_view src) {
  std::vector<std::pair<TokenKind, std::string>> out;
  for (const Token& t : Lex(src)) out.emplace_back(t.kind, std::string(TokenText(src, t)));
  return out;
}

using K = TokenKind;

TEST(Lexer, KindsAndDelimiters) {
  auto t = Tokens("(module $m (func(nop)nop) 0x1_0 -1.5e3 nan:0x1 offset=4 \"s\")");
  std::vector<std::pair<TokenKind, std::string>> want = {
      {K::kLParen, "("},      {K::kKeyword, "module"}, {K::kId, "$m"},
      {K::kLParen, "("},      {K::kKeyword, "func"},   {K::kLParen, "("},
      {K::kKeyword, "nop"},   {K::kRParen, ")"},       {K::kKeyword, "nop"},
      {K::kRParen, ")"},      {K::kNumber, "0x1_0"},   {K::kNumber, "-1.5e3"},
      {K::kKeyword, "nan:0x1"}, {K::kKeyword, "offset=4"}, {K::kString, "\"s\""},
      {K::kRParen, ")"},      {K::kEof, ""}};
  EXPECT_EQ(t, want);
}

TEST(Lexer, Comments) {
  auto t = Tokens("a ;; line ( comment\n b (; block (; nested ;) still ;) c(;x;)d;;end");
  std::vector<std::pair<TokenKind, std::string>> want = {
      {K::kKeyword, "a"}, {K::kKeyword, "b"}, {K::kKeyword, "c"}, {K::kKeyword, "d"},
      {K::kEof, ""}};
  EXPECT_EQ(t, want);
  auto unclosed = Lex("a (; never closed");
  ASSERT_EQ(unclosed.size(), 3u);
  EXPECT_EQ(unclosed[1].kind, K::kReserved);
}

TEST(Lexer, ReservedTokens) {
  for (const char* src : {"\"a\"\"b\"", "\"a\"x", "$l\"a\"", "0\"a\"", "{", "$", "a,b", "#x",
                          "\"unterminated", "\"bad \\q escape\"", "\"\\u{d800}\"",
                          "\"\\u{110000}\"", "\"tab\tin\"", "\xc3\xa9"}) {
    auto toks = Lex(src);
    bool any_reserved = false;
    for (const Token& t : toks) any_reserved |= t.kind == K::kReserved;
    EXPECT_TRUE(any_reserved) << src;
  }
  // Properly separated tokens are fine.
  for (const Token& t : Lex("\"a\" \"b\"($x)\"c\"(;;)\"d\"")) EXPECT_NE(t.kind, K::kReserved);
}

TEST(Lexer, StringEscapes) {
  std::string_view src = R"("a\t\n\r\"\'\\\00\ff\u{41}\u{e9}\u{1F600}\u{10_FFFF}")";
  auto toks = Lex(src);
  ASSERT_EQ(toks[0].kind, K::kString);
  std::string s = DecodeString(TokenText(src, toks[0]));
  std::string want = std::string("a\t\n\r\"'\\") + std::string(1, '\0') + "\xff" + "A" +
                     "\xc3\xa9" + "\xf0\x9f\x98\x80" + "\xf4\x8f\xbf\xbf";
  EXPECT_EQ(s, want);
  EXPECT_EQ(DecodeString("\"\""), "");
  // Raw UTF-8 passes through unchanged.
  EXPECT_EQ(DecodeString("\"\xe2\x82\xac\""), "\xe2\x82\xac");
}

TEST(Lexer, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\x80"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(Lexer, OffsetsAndLargeInputIsLinear) {
  std::string big;
  for (int i = 0; i < 200000; ++i) big += "(i32.add (local.get $x) (i32.const 12345)) ;; c\n";
  auto toks = Lex(big);
  EXPECT_EQ(toks.size(), 200000u * 11 + 1);
  EXPECT_EQ(toks[1].offset, 1u);
  EXPECT_EQ(TokenText(big, toks[11 + 1]), "i32.add");
}

}  // namespace
}  // namespace nw

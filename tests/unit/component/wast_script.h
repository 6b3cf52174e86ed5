// A minimal reader of .wast s-expressions for the component suite's tests: strings (with
// escapes), atoms, nesting, comments. Enough to find commands and cut out their modules.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace nw::component::testing {

// The component model's reference tests: $NANOWASM_TESTSUITE/component-model, else
// ../shared/testsuite/component-model beside the source tree (as the core suite). Empty when
// neither exists: the tests that need it then report SKIPPED with the reason, never pass.
inline std::string ComponentSuiteDir() {
  std::filesystem::path root = std::getenv("NANOWASM_TESTSUITE") != nullptr
                                   ? std::filesystem::path(std::getenv("NANOWASM_TESTSUITE"))
                                   : std::filesystem::path(NW_SOURCE_DIR) / ".." / "shared" / "testsuite";
  std::filesystem::path dir = root / "component-model";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return "";
  return dir.lexically_normal().string() + "/";
}

#define NW_REQUIRE_COMPONENT_SUITE(dir)                                                       \
  if ((dir).empty())                                                                          \
  GTEST_SKIP() << "*** component-model TESTSUITE NOT FOUND ($NANOWASM_TESTSUITE or "           \
                  "../shared/testsuite): reference tests skipped ***"

// A minimal reader of the script's s-expressions: enough for strings, atoms and nesting.
class Script {
 public:
  explicit Script(std::string text) : s_(std::move(text)) {}

  void SkipSpace() {
    while (i_ < s_.size()) {
      if (isspace(static_cast<unsigned char>(s_[i_]))) {
        ++i_;
      } else if (s_.compare(i_, 2, ";;") == 0) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.compare(i_, 2, "(;") == 0) {
        size_t e = s_.find(";)", i_);
        i_ = e == std::string::npos ? s_.size() : e + 2;
      } else {
        break;
      }
    }
  }
  bool AtEnd() { SkipSpace(); return i_ >= s_.size(); }
  bool Peek(char c) { SkipSpace(); return i_ < s_.size() && s_[i_] == c; }
  void Expect(char c) {
    SkipSpace();
    ASSERT_LT(i_, s_.size());
    ASSERT_EQ(s_[i_], c) << "at " << i_;
    ++i_;
  }
  bool Eat(char c) {  // Expect for functions that return a value: false when c is not next
    if (!Peek(c)) return false;
    ++i_;
    return true;
  }
  std::string Atom() {
    SkipSpace();
    size_t b = i_;
    while (i_ < s_.size() && !isspace(static_cast<unsigned char>(s_[i_])) && s_[i_] != '(' &&
           s_[i_] != ')' && s_[i_] != '"')
      ++i_;
    return s_.substr(b, i_ - b);
  }
  std::string String() {  // a "..." with \hh, \n, \t, \\, \', \" escapes
    SkipSpace();
    std::string out;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') { out += c; continue; }
      char e = s_[i_++];
      if (isxdigit(static_cast<unsigned char>(e))) {
        out += static_cast<char>(std::stoi(s_.substr(i_ - 1, 2), nullptr, 16));
        ++i_;
      } else {
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      }
    }
    ++i_;
    return out;
  }
  void SkipSexpr() {
    SkipSpace();
    if (s_[i_] == '"') { String(); return; }
    if (s_[i_] != '(') { Atom(); return; }
    ++i_;
    while (!Peek(')')) SkipSexpr();
    ++i_;
  }
  size_t pos() const { return i_; }
  void set_pos(size_t p) { i_ = p; }
  const std::string& text() const { return s_; }
  size_t Line(size_t at) const { return 1 + std::count(s_.begin(), s_.begin() + at, '\n'); }

 private:
  std::string s_;
  size_t i_ = 0;
};


}  // namespace nw::component::testing

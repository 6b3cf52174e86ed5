// Every `(module binary ...)` of the core-2.0 testsuite through DecodeModule + ValidateModule:
// modules inside assert_invalid must be rejected with the expected message (prefix, as the
// reference interpreter compares), assert_malformed ones that the decoder lets through must be
// rejected by the validator, and all others must validate.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "../format/test_util.h"
#include "format/decode.h"
#include "validate/validate.h"

namespace nw {
namespace {

struct SpecBinary {
  size_t line = 0;
  std::vector<uint8_t> bytes;
  std::string assertion;  // "assert_invalid", "assert_malformed", ... or "" at top level
  std::string message;
};

void SkipWs(std::string_view s, size_t& i) {
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
}

std::vector<SpecBinary> Extract(std::string_view s) {
  std::vector<SpecBinary> out;
  size_t pos = 0;
  while ((pos = s.find("(module", pos)) != std::string_view::npos) {
    size_t start = pos;
    size_t i = pos + 7;
    pos = i;
    SkipWs(s, i);
    if (i < s.size() && s[i] == '$') {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
        ++i;
      SkipWs(s, i);
    }
    if (s.substr(i, 6) != "binary")
      continue;
    i += 6;
    SpecBinary b;
    b.line = 1 + static_cast<size_t>(std::count(s.begin(), s.begin() + start, '\n'));
    for (;;) {
      SkipWs(s, i);
      if (i >= s.size() || s[i] != '"')
        break;
      if (!test::ParseWastString(s, i, b.bytes))
        return out;
    }
    size_t back = start;
    while (back > 0 && std::isspace(static_cast<unsigned char>(s[back - 1])))
      --back;
    size_t kw = back;
    while (kw > 0 && s[kw - 1] != '(')
      --kw;
    if (kw > 0 && s.substr(kw, 7) == "assert_") {
      b.assertion = std::string(s.substr(kw, back - kw));
      SkipWs(s, i);
      if (i < s.size() && s[i] == ')') {
        ++i;
        SkipWs(s, i);
        std::vector<uint8_t> msg;
        if (i < s.size() && s[i] == '"' && test::ParseWastString(s, i, msg))
          b.message.assign(msg.begin(), msg.end());
      }
    }
    out.push_back(std::move(b));
    pos = i;
  }
  return out;
}

TEST(SpecBinary, Core20BinaryModules) {
  auto dir = test::TestsuiteDir() / "core-2.0";
  if (!std::filesystem::exists(dir))
    GTEST_SKIP() << "testsuite not found at " << dir;
  int valid = 0, invalid = 0, malformed_by_validator = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".wast")
      continue;
    std::string text = test::ReadFile(entry.path());
    std::string file = entry.path().filename().string();
    for (const SpecBinary& b : Extract(text)) {
      auto m = DecodeModule(b.bytes);
      if (!m) {
        EXPECT_EQ(b.assertion, "assert_malformed")
            << file << ":" << b.line << " decode failed: " << m.error().ToString();
        continue;
      }
      Status st = ValidateModule(*m);
      std::string where = file + ":" + std::to_string(b.line);
      if (b.assertion == "assert_invalid" || b.assertion == "assert_malformed") {
        ASSERT_FALSE(st.has_value()) << where << " should fail with: " << b.message;
        EXPECT_TRUE(st.error().message.starts_with(b.message))
            << where << " expected \"" << b.message << "\" got \"" << st.error().message << "\"";
        (b.assertion == "assert_invalid" ? invalid : malformed_by_validator)++;
      } else {
        EXPECT_TRUE(st.has_value()) << where << ": " << st.error().ToString();
        ++valid;
      }
    }
  }
  EXPECT_GT(valid, 50);
  RecordProperty("valid", valid);
  RecordProperty("invalid", invalid);
  RecordProperty("malformed_by_validator", malformed_by_validator);
  std::printf("valid %d, invalid %d, malformed caught by validator %d\n", valid, invalid,
              malformed_by_validator);
}

}  // namespace
}  // namespace nw

// Runs the binary-form modules of the component-model reference suite's binary/binary.wast
// through DecodeComponent + ValidateComponent: every `(component [$id] [definition] binary ...)`
// must decode and validate, every `assert_malformed` / `assert_invalid` of a binary component
// must fail with an error containing the expected text (wasm-tools compares by substring).
// Text-form components (none in this file) would need the component text format.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "component/binary_reader.h"
#include "component/validate.h"
#include "wast_script.h"

namespace nw::component {
namespace {

using testing::Script;

const std::string kSuiteDir = testing::ComponentSuiteDir();
const std::string kSuite = kSuiteDir + "binary/binary.wast";

struct Case {
  size_t line;
  enum Kind { kValid, kMalformed, kInvalid } kind;
  std::string bytes, message;
};

// Parses the rest of `(component [$id] [definition] binary "..."*)` after its head; false
// (with the rest skipped) if the component is in text form.
bool ReadBinaryComponent(Script& s, std::string& bytes) {
  std::string a = s.Atom();
  if (!a.empty() && a[0] == '$') a = s.Atom();
  if (a == "definition") a = s.Atom();
  if (a != "binary") {
    while (!s.Peek(')')) s.SkipSexpr();
    s.Expect(')');
    return false;
  }
  while (s.Peek('"')) bytes += s.String();
  s.Expect(')');
  return true;
}

std::vector<Case> LoadCases(size_t& skipped_commands) {
  std::ifstream in(kSuite);
  std::stringstream ss;
  ss << in.rdbuf();
  Script s(ss.str());
  std::vector<Case> cases;
  skipped_commands = 0;
  while (!s.AtEnd()) {
    size_t at = s.pos();
    s.Expect('(');
    std::string head = s.Atom();
    Case c{s.Line(at), Case::kValid, {}, {}};
    if (head == "component") {
      if (ReadBinaryComponent(s, c.bytes)) cases.push_back(std::move(c));
      else ++skipped_commands;
      continue;
    }
    if (head == "assert_malformed" || head == "assert_invalid") {
      c.kind = head == "assert_malformed" ? Case::kMalformed : Case::kInvalid;
      s.Expect('(');
      bool binary = s.Atom() == "component" && ReadBinaryComponent(s, c.bytes);
      c.message = s.String();
      s.Expect(')');
      if (binary) cases.push_back(std::move(c));
      else ++skipped_commands;
      continue;
    }
    ++skipped_commands;
    while (!s.Peek(')')) s.SkipSexpr();
    s.Expect(')');
  }
  return cases;
}

Status DecodeAndValidate(const std::string& bytes) {
  auto span = std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  NW_TRY_ASSIGN(Component c, DecodeComponent(span));
  return ValidateComponent(c);
}

TEST(BinaryWast, EveryBinaryCommandPasses) {
  NW_REQUIRE_COMPONENT_SUITE(kSuiteDir);
  size_t skipped = 0;
  std::vector<Case> cases = LoadCases(skipped);
  ASSERT_FALSE(cases.empty()) << "cannot read " << kSuite;
  size_t passed = 0;
  for (const Case& c : cases) {
    Status st = DecodeAndValidate(c.bytes);
    if (c.kind == Case::kValid) {
      EXPECT_TRUE(st) << "line " << c.line << ": " << st.error().ToString();
      passed += st.has_value();
    } else {
      if (st) {
        ADD_FAILURE() << "line " << c.line << ": accepted, expected \"" << c.message << "\"";
      } else if (st.error().message.find(c.message) == std::string::npos) {
        ADD_FAILURE() << "line " << c.line << ": got \"" << st.error().ToString()
                      << "\", expected \"" << c.message << "\"";
      } else {
        ++passed;
      }
    }
  }
  std::printf("binary.wast: %zu of %zu binary-form commands pass; %zu other commands skipped "
              "(they need the component text format)\n", passed, cases.size(), skipped);
  EXPECT_EQ(skipped, 0u);
}

// Robustness: every prefix and single-byte corruptions of every valid binary of the file decode
// and validate to a result (no crash, no hang; run under the asan preset too).
TEST(BinaryWast, TruncationsAndCorruptionsAreHandled) {
  NW_REQUIRE_COMPONENT_SUITE(kSuiteDir);
  size_t skipped = 0, runs = 0, accepted = 0;
  for (const Case& c : LoadCases(skipped)) {
    if (c.kind != Case::kValid) continue;
    for (size_t n = 0; n < c.bytes.size(); ++n) {
      std::string cut = c.bytes.substr(0, n);
      accepted += DecodeAndValidate(cut).has_value();
      ++runs;
      for (uint8_t x : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff}) {
        std::string bad = c.bytes;
        bad[n] = static_cast<char>(bad[n] ^ x);
        accepted += DecodeAndValidate(bad).has_value();
        ++runs;
      }
    }
  }
  std::printf("%zu truncated or corrupted binaries handled (%zu still valid)\n", runs, accepted);
  EXPECT_GT(runs, 15000u);
}

}  // namespace
}  // namespace nw::component

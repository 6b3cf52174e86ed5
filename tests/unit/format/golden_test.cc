// Golden tests for decode errors: every tests/golden/decode_errors/*.txt holds a binary as
// hex (";;" starts a comment) and one line "expect: <offset>: <message>" (or "expect: ok").
// Run with NW_UPDATE_GOLDEN=1 to rewrite the expect lines from the current decoder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "format/decode.h"
#include "test_util.h"

namespace nw {
namespace {

namespace fs = std::filesystem;

fs::path GoldenDir() {
  return fs::path(NW_SOURCE_DIR) / "tests" / "golden" / "decode_errors";
}

struct Golden {
  std::vector<uint8_t> input;
  std::string expect;  // empty when the file has no expect line yet
  std::vector<std::string> lines;
};

Golden Parse(const std::string& text) {
  Golden g;
  std::string hex;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    g.lines.push_back(line);
    if (line.starts_with("expect:")) {
      g.expect = line.substr(7);
      if (!g.expect.empty() && g.expect[0] == ' ')
        g.expect.erase(0, 1);
      continue;
    }
    hex += line.substr(0, line.find(";;"));
    hex += '\n';
  }
  g.input = test::Hex(hex);
  return g;
}

std::string Actual(const std::vector<uint8_t>& input) {
  auto r = DecodeModule(input);
  return r ? std::string("ok") : r.error().ToString();
}

TEST(Golden, DecodeErrors) {
  const bool update = [] {
    const char* v = std::getenv("NW_UPDATE_GOLDEN");
    return v && std::string(v) == "1";
  }();
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(GoldenDir())) {
    if (entry.path().extension() != ".txt")
      continue;
    ++files;
    Golden g = Parse(test::ReadFile(entry.path()));
    std::string actual = Actual(g.input);
    if (update) {
      if (actual == g.expect)
        continue;
      std::ofstream out(entry.path(), std::ios::binary | std::ios::trunc);
      bool written = false;
      for (const auto& line : g.lines) {
        if (line.starts_with("expect:")) {
          out << "expect: " << actual << "\n";
          written = true;
        } else {
          out << line << "\n";
        }
      }
      if (!written)
        out << "expect: " << actual << "\n";
      std::printf("updated %s\n", entry.path().filename().c_str());
      continue;
    }
    EXPECT_FALSE(g.expect.empty()) << entry.path().filename() << " has no expect line";
    EXPECT_EQ(actual, g.expect) << entry.path().filename()
                                << " (NW_UPDATE_GOLDEN=1 rewrites expectations)";
  }
  EXPECT_GE(files, 20u) << "golden files missing from " << GoldenDir();
}

}  // namespace
}  // namespace nw

// Parses every core-2.0 script of the spec testsuite (SIMD excluded): every script must parse,
// every module that is not meant to be malformed must parse, and every quoted module inside
// assert_malformed must be rejected by the text parser.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "text/wast.h"
#include "text/wat.h"

namespace nw {
namespace {

namespace fs = std::filesystem;

fs::path SuiteDir() {
  if (const char* env = std::getenv("NANOWASM_TESTSUITE")) return fs::path(env) / "core-2.0";
  return fs::path(NW_SOURCE_DIR) / ".." / "shared" / "testsuite" / "core-2.0";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> WastFiles() {
  std::vector<fs::path> files;
  fs::path dir = SuiteDir();
  if (!fs::is_directory(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".wast") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Testsuite, EveryCoreScriptParses) {
  auto files = WastFiles();
  if (files.empty()) {
    GTEST_SKIP() << "\n\n*** SPEC TESTSUITE NOT FOUND at " << SuiteDir()
                 << " — set NANOWASM_TESTSUITE; the text parser is NOT being checked ***\n";
  }
  size_t scripts = 0, modules = 0, quotes_ok = 0, malformed_rejected = 0;
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    std::string text = ReadFile(path);
    auto script = ParseWast(text);
    if (!script) {
      LineCol lc = LineColAt(text, script.error().offset);
      ADD_FAILURE() << path.filename().string() << ":" << lc.line << ":" << lc.column << ": "
                    << script.error().message;
      continue;
    }
    ++scripts;
    for (const auto& cmd : script->commands) {
      if (!cmd.has_module) continue;
      const WastModule& m = cmd.module;
      if (m.kind == WastModule::Kind::kText) {
        ++modules;
        continue;
      }
      if (m.kind != WastModule::Kind::kQuote) continue;
      auto parsed = ParseWat(m.quote);
      if (cmd.kind == WastCommand::Kind::kAssertMalformed) {
        EXPECT_FALSE(parsed.has_value())
            << path.filename().string() << ":" << cmd.line << ": malformed module parsed: "
            << m.quote << " (expected: " << cmd.message << ")";
        if (!parsed) ++malformed_rejected;
      } else {
        EXPECT_TRUE(parsed.has_value())
            << path.filename().string() << ":" << cmd.line << ": "
            << (parsed ? "" : parsed.error().message) << "\n"
            << m.quote.substr(0, 300);
        if (parsed) ++quotes_ok;
      }
    }
  }
  EXPECT_EQ(scripts, files.size());
  std::printf("[ testsuite ] %zu scripts, %zu top-level modules, %zu lazy modules parsed, "
              "%zu malformed rejected\n",
              scripts, modules, quotes_ok, malformed_rejected);
}

}  // namespace
}  // namespace nw

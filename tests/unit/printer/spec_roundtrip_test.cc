// Round trip of the printer over the spec testsuite (core-2.0, SIMD files excluded): every
// top-level text module goes parse -> encode -> decode -> print -> parse -> encode and must
// come back as the same bytes. Binary modules whose encoding is canonical are checked too
// (decode -> print -> parse -> encode), except where text cannot say what the binary does
// (custom sections). The suite is found via NANOWASM_TESTSUITE or ../shared/testsuite.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "format/decode.h"
#include "format/encode.h"
#include "text/printer.h"
#include "text/wast.h"
#include "text/wat.h"

namespace nw {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path SuiteDir() {
  if (const char* env = std::getenv("NANOWASM_TESTSUITE"))
    return fs::path(env) / "core-2.0";
  return fs::path(NW_SOURCE_DIR) / ".." / "shared" / "testsuite" / "core-2.0";
}

std::vector<fs::path> WastFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".wast" && !name.starts_with("simd"))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Empty on success, else why the module did not come back.
std::string RoundTrip(const std::vector<uint8_t>& bytes) {
  auto decoded = DecodeModule(bytes);
  if (!decoded)
    return "decode: " + decoded.error().ToString();
  auto printed = PrintWat(*decoded);
  if (!printed)
    return "print: " + printed.error().ToString();
  auto reparsed = ParseWat(*printed);
  if (!reparsed) {
    std::string msg = "reparse: " + reparsed.error().message;
    if (reparsed.error().offset <= printed->size()) {
      LineCol lc = LineColAt(*printed, reparsed.error().offset);
      size_t bol = printed->rfind('\n', reparsed.error().offset);
      bol = bol == std::string::npos ? 0 : bol + 1;
      size_t eol = printed->find('\n', reparsed.error().offset);
      msg += " at line " + std::to_string(lc.line) + ": " + printed->substr(bol, eol - bol);
    }
    return msg;
  }
  if (EncodeModule(*reparsed) != bytes)
    return "bytes differ after print -> parse -> encode";
  return "";
}

// Whether text can say everything the binary says: canonical section-level encoding
// (re-encoding is the identity), no custom sections, no empty sections (text only produces
// sections with content), no data count section (the parser adds one only when code needs
// it), local declarations in canonical runs. Non-minimal LEBs inside bodies and constant
// expressions are not detected here; binary-leb128.wast, which is about them, is skipped.
bool TextCanSay(ModuleDesc m, const std::vector<uint8_t>& binary) {
  if (!m.customs.empty() || m.data_count || EncodeModule(m) != binary)
    return false;
  m.section_mask = 0;
  if (EncodeModule(m) != binary)
    return false;
  for (const Function& f : m.functions) {
    for (size_t i = 0; i < f.locals.size(); ++i) {
      if (f.locals[i].count == 0 || (i > 0 && f.locals[i].type == f.locals[i - 1].type))
        return false;
    }
  }
  return true;
}

// One print -> parse -> encode -> decode -> print cycle.
Result<std::string> Reprint(const std::string& printed) {
  auto reparsed = ParseWat(printed);
  if (!reparsed)
    return std::unexpected(Error{kNoOffset, "reparse: " + reparsed.error().message});
  auto decoded = DecodeModule(EncodeModule(*reparsed));
  if (!decoded)
    return std::unexpected(Error{kNoOffset, "decode after reparse: " + decoded.error().message});
  return PrintWat(*decoded);
}

// A segment that names table/memory 0 explicitly (binary flag 2 or 6): the printer says
// `(table 0)`/`(memory 0)`, which the parser may encode in the shorter variant, so the text
// settles only after one more cycle.
bool HasExplicitZeroIndex(const ModuleDesc& m) {
  for (const ElemSegment& e : m.elems) {
    if (e.mode == SegmentMode::kActive && (e.flags & 2) && e.table_index == 0)
      return true;
  }
  for (const DataSegment& d : m.datas) {
    if (d.mode == SegmentMode::kActive && (d.flags & 2) && d.memory_index == 0)
      return true;
  }
  return false;
}

// Empty if print(m) survives print -> parse -> encode -> decode -> print unchanged.
std::string PrintFixpoint(const ModuleDesc& m) {
  auto printed = PrintWat(m);
  if (!printed)
    return "print: " + printed.error().ToString();
  auto again = Reprint(*printed);
  if (!again)
    return again.error().message;
  if (HasExplicitZeroIndex(m)) {
    printed = std::move(again);
    again = Reprint(*printed);
    if (!again)
      return again.error().message;
  }
  return *again == *printed ? "" : "second print differs";
}

struct Tally {
  size_t total = 0, ok = 0;
  std::vector<std::string> failures;
  void Add(const fs::path& file, size_t line, const std::string& why) {
    ++total;
    if (why.empty()) {
      ++ok;
    } else {
      failures.push_back(file.filename().string() + ":" + std::to_string(line) + ": " + why);
    }
  }
  std::string Report(std::string_view what) const {
    std::string s = std::string(what) + ": " + std::to_string(ok) + "/" + std::to_string(total) +
                    " round-tripped\n";
    for (size_t i = 0; i < failures.size() && i < 40; ++i)
      s += "  " + failures[i] + "\n";
    if (failures.size() > 40)
      s += "  ... and " + std::to_string(failures.size() - 40) + " more\n";
    return s;
  }
};

TEST(PrinterSpec, TextModulesRoundTrip) {
  fs::path dir = SuiteDir();
  if (!fs::exists(dir))
    GTEST_SKIP() << "\n*** SPEC TESTSUITE NOT FOUND at " << dir
                 << " (set NANOWASM_TESTSUITE): printer round trip NOT TESTED ***\n";
  Tally tally;
  size_t scripts = 0;
  std::string unparsed;  // the text parser's own tests own these; listed here for context
  for (const fs::path& file : WastFiles(dir)) {
    std::string text = ReadText(file);
    auto script = ParseWast(text);
    if (!script) {
      unparsed += "  " + file.filename().string() + ": " + script.error().message + "\n";
      continue;
    }
    ++scripts;
    for (const WastCommand& c : script->commands) {
      if (c.kind != WastCommand::Kind::kModule || c.module.kind != WastModule::Kind::kText)
        continue;
      tally.Add(file, c.line, RoundTrip(EncodeModule(c.module.desc)));
    }
  }
  std::string report = tally.Report("text modules");
  if (!unparsed.empty())
    report += "scripts skipped (ParseWast failed):\n" + unparsed;
  std::printf("%s", report.c_str());
  EXPECT_GE(scripts, 50u);
  EXPECT_GE(tally.total, 500u);
  EXPECT_GE(tally.ok * 100, tally.total * 99) << report;
}

// Every decodable binary module: printing is a fixpoint (print -> parse -> encode -> decode
// -> print gives the same text, whatever non-canonical encoding the binary used), and the
// binaries text can reproduce exactly (TextCanSay) come back byte for byte.
TEST(PrinterSpec, BinaryModulesRoundTrip) {
  fs::path dir = SuiteDir();
  if (!fs::exists(dir))
    GTEST_SKIP() << "\n*** SPEC TESTSUITE NOT FOUND at " << dir
                 << " (set NANOWASM_TESTSUITE): printer round trip NOT TESTED ***\n";
  Tally fixpoint, exact;
  for (const fs::path& file : WastFiles(dir)) {
    auto script = ParseWast(ReadText(file));
    if (!script)
      continue;  // reported by the text test
    for (const WastCommand& c : script->commands) {
      if (c.kind != WastCommand::Kind::kModule || c.module.kind != WastModule::Kind::kBinary)
        continue;
      auto decoded = DecodeModule(c.module.binary);
      if (!decoded)
        continue;  // the decoder's tests cover these
      fixpoint.Add(file, c.line, PrintFixpoint(*decoded));
      if (file.filename() != "binary-leb128.wast" && TextCanSay(*decoded, c.module.binary))
        exact.Add(file, c.line, RoundTrip(c.module.binary));
    }
  }
  std::string report = fixpoint.Report("binary modules, print fixpoint") +
                       exact.Report("binary modules text can reproduce, exact bytes");
  std::printf("%s", report.c_str());
  EXPECT_GE(fixpoint.total, 20u);
  EXPECT_EQ(fixpoint.ok, fixpoint.total) << report;
  EXPECT_GE(exact.total, 5u);
  EXPECT_EQ(exact.ok, exact.total) << report;
}

}  // namespace
}  // namespace nw

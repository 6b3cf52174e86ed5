// Golden tests of the printer (see tests/golden/README.md): every tests/golden/print/NAME.wat
// is parsed, encoded, decoded and printed; the text must equal NAME.expected.wat and must
// parse back to the same bytes. NW_UPDATE_GOLDEN=1 rewrites the expectations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "format/decode.h"
#include "format/encode.h"
#include "text/printer.h"
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

bool UpdateGolden() {
  const char* v = std::getenv("NW_UPDATE_GOLDEN");
  return v && std::string_view(v) == "1";
}

std::vector<fs::path> GoldenInputs() {
  std::vector<fs::path> inputs;
  fs::path dir = fs::path(NW_SOURCE_DIR) / "tests" / "golden" / "print";
  if (!fs::exists(dir))
    return inputs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".wat") && !name.ends_with(".expected.wat"))
      inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

std::string ErrorText(std::string_view text, const Error& e) {
  if (e.offset == kNoOffset || e.offset > text.size())
    return e.message;
  LineCol lc = LineColAt(text, e.offset);
  return std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + e.message;
}

// ASSERTs here end only this file's checks.
void CheckFile(const fs::path& input_path, bool update) {
  std::string input = ReadText(input_path);
  auto parsed = ParseWat(input);
  ASSERT_TRUE(parsed.has_value()) << "input: " << ErrorText(input, parsed.error());
  std::vector<uint8_t> bytes = EncodeModule(*parsed);
  auto decoded = DecodeModule(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  auto printed = PrintWat(*decoded);
  ASSERT_TRUE(printed.has_value()) << printed.error().ToString();

  // Printing the parsed description directly (no name section bytes, no decoder) agrees.
  auto printed_direct = PrintWat(*parsed);
  ASSERT_TRUE(printed_direct.has_value()) << printed_direct.error().ToString();
  EXPECT_EQ(*printed_direct, *printed);

  fs::path expected_path = input_path;
  expected_path.replace_extension(".expected.wat");
  std::string expected = fs::exists(expected_path) ? ReadText(expected_path) : "";
  if (update && expected != *printed) {
    std::ofstream(expected_path, std::ios::binary | std::ios::trunc) << *printed;
    std::printf("updated %s\n", expected_path.filename().c_str());
  } else {
    EXPECT_EQ(*printed, expected) << "(NW_UPDATE_GOLDEN=1 rewrites expectations)";
  }

  auto reparsed = ParseWat(*printed);
  ASSERT_TRUE(reparsed.has_value())
      << "printed text: " << ErrorText(*printed, reparsed.error()) << "\n"
      << *printed;
  EXPECT_TRUE(EncodeModule(*reparsed) == bytes) << "round trip changed the bytes";
}

TEST(PrinterGolden, AllFiles) {
  const bool update = UpdateGolden();
  auto inputs = GoldenInputs();
  EXPECT_GE(inputs.size(), 10u) << "golden inputs missing from tests/golden/print";
  for (const fs::path& input_path : inputs) {
    SCOPED_TRACE(input_path.filename().string());
    CheckFile(input_path, update);
  }
}

}  // namespace
}  // namespace nw

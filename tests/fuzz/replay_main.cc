// A main() for the fuzz targets outside libFuzzer: runs LLVMFuzzerTestOneInput once on each
// file given (or each file in a directory given), so the release/asan builds replay the
// committed regression inputs (tests/fuzz/regressions/<target>/) without libFuzzer.
// Input forms: `.hex` = hex digits of a binary (whitespace and `#`-to-end-of-line comments
// ignored); `.wat` = a text module, converted to its binary encoding for binary targets (pass
// --text for the text target, which gets the file as is); anything else = raw bytes.
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "format/encode.h"
#include "text/wat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> FromHex(const std::string& s) {
  std::vector<uint8_t> out;
  int hi = -1;
  bool comment = false;
  for (char c : s) {
    if (comment) {
      comment = c != '\n';
      continue;
    }
    if (c == '#') {
      comment = true;
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(c))) continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

bool RunOne(const fs::path& p, bool text_target) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", p.c_str());
    return false;
  }
  std::string raw((std::istreambuf_iterator<char>(in)), {});
  std::vector<uint8_t> bytes;
  if (p.extension() == ".hex") {
    bytes = FromHex(raw);
  } else if (p.extension() == ".wat" && !text_target) {
    auto m = nw::ParseWat(raw);
    if (!m) {
      std::fprintf(stderr, "%s: %s\n", p.c_str(), m.error().ToString().c_str());
      return false;
    }
    bytes = nw::EncodeModule(*m);
  } else {
    bytes.assign(raw.begin(), raw.end());
  }
  std::printf("replay %s (%zu bytes)\n", p.c_str(), bytes.size());
  std::fflush(stdout);
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool text_target = false, ok = true;
  size_t n = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--text") == 0) {
      text_target = true;
      continue;
    }
    fs::path p = argv[i];
    if (!fs::exists(p)) {
      std::fprintf(stderr, "%s: no such file or directory\n", p.c_str());
      ok = false;
    } else if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') {
          ok = RunOne(e.path(), text_target) && ok;
          ++n;
        }
    } else {
      ok = RunOne(p, text_target) && ok;
      ++n;
    }
  }
  std::printf("replayed %zu inputs\n", n);
  if (n == 0) {
    std::fprintf(stderr, "no inputs replayed\n");
    return 1;
  }
  return ok ? 0 : 1;
}

// nw_fuzz_seeds TESTSUITE_DIR OUT_DIR: derives the fuzzers' seed corpora at build time from the
// spec testsuite (nothing third-party is committed). Every .wast file under TESTSUITE_DIR is
// parsed with the WAST parser and its modules written out:
//   OUT_DIR/binary/  every module as bytes: text modules encoded, `binary` modules verbatim
//                    (malformed and invalid ones included: good seeds for the decoder)
//   OUT_DIR/valid/   the binaries that decode and validate (seeds for the run target)
//   OUT_DIR/text/    every module as text: text modules printed, `quote` modules verbatim,
//                    and whole .wast files up to 64 KiB (seeds for the WAT/WAST target)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "format/decode.h"
#include "format/encode.h"
#include "text/printer.h"
#include "text/wast.h"
#include "validate/validate.h"

namespace fs = std::filesystem;

namespace {

void Write(const fs::path& p, const void* data, size_t n) {
  std::ofstream out(p, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: nw_fuzz_seeds TESTSUITE_DIR OUT_DIR\n");
    return 2;
  }
  fs::path suite = argv[1], out = argv[2];
  for (const char* d : {"binary", "valid", "text"}) fs::create_directories(out / d);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(suite))
    if (e.is_regular_file() && e.path().extension() == ".wast") files.push_back(e.path());
  size_t nbin = 0, nvalid = 0, ntext = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::string stem = fs::relative(f, suite).string();
    for (char& c : stem)
      if (c == '/' || c == '.') c = '_';
    if (text.size() <= 65536) {
      Write(out / "text" / (stem + ".wast"), text.data(), text.size());
      ++ntext;
    }
    auto script = nw::ParseWast(text);
    if (!script) continue;  // a newer proposal's syntax: nothing to take from it
    size_t i = 0;
    for (const nw::WastCommand& c : script->commands) {
      if (!c.has_module && c.kind != nw::WastCommand::Kind::kModule) continue;
      const nw::WastModule& m = c.module;
      std::string name = stem + "_" + std::to_string(i++);
      std::vector<uint8_t> bin;
      if (m.kind == nw::WastModule::Kind::kText) {
        bin = nw::EncodeModule(m.desc);
        if (auto t = nw::PrintWat(m.desc)) {
          Write(out / "text" / (name + ".wat"), t->data(), t->size());
          ++ntext;
        }
      } else if (m.kind == nw::WastModule::Kind::kBinary) {
        bin = m.binary;
      } else {
        Write(out / "text" / (name + ".wat"), m.quote.data(), m.quote.size());
        ++ntext;
        continue;
      }
      Write(out / "binary" / (name + ".wasm"), bin.data(), bin.size());
      ++nbin;
      auto desc = nw::DecodeModule(bin);
      if (desc && nw::ValidateModule(*desc)) {
        Write(out / "valid" / (name + ".wasm"), bin.data(), bin.size());
        ++nvalid;
      }
    }
  }
  std::printf("nw_fuzz_seeds: %zu .wast files -> %zu binaries (%zu valid), %zu texts in %s\n",
              files.size(), nbin, nvalid, ntext, out.c_str());
  return 0;
}

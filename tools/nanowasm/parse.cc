// `nanowasm parse FILE.wat -o FILE.wasm`: text to binary (validated).
#include <cstdio>
#include <string>

#include "format/encode.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"
#include "validate/validate.h"

namespace nwcli {

int Parse(int argc, char** argv) {
  std::string in, out;
  bool no_validate = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-o" && i + 1 < argc) out = argv[++i];
    else if (a == "--no-validate") no_validate = true;
    else if (in.empty()) in = a;
    else in.clear(), i = argc;  // too many inputs: fall into usage
  }
  if (in.empty() || out.empty()) {
    std::fprintf(stderr, "usage: nanowasm parse FILE.wat -o FILE.wasm [--no-validate]\n");
    return 2;
  }
  auto m = LoadModule(in);
  if (!m) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }
  if (!no_validate) {
    if (auto st = nw::ValidateModule(m->desc); !st) {
      std::fprintf(stderr, "%s\n", FormatBinaryError(in + " (encoded)", st.error()).c_str());
      return 1;
    }
  }
  std::vector<uint8_t> bytes = nw::EncodeModule(m->desc);
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::fprintf(stderr, "%s: cannot write\n", out.c_str());
    if (f) std::fclose(f);
    return 1;
  }
  if (std::fclose(f) != 0) {
    std::fprintf(stderr, "%s: cannot write\n", out.c_str());
    return 1;
  }
  return 0;
}

}  // namespace nwcli

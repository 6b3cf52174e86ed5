// `nanowasm parse FILE.wat -o FILE.wasm`: text to binary (validated), a module or a component.
#include <cstdio>
#include <string>

#include "format/encode.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/component_text_cmd.h"
#include "tools/nanowasm/util.h"
#include "validate/validate.h"

namespace nwcli {

int Parse(const ParseOptions& opts) {
  const std::string& in = opts.in;
  const std::string& out = opts.out;
  if (auto rc = ParseComponent(opts)) return *rc;
  auto m = LoadModule(in);
  if (!m) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }
  if (!opts.no_validate) {
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

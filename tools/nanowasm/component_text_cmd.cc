// The component side of `nanowasm print` and `nanowasm parse` (component_text_cmd.h).
#include "tools/nanowasm/component_text_cmd.h"

#include <cstdio>
#include <vector>

#include "component/encode.h"
#include "component/text/component_printer.h"
#include "component/validate.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int PrintComponent(const LoadedComponent& c, const std::string& path) {
  auto text = nw::component::PrintComponentText(c.component);
  if (!text) {
    // Offsets of a component read from text point into the text, not into a binary.
    std::string where = c.from_text ? path + " (text)" : path;
    std::fprintf(stderr, "%s\n", FormatBinaryError(where, text.error()).c_str());
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

std::optional<int> ParseComponent(const ParseOptions& opts) {
  auto comp = LoadComponent(opts.in);
  if (!comp) {
    std::fprintf(stderr, "%s\n", comp.error().message.c_str());
    return 1;
  }
  if (!*comp) return std::nullopt;
  const LoadedComponent& c = **comp;
  if (!opts.no_validate) {
    if (auto st = nw::component::ValidateComponent(c.component); !st) {
      std::string where = c.from_text ? opts.in + " (text)" : opts.in;
      std::fprintf(stderr, "%s\n", FormatBinaryError(where, st.error()).c_str());
      return 1;
    }
  }
  std::vector<uint8_t> bytes = nw::component::EncodeComponent(c.component);
  std::FILE* f = std::fopen(opts.out.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::fprintf(stderr, "%s: cannot write\n", opts.out.c_str());
    if (f) std::fclose(f);
    return 1;
  }
  if (std::fclose(f) != 0) {
    std::fprintf(stderr, "%s: cannot write\n", opts.out.c_str());
    return 1;
  }
  return 0;
}

}  // namespace nwcli

// `nanowasm print FILE.wasm`: binary to text on stdout.
#include <cstdio>
#include <string>

#include "text/printer.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int Print(const std::string& path) {
  auto m = LoadModule(path);
  if (!m) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }
  auto text = nw::PrintWat(m->desc);
  if (!text) {
    std::fprintf(stderr, "%s\n", FormatBinaryError(path, text.error()).c_str());
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

}  // namespace nwcli

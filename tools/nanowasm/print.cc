// `nanowasm print FILE.wasm`: binary to text on stdout.
#include <cstdio>
#include <string>

#include "text/printer.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int Print(int argc, char** argv) {
  if (argc != 1) {
    std::fprintf(stderr, "usage: nanowasm print FILE.wasm\n");
    return 2;
  }
  auto m = LoadModule(argv[0]);
  if (!m) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }
  auto text = nw::PrintWat(m->desc);
  if (!text) {
    std::fprintf(stderr, "%s\n", FormatBinaryError(argv[0], text.error()).c_str());
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

}  // namespace nwcli

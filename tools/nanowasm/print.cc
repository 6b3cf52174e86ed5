// `nanowasm print FILE.wasm`: binary to text on stdout.
#include <cstdio>
#include <string>

#include "component/binary_reader.h"
#include "component/dump.h"
#include "text/printer.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int Print(const std::string& path) {
  // A component is shown as a structural dump (component/dump.h), not yet as parseable text.
  if (auto bytes = ReadFile(path); bytes && nw::component::IsComponentBinary(*bytes)) {
    auto text = nw::component::DumpComponentBinary(*bytes);
    if (!text) {
      std::fprintf(stderr, "%s\n", FormatBinaryError(path, text.error()).c_str());
      return 1;
    }
    std::fwrite(text->data(), 1, text->size(), stdout);
    return 0;
  }
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

// `nanowasm print FILE`: a module or a component as text, on stdout.
#include <cstdio>
#include <string>

#include "tools/nanowasm/component_load.h"
#include "text/printer.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/component_text_cmd.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int Print(const std::string& path) {
  // A component (binary or text) is printed in the component text format.
  auto comp = LoadComponent(path);
  if (!comp) {
    std::fprintf(stderr, "%s\n", comp.error().message.c_str());
    return 1;
  }
  if (*comp) return PrintComponent(**comp, path);
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

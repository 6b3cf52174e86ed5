// `nanowasm wit FILE`: a component's world in WIT on stdout (component/wit.h), after decoding (or
// parsing) and validating it; a core module or a malformed component is a one-line error.
#include <cstdio>
#include <string>

#include "component/validate.h"
#include "component/wit.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/component_load.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int Wit(const std::string& path) {
  auto comp = LoadComponent(path);
  if (!comp) {
    std::fprintf(stderr, "%s\n", comp.error().message.c_str());
    return 1;
  }
  if (!*comp) {
    std::fprintf(stderr, "%s: not a component (a core module has no world)\n", path.c_str());
    return 1;
  }
  const nw::component::Component* c = &(*comp)->component;
  if (auto st = nw::component::ValidateComponent(*c); !st) {
    std::string where = (*comp)->from_text ? path + " (text)" : path;
    std::fprintf(stderr, "%s\n", FormatBinaryError(where, st.error()).c_str());
    return 1;
  }
  auto text = nw::component::ComponentWit(*c);
  if (!text) {
    std::fprintf(stderr, "%s\n", FormatBinaryError(path, text.error()).c_str());
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

}  // namespace nwcli

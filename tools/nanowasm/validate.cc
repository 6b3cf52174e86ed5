// `nanowasm validate FILE`: decode (or parse) and validate a module or a component; one-line
// error with the offset (text: line:column for syntax, the offset into the text for validation).
#include <cstdio>
#include <string>

#include "component/validate.h"
#include "tools/nanowasm/component_load.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"
#include "validate/validate.h"

namespace nwcli {

int Validate(const std::string& path) {
  // A component (binary or text) is validated as one; anything else as a core module.
  auto comp = LoadComponent(path);
  if (!comp) {
    std::fprintf(stderr, "%s\n", comp.error().message.c_str());
    return 1;
  }
  if (*comp) {
    if (auto st = nw::component::ValidateComponent((*comp)->component); !st) {
      std::string where = (*comp)->from_text ? path + " (text)" : path;
      std::fprintf(stderr, "%s\n", FormatBinaryError(where, st.error()).c_str());
      return 1;
    }
    return 0;
  }
  auto m = LoadModule(path);
  if (!m) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }
  if (auto st = nw::ValidateModule(m->desc); !st) {
    // Validation offsets point into the binary; for text input they point into the encoding
    // the parser produced, so name them as such.
    std::string where = m->from_text ? path + " (encoded)" : path;
    std::fprintf(stderr, "%s\n", FormatBinaryError(where, st.error()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace nwcli

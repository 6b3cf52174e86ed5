// `nanowasm validate FILE`: decode (or parse) and validate; one-line error with the offset.
#include <cstdio>
#include <string>

#include "component/binary_reader.h"
#include "component/dump.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"
#include "validate/validate.h"

namespace nwcli {

int Validate(const std::string& path) {
  if (auto bytes = ReadFile(path); bytes && nw::component::IsComponentBinary(*bytes)) {
    if (auto st = nw::component::ValidateComponentBinary(*bytes); !st) {
      std::fprintf(stderr, "%s\n", FormatBinaryError(path, st.error()).c_str());
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

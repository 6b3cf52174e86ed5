// `nanowasm wit FILE`: a component's world in WIT on stdout (component/wit.h), after decoding and
// validating it; a core module or a malformed component is an error with its offset.
#include <cstdio>
#include <string>

#include "component/binary_reader.h"
#include "component/validate.h"
#include "component/wit.h"
#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/util.h"

namespace nwcli {

int Wit(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().message.c_str());
    return 1;
  }
  if (!nw::component::IsComponentBinary(*bytes)) {
    std::fprintf(stderr, "%s: not a component binary (a core module has no world)\n", path.c_str());
    return 1;
  }
  auto c = nw::component::DecodeComponent(*bytes);
  nw::Status st = c ? nw::component::ValidateComponent(*c) : nw::Status(std::unexpected(c.error()));
  if (!st) {
    std::fprintf(stderr, "%s\n", FormatBinaryError(path, st.error()).c_str());
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

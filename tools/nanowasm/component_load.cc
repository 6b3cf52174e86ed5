// LoadComponent (component_load.h).
#include "tools/nanowasm/component_load.h"

#include <cctype>
#include <string_view>

#include "component/binary_reader.h"
#include "component/text/component_wat.h"
#include "text/wat.h"
#include "tools/nanowasm/util.h"

namespace nwcli {
namespace {

// Whether WAT text opens with `(component`, after whitespace and comments.
bool StartsWithComponent(std::string_view t) {
  size_t i = 0;
  while (i < t.size()) {
    if (std::isspace(static_cast<unsigned char>(t[i]))) {
      ++i;
    } else if (t.substr(i, 2) == ";;") {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (t.substr(i, 2) == "(;") {
      size_t end = t.find(";)", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 2;
    } else {
      break;
    }
  }
  if (t.substr(i, 1) != "(") return false;
  ++i;
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  std::string_view rest = t.substr(i);
  return rest.starts_with("component") &&
         (rest.size() == 9 || !std::isalnum(static_cast<unsigned char>(rest[9])));
}

}  // namespace

bool LooksLikeComponent(std::span<const uint8_t> bytes, const std::string& path) {
  if (nw::component::IsComponentBinary(bytes)) return true;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return !path.ends_with(".wasm") && StartsWithComponent(text);
}

nw::Result<std::optional<LoadedComponent>> LoadComponent(const std::string& path) {
  NW_TRY_ASSIGN(auto bytes, ReadFile(path));
  if (nw::component::IsComponentBinary(bytes)) {
    auto c = nw::component::DecodeComponent(bytes);
    if (!c) return nw::MakeError(FormatBinaryError(path, c.error()));
    return LoadedComponent{std::move(*c), false};
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!LooksLikeComponent(bytes, path)) return std::nullopt;
  auto c = nw::component::ParseComponentText(text);
  if (!c) {
    const auto& e = c.error();
    if (e.offset == nw::kNoOffset) return nw::MakeError(path + ": " + e.message);
    auto lc = nw::LineColAt(text, e.offset);
    return nw::MakeError(path + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) +
                         ": " + e.message);
  }
  return LoadedComponent{std::move(*c), true};
}

}  // namespace nwcli

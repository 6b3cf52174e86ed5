// Loading a component for the CLI's validate / print / wit: a component binary (its preamble)
// or a component in the text format (a file whose first form is `(component`). Anything else
// is not a component: the caller treats it as a core module.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/result.h"
#include "component/ast.h"

namespace nwcli {

struct LoadedComponent {
  nw::component::Component component;
  bool from_text = false;
};

// Whether `bytes`, read from `path`, hold a component: a component binary's preamble, or (in a
// file not named .wasm) text whose first form is `(component`.
bool LooksLikeComponent(std::span<const uint8_t> bytes, const std::string& path);

// nullopt: not a component. Errors are one line: `file:0xOFFSET: message` for a binary,
// `file:LINE:COL: message` for text.
nw::Result<std::optional<LoadedComponent>> LoadComponent(const std::string& path);

}  // namespace nwcli

// Loading a component for the CLI's validate / print / wit: a component binary (its preamble)
// or a component in the text format (a file whose first form is `(component`). Anything else
// is not a component: the caller treats it as a core module.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "component/ast.h"

namespace nwcli {

struct LoadedComponent {
  nw::component::Component component;
  bool from_text = false;
};

// nullopt: not a component. Errors are one line: `file:0xOFFSET: message` for a binary,
// `file:LINE:COL: message` for text.
nw::Result<std::optional<LoadedComponent>> LoadComponent(const std::string& path);

}  // namespace nwcli

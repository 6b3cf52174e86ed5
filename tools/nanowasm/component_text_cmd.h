// `nanowasm print` and `nanowasm parse` for components: a component binary printed in the
// component text format (component/text/component_printer.h), and a component text encoded to
// a binary (component/encode.h). print.cc and parse.cc call these when the input is a component.
#pragma once

#include <optional>
#include <string>

#include "tools/nanowasm/commands.h"
#include "tools/nanowasm/component_load.h"

namespace nwcli {

// Prints `c` (loaded from `path`) as text on stdout; the exit code.
int PrintComponent(const LoadedComponent& c, const std::string& path);

// If opts.in is a component (binary or text): validates it unless --no-validate, writes its
// binary to opts.out and returns the exit code; nullopt when it is not a component.
std::optional<int> ParseComponent(const ParseOptions& opts);

}  // namespace nwcli

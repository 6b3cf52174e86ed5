// `nanowasm run` for components (run_component.cc): the file is a component when its preamble
// says layer 1 (or a .wat file's first form is `(component`).
#pragma once

#include <string>

namespace nwcli {

struct RunOptions;

bool IsComponentFile(const std::string& path);
int RunComponent(const RunOptions& opts);

}  // namespace nwcli

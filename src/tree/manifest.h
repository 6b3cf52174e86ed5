// The capability-tree manifest (TOML, read with toml++): nodes, who satisfies whose imports, and
// the keys on every edge, into a TreeSpec (nanowasm/tree.h). The format is in docs/security.md.
// Unknown keys are errors (a misspelt `dirz` must not silently grant nothing, nor anything).
// Module files are named relative to the manifest and loaded through `load`, so the text format
// stays with the caller. Nothing here grants anything: Tree::Instantiate checks every key.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "nanowasm/tree.h"

namespace nw::tree {

using ModuleLoader = std::function<Result<std::shared_ptr<const Module>>(const std::string& path)>;

// Errors are one line: `PATH:LINE:COL: ...` for TOML syntax, `PATH: node "N": ...` otherwise.
Result<TreeSpec> LoadManifest(const std::string& path, const ModuleLoader& load);
Result<TreeSpec> ParseManifest(std::string_view text,
                               const std::string& path,
                               const ModuleLoader& load);

}  // namespace nw::tree

// The capability-tree manifest (TOML, read with toml++): nodes, who satisfies whose imports, and
// the keys on every edge, into a TreeSpec (nanowasm/tree.h). The format is in docs/security.md.
// Unknown keys are errors (a misspelt `dirz` must not silently grant nothing, nor anything).
// Module and component files are named relative to the manifest and loaded through `load`, so
// the binary and text formats stay with the caller (which also says which of the two a file is). Nothing here grants anything: Tree::Instantiate checks every key.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "nanowasm/tree.h"

namespace nw::tree {

// What a node's file holds: a core module or a component (exactly one).
struct NodeCode {
  std::shared_ptr<const Module> module;
  std::shared_ptr<const ComponentModule> component;
};
using NodeLoader = std::function<Result<NodeCode>(const std::string& path)>;

// Errors are one line: `PATH:LINE:COL: ...` for TOML syntax, `PATH: node "N": ...` otherwise.
Result<TreeSpec> LoadManifest(const std::string& path, const NodeLoader& load);
Result<TreeSpec> ParseManifest(std::string_view text,
                               const std::string& path,
                               const NodeLoader& load);

}  // namespace nw::tree

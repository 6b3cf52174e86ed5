// A tree of nanoprocesses (core modules with WASI preview1): each node is its own instance with
// its own memory and its own WASI context derived from its parent's (DeriveWasiCtx: never wider);
// a parent calls its children through the function imports the tree wires, and nothing else is
// shared. `nanowasm run --manifest` builds a TreeSpec from a TOML manifest (src/tree/manifest.h);
// an embedder can build the same spec in code. The threat model is in docs/security.md.
// Not here yet: component nodes (WASI 0.2 contexts); docs/security.md says what they need.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"

namespace nw {

struct TreeNodeSpec {
  std::string name;    // unique in the tree
  std::string parent;  // "" for the root (exactly one)
  std::shared_ptr<const Module> module;
  std::string module_path;  // shown in reports only
  // The module name of the parent's imports this node satisfies (default: `name`). Only
  // function imports with numeric parameters and results cross a node boundary.
  std::string import_as;
  WasiGrant grant;  // what the parent hands down (ignored for the root)
  // Host interfaces (import module names other than WASI) the node may import; each must be
  // held by its parent. The root's come from the embedder (TreeSpec::root_host).
  std::vector<std::string> host;
  // Exports of this node whose first two parameters (i32 pointer, i32 length) are a string in
  // the caller's memory: the tree copies it into this node's memory (through its exported
  // `cabi_realloc(0, 0, 1, len)`) and passes the copy. Nothing else is ever copied.
  std::vector<std::string> strings;
};

struct TreeSpec {
  std::string source;  // prefix of every error line, e.g. the manifest's path
  std::vector<TreeNodeSpec> nodes;
  std::vector<std::string> root_host;  // host interfaces the embedder offers the root
};

// Defines host interface `module` (one of TreeSpec::root_host) into a node's linker.
using TreeHostDefiner = std::function<void(Linker&, Store&, std::string_view module)>;

// Checks the shape of a tree without running anything: one root, parents exist, no cycles,
// sibling import names unique, every import of every node satisfied (a child, WASI, or a host
// interface the node holds), boundary imports functions of numeric types, `strings` exports
// shaped (i32, i32, ...). Keys are checked against the parent's when contexts are derived.
// Errors are one line: `SOURCE: node "NAME": ...`.
Status ValidateTree(const TreeSpec& spec);

// Without the root's real context (`nanowasm caps --manifest`): each key of a node whose parent
// is not the root must be among its parent's declared keys, a directory one of the parent's by
// name or beneath it by name, read-write only under read-write. By names only: symbolic links
// and `..` are judged when the tree is instantiated, against real descriptors.
Status CheckDeclaredKeys(const TreeSpec& spec);

class Tree {
 public:
  // Validates, derives every node's context from its parent's (the root's is `root_ctx`),
  // instantiates children before parents in `store`, calls each child's `_initialize`.
  static Result<std::unique_ptr<Tree>> Instantiate(Store& store,
                                                   const TreeSpec& spec,
                                                   std::shared_ptr<WasiCtx> root_ctx,
                                                   const TreeHostDefiner& host);
  ~Tree();
  Instance* root() const;
  Instance* node(std::string_view name) const;  // null when there is no such node
  const WasiCtx* ctx(std::string_view name) const;
  // Node names, root first (parents before children).
  std::vector<std::string> names() const;

  struct Impl;

 private:
  explicit Tree(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nw

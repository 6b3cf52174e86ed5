// A tree of nanoprocesses: each node is its own instance with its own memory and its own WASI
// context derived from its parent's (DeriveWasiCtx: never wider). A node is a core module (WASI
// preview1; its parent calls it through function imports the tree wires, numbers and copied
// strings only) or a component (WASI 0.2 on its own context and its own handle tables; its
// parent's interface import is satisfied by its exported instance, values crossing by the
// canonical ABI, by copy). Nothing else is shared. `nanowasm run --manifest` builds a TreeSpec
// from a TOML manifest (src/tree/manifest.h); an embedder can build the same spec in code. The
// threat model is in docs/security.md. Not here: a core module calling a component or the
// other way round (a node's children are of its own kind).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "nanowasm/component.hpp"
#include "nanowasm/runtime.h"
#include "nanowasm/wasi.h"

namespace nw {

struct TreeNodeSpec {
  std::string name;    // unique in the tree
  std::string parent;  // "" for the root (exactly one)
  // Exactly one of the two: a core module node or a component node. A node's children are of
  // its own kind.
  std::shared_ptr<const Module> module;
  std::shared_ptr<const ComponentModule> component;
  std::string module_path;  // shown in reports only
  // Core module: the module name of the parent's imports this node satisfies; only function
  // imports with numeric parameters and results cross a node boundary. Component: the name of
  // the parent's instance import (an interface, e.g. "local:zip/extract@0.1.0") this node's
  // exported instance satisfies. Default: `name`.
  std::string import_as;
  // Component nodes: the name of the exported instance that satisfies it (default: import_as).
  std::string export_as;
  WasiGrant grant;  // what the parent hands down (ignored for the root)
  // Host interfaces (import module names, or component import names, other than WASI) the node
  // may import; each must be held by its parent. The root's come from the embedder
  // (TreeSpec::root_host).
  std::vector<std::string> host;
  // Exports of this node whose first two parameters (i32 pointer, i32 length) are a string in
  // the caller's memory: the tree copies it into this node's memory (through its exported
  // `cabi_realloc(0, 0, 1, len)`) and passes the copy. Nothing else is ever copied. Core
  // module nodes only (a component's values cross by the canonical ABI).
  std::vector<std::string> strings;
};

struct TreeSpec {
  std::string source;  // prefix of every error line, e.g. the manifest's path
  std::vector<TreeNodeSpec> nodes;
  std::vector<std::string> root_host;  // host interfaces the embedder offers the root
};

// Defines host interface `module` (one of TreeSpec::root_host) into a node's linker.
using TreeHostDefiner = std::function<void(Linker&, Store&, std::string_view module)>;
// The same for component nodes: defines the import `name` (an instance or a function).
using TreeComponentHostDefiner = std::function<void(ComponentLinker&, std::string_view name)>;

// Checks the shape of a tree without running anything: one root, parents exist, no cycles,
// sibling import names unique, every import of every node satisfied (a child, WASI, or a host
// interface the node holds), boundary imports functions of numeric types, `strings` exports
// shaped (i32, i32, ...); a component node's imports are WASI 0.2 interfaces, its children's
// instances or host interfaces it holds. Keys are checked against the parent's when contexts
// are derived; a component child's exported instance against its parent's import when linked.
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
  // instantiates children before parents in `store`, calls each core child's `_initialize`.
  // A listener handed to a child moves to it: it is released from the parent's context
  // (`root_ctx` too), so each listener belongs to exactly one node.
  // Component nodes get a WASI 0.2 host each, on their own context, in a ComponentStore the
  // tree owns over `store`.
  static Result<std::unique_ptr<Tree>> Instantiate(
      Store& store,
      const TreeSpec& spec,
      std::shared_ptr<WasiCtx> root_ctx,
      const TreeHostDefiner& host,
      const TreeComponentHostDefiner& component_host = {});
  ~Tree();
  Instance* root() const;                       // null when the root is a component
  Instance* node(std::string_view name) const;  // null when there is no such core module node
  // A component node's instance (the root's: its exports are the tree's), or nullopt.
  std::optional<ComponentInstance> component(std::string_view name) const;
  // Runs the root component's `wasi:cli/run@0.2.x` export: its exit code (0 ok, 1 err, the
  // code passed to wasi:cli/exit), or an error (a trap, or no such export).
  Result<int> RunCommand();
  const WasiCtx* ctx(std::string_view name) const;
  // Node names, root first (parents before children).
  std::vector<std::string> names() const;

  struct Impl;

 private:
  explicit Tree(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nw

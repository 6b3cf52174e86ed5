// The capability tree at run time (nanowasm/tree.h): checks a TreeSpec, derives each node's WASI
// context from its parent's (DeriveWasiCtx, src/wasi/derive.cc: the parent's own resolver and
// tables, no second one), and links each parent to its children. Core module nodes: through host
// trampolines; a trampoline calls the child's export as the host would: the child runs with no
// caller instance behind it, so a child export that is a re-exported WASI function finds no
// memory (EFAULT), and a parent can only ever pass numbers (and, for `strings` exports, a copy of
// its bytes). Component nodes: each gets its own WASI 0.2 host (src/wasi2) on its derived
// context, so its own resource types and handle tables, and its parent's interface import is
// the child's exported instance (ComponentLinker::DefineInstance: the canonical ABI copies
// values from one memory to the other, and resource types are compared when linking). Not
// here: TOML (manifest.cc), the command line (tools/nanowasm/tree_cmd.cc).
#include "nanowasm/tree.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "component/api_internal.h"
#include "format/module.h"
#include "wasi/ctx.h"
#include "wasi2/host.h"

namespace nw {

namespace {

constexpr size_t kMaxBoundarySlots = 16;

bool IsWasiModule(std::string_view m) {
  return m == "wasi_snapshot_preview1" || m == "wasi_unstable" || m == "nanowasm_sock";
}

bool IsNumeric(ValType t) {
  return t == ValType::kI32 || t == ValType::kI64 || t == ValType::kF32 || t == ValType::kF64;
}

std::string Q(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

struct Shape {
  std::map<std::string, size_t> index;
  std::vector<std::vector<size_t>> children;
  size_t root = 0;
};

}  // namespace

struct Tree::Impl {
  struct Node {
    std::string name;
    size_t parent = SIZE_MAX;
    std::shared_ptr<WasiCtx> ctx;
    Instance* inst = nullptr;                  // core module nodes
    std::unique_ptr<wasi2::Host> host;         // component nodes: WASI 0.2 on `ctx`
    std::optional<ComponentInstance> comp;     // component nodes
  };
  // Component nodes' store (created with the first one); it outlives the hosts and instances.
  std::unique_ptr<ComponentStore> cs;
  std::vector<Node> nodes;  // parents before children
};

namespace {

std::string Prefix(const TreeSpec& spec, std::string_view node) {
  std::string p = spec.source.empty() ? "" : spec.source + ": ";
  return p + "node " + Q(node) + ": ";
}

Result<Shape> CheckShape(const TreeSpec& spec) {
  Shape s;
  std::string src = spec.source.empty() ? "" : spec.source + ": ";
  bool have_root = false;
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    const TreeNodeSpec& n = spec.nodes[i];
    if (n.name.empty())
      return MakeError(src + "a node has no name");
    if (!s.index.emplace(n.name, i).second)
      return MakeError(Prefix(spec, n.name) + "named twice");
    if (!n.module && !n.component)
      return MakeError(Prefix(spec, n.name) + "has no module");
    if (n.module && n.component)
      return MakeError(Prefix(spec, n.name) + "is both a core module and a component");
    if (n.parent.empty()) {
      if (have_root)
        return MakeError(Prefix(spec, n.name) + "has no parent, and " + Q(spec.nodes[s.root].name) +
                         " is already the root");
      have_root = true;
      s.root = i;
    }
  }
  if (!have_root)
    return MakeError(src + "no root node (a node without a parent)");
  s.children.resize(spec.nodes.size());
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    const TreeNodeSpec& n = spec.nodes[i];
    if (n.parent.empty())
      continue;
    auto it = s.index.find(n.parent);
    if (it == s.index.end())
      return MakeError(Prefix(spec, n.name) + "parent " + Q(n.parent) + " is not a node");
    s.children[it->second].push_back(i);
    const TreeNodeSpec& p = spec.nodes[it->second];
    if (!n.component != !p.component)
      return MakeError(Prefix(spec, n.name) + "is a " + (n.component ? "component" : "core module") +
                       " but its parent " + Q(p.name) + " is a " +
                       (p.component ? "component" : "core module") +
                       ": a node's children are of its own kind");
    // Every chain of parents must reach the root within the node count: no cycle.
    size_t at = i, steps = 0;
    while (!spec.nodes[at].parent.empty()) {
      if (++steps > spec.nodes.size())
        return MakeError(Prefix(spec, n.name) + "its parents form a cycle");
      at = s.index.at(spec.nodes[at].parent);
    }
  }
  return s;
}

std::string ImportAs(const TreeNodeSpec& n) {
  return n.import_as.empty() ? n.name : n.import_as;
}

std::string ExportAs(const TreeNodeSpec& n) {
  return n.export_as.empty() ? ImportAs(n) : n.export_as;
}

const std::vector<std::string>& HostOf(const TreeSpec& spec, const TreeNodeSpec& n) {
  return n.parent.empty() ? spec.root_host : n.host;
}

bool Holds(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// A component node's imports: WASI 0.2 interfaces (on its own context), its children's exported
// instances, or host interfaces it holds. Nothing else (no parent's, no sibling's).
Status CheckComponentNode(const TreeSpec& spec,
                          const TreeNodeSpec& n,
                          const std::map<std::string, size_t>& child_by_import) {
  const std::string pre = Prefix(spec, n.name);
  if (!n.strings.empty())
    return MakeError(pre + "`strings` is for core modules: a component's values cross by the " +
                     "canonical ABI");
  const std::vector<std::string>& host = HostOf(spec, n);
  for (const auto& im : InternalAst(*n.component).imports) {
    const std::string& name = im.name.name;
    std::string what = "import " + Q(name);
    if (auto it = child_by_import.find(name); it != child_by_import.end()) {
      if (im.type.kind != component::ExternKindC::kInstance)
        return MakeError(pre + what + " from child " + Q(spec.nodes[it->second].name) +
                         " is not an instance: a component child satisfies an interface import");
      continue;
    }
    if (wasi2::IsWasi2Import(name) || Holds(host, name))
      continue;
    return MakeError(pre + what + " is satisfied by no child and is not a host interface " +
                     "granted to it");
  }
  return Ok();
}

Status CheckNode(const TreeSpec& spec, const Shape& s, size_t i) {
  const TreeNodeSpec& n = spec.nodes[i];
  const std::string pre = Prefix(spec, n.name);
  const std::vector<std::string>& host = HostOf(spec, n);
  if (!n.parent.empty()) {
    const TreeNodeSpec& p = spec.nodes[s.index.at(n.parent)];
    for (const std::string& h : n.host) {
      if (IsWasiModule(h))
        return MakeError(pre + "host interface " + Q(h) +
                         " is WASI: its keys are granted one by one");
      if (!Holds(HostOf(spec, p), h))
        return MakeError(pre + "host interface " + Q(h) + " is not granted to its parent " +
                         Q(p.name));
    }
  }
  std::map<std::string, size_t> child_by_import;
  for (size_t c : s.children[i]) {
    const TreeNodeSpec& ch = spec.nodes[c];
    std::string as = ImportAs(ch);
    if (IsWasiModule(as) || wasi2::IsWasi2Import(as) || Holds(host, as))
      return MakeError(Prefix(spec, ch.name) + "import name " + Q(as) +
                       " is WASI or a host interface of its parent");
    if (!child_by_import.emplace(as, c).second)
      return MakeError(Prefix(spec, ch.name) + "import name " + Q(as) + " is taken by sibling " +
                       Q(spec.nodes[child_by_import[as]].name));
  }
  if (n.component)
    return CheckComponentNode(spec, n, child_by_import);
  if (!n.export_as.empty())
    return MakeError(pre + "`export` names a component's instance: this node is a core module");
  const ModuleDesc& m = n.module->desc();
  for (const Import& imp : m.imports) {
    std::string what = "import " + Q(imp.module) + "." + Q(imp.name);
    if (IsWasiModule(imp.module) || Holds(host, imp.module))
      continue;
    auto it = child_by_import.find(imp.module);
    if (it == child_by_import.end())
      return MakeError(pre + what + " is satisfied by no child and is not a host interface " +
                       "granted to it");
    if (imp.kind != ExternKind::kFunc)
      return MakeError(pre + what + " from child " + Q(spec.nodes[it->second].name) +
                       " is not a function: only functions cross a node boundary");
    const FuncType& ft = m.types[imp.func_type];
    if (ft.params.size() > kMaxBoundarySlots || ft.results.size() > kMaxBoundarySlots)
      return MakeError(pre + what + " has more than 16 parameters or results");
    for (const auto* list : {&ft.params, &ft.results})
      for (ValType t : *list)
        if (!IsNumeric(t))
          return MakeError(pre + what + " passes " + std::string(ValTypeName(t)) +
                           ": only i32, i64, f32 and f64 cross a node boundary");
    if (Holds(spec.nodes[it->second].strings, imp.name) &&
        (ft.params.size() < 2 || ft.params[0] != ValType::kI32 || ft.params[1] != ValType::kI32))
      return MakeError(pre + what + " is a string export but does not start with (i32, i32)");
  }
  return Ok();
}

// The host function standing for child export `target` in the parent's linker.
struct Boundary {
  Func* target = nullptr;
  FuncType type;
  bool string = false;
  Func* realloc = nullptr;  // string exports only
  Memory* memory = nullptr;
};

Trap HostTrap(std::string message) {
  Trap t;
  t.kind = TrapKind::kHostError;
  t.message = std::move(message);
  return t;
}

TrapResult<void> CrossBoundary(const Boundary& b,
                               Caller& caller,
                               std::span<const Val> args,
                               std::span<Val> results) {
  uint64_t in[kMaxBoundarySlots], out[kMaxBoundarySlots];
  for (size_t k = 0; k < args.size(); ++k)
    in[k] = args[k].bits;
  if (b.string) {
    uint64_t ptr = static_cast<uint32_t>(in[0]), len = static_cast<uint32_t>(in[1]);
    Memory* from = caller.memory();
    if (!from || ptr > from->data().size() || len > from->data().size() - ptr)
      return std::unexpected(HostTrap("string argument out of bounds of the caller's memory"));
    uint64_t ra[4] = {0, 0, 1, len}, rr[1] = {0};
    if (auto r = b.realloc->CallUnchecked(caller.store(), ra, rr); !r)
      return std::unexpected(std::move(r.error()));
    uint64_t dst = static_cast<uint32_t>(rr[0]);
    std::span<uint8_t> to = b.memory->data();  // after cabi_realloc, which may grow it
    if (dst > to.size() || len > to.size() - dst)
      return std::unexpected(HostTrap("cabi_realloc returned memory out of bounds"));
    std::memcpy(to.data() + dst, from->data().data() + ptr, len);
    in[0] = dst;
  }
  if (auto r = b.target->CallUnchecked(caller.store(), std::span(in, args.size()),
                                       std::span(out, results.size()));
      !r)
    return std::unexpected(std::move(r.error()));
  for (size_t k = 0; k < results.size(); ++k) {
    ValType t = b.type.results[k];
    uint64_t bits =
        t == ValType::kI32 || t == ValType::kF32 ? static_cast<uint32_t>(out[k]) : out[k];
    results[k] = Val::Make(t, bits);
  }
  return {};
}

// DeriveWasiCtx says "its parent"; the tree knows the parent's name.
std::string NameParent(std::string_view msg, std::string_view parent) {
  std::string named;
  for (size_t at; (at = msg.find("its parent")) != std::string_view::npos;) {
    named += std::string(msg.substr(0, at + 10)) + " " + Q(parent);
    msg.remove_prefix(at + 10);
  }
  return named + std::string(msg);
}

// Defines `parent`'s import `imp` as a trampoline into `child`'s export of the same name.
Status DefineBoundary(const TreeSpec& spec,
                      const TreeNodeSpec& parent,
                      const TreeNodeSpec& ch,
                      Instance& child,
                      const Import& imp,
                      Store& store,
                      Linker& linker) {
  const ModuleDesc& m = parent.module->desc();
  std::string as = ImportAs(ch);
  Func* target = child.GetFunc(imp.name);
  const FuncType& want = m.types[imp.func_type];
  if (!target)
    return MakeError(Prefix(spec, parent.name) + "child " + Q(ch.name) + " exports no function " +
                     Q(imp.name));
  if (!(target->type() == want))
    return MakeError(Prefix(spec, parent.name) + "import " + Q(as) + "." + Q(imp.name) +
                     " does not have the type of child " + Q(ch.name) + "'s export");
  auto b = std::make_shared<Boundary>();
  b->target = target;
  b->type = want;
  if (Holds(ch.strings, imp.name)) {
    b->string = true;
    b->realloc = child.GetFunc("cabi_realloc");
    b->memory = child.GetMemory("memory");
    FuncType rt{{ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32}, {ValType::kI32}};
    if (!b->realloc || !(b->realloc->type() == rt) || !b->memory)
      return MakeError(Prefix(spec, ch.name) + "takes strings (" + Q(imp.name) +
                       ") but exports no cabi_realloc(i32 i32 i32 i32) -> i32 and memory");
  }
  linker.Define(
      as, imp.name,
      Func::CreateHost(store, want,
                       [b](Caller& caller, std::span<const Val> args, std::span<Val> results) {
                         return CrossBoundary(*b, caller, args, results);
                       }));
  return Ok();
}

}  // namespace

Status ValidateTree(const TreeSpec& spec) {
  NW_TRY_ASSIGN(Shape s, CheckShape(spec));
  for (size_t i = 0; i < spec.nodes.size(); ++i)
    NW_TRY(CheckNode(spec, s, i));
  return Ok();
}

Status CheckDeclaredKeys(const TreeSpec& spec) {
  NW_TRY_ASSIGN(Shape s, CheckShape(spec));
  for (const TreeNodeSpec& n : spec.nodes) {
    if (n.parent.empty())
      continue;
    const TreeNodeSpec& p = spec.nodes[s.index.at(n.parent)];
    if (p.parent.empty())
      continue;  // the root's keys come from the command line
    const WasiGrant& c = n.grant;
    const WasiGrant& g = p.grant;
    std::string pre = Prefix(spec, n.name);
    std::string tail = " is not granted to its parent " + Q(p.name);
    for (const std::string& a : c.args)
      if (!Holds(g.args, a))
        return MakeError(pre + "arg " + Q(a) + tail);
    for (const std::string& e : c.env)
      if (!Holds(g.env, e))
        return MakeError(pre + "env " + Q(e) + tail);
    for (const std::string& e : c.connect)
      if (!Holds(g.connect, e))
        return MakeError(pre + "connect " + Q(e) + tail);
    for (const std::string& e : c.listen)
      if (!Holds(g.listen, e))
        return MakeError(pre + "listen " + Q(e) + tail);
    if (c.clocks && !g.clocks)
      return MakeError(pre + "clocks" + tail);
    if (c.random && !g.random)
      return MakeError(pre + "random" + tail);
    if (c.pass_stdin && !g.pass_stdin)
      return MakeError(pre + "stdin" + tail);
    if (c.pass_stdout && !g.pass_stdout)
      return MakeError(pre + "stdout" + tail);
    if (c.pass_stderr && !g.pass_stderr)
      return MakeError(pre + "stderr" + tail);
    for (const WasiDirGrant& d : c.dirs) {
      const WasiDirGrant* held = nullptr;
      for (const WasiDirGrant& pd : g.dirs) {
        std::string name = pd.guest_path.empty() ? pd.from : pd.guest_path;
        if (d.from == name ||
            (d.from.size() > name.size() && d.from.starts_with(name) && d.from[name.size()] == '/'))
          held = &pd;
      }
      if (!held)
        return MakeError(pre + "dir " + Q(d.from) + tail);
      if (!d.read_only && held->read_only)
        return MakeError(pre + "dir " + Q(d.from) + " is read-only for its parent " + Q(p.name) +
                         "; it cannot be granted read-write");
    }
  }
  return Ok();
}

namespace {

// A component node: its own WASI 0.2 host on its derived context (its own resource types, so
// its handles mean nothing to any other node), its children's exported instances for the
// interface imports they satisfy, the host interfaces it holds.
Status InstantiateComponentNode(Tree::Impl& impl,
                                const TreeSpec& spec,
                                const Shape& s,
                                const std::vector<size_t>& slot,
                                size_t index,
                                Tree::Impl::Node& node,
                                Store& store,
                                const TreeComponentHostDefiner& component_host) {
  const TreeNodeSpec& n = spec.nodes[index];
  const std::string pre = Prefix(spec, n.name);
  if (!impl.cs)
    impl.cs = std::make_unique<ComponentStore>(store);
  node.host = std::make_unique<wasi2::Host>(InternalStore(*impl.cs), node.ctx);
  std::map<std::string, size_t> child_by_import;
  for (size_t c : s.children[index])
    child_by_import.emplace(ImportAs(spec.nodes[c]), c);
  ComponentLinker linker;
  for (const auto& im : InternalAst(*n.component).imports) {
    const std::string& name = im.name.name;
    if (auto it = child_by_import.find(name); it != child_by_import.end()) {
      const TreeNodeSpec& ch = spec.nodes[it->second];
      const ComponentInstance& child = *impl.nodes[slot[it->second]].comp;
      auto exported = child.GetInstance(ExportAs(ch));
      if (!exported)
        return MakeError(pre + "child " + Q(ch.name) + " exports no instance " + Q(ExportAs(ch)) +
                         " for its import " + Q(name));
      linker.DefineInstance(name, *exported);
    } else if (Holds(HostOf(spec, n), name)) {
      if (component_host)
        component_host(linker, name);
    } else {
      auto wasi = node.host->Instance(name);
      if (!wasi)
        return MakeError(pre + "import " + wasi.error().message);
      linker.DefineInstance(name, ComponentInstance(impl.cs.get(), *wasi));
    }
  }
  auto inst = linker.Instantiate(*impl.cs, *n.component);
  if (!inst) {
    const ComponentError& e = inst.error();
    return MakeError(pre + (e.is_trap() ? "trapped while instantiating: " : "") + e.message);
  }
  node.comp = *inst;
  return Ok();
}

}  // namespace

Tree::Tree(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tree::~Tree() = default;

Result<std::unique_ptr<Tree>> Tree::Instantiate(Store& store,
                                                const TreeSpec& spec,
                                                std::shared_ptr<WasiCtx> root_ctx,
                                                const TreeHostDefiner& host,
                                                const TreeComponentHostDefiner& component_host) {
  NW_TRY_ASSIGN(Shape s, CheckShape(spec));
  for (size_t i = 0; i < spec.nodes.size(); ++i)
    NW_TRY(CheckNode(spec, s, i));
  auto impl = std::make_unique<Impl>();
  // Parents before children (breadth first from the root): each context from its parent's.
  std::vector<size_t> order = {s.root};
  std::vector<size_t> slot(spec.nodes.size());
  std::map<std::pair<size_t, std::string>, std::string> handed;  // (parent, listener) -> child
  for (size_t k = 0; k < order.size(); ++k)
    for (size_t c : s.children[order[k]])
      order.push_back(c);
  for (size_t k = 0; k < order.size(); ++k) {
    const TreeNodeSpec& n = spec.nodes[order[k]];
    Impl::Node node;
    node.name = n.name;
    slot[order[k]] = k;
    if (n.parent.empty()) {
      node.ctx = std::move(root_ctx);
    } else {
      node.parent = slot[s.index.at(n.parent)];
      WasiGrant g = n.grant;
      if (g.argv0.empty())
        g.argv0 = n.name;
      for (const std::string& l : g.listen)
        if (auto it = handed.find({node.parent, l}); it != handed.end())
          return MakeError(Prefix(spec, n.name) + "listen " + Q(l) + " was handed to sibling " +
                           Q(it->second) + ": a listener belongs to one node");
      WasiCtx& parent_ctx = *impl->nodes[node.parent].ctx;
      auto ctx = DeriveWasiCtx(parent_ctx, g);
      if (!ctx) {
        return MakeError(Prefix(spec, n.name) + NameParent(ctx.error().message, n.parent));
      }
      // The listener moves: the parent's descriptor is closed, the child's is the only one.
      for (const std::string& l : g.listen) {
        NW_TRY(ReleaseWasiListener(parent_ctx, l));
        handed[{node.parent, l}] = n.name;
      }
      node.ctx = std::move(*ctx);
    }
    impl->nodes.push_back(std::move(node));
  }
  // Children before parents: a parent's imports are its children's instances.
  for (size_t k = order.size(); k-- > 0;) {
    const TreeNodeSpec& n = spec.nodes[order[k]];
    Impl::Node& node = impl->nodes[k];
    if (n.component) {
      NW_TRY(InstantiateComponentNode(*impl, spec, s, slot, order[k], node, store, component_host));
      continue;
    }
    Linker linker;
    DefineWasi(linker, store, node.ctx);
    for (const std::string& h : HostOf(spec, n))
      if (host)
        host(linker, store, h);
    for (size_t c : s.children[order[k]]) {
      const TreeNodeSpec& ch = spec.nodes[c];
      Instance* child = impl->nodes[slot[c]].inst;
      std::string as = ImportAs(ch);
      const ModuleDesc& m = n.module->desc();
      for (const Import& imp : m.imports) {
        if (imp.module != as)
          continue;
        NW_TRY(DefineBoundary(spec, n, ch, *child, imp, store, linker));
      }
    }
    auto inst = linker.Instantiate(store, n.module);
    if (!inst) {
      const InstantiationError& e = inst.error();
      return MakeError(Prefix(spec, n.name) +
                       (e.is_trap ? "trapped while instantiating: " + e.trap.message : e.message));
    }
    node.inst = *inst;
    if (!n.parent.empty()) {
      if (Func* init = node.inst->GetFunc("_initialize"); init && init->type().params.empty()) {
        if (auto r = init->Call(store, {}); !r)
          return MakeError(Prefix(spec, n.name) + "_initialize trapped: " + r.error().message);
      }
    }
  }
  return std::unique_ptr<Tree>(new Tree(std::move(impl)));
}

Instance* Tree::root() const {
  return impl_->nodes.front().inst;
}

std::optional<ComponentInstance> Tree::component(std::string_view name) const {
  for (const auto& n : impl_->nodes)
    if (n.name == name)
      return n.comp;
  return std::nullopt;
}

Result<int> Tree::RunCommand() {
  Impl::Node& root = impl_->nodes.front();
  if (!root.comp)
    return MakeError("the root \"" + root.name + "\" is not a component");
  return root.host->RunCommand(*static_cast<const component::RtInstance*>(root.comp->internal()));
}

Instance* Tree::node(std::string_view name) const {
  for (const auto& n : impl_->nodes)
    if (n.name == name)
      return n.inst;
  return nullptr;
}

const WasiCtx* Tree::ctx(std::string_view name) const {
  for (const auto& n : impl_->nodes)
    if (n.name == name)
      return n.ctx.get();
  return nullptr;
}

std::vector<std::string> Tree::names() const {
  std::vector<std::string> v;
  for (const auto& n : impl_->nodes)
    v.push_back(n.name);
  return v;
}

}  // namespace nw

// ComponentWit (wit.h). Two passes: a Resolver replays the component's sections into nodes (one
// node per distinct type, function type or instance; an alias or an `eq` export is the same
// node, so identity is WIT's identity), then the printer names the types that interfaces export
// and writes the world and the interfaces.
#include "component/wit.h"

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "component/names.h"

namespace nw::component {
namespace {

struct Node;

// One item of a component-level sort, as the resolver tracks it.
struct Item {
  Sort sort = Sort::kType;
  Node* node = nullptr;             // type / func / instance
  const Component* component = nullptr;  // component (nested definitions only)
  struct Scope* component_scope = nullptr;
};

struct NamedItem {
  std::string name;
  Item item;
};

struct Node {
  enum class Kind : uint8_t { kPrim, kDefVal, kFunc, kResource, kInstance, kOpaque } kind;
  PrimType prim = PrimType::kBool;
  DefValKind val = DefValKind::kPrim;
  std::vector<std::string> labels;               // record fields, cases, flags, enum, params
  std::vector<Node*> kids;                       // per label (nullptr: none), or tuple/a/b
  uint32_t length = 0;                           // fixed list
  bool async = false;                            // func
  Node* result = nullptr;                        // func
  std::vector<NamedItem> exports;                // instance
  // Naming: the interface ("" for the world) and name an export gave this type first.
  bool named = false;
  std::string iface, name;
};

struct Scope {
  Scope* outer = nullptr;
  std::vector<Item> types, funcs, instances, components;
  std::vector<NamedItem> imports, exports;
};

class Resolver {
 public:
  // The top-level component: imports are its own (resolved from their declared types).
  Result<Scope*> Top(const Component& c) { return Walk(c, nullptr, nullptr); }

 private:
  Node* New(Node::Kind k) {
    nodes_.emplace_back();
    nodes_.back().kind = k;
    return &nodes_.back();
  }
  Node* Prim(PrimType p) {
    auto [it, fresh] = prims_.try_emplace(p, nullptr);
    if (fresh) {
      it->second = New(Node::Kind::kPrim);
      it->second->prim = p;
    }
    return it->second;
  }
  Scope* NewScope(Scope* outer) {
    scopes_.emplace_back();
    scopes_.back().outer = outer;
    return &scopes_.back();
  }
  static std::vector<Item>* Space(Scope& s, Sort sort) {
    switch (sort) {
      case Sort::kType: return &s.types;
      case Sort::kFunc: return &s.funcs;
      case Sort::kInstance: return &s.instances;
      case Sort::kComponent: return &s.components;
      default: return nullptr;  // core sorts and values: not part of a world
    }
  }
  static Result<Item> At(Scope& s, Sort sort, uint32_t index, size_t offset) {
    std::vector<Item>* sp = Space(s, sort);
    if (!sp || index >= sp->size())
      return MakeError(offset, std::string(SortName(sort)) + " index " + std::to_string(index) + " out of bounds");
    return (*sp)[index];
  }
  Result<Node*> TypeAt(Scope& s, uint32_t index, size_t offset) {
    NW_TRY_ASSIGN(Item it, At(s, Sort::kType, index, offset));
    return it.node;
  }
  Result<Node*> Val(Scope& s, const std::optional<ValType>& v, size_t offset) {
    if (!v) return static_cast<Node*>(nullptr);
    if (!v->is_index) return Prim(v->prim);
    return TypeAt(s, v->index, offset);
  }
  static void Push(Scope& s, const Item& it) {
    if (std::vector<Item>* sp = Space(s, it.sort)) sp->push_back(it);
  }

  Result<Node*> Def(Scope& s, const TypeDef& t) {
    switch (t.kind) {
      case TypeDef::Kind::kDefVal: {
        Node* n = New(Node::Kind::kDefVal);
        const DefValType& d = t.val;
        n->val = d.kind;
        n->prim = d.prim;
        n->labels = d.labels;
        n->length = d.length;
        for (const LabeledType& f : d.fields) {
          n->labels.push_back(f.label);
          NW_TRY_ASSIGN(Node * k, Val(s, f.type, t.offset));
          n->kids.push_back(k);
        }
        for (const ValType& v : d.types) {
          NW_TRY_ASSIGN(Node * k, Val(s, v, t.offset));
          n->kids.push_back(k);
        }
        if (d.kind == DefValKind::kOwn || d.kind == DefValKind::kBorrow) {
          NW_TRY_ASSIGN(Node * k, TypeAt(s, d.index, t.offset));
          n->kids.push_back(k);
        } else if (d.fields.empty() && d.types.empty()) {
          NW_TRY_ASSIGN(Node * a, Val(s, d.a, t.offset));
          NW_TRY_ASSIGN(Node * b, Val(s, d.b, t.offset));
          n->kids = {a, b};
        }
        return n;  // a `(type u64)` too: an interface may name it (`type filesize = u64;`)
      }
      case TypeDef::Kind::kFunc: {
        Node* n = New(Node::Kind::kFunc);
        n->async = t.func.async;
        for (const LabeledType& p : t.func.params) {
          n->labels.push_back(p.label);
          NW_TRY_ASSIGN(Node * k, Val(s, p.type, t.offset));
          n->kids.push_back(k);
        }
        NW_TRY_ASSIGN(n->result, Val(s, t.func.result, t.offset));
        return n;
      }
      case TypeDef::Kind::kResource: return New(Node::Kind::kResource);
      case TypeDef::Kind::kInstance: return InstanceType(s, t.decls);
      case TypeDef::Kind::kComponent: return New(Node::Kind::kOpaque);
    }
    return New(Node::Kind::kOpaque);
  }

  // The extern type of an import or instance-type export, as an item.
  Result<Item> Extern(Scope& s, const ExternTypeC& e, size_t offset) {
    Item it;
    switch (e.kind) {
      case ExternKindC::kType:
        it.sort = Sort::kType;
        if (e.bound_eq) {
          NW_TRY_ASSIGN(it.node, TypeAt(s, e.index, offset));
        } else {
          it.node = New(Node::Kind::kResource);  // (sub resource): a fresh abstract resource
        }
        return it;
      case ExternKindC::kFunc: it.sort = Sort::kFunc; break;
      case ExternKindC::kInstance: it.sort = Sort::kInstance; break;
      case ExternKindC::kComponent:
        it.sort = Sort::kComponent;
        return it;  // its type is not walked: a world cannot say it anyway
      case ExternKindC::kModule:
      case ExternKindC::kValue: it.sort = Sort::kValue; return it;
    }
    NW_TRY_ASSIGN(it.node, TypeAt(s, e.index, offset));
    return it;
  }

  Result<Node*> InstanceType(Scope& outer, const std::vector<Decl>& decls) {
    Scope* s = NewScope(&outer);
    Node* n = New(Node::Kind::kInstance);
    for (const Decl& d : decls) {
      switch (d.kind) {
        case Decl::Kind::kCoreType: break;
        case Decl::Kind::kType: {
          if (d.type.empty()) break;
          NW_TRY_ASSIGN(Node * t, Def(*s, d.type[0]));
          s->types.push_back({Sort::kType, t});
          break;
        }
        case Decl::Kind::kAlias: NW_TRY(DoAlias(*s, d.alias)); break;
        case Decl::Kind::kImport: break;  // only in component types, which are not walked
        case Decl::Kind::kExport: {
          NW_TRY_ASSIGN(Item it, Extern(*s, d.extern_type, d.offset));
          Push(*s, it);
          if (it.sort != Sort::kValue) n->exports.push_back({d.name.name, it});
          break;
        }
      }
    }
    return n;
  }

  Status DoAlias(Scope& s, const Alias& al) {
    switch (al.target) {
      case Alias::Target::kCoreExport: return Ok();
      case Alias::Target::kExport: {
        if (!Space(s, al.sort)) return Ok();
        NW_TRY_ASSIGN(Item inst, At(s, Sort::kInstance, al.instance, al.offset));
        for (const NamedItem& e : inst.node->exports)
          if (e.name == al.name) {
            Push(s, e.item);
            return Ok();
          }
        return MakeError(al.offset, "instance has no export \"" + al.name + "\"");
      }
      case Alias::Target::kOuter: {
        if (!Space(s, al.sort)) return Ok();
        Scope* o = &s;
        for (uint32_t k = 0; k < al.count && o; ++k) o = o->outer;
        if (!o) return MakeError(al.offset, "outer alias beyond the outermost component");
        NW_TRY_ASSIGN(Item it, At(*o, al.sort, al.index, al.offset));
        Push(s, it);
        return Ok();
      }
    }
    return Ok();
  }

  // A component's definitions in order. `args` (nested instantiation) supplies its imports;
  // the top level (args == nullptr) resolves them from their declared types.
  Result<Scope*> Walk(const Component& c, Scope* outer, const std::vector<NamedItem>* args) {
    if (++depth_ > 100) return MakeError(c.offset, "components nested too deeply");
    Scope* s = NewScope(outer);
    for (const Section& sec : c.sections) {
      for (uint32_t i = sec.first; i < sec.first + sec.count; ++i) {
        switch (sec.kind) {
          case SectionKind::kComponent: {
            Item it;
            it.sort = Sort::kComponent;
            it.component = &c.components[i];
            it.component_scope = s;
            s->components.push_back(it);
            break;
          }
          case SectionKind::kInstance: NW_TRY(DoInstance(*s, c.instances[i])); break;
          case SectionKind::kAlias: NW_TRY(DoAlias(*s, c.aliases[i])); break;
          case SectionKind::kType: {
            NW_TRY_ASSIGN(Node * t, Def(*s, c.types[i]));
            s->types.push_back({Sort::kType, t});
            break;
          }
          case SectionKind::kCanon:
            if (c.canons[i].kind == CanonKind::kLift) {
              NW_TRY_ASSIGN(Node * f, TypeAt(*s, c.canons[i].type, c.canons[i].offset));
              s->funcs.push_back({Sort::kFunc, f});
            }
            break;
          case SectionKind::kImport: {
            const Import& im = c.imports[i];
            Item it;
            if (args) {
              bool found = false;
              for (const NamedItem& a : *args)
                if (a.name == im.name.name) {
                  it = a.item;
                  found = true;
                }
              if (!found) return MakeError(im.offset, "missing import \"" + im.name.name + "\"");
            } else {
              NW_TRY_ASSIGN(it, Extern(*s, im.type, im.offset));
            }
            Push(*s, it);
            s->imports.push_back({im.name.name, it});
            break;
          }
          case SectionKind::kExport: {
            const Export& ex = c.exports[i];
            if (!Space(*s, ex.item.sort)) break;
            NW_TRY_ASSIGN(Item it, At(*s, ex.item.sort, ex.item.index, ex.offset));
            // An ascribed function or instance type names the types the component exports
            // (wit-component's shims export fresh copies of their imported types and ascribe
            // the functions' types in terms of those); a type keeps its identity.
            if (ex.type && (it.sort == Sort::kFunc || it.sort == Sort::kInstance)) {
              NW_TRY_ASSIGN(Item ascribed, Extern(*s, *ex.type, ex.offset));
              if (ascribed.sort == it.sort) it = ascribed;
            }
            Push(*s, it);
            s->exports.push_back({ex.name.name, it});
            break;
          }
          default: break;  // core definitions, start, values, custom sections
        }
      }
    }
    --depth_;
    return s;
  }

  Status DoInstance(Scope& s, const Instance& in) {
    Node* n = New(Node::Kind::kInstance);
    if (in.kind == Instance::Kind::kExports) {
      for (const InlineExport& e : in.exports) {
        if (!Space(s, e.item.sort)) continue;
        NW_TRY_ASSIGN(Item it, At(s, e.item.sort, e.item.index, in.offset));
        n->exports.push_back({e.name.name, it});
      }
    } else {
      NW_TRY_ASSIGN(Item comp, At(s, Sort::kComponent, in.component, in.offset));
      if (comp.component) {
        std::vector<NamedItem> args;
        for (const InstantiateArg& a : in.args) {
          if (!Space(s, a.item.sort)) continue;
          NW_TRY_ASSIGN(Item it, At(s, a.item.sort, a.item.index, in.offset));
          args.push_back({a.name, it});
        }
        NW_TRY_ASSIGN(Scope * inner, Walk(*comp.component, comp.component_scope, &args));
        n->exports = inner->exports;
      } else {
        n->kind = Node::Kind::kOpaque;  // an imported component: its exports are not walked
      }
    }
    s.instances.push_back({Sort::kInstance, n});
    return Ok();
  }

  std::deque<Node> nodes_;
  std::deque<Scope> scopes_;
  std::map<PrimType, Node*> prims_;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Printing.

struct IfaceName {
  std::string package;  // "ns:pkg@ver" ("" for a plain name)
  std::string iface;    // "iface" (or the plain name)
};

IfaceName SplitInterfaceName(std::string_view name) {
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) return {"", std::string(name)};
  size_t at = name.find('@', slash);
  std::string version = at == std::string_view::npos ? "" : std::string(name.substr(at));
  std::string iface(name.substr(slash + 1, at == std::string_view::npos ? std::string_view::npos : at - slash - 1));
  return {std::string(name.substr(0, slash)) + version, iface};
}

// A WIT identifier: a keyword is written with `%` (`%flags`, `%type`).
std::string Id(std::string_view name) {
  static const std::set<std::string_view> kKeywords = {
      "as", "async", "bool", "borrow", "char", "constructor", "enum", "error-context", "export",
      "f32", "f64", "flags", "float32", "float64", "from", "func", "future", "import", "include",
      "interface", "list", "own", "option", "package", "record", "resource", "result", "s16",
      "s32", "s64", "s8", "static", "stream", "string", "tuple", "type", "u16", "u32", "u64",
      "u8", "use", "variant", "with", "world"};
  return kKeywords.count(name) ? "%" + std::string(name) : std::string(name);
}

class Printer {
 public:
  Result<std::string> Run(const Scope& top) {
    // Names first: an interface (or the world) owns the types it is the first to export.
    for (const auto* list : {&top.imports, &top.exports})
      for (const NamedItem& ni : *list) {
        if (ni.item.sort == Sort::kInstance && ni.item.node && ni.item.node->kind == Node::Kind::kInstance) {
          for (const NamedItem& e : ni.item.node->exports) Name(e, ni.name);
        } else if (ni.item.sort == Sort::kType) {
          Name(ni, "");
        }
      }
    std::string world;
    NW_TRY(WorldItems(top.imports, "import", world));
    if (!top.imports.empty() && !top.exports.empty()) world += "\n";
    NW_TRY(WorldItems(top.exports, "export", world));
    std::string out = "package root:component;\n\nworld root {\n" + world + "}\n";
    // The interfaces, grouped by package in first-seen order.
    std::vector<std::string> order;
    std::map<std::string, std::string> bodies;
    for (const auto* list : {&top.imports, &top.exports})
      for (const NamedItem& ni : *list) {
        if (ni.item.sort != Sort::kInstance || !ni.item.node || ni.item.node->kind != Node::Kind::kInstance) continue;
        IfaceName n = SplitInterfaceName(ni.name);
        if (n.package.empty() || !printed_.insert(ni.name).second) continue;
        std::string body;
        NW_TRY(Interface(*ni.item.node, ni.name, "    ", body));
        if (!bodies.count(n.package)) order.push_back(n.package);
        bodies[n.package] += "  interface " + Id(n.iface) + " {\n" + body + "  }\n";
      }
    for (const std::string& p : order) out += "\npackage " + p + " {\n" + bodies[p] + "}\n";
    return out;
  }

 private:
  static void Name(const NamedItem& e, const std::string& iface) {
    if (e.item.sort != Sort::kType || !e.item.node) return;
    Node* n = e.item.node;
    if (n->named || n->kind == Node::Kind::kPrim) return;
    n->named = true;
    n->iface = iface;
    n->name = e.name;
  }

  // How `from` (an interface's full name, or "" for the world) refers to interface `to`.
  static std::string UsePath(const std::string& from, const std::string& to) {
    IfaceName a = SplitInterfaceName(from), b = SplitInterfaceName(to);
    if (!b.package.empty() && a.package == b.package) return Id(b.iface);
    return to;
  }

  // A type in a reference position, recording the `use`s a named foreign type needs.
  Result<std::string> Ref(const Node* n, const std::string& cur) {
    if (!n) return std::string("_");
    if (n->kind == Node::Kind::kPrim) return std::string(PrimTypeName(n->prim));
    if (n->named) {
      if (n->iface != cur) uses_[n->iface].insert(Id(n->name));
      return Id(n->name);
    }
    return Body(n, cur);
  }

  // A type's structure (the right-hand side of `type x = ...`).
  Result<std::string> Body(const Node* n, const std::string& cur) {
    if (n->kind != Node::Kind::kDefVal) {
      return MakeError("cannot print an anonymous " + std::string(n->kind == Node::Kind::kResource ? "resource" : "type") +
                       " in WIT (in " + (cur.empty() ? "the world" : cur) + ")");
    }
    auto ref = [&](size_t i) { return Ref(n->kids.size() > i ? n->kids[i] : nullptr, cur); };
    switch (n->val) {
      case DefValKind::kPrim: return std::string(PrimTypeName(n->prim));
      case DefValKind::kList: {
        NW_TRY_ASSIGN(std::string e, ref(0));
        return "list<" + e + ">";
      }
      case DefValKind::kFixedList: {
        NW_TRY_ASSIGN(std::string e, ref(0));
        return "list<" + e + ", " + std::to_string(n->length) + ">";
      }
      case DefValKind::kOption: {
        NW_TRY_ASSIGN(std::string e, ref(0));
        return "option<" + e + ">";
      }
      case DefValKind::kResult: {
        if (!n->kids[0] && !n->kids[1]) return std::string("result");
        NW_TRY_ASSIGN(std::string ok, ref(0));
        if (!n->kids[1]) return "result<" + ok + ">";
        NW_TRY_ASSIGN(std::string err, ref(1));
        return "result<" + ok + ", " + err + ">";
      }
      case DefValKind::kTuple: {
        std::string s = "tuple<";
        for (size_t i = 0; i < n->kids.size(); ++i) {
          NW_TRY_ASSIGN(std::string e, ref(i));
          s += (i ? ", " : "") + e;
        }
        return s + ">";
      }
      case DefValKind::kOwn: return ref(0);
      case DefValKind::kBorrow: {
        NW_TRY_ASSIGN(std::string e, ref(0));
        return "borrow<" + e + ">";
      }
      case DefValKind::kStream:
      case DefValKind::kFuture: {
        std::string w = n->val == DefValKind::kStream ? "stream" : "future";
        if (!n->kids[0]) return w;
        NW_TRY_ASSIGN(std::string e, ref(0));
        return w + "<" + e + ">";
      }
      case DefValKind::kMap: {
        NW_TRY_ASSIGN(std::string k, ref(0));
        NW_TRY_ASSIGN(std::string v, ref(1));
        return "map<" + k + ", " + v + ">";
      }
      case DefValKind::kRecord:
      case DefValKind::kVariant:
      case DefValKind::kEnum:
      case DefValKind::kFlags: break;
    }
    return MakeError("cannot print an anonymous record, variant, enum or flags in WIT (in " +
                     (cur.empty() ? std::string("the world") : cur) + ")");
  }

  Result<std::string> Func(const Node* f, const std::string& cur, size_t skip_params) {
    std::string s = f->async ? "async func(" : "func(";
    for (size_t i = skip_params; i < f->labels.size(); ++i) {
      NW_TRY_ASSIGN(std::string t, Ref(f->kids[i], cur));
      s += (i > skip_params ? ", " : "") + Id(f->labels[i]) + ": " + t;
    }
    s += ")";
    if (f->result) {
      NW_TRY_ASSIGN(std::string r, Ref(f->result, cur));
      s += " -> " + r;
    }
    return s;
  }

  // A named type's definition, with the methods of a resource.
  Result<std::string> TypeDefText(const Node* n, const std::string& name, const std::string& cur,
                                  const std::vector<NamedItem>& funcs, const std::string& ind) {
    auto block = [&](const char* word, bool payloads) -> Result<std::string> {
      std::string s = ind + word + " " + Id(name) + " {\n";
      for (size_t i = 0; i < n->labels.size(); ++i) {
        s += ind + "  " + Id(n->labels[i]);
        if (i < n->kids.size() && n->kids[i]) {
          NW_TRY_ASSIGN(std::string t, Ref(n->kids[i], cur));
          s += payloads ? "(" + t + ")" : ": " + t;
        }
        s += ",\n";
      }
      return s + ind + "}\n";
    };
    if (n->kind == Node::Kind::kResource) {
      std::string methods;
      for (const NamedItem& f : funcs) {
        PlainName p = ParsePlainName(f.name);
        if (!p.annotation || p.resource != name || !f.item.node) continue;
        if (p.annotation == 'c') {
          NW_TRY_ASSIGN(std::string sig, Func(f.item.node, cur, 0));
          // `constructor(...)` is written without `func` and without its `-> own<R>` result.
          std::string params = sig.substr(sig.find('('));
          params = params.substr(0, params.find(')') + 1);
          methods += ind + "  constructor" + params + ";\n";
        } else {
          NW_TRY_ASSIGN(std::string sig, Func(f.item.node, cur, p.annotation == 'm' ? 1 : 0));
          methods += ind + "  " + Id(p.label) + ": " + (p.annotation == 's' ? "static " : "") + sig + ";\n";
        }
      }
      if (methods.empty()) return ind + "resource " + Id(name) + ";\n";
      return ind + "resource " + Id(name) + " {\n" + methods + ind + "}\n";
    }
    if (n->kind == Node::Kind::kDefVal) {
      switch (n->val) {
        case DefValKind::kRecord: return block("record", false);
        case DefValKind::kVariant: return block("variant", true);
        case DefValKind::kEnum: return block("enum", false);
        case DefValKind::kFlags: return block("flags", false);
        default: break;
      }
    }
    NW_TRY_ASSIGN(std::string body, Body(n, cur));
    return ind + "type " + Id(name) + " = " + body + ";\n";
  }

  // An interface's (or inline interface's) items: uses, types, functions.
  Status Interface(const Node& inst, const std::string& cur, const std::string& ind, std::string& out) {
    uses_.clear();
    std::vector<NamedItem> funcs;
    for (const NamedItem& e : inst.exports)
      if (e.item.sort == Sort::kFunc) funcs.push_back(e);
    std::string types, fns;
    for (const NamedItem& e : inst.exports) {
      if (e.item.sort != Sort::kType || !e.item.node) continue;
      const Node* n = e.item.node;
      if (n->named && n->iface != cur) {
        uses_[n->iface].insert(n->name == e.name ? Id(n->name) : Id(n->name) + " as " + Id(e.name));
      } else if (n->named && n->name != e.name) {
        types += ind + "type " + Id(e.name) + " = " + Id(n->name) + ";\n";
      } else {
        NW_TRY_ASSIGN(std::string t, TypeDefText(n, e.name, cur, funcs, ind));
        types += t;
      }
    }
    for (const NamedItem& f : funcs) {
      if (ParsePlainName(f.name).annotation || !f.item.node) continue;
      NW_TRY_ASSIGN(std::string sig, Func(f.item.node, cur, 0));
      fns += ind + Id(f.name) + ": " + sig + ";\n";
    }
    for (const auto& [iface, names] : uses_) {
      out += ind + "use " + UsePath(cur, iface) + ".{";
      bool first = true;
      for (const std::string& n : names) {
        out += (first ? "" : ", ") + n;
        first = false;
      }
      out += "};\n";
    }
    out += types;
    if (!types.empty() && !fns.empty()) out += "\n";
    out += fns;
    return Ok();
  }

  Status WorldItems(const std::vector<NamedItem>& items, const char* word, std::string& out) {
    std::vector<NamedItem> funcs;
    for (const NamedItem& ni : items)
      if (ni.item.sort == Sort::kFunc) funcs.push_back(ni);
    for (const NamedItem& ni : items) {
      const Item& it = ni.item;
      switch (it.sort) {
        case Sort::kInstance: {
          if (!it.node || it.node->kind != Node::Kind::kInstance) {
            out += "  // " + std::string(word) + " " + ni.name + ": an instance whose type is not known here\n";
          } else if (!SplitInterfaceName(ni.name).package.empty()) {
            out += "  " + std::string(word) + " " + ni.name + ";\n";
          } else {
            std::string body;
            NW_TRY(Interface(*it.node, ni.name, "    ", body));
            out += "  " + std::string(word) + " " + Id(ni.name) + ": interface {\n" + body + "  }\n";
          }
          break;
        }
        case Sort::kFunc: {
          if (ParsePlainName(ni.name).annotation) break;  // printed with its resource
          uses_.clear();
          NW_TRY_ASSIGN(std::string sig, Func(it.node, "", 0));
          for (const auto& [iface, names] : uses_)  // a world function's interface types
            for (const std::string& n : names) out += "  use " + iface + ".{" + n + "};\n";
          out += "  " + std::string(word) + " " + Id(ni.name) + ": " + sig + ";\n";
          break;
        }
        case Sort::kType: {
          uses_.clear();
          const Node* n = it.node;
          std::string text;
          if (n->named && n->iface != "") {
            out += "  use " + n->iface + ".{" + (n->name == ni.name ? Id(n->name) : Id(n->name) + " as " + Id(ni.name)) + "};\n";
            break;
          }
          NW_TRY_ASSIGN(text, TypeDefText(n, ni.name, "", funcs, "  "));
          out += text;
          break;
        }
        case Sort::kComponent:
          out += "  // " + std::string(word) + " " + ni.name + ": a component (WIT has no component imports)\n";
          break;
        default: break;
      }
    }
    return Ok();
  }

  std::map<std::string, std::set<std::string>> uses_;
  std::set<std::string> printed_;
};

}  // namespace

Result<std::string> ComponentWit(const Component& c) {
  Resolver r;
  NW_TRY_ASSIGN(Scope * top, r.Top(c));
  Printer p;
  return p.Run(*top);
}

}  // namespace nw::component

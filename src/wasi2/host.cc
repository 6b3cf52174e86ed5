// The WASI 0.2 host's machinery (host.h): the WIT-like type text of the interface tables parsed
// into the component store's TypeTable, host resource types whose destructor frees the host
// object, host functions bound to handlers, and linking a component's imports by interface
// name with any 0.2.x version. The interfaces themselves are in io.cc, cli.cc, filesystem.cc
// and sockets.cc.
#include "wasi2/host.h"

#include <cctype>
#include <functional>

#include "component/canon_options.h"
#include "wasi/ctx.h"

namespace nw::wasi2 {

using component::RtFunc;
using component::RtItem;
using component::RtType;
using component::TypeId;

struct Host::Built {
  std::string name;
  std::vector<Built*> uses;
  std::map<std::string, RtType> types;  // named value types and resources
  component::RtInstance* instance = nullptr;
};

namespace {

struct Binding {
  Host* host;
  HostFn fn;
};

Result<Values> CallBinding(void* ctx, std::span<const ComponentValue> args) {
  auto* b = static_cast<Binding*>(ctx);
  auto r = b->fn(*b->host, args);
  if (r && b->host->over_limit())
    return component::Trap("wasi: more than " + std::to_string(Host::kMaxObjects) +
                           " live host resources (streams, pollables, ...)");
  return r;
}

struct DtorCtx {
  Host* host;
};

Status DropObject(void* ctx, uint32_t rep) {
  static_cast<DtorCtx*>(ctx)->host->Take(rep);  // destroyed here
  return nw::Ok();
}

// A recursive-descent reader of the type text: prim | list<T> | option<T> | result[<T|_[,E]>]
// | tuple<T,...> | own<R> | borrow<R> | record{n: T, ...} | variant{n[(T)], ...} | enum{...}
// | flags{...} | a name (a named value type, or a resource meaning own<R>).
class TypeReader {
 public:
  TypeReader(component::TypeTable& types, std::string_view text,
             const std::function<const RtType*(std::string_view)>& lookup)
      : types_(types), s_(text), lookup_(lookup) {}

  Result<TypeId> Type() {
    std::string w = Word();
    if (w.empty()) return Fail("a type");
    static const std::pair<const char*, component::TypeKind> kPrims[] = {
        {"bool", component::TypeKind::kBool},    {"s8", component::TypeKind::kS8},
        {"u8", component::TypeKind::kU8},        {"s16", component::TypeKind::kS16},
        {"u16", component::TypeKind::kU16},      {"s32", component::TypeKind::kS32},
        {"u32", component::TypeKind::kU32},      {"s64", component::TypeKind::kS64},
        {"u64", component::TypeKind::kU64},      {"f32", component::TypeKind::kF32},
        {"f64", component::TypeKind::kF64},      {"char", component::TypeKind::kChar},
        {"string", component::TypeKind::kString}};
    for (const auto& [n, k] : kPrims)
      if (w == n) return types_.Primitive(k);
    if (w == "list" || w == "option") {
      NW_TRY(Expect('<'));
      NW_TRY_ASSIGN(TypeId e, Type());
      NW_TRY(Expect('>'));
      return w == "list" ? types_.List(e) : types_.Option(e);
    }
    if (w == "result") {
      std::optional<TypeId> ok, err;
      if (!Peek('<')) return types_.ResultOf(ok, err);
      NW_TRY(Expect('<'));
      if (Peek('_')) {
        ++pos_;
      } else {
        NW_TRY_ASSIGN(TypeId t, Type());
        ok = t;
      }
      if (Peek(',')) {
        ++pos_;
        NW_TRY_ASSIGN(TypeId t, Type());
        err = t;
      }
      NW_TRY(Expect('>'));
      return types_.ResultOf(ok, err);
    }
    if (w == "tuple") {
      NW_TRY(Expect('<'));
      std::vector<TypeId> ts;
      do {
        NW_TRY_ASSIGN(TypeId t, Type());
        ts.push_back(t);
      } while (Accept(','));
      NW_TRY(Expect('>'));
      return types_.Tuple(ts);
    }
    if (w == "own" || w == "borrow") {
      NW_TRY(Expect('<'));
      std::string n = Word();
      NW_TRY(Expect('>'));
      const RtType* t = lookup_(n);
      if (!t || t->kind != RtType::Kind::kResource) return Fail("a resource name");
      return w == "own" ? types_.Own(t->rt) : types_.Borrow(t->rt);
    }
    if (w == "record" || w == "variant") {
      NW_TRY(Expect('{'));
      std::vector<component::Field> fields;
      std::vector<component::Case> cases;
      do {
        std::string label = Word();
        if (label.empty()) return Fail("a label");
        if (w == "record") {
          NW_TRY(Expect(':'));
          NW_TRY_ASSIGN(TypeId t, Type());
          fields.push_back({label, t});
        } else {
          std::optional<TypeId> t;
          if (Accept('(')) {
            NW_TRY_ASSIGN(TypeId p, Type());
            t = p;
            NW_TRY(Expect(')'));
          }
          cases.push_back({label, t});
        }
      } while (Accept(','));
      NW_TRY(Expect('}'));
      return w == "record" ? types_.Record(std::move(fields)) : types_.Variant(std::move(cases));
    }
    if (w == "enum" || w == "flags") {
      NW_TRY(Expect('{'));
      std::vector<std::string> labels;
      do labels.push_back(Word());
      while (Accept(','));
      NW_TRY(Expect('}'));
      return w == "enum" ? types_.Enum(labels) : types_.Flags(labels);
    }
    const RtType* t = lookup_(w);
    if (!t) return MakeError("unknown type name \"" + w + "\" in \"" + std::string(s_) + "\"");
    if (t->kind == RtType::Kind::kResource) return types_.Own(t->rt);
    return t->id;
  }

  Result<component::FuncType> Func(std::optional<TypeId> self) {
    component::FuncType f;
    if (self) f.params.push_back(*self);
    NW_TRY(Expect('('));
    if (!Accept(')')) {
      do {
        NW_TRY_ASSIGN(TypeId t, Type());
        f.params.push_back(t);
      } while (Accept(','));
      NW_TRY(Expect(')'));
    }
    Skip();
    if (s_.substr(pos_, 2) == "->") {
      pos_ += 2;
      NW_TRY_ASSIGN(TypeId t, Type());
      f.results.push_back(t);
    }
    Skip();
    if (pos_ != s_.size()) return Fail("the end");
    return f;
  }

  bool AtEnd() {
    Skip();
    return pos_ == s_.size();
  }

 private:
  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  std::string Word() {
    Skip();
    size_t b = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-'))
      ++pos_;
    return std::string(s_.substr(b, pos_ - b));
  }
  bool Peek(char c) {
    Skip();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool Accept(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  Status Expect(char c) {
    if (Accept(c)) return nw::Ok();
    return Fail(std::string("'") + c + "'");
  }
  std::unexpected<Error> Fail(const std::string& what) {
    return MakeError("wasi2 type text \"" + std::string(s_) + "\": expected " + what + " at " +
                     std::to_string(pos_));
  }

  component::TypeTable& types_;
  std::string_view s_;
  size_t pos_ = 0;
  const std::function<const RtType*(std::string_view)>& lookup_;
};

const std::vector<InterfaceSpec>& Specs() {
  static const std::vector<InterfaceSpec> specs = [] {
    std::vector<InterfaceSpec> v;
    AddIoInterfaces(v);
    AddCliInterfaces(v);
    AddFilesystemInterfaces(v);
    AddSocketsInterfaces(v);
    return v;
  }();
  return specs;
}

// "wasi:io/streams@0.2.12" -> "wasi:io/streams" when the version is a 0.2.x.
std::optional<std::string> InterfaceOf(std::string_view import_name) {
  size_t at = import_name.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view version = import_name.substr(at + 1);
  if (version.substr(0, 4) != "0.2.") return std::nullopt;
  return std::string(import_name.substr(0, at));
}

}  // namespace

Host::Host(component::ComponentStore& cs, std::shared_ptr<WasiCtx> ctx)
    : cs_(cs), ctx_(std::move(ctx)) {}
Host::~Host() = default;

uint32_t Host::Add(std::unique_ptr<Object> o) {
  if (!free_.empty()) {
    uint32_t i = free_.back();
    free_.pop_back();
    objects_[i] = std::move(o);
    return i + 1;
  }
  objects_.push_back(std::move(o));
  return static_cast<uint32_t>(objects_.size());
}

std::unique_ptr<Object> Host::Take(uint32_t rep) {
  if (rep == 0 || rep - 1 >= objects_.size() || !objects_[rep - 1]) return nullptr;
  free_.push_back(rep - 1);
  return std::move(objects_[rep - 1]);
}

Result<Host::Built*> Host::Build(const std::string& name) {
  if (auto it = built_.find(name); it != built_.end()) {
    if (!it->second) return MakeError("interface " + name + " uses itself");
    return it->second.get();
  }
  const InterfaceSpec* spec = nullptr;
  for (const auto& s : Specs())
    if (name == s.name) spec = &s;
  if (!spec) return MakeError("no such interface");
  built_[name] = nullptr;  // marks the build in progress
  auto b = std::make_unique<Built>();
  b->name = name;
  for (const char* u : spec->uses) {
    NW_TRY_ASSIGN(Built * ub, Build(u));
    b->uses.push_back(ub);
  }
  Built* raw = b.get();
  std::function<const RtType*(std::string_view)> lookup =
      [raw](std::string_view n) -> const RtType* {
    std::string key(n);
    if (auto it = raw->types.find(key); it != raw->types.end()) return &it->second;
    for (Built* u : raw->uses)
      if (auto it = u->types.find(key); it != u->types.end()) return &it->second;
    return nullptr;
  };
  auto* inst = cs_.Make<component::RtInstance>();
  for (const auto& t : spec->types) {
    RtType rt;
    if (std::string_view(t.def) == "resource") {
      auto* res = cs_.Make<component::ResourceType>();
      res->dtor = DropObject;
      res->dtor_ctx = cs_.Make<DtorCtx>(DtorCtx{this});
      rt.kind = RtType::Kind::kResource;
      rt.rt = res;
    } else {
      TypeReader r(cs_.types(), t.def, lookup);
      NW_TRY_ASSIGN(rt.id, r.Type());
      if (!r.AtEnd()) return MakeError(name + ": trailing text in type " + t.name);
      rt.kind = RtType::Kind::kValue;
    }
    raw->types[t.name] = rt;
  }
  // Types used from other interfaces are exported too (a component may alias them from here).
  std::map<std::string, RtType> exported = raw->types;
  for (Built* u : raw->uses)
    for (const auto& [n, t] : u->types) exported.emplace(n, t);
  for (const auto& [n, t] : exported) {
    RtItem item;
    item.sort = component::Sort::kType;
    item.type = t;
    inst->exports.emplace_back(n, item);
  }
  for (const auto& f : spec->funcs) {
    std::string fname = f.name;
    std::optional<TypeId> self;
    if (fname.rfind("[method]", 0) == 0) {
      std::string res = fname.substr(8, fname.find('.') - 8);
      const RtType* t = lookup(res);
      if (!t || t->kind != RtType::Kind::kResource)
        return MakeError(name + ": method of unknown resource " + res);
      NW_TRY_ASSIGN(TypeId bt, cs_.types().Borrow(t->rt));
      self = bt;
    }
    TypeReader r(cs_.types(), f.sig, lookup);
    NW_TRY_ASSIGN(component::FuncType ft, r.Func(self));
    auto* binding = cs_.Make<Binding>(Binding{this, f.fn});
    NW_TRY_ASSIGN(RtFunc * rf,
                  cs_.HostFunction(std::move(ft), component::HostFunc{binding, CallBinding}));
    RtItem item;
    item.sort = component::Sort::kFunc;
    item.func = rf;
    inst->exports.emplace_back(fname, item);
  }
  raw->instance = inst;
  built_[name] = std::move(b);
  return raw;
}

Result<std::vector<std::pair<std::string, RtItem>>> Host::Link(const component::Component& c) {
  std::vector<std::pair<std::string, RtItem>> args;
  for (const auto& im : c.imports) {
    const std::string& n = im.name.name;
    auto iface = InterfaceOf(n);
    if (!iface) return MakeError(im.offset, "import \"" + n + "\" is not a WASI 0.2 interface");
    if (im.type.kind != component::ExternKindC::kInstance)
      return MakeError(im.offset, "import \"" + n + "\" is not an instance");
    auto b = Build(*iface);
    if (!b) return MakeError(im.offset, "import \"" + n + "\": " + b.error().message);
    RtItem item;
    item.sort = component::Sort::kInstance;
    item.instance = (*b)->instance;
    args.emplace_back(n, item);
  }
  return args;
}

Result<component::RtInstance*> Host::Instance(std::string_view import_name) {
  auto iface = InterfaceOf(import_name);
  if (!iface) return MakeError("\"" + std::string(import_name) + "\" is not a WASI 0.2 interface");
  auto b = Build(*iface);
  if (!b) return MakeError("\"" + std::string(import_name) + "\": " + b.error().message);
  return (*b)->instance;
}

bool IsWasi2Import(std::string_view import_name) {
  return import_name.starts_with("wasi:") && InterfaceOf(import_name).has_value();
}

Result<int> Host::RunCommand(const component::RtInstance& inst) {
  const RtItem* run = nullptr;
  for (const auto& [n, item] : inst.exports)
    if (InterfaceOf(n) == std::optional<std::string>("wasi:cli/run") &&
        item.sort == component::Sort::kInstance)
      run = item.instance->Find("run");
  if (!run || run->sort != component::Sort::kFunc)
    return MakeError("the component exports no wasi:cli/run@0.2.x instance with a run function");
  auto r = cs_.Call(*run->func, {});
  if (exit_code_) return *exit_code_;
  if (!r) return std::unexpected(r.error());
  if (r->size() != 1 || r->front().kind() != component::TypeKind::kVariant)
    return MakeError("wasi:cli/run#run returned something other than a result");
  return r->front().case_index() == 0 ? 0 : 1;
}

ComponentValue Bytes(const uint8_t* p, size_t n) {
  return ComponentValue::Bytes(std::string(reinterpret_cast<const char*>(p), n));
}

std::string_view BytesOf(const ComponentValue& v, std::string& scratch) {
  if (v.packed()) return v.packed_bytes();
  scratch.clear();
  scratch.reserve(v.elems().size());
  for (const auto& e : v.elems()) scratch.push_back(static_cast<char>(e.bits()));
  return scratch;
}

}  // namespace nw::wasi2

// The public component API (include/nanowasm/component.hpp) over the instantiator
// (component/instantiate.h): public values are converted to and from the ABI's ComponentValue
// with the function's types at the boundary (so enum/option/result/tuple keep their source
// kind for the host), host functions become HostFunc thunks, and errors are classified into
// misuse / core trap / ABI trap / host trap. Not here: the C API (capi_component.cc).
#include "nanowasm/component.hpp"

#include <cstring>
#include <deque>
#include <map>

#include "component/api_internal.h"
#include "component/binary_reader.h"
#include "component/instantiate.h"
#include "component/text/component_wat.h"
#include "component/validate.h"

namespace nw {

using component::AbiType;
using component::ComponentValue;
using component::RtFunc;
using component::RtInstance;
using component::RtItem;
using component::Sort;
using component::SourceKind;
using component::TypeId;
using component::TypeKind;
using component::TypeTable;

// ---- values -----------------------------------------------------------------------------------

std::string_view ComponentValKindName(ComponentValKind k) {
  static constexpr std::string_view kNames[] = {
      "bool", "s8",     "u8",      "s16",  "u16",    "s32",    "u32",   "s64",
      "u64",  "f32",    "f64",     "char", "string", "list",   "record", "tuple",
      "variant", "enum", "option", "result", "flags", "own",   "borrow"};
  return kNames[static_cast<size_t>(k)];
}

ComponentVal ComponentVal::F32(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return Scalar(ComponentValKind::kF32, b);
}
ComponentVal ComponentVal::F64(double f) {
  uint64_t b;
  std::memcpy(&b, &f, 8);
  return Scalar(ComponentValKind::kF64, b);
}
ComponentVal ComponentVal::String(std::string utf8) {
  ComponentVal v;
  v.kind_ = ComponentValKind::kString;
  v.str_ = std::move(utf8);
  return v;
}
float ComponentVal::as_f32() const {
  uint32_t b = static_cast<uint32_t>(bits_);
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
double ComponentVal::as_f64() const {
  double f;
  std::memcpy(&f, &bits_, 8);
  return f;
}

std::string ComponentVal::ToString() const {
  std::string s = "(";
  s += ComponentValKindName(kind_);
  switch (kind_) {
    case ComponentValKind::kBool: s += as_bool() ? " true" : " false"; break;
    case ComponentValKind::kS8: case ComponentValKind::kS16: case ComponentValKind::kS32:
    case ComponentValKind::kS64: s += " " + std::to_string(as_s64()); break;
    case ComponentValKind::kF32: s += " " + std::to_string(as_f32()); break;
    case ComponentValKind::kF64: s += " " + std::to_string(as_f64()); break;
    case ComponentValKind::kString: s += " \"" + str_ + "\""; break;
    case ComponentValKind::kList: case ComponentValKind::kRecord: case ComponentValKind::kTuple:
      if (packed_) {
        for (size_t i = 0; i < list_size(); ++i) s += " " + list_elem(i).ToString();
        break;
      }
      for (const auto& e : elems_) s += " " + e.ToString();
      break;
    case ComponentValKind::kVariant: case ComponentValKind::kEnum: case ComponentValKind::kOption:
    case ComponentValKind::kResult:
      s += " " + std::to_string(case_index());
      if (payload()) s += " " + payload()->ToString();
      break;
    default: s += " " + std::to_string(bits_); break;
  }
  return s + ")";
}

bool ComponentVal::operator==(const ComponentVal& o) const {
  if (kind_ != o.kind_) return false;
  if (packed_ || o.packed_) {  // by elements, whichever form each list is in
    if (packed_ && o.packed_ && elem_ == o.elem_) return str_ == o.str_;
    if (list_size() != o.list_size()) return false;
    for (size_t i = 0; i < list_size(); ++i)
      if (!(list_elem(i) == o.list_elem(i))) return false;
    return true;
  }
  return bits_ == o.bits_ && str_ == o.str_ && elems_ == o.elems_;
}

ComponentVal ComponentVal::list_elem(size_t i) const {
  if (!packed_) return elems_[i];
  size_t w = PackedWidth(elem_);
  uint64_t v = 0;
  std::memcpy(&v, str_.data() + i * w, w);  // little-endian, as linear memory
  switch (elem_) {
    case ComponentValKind::kS8: return S8(static_cast<int8_t>(v));
    case ComponentValKind::kS16: return S16(static_cast<int16_t>(v));
    case ComponentValKind::kS32: return S32(static_cast<int32_t>(v));
    case ComponentValKind::kBool: return Bool(v != 0);
    default: return Scalar(elem_, v);
  }
}

namespace {

// What the host's last call did, for classifying errors (one call at a time per thread).
thread_local bool g_host_failed = false;

ComponentError Classify(const Error& e) {
  ComponentError out;
  out.message = e.message;
  if (!component::IsTrap(e)) return out;
  out.message = e.message.substr(6);
  const component::CoreTrapRecord& rec = component::ThreadCoreTrap();
  if (rec.set && rec.kind != TrapKind::kHostError) {
    out.kind = ComponentError::Kind::kTrap;
    out.trap_kind = rec.kind;
  } else if (g_host_failed) {
    out.kind = ComponentError::Kind::kHostTrap;
  } else {
    out.kind = ComponentError::Kind::kAbiTrap;
  }
  return out;
}

ComponentError Misuse(std::string m) {
  ComponentError e;
  e.message = std::move(m);
  return e;
}

ComponentValKind PublicKind(const AbiType& t) {
  switch (t.source) {
    case SourceKind::kList: case SourceKind::kMap: return ComponentValKind::kList;
    case SourceKind::kRecord: return ComponentValKind::kRecord;
    case SourceKind::kTuple: return ComponentValKind::kTuple;
    case SourceKind::kVariant: return ComponentValKind::kVariant;
    case SourceKind::kEnum: return ComponentValKind::kEnum;
    case SourceKind::kOption: return ComponentValKind::kOption;
    case SourceKind::kResult: return ComponentValKind::kResult;
    case SourceKind::kFlags: return ComponentValKind::kFlags;
    case SourceKind::kOwn: return ComponentValKind::kOwn;
    case SourceKind::kBorrow: return ComponentValKind::kBorrow;
    case SourceKind::kPrimitive: break;
  }
  return static_cast<ComponentValKind>(t.kind);  // bool..string share their order
}

// Public -> ABI value of type `id`, checking the kind at every level.
Result<ComponentValue> ToAbi(const TypeTable& types, TypeId id, const ComponentVal& v) {
  const AbiType& t = types.Get(id);
  if (t.kind == TypeKind::kStream || t.kind == TypeKind::kFuture)
    return MakeError("stream and future values are not supported by the embedding API (" +
                     types.Describe(id) + ")");
  ComponentValKind want = PublicKind(t);
  if (v.kind() != want)
    return MakeError("expected a " + std::string(ComponentValKindName(want)) + " (" +
                     types.Describe(id) + "), got " + v.ToString());
  if (v.is_packed()) {
    // Scalar kinds bool..char share their order in both enums.
    auto elem = static_cast<TypeKind>(v.packed_elem());
    std::string_view name = ComponentValKindName(v.packed_elem());
    if (ComponentVal::PackedWidth(v.packed_elem()) == 0)
      return MakeError("a packed list of " + std::string(name) + " (only bool, integers, floats and char pack)");
    if (t.kind != TypeKind::kList || types.Get(t.elem).kind != elem)
      return MakeError("packed list<" + std::string(name) + "> given for " + types.Describe(id));
    NW_TRY_ASSIGN(ComponentValue p, ComponentValue::Packed(elem, v.packed_bytes()));
    if (!t.fixed_length) return p;
    if (p.list_size() != *t.fixed_length)
      return MakeError("expected " + std::to_string(*t.fixed_length) + " elements (" +
                       types.Describe(id) + "), got " + std::to_string(p.list_size()));
    return p.Unpacked();  // fixed-length lists are unrolled
  }
  switch (t.kind) {
    case TypeKind::kChar: return ComponentValue::Char(v.as_char());
    case TypeKind::kString: return ComponentValue::String(v.as_string());
    case TypeKind::kList: {
      std::vector<ComponentValue> es;
      es.reserve(v.elems().size());
      for (const auto& e : v.elems()) {
        NW_TRY_ASSIGN(ComponentValue c, ToAbi(types, t.elem, e));
        es.push_back(std::move(c));
      }
      return ComponentValue::List(std::move(es));
    }
    case TypeKind::kRecord: {
      if (v.elems().size() != t.fields.size())
        return MakeError("expected " + std::to_string(t.fields.size()) + " fields (" +
                         types.Describe(id) + "), got " + std::to_string(v.elems().size()));
      std::vector<ComponentValue> es;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        NW_TRY_ASSIGN(ComponentValue c, ToAbi(types, t.fields[i].type, v.elems()[i]));
        es.push_back(std::move(c));
      }
      return ComponentValue::Record(std::move(es));
    }
    case TypeKind::kVariant: {
      uint32_t ci = v.case_index();
      if (ci >= t.cases.size()) return MakeError("case index " + std::to_string(ci) + " out of range for " + types.Describe(id));
      const auto& c = t.cases[ci];
      if (c.type.has_value() != (v.payload() != nullptr))
        return MakeError("case " + std::to_string(ci) + " of " + types.Describe(id) +
                         (c.type ? " needs a payload" : " has no payload"));
      if (!c.type) return ComponentValue::Variant(ci);
      NW_TRY_ASSIGN(ComponentValue p, ToAbi(types, *c.type, *v.payload()));
      return ComponentValue::Variant(ci, std::move(p));
    }
    default: return ComponentValue::FromBits(t.kind, v.bits());
  }
}

// ABI -> public value; a list lifted packed stays packed where `form` asks for it (kBytes:
// list<u8> only, kPacked: every list of scalars).
ComponentVal FromAbi(const TypeTable& types, TypeId id, const ComponentValue& v,
                     ComponentFunc::ByteLists form = ComponentFunc::ByteLists::kElements) {
  using ByteLists = ComponentFunc::ByteLists;
  const AbiType& t = types.Get(id);
  ComponentValKind k = PublicKind(t);
  switch (t.kind) {
    case TypeKind::kString: return ComponentVal::String(v.ToUtf8());
    case TypeKind::kList: {
      if (v.packed() && (form == ByteLists::kPacked ||
                         (form == ByteLists::kBytes && v.packed_elem() == TypeKind::kU8)))
        return ComponentVal::Packed(static_cast<ComponentValKind>(v.packed_elem()), v.packed_bytes());
      std::vector<ComponentVal> es;
      es.reserve(v.list_size());
      if (v.packed()) {
        for (size_t i = 0; i < v.list_size(); ++i) es.push_back(FromAbi(types, t.elem, v.list_elem(i)));
      } else {
        for (const auto& e : v.elems()) es.push_back(FromAbi(types, t.elem, e, form));
      }
      return ComponentVal::List(std::move(es));
    }
    case TypeKind::kRecord: {
      std::vector<ComponentVal> es;
      for (size_t i = 0; i < t.fields.size() && i < v.elems().size(); ++i)
        es.push_back(FromAbi(types, t.fields[i].type, v.elems()[i], form));
      return k == ComponentValKind::kTuple ? ComponentVal::Tuple(std::move(es))
                                           : ComponentVal::Record(std::move(es));
    }
    case TypeKind::kVariant: {
      uint32_t ci = v.case_index();
      std::optional<ComponentVal> p;
      if (ci < t.cases.size() && t.cases[ci].type && v.payload())
        p = FromAbi(types, *t.cases[ci].type, *v.payload(), form);
      switch (k) {
        case ComponentValKind::kEnum: return ComponentVal::Enum(ci);
        case ComponentValKind::kOption: return ci == 0 ? ComponentVal::None() : ComponentVal::Some(std::move(*p));
        case ComponentValKind::kResult: return ci == 0 ? ComponentVal::Ok(std::move(p)) : ComponentVal::Err(std::move(p));
        default: return ComponentVal::Variant(ci, std::move(p));
      }
    }
    case TypeKind::kBool: return ComponentVal::Bool(v.as_bool());
    case TypeKind::kS8: return ComponentVal::S8(static_cast<int8_t>(v.as_s64()));
    case TypeKind::kU8: return ComponentVal::U8(static_cast<uint8_t>(v.bits()));
    case TypeKind::kS16: return ComponentVal::S16(static_cast<int16_t>(v.as_s64()));
    case TypeKind::kU16: return ComponentVal::U16(static_cast<uint16_t>(v.bits()));
    case TypeKind::kS32: return ComponentVal::S32(static_cast<int32_t>(v.as_s64()));
    case TypeKind::kU32: return ComponentVal::U32(static_cast<uint32_t>(v.bits()));
    case TypeKind::kS64: return ComponentVal::S64(v.as_s64());
    case TypeKind::kU64: return ComponentVal::U64(v.bits());
    case TypeKind::kF32: return ComponentVal::F32(v.as_f32());
    case TypeKind::kF64: return ComponentVal::F64(v.as_f64());
    case TypeKind::kChar: return ComponentVal::Char(static_cast<char32_t>(v.bits()));
    case TypeKind::kFlags: return ComponentVal::Flags(static_cast<uint32_t>(v.bits()));
    case TypeKind::kOwn: return ComponentVal::Own(static_cast<uint32_t>(v.bits()));
    case TypeKind::kBorrow: return ComponentVal::Borrow(static_cast<uint32_t>(v.bits()));
    case TypeKind::kStream:
    case TypeKind::kFuture:
      // Not passed by the embedding API (ToAbi refuses them); a result of such a type shows
      // its handle index.
      return ComponentVal::U32(static_cast<uint32_t>(v.bits()));
  }
  return {};
}

// ---- shapes of the typed sugar ------------------------------------------------------------------

bool Eat(std::string_view& s, std::string_view tok) {
  if (!s.starts_with(tok)) return false;
  s.remove_prefix(tok.size());
  return true;
}

bool MatchShape(const TypeTable& types, TypeId id, std::string_view& s);

// "T1;T2;...>" against a sequence of optional types.
template <class Get>
bool MatchList(const TypeTable& types, size_t n, Get get, std::string_view& s) {
  for (size_t i = 0; i < n; ++i) {
    if (i && !Eat(s, ";")) return false;
    std::optional<TypeId> t = get(i);
    if (!t) {
      if (!Eat(s, "_")) return false;
    } else if (!MatchShape(types, *t, s)) {
      return false;
    }
  }
  return Eat(s, ">");
}

bool MatchShape(const TypeTable& types, TypeId id, std::string_view& s) {
  const AbiType& t = types.Get(id);
  switch (t.kind) {
    case TypeKind::kRecord:
      if (!Eat(s, t.source == SourceKind::kTuple ? "t<" : "r<")) return false;
      return MatchList(types, t.fields.size(), [&](size_t i) { return std::optional(t.fields[i].type); }, s);
    case TypeKind::kVariant:
      if (t.source == SourceKind::kEnum && Eat(s, "E")) return true;
      if (!Eat(s, "v<")) return false;
      return MatchList(types, t.cases.size(), [&](size_t i) { return t.cases[i].type; }, s);
    case TypeKind::kList:
      if (t.fixed_length || !Eat(s, "list<")) return false;
      return MatchShape(types, t.elem, s) && Eat(s, ">");
    case TypeKind::kStream: case TypeKind::kFuture: return false;  // no C++ mapping
    case TypeKind::kFlags: return Eat(s, "fl");
    case TypeKind::kOwn: return Eat(s, "own");
    case TypeKind::kBorrow: return Eat(s, "borrow");
    default: {
      std::string_view name = ComponentValKindName(static_cast<ComponentValKind>(t.kind));
      // Whole tokens only ("s8" must not match the start of "s16").
      if (!s.starts_with(name)) return false;
      std::string_view rest = s.substr(name.size());
      if (!rest.empty() && rest[0] != ';' && rest[0] != '>') return false;
      s = rest;
      return true;
    }
  }
}

bool Fits(const TypeTable& types, TypeId id, std::string_view shape) {
  return MatchShape(types, id, shape) && shape.empty();
}

std::string FuncTypeText(const TypeTable& types, const component::FuncType& ft) {
  std::string s = "func(";
  for (size_t i = 0; i < ft.params.size(); ++i) s += (i ? ", " : "") + types.Describe(ft.params[i]);
  s += ")";
  if (!ft.results.empty()) s += " -> " + types.Describe(ft.results[0]);
  return s;
}

}  // namespace

ComponentError typed_detail::TypedMismatch(std::string what) {
  return Misuse("typed component func: " + what + " does not fit the C++ type");
}

// ---- modules ------------------------------------------------------------------------------------

struct ComponentModule::Impl {
  std::shared_ptr<component::Component> ast;
};

ComponentModule::ComponentModule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ComponentModule::~ComponentModule() = default;

static Result<std::shared_ptr<const ComponentModule>> FromAst(component::Component c) {
  NW_TRY(component::ValidateComponent(c));
  auto impl = std::make_unique<ComponentModule::Impl>();
  impl->ast = std::make_shared<component::Component>(std::move(c));
  return std::make_shared<const ComponentModule>(std::move(impl));
}

Result<std::shared_ptr<const ComponentModule>> ComponentModule::FromBinary(std::span<const uint8_t> bytes) {
  NW_TRY_ASSIGN(component::Component c, component::DecodeComponent(bytes));
  return FromAst(std::move(c));
}

Result<std::shared_ptr<const ComponentModule>> ComponentModule::FromText(std::string_view text) {
  NW_TRY_ASSIGN(component::Component c, component::ParseComponentText(text));
  return FromAst(std::move(c));
}

std::vector<std::string> ComponentModule::ImportNames() const {
  std::vector<std::string> out;
  for (const auto& im : impl_->ast->imports) out.push_back(im.name.name);
  return out;
}
std::vector<std::string> ComponentModule::ExportNames() const {
  std::vector<std::string> out;
  for (const auto& ex : impl_->ast->exports) out.push_back(ex.name.name);
  return out;
}

// ---- stores -------------------------------------------------------------------------------------

struct HostCtx {
  ComponentHostFuncN fn;
  const TypeTable* types;
  component::FuncType type;
  std::string path;
  // A typed host function gets lists of scalars packed (its CTypes read both forms).
  ComponentFunc::ByteLists form = ComponentFunc::ByteLists::kElements;
};

struct ResourceCtx {
  std::function<void(uint32_t)> dtor;
};

struct ComponentStore::Impl {
  explicit Impl(Store& s) : store(s), cs(s) {}
  Store& store;
  component::ComponentStore cs;
  std::vector<std::shared_ptr<component::Component>> asts;  // instantiated ASTs stay alive
  std::deque<HostCtx> hosts;
  std::deque<ResourceCtx> resource_ctxs;
  std::map<std::pair<const void*, std::string>, const component::ResourceType*> resources;
};

ComponentStore::ComponentStore(Store& store) : impl_(std::make_unique<Impl>(store)) {}
ComponentStore::~ComponentStore() = default;
Store& ComponentStore::store() { return impl_->store; }

// The public defaults are the runtime's.
static_assert(ComponentLimits{}.max_async_threads == component::ComponentStore::kDefaultMaxAsyncThreads);
static_assert(ComponentLimits{}.max_callback_tasks == component::ComponentStore::kDefaultMaxCallbackTasks);
static_assert(ComponentLimits{}.max_host_value_bytes == component::kMaxHostValueBytes);

void ComponentStore::SetLimits(const ComponentLimits& limits) {
  component::ComponentStore& cs = impl_->cs;
  cs.set_max_async_threads(limits.max_async_threads);
  cs.set_max_callback_tasks(limits.max_callback_tasks);
  cs.set_max_host_value_bytes(limits.max_host_value_bytes);
}

ComponentLimits ComponentStore::limits() const {
  const component::ComponentStore& cs = impl_->cs;
  return ComponentLimits{cs.max_async_threads(), cs.max_callback_tasks(), cs.max_host_value_bytes()};
}

// ---- functions and instances --------------------------------------------------------------------

static const RtFunc& FuncOf(const void* p) { return *static_cast<const RtFunc*>(p); }

CallResult<std::vector<ComponentVal>> ComponentFunc::Call(std::span<const ComponentVal> args) const {
  return Call(args, ByteLists::kElements);
}

CallResult<std::vector<ComponentVal>> ComponentFunc::Call(std::span<const ComponentVal> args,
                                                          ByteLists form) const {
  if (!func_) return std::unexpected(Misuse("call of a null component function"));
  const RtFunc& f = FuncOf(func_);
  const TypeTable& types = cs_->impl().cs.types();
  if (args.size() != f.type.params.size())
    return std::unexpected(Misuse("expected " + std::to_string(f.type.params.size()) +
                                  " arguments, got " + std::to_string(args.size())));
  std::vector<ComponentValue> in;
  in.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    auto v = ToAbi(types, f.type.params[i], args[i]);
    if (!v) return std::unexpected(Misuse("argument " + std::to_string(i) + ": " + v.error().message));
    in.push_back(std::move(*v));
  }
  component::ThreadCoreTrap() = {};
  g_host_failed = false;
  auto r = cs_->impl().cs.Call(f, in);
  if (!r) return std::unexpected(Classify(r.error()));
  std::vector<ComponentVal> out;
  for (size_t i = 0; i < r->size() && i < f.type.results.size(); ++i)
    out.push_back(FromAbi(types, f.type.results[i], (*r)[i], form));
  return out;
}

size_t ComponentFunc::param_count() const { return func_ ? FuncOf(func_).type.params.size() : 0; }
size_t ComponentFunc::result_count() const { return func_ ? FuncOf(func_).type.results.size() : 0; }
std::string ComponentFunc::TypeText() const {
  return func_ ? FuncTypeText(cs_->impl().cs.types(), FuncOf(func_).type) : "";
}
bool ComponentFunc::ParamFits(size_t i, std::string_view shape) const {
  if (!func_ || i >= FuncOf(func_).type.params.size()) return false;
  return Fits(cs_->impl().cs.types(), FuncOf(func_).type.params[i], shape);
}
bool ComponentFunc::ResultFits(std::string_view shape) const {
  if (!func_) return false;
  const auto& rs = FuncOf(func_).type.results;
  if (rs.empty()) return shape.empty();
  return Fits(cs_->impl().cs.types(), rs[0], shape);
}

Result<ComponentFunc> ComponentInstance::GetFunc(std::string_view path) const {
  const RtInstance* inst = static_cast<const RtInstance*>(inst_);
  std::string_view name = path;
  if (size_t hash = path.find('#'); hash != std::string_view::npos) {
    const RtItem* it = inst->Find(path.substr(0, hash));
    if (!it || it->sort != Sort::kInstance)
      return MakeError("no exported instance \"" + std::string(path.substr(0, hash)) + "\"");
    inst = it->instance;
    name = path.substr(hash + 1);
  }
  const RtItem* it = inst->Find(name);
  if (!it || it->sort != Sort::kFunc)
    return MakeError("no exported function \"" + std::string(path) + "\"");
  return ComponentFunc(cs_, it->func);
}

Result<ComponentResource> ComponentInstance::GetResource(std::string_view path) const {
  const RtInstance* inst = static_cast<const RtInstance*>(inst_);
  std::string_view name = path;
  if (size_t hash = path.find('#'); hash != std::string_view::npos) {
    const RtItem* it = inst->Find(path.substr(0, hash));
    if (!it || it->sort != Sort::kInstance)
      return MakeError("no exported instance \"" + std::string(path.substr(0, hash)) + "\"");
    inst = it->instance;
    name = path.substr(hash + 1);
  }
  const RtItem* it = inst->Find(name);
  if (!it || it->sort != Sort::kType || it->type.kind != component::RtType::Kind::kResource)
    return MakeError("no exported resource type \"" + std::string(path) + "\"");
  return ComponentResource(cs_, it->type.rt);
}

CallResult<void> ComponentResource::Drop(OwnHandle h) const {
  const auto* rt = static_cast<const component::ResourceType*>(rt_);
  if (!rt->dtor) return {};
  // The destructor runs in its defining instance, which must be enterable (not trapped, not
  // on the stack).
  if (rt->impl && !rt->impl->may_enter())
    return std::unexpected(Classify(component::Trap(component::kTrapCannotEnter).error()));
  component::ThreadCoreTrap() = {};
  g_host_failed = false;
  Status st = rt->dtor(rt->dtor_ctx, h.rep);
  if (!st) return std::unexpected(Classify(st.error()));
  return {};
}

Result<ComponentInstance> ComponentInstance::GetInstance(std::string_view name) const {
  const RtItem* it = static_cast<const RtInstance*>(inst_)->Find(name);
  if (!it || it->sort != Sort::kInstance)
    return MakeError("no exported instance \"" + std::string(name) + "\"");
  return ComponentInstance(cs_, it->instance);
}

std::vector<std::string> ComponentInstance::ExportNames() const {
  std::vector<std::string> out;
  for (const auto& [n, it] : static_cast<const RtInstance*>(inst_)->exports) out.push_back(n);
  return out;
}

// ---- the linker ---------------------------------------------------------------------------------

struct ComponentLinker::Impl {
  struct Host {
    ComponentHostFuncN fn;
    std::optional<TypedHost> shapes;
  };
  std::map<std::string, Host, std::less<>> funcs;
  std::map<std::string, std::function<void(uint32_t)>, std::less<>> resources;
  std::map<std::string, std::pair<ComponentStore*, RtInstance*>, std::less<>> instances;
};

ComponentLinker::ComponentLinker() : impl_(std::make_unique<Impl>()) {}
ComponentLinker::~ComponentLinker() = default;
ComponentLinker::ComponentLinker(ComponentLinker&&) noexcept = default;
ComponentLinker& ComponentLinker::operator=(ComponentLinker&&) noexcept = default;

void ComponentLinker::DefineFunc(std::string_view path, ComponentHostFunc fn) {
  DefineFuncShaped(path, [fn = std::move(fn)](std::span<const ComponentVal> a, size_t) { return fn(a); },
                   std::nullopt);
}
void ComponentLinker::DefineFuncN(std::string_view path, ComponentHostFuncN fn) {
  DefineFuncShaped(path, std::move(fn), std::nullopt);
}
void ComponentLinker::DefineFuncShaped(std::string_view path, ComponentHostFuncN fn,
                                       std::optional<TypedHost> shapes) {
  impl_->funcs[std::string(path)] = Impl::Host{std::move(fn), std::move(shapes)};
}
void ComponentLinker::DefineResource(std::string_view path, std::function<void(uint32_t)> dtor) {
  impl_->resources[std::string(path)] = std::move(dtor);
}

namespace {

Result<std::vector<ComponentValue>> HostThunk(void* ctx, std::span<const ComponentValue> args) {
  auto* h = static_cast<HostCtx*>(ctx);
  std::vector<ComponentVal> in;
  in.reserve(args.size());
  for (size_t i = 0; i < args.size() && i < h->type.params.size(); ++i)
    in.push_back(FromAbi(*h->types, h->type.params[i], args[i], h->form));
  auto r = h->fn(in, h->type.results.size());
  if (!r) {
    g_host_failed = true;
    return component::Trap(h->path + ": " + r.error().message);
  }
  if (r->size() != h->type.results.size()) {
    g_host_failed = true;
    return component::Trap(h->path + ": returned " + std::to_string(r->size()) + " values, " +
                           std::to_string(h->type.results.size()) + " declared");
  }
  std::vector<ComponentValue> out;
  for (size_t i = 0; i < r->size(); ++i) {
    auto v = ToAbi(*h->types, h->type.results[i], (*r)[i]);
    if (!v) {
      g_host_failed = true;
      return component::Trap(h->path + ": result " + v.error().message);
    }
    out.push_back(std::move(*v));
  }
  return out;
}

Status ResourceDtorThunk(void* ctx, uint32_t rep) {
  auto* r = static_cast<ResourceCtx*>(ctx);
  if (r->dtor) r->dtor(rep);
  return Ok();
}

class Resolver final : public component::ImportResolver {
 public:
  Resolver(const ComponentLinker::Impl& l, ComponentStore& cs) : l_(l), cs_(cs) {}

  Result<RtFunc*> ResolveFunc(component::ComponentStore& cs, const std::string& path,
                              const component::FuncType& type) override {
    auto it = l_.funcs.find(path);
    if (it == l_.funcs.end()) return nullptr;
    const TypeTable& types = cs.types();
    if (const auto& sh = it->second.shapes) {
      bool ok = sh->param_shapes.size() == type.params.size();
      for (size_t i = 0; ok && i < type.params.size(); ++i)
        ok = Fits(types, type.params[i], sh->param_shapes[i]);
      ok = ok && (type.results.empty() ? sh->result_shape.empty()
                                       : Fits(types, type.results[0], sh->result_shape));
      if (!ok)
        return MakeError("host function \"" + path + "\": its C++ signature does not fit the "
                         "imported type " + FuncTypeText(types, type));
    }
    auto& ctx = cs_.impl().hosts.emplace_back(
        HostCtx{it->second.fn, &types, type, path,
                it->second.shapes ? ComponentFunc::ByteLists::kPacked : ComponentFunc::ByteLists::kElements});
    return cs.HostFunction(type, component::HostFunc{&ctx, HostThunk});
  }

  Result<const component::ResourceType*> ResolveResource(component::ComponentStore& cs,
                                                         const std::string& path) override {
    auto it = l_.resources.find(path);
    if (it == l_.resources.end()) return nullptr;
    // One type per (linker, path) and store, so two components importing it share it.
    auto& slot = cs_.impl().resources[{&l_, path}];
    if (!slot) {
      auto* rt = cs.Make<component::ResourceType>();
      auto& ctx = cs_.impl().resource_ctxs.emplace_back(ResourceCtx{it->second});
      rt->dtor = ResourceDtorThunk;
      rt->dtor_ctx = &ctx;
      slot = rt;
    }
    return slot;
  }

  RtInstance* ResolveInstance(const std::string& name) override {
    auto it = l_.instances.find(name);
    if (it == l_.instances.end() || it->second.first != &cs_) return nullptr;
    return it->second.second;
  }

 private:
  const ComponentLinker::Impl& l_;
  ComponentStore& cs_;
};

}  // namespace

void ComponentLinker::DefineInstance(std::string_view name, const ComponentInstance& instance) {
  impl_->instances[std::string(name)] = {instance.store(), static_cast<RtInstance*>(instance.internal())};
}

CallResult<ComponentInstance> ComponentLinker::Instantiate(ComponentStore& cs,
                                                           const ComponentModule& c) const {
  auto& ast = c.impl().ast;
  cs.impl().asts.push_back(ast);
  Resolver resolver(*impl_, cs);
  component::ThreadCoreTrap() = {};
  g_host_failed = false;
  auto r = cs.impl().cs.Instantiate(*ast, {}, &resolver);
  if (!r) return std::unexpected(Classify(r.error()));
  return ComponentInstance(&cs, *r);
}

}  // namespace nw

// ---- bridges for nanowasm's own libraries (component/api_internal.h) ---------------------------

namespace nw {

component::ComponentStore& InternalStore(ComponentStore& cs) { return cs.impl().cs; }
const component::Component& InternalAst(const ComponentModule& c) { return *c.impl().ast; }
Result<std::shared_ptr<const ComponentModule>> ComponentModuleFromAst(component::Component c) {
  return FromAst(std::move(c));
}

}  // namespace nw

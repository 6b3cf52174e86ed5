// Component instantiation (see instantiate.h): replays a component's sections in binary order,
// building its index spaces with run-time items. Everything allocated lives in the
// ComponentStore; core code runs through the public runtime API only.
#include "component/instantiate.h"

#include <array>

#include "component/async_runtime.h"
#include "component/fused_adapter.h"
#include "component/wasm_adapter.h"
#include "component/validate.h"
#include "format/decode.h"
#include "runtime/vm.h"

namespace nw::component {

struct CoreInst {
  std::vector<std::pair<std::string, Extern>> exports;
  const Extern* Find(std::string_view name) const {
    for (const auto& [n, e] : exports)
      if (n == name) return &e;
    return nullptr;
  }
};

struct Scope;

struct CompDef {
  const Component* ast = nullptr;
  Scope* outer = nullptr;  // for outer aliases
};

struct Scope {
  Scope* outer = nullptr;
  ComponentInstanceState* state = nullptr;
  std::vector<Extern> core[5];  // func, table, memory, global, tag
  std::vector<CoreInst*> core_instances;
  std::vector<std::shared_ptr<const Module>> core_modules;
  std::vector<RtType> types;
  std::vector<RtFunc*> funcs;
  std::vector<CompDef*> components;
  std::vector<RtInstance*> instances;
};

const RtItem* RtInstance::Find(std::string_view name) const {
  for (const auto& [n, item] : exports)
    if (n == name) return &item;
  return nullptr;
}

CoreTrapRecord& ThreadCoreTrap() {
  thread_local CoreTrapRecord record;
  return record;
}

namespace {

[[gnu::cold, gnu::noinline]] Error TrapError(const nw::Trap& t) {
  CoreTrapRecord& rec = ThreadCoreTrap();
  if (!rec.set) {
    rec.set = true;
    rec.kind = t.kind;
  }
  std::string m = t.message;
  if (m.rfind("trap: ", 0) == 0) m = m.substr(6);
  return Trap(m).error();
}

nw::Trap ToCoreTrap(const Error& e) {
  nw::Trap t;
  t.kind = TrapKind::kHostError;
  t.message = e.message.rfind("trap: ", 0) == 0 ? e.message.substr(6) : e.message;
  return t;
}

int CoreSlot(Sort s) {
  switch (s) {
    case Sort::kCoreFunc: return 0;
    case Sort::kCoreTable: return 1;
    case Sort::kCoreMemory: return 2;
    case Sort::kCoreGlobal: return 3;
    case Sort::kCoreTag: return 4;
    default: return -1;
  }
}

nw::ValType CoreType(FlatType t) {
  switch (t) {
    case FlatType::kI32: return nw::ValType::kI32;
    case FlatType::kI64: return nw::ValType::kI64;
    case FlatType::kF32: return nw::ValType::kF32;
    case FlatType::kF64: return nw::ValType::kF64;
  }
  return nw::ValType::kI32;
}

// ---- callbacks of the ABI into the runtime ----------------------------------------------------

MemoryView MemoryOf(void* ctx) {
  auto* o = static_cast<RtOptions*>(ctx);
  auto d = o->memory->data();
  return {d.data(), d.size()};
}

// Func::CallUnchecked without its two layers: a wasm function straight through its tier's entry
// (the realloc and the callee of every component-to-component call go through here).
inline TrapResult<void> CallCoreWords(Store& store, Func* f, std::span<const uint64_t> args,
                                      std::span<uint64_t> results) {
  FuncObj* o = AsObj(f);
  if (o->f.code != nullptr) [[likely]] return o->f.array_call(store, o, args, results);
  return InvokeFunc(store, o, args, results);
}

// The failure of a core call as the ABI's error (out of line: the callers below stay small).
[[gnu::cold, gnu::noinline]] std::unexpected<Error> CoreCallTrap(const TrapResult<void>& res) {
  return std::unexpected(TrapError(res.error()));
}

Result<uint32_t> ReallocOf(void* ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                           uint32_t new_size) {
  auto* o = static_cast<RtOptions*>(ctx);
  std::array<uint64_t, 4> a{old_ptr, old_size, align, new_size};
  std::array<uint64_t, 1> r{};
  auto res = CallCoreWords(*o->store, o->realloc, a, r);
  if (!res) [[unlikely]] return CoreCallTrap(res);
  return static_cast<uint32_t>(r[0]);
}

Status PostReturnOf(void* ctx, std::span<const uint64_t> flat) {
  auto* o = static_cast<RtOptions*>(ctx);
  auto res = o->post_return->CallUnchecked(*o->store, flat, {});
  if (!res) return std::unexpected(TrapError(res.error()));
  return Ok();
}

struct CoreCtx {
  Store* store;
  Func* func;
};

Status CallCore(void* ctx, std::span<const uint64_t> args, std::span<uint64_t> results) {
  auto* c = static_cast<CoreCtx*>(ctx);
  auto res = CallCoreWords(*c->store, c->func, args, results);
  if (!res) [[unlikely]] return CoreCallTrap(res);
  return Ok();
}

struct DtorCtx {
  Store* store;
  Func* func;
};

Status CallDtor(void* ctx, uint32_t rep) {
  auto* c = static_cast<DtorCtx*>(ctx);
  std::array<uint64_t, 1> a{rep};
  auto res = c->func->CallUnchecked(*c->store, a, {});
  if (!res) return std::unexpected(TrapError(res.error()));
  return Ok();
}

// Whether `a` is `b` or one of its ancestors.
bool AncestorOrSelf(const ComponentInstanceState* a, const ComponentInstanceState* b) {
  for (const ComponentInstanceState* p = b; p; p = p->parent())
    if (p == a) return true;
  return false;
}

// A canon lower linked to a fused adapter: the core function's slot words go straight to the
// adapter (no Val conversion, no std::function). `related`: caller and callee are one
// instance or ancestor and descendant, so every call traps (instance parents never change).
struct FusedCall {
  std::unique_ptr<FusedAdapter> adapter;
  bool related = false;
  uint32_t nparams = 0, nresults = 0;
};

[[gnu::cold, gnu::noinline]] TrapResult<void> FusedCallTrap(const FusedCall* fc,
                                                            const Status& st) {
  if (fc->related) {
    nw::Trap t;
    t.kind = TrapKind::kHostError;
    t.message = "cannot enter component instance";
    return std::unexpected(t);
  }
  return std::unexpected(ToCoreTrap(st.error()));
}

TrapResult<void> RunFusedCall(void* ctx, Caller&, uint64_t* words) {
  auto* fc = static_cast<FusedCall*>(ctx);
  if (fc->related) [[unlikely]] return FusedCallTrap(fc, Ok());
  // The adapter reads every argument before it writes a result: no copy of the words.
  Status st = fc->adapter->Call(std::span<const uint64_t>(words, fc->nparams),
                                std::span<uint64_t>(words, fc->nresults));
  if (!st) [[unlikely]] return FusedCallTrap(fc, st);
  return {};
}

// The wasm form's leaves (wasm_adapter.h): the split adapter's three parts as raw host
// functions on the generated module's slot words.
struct WasmAdapterCall {
  FusedCall* fc;
  uint32_t ncore_results = 0;  // the callee's core results (0 or 1)
};

TrapResult<void> AdapterEnter(void* ctx, Caller&, uint64_t* words) {
  auto* w = static_cast<WasmAdapterCall*>(ctx);
  FusedCall* fc = w->fc;
  uint32_t bytes = 0;
  Status st = fc->adapter->Enter(words, &bytes, words);
  if (!st) [[unlikely]] return FusedCallTrap(fc, st);
  if (fc->adapter->Split()->allocates) words[0] = bytes;
  return {};
}

TrapResult<void> AdapterParams(void* ctx, Caller&, uint64_t* words) {
  FusedCall* fc = static_cast<WasmAdapterCall*>(ctx)->fc;
  Status st = fc->adapter->Params(static_cast<uint32_t>(words[0]), words);
  if (!st) [[unlikely]] return FusedCallTrap(fc, st);
  return {};
}

TrapResult<void> AdapterResults(void* ctx, Caller&, uint64_t* words) {
  auto* w = static_cast<WasmAdapterCall*>(ctx);
  FusedCall* fc = w->fc;
  const uint32_t out_param = fc->adapter->plan().results.in_memory
                                 ? static_cast<uint32_t>(words[w->ncore_results])
                                 : 0;
  Status st = fc->adapter->Results(words, out_param, words);
  if (!st) [[unlikely]] return FusedCallTrap(fc, st);
  return {};
}

nw::FuncType CoreFuncType(const std::vector<FlatType>& params, const std::vector<FlatType>& results) {
  nw::FuncType t;
  for (FlatType f : params) t.params.push_back(CoreType(f));
  for (FlatType f : results) t.results.push_back(CoreType(f));
  return t;
}

// The direct form's two leaves (host leaves: compiled code calls them as C functions, no host
// call machinery), on the two memories where they are at the call.
struct DirectMemories {
  uint8_t* const* from_base;
  const uint64_t* from_length;
  uint8_t* const* to_base;
  const uint64_t* to_length;
};
// 1 when the source string passes its length, bounds and UTF-8 checks, else 0 (then the wasm
// calls AdapterStringTrap).
uint32_t CheckDirectString(void* ctx, uint32_t ptr, uint32_t len) {
  const auto* c = static_cast<const DirectMemories*>(ctx);
  if (len > kMaxStringByteLength || uint64_t{ptr} + len > *c->from_length) [[unlikely]] return 0;
  return kUtf8Checker(*c->from_base + ptr, len);
}
TrapResult<void> CheckDirectStringRaw(void* ctx, Caller&, uint64_t* words) {
  words[0] = CheckDirectString(ctx, static_cast<uint32_t>(words[0]), static_cast<uint32_t>(words[1]));
  return {};
}
// The allocation's bytes from the caller's memory to the callee's (memmove: realloc chose the
// destination). 1 when both ranges lie inside their memories, as the wasm checked them
// before; 0 otherwise, and the wasm traps.
uint32_t DirectCopyBytes(void* ctx, uint32_t dst, uint32_t src, uint32_t len) {
  const auto* c = static_cast<const DirectMemories*>(ctx);
  if (uint64_t{src} + len > *c->from_length || uint64_t{dst} + len > *c->to_length) [[unlikely]] return 0;
  std::memmove(*c->to_base + dst, *c->from_base + src, len);
  return 1;
}
TrapResult<void> DirectCopyBytesRaw(void* ctx, Caller&, uint64_t* words) {
  words[0] = DirectCopyBytes(ctx, static_cast<uint32_t>(words[0]), static_cast<uint32_t>(words[1]),
                             static_cast<uint32_t>(words[2]));
  return {};
}

std::string_view DirectTrapText(DirectTrap code) {
  switch (code) {
    case DirectTrap::kStringOutOfBounds: return kTrapAdapterStringOutOfBounds;
    case DirectTrap::kListUnaligned: return kTrapUnalignedPointer;
    case DirectTrap::kListOutOfBounds: return kTrapAdapterListOutOfBounds;
    case DirectTrap::kResultUnaligned: return kTrapUnalignedPointer;
    case DirectTrap::kResultOutOfBounds: return kTrapValuesOutOfBounds;
    case DirectTrap::kCannotLeave: return kTrapCannotLeave;
    case DirectTrap::kCannotEnter: return kTrapCannotEnter;
    case DirectTrap::kListTooLong: return "list longer than 2^28-1 bytes";
  }
  return "component adapter: unknown trap code";
}

// The direct form's cold exits: the trap of a check the generated wasm made (wasm_adapter.h),
// and of a string the leaf refused, whose reason is found again here (Enter's order: length,
// bounds, UTF-8).
TrapResult<void> AdapterTrap(void* ctx, Caller&, uint64_t* words) {
  FusedCall* fc = static_cast<WasmAdapterCall*>(ctx)->fc;
  return FusedCallTrap(fc, Trap(DirectTrapText(static_cast<DirectTrap>(words[0]))));
}
TrapResult<void> AdapterStringTrap(void* ctx, Caller&, uint64_t* words) {
  FusedCall* fc = static_cast<WasmAdapterCall*>(ctx)->fc;
  const CanonOptions& from = fc->adapter->caller_options();
  const auto ptr = static_cast<uint32_t>(words[0]), len = static_cast<uint32_t>(words[1]);
  if (len > kMaxStringByteLength) return FusedCallTrap(fc, Trap("string longer than 2^28-1 bytes"));
  if (uint64_t{ptr} + len > *from.memory_length) return FusedCallTrap(fc, Trap(kTrapAdapterStringOutOfBounds));
  return FusedCallTrap(fc, InvalidUtf8Trap(*from.memory_base + ptr, len));
}

// A compiled adapter module, once per store and module bytes: decoded with every proposal
// nanowasm implements (the direct form is multi-memory). An error when the engine's tier
// cannot compile it (the caller then takes another form).
Result<std::shared_ptr<const Module>> AdapterModule(ComponentStore& cs, std::vector<uint8_t> bytes) {
  std::shared_ptr<const Module>& mod = cs.adapter_modules()[bytes];
  if (!mod) {
    auto desc = DecodeModule(bytes, Features::All());
    if (!desc) return MakeError("component adapter: " + desc.error().message);
    auto m = Module::FromDesc(cs.store().engine(), std::move(*desc));
    if (!m) {
      cs.adapter_modules().erase(bytes);
      return MakeError("component adapter: " + m.error().message);
    }
    mod = *m;
  }
  return mod;
}

// The two flags of `st` as core globals (ComponentInstanceState::BindFlags), made once.
std::pair<Global*, Global*> FlagGlobals(ComponentStore& cs, ComponentInstanceState* st) {
  auto& g = cs.flag_globals()[st];
  if (!g.first) {
    g.first = Global::Create(cs.store(), GlobalType{nw::ValType::kI32, true}, Val::I32(1));
    g.second = Global::Create(cs.store(), GlobalType{nw::ValType::kI32, true}, Val::I32(1));
    st->BindFlags(&static_cast<GlobalObj*>(g.first)->def_.lo, &static_cast<GlobalObj*>(g.second)->def_.lo);
  }
  return g;
}

// The direct form of fused call `fc` (FusedAdapter::Direct), or null when the engine's tier
// does not compile its module (multi-memory).
Result<Func*> LinkDirectAdapter(ComponentStore& cs, FusedCall* fc, Func* realloc, Func* core,
                                Memory* caller_mem, Memory* callee_mem) {
  const FunctionPlan& fp = fc->adapter->plan();
  const std::vector<ComponentInstanceState*>& entering = fc->adapter->entering();
  auto mod = AdapterModule(cs, WasmAdapterDirectModule(fp, *fc->adapter->Direct(),
                                                       static_cast<uint32_t>(entering.size())));
  if (!mod) return nullptr;
  auto* w = cs.Make<WasmAdapterCall>(WasmAdapterCall{fc, static_cast<uint32_t>(fp.lift_sig.results.size())});
  Store& store = cs.store();
  Linker linker;
  const CanonOptions& from = fc->adapter->caller_options();
  const CanonOptions& to = fc->adapter->callee_options();
  auto* mems = cs.Make<DirectMemories>(DirectMemories{from.memory_base, from.memory_length, to.memory_base, to.memory_length});
  if (!fc->adapter->Direct()->list) {
    linker.Define("", "check", Func::CreateHostLeaf(store, CoreFuncType({FlatType::kI32, FlatType::kI32}, {FlatType::kI32}),
                                                    reinterpret_cast<const void*>(&CheckDirectString),
                                                    CheckDirectStringRaw, mems));
    linker.Define("", "string_trap", Func::CreateHostRaw(store, CoreFuncType({FlatType::kI32, FlatType::kI32}, {}),
                                                         AdapterStringTrap, w));
  }
  linker.Define("", "copy", Func::CreateHostLeaf(store, CoreFuncType({FlatType::kI32, FlatType::kI32, FlatType::kI32},
                                                                   {FlatType::kI32}),
                                                 reinterpret_cast<const void*>(&DirectCopyBytes), DirectCopyBytesRaw,
                                                 mems));
  linker.Define("", "callee", core);
  linker.Define("", "realloc", realloc);
  linker.Define("", "trap", Func::CreateHostRaw(store, CoreFuncType({FlatType::kI32}, {}), AdapterTrap, w));
  linker.Define("", "caller_memory", caller_mem);
  linker.Define("", "callee_memory", callee_mem);
  linker.Define("", "caller_may_leave", FlagGlobals(cs, &fc->adapter->caller_state()).second);
  linker.Define("", "callee_may_leave", FlagGlobals(cs, &fc->adapter->callee_state()).second);
  for (size_t i = 0; i < entering.size(); ++i)
    linker.Define("", "may_enter" + std::to_string(i), FlagGlobals(cs, entering[i]).first);
  auto inst = linker.Instantiate(store, *mod);
  if (!inst) return MakeError("component adapter: " + inst.error().message);
  cs.count_direct_adapter();
  return (*inst)->GetFunc("adapter");
}

// The wasm form of fused call `fc` (whose adapter can be split): its module (compiled once per
// store and signature) instantiated with the leaves, the callee's realloc and core function.
Result<Func*> LinkWasmAdapter(ComponentStore& cs, FusedCall* fc, Func* realloc, Func* core) {
  const FunctionPlan& fp = fc->adapter->plan();
  const FusedAdapter::SplitForm form = *fc->adapter->Split();
  NW_TRY_ASSIGN(std::shared_ptr<const Module> mod, AdapterModule(cs, WasmAdapterModule(fp, form)));
  auto* w = cs.Make<WasmAdapterCall>(WasmAdapterCall{fc, static_cast<uint32_t>(fp.lift_sig.results.size())});
  Store& store = cs.store();
  const std::vector<FlatType> i32{FlatType::kI32};
  std::vector<FlatType> results_params = fp.lift_sig.results;
  if (fp.results.in_memory) results_params.push_back(FlatType::kI32);
  Linker linker;
  linker.Define("", "enter", Func::CreateHostRaw(store, CoreFuncType(fp.lower_sig.params,
                                                                    form.allocates ? i32 : fp.lift_sig.params),
                                                 AdapterEnter, w));
  linker.Define("", "callee", core);
  linker.Define("", "results", Func::CreateHostRaw(store, CoreFuncType(results_params, fp.lower_sig.results),
                                                   AdapterResults, w));
  if (form.allocates) {
    linker.Define("", "realloc", realloc);
    linker.Define("", "params",
                  Func::CreateHostRaw(store, CoreFuncType(i32, fp.lift_sig.params), AdapterParams, w));
  }
  auto inst = linker.Instantiate(store, mod);
  if (!inst) return MakeError("component adapter: " + inst.error().message);
  return (*inst)->GetFunc("adapter");
}

// ---- the instantiator -----------------------------------------------------------------------

class Instantiator {
 public:
  Instantiator(ComponentStore& cs, ImportResolver* resolver)
      : cs_(cs), types_(cs.types()), resolver_(resolver) {}

  Result<RtInstance*> Run(const Component& c, Scope* outer,
                          const std::vector<std::pair<std::string, RtItem>>& args);

 private:
  Result<TypeId> ResolveVal(Scope& s, const ValType& v);
  Result<TypeId> ResolveDefVal(Scope& s, const DefValType& d);
  Result<RtType> ResolveTypeDef(Scope& s, const TypeDef& t);
  Result<RtOptions*> Options(Scope& s, const std::vector<CanonOpt>& opts);
  Status DoCanon(Scope& s, const Canon& c);
  Status Push(Scope& s, const RtItem& item);
  Result<RtItem> Get(Scope& s, SortIdx idx);
  Result<RtItem> FromCoreInstance(const CoreInst& ci, Sort sort, const std::string& name);
  Result<std::optional<RtItem>> ResolveImport(Scope& s, const Import& im);
  Result<RtInstance*> HostInstance(Scope& s, const std::string& name, const RtType& type,
                                   RtInstance* given = nullptr);

  ComponentStore& cs_;
  TypeTable& types_;
  ImportResolver* resolver_;
};

Result<TypeId> Instantiator::ResolveVal(Scope& s, const ValType& v) {
  if (!v.is_index) {
    switch (v.prim) {
      case PrimType::kBool: return types_.Primitive(TypeKind::kBool);
      case PrimType::kS8: return types_.Primitive(TypeKind::kS8);
      case PrimType::kU8: return types_.Primitive(TypeKind::kU8);
      case PrimType::kS16: return types_.Primitive(TypeKind::kS16);
      case PrimType::kU16: return types_.Primitive(TypeKind::kU16);
      case PrimType::kS32: return types_.Primitive(TypeKind::kS32);
      case PrimType::kU32: return types_.Primitive(TypeKind::kU32);
      case PrimType::kS64: return types_.Primitive(TypeKind::kS64);
      case PrimType::kU64: return types_.Primitive(TypeKind::kU64);
      case PrimType::kF32: return types_.Primitive(TypeKind::kF32);
      case PrimType::kF64: return types_.Primitive(TypeKind::kF64);
      case PrimType::kChar: return types_.Primitive(TypeKind::kChar);
      case PrimType::kString: return types_.Primitive(TypeKind::kString);
      case PrimType::kErrorContext: return MakeError("error-context values are not supported");
    }
  }
  if (v.index >= s.types.size() || s.types[v.index].kind != RtType::Kind::kValue)
    return MakeError("type index " + std::to_string(v.index) + " is not a value type");
  return s.types[v.index].id;
}

Result<TypeId> Instantiator::ResolveDefVal(Scope& s, const DefValType& d) {
  switch (d.kind) {
    case DefValKind::kPrim: return ResolveVal(s, ValType{false, d.prim, 0});
    case DefValKind::kRecord: {
      std::vector<Field> fs;
      for (const auto& f : d.fields) {
        NW_TRY_ASSIGN(TypeId t, ResolveVal(s, *f.type));
        fs.push_back({f.label, t});
      }
      return types_.Record(std::move(fs));
    }
    case DefValKind::kVariant: {
      std::vector<Case> cs;
      for (const auto& f : d.fields) {
        std::optional<TypeId> t;
        if (f.type) {
          NW_TRY_ASSIGN(TypeId r, ResolveVal(s, *f.type));
          t = r;
        }
        cs.push_back({f.label, t});
      }
      return types_.Variant(std::move(cs));
    }
    case DefValKind::kList:
    case DefValKind::kFixedList: {
      NW_TRY_ASSIGN(TypeId e, ResolveVal(s, *d.a));
      return types_.List(e, d.kind == DefValKind::kFixedList ? std::optional(d.length) : std::nullopt);
    }
    case DefValKind::kTuple: {
      std::vector<TypeId> ts;
      for (const auto& t : d.types) {
        NW_TRY_ASSIGN(TypeId r, ResolveVal(s, t));
        ts.push_back(r);
      }
      return types_.Tuple(ts);
    }
    case DefValKind::kFlags: return types_.Flags(d.labels);
    case DefValKind::kEnum: return types_.Enum(d.labels);
    case DefValKind::kOption: {
      NW_TRY_ASSIGN(TypeId e, ResolveVal(s, *d.a));
      return types_.Option(e);
    }
    case DefValKind::kResult: {
      std::optional<TypeId> ok, err;
      if (d.a) { NW_TRY_ASSIGN(TypeId r, ResolveVal(s, *d.a)); ok = r; }
      if (d.b) { NW_TRY_ASSIGN(TypeId r, ResolveVal(s, *d.b)); err = r; }
      return types_.ResultOf(ok, err);
    }
    case DefValKind::kOwn:
    case DefValKind::kBorrow: {
      if (d.index >= s.types.size() || s.types[d.index].kind != RtType::Kind::kResource)
        return MakeError("own/borrow of a type that is not a resource");
      const ResourceType* rt = s.types[d.index].rt;
      return d.kind == DefValKind::kOwn ? types_.Own(rt) : types_.Borrow(rt);
    }
    case DefValKind::kMap: {
      NW_TRY_ASSIGN(TypeId k, ResolveVal(s, *d.a));
      NW_TRY_ASSIGN(TypeId v, ResolveVal(s, *d.b));
      return types_.Map(k, v);
    }
    case DefValKind::kStream:
    case DefValKind::kFuture: {
      std::optional<TypeId> e;
      if (d.a) { NW_TRY_ASSIGN(TypeId r, ResolveVal(s, *d.a)); e = r; }
      return types_.AsyncValue(d.kind == DefValKind::kStream ? TypeKind::kStream : TypeKind::kFuture, e);
    }
  }
  return MakeError("unknown value type");
}

Result<RtType> Instantiator::ResolveTypeDef(Scope& s, const TypeDef& t) {
  RtType r;
  switch (t.kind) {
    case TypeDef::Kind::kDefVal: {
      r.kind = RtType::Kind::kValue;
      auto id = ResolveDefVal(s, t.val);
      if (!id) {  // a type only named by an unused declaration may stay unresolved
        r.kind = RtType::Kind::kOther;
        return r;
      }
      r.id = *id;
      return r;
    }
    case TypeDef::Kind::kFunc: {
      r.kind = RtType::Kind::kFunc;
      r.async = t.func.async;
      for (const auto& p : t.func.params) {
        auto id = ResolveVal(s, *p.type);
        if (!id) return RtType{};  // kOther: unusable for canon, refused there
        r.func.params.push_back(*id);
      }
      if (t.func.result) {
        auto id = ResolveVal(s, *t.func.result);
        if (!id) return RtType{};
        r.func.results.push_back(*id);
      }
      return r;
    }
    case TypeDef::Kind::kResource: {
      auto* rt = cs_.Make<ResourceType>();
      rt->impl = s.state;
      if (t.resource.dtor) {
        if (*t.resource.dtor >= s.core[0].size()) return MakeError("destructor index out of bounds");
        auto* dc = cs_.Make<DtorCtx>(DtorCtx{&cs_.store(), std::get<Func*>(s.core[0][*t.resource.dtor])});
        rt->dtor = CallDtor;
        rt->dtor_ctx = dc;
      }
      r.kind = RtType::Kind::kResource;
      r.rt = rt;
      return r;
    }
    default:
      // Component and instance types are checked by the validator; an instance type is kept
      // with its scope so that a resolver can build a host instance of it.
      r.def = &t;
      r.scope = &s;
      return r;
  }
}

// Structural equality of two types of the store's table (labels included; resources by
// identity).
bool SameType(const TypeTable& types, TypeId a, TypeId b, int depth = 0) {
  if (a == b) return true;
  if (depth > static_cast<int>(kMaxTypeDepth)) return false;
  const AbiType& x = types.Get(a);
  const AbiType& y = types.Get(b);
  if (x.kind != y.kind || x.source != y.source || x.fixed_length != y.fixed_length ||
      x.labels != y.labels || x.resource != y.resource || x.fields.size() != y.fields.size() ||
      x.cases.size() != y.cases.size())
    return false;
  if (x.kind == TypeKind::kList && !SameType(types, x.elem, y.elem, depth + 1)) return false;
  for (size_t i = 0; i < x.fields.size(); ++i)
    if (x.fields[i].label != y.fields[i].label ||
        !SameType(types, x.fields[i].type, y.fields[i].type, depth + 1))
      return false;
  for (size_t i = 0; i < x.cases.size(); ++i) {
    const auto& c = x.cases[i];
    const auto& d = y.cases[i];
    if (c.label != d.label || c.type.has_value() != d.type.has_value()) return false;
    if (c.type && !SameType(types, *c.type, *d.type, depth + 1)) return false;
  }
  return true;
}

bool SameFuncType(const TypeTable& types, const FuncType& a, const FuncType& b) {
  if (a.params.size() != b.params.size() || a.results.size() != b.results.size()) return false;
  for (size_t i = 0; i < a.params.size(); ++i)
    if (!SameType(types, a.params[i], b.params[i])) return false;
  for (size_t i = 0; i < a.results.size(); ++i)
    if (!SameType(types, a.results[i], b.results[i])) return false;
  return true;
}

// An instance import built from its instance type's exports: host functions and host
// resources named "<import>#<export>", types the declarations define. With `given` (an
// instance the resolver supplies), its exports are checked against the declarations instead
// (functions of the same type, resources where resources are declared) and it is the result.
Result<RtInstance*> Instantiator::HostInstance(Scope& s, const std::string& name, const RtType& type,
                                               RtInstance* given) {
  if (!type.def || type.def->kind != TypeDef::Kind::kInstance)
    return MakeError("import \"" + name + "\": not an instance type");
  auto* inner = cs_.Make<Scope>();
  inner->outer = type.scope;
  inner->state = s.state;
  auto* out = cs_.Make<RtInstance>();
  for (const Decl& d : type.def->decls) {
    switch (d.kind) {
      case Decl::Kind::kCoreType: break;
      case Decl::Kind::kType: {
        NW_TRY_ASSIGN(RtType t, ResolveTypeDef(*inner, d.type.at(0)));
        inner->types.push_back(t);
        break;
      }
      case Decl::Kind::kAlias: {
        const Alias& al = d.alias;
        if (al.target != Alias::Target::kOuter)
          return MakeError(d.offset, "instance type of import \"" + name +
                                         "\": only outer aliases are supported here");
        Scope* o = inner;
        for (uint32_t k = 0; k < al.count && o; ++k) o = o->outer;
        if (!o) return MakeError(al.offset, "outer alias beyond the outermost component");
        if (al.sort == Sort::kCoreType) break;
        NW_TRY_ASSIGN(RtItem it, Get(*o, SortIdx{al.sort, al.index}));
        NW_TRY(Push(*inner, it));
        break;
      }
      case Decl::Kind::kImport: break;  // not allowed in instance types (the validator refuses)
      case Decl::Kind::kExport: {
        const std::string path = name + "#" + d.name.name;
        RtItem it;
        const ExternTypeC& et = d.extern_type;
        const RtItem* supplied = given ? given->Find(d.name.name) : nullptr;
        if (given && !supplied)
          return MakeError(d.offset, "import \"" + name + "\": the supplied instance has no export \"" +
                                         d.name.name + "\"");
        if (et.kind == ExternKindC::kFunc) {
          if (et.index >= inner->types.size() || inner->types[et.index].kind != RtType::Kind::kFunc)
            return MakeError(d.offset, "import \"" + path + "\": function type did not resolve");
          if (given) {
            if (supplied->sort != Sort::kFunc ||
                !SameFuncType(types_, inner->types[et.index].func, supplied->func->type))
              return MakeError(d.offset, "import \"" + path + "\": the supplied function is not of "
                                         "the declared type");
            out->exports.emplace_back(d.name.name, *supplied);
            break;
          }
          NW_TRY_ASSIGN(RtFunc * f, resolver_->ResolveFunc(cs_, path, inner->types[et.index].func));
          if (!f) return MakeError(d.offset, "missing import \"" + path + "\"");
          it.sort = Sort::kFunc;
          it.func = f;
        } else if (et.kind == ExternKindC::kType) {
          it.sort = Sort::kType;
          if (et.bound_eq) {
            if (et.index >= inner->types.size()) return MakeError(d.offset, "type index out of bounds");
            it.type = inner->types[et.index];
          } else if (given) {
            if (supplied->sort != Sort::kType || supplied->type.kind != RtType::Kind::kResource)
              return MakeError(d.offset, "import \"" + path + "\": the supplied export is not a resource");
            it.type = supplied->type;
          } else {
            NW_TRY_ASSIGN(const ResourceType* rt, resolver_->ResolveResource(cs_, path));
            if (!rt) return MakeError(d.offset, "missing import \"" + path + "\" (a resource)");
            it.type.kind = RtType::Kind::kResource;
            it.type.rt = rt;
          }
          inner->types.push_back(it.type);
        } else {
          return MakeError(d.offset, "import \"" + path + "\": only functions and types can be "
                                     "supplied by the host");
        }
        out->exports.emplace_back(d.name.name, it);
        break;
      }
    }
  }
  return given ? given : out;
}

// An import the arguments do not supply, from the resolver (nullopt: none).
Result<std::optional<RtItem>> Instantiator::ResolveImport(Scope& s, const Import& im) {
  if (!resolver_) return std::nullopt;
  RtItem it;
  const std::string& name = im.name.name;
  switch (im.type.kind) {
    case ExternKindC::kFunc: {
      if (im.type.index >= s.types.size() || s.types[im.type.index].kind != RtType::Kind::kFunc)
        return MakeError(im.offset, "import \"" + name + "\": function type did not resolve");
      NW_TRY_ASSIGN(RtFunc * f, resolver_->ResolveFunc(cs_, name, s.types[im.type.index].func));
      if (!f) return std::nullopt;
      it.sort = Sort::kFunc;
      it.func = f;
      return it;
    }
    case ExternKindC::kType: {
      if (im.type.bound_eq) {  // (eq i): the import is the local type i, nothing to supply
        if (im.type.index >= s.types.size()) return MakeError(im.offset, "type index out of bounds");
        it.sort = Sort::kType;
        it.type = s.types[im.type.index];
        return it;
      }
      NW_TRY_ASSIGN(const ResourceType* rt, resolver_->ResolveResource(cs_, name));
      if (!rt) return std::nullopt;
      it.sort = Sort::kType;
      it.type.kind = RtType::Kind::kResource;
      it.type.rt = rt;
      return it;
    }
    case ExternKindC::kInstance: {
      it.sort = Sort::kInstance;
      if (im.type.index >= s.types.size()) return MakeError(im.offset, "type index out of bounds");
      NW_TRY_ASSIGN(it.instance, HostInstance(s, name, s.types[im.type.index],
                                              resolver_->ResolveInstance(name)));
      return it;
    }
    default: return std::nullopt;
  }
}

Result<RtOptions*> Instantiator::Options(Scope& s, const std::vector<CanonOpt>& opts) {
  auto* o = cs_.Make<RtOptions>();
  o->store = &cs_.store();
  o->opts.ctx = o;
  for (const auto& opt : opts) {
    switch (opt.kind) {
      case CanonOpt::Kind::kUtf8: o->opts.string_encoding = StringEncoding::kUtf8; break;
      case CanonOpt::Kind::kUtf16: o->opts.string_encoding = StringEncoding::kUtf16; break;
      case CanonOpt::Kind::kLatin1Utf16: o->opts.string_encoding = StringEncoding::kLatin1Utf16; break;
      case CanonOpt::Kind::kMemory:
        o->memory = std::get<Memory*>(s.core[2].at(opt.index));
        o->opts.memory = MemoryOf;
        o->opts.memory_base = &AsObj(o->memory)->def_.base;
        o->opts.memory_length = &AsObj(o->memory)->def_.length;
        break;
      case CanonOpt::Kind::kRealloc:
        o->realloc = std::get<Func*>(s.core[0].at(opt.index));
        o->opts.realloc = ReallocOf;
        break;
      case CanonOpt::Kind::kPostReturn:
        o->post_return = std::get<Func*>(s.core[0].at(opt.index));
        o->opts.post_return = PostReturnOf;
        break;
      case CanonOpt::Kind::kAsync:
        o->async = true;
        MarkAsyncInstance(cs_, s.state);
        break;
      case CanonOpt::Kind::kCallback:
        o->callback = std::get<Func*>(s.core[0].at(opt.index));
        break;
    }
  }
  return o;
}

Status Instantiator::DoCanon(Scope& s, const Canon& c) {
  switch (c.kind) {
    case CanonKind::kLift: {
      if (c.type >= s.types.size() || s.types[c.type].kind != RtType::Kind::kFunc)
        return MakeError(c.offset, "canon lift of a function type that did not resolve");
      auto* f = cs_.Make<RtFunc>();
      f->type = s.types[c.type].func;
      NW_TRY_ASSIGN(f->plan, FunctionPlan::Compile(types_, f->type));
      NW_TRY_ASSIGN(f->opts, Options(s, c.opts));
      f->inst = s.state;
      f->type_async = s.types[c.type].async;
      if (f->type_async) MarkAsyncInstance(cs_, s.state);
      f->core = std::get<Func*>(s.core[0].at(c.func));
      s.funcs.push_back(f);
      return Ok();
    }
    case CanonKind::kLower: {
      RtFunc* target = s.funcs.at(c.func);
      NW_TRY_ASSIGN(RtOptions * opts, Options(s, c.opts));
      if (opts->async || NeedsAsyncCall(*target)) {
        if (target->host.call)
          return MakeError(c.offset, "async lower of a host function is not executed by nanowasm yet: "
                                     "instantiation refused");
        NW_TRY_ASSIGN(LowerInfo * li, PrepareLower(cs_, target, opts, s.state, opts->async));
        ComponentStore* cs = &cs_;
        ComponentInstanceState* caller = s.state;
        s.core[0].push_back(Func::CreateHost(
            cs_.store(), li->core_type,
            [li, cs, caller, target](Caller&, std::span<const Val> args, std::span<Val> results) -> TrapResult<void> {
              std::array<uint64_t, kMaxCoreParams + 1> in;
              std::array<uint64_t, 1> out{};
              for (size_t i = 0; i < args.size() && i < in.size(); ++i) in[i] = args[i].bits;
              if (AncestorOrSelf(caller, target->inst) || AncestorOrSelf(target->inst, caller)) {
                nw::Trap t;
                t.kind = TrapKind::kHostError;
                t.message = "cannot enter component instance";
                return std::unexpected(t);
              }
              Status st = AsyncLowerCall(*cs, *li, std::span<const uint64_t>(in.data(), args.size()),
                                         std::span<uint64_t>(out.data(), results.size()));
              if (!st) return std::unexpected(ToCoreTrap(st.error()));
              for (size_t i = 0; i < results.size(); ++i) results[i] = Val::Make(results[i].type, out[i]);
              return {};
            }));
        return Ok();
      }
      nw::FuncType ct;
      for (FlatType t : target->plan.lower_sig.params) ct.params.push_back(CoreType(t));
      for (FlatType t : target->plan.lower_sig.results) ct.results.push_back(CoreType(t));
      ComponentInstanceState* caller = s.state;
      Store* store = &cs_.store();
      auto* core_ctx = cs_.Make<CoreCtx>(CoreCtx{store, target->core});
      if (!target->host.call && cs_.fused_adapters()) {
        std::unique_ptr<FusedAdapter> ad =
            FusedAdapter::Compile(target->plan, *caller, opts->opts, *target->inst,
                                  target->opts->opts, CoreFunc{core_ctx, CallCore});
        if (ad) {
          auto* fc = cs_.Make<FusedCall>();
          fc->related = AncestorOrSelf(caller, target->inst) || AncestorOrSelf(target->inst, caller);
          fc->nparams = static_cast<uint32_t>(ct.params.size());
          fc->nresults = static_cast<uint32_t>(ct.results.size());
          fc->adapter = std::move(ad);
          cs_.count_fused_adapter();
          using Form = ComponentStore::AdapterForm;
          // A related pair (every call traps) keeps the host function, which says so.
          const bool wasm_form =
              !fc->related && fc->adapter->Split().has_value() &&
              (cs_.adapter_form() == Form::kWasm ||
               (cs_.adapter_form() == Form::kAuto &&
                cs_.store().engine().config().tier != nw::Config::ExecutionTier::kInterp));
          if (wasm_form) {
            Func* f = nullptr;
            if (fc->adapter->Direct() && opts->memory && target->opts->memory) {
              NW_TRY_ASSIGN(f, LinkDirectAdapter(cs_, fc, target->opts->realloc, target->core,
                                                 opts->memory, target->opts->memory));
            }
            if (!f) {
              NW_TRY_ASSIGN(f, LinkWasmAdapter(cs_, fc, target->opts->realloc, target->core));
            }
            s.core[0].push_back(f);
            cs_.count_wasm_adapter();
            return Ok();
          }
          s.core[0].push_back(Func::CreateHostRaw(cs_.store(), ct, RunFusedCall, fc));
          return Ok();
        }
      }
      Func* fn = Func::CreateHost(
          cs_.store(), ct,
          [target, opts, caller, core_ctx](Caller&, std::span<const Val> args,
                                           std::span<Val> results) -> TrapResult<void> {
            std::array<uint64_t, kMaxCoreParams> in;
            std::array<uint64_t, 1> out{};
            for (size_t i = 0; i < args.size(); ++i) in[i] = args[i].bits;
            std::span<const uint64_t> a(in.data(), args.size());
            std::span<uint64_t> r(out.data(), results.size());
            // A call between an instance and its own ancestor or descendant might be recursive:
            // the component model traps on it (for now, as the reference suite says).
            if (!target->host.call &&
                (AncestorOrSelf(caller, target->inst) || AncestorOrSelf(target->inst, caller))) {
              nw::Trap t;
              t.kind = TrapKind::kHostError;
              t.message = "cannot enter component instance";
              return std::unexpected(t);
            }
            Status st = target->host.call
                            ? CallLowered(target->plan, *caller, opts->opts, target->host, a, r)
                            : CallAdapter(target->plan, *caller, opts->opts, *target->inst,
                                          target->opts->opts, CoreFunc{core_ctx, CallCore}, a, r);
            if (!st) return std::unexpected(ToCoreTrap(st.error()));
            for (size_t i = 0; i < results.size(); ++i) results[i] = Val::Make(results[i].type, out[i]);
            return {};
          });
      s.core[0].push_back(fn);
      return Ok();
    }
    case CanonKind::kResourceNew:
    case CanonKind::kResourceDrop:
    case CanonKind::kResourceRep: {
      if (c.type >= s.types.size() || s.types[c.type].kind != RtType::Kind::kResource)
        return MakeError(c.offset, "resource built-in of a type that is not a resource");
      const ResourceType* rt = s.types[c.type].rt;
      ComponentInstanceState* inst = s.state;
      CanonKind kind = c.kind;
      nw::FuncType ct;
      ct.params = {nw::ValType::kI32};
      if (kind != CanonKind::kResourceDrop) ct.results = {nw::ValType::kI32};
      Func* fn = Func::CreateHost(
          cs_.store(), ct,
          [rt, inst, kind](Caller&, std::span<const Val> args, std::span<Val> results) -> TrapResult<void> {
            uint32_t a = static_cast<uint32_t>(args[0].bits);
            if (kind == CanonKind::kResourceDrop) {
              Status st = ResourceDrop(*inst, *rt, a);
              if (!st) return std::unexpected(ToCoreTrap(st.error()));
              return {};
            }
            Result<uint32_t> r = kind == CanonKind::kResourceNew ? ResourceNew(*inst, *rt, a)
                                                                 : ResourceRep(*inst, *rt, a);
            if (!r) return std::unexpected(ToCoreTrap(r.error()));
            results[0] = Val::I32(static_cast<int32_t>(*r));
            return {};
          });
      s.core[0].push_back(fn);
      return Ok();
    }
    default: {
      BuiltinSpec spec;
      spec.canon = &c;
      spec.inst = s.state;
      NW_TRY_ASSIGN(spec.opts, Options(s, c.opts));
      if (spec.opts->memory) spec.memory = spec.opts->memory;
      switch (c.kind) {
        case CanonKind::kStreamNew: case CanonKind::kStreamRead: case CanonKind::kStreamWrite:
        case CanonKind::kStreamCancelRead: case CanonKind::kStreamCancelWrite:
        case CanonKind::kStreamDropReadable: case CanonKind::kStreamDropWritable:
        case CanonKind::kFutureNew: case CanonKind::kFutureRead: case CanonKind::kFutureWrite:
        case CanonKind::kFutureCancelRead: case CanonKind::kFutureCancelWrite:
        case CanonKind::kFutureDropReadable: case CanonKind::kFutureDropWritable:
          if (c.type >= s.types.size() || s.types[c.type].kind != RtType::Kind::kValue)
            return MakeError(c.offset, "stream/future built-in of a type that did not resolve");
          spec.type = s.types[c.type].id;
          break;
        case CanonKind::kWaitableSetWait:
        case CanonKind::kWaitableSetPoll:
          spec.memory = std::get<Memory*>(s.core[2].at(c.index));
          break;
        case CanonKind::kThreadNewIndirect:
          spec.table = std::get<Table*>(s.core[1].at(c.index));
          break;
        case CanonKind::kTaskReturn:
          if (c.result) {
            NW_TRY_ASSIGN(TypeId t, ResolveVal(s, *c.result));
            spec.result.push_back(t);
          }
          break;
        default: break;
      }
      NW_TRY_ASSIGN(Func * fn, MakeAsyncBuiltin(cs_, spec));
      s.core[0].push_back(fn);
      return Ok();
    }
  }
}

Status Instantiator::Push(Scope& s, const RtItem& item) {
  int slot = CoreSlot(item.sort);
  if (slot >= 0) {
    s.core[slot].push_back(item.core);
    return Ok();
  }
  switch (item.sort) {
    case Sort::kCoreModule: s.core_modules.push_back(item.module); break;
    case Sort::kCoreInstance: s.core_instances.push_back(item.core_instance); break;
    case Sort::kFunc: s.funcs.push_back(item.func); break;
    case Sort::kType: s.types.push_back(item.type); break;
    case Sort::kComponent: s.components.push_back(item.component); break;
    case Sort::kInstance: s.instances.push_back(item.instance); break;
    case Sort::kCoreType: break;
    default: return MakeError(std::string("items of sort ") + SortName(item.sort) + " are not supported");
  }
  return Ok();
}

Result<RtItem> Instantiator::Get(Scope& s, SortIdx idx) {
  RtItem it;
  it.sort = idx.sort;
  auto oob = [&]() { return MakeError(std::string(SortName(idx.sort)) + " index out of bounds"); };
  int slot = CoreSlot(idx.sort);
  if (slot >= 0) {
    if (idx.index >= s.core[slot].size()) return oob();
    it.core = s.core[slot][idx.index];
    return it;
  }
  switch (idx.sort) {
    case Sort::kCoreModule:
      if (idx.index >= s.core_modules.size()) return oob();
      it.module = s.core_modules[idx.index];
      return it;
    case Sort::kCoreInstance:
      if (idx.index >= s.core_instances.size()) return oob();
      it.core_instance = s.core_instances[idx.index];
      return it;
    case Sort::kFunc:
      if (idx.index >= s.funcs.size()) return oob();
      it.func = s.funcs[idx.index];
      return it;
    case Sort::kType:
      if (idx.index >= s.types.size()) return oob();
      it.type = s.types[idx.index];
      return it;
    case Sort::kComponent:
      if (idx.index >= s.components.size()) return oob();
      it.component = s.components[idx.index];
      return it;
    case Sort::kInstance:
      if (idx.index >= s.instances.size()) return oob();
      it.instance = s.instances[idx.index];
      return it;
    default:
      return MakeError(std::string("items of sort ") + SortName(idx.sort) + " are not supported");
  }
}

Result<RtItem> Instantiator::FromCoreInstance(const CoreInst& ci, Sort sort, const std::string& name) {
  const Extern* e = ci.Find(name);
  if (!e) return MakeError("core instance has no export \"" + name + "\"");
  RtItem it;
  it.sort = sort;
  it.core = *e;
  return it;
}

Result<RtInstance*> Instantiator::Run(const Component& c, Scope* outer,
                                      const std::vector<std::pair<std::string, RtItem>>& args) {
  auto* s = cs_.Make<Scope>();
  s->outer = outer;
  s->state = cs_.Make<ComponentInstanceState>(outer ? outer->state : nullptr);
  auto* self = cs_.Make<RtInstance>();
  self->state = s->state;
  for (const Section& sec : c.sections) {
    for (uint32_t i = sec.first; i < sec.first + sec.count; ++i) {
      switch (sec.kind) {
        case SectionKind::kCustom: break;
        case SectionKind::kCoreModule: {
          const CoreModule* m = &c.core_modules[i];
          auto& cached = cs_.module_cache()[m];
          if (!cached) {
            auto mod = Module::FromDesc(cs_.store().engine(), m->module);
            if (!mod) return MakeError(m->offset, "core module: " + mod.error().message);
            cached = *mod;
          }
          s->core_modules.push_back(cached);
          break;
        }
        case SectionKind::kCoreInstance: {
          const CoreInstance& ci = c.core_instances[i];
          auto* out = cs_.Make<CoreInst>();
          if (ci.kind == CoreInstance::Kind::kInstantiate) {
            Linker linker;
            for (const auto& a : ci.args) {
              const CoreInst* from = s->core_instances.at(a.instance);
              for (const auto& [n, e] : from->exports) linker.Define(a.name, n, e);
            }
            auto inst = linker.Instantiate(cs_.store(), s->core_modules.at(ci.module));
            if (!inst) {
              if (inst.error().is_trap) return std::unexpected(TrapError(inst.error().trap));
              return MakeError(ci.offset, "core instantiation: " + inst.error().message);
            }
            for (const auto& ex : (*inst)->module().Exports())
              out->exports.emplace_back(ex.name, *(*inst)->GetExport(ex.name));
          } else {
            for (const auto& ex : ci.exports) {
              NW_TRY_ASSIGN(RtItem it, Get(*s, ex.item));
              out->exports.emplace_back(ex.name, it.core);
            }
          }
          s->core_instances.push_back(out);
          break;
        }
        case SectionKind::kCoreType: break;  // core types matter to the validator only
        case SectionKind::kComponent:
          s->components.push_back(cs_.Make<CompDef>(CompDef{&c.components[i], s}));
          break;
        case SectionKind::kInstance: {
          const Instance& in = c.instances[i];
          RtInstance* r = nullptr;
          if (in.kind == Instance::Kind::kInstantiate) {
            std::vector<std::pair<std::string, RtItem>> a;
            for (const auto& arg : in.args) {
              NW_TRY_ASSIGN(RtItem it, Get(*s, arg.item));
              a.emplace_back(arg.name, it);
            }
            CompDef* def = s->components.at(in.component);
            NW_TRY_ASSIGN(r, Run(*def->ast, def->outer ? def->outer : s, a));
          } else {
            r = cs_.Make<RtInstance>();
            for (const auto& ex : in.exports) {
              NW_TRY_ASSIGN(RtItem it, Get(*s, ex.item));
              r->exports.emplace_back(ex.name.name, it);
            }
          }
          s->instances.push_back(r);
          break;
        }
        case SectionKind::kAlias: {
          const Alias& al = c.aliases[i];
          if (al.target == Alias::Target::kExport) {
            const RtInstance* from = s->instances.at(al.instance);
            const RtItem* it = from->Find(al.name);
            if (!it) return MakeError(al.offset, "instance has no export \"" + al.name + "\"");
            NW_TRY(Push(*s, *it));
          } else if (al.target == Alias::Target::kCoreExport) {
            NW_TRY_ASSIGN(RtItem it, FromCoreInstance(*s->core_instances.at(al.instance), al.sort, al.name));
            NW_TRY(Push(*s, it));
          } else {
            Scope* o = s;
            for (uint32_t k = 0; k < al.count && o; ++k) o = o->outer;
            if (!o) return MakeError(al.offset, "outer alias beyond the outermost component");
            if (al.sort == Sort::kCoreType) break;
            NW_TRY_ASSIGN(RtItem it, Get(*o, SortIdx{al.sort, al.index}));
            NW_TRY(Push(*s, it));
          }
          break;
        }
        case SectionKind::kType: {
          NW_TRY_ASSIGN(RtType t, ResolveTypeDef(*s, c.types[i]));
          s->types.push_back(t);
          break;
        }
        case SectionKind::kCanon: NW_TRY(DoCanon(*s, c.canons[i])); break;
        case SectionKind::kStart: {
          const Start& st = c.starts[i];
          if (!st.args.empty() || st.results != 0)
            return MakeError(st.offset, "component start with values is not supported");
          NW_TRY(cs_.Call(*s->funcs.at(st.func), {}));
          break;
        }
        case SectionKind::kImport: {
          const Import& im = c.imports[i];
          const RtItem* found = nullptr;
          for (const auto& [n, it] : args)
            if (n == im.name.name) found = &it;
          std::optional<RtItem> resolved;
          if (!found) {
            NW_TRY_ASSIGN(resolved, ResolveImport(*s, im));
            if (resolved) found = &*resolved;
          }
          if (!found) return MakeError(im.offset, "missing import \"" + im.name.name + "\"");
          RtItem it = *found;
          static constexpr Sort kSortOf[] = {Sort::kCoreModule, Sort::kFunc,      Sort::kValue,
                                             Sort::kType,       Sort::kComponent, Sort::kInstance};
          if (it.sort != kSortOf[static_cast<int>(im.type.kind)])
            return MakeError(im.offset, "import \"" + im.name.name + "\" supplied with a " +
                                            SortName(it.sort) + ", expected a " +
                                            SortName(kSortOf[static_cast<int>(im.type.kind)]));
          if (im.type.kind == ExternKindC::kType && im.type.bound_eq) {
            // (eq i): the import is the local type i, whatever was supplied.
            it.type = s->types.at(im.type.index);
          }
          NW_TRY(Push(*s, it));
          break;
        }
        case SectionKind::kExport: {
          const Export& ex = c.exports[i];
          NW_TRY_ASSIGN(RtItem it, Get(*s, ex.item));
          self->exports.emplace_back(ex.name.name, it);
          NW_TRY(Push(*s, it));
          break;
        }
        case SectionKind::kValue:
          return MakeError(c.values[i].offset, "component values are not supported");
      }
    }
  }
  return self;
}

}  // namespace

Result<RtInstance*> ComponentStore::Instantiate(const Component& c,
                                                const std::vector<std::pair<std::string, RtItem>>& args,
                                                ImportResolver* resolver) {
  // The replay trusts the index spaces and sorts the validator checked (validating here keeps a
  // malformed AST from an embedder from reaching it).
  NW_TRY(ValidateComponent(c));
  Instantiator in(*this, resolver);
  return in.Run(c, nullptr, args);
}

Result<RtFunc*> ComponentStore::HostFunction(FuncType type, HostFunc host) {
  auto* f = Make<RtFunc>();
  f->type = std::move(type);
  NW_TRY_ASSIGN(f->plan, FunctionPlan::Compile(types_, f->type));
  f->host = host;
  f->host.max_arg_bytes = max_host_value_bytes_;
  return f;
}

ComponentStore::~ComponentStore() { DestroyAsyncStore(async_); }

Result<std::vector<ComponentValue>> ComponentStore::Call(const RtFunc& f,
                                                         std::span<const ComponentValue> args) {
  if (f.host.call) return f.host.call(f.host.ctx, args);
  if (NeedsAsyncCall(f)) return AsyncCallFromHost(*this, f, args);
  CoreCtx ctx{&store_, f.core};
  return CallLifted(f.plan, *f.inst, f.opts->opts, CoreFunc{&ctx, CallCore}, nullptr, args,
                    max_host_value_bytes_);
}

}  // namespace nw::component

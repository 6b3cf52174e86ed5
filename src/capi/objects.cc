// wasm.h: config, engine, store, references and host info, values, traps and frames, foreign
// objects, functions (calls and host functions), globals, tables, memories and externs.
// Modules and instances are in module.cc.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "capi/capi.h"

using namespace nw::capi;

// ---- store-side helpers ------------------------------------------------------------------------

nw::capi::ForeignObj::~ForeignObj() { delete wrapped; }

wasm_store_t::~wasm_store_t() {
  for (auto& [obj, hi] : host_info)
    if (hi.finalizer) hi.finalizer(hi.info);
}

wasm_ref_t* wasm_extern_t::Clone() const {
  switch (Kind()) {
    case WASM_EXTERN_FUNC: return new wasm_func_t(store, std::get<nw::Func*>(item));
    case WASM_EXTERN_GLOBAL: return new wasm_global_t(store, std::get<nw::Global*>(item));
    case WASM_EXTERN_TABLE: return new wasm_table_t(store, std::get<nw::Table*>(item));
    default: return new wasm_memory_t(store, std::get<nw::Memory*>(item));
  }
}

const void* wasm_extern_t::Identity() const {
  return std::visit([](auto* p) -> const void* { return p; }, item);
}

wasm_externkind_t wasm_extern_t::Kind() const {
  switch (item.index()) {
    case 0: return WASM_EXTERN_FUNC;
    case 1: return WASM_EXTERN_TABLE;
    case 2: return WASM_EXTERN_MEMORY;
    default: return WASM_EXTERN_GLOBAL;
  }
}

namespace nw::capi {

namespace {
// Registered externref words of a store (ForeignObj addresses) for checked conversions back.
ForeignObj* NewForeignObj(wasm_store_t* store, wasm_ref_t* wrapped) {
  store->foreigns.push_back(std::make_unique<ForeignObj>());
  ForeignObj* obj = store->foreigns.back().get();
  obj->wrapped = wrapped;
  store->foreign_by_word.emplace(reinterpret_cast<uintptr_t>(obj), obj);
  return obj;
}

ForeignObj* FindForeign(wasm_store_t* store, uint64_t word) {
  auto it = store->foreign_by_word.find(word);
  return it == store->foreign_by_word.end() ? nullptr : it->second;
}

// The key under which a wrapper of `ref` may be reused, or null when it may not. Only objects
// whose address cannot be reused while the wrapper lives qualify: store objects and instances
// of this store (alive as long as the store) and modules of this store's engine (the wrapped
// handle holds the module). Traps are not reused: a trap handle's identity is the handle
// itself, which the caller may delete and the allocator hand out again.
const void* ReuseKey(const wasm_store_t* store, const wasm_ref_t* ref) {
  switch (ref->ref_kind) {
    case RefKind::kExtern:
      return static_cast<const wasm_extern_t*>(ref)->store == store ? ref->Identity() : nullptr;
    case RefKind::kInstance:
      return static_cast<const wasm_instance_t*>(ref)->store == store ? ref->Identity() : nullptr;
    case RefKind::kModule:
      return static_cast<const wasm_module_t*>(ref)->engine == store->engine ? ref->Identity()
                                                                           : nullptr;
    default: return nullptr;
  }
}

const char* KindName(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_ANYREF: return "anyref";
    case WASM_FUNCREF: return "funcref";
    case kV128Kind: return "v128";
    default: return "unknown";
  }
}
}  // namespace

uint64_t RefToExternWord(wasm_store_t* store, const wasm_ref_t* ref) {
  if (ref == nullptr) return 0;
  if (ref->ref_kind == RefKind::kForeign) {
    return reinterpret_cast<uintptr_t>(static_cast<const wasm_foreign_t*>(ref)->obj);
  }
  // One wrapper per referenced object: converting the same reference again (every call that
  // passes it) reuses it rather than adding a foreign object per conversion.
  const void* key = ReuseKey(store, ref);
  if (key != nullptr) {
    auto [it, added] = store->foreign_by_ref.emplace(key, nullptr);
    if (added) it->second = NewForeignObj(store, ref->Clone());
    return reinterpret_cast<uintptr_t>(it->second);
  }
  return reinterpret_cast<uintptr_t>(NewForeignObj(store, ref->Clone()));
}

size_t ForeignCount(const wasm_store_t* store) { return store->foreigns.size(); }

wasm_ref_t* ExternWordToRef(wasm_store_t* store, uint64_t word) {
  if (word == 0) return nullptr;
  ForeignObj* obj = FindForeign(store, word);
  // A word that did not come from this C API (e.g. a C++ host's externref) gets a foreign
  // object of its own, the same one each time that word is seen: never dereference an
  // unknown word.
  if (obj == nullptr) {
    auto [it, added] = store->foreign_by_unknown_word.emplace(word, nullptr);
    if (added) it->second = NewForeignObj(store, nullptr);
    obj = it->second;
  }
  if (obj->wrapped) return obj->wrapped->Clone();
  return new wasm_foreign_t(store, obj);
}

wasm_ref_t* FuncToRef(wasm_store_t* store, Func* f) {
  return f ? new wasm_func_t(store, f) : nullptr;
}

bool CValToWord(wasm_store_t* store, const wasm_val_t& v, ValType t, uint64_t* out,
                std::string* why) {
  wasm_valkind_t want = KindOf(t);
  if (t == ValType::kV128) {
    *why = "v128 values cannot be passed through the C API";
    return false;
  }
  if (v.kind != want) {
    *why = std::string("value of kind ") + KindName(v.kind) + " where " + KindName(want) +
           " was expected";
    return false;
  }
  switch (t) {
    case ValType::kI32: *out = static_cast<uint32_t>(v.of.i32); return true;
    case ValType::kI64: *out = static_cast<uint64_t>(v.of.i64); return true;
    case ValType::kF32: {
      uint32_t b;
      std::memcpy(&b, &v.of.f32, 4);
      *out = b;
      return true;
    }
    case ValType::kF64: std::memcpy(out, &v.of.f64, 8); return true;
    case ValType::kFuncRef: {
      const wasm_ref_t* r = v.of.ref;
      if (r == nullptr) {
        *out = 0;
        return true;
      }
      if (r->ref_kind != RefKind::kExtern ||
          static_cast<const wasm_extern_t*>(r)->Kind() != WASM_EXTERN_FUNC) {
        *why = "funcref value is not a function";
        return false;
      }
      auto* f = static_cast<const wasm_func_t*>(r);
      if (f->store != store) {
        *why = "function belongs to another store";
        return false;
      }
      *out = reinterpret_cast<uintptr_t>(f->func());
      return true;
    }
    case ValType::kExternRef: *out = RefToExternWord(store, v.of.ref); return true;
    case ValType::kV128: break;
    case ValType::kExnRef: break;  // no C form
  }
  return false;
}

wasm_val_t WordToCVal(wasm_store_t* store, ValType t, const uint64_t* in) {
  wasm_val_t v;
  v.kind = KindOf(t);
  v.of.i64 = 0;
  switch (t) {
    case ValType::kI32: v.of.i32 = static_cast<int32_t>(in[0]); break;
    case ValType::kI64: v.of.i64 = static_cast<int64_t>(in[0]); break;
    case ValType::kF32: {
      uint32_t b = static_cast<uint32_t>(in[0]);
      std::memcpy(&v.of.f32, &b, 4);
      break;
    }
    case ValType::kF64: std::memcpy(&v.of.f64, in, 8); break;
    case ValType::kFuncRef:
      v.of.ref = FuncToRef(store, reinterpret_cast<Func*>(static_cast<uintptr_t>(in[0])));
      break;
    case ValType::kExternRef: v.of.ref = ExternWordToRef(store, in[0]); break;
    case ValType::kV128: break;  // no C form; the value reads as 0
    case ValType::kExnRef: break;  // no C form; reads as a null reference
  }
  return v;
}

bool CValToVal(wasm_store_t* store, const wasm_val_t& v, ValType t, Val* out, std::string* why) {
  uint64_t w = 0;
  if (!CValToWord(store, v, t, &w, why)) return false;
  if (t == ValType::kFuncRef) {
    *out = Val::FuncRef(reinterpret_cast<Func*>(static_cast<uintptr_t>(w)));
  } else {
    *out = Val::Make(t, w);
  }
  return true;
}

wasm_val_t ValToCVal(wasm_store_t* store, const Val& v) {
  uint64_t w = v.type == ValType::kFuncRef ? reinterpret_cast<uintptr_t>(v.func) : v.bits;
  return WordToCVal(store, v.type, &w);
}

wasm_trap_t* NewTrap(Trap t) { return new wasm_trap_t(std::move(t)); }

Trap HostErrorTrap(std::string message) {
  Trap t;
  t.kind = TrapKind::kHostError;
  t.message = std::move(message);
  return t;
}

}  // namespace nw::capi

// ---- reference boilerplate -------------------------------------------------------------------

#define NW_CAPI_REF_BASE(name)                                                                 \
  void wasm_##name##_delete(wasm_##name##_t* r) { delete r; }                                  \
  wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* r) {                              \
    return r ? static_cast<wasm_##name##_t*>(r->Clone()) : nullptr;                            \
  }                                                                                            \
  bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {                \
    if (a == nullptr || b == nullptr) return a == b;                                           \
    return a->Identity() == b->Identity();                                                     \
  }                                                                                            \
  void* wasm_##name##_get_host_info(const wasm_##name##_t* r) {                                \
    return const_cast<wasm_##name##_t*>(r)->Info()->info;                                      \
  }                                                                                            \
  void wasm_##name##_set_host_info(wasm_##name##_t* r, void* info) {                           \
    *r->Info() = {info, nullptr};                                                              \
  }                                                                                            \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* r, void* info,              \
                                                  void (*fin)(void*)) {                        \
    *r->Info() = {info, fin};                                                                  \
  }

#define NW_CAPI_REF(name, IS)                                                                  \
  NW_CAPI_REF_BASE(name)                                                                       \
  wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* r) { return r; }                           \
  const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* r) { return r; }         \
  wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* r) {                                         \
    return r && IS(r) ? static_cast<wasm_##name##_t*>(r) : nullptr;                            \
  }                                                                                            \
  const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* r) {                     \
    return r && IS(r) ? static_cast<const wasm_##name##_t*>(r) : nullptr;                      \
  }

namespace {
bool IsExternKind(const wasm_ref_t* r, wasm_externkind_t k) {
  return r->ref_kind == RefKind::kExtern && static_cast<const wasm_extern_t*>(r)->Kind() == k;
}
bool IsFunc(const wasm_ref_t* r) { return IsExternKind(r, WASM_EXTERN_FUNC); }
bool IsGlobal(const wasm_ref_t* r) { return IsExternKind(r, WASM_EXTERN_GLOBAL); }
bool IsTable(const wasm_ref_t* r) { return IsExternKind(r, WASM_EXTERN_TABLE); }
bool IsMemory(const wasm_ref_t* r) { return IsExternKind(r, WASM_EXTERN_MEMORY); }
bool IsExtern(const wasm_ref_t* r) { return r->ref_kind == RefKind::kExtern; }
bool IsInstance(const wasm_ref_t* r) { return r->ref_kind == RefKind::kInstance; }
bool IsModule(const wasm_ref_t* r) { return r->ref_kind == RefKind::kModule; }
bool IsTrap(const wasm_ref_t* r) { return r->ref_kind == RefKind::kTrap; }
bool IsForeign(const wasm_ref_t* r) { return r->ref_kind == RefKind::kForeign; }

// Arrays of a few values live on the stack; longer lists go to the heap.
template <class T, size_t kInline = 8>
class SmallArray {
 public:
  explicit SmallArray(size_t n) : n_(n) {
    if (n > kInline) heap_ = std::make_unique<T[]>(n);
  }
  T* data() { return heap_ ? heap_.get() : inline_; }
  size_t size() const { return n_; }

 private:
  size_t n_;
  T inline_[kInline];
  std::unique_ptr<T[]> heap_;
};

// The environment of a host function: the finalizer runs when the store drops the function.
struct HostEnv {
  wasm_store_t* store = nullptr;
  wasm_func_callback_t cb = nullptr;
  wasm_func_callback_with_env_t cb_env = nullptr;
  void* env = nullptr;
  void (*finalizer)(void*) = nullptr;
  ~HostEnv() {
    if (finalizer) finalizer(env);
  }
};

nw::TrapResult<void> RunHost(const HostEnv& h, const nw::FuncType& type,
                             std::span<const nw::Val> args, std::span<nw::Val> results) {
  SmallArray<wasm_val_t> in(args.size()), out(results.size());
  for (size_t i = 0; i < args.size(); ++i) in.data()[i] = ValToCVal(h.store, args[i]);
  for (size_t i = 0; i < results.size(); ++i) {
    out.data()[i].kind = KindOf(type.results[i]);
    out.data()[i].of.i64 = 0;
  }
  wasm_val_vec_t in_vec{in.size(), in.data()};
  wasm_val_vec_t out_vec{out.size(), out.data()};
  wasm_trap_t* trap = h.cb_env ? h.cb_env(h.env, &in_vec, &out_vec) : h.cb(&in_vec, &out_vec);
  for (size_t i = 0; i < args.size(); ++i) wasm_val_delete(&in.data()[i]);
  nw::TrapResult<void> r;
  if (trap) {
    r = std::unexpected(std::move(trap->trap));
    delete trap;
  }
  for (size_t i = 0; i < results.size(); ++i) {
    std::string why;
    if (r && !CValToVal(h.store, out.data()[i], type.results[i], &results[i], &why))
      r = std::unexpected(HostErrorTrap("host function result " + std::to_string(i) + ": " + why));
    wasm_val_delete(&out.data()[i]);
  }
  return r;
}

wasm_func_t* NewHostFunc(wasm_store_t* store, const wasm_functype_t* type,
                         std::shared_ptr<HostEnv> env) {
  nw::FuncType ft = ToFuncType(type);
  nw::FuncType ft_copy = ft;
  nw::Func* f = nw::Func::CreateHost(
      store->store, std::move(ft),
      [env = std::move(env), ft = std::move(ft_copy)](
          nw::Caller&, std::span<const nw::Val> args,
          std::span<nw::Val> results) -> nw::TrapResult<void> {
        return RunHost(*env, ft, args, results);
      });
  return new wasm_func_t(store, f);
}
}  // namespace

extern "C" {

NW_CAPI_REF_BASE(ref)
NW_CAPI_REF(func, IsFunc)
NW_CAPI_REF(global, IsGlobal)
NW_CAPI_REF(table, IsTable)
NW_CAPI_REF(memory, IsMemory)
NW_CAPI_REF(extern, IsExtern)
NW_CAPI_REF(instance, IsInstance)
NW_CAPI_REF(module, IsModule)
NW_CAPI_REF(trap, IsTrap)
NW_CAPI_REF(foreign, IsForeign)

NW_CAPI_PTR_VEC(extern)
NW_CAPI_PTR_VEC(frame)

// ---- config, engine, store -------------------------------------------------------------------

wasm_config_t* wasm_config_new(void) { return new wasm_config_t; }
void wasm_config_delete(wasm_config_t* c) { delete c; }

wasm_engine_t* wasm_engine_new(void) { return new wasm_engine_t(nw::Config{}); }
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* c) {
  auto* e = new wasm_engine_t(c ? c->config : nw::Config{});
  delete c;
  return e;
}
void wasm_engine_delete(wasm_engine_t* e) { delete e; }

wasm_store_t* wasm_store_new(wasm_engine_t* e) { return new wasm_store_t(e); }
void wasm_store_delete(wasm_store_t* s) { delete s; }

// ---- values ----------------------------------------------------------------------------------

void wasm_val_delete(wasm_val_t* v) {
  if (wasm_valkind_is_ref(v->kind) && v->of.ref) {
    wasm_ref_delete(v->of.ref);
    v->of.ref = nullptr;
  }
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* in) {
  *out = *in;
  if (wasm_valkind_is_ref(in->kind) && in->of.ref) out->of.ref = wasm_ref_copy(in->of.ref);
}

void wasm_val_vec_new_empty(wasm_val_vec_t* out) { *out = {0, nullptr}; }
void wasm_val_vec_new_uninitialized(wasm_val_vec_t* out, size_t n) {
  out->size = n;
  out->data = n ? new wasm_val_t[n]() : nullptr;  // kind 0 (i32): safe to delete
}
void wasm_val_vec_new(wasm_val_vec_t* out, size_t n, const wasm_val_t data[]) {
  wasm_val_vec_new_uninitialized(out, n);
  if (n) std::memcpy(out->data, data, n * sizeof(wasm_val_t));  // takes the references
}
void wasm_val_vec_copy(wasm_val_vec_t* out, const wasm_val_vec_t* in) {
  wasm_val_vec_new_uninitialized(out, in->size);
  for (size_t i = 0; i < in->size; ++i) wasm_val_copy(&out->data[i], &in->data[i]);
}
void wasm_val_vec_delete(wasm_val_vec_t* v) {
  for (size_t i = 0; i < v->size; ++i) wasm_val_delete(&v->data[i]);
  delete[] v->data;
  *v = {0, nullptr};
}

// ---- frames and traps ------------------------------------------------------------------------

void wasm_frame_delete(wasm_frame_t* f) { delete f; }
wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) { return f ? new wasm_frame_t(*f) : nullptr; }
wasm_instance_t* wasm_frame_instance(const wasm_frame_t*) { return nullptr; }
uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f->frame.func_index; }
size_t wasm_frame_func_offset(const wasm_frame_t* f) { return f->frame.func_offset; }
size_t wasm_frame_module_offset(const wasm_frame_t* f) { return f->frame.code_offset; }

wasm_trap_t* wasm_trap_new(wasm_store_t*, const wasm_message_t* message) {
  std::string text;
  if (message && message->size) {
    text.assign(message->data, message->size);
    while (!text.empty() && text.back() == '\0') text.pop_back();
  }
  return NewTrap(HostErrorTrap(std::move(text)));
}

void wasm_trap_message(const wasm_trap_t* t, wasm_message_t* out) {
  NewMessage(t->trap.message, out);
}

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* t) {
  if (t->trap.backtrace.empty()) return nullptr;
  return new wasm_frame_t{t->trap.backtrace.front()};
}

void wasm_trap_trace(const wasm_trap_t* t, wasm_frame_vec_t* out) {
  wasm_frame_vec_new_uninitialized(out, t->trap.backtrace.size());
  for (size_t i = 0; i < out->size; ++i) out->data[i] = new wasm_frame_t{t->trap.backtrace[i]};
}

// ---- foreign objects -------------------------------------------------------------------------

wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) {
  return new wasm_foreign_t(store, NewForeignObj(store, nullptr));
}

// ---- functions -------------------------------------------------------------------------------

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type,
                           wasm_func_callback_t cb) {
  auto env = std::make_shared<HostEnv>();
  env->store = store;
  env->cb = cb;
  return NewHostFunc(store, type, std::move(env));
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t cb, void* env,
                                    void (*finalizer)(void*)) {
  auto h = std::make_shared<HostEnv>();
  h->store = store;
  h->cb_env = cb;
  h->env = env;
  h->finalizer = finalizer;
  return NewHostFunc(store, type, std::move(h));
}

wasm_functype_t* wasm_func_type(const wasm_func_t* f) { return NewFunctype(f->func()->type()); }
size_t wasm_func_param_arity(const wasm_func_t* f) { return f->func()->type().params.size(); }
size_t wasm_func_result_arity(const wasm_func_t* f) { return f->func()->type().results.size(); }

wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args,
                            wasm_val_vec_t* results) {
  nw::Func* f = func->func();
  const nw::FuncType& type = f->type();
  size_t nargs = args ? args->size : 0;
  size_t nres = results ? results->size : 0;
  if (nargs != type.params.size()) {
    return NewTrap(HostErrorTrap("wasm_func_call: " + std::to_string(nargs) +
                                 " arguments given, function takes " +
                                 std::to_string(type.params.size())));
  }
  // A `results` vector shorter than the function's results is not an error in itself: a call
  // that traps needs no room (the standard's trap example passes an empty vector), and a call
  // that returns fills what fits, as the reference implementations do.
  // Slot words (v128 is rejected by CValToWord, so one word per value).
  SmallArray<uint64_t, 16> in(nargs), out(type.results.size());
  for (size_t i = 0; i < nargs; ++i) {
    std::string why;
    if (!CValToWord(func->store, args->data[i], type.params[i], &in.data()[i], &why))
      return NewTrap(HostErrorTrap("wasm_func_call: argument " + std::to_string(i) + ": " + why));
  }
  for (nw::ValType t : type.results) {
    if (t == nw::ValType::kV128)
      return NewTrap(HostErrorTrap("wasm_func_call: v128 results cannot be passed through the C API"));
  }
  auto r = f->CallUnchecked(func->store->store, std::span<const uint64_t>(in.data(), nargs),
                            std::span<uint64_t>(out.data(), out.size()));
  if (!r) return NewTrap(std::move(r.error()));
  for (size_t i = 0; i < std::min(nres, type.results.size()); ++i)
    results->data[i] = WordToCVal(func->store, type.results[i], &out.data()[i]);
  return nullptr;
}

// ---- globals ---------------------------------------------------------------------------------

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type,
                               const wasm_val_t* val) {
  nw::GlobalType gt;
  if (!type->content || !TypeOf(type->content->kind, &gt.type)) return nullptr;
  gt.mut = type->mutability == WASM_VAR;
  nw::Val v;
  std::string why;
  if (!CValToVal(store, *val, gt.type, &v, &why)) return nullptr;
  nw::Global* g = nw::Global::Create(store->store, gt, v);
  return g ? new wasm_global_t(store, g) : nullptr;
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* g) {
  return static_cast<wasm_globaltype_t*>(NewGlobalTypeFrom(g->global()->type()));
}

void wasm_global_get(const wasm_global_t* g, wasm_val_t* out) {
  *out = ValToCVal(g->store, g->global()->Get());
}

void wasm_global_set(wasm_global_t* g, const wasm_val_t* val) {
  nw::Val v;
  std::string why;
  if (CValToVal(g->store, *val, g->global()->type().type, &v, &why)) (void)g->global()->Set(v);
}

// ---- tables ----------------------------------------------------------------------------------

namespace {
bool RefToVal(wasm_store_t* store, nw::ValType elem, wasm_ref_t* ref, nw::Val* out) {
  wasm_val_t cv;
  cv.kind = KindOf(elem);
  cv.of.ref = ref;
  std::string why;
  return CValToVal(store, cv, elem, out, &why);
}
}  // namespace

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  nw::TableType tt;
  if (!type->element || !TypeOf(type->element->kind, &tt.elem) || !nw::IsRefType(tt.elem))
    return nullptr;
  tt.limits = FromCLimits(type->limits);
  nw::Val v;
  if (!RefToVal(store, tt.elem, init, &v)) return nullptr;
  nw::Table* t = nw::Table::Create(store->store, tt, v);
  return t ? new wasm_table_t(store, t) : nullptr;
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* t) {
  return static_cast<wasm_tabletype_t*>(NewTableTypeFrom(t->table()->type()));
}

wasm_ref_t* wasm_table_get(const wasm_table_t* t, wasm_table_size_t index) {
  std::optional<nw::Val> v = t->table()->Get(index);
  if (!v) return nullptr;
  wasm_val_t cv = ValToCVal(t->store, *v);
  return cv.of.ref;
}

bool wasm_table_set(wasm_table_t* t, wasm_table_size_t index, wasm_ref_t* ref) {
  nw::Val v;
  if (!RefToVal(t->store, t->table()->type().elem, ref, &v)) return false;
  return t->table()->Set(index, v);
}

wasm_table_size_t wasm_table_size(const wasm_table_t* t) { return t->table()->size(); }

bool wasm_table_grow(wasm_table_t* t, wasm_table_size_t delta, wasm_ref_t* init) {
  nw::Val v;
  if (!RefToVal(t->store, t->table()->type().elem, init, &v)) return false;
  return t->table()->Grow(delta, v) >= 0;
}

// ---- memories --------------------------------------------------------------------------------

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  nw::MemoryType mt;
  mt.limits = FromCLimits(type->limits);
  nw::Memory* m = nw::Memory::Create(store->store, mt);
  return m ? new wasm_memory_t(store, m) : nullptr;
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* m) {
  return static_cast<wasm_memorytype_t*>(NewMemoryTypeFrom(m->memory()->type()));
}

byte_t* wasm_memory_data(wasm_memory_t* m) {
  return reinterpret_cast<byte_t*>(m->memory()->data().data());
}
size_t wasm_memory_data_size(const wasm_memory_t* m) { return m->memory()->data().size(); }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* m) {
  return static_cast<wasm_memory_pages_t>(m->memory()->pages());
}
bool wasm_memory_grow(wasm_memory_t* m, wasm_memory_pages_t delta) {
  return m->memory()->Grow(delta) >= 0;
}

// ---- externs ---------------------------------------------------------------------------------

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) { return e->Kind(); }
wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) { return NewExterntype(e->item); }

#define NW_CAPI_EXTERN_VIEWS(name, KIND)                                                       \
  wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* x) { return x; }                     \
  const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* x) { return x; }   \
  wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) {                                   \
    return e && e->Kind() == KIND ? static_cast<wasm_##name##_t*>(e) : nullptr;                \
  }                                                                                            \
  const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {               \
    return e && e->Kind() == KIND ? static_cast<const wasm_##name##_t*>(e) : nullptr;          \
  }
NW_CAPI_EXTERN_VIEWS(func, WASM_EXTERN_FUNC)
NW_CAPI_EXTERN_VIEWS(global, WASM_EXTERN_GLOBAL)
NW_CAPI_EXTERN_VIEWS(table, WASM_EXTERN_TABLE)
NW_CAPI_EXTERN_VIEWS(memory, WASM_EXTERN_MEMORY)

}  // extern "C"

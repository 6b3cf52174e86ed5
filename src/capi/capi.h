// What the C API's opaque handles are (wasm.h declares them incomplete) and the conversions
// between C values and the runtime's. Only src/capi/*.cc include this; it uses the public C++
// API (nanowasm/runtime.h) plus the module description for import/export types.
//
// Handle model: type handles (wasm_valtype_t, wasm_functype_t, ...) are plain owned values.
// Reference handles derive from wasm_ref_t; a handle to a store object (func, global, table,
// memory, instance, foreign) is a small heap object pointing at the object, which the store
// owns. Deleting the handle never deletes the object. Host info of store objects lives in the
// store (keyed by the object) so every handle to the same object sees it; their finalizers run
// when the store is deleted.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "nanowasm/runtime.h"
#include "wasm.h"

// ---- types ----------------------------------------------------------------------------------

struct wasm_config_t {
  nw::Config config;
};

struct wasm_engine_t {
  explicit wasm_engine_t(const nw::Config& c) : engine(c) {}
  nw::Engine engine;
};

struct wasm_valtype_t {
  wasm_valkind_t kind = WASM_I32;
};

struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
  virtual wasm_externtype_t* Clone() const = 0;
  wasm_externkind_t kind;
};

struct wasm_functype_t final : wasm_externtype_t {
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  ~wasm_functype_t() override;
  wasm_externtype_t* Clone() const override;
  wasm_valtype_vec_t params{0, nullptr};
  wasm_valtype_vec_t results{0, nullptr};
};

struct wasm_globaltype_t final : wasm_externtype_t {
  wasm_globaltype_t() : wasm_externtype_t(WASM_EXTERN_GLOBAL) {}
  ~wasm_globaltype_t() override { delete content; }
  wasm_externtype_t* Clone() const override;
  wasm_valtype_t* content = nullptr;
  wasm_mutability_t mutability = WASM_CONST;
};

struct wasm_tabletype_t final : wasm_externtype_t {
  wasm_tabletype_t() : wasm_externtype_t(WASM_EXTERN_TABLE) {}
  ~wasm_tabletype_t() override { delete element; }
  wasm_externtype_t* Clone() const override;
  wasm_valtype_t* element = nullptr;
  wasm_limits_t limits{0, wasm_limits_max_default};
};

struct wasm_memorytype_t final : wasm_externtype_t {
  wasm_memorytype_t() : wasm_externtype_t(WASM_EXTERN_MEMORY) {}
  wasm_externtype_t* Clone() const override;
  wasm_limits_t limits{0, wasm_limits_max_default};
};

struct wasm_importtype_t {
  ~wasm_importtype_t();
  wasm_name_t module{0, nullptr};
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};

struct wasm_exporttype_t {
  ~wasm_exporttype_t();
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};

// ---- store ----------------------------------------------------------------------------------

namespace nw::capi {

struct HostInfo {
  void* info = nullptr;
  void (*finalizer)(void*) = nullptr;
};

// What an externref word points at: created by wasm_foreign_new, or wrapping another
// reference passed where an externref was expected. Owned by the store.
struct ForeignObj {
  wasm_ref_t* wrapped = nullptr;  // owned handle, or null for a plain foreign object
  ~ForeignObj();
};

}  // namespace nw::capi

struct wasm_store_t {
  explicit wasm_store_t(wasm_engine_t* e) : engine(e), store(e->engine) {}
  ~wasm_store_t();
  wasm_engine_t* engine;
  // Host info of store objects, by object address; finalizers run in ~wasm_store_t.
  std::unordered_map<const void*, nw::capi::HostInfo> host_info;
  std::vector<std::unique_ptr<nw::capi::ForeignObj>> foreigns;
  // Indexes over `foreigns` (entries point into it): every object by its externref word
  // (its address); objects wrapping another reference by that reference's key (see
  // RefToExternWord); objects made for words this C API did not hand out, by that word. They
  // make conversions O(1) and let repeated conversions of the same reference or word reuse one
  // object instead of adding one per call.
  std::unordered_map<uint64_t, nw::capi::ForeignObj*> foreign_by_word;
  std::unordered_map<const void*, nw::capi::ForeignObj*> foreign_by_ref;
  std::unordered_map<uint64_t, nw::capi::ForeignObj*> foreign_by_unknown_word;
  nw::Store store;  // declared last: destroyed first, before the foreign objects it refers to
};

// ---- references -----------------------------------------------------------------------------

enum class RefKind : uint8_t { kExtern, kInstance, kModule, kTrap, kForeign };

struct wasm_ref_t {
  explicit wasm_ref_t(RefKind k) : ref_kind(k) {}
  virtual ~wasm_ref_t() = default;
  virtual wasm_ref_t* Clone() const = 0;
  // The object this handle designates (for wasm_*_same).
  virtual const void* Identity() const = 0;
  // Where host info for this object is kept.
  virtual nw::capi::HostInfo* Info() = 0;
  RefKind ref_kind;
};

// A handle owning its own host info (module, trap): finalizer runs when the handle dies.
struct SelfInfoRef : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
  ~SelfInfoRef() override {
    if (info.finalizer) info.finalizer(info.info);
  }
  nw::capi::HostInfo* Info() override { return &info; }
  nw::capi::HostInfo info;
};

struct wasm_extern_t : wasm_ref_t {
  wasm_extern_t(wasm_store_t* s, nw::Extern e) : wasm_ref_t(RefKind::kExtern), store(s), item(e) {}
  wasm_ref_t* Clone() const override;
  const void* Identity() const override;
  nw::capi::HostInfo* Info() override { return &store->host_info[Identity()]; }
  wasm_externkind_t Kind() const;
  wasm_store_t* store;
  nw::Extern item;
};
struct wasm_func_t final : wasm_extern_t {
  wasm_func_t(wasm_store_t* s, nw::Func* f) : wasm_extern_t(s, f) {}
  nw::Func* func() const { return std::get<nw::Func*>(item); }
};
struct wasm_global_t final : wasm_extern_t {
  wasm_global_t(wasm_store_t* s, nw::Global* g) : wasm_extern_t(s, g) {}
  nw::Global* global() const { return std::get<nw::Global*>(item); }
};
struct wasm_table_t final : wasm_extern_t {
  wasm_table_t(wasm_store_t* s, nw::Table* t) : wasm_extern_t(s, t) {}
  nw::Table* table() const { return std::get<nw::Table*>(item); }
};
struct wasm_memory_t final : wasm_extern_t {
  wasm_memory_t(wasm_store_t* s, nw::Memory* m) : wasm_extern_t(s, m) {}
  nw::Memory* memory() const { return std::get<nw::Memory*>(item); }
};

struct wasm_instance_t final : wasm_ref_t {
  wasm_instance_t(wasm_store_t* s, nw::Instance* i)
      : wasm_ref_t(RefKind::kInstance), store(s), instance(i) {}
  wasm_ref_t* Clone() const override { return new wasm_instance_t(store, instance); }
  const void* Identity() const override { return instance; }
  nw::capi::HostInfo* Info() override { return &store->host_info[instance]; }
  wasm_store_t* store;
  nw::Instance* instance;
};

struct wasm_module_t final : SelfInfoRef {
  wasm_module_t(wasm_engine_t* e, std::shared_ptr<const nw::Module> m)
      : SelfInfoRef(RefKind::kModule), engine(e), module(std::move(m)) {}
  wasm_ref_t* Clone() const override { return new wasm_module_t(engine, module); }
  const void* Identity() const override { return module.get(); }
  wasm_engine_t* engine;
  std::shared_ptr<const nw::Module> module;
};

struct wasm_shared_module_t {
  wasm_engine_t* engine;
  std::shared_ptr<const nw::Module> module;
};

struct wasm_trap_t final : SelfInfoRef {
  explicit wasm_trap_t(nw::Trap t) : SelfInfoRef(RefKind::kTrap), trap(std::move(t)) {}
  wasm_ref_t* Clone() const override { return new wasm_trap_t(trap); }
  const void* Identity() const override { return this; }
  nw::Trap trap;
};

struct wasm_foreign_t final : wasm_ref_t {
  wasm_foreign_t(wasm_store_t* s, nw::capi::ForeignObj* o)
      : wasm_ref_t(RefKind::kForeign), store(s), obj(o) {}
  wasm_ref_t* Clone() const override { return new wasm_foreign_t(store, obj); }
  const void* Identity() const override { return obj; }
  nw::capi::HostInfo* Info() override { return &store->host_info[obj]; }
  wasm_store_t* store;
  nw::capi::ForeignObj* obj;
};

struct wasm_frame_t {
  nw::Frame frame;
};

// ---- vector definitions (used inside extern "C" blocks) -----------------------------

// Elements held by value (bytes): copied bitwise.
#define NW_CAPI_VALUE_VEC(name)                                                                \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) { *out = {0, nullptr}; }          \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t n) {               \
    out->size = n;                                                                             \
    out->data = n ? new wasm_##name##_t[n]() : nullptr;                                        \
  }                                                                                            \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t n,                               \
                             const wasm_##name##_t data[]) {                                   \
    wasm_##name##_vec_new_uninitialized(out, n);                                               \
    if (n) std::memcpy(out->data, data, n * sizeof(wasm_##name##_t));                          \
  }                                                                                            \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* in) {       \
    wasm_##name##_vec_new(out, in->size, in->data);                                            \
  }                                                                                            \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) {                                      \
    delete[] v->data;                                                                          \
    *v = {0, nullptr};                                                                         \
  }

// Elements held by owned pointer: new takes ownership, copy deep-copies, delete deletes each.
#define NW_CAPI_PTR_VEC(name)                                                                  \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) { *out = {0, nullptr}; }          \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t n) {               \
    out->size = n;                                                                             \
    out->data = n ? new wasm_##name##_t*[n]() : nullptr;                                       \
  }                                                                                            \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t n,                               \
                             wasm_##name##_t* const data[]) {                                  \
    wasm_##name##_vec_new_uninitialized(out, n);                                               \
    for (size_t i = 0; i < n; ++i) out->data[i] = data[i];                                     \
  }                                                                                            \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* in) {       \
    wasm_##name##_vec_new_uninitialized(out, in->size);                                        \
    for (size_t i = 0; i < in->size; ++i)                                                      \
      out->data[i] = in->data[i] ? wasm_##name##_copy(in->data[i]) : nullptr;                  \
  }                                                                                            \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) {                                      \
    for (size_t i = 0; i < v->size; ++i) wasm_##name##_delete(v->data[i]);                     \
    delete[] v->data;                                                                          \
    *v = {0, nullptr};                                                                         \
  }

// ---- conversions ----------------------------------------------------------------------------

namespace nw::capi {

inline constexpr wasm_valkind_t kV128Kind = 4;  // nanowasm's kind for v128 (no C value form)

wasm_valkind_t KindOf(ValType t);
bool TypeOf(wasm_valkind_t k, ValType* out);
wasm_valtype_t* NewValtype(ValType t);
wasm_functype_t* NewFunctype(const FuncType& t);
FuncType ToFuncType(const wasm_functype_t* t);
wasm_externtype_t* NewExterntype(const Extern& e);
wasm_externtype_t* NewTableTypeFrom(const TableType& t);
wasm_externtype_t* NewMemoryTypeFrom(const MemoryType& t);
wasm_externtype_t* NewGlobalTypeFrom(const GlobalType& t);
wasm_limits_t ToCLimits(const Limits& l);
Limits FromCLimits(const wasm_limits_t& l);

// The externref word for `ref` in `store` (0 for null); wraps non-foreign references.
uint64_t RefToExternWord(wasm_store_t* store, const wasm_ref_t* ref);
// Number of foreign objects the store holds (for tests: conversions must not grow it per call).
size_t ForeignCount(const wasm_store_t* store);
// A new handle for an externref word / funcref (null when the word is 0).
wasm_ref_t* ExternWordToRef(wasm_store_t* store, uint64_t word);
wasm_ref_t* FuncToRef(wasm_store_t* store, Func* f);

// C value -> slot word(s) of type `t`; false (with `why`) if the kind does not match.
bool CValToWord(wasm_store_t* store, const wasm_val_t& v, ValType t, uint64_t* out,
                std::string* why);
// Slot word(s) of type t -> new C value (references become new handles).
wasm_val_t WordToCVal(wasm_store_t* store, ValType t, const uint64_t* in);
bool CValToVal(wasm_store_t* store, const wasm_val_t& v, ValType t, Val* out, std::string* why);
wasm_val_t ValToCVal(wasm_store_t* store, const Val& v);

wasm_trap_t* NewTrap(Trap t);
Trap HostErrorTrap(std::string message);

// NUL-terminated byte vector from text.
void NewMessage(std::string_view s, wasm_byte_vec_t* out);

}  // namespace nw::capi

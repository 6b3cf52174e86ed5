// wasm.h: vectors, value/function/global/table/memory/extern/import/export types, and the
// conversions between them and nanowasm's types (types.h). No runtime objects here.
#include <cstdlib>
#include <cstring>
#include <new>

#include "capi/capi.h"

using namespace nw::capi;


extern "C" {

NW_CAPI_VALUE_VEC(byte)
NW_CAPI_PTR_VEC(valtype)
NW_CAPI_PTR_VEC(functype)
NW_CAPI_PTR_VEC(globaltype)
NW_CAPI_PTR_VEC(tabletype)
NW_CAPI_PTR_VEC(memorytype)
NW_CAPI_PTR_VEC(externtype)
NW_CAPI_PTR_VEC(importtype)
NW_CAPI_PTR_VEC(exporttype)

// ---- value types -----------------------------------------------------------------------------

wasm_valtype_t* wasm_valtype_new(wasm_valkind_t k) { return new wasm_valtype_t{k}; }
void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) { return new wasm_valtype_t{t->kind}; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return t->kind; }

// ---- function types --------------------------------------------------------------------------

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* t = new wasm_functype_t;
  t->params = *params;
  t->results = *results;
  *params = {0, nullptr};
  *results = {0, nullptr};
  return t;
}
void wasm_functype_delete(wasm_functype_t* t) { delete t; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) {
  return static_cast<wasm_functype_t*>(t->Clone());
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) { return &t->params; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) { return &t->results; }

// ---- global, table, memory types ------------------------------------------------------------

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t m) {
  auto* t = new wasm_globaltype_t;
  t->content = content;
  t->mutability = m;
  return t;
}
void wasm_globaltype_delete(wasm_globaltype_t* t) { delete t; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) {
  return static_cast<wasm_globaltype_t*>(t->Clone());
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) { return t->content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) { return t->mutability; }

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  auto* t = new wasm_tabletype_t;
  t->element = element;
  t->limits = *limits;
  return t;
}
void wasm_tabletype_delete(wasm_tabletype_t* t) { delete t; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) {
  return static_cast<wasm_tabletype_t*>(t->Clone());
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) { return t->element; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) { return &t->limits; }

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  auto* t = new wasm_memorytype_t;
  t->limits = *limits;
  return t;
}
void wasm_memorytype_delete(wasm_memorytype_t* t) { delete t; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) {
  return static_cast<wasm_memorytype_t*>(t->Clone());
}
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) { return &t->limits; }

// ---- extern types ----------------------------------------------------------------------------

void wasm_externtype_delete(wasm_externtype_t* t) { delete t; }
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) { return t->Clone(); }
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t->kind; }

#define NW_CAPI_EXTERNTYPE_VIEWS(name, KIND)                                                   \
  wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) { return t; }             \
  const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* t) {       \
    return t;                                                                                  \
  }                                                                                            \
  wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) {                           \
    return t && t->kind == KIND ? static_cast<wasm_##name##_t*>(t) : nullptr;                  \
  }                                                                                            \
  const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* t) {       \
    return t && t->kind == KIND ? static_cast<const wasm_##name##_t*>(t) : nullptr;            \
  }
NW_CAPI_EXTERNTYPE_VIEWS(functype, WASM_EXTERN_FUNC)
NW_CAPI_EXTERNTYPE_VIEWS(globaltype, WASM_EXTERN_GLOBAL)
NW_CAPI_EXTERNTYPE_VIEWS(tabletype, WASM_EXTERN_TABLE)
NW_CAPI_EXTERNTYPE_VIEWS(memorytype, WASM_EXTERN_MEMORY)

// ---- import and export types ----------------------------------------------------------------

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name,
                                       wasm_externtype_t* type) {
  auto* t = new wasm_importtype_t;
  t->module = *module;
  t->name = *name;
  t->type = type;
  *module = {0, nullptr};
  *name = {0, nullptr};
  return t;
}
void wasm_importtype_delete(wasm_importtype_t* t) { delete t; }
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  auto* c = new wasm_importtype_t;
  wasm_byte_vec_copy(&c->module, &t->module);
  wasm_byte_vec_copy(&c->name, &t->name);
  c->type = t->type ? t->type->Clone() : nullptr;
  return c;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) { return &t->module; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return &t->name; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) { return t->type; }

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_exporttype_t;
  t->name = *name;
  t->type = type;
  *name = {0, nullptr};
  return t;
}
void wasm_exporttype_delete(wasm_exporttype_t* t) { delete t; }
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  auto* c = new wasm_exporttype_t;
  wasm_byte_vec_copy(&c->name, &t->name);
  c->type = t->type ? t->type->Clone() : nullptr;
  return c;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return &t->name; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) { return t->type; }

}  // extern "C"

// ---- C++ side of the type handles ------------------------------------------------------------

wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}
wasm_externtype_t* wasm_functype_t::Clone() const {
  auto* c = new wasm_functype_t;
  wasm_valtype_vec_copy(&c->params, &params);
  wasm_valtype_vec_copy(&c->results, &results);
  return c;
}
wasm_externtype_t* wasm_globaltype_t::Clone() const {
  auto* c = new wasm_globaltype_t;
  c->content = content ? wasm_valtype_copy(content) : nullptr;
  c->mutability = mutability;
  return c;
}
wasm_externtype_t* wasm_tabletype_t::Clone() const {
  auto* c = new wasm_tabletype_t;
  c->element = element ? wasm_valtype_copy(element) : nullptr;
  c->limits = limits;
  return c;
}
wasm_externtype_t* wasm_memorytype_t::Clone() const {
  auto* c = new wasm_memorytype_t;
  c->limits = limits;
  return c;
}
wasm_importtype_t::~wasm_importtype_t() {
  wasm_byte_vec_delete(&module);
  wasm_byte_vec_delete(&name);
  delete type;
}
wasm_exporttype_t::~wasm_exporttype_t() {
  wasm_byte_vec_delete(&name);
  delete type;
}

namespace nw::capi {

wasm_valkind_t KindOf(ValType t) {
  switch (t) {
    case ValType::kI32: return WASM_I32;
    case ValType::kI64: return WASM_I64;
    case ValType::kF32: return WASM_F32;
    case ValType::kF64: return WASM_F64;
    case ValType::kExternRef: return WASM_ANYREF;
    case ValType::kFuncRef: return WASM_FUNCREF;
    case ValType::kV128: return kV128Kind;
    case ValType::kExnRef: return WASM_ANYREF;  // wasm.h has no exnref; no C form of its values
  }
  return WASM_I32;
}

bool TypeOf(wasm_valkind_t k, ValType* out) {
  switch (k) {
    case WASM_I32: *out = ValType::kI32; return true;
    case WASM_I64: *out = ValType::kI64; return true;
    case WASM_F32: *out = ValType::kF32; return true;
    case WASM_F64: *out = ValType::kF64; return true;
    case WASM_ANYREF: *out = ValType::kExternRef; return true;
    case WASM_FUNCREF: *out = ValType::kFuncRef; return true;
    case kV128Kind: *out = ValType::kV128; return true;
    default: return false;
  }
}

wasm_valtype_t* NewValtype(ValType t) { return new wasm_valtype_t{KindOf(t)}; }

static void NewValtypeVec(std::span<const ValType> types, wasm_valtype_vec_t* out) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < types.size(); ++i) out->data[i] = NewValtype(types[i]);
}

wasm_functype_t* NewFunctype(const FuncType& t) {
  auto* f = new wasm_functype_t;
  NewValtypeVec(t.params, &f->params);
  NewValtypeVec(t.results, &f->results);
  return f;
}

FuncType ToFuncType(const wasm_functype_t* t) {
  FuncType f;
  ValType v;
  for (size_t i = 0; i < t->params.size; ++i)
    f.params.push_back(TypeOf(t->params.data[i]->kind, &v) ? v : ValType::kI32);
  for (size_t i = 0; i < t->results.size; ++i)
    f.results.push_back(TypeOf(t->results.data[i]->kind, &v) ? v : ValType::kI32);
  return f;
}

wasm_limits_t ToCLimits(const Limits& l) {
  wasm_limits_t c;
  c.min = static_cast<uint32_t>(l.min);
  c.max = l.max ? static_cast<uint32_t>(*l.max) : wasm_limits_max_default;
  return c;
}

Limits FromCLimits(const wasm_limits_t& l) {
  Limits r;
  r.min = l.min;
  if (l.max != wasm_limits_max_default) r.max = l.max;
  return r;
}

static wasm_externtype_t* NewTableType(const TableType& t) {
  auto* c = new wasm_tabletype_t;
  c->element = NewValtype(t.elem);
  c->limits = ToCLimits(t.limits);
  return c;
}
static wasm_externtype_t* NewMemoryType(const MemoryType& t) {
  auto* c = new wasm_memorytype_t;
  c->limits = ToCLimits(t.limits);
  return c;
}
static wasm_externtype_t* NewGlobalType(const GlobalType& t) {
  auto* c = new wasm_globaltype_t;
  c->content = NewValtype(t.type);
  c->mutability = t.mut ? WASM_VAR : WASM_CONST;
  return c;
}

wasm_externtype_t* NewExterntype(const Extern& e) {
  if (auto* f = std::get_if<Func*>(&e)) return NewFunctype((*f)->type());
  if (auto* t = std::get_if<Table*>(&e)) return NewTableType((*t)->type());
  if (auto* m = std::get_if<Memory*>(&e)) return NewMemoryType((*m)->type());
  return NewGlobalType(std::get<Global*>(e)->type());
}

void NewMessage(std::string_view s, wasm_byte_vec_t* out) {
  wasm_byte_vec_new_uninitialized(out, s.size() + 1);
  if (!s.empty()) std::memcpy(out->data, s.data(), s.size());
  out->data[s.size()] = '\0';
}

// Used by module.cc for import/export types from a module description.
wasm_externtype_t* NewTableTypeFrom(const TableType& t) { return NewTableType(t); }
wasm_externtype_t* NewMemoryTypeFrom(const MemoryType& t) { return NewMemoryType(t); }
wasm_externtype_t* NewGlobalTypeFrom(const GlobalType& t) { return NewGlobalType(t); }

}  // namespace nw::capi

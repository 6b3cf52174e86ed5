// The nanowasm_component_* C functions of include/nanowasm.h over the C++ component API
// (include/nanowasm/component.hpp): C value trees (malloc'd heap parts) converted to and from
// nw::ComponentVal at the boundary. Not here: anything the C++ API does not do.
#include <cstdlib>
#include <cstring>
#include <memory>

#include "capi/capi.h"
#include "nanowasm.h"
#include "nanowasm/component.hpp"

struct nanowasm_component_t {
  std::shared_ptr<const nw::ComponentModule> module;
};
struct nanowasm_component_store_t {
  explicit nanowasm_component_store_t(nw::Store& s) : cs(s) {}
  nw::ComponentStore cs;
};
struct nanowasm_component_linker_t {
  nw::ComponentLinker linker;
};
struct nanowasm_component_instance_t {
  nw::ComponentInstance inst;
};

namespace {

using nw::ComponentVal;
using nw::ComponentValKind;

void SetError(nanowasm_component_error_t* out, const nw::ComponentError& e) {
  if (!out) return;
  out->kind = static_cast<nanowasm_component_error_kind_t>(e.kind);
  out->trap_kind = static_cast<nanowasm_trap_kind_t>(e.trap_kind);
  nw::capi::NewMessage(e.message, &out->message);
}

void SetMessage(wasm_byte_vec_t* out, const std::string& m) {
  if (out) nw::capi::NewMessage(m, out);
}

ComponentVal FromC(const nanowasm_cval_t& v);

std::vector<ComponentVal> ElemsFromC(const nanowasm_cval_t* data, size_t n) {
  std::vector<ComponentVal> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(FromC(data[i]));
  return out;
}

std::optional<ComponentVal> PayloadFromC(const nanowasm_cval_t& v) {
  if (!v.of.cases.payload) return std::nullopt;
  return FromC(*v.of.cases.payload);
}

ComponentVal FromC(const nanowasm_cval_t& v) {
  switch (v.kind) {
    case NANOWASM_CVAL_BOOL: return ComponentVal::Bool(v.of.b);
    case NANOWASM_CVAL_S8: return ComponentVal::S8(static_cast<int8_t>(v.of.s));
    case NANOWASM_CVAL_U8: return ComponentVal::U8(static_cast<uint8_t>(v.of.u));
    case NANOWASM_CVAL_S16: return ComponentVal::S16(static_cast<int16_t>(v.of.s));
    case NANOWASM_CVAL_U16: return ComponentVal::U16(static_cast<uint16_t>(v.of.u));
    case NANOWASM_CVAL_S32: return ComponentVal::S32(static_cast<int32_t>(v.of.s));
    case NANOWASM_CVAL_U32: return ComponentVal::U32(static_cast<uint32_t>(v.of.u));
    case NANOWASM_CVAL_S64: return ComponentVal::S64(v.of.s);
    case NANOWASM_CVAL_U64: return ComponentVal::U64(v.of.u);
    case NANOWASM_CVAL_F32: return ComponentVal::F32(v.of.f32);
    case NANOWASM_CVAL_F64: return ComponentVal::F64(v.of.f64);
    case NANOWASM_CVAL_CHAR: return ComponentVal::Char(v.of.ch);
    case NANOWASM_CVAL_STRING:
      return ComponentVal::String(std::string(v.of.string.data ? v.of.string.data : "", v.of.string.size));
    case NANOWASM_CVAL_LIST: return ComponentVal::List(ElemsFromC(v.of.elems.data, v.of.elems.size));
    case NANOWASM_CVAL_RECORD: return ComponentVal::Record(ElemsFromC(v.of.elems.data, v.of.elems.size));
    case NANOWASM_CVAL_TUPLE: return ComponentVal::Tuple(ElemsFromC(v.of.elems.data, v.of.elems.size));
    case NANOWASM_CVAL_VARIANT: return ComponentVal::Variant(v.of.cases.index, PayloadFromC(v));
    case NANOWASM_CVAL_ENUM: return ComponentVal::Enum(v.of.cases.index);
    case NANOWASM_CVAL_OPTION:
      return v.of.cases.index == 0 || !v.of.cases.payload ? ComponentVal::None()
                                                          : ComponentVal::Some(FromC(*v.of.cases.payload));
    case NANOWASM_CVAL_RESULT:
      return v.of.cases.index == 0 ? ComponentVal::Ok(PayloadFromC(v)) : ComponentVal::Err(PayloadFromC(v));
    case NANOWASM_CVAL_FLAGS: return ComponentVal::Flags(v.of.flags);
    case NANOWASM_CVAL_OWN: return ComponentVal::Own(v.of.rep);
    case NANOWASM_CVAL_BORROW: return ComponentVal::Borrow(v.of.rep);
  }
  // An unknown kind: a value no type accepts (the call reports the mismatch).
  return ComponentVal::Variant(UINT32_MAX);
}

void ToC(const ComponentVal& v, nanowasm_cval_t* out) {
  std::memset(out, 0, sizeof *out);
  out->kind = static_cast<nanowasm_cval_kind_t>(v.kind());
  switch (v.kind()) {
    case ComponentValKind::kBool: out->of.b = v.as_bool(); break;
    case ComponentValKind::kS8: case ComponentValKind::kS16: case ComponentValKind::kS32:
    case ComponentValKind::kS64: out->of.s = v.as_s64(); break;
    case ComponentValKind::kU8: case ComponentValKind::kU16: case ComponentValKind::kU32:
    case ComponentValKind::kU64: out->of.u = v.as_u64(); break;
    case ComponentValKind::kF32: out->of.f32 = v.as_f32(); break;
    case ComponentValKind::kF64: out->of.f64 = v.as_f64(); break;
    case ComponentValKind::kChar: out->of.ch = v.as_char(); break;
    case ComponentValKind::kString: {
      const std::string& s = v.as_string();
      out->of.string.data = static_cast<char*>(std::malloc(s.size() + 1));
      std::memcpy(out->of.string.data, s.data(), s.size());
      out->of.string.data[s.size()] = 0;  // a convenience; size excludes it
      out->of.string.size = s.size();
      break;
    }
    case ComponentValKind::kList: case ComponentValKind::kRecord: case ComponentValKind::kTuple: {
      if (v.is_packed()) {  // the C API has one list form: one value per element
        size_t n = v.list_size();
        out->of.elems.data = static_cast<nanowasm_cval_t*>(std::calloc(n ? n : 1, sizeof(nanowasm_cval_t)));
        out->of.elems.size = n;
        for (size_t i = 0; i < n; ++i) ToC(v.list_elem(i), &out->of.elems.data[i]);
        break;
      }
      size_t n = v.elems().size();
      out->of.elems.data = static_cast<nanowasm_cval_t*>(std::calloc(n ? n : 1, sizeof(nanowasm_cval_t)));
      out->of.elems.size = n;
      for (size_t i = 0; i < n; ++i) ToC(v.elems()[i], &out->of.elems.data[i]);
      break;
    }
    case ComponentValKind::kVariant: case ComponentValKind::kEnum: case ComponentValKind::kOption:
    case ComponentValKind::kResult:
      out->of.cases.index = v.case_index();
      if (v.payload()) {
        out->of.cases.payload = static_cast<nanowasm_cval_t*>(std::calloc(1, sizeof(nanowasm_cval_t)));
        ToC(*v.payload(), out->of.cases.payload);
      }
      break;
    case ComponentValKind::kFlags: out->of.flags = v.flags(); break;
    case ComponentValKind::kOwn: case ComponentValKind::kBorrow: out->of.rep = v.rep(); break;
  }
}

// The host's env, finalized when the last copy of the host function is gone.
struct Env {
  void* env;
  void (*finalizer)(void*);
  ~Env() {
    if (finalizer) finalizer(env);
  }
};

}  // namespace

extern "C" {

void nanowasm_cval_delete(nanowasm_cval_t* v) {
  if (!v) return;
  switch (v->kind) {
    case NANOWASM_CVAL_STRING: std::free(v->of.string.data); break;
    case NANOWASM_CVAL_LIST: case NANOWASM_CVAL_RECORD: case NANOWASM_CVAL_TUPLE:
      for (size_t i = 0; i < v->of.elems.size; ++i) nanowasm_cval_delete(&v->of.elems.data[i]);
      std::free(v->of.elems.data);
      break;
    case NANOWASM_CVAL_VARIANT: case NANOWASM_CVAL_ENUM: case NANOWASM_CVAL_OPTION:
    case NANOWASM_CVAL_RESULT:
      nanowasm_cval_delete(v->of.cases.payload);
      std::free(v->of.cases.payload);
      break;
    default: break;
  }
  std::memset(&v->of, 0, sizeof v->of);
}

void nanowasm_component_error_delete(nanowasm_component_error_t* e) {
  if (e) wasm_byte_vec_delete(&e->message);
}

nanowasm_component_t* nanowasm_component_new(const wasm_byte_vec_t* binary, wasm_byte_vec_t* error) {
  auto m = nw::ComponentModule::FromBinary(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(binary->data), binary->size));
  if (!m) {
    SetMessage(error, m.error().ToString());
    return nullptr;
  }
  return new nanowasm_component_t{std::move(*m)};
}

nanowasm_component_t* nanowasm_component_new_text(const char* text, size_t len, wasm_byte_vec_t* error) {
  auto m = nw::ComponentModule::FromText(std::string_view(text, len));
  if (!m) {
    SetMessage(error, m.error().ToString());
    return nullptr;
  }
  return new nanowasm_component_t{std::move(*m)};
}

void nanowasm_component_delete(nanowasm_component_t* c) { delete c; }

nanowasm_component_store_t* nanowasm_component_store_new(wasm_store_t* store) {
  return new nanowasm_component_store_t(store->store);
}
void nanowasm_component_store_delete(nanowasm_component_store_t* s) { delete s; }

void nanowasm_component_store_get_limits(const nanowasm_component_store_t* s,
                                         nanowasm_component_limits_t* out) {
  const nw::ComponentLimits l = s->cs.limits();
  *out = nanowasm_component_limits_t{l.max_async_threads, l.max_callback_tasks, l.max_host_value_bytes};
}

void nanowasm_component_store_set_limits(nanowasm_component_store_t* s,
                                         const nanowasm_component_limits_t* l) {
  s->cs.SetLimits(nw::ComponentLimits{l->max_async_threads, l->max_callback_tasks, l->max_host_value_bytes});
}

nanowasm_component_linker_t* nanowasm_component_linker_new(void) { return new nanowasm_component_linker_t; }
void nanowasm_component_linker_delete(nanowasm_component_linker_t* l) { delete l; }

void nanowasm_component_linker_define_func(nanowasm_component_linker_t* l, const char* path,
                                           nanowasm_component_func_callback_t cb, void* env,
                                           void (*finalizer)(void*)) {
  auto e = std::make_shared<Env>(Env{env, finalizer});
  l->linker.DefineFuncN(
      path, nw::ComponentHostFuncN([cb, e](std::span<const ComponentVal> args, size_t nresults)
                                       -> nw::Result<std::vector<ComponentVal>> {
        std::vector<nanowasm_cval_t> in(args.size() ? args.size() : 1);
        for (size_t i = 0; i < args.size(); ++i) ToC(args[i], &in[i]);
        nanowasm_cval_t out[1];
        std::memset(out, 0, sizeof out);
        wasm_byte_vec_t msg{0, nullptr};
        bool ok = cb(e->env, in.data(), args.size(), out, nresults, &msg);
        for (size_t i = 0; i < args.size(); ++i) nanowasm_cval_delete(&in[i]);
        if (!ok) {
          std::string m = msg.data ? std::string(msg.data, strnlen(msg.data, msg.size)) : "host function failed";
          wasm_byte_vec_delete(&msg);
          nanowasm_cval_delete(&out[0]);
          return nw::MakeError(m);
        }
        std::vector<ComponentVal> results;
        if (nresults) results.push_back(FromC(out[0]));
        nanowasm_cval_delete(&out[0]);
        return results;
      }));
}

void nanowasm_component_linker_define_resource(nanowasm_component_linker_t* l, const char* path,
                                               void (*dtor)(void* env, uint32_t rep), void* env) {
  std::function<void(uint32_t)> fn;
  if (dtor) fn = [dtor, env](uint32_t rep) { dtor(env, rep); };
  l->linker.DefineResource(path, std::move(fn));
}

void nanowasm_component_linker_define_instance(nanowasm_component_linker_t* l, const char* name,
                                               const nanowasm_component_instance_t* inst) {
  l->linker.DefineInstance(name, inst->inst);
}

nanowasm_component_instance_t* nanowasm_component_instance_new(const nanowasm_component_linker_t* l,
                                                               nanowasm_component_store_t* cs,
                                                               const nanowasm_component_t* c,
                                                               nanowasm_component_error_t* error) {
  auto r = l->linker.Instantiate(cs->cs, *c->module);
  if (!r) {
    SetError(error, r.error());
    return nullptr;
  }
  return new nanowasm_component_instance_t{*r};
}

void nanowasm_component_instance_delete(nanowasm_component_instance_t* i) { delete i; }

nanowasm_component_instance_t* nanowasm_component_instance_get_instance(
    const nanowasm_component_instance_t* inst, const char* name) {
  auto r = inst->inst.GetInstance(name);
  if (!r) return nullptr;
  return new nanowasm_component_instance_t{*r};
}

bool nanowasm_component_instance_drop_resource(nanowasm_component_instance_t* inst,
                                               const char* path, uint32_t rep,
                                               nanowasm_component_error_t* error) {
  auto r = inst->inst.GetResource(path);
  if (!r) {
    SetError(error, nw::ComponentError{nw::ComponentError::Kind::kError, nw::TrapKind::kHostError,
                                       r.error().message});
    return false;
  }
  auto st = r->Drop(nw::OwnHandle{rep});
  if (!st) {
    SetError(error, st.error());
    return false;
  }
  return true;
}

bool nanowasm_component_instance_call(nanowasm_component_instance_t* inst, const char* path,
                                      const nanowasm_cval_t* args, size_t nargs,
                                      nanowasm_cval_t* results, size_t results_capacity,
                                      size_t* num_results, nanowasm_component_error_t* error) {
  auto f = inst->inst.GetFunc(path);
  if (!f) {
    SetError(error, nw::ComponentError{nw::ComponentError::Kind::kError, nw::TrapKind::kHostError,
                                       f.error().message});
    return false;
  }
  if (f->result_count() > results_capacity) {
    SetError(error, nw::ComponentError{nw::ComponentError::Kind::kError, nw::TrapKind::kHostError,
                                       "results_capacity is smaller than the function's result count"});
    return false;
  }
  std::vector<ComponentVal> in = ElemsFromC(args, nargs);
  auto r = f->Call(in);
  if (!r) {
    SetError(error, r.error());
    return false;
  }
  for (size_t i = 0; i < r->size(); ++i) ToC((*r)[i], &results[i]);
  if (num_results) *num_results = r->size();
  return true;
}

}  // extern "C"

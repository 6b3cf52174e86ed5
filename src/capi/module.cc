// wasm.h: modules (compile, validate, import/export types, sharing across stores) and
// instances (positional imports resolved through a one-off Linker, exports in module order).
#include <span>
#include <string>

#include "capi/capi.h"
#include "format/module.h"

using namespace nw::capi;

namespace {

std::span<const uint8_t> Bytes(const wasm_byte_vec_t* v) {
  if (v == nullptr || v->size == 0) return {};
  return {reinterpret_cast<const uint8_t*>(v->data), v->size};
}

wasm_externtype_t* ImportType(const nw::ModuleDesc& d, const nw::Import& im) {
  switch (im.kind) {
    case nw::ExternKind::kFunc: return NewFunctype(d.types[im.func_type]);
    case nw::ExternKind::kTable: return NewTableTypeFrom(im.table);
    case nw::ExternKind::kMemory: return NewMemoryTypeFrom(im.memory);
    case nw::ExternKind::kGlobal: return NewGlobalTypeFrom(im.global);
    case nw::ExternKind::kTag: return nullptr;  // wasm.h has no tag types
  }
  return nullptr;
}

wasm_externtype_t* ExportType(const nw::ModuleDesc& d, const nw::Export& ex) {
  switch (ex.kind) {
    case nw::ExternKind::kFunc: return NewFunctype(d.FuncSig(ex.index));
    case nw::ExternKind::kTable: return NewTableTypeFrom(d.GetTableType(ex.index));
    case nw::ExternKind::kMemory: return NewMemoryTypeFrom(d.GetMemoryType(ex.index));
    case nw::ExternKind::kGlobal: return NewGlobalTypeFrom(d.GetGlobalType(ex.index));
    case nw::ExternKind::kTag: return nullptr;  // wasm.h has no tag types
  }
  return nullptr;
}

void NameFrom(const std::string& s, wasm_name_t* out) { wasm_byte_vec_new(out, s.size(), s.data()); }

}  // namespace

extern "C" {

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  auto m = nw::Module::FromBinary(store->engine->engine, Bytes(binary));
  if (!m) return nullptr;
  return new wasm_module_t(store->engine, std::move(*m));
}

bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  return nw::Module::FromBinary(store->engine->engine, Bytes(binary)).has_value();
}

void wasm_module_imports(const wasm_module_t* m, wasm_importtype_vec_t* out) {
  const nw::ModuleDesc& d = m->module->desc();
  wasm_importtype_vec_new_uninitialized(out, d.imports.size());
  for (size_t i = 0; i < d.imports.size(); ++i) {
    const nw::Import& im = d.imports[i];
    wasm_name_t module, name;
    NameFrom(im.module, &module);
    NameFrom(im.name, &name);
    out->data[i] = wasm_importtype_new(&module, &name, ImportType(d, im));
  }
}

void wasm_module_exports(const wasm_module_t* m, wasm_exporttype_vec_t* out) {
  const nw::ModuleDesc& d = m->module->desc();
  wasm_exporttype_vec_new_uninitialized(out, d.exports.size());
  for (size_t i = 0; i < d.exports.size(); ++i) {
    wasm_name_t name;
    NameFrom(d.exports[i].name, &name);
    out->data[i] = wasm_exporttype_new(&name, ExportType(d, d.exports[i]));
  }
}

// AOT artifacts (docs/aot.md): the same bytes `nanowasm compile` writes. An empty vector /
// NULL on failure; nanowasm_module_serialize / _deserialize say why.
void wasm_module_serialize(const wasm_module_t* m, wasm_byte_vec_t* out) {
  auto bytes = m->module->Serialize();
  if (!bytes) return wasm_byte_vec_new_empty(out);
  wasm_byte_vec_new(out, bytes->size(), reinterpret_cast<const wasm_byte_t*>(bytes->data()));
}

wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* artifact) {
  auto m = nw::Module::Deserialize(store->engine->engine, Bytes(artifact));
  if (!m) return nullptr;
  return new wasm_module_t(store->engine, std::move(*m));
}

void wasm_shared_module_delete(wasm_shared_module_t* s) { delete s; }

wasm_shared_module_t* wasm_module_share(const wasm_module_t* m) {
  return new wasm_shared_module_t{m->engine, m->module};
}

// A module is translated for one engine's configuration (fuel, epochs), so it can only be
// obtained in stores of that engine.
wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* s) {
  if (s == nullptr || store->engine != s->engine) return nullptr;
  return new wasm_module_t(s->engine, s->module);
}

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                   const wasm_extern_vec_t* imports, wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  auto fail = [&](nw::Trap t) -> wasm_instance_t* {
    if (trap) *trap = NewTrap(std::move(t));
    return nullptr;
  };
  if (module->engine != store->engine)
    return fail(HostErrorTrap("module was compiled for another engine"));
  const nw::ModuleDesc& d = module->module->desc();
  nw::Linker linker;
  for (size_t i = 0; i < d.imports.size(); ++i) {
    const nw::Import& im = d.imports[i];
    const wasm_extern_t* e = imports && i < imports->size ? imports->data[i] : nullptr;
    if (e == nullptr) {
      return fail(HostErrorTrap("unknown import: import " + std::to_string(i) + " (\"" +
                                im.module + "\" \"" + im.name + "\") was not provided"));
    }
    if (e->store != store) return fail(HostErrorTrap("import " + std::to_string(i) +
                                                     " belongs to another store"));
    linker.Define(im.module, im.name, e->item);
  }
  auto inst = linker.Instantiate(store->store, module->module);
  if (!inst) {
    if (inst.error().is_trap) return fail(std::move(inst.error().trap));
    return fail(HostErrorTrap(std::move(inst.error().message)));
  }
  return new wasm_instance_t(store, *inst);
}

void wasm_instance_exports(const wasm_instance_t* inst, wasm_extern_vec_t* out) {
  const nw::ModuleDesc& d = inst->instance->module().desc();
  wasm_extern_vec_new_uninitialized(out, d.exports.size());
  for (size_t i = 0; i < d.exports.size(); ++i) {
    std::optional<nw::Extern> e = inst->instance->GetExport(d.exports[i].name);
    // wasm.h has no tag externs (exception handling is off in C API engines by default).
    if (!e || std::holds_alternative<nw::Tag*>(*e)) {
      out->data[i] = nullptr;
      continue;
    }
    wasm_extern_t tmp(inst->store, *e);
    out->data[i] = static_cast<wasm_extern_t*>(tmp.Clone());
  }
}

}  // extern "C"

// nanowasm.h: the C extensions beyond wasm.h (fuel, epochs, store limits, call depth, modules
// from text, trap kinds, WASI). Thin forwards to the C++ API.
#include <optional>
#include <string>

#include "capi/capi.h"
#include "format/module.h"
#include "nanowasm.h"
#include "nanowasm/nanowasm.hpp"
#include "nanowasm/wasi.h"
#include "opt/aot_tier.h"

using namespace nw::capi;

struct nanowasm_wasi_config_t {
  nw::WasiConfig config;
};

namespace {

std::optional<nw::Config::ExecutionTier> TierOf(nanowasm_tier_t tier) {
  // A strong reference: the opt tier's runtime half (nw_opt_rt, no LLVM) is linked into every
  // C API program, so an OPT engine loads artifacts even where the compiler is not linked (the
  // engine refers to both halves weakly; src/engine/engine.cc).
  [[maybe_unused]] static const nw::Tier& runtime_half = nw::opt::OptRuntimeTier();
  switch (tier) {
    case NANOWASM_TIER_INTERP: return nw::Config::ExecutionTier::kInterp;
    case NANOWASM_TIER_OPT: return nw::Config::ExecutionTier::kOpt;
  }
  return std::nullopt;
}

}  // namespace

extern "C" {

void nanowasm_config_consume_fuel(wasm_config_t* c, bool enable) { c->config.consume_fuel = enable; }
void nanowasm_config_canonicalize_nans(wasm_config_t* c, bool enable) {
  c->config.canonicalize_nans =
      enable ? nw::Config::NanCanonicalization::kAll : nw::Config::NanCanonicalization::kNone;
}
void nanowasm_config_epoch_interruption(wasm_config_t* c, bool enable) {
  c->config.epoch_interruption = enable;
}
void nanowasm_config_max_call_depth(wasm_config_t* c, uint32_t depth) {
  c->config.max_call_depth = depth;
}
bool nanowasm_config_tier(wasm_config_t* c, nanowasm_tier_t tier) {
  auto t = TierOf(tier);
  if (!t) return false;
  c->config.tier = *t;
  return true;
}
bool nanowasm_tier_compiles(nanowasm_tier_t tier) {
  auto t = TierOf(tier);
  return t && nw::Engine::TierBuiltIn(*t);
}

void nanowasm_store_set_fuel(wasm_store_t* s, uint64_t fuel) { s->store.SetFuel(fuel); }
bool nanowasm_store_get_fuel(const wasm_store_t* s, uint64_t* fuel) {
  auto r = s->store.GetFuel();
  if (!r) return false;
  *fuel = *r;
  return true;
}
void nanowasm_engine_increment_epoch(wasm_engine_t* e) { e->engine.IncrementEpoch(); }
void nanowasm_store_set_epoch_deadline(wasm_store_t* s, uint64_t ticks) {
  s->store.SetEpochDeadline(ticks);
}
void nanowasm_store_interrupt(wasm_store_t* s) { s->store.Interrupt(); }
void nanowasm_store_clear_interrupt(wasm_store_t* s) { s->store.ClearInterrupt(); }

void nanowasm_store_limits_init(nanowasm_store_limits_t* out) {
  nw::StoreLimits d;
  out->max_memory_pages = d.max_memory_pages;
  out->max_table_elements = d.max_table_elements;
  out->max_instances = d.max_instances;
  out->trap_on_grow_failure = d.trap_on_grow_failure;
}
void nanowasm_store_set_limits(wasm_store_t* s, const nanowasm_store_limits_t* l) {
  nw::StoreLimits limits;
  limits.max_memory_pages = l->max_memory_pages;
  limits.max_table_elements = l->max_table_elements;
  limits.max_instances = l->max_instances;
  limits.trap_on_grow_failure = l->trap_on_grow_failure;
  s->store.SetLimits(limits);
}

wasm_module_t* nanowasm_module_new_wat(wasm_store_t* store, const char* text, size_t len,
                                       wasm_byte_vec_t* error) {
  auto m = nw::ModuleFromWat(store->engine->engine, std::string_view(text, len));
  if (!m) {
    if (error) NewMessage(m.error().ToString(), error);
    return nullptr;
  }
  return new wasm_module_t(store->engine, std::move(*m));
}

wasm_module_t* nanowasm_module_new_checked(wasm_store_t* store, const wasm_byte_vec_t* binary,
                                           wasm_byte_vec_t* error) {
  std::span<const uint8_t> bytes;
  if (binary && binary->size) bytes = {reinterpret_cast<const uint8_t*>(binary->data), binary->size};
  auto m = nw::Module::FromBinary(store->engine->engine, bytes);
  if (!m) {
    if (error) NewMessage(m.error().ToString(), error);
    return nullptr;
  }
  return new wasm_module_t(store->engine, std::move(*m));
}

bool nanowasm_module_serialize(const wasm_module_t* m, wasm_byte_vec_t* out,
                               wasm_byte_vec_t* error) {
  auto bytes = m->module->Serialize();
  if (!bytes) {
    wasm_byte_vec_new_empty(out);
    if (error) NewMessage(bytes.error().ToString(), error);
    return false;
  }
  wasm_byte_vec_new(out, bytes->size(), reinterpret_cast<const wasm_byte_t*>(bytes->data()));
  return true;
}

wasm_module_t* nanowasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* artifact,
                                           wasm_byte_vec_t* error) {
  std::span<const uint8_t> bytes;
  if (artifact && artifact->size)
    bytes = {reinterpret_cast<const uint8_t*>(artifact->data), artifact->size};
  auto m = nw::Module::Deserialize(store->engine->engine, bytes);
  if (!m) {
    if (error) NewMessage(m.error().ToString(), error);
    return nullptr;
  }
  return new wasm_module_t(store->engine, std::move(*m));
}

nanowasm_trap_kind_t nanowasm_trap_kind(const wasm_trap_t* t) {
  return static_cast<nanowasm_trap_kind_t>(t->trap.kind);
}
int32_t nanowasm_trap_exit_code(const wasm_trap_t* t) { return t->trap.exit_code; }
uint64_t nanowasm_trap_frames_omitted(const wasm_trap_t* t) { return t->trap.frames_omitted; }
void nanowasm_frame_func_name(const wasm_frame_t* f, wasm_name_t* out) {
  NewMessage(f->frame.func_name, out);
}

// ---- WASI ------------------------------------------------------------------------------------

nanowasm_wasi_config_t* nanowasm_wasi_config_new(void) { return new nanowasm_wasi_config_t; }
void nanowasm_wasi_config_delete(nanowasm_wasi_config_t* c) { delete c; }
void nanowasm_wasi_config_set_args(nanowasm_wasi_config_t* c, int argc, const char* const argv[]) {
  c->config.args.assign(argv, argv + argc);
}
void nanowasm_wasi_config_add_env(nanowasm_wasi_config_t* c, const char* name, const char* value) {
  c->config.env.emplace_back(name, value);
}
void nanowasm_wasi_config_preopen_dir(nanowasm_wasi_config_t* c, const char* host_path,
                                      const char* guest_path, bool read_only) {
  c->config.dirs.push_back(nw::WasiDir{host_path, guest_path, read_only});
}
void nanowasm_wasi_config_inherit_stdio(nanowasm_wasi_config_t* c) { c->config.InheritStdio(); }

wasm_instance_t* nanowasm_wasi_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                            const nanowasm_wasi_config_t* config,
                                            const wasm_extern_vec_t* imports, wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  auto fail = [&](std::string message) -> wasm_instance_t* {
    if (trap) *trap = NewTrap(HostErrorTrap(std::move(message)));
    return nullptr;
  };
  if (module->engine != store->engine) return fail("module was compiled for another engine");
  auto ctx = nw::CreateWasiCtx(config->config);
  if (!ctx) return fail("wasi: " + ctx.error().ToString());
  nw::Linker linker;
  nw::DefineWasi(linker, store->store, std::move(*ctx));
  const nw::ModuleDesc& d = module->module->desc();
  for (size_t i = 0; i < d.imports.size(); ++i) {
    const wasm_extern_t* e = imports && i < imports->size ? imports->data[i] : nullptr;
    if (e == nullptr) continue;  // from WASI, or a link error below
    if (e->store != store) return fail("import " + std::to_string(i) + " belongs to another store");
    linker.Define(d.imports[i].module, d.imports[i].name, e->item);
  }
  auto inst = linker.Instantiate(store->store, module->module);
  if (!inst) {
    if (inst.error().is_trap) {
      if (trap) *trap = NewTrap(std::move(inst.error().trap));
      return nullptr;
    }
    return fail(std::move(inst.error().message));
  }
  return new wasm_instance_t(store, *inst);
}

}  // extern "C"

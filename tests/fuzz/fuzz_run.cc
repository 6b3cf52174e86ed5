// libFuzzer target (d): instantiate and run arbitrary modules. Bytes that decode and validate
// become a Module (translated for the interpreter with fuel checks), every import is stubbed
// with an object of the matching type (stub_imports.h), and every exported function is called
// with default arguments under a fuel budget and store limits, so each input runs in bounded
// time and memory. Traps are normal outcomes; crashes, hangs and sanitizer reports are bugs.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nanowasm/runtime.h"
#include "tests/fuzz/stub_imports.h"

namespace {

constexpr uint64_t kFuelPerCall = 100000;

const nw::Engine& FuzzEngine() {
  static const nw::Engine* engine = [] {
    nw::Config config;
    config.consume_fuel = true;
    config.max_call_depth = 1000;
    config.value_stack_slots = size_t{1} << 16;
    return new nw::Engine(config);
  }();
  return *engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nw::Engine& engine = FuzzEngine();
  auto module = nw::Module::FromBinary(engine, std::span<const uint8_t>(data, size));
  if (!module) return 0;
  nw::Store store(engine);
  nw::StoreLimits limits;
  limits.max_memory_pages = 256;  // 16 MiB per memory
  limits.max_table_elements = 100000;
  limits.max_instances = 4;
  store.SetLimits(limits);
  store.SetFuel(kFuelPerCall);
  nw::Linker linker;
  nw::fuzz::StubImports(**module, store, linker,
                        [](const nw::Import&, const nw::FuncType&) -> nw::Func* { return nullptr; });
  auto instance = linker.Instantiate(store, *module);
  if (!instance) return 0;
  for (const nw::ExportDesc& e : (*module)->Exports()) {
    if (e.kind != nw::ExternKind::kFunc) continue;
    nw::Func* f = (*instance)->GetFunc(e.name);
    if (!f) continue;
    std::vector<nw::Val> args;
    for (nw::ValType t : f->type().params) args.push_back(nw::fuzz::DefaultVal(t));
    store.SetFuel(kFuelPerCall);
    (void)f->Call(store, args);
  }
  return 0;
}

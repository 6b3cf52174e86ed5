// libFuzzer target (e): the opt tier against the interpreter. Bytes that decode and validate
// are compiled by both tiers (a module the opt tier refuses as unsupported is skipped; one it
// refuses otherwise while the interpreter accepts it is a finding), instantiated with the same
// stub imports (stub_imports.h) and every exported function is called on both with default
// arguments and the same fuel. Both engines canonicalize NaNs (Config kAll), so every value is
// deterministic and compared bit for bit. A difference in the result or trap kind, the fuel
// left, a global export's value or an exported memory's bytes aborts (the fuzzer saves the
// input). A call where either tier ran out of stack ends the comparison of that module (the
// tiers' stack depths differ by design); fuel exhaustion is compared like any other trap:
// the opt tier charges fuel exactly as the interpreter does (src/opt/fuel.h).
// NW_FUZZ_TIERS_BOUNDS=explicit runs the opt tier with explicit bounds checks instead of its
// default guard regions (both are exact: an unused out-of-bounds load traps, and the memory at
// a trap is the interpreter's; the opt-in -W opt-relaxed-traps mode is not fuzzed here).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "tests/fuzz/stub_imports.h"

namespace {

constexpr uint64_t kFuelPerCall = 100000;

const nw::Engine& TierEngine(nw::Config::ExecutionTier tier) {
  auto make = [](nw::Config::ExecutionTier t) {
    nw::Config config;
    config.tier = t;
    const char* bounds = std::getenv("NW_FUZZ_TIERS_BOUNDS");
    if (bounds != nullptr && std::strcmp(bounds, "explicit") == 0)
      config.bounds_checks = nw::Config::BoundsChecks::kExplicit;
    config.consume_fuel = true;
    config.canonicalize_nans = nw::Config::NanCanonicalization::kAll;
    config.max_call_depth = 1000;
    config.value_stack_slots = size_t{1} << 16;
    return new nw::Engine(config);
  };
  static const nw::Engine* interp = make(nw::Config::ExecutionTier::kInterp);
  static const nw::Engine* opt = make(nw::Config::ExecutionTier::kOpt);
  return tier == nw::Config::ExecutionTier::kOpt ? *opt : *interp;
}

[[noreturn]] void Mismatch(const std::string& what) {
  std::fprintf(stderr, "fuzz_tiers: the tiers disagree: %s\n", what.c_str());
  std::abort();
}

// One tier's run of a module: a store, the stubbed imports, the instance.
struct Side {
  explicit Side(const nw::Engine& engine) : store(engine) {
    nw::StoreLimits limits;
    limits.max_memory_pages = 256;
    limits.max_table_elements = 100000;
    limits.max_instances = 4;
    store.SetLimits(limits);
    store.SetFuel(kFuelPerCall);
  }
  nw::Store store;
  nw::Linker linker;
  nw::Instance* instance = nullptr;
};

std::string ValText(const nw::Val& v) {
  char buf[64];
  if (v.type == nw::ValType::kV128) {
    uint64_t w[2];
    std::memcpy(w, v.v128.bytes, 16);
    std::snprintf(buf, sizeof buf, "v128:%016llx%016llx", static_cast<unsigned long long>(w[1]),
                  static_cast<unsigned long long>(w[0]));
  } else if (v.type == nw::ValType::kFuncRef || v.type == nw::ValType::kExternRef) {
    std::snprintf(buf, sizeof buf, "ref:%s", v.IsNullRef() ? "null" : "nonnull");
  } else {
    std::snprintf(buf, sizeof buf, "%d:%llx", static_cast<int>(v.type),
                  static_cast<unsigned long long>(v.bits));
  }
  return buf;
}

std::string Describe(const nw::TrapResult<std::vector<nw::Val>>& r) {
  if (!r) return "trap " + r.error().message;
  std::string s = "result";
  for (const nw::Val& v : *r) s += " " + ValText(v);
  return s;
}

// What a call leaves that the other tier must match: exported globals' bits and memories.
std::string State(const nw::Module& m, Side& s) {
  std::string out;
  for (const nw::ExportDesc& e : m.Exports()) {
    if (e.kind == nw::ExternKind::kMemory) {
      if (nw::Memory* mem = s.instance->GetMemory(e.name)) {
        auto d = mem->data();
        uint64_t h = 1469598103934665603ull;
        for (uint8_t b : d) h = (h ^ b) * 1099511628211ull;
        out += " mem " + e.name + ":" + std::to_string(d.size()) + ":" + std::to_string(h);
      }
    } else if (e.kind == nw::ExternKind::kGlobal) {
      if (nw::Global* g = s.instance->GetGlobal(e.name)) {
        nw::Val v = g->Get();
        out += " global " + e.name + ":" + ValText(v);
      }
    }
  }
  return out;
}

bool Exhausted(const nw::TrapResult<std::vector<nw::Val>>& r) {
  return !r && r.error().kind == nw::TrapKind::kStackExhausted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  const nw::Engine& ie = TierEngine(nw::Config::ExecutionTier::kInterp);
  const nw::Engine& oe = TierEngine(nw::Config::ExecutionTier::kOpt);
  auto mi = nw::Module::FromBinary(ie, bytes);
  auto mo = nw::Module::FromBinary(oe, bytes);
  if (!mi) {
    if (mo) Mismatch("the opt tier accepts a module the interpreter rejects: " +
                     mi.error().ToString());
    return 0;
  }
  if (!mo) {
    // The opt tier's documented limits (IR budget, more than one memory) are not findings.
    if (mo.error().message.find("unsupported") != std::string::npos) return 0;
    Mismatch("the interpreter accepts a module the opt tier rejects: " + mo.error().ToString());
  }
  Side si(ie), so(oe);
  auto none = [](const nw::Import&, const nw::FuncType&) -> nw::Func* { return nullptr; };
  nw::fuzz::StubImports(**mi, si.store, si.linker, none);
  nw::fuzz::StubImports(**mo, so.store, so.linker, none);
  auto ii = si.linker.Instantiate(si.store, *mi);
  auto io = so.linker.Instantiate(so.store, *mo);
  if (ii.has_value() != io.has_value()) Mismatch("instantiation succeeds on one tier only");
  if (!ii) {
    if (ii.error().is_trap != io.error().is_trap ||
        (ii.error().is_trap && ii.error().trap.kind != io.error().trap.kind &&
         ii.error().trap.kind != nw::TrapKind::kStackExhausted &&
         io.error().trap.kind != nw::TrapKind::kStackExhausted))
      Mismatch("instantiation fails differently: " + ii.error().message + " / " +
               io.error().message);
    return 0;
  }
  si.instance = *ii;
  so.instance = *io;
  for (const nw::ExportDesc& e : (*mi)->Exports()) {
    if (e.kind != nw::ExternKind::kFunc) continue;
    nw::Func* fi = si.instance->GetFunc(e.name);
    nw::Func* fo = so.instance->GetFunc(e.name);
    if (!fi || !fo) continue;
    std::vector<nw::Val> args;
    for (nw::ValType t : fi->type().params) args.push_back(nw::fuzz::DefaultVal(t));
    si.store.SetFuel(kFuelPerCall);
    so.store.SetFuel(kFuelPerCall);
    auto ri = fi->Call(si.store, args);
    auto ro = fo->Call(so.store, args);
    if (Exhausted(ri) || Exhausted(ro)) return 0;  // state may differ from here on
    const std::string a = Describe(ri), b = Describe(ro);
    if ((!ri && !ro && ri.error().kind != ro.error().kind) || (ri.has_value() != ro.has_value()) ||
        (ri && a != b))
      Mismatch("call " + e.name + ": interp " + a + " / opt " + b);
    const uint64_t fuel_i = *si.store.GetFuel(), fuel_o = *so.store.GetFuel();
    if (fuel_i != fuel_o)
      Mismatch("call " + e.name + ": fuel left interp " + std::to_string(fuel_i) + " / opt " +
               std::to_string(fuel_o));
    const std::string sa = State(**mi, si), sb = State(**mo, so);
    if (sa != sb) Mismatch("after call " + e.name + ": interp" + sa + " / opt" + sb);
  }
  return 0;
}

// A component-to-component call through the whole runtime (Google Benchmark): the caller
// component's core loop calls the callee's `process: func(s: string) -> point` with a 1 KiB
// string, which arrives in the callee's memory by copy and returns a three-field record —
// against the same loop in plain core wasm calling an imported core function that does a
// 1 KiB memory.copy. Both loops run inside wasm (run(N), one host call per N crossings), so
// the numbers are per crossing. Also: instantiating the component pair (time and bytes).
// The components are tests/unit/component/component_pair.inc. Results: docs/performance.md.
// Each call benchmark runs on the interpreter (opt:0) and, in builds with LLVM, on the opt
// tier (opt:1: the core modules compiled at O2 before the timing starts); the component call
// with each form of the fused adapter (wasm:0 the host function, wasm:1 core wasm with host
// leaves, component/wasm_adapter.h; the default picks wasm:1 on the opt tier only).
//
//   build/release/bench/bench_component_call [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>

#include "component/api_internal.h"
#include "nanowasm/component.hpp"
#include "nanowasm/nanowasm.hpp"
#if NW_HAVE_OPT_TIER
#include "opt/opt_tier.h"
#endif

namespace {

#include "component_pair.inc"

// The core baseline: the same loop shape, calling a core function of another instance that
// copies 1 KiB inside its own memory and returns a small value.
constexpr const char* kCoreCallee = R"((module
  (memory (export "mem") 1)
  (func (export "process") (param $p i32) (param $n i32) (result i32)
    (memory.copy (i32.const 4096) (local.get $p) (local.get $n))
    (i32.add (local.get $n) (i32.load8_u (i32.const 4096))))))";
constexpr const char* kCoreCaller = R"((module
  (import "callee" "process" (func $process (param i32 i32) (result i32)))
  (func (export "run") (param $n i32) (result i32) (local $sum i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $sum (i32.add (local.get $sum) (call $process (i32.const 1024) (i32.const 1024))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $sum))))";

constexpr uint32_t kCallsPerRun = 1000;

// The benchmark argument: 0 the interpreter, 1 the opt tier (skipped when not built in).
bool TierConfig(benchmark::State& state, nw::Config& config) {
  if (state.range(0) == 0) return true;
#if NW_HAVE_OPT_TIER
  // A strong reference, so the static link brings the tier in (the engine's is weak).
  [[maybe_unused]] static const nw::Tier& opt_tier = nw::opt::OptTier();
#endif
  if (!nw::Engine::TierBuiltIn(nw::Config::ExecutionTier::kOpt)) {
    state.SkipWithError("the opt tier is not in this build");
    return false;
  }
  config.tier = nw::Config::ExecutionTier::kOpt;
  config.opt_tiering = nw::Config::OptTiering::kOff;  // O2 code from the start
  return true;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_component_call: %s\n", what.c_str());
  std::exit(1);
}

struct Pair {
  std::shared_ptr<const nw::ComponentModule> callee, caller;
  Pair() {
    auto a = nw::ComponentModule::FromText(kCallee);
    auto b = nw::ComponentModule::FromText(kCaller);
    if (!a || !b) Die("components do not load");
    callee = *a;
    caller = *b;
  }
  // Instantiates the callee, then the caller linked to its instance; returns the caller.
  nw::ComponentInstance Instantiate(nw::ComponentStore& cs) const {
    nw::ComponentLinker l1, l2;
    auto svc = l1.Instantiate(cs, *callee);
    if (!svc) Die(svc.error().message);
    l2.DefineInstance("local:demo/api", *svc->GetInstance("local:demo/api"));
    auto user = l2.Instantiate(cs, *caller);
    if (!user) Die(user.error().message);
    return *user;
  }
};

void BM_ComponentCall1KiBString(benchmark::State& state) {
  Pair pair;
  nw::Config config;
  if (!TierConfig(state, config)) return;
  nw::Engine engine(config);
  nw::Store store(engine);
  nw::ComponentStore cs(store);
  using Form = nw::component::ComponentStore::AdapterForm;
  nw::InternalStore(cs).set_adapter_form(state.range(1) ? Form::kWasm : Form::kHost);
  auto run = nw::TypedComponentFunc<uint32_t(uint32_t)>::Make(*pair.Instantiate(cs).GetFunc("run"));
  if (!run) Die(run.error().message);
  for (auto _ : state) {
    auto r = run->Call(kCallsPerRun);
    if (!r || *r != kCallsPerRun * (1024 + 'a' + 'z')) Die("wrong result");
  }
  state.SetItemsProcessed(state.iterations() * kCallsPerRun);
}
BENCHMARK(BM_ComponentCall1KiBString)->ArgNames({"opt", "wasm"})->ArgsProduct({{0, 1}, {0, 1}});

void BM_CoreCallMemcpy1KiB(benchmark::State& state) {
  nw::Config config;
  if (!TierConfig(state, config)) return;
  nw::Engine engine(config);
  nw::Store store(engine);
  auto callee_m = nw::ModuleFromWat(engine, kCoreCallee);
  auto caller_m = nw::ModuleFromWat(engine, kCoreCaller);
  if (!callee_m) Die(callee_m.error().ToString());
  if (!caller_m) Die(caller_m.error().ToString());
  nw::Linker linker;
  auto callee = linker.Instantiate(store, *callee_m);
  if (!callee) Die("core callee");
  linker.DefineInstance("callee", *callee);
  auto caller = linker.Instantiate(store, *caller_m);
  if (!caller) Die("core caller");
  auto run = nw::GetTypedFunc<uint32_t(uint32_t)>(**caller, "run");
  if (!run) Die(run.error().message);
  for (auto _ : state) {
    auto r = run->Call(store, kCallsPerRun);
    if (!r) Die("core trap");
    benchmark::DoNotOptimize(*r);
  }
  state.SetItemsProcessed(state.iterations() * kCallsPerRun);
}
BENCHMARK(BM_CoreCallMemcpy1KiB)->ArgName("opt")->Arg(0)->Arg(1);

// Instantiating the pair (two components, three core instances, one adapter) in a store
// that already exists; the store is replaced every 256 iterations (outside the timing).
void BM_InstantiatePair(benchmark::State& state) {
  Pair pair;
  nw::Engine engine;
  auto store = std::make_unique<nw::Store>(engine);
  auto cs = std::make_unique<nw::ComponentStore>(*store);
  int64_t n = 0;
  size_t before = mallinfo2().uordblks;
  size_t bytes = 0;
  int64_t counted = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pair.Instantiate(*cs));
    if (++n % 256 == 0) {
      state.PauseTiming();
      bytes += mallinfo2().uordblks - before;
      counted += 256;
      cs.reset();
      store = std::make_unique<nw::Store>(engine);
      cs = std::make_unique<nw::ComponentStore>(*store);
      before = mallinfo2().uordblks;
      state.ResumeTiming();
    }
  }
  if (counted) state.counters["heap_bytes_per_pair"] = static_cast<double>(bytes) / counted;
}
BENCHMARK(BM_InstantiatePair);

// Instantiating the core baseline's two modules, for scale.
void BM_InstantiateCorePair(benchmark::State& state) {
  nw::Engine engine;
  auto callee_m = nw::ModuleFromWat(engine, kCoreCallee);
  auto caller_m = nw::ModuleFromWat(engine, kCoreCaller);
  if (!callee_m) Die(callee_m.error().ToString());
  if (!caller_m) Die(caller_m.error().ToString());
  auto store = std::make_unique<nw::Store>(engine);
  int64_t n = 0;
  for (auto _ : state) {
    nw::Linker linker;
    auto callee = linker.Instantiate(*store, *callee_m);
    linker.DefineInstance("callee", *callee);
    benchmark::DoNotOptimize(linker.Instantiate(*store, *caller_m));
    if (++n % 256 == 0) {
      state.PauseTiming();
      store = std::make_unique<nw::Store>(engine);
      state.ResumeTiming();
    }
  }
}
BENCHMARK(BM_InstantiateCorePair);

}  // namespace

BENCHMARK_MAIN();

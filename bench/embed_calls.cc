// Call overhead through the embedding APIs (Google Benchmark): host -> wasm through the typed
// C++ wrapper (TypedFunc), the untyped Func::Call and the standard C API (wasm_func_call), and
// wasm -> host through a typed lambda (WrapHost), a HostCallback on Vals, a raw slot-word host
// function (Func::CreateHostRaw, what the component model's fused adapters are) and a wasm.h
// callback. The C++ benchmarks run on the interpreter (opt:0) and, in builds with LLVM, on the
// opt tier (opt:1: O2 before the timing starts); the C API ones on the interpreter.
// Results and the command line are recorded in docs/performance.md.
//
//   build/release/bench/bench_embed [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "nanowasm.h"
#include "nanowasm/nanowasm.hpp"
#include "wasm.h"
#if NW_HAVE_OPT_TIER
#include "opt/opt_tier.h"
#endif

namespace {

constexpr const char* kWat = R"((module
  (import "bench" "inc" (func $inc (param i32) (result i32)))
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; n calls of the host function, threading a counter through it.
  (func (export "call_host") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
)";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_embed: %s\n", what.c_str());
  std::exit(1);
}

// ---- C++ API ----------------------------------------------------------------------------------

// The tier of a C++ benchmark: its argument `opt` (0 the interpreter, 1 the opt tier, which
// builds without LLVM skip).
nw::Config TierConfig(const benchmark::State& state, int arg) {
  nw::Config config;
  if (state.range(arg) == 0) return config;
#if NW_HAVE_OPT_TIER
  // A strong reference, so the static link brings the tier in (the engine's is weak).
  [[maybe_unused]] static const nw::Tier& opt_tier = nw::opt::OptTier();
#endif
  config.tier = nw::Config::ExecutionTier::kOpt;
  config.opt_tiering = nw::Config::OptTiering::kOff;  // O2 code from the start
  return config;
}
bool TierMissing(benchmark::State& state, int arg) {
  if (state.range(arg) == 0 || nw::Engine::TierBuiltIn(nw::Config::ExecutionTier::kOpt))
    return false;
  state.SkipWithError("the opt tier is not in this build");
  return true;
}

// kTyped: nw::DefineHost (a typed lambda); kVals: Func::CreateHost (a HostCallback on Vals);
// kRawWords: Func::CreateHostRaw (slot words, no conversion).
enum class HostKind { kTyped, kVals, kRawWords };

nw::TrapResult<void> RawInc(void*, nw::Caller&, uint64_t* words) {
  words[0] = static_cast<uint32_t>(static_cast<uint32_t>(words[0]) + 1);
  return {};
}

struct CppFixture {
  nw::Engine engine;
  nw::Store store{engine};
  nw::Instance* instance = nullptr;

  CppFixture(HostKind kind, const nw::Config& config) : engine(config) {
    auto module = nw::ModuleFromWat(engine, kWat);
    if (!module) Die(module.error().ToString());
    nw::Linker linker;
    if (kind == HostKind::kTyped) {
      nw::DefineHost(linker, store, "bench", "inc", [](int32_t v) -> int32_t { return v + 1; });
    } else if (kind == HostKind::kRawWords) {
      linker.Define("bench", "inc",
                    nw::Func::CreateHostRaw(store, {{nw::ValType::kI32}, {nw::ValType::kI32}},
                                            RawInc, nullptr));
    } else {
      linker.Define("bench", "inc",
                    nw::Func::CreateHost(store, {{nw::ValType::kI32}, {nw::ValType::kI32}},
                                         [](nw::Caller&, std::span<const nw::Val> a,
                                            std::span<nw::Val> r) -> nw::TrapResult<void> {
                                           r[0] = nw::Val::I32(a[0].i32() + 1);
                                           return {};
                                         }));
    }
    auto inst = linker.Instantiate(store, *module);
    if (!inst) Die(inst.error().message);
    instance = *inst;
  }
};

void BM_TypedFuncNop(benchmark::State& state) {
  if (TierMissing(state, 0)) return;
  CppFixture fx(HostKind::kTyped, TierConfig(state, 0));
  auto f = *nw::GetTypedFunc<void()>(*fx.instance, "nop");
  for (auto _ : state) {
    auto r = f.Call(fx.store);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TypedFuncNop)->ArgName("opt")->Arg(0)->Arg(1);

void BM_TypedFuncAdd(benchmark::State& state) {
  if (TierMissing(state, 0)) return;
  CppFixture fx(HostKind::kTyped, TierConfig(state, 0));
  auto f = *nw::GetTypedFunc<int32_t(int32_t, int32_t)>(*fx.instance, "add");
  int32_t i = 0;
  for (auto _ : state) i = *f.Call(fx.store, i, 1);
  if (i != static_cast<int32_t>(state.iterations())) Die("add: wrong result");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TypedFuncAdd)->ArgName("opt")->Arg(0)->Arg(1);

void BM_FuncCallAdd(benchmark::State& state) {  // the untyped baseline (allocates results)
  if (TierMissing(state, 0)) return;
  CppFixture fx(HostKind::kTyped, TierConfig(state, 0));
  nw::Func* f = fx.instance->GetFunc("add");
  int32_t i = 0;
  for (auto _ : state) {
    nw::Val args[2] = {nw::Val::I32(i), nw::Val::I32(1)};
    i = (*f->Call(fx.store, args))[0].i32();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FuncCallAdd)->ArgName("opt")->Arg(0)->Arg(1);

void WasmToHost(benchmark::State& state, HostKind kind) {
  if (TierMissing(state, 1)) return;
  CppFixture fx(kind, TierConfig(state, 1));
  auto f = *nw::GetTypedFunc<int32_t(int32_t)>(*fx.instance, "call_host");
  const int32_t n = static_cast<int32_t>(state.range(0));
  for (auto _ : state) {
    if (*f.Call(fx.store, n) != n) Die("call_host: wrong result");
  }
  state.SetItemsProcessed(state.iterations() * n);  // host calls per second
}
void BM_WasmToHostTyped(benchmark::State& state) { WasmToHost(state, HostKind::kTyped); }
void BM_WasmToHostRaw(benchmark::State& state) { WasmToHost(state, HostKind::kVals); }
void BM_WasmToHostRawWords(benchmark::State& state) { WasmToHost(state, HostKind::kRawWords); }
BENCHMARK(BM_WasmToHostTyped)->ArgNames({"n", "opt"})->Args({100000, 0})->Args({100000, 1});
BENCHMARK(BM_WasmToHostRaw)->ArgNames({"n", "opt"})->Args({100000, 0})->Args({100000, 1});
BENCHMARK(BM_WasmToHostRawWords)->ArgNames({"n", "opt"})->Args({100000, 0})->Args({100000, 1});

// ---- C API ------------------------------------------------------------------------------------

wasm_trap_t* CInc(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return nullptr;
}

struct CFixture {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = nullptr;
  wasm_instance_t* instance = nullptr;
  wasm_extern_vec_t exports{0, nullptr};
  wasm_func_t* inc = nullptr;

  CFixture() {
    module = nanowasm_module_new_wat(store, kWat, std::strlen(kWat), nullptr);
    if (!module) Die("C API: module");
    wasm_functype_t* t = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    inc = wasm_func_new(store, t, CInc);
    wasm_functype_delete(t);
    wasm_extern_t* ims[1] = {wasm_func_as_extern(inc)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(ims);
    instance = wasm_instance_new(store, module, &imports, nullptr);
    if (!instance) Die("C API: instance");
    wasm_instance_exports(instance, &exports);  // nop, add, call_host
  }
  ~CFixture() {
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(inc);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
  wasm_func_t* Func(size_t i) { return wasm_extern_as_func(exports.data[i]); }
};

void BM_CApiCallNop(benchmark::State& state) {
  CFixture fx;
  wasm_func_t* f = fx.Func(0);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  for (auto _ : state) {
    if (wasm_func_call(f, &none, &none)) Die("nop trapped");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CApiCallNop);

void BM_CApiCallAdd(benchmark::State& state) {
  CFixture fx;
  wasm_func_t* f = fx.Func(1);
  int32_t i = 0;
  for (auto _ : state) {
    wasm_val_t args[2] = {WASM_I32_VAL(i), WASM_I32_VAL(1)};
    wasm_val_t res[1] = {WASM_INIT_VAL};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
    if (wasm_func_call(f, &a, &r)) Die("add trapped");
    i = res[0].of.i32;
  }
  if (i != static_cast<int32_t>(state.iterations())) Die("add: wrong result");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CApiCallAdd);

void BM_CApiWasmToHost(benchmark::State& state) {
  CFixture fx;
  wasm_func_t* f = fx.Func(2);
  const int32_t n = static_cast<int32_t>(state.range(0));
  for (auto _ : state) {
    wasm_val_t args[1] = {WASM_I32_VAL(n)};
    wasm_val_t res[1] = {WASM_INIT_VAL};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(res);
    if (wasm_func_call(f, &a, &r) || res[0].of.i32 != n) Die("call_host");
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_CApiWasmToHost)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();

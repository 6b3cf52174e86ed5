// Micro-benchmarks of the interpreter through the public runtime API (nanowasm/runtime.h):
// what a host pays to call into wasm (Func::Call with 0 and 2 arguments), what wasm pays to
// call the host, what instantiation costs, and how fast tight loops and recursive calls run
// inside the interpreter. The compute-heavy whole-program comparison with native code and
// V8 is compare.py; this file isolates the fixed costs that comparison cannot see.
//
//   build/release/bench/micro_interp [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "micro_kernels.h"
#include "nanowasm/runtime.h"

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "micro_interp: %s\n", what.c_str());
  std::exit(1);
}

std::shared_ptr<const nw::Module> KernelModule(const nw::Engine& engine) {
  auto bytes = nwbench::KernelModuleBinary();
  if (!bytes) Die("kernel module: " + bytes.error().ToString());
  auto module = nw::Module::FromBinary(engine, *bytes);
  if (!module) Die("kernel module: " + module.error().ToString());
  return *module;
}

// A store holding one instance of the kernel module, its host import returning arg + 1.
struct Fixture {
  nw::Engine engine;
  nw::Store store{engine};
  nw::Instance* instance = nullptr;

  Fixture() {
    nw::Linker linker;
    nw::FuncType type{{nw::ValType::kI32}, {nw::ValType::kI32}};
    nw::Func* host = nw::Func::CreateHost(
        store, type,
        [](nw::Caller&, std::span<const nw::Val> args,
           std::span<nw::Val> results) -> nw::TrapResult<void> {
          results[0] = nw::Val::I32(args[0].i32() + 1);
          return {};
        });
    linker.Define("bench", "host", host);
    auto inst = linker.Instantiate(store, KernelModule(engine));
    if (!inst) Die("instantiate: " + inst.error().message);
    instance = *inst;
  }

  nw::Func* Get(const char* name) {
    nw::Func* f = instance->GetFunc(name);
    if (!f) Die(std::string("no export ") + name);
    return f;
  }

  int32_t CallI32(nw::Func* f, std::span<const nw::Val> args) {
    auto r = f->Call(store, args);
    if (!r) Die("trap: " + r.error().ToString());
    return (*r)[0].i32();
  }
};

// ---- host -> wasm call overhead ---------------------------------------------------------------

void BM_CallNop(benchmark::State& state) {
  Fixture fx;
  nw::Func* f = fx.Get("nop");
  for (auto _ : state) {
    auto r = f->Call(fx.store, {});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CallNop);

void BM_CallAdd(benchmark::State& state) {
  Fixture fx;
  nw::Func* f = fx.Get("add");
  int32_t i = 0;
  for (auto _ : state) {
    nw::Val args[2] = {nw::Val::I32(i), nw::Val::I32(1)};
    i = fx.CallI32(f, args);
  }
  if (i != static_cast<int32_t>(state.iterations())) Die("add: wrong result");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CallAdd);

// ---- wasm -> host call overhead ---------------------------------------------------------------

void BM_CallHostFromWasm(benchmark::State& state) {
  Fixture fx;
  nw::Func* f = fx.Get("call_host");
  const int32_t n = static_cast<int32_t>(state.range(0));
  for (auto _ : state) {
    nw::Val arg = nw::Val::I32(n);
    int32_t r = fx.CallI32(f, {&arg, 1});
    // sum of (k + 1) for k = 1..n
    if (r != static_cast<int32_t>(static_cast<int64_t>(n) * (n + 1) / 2 + n)) Die("call_host");
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_CallHostFromWasm)->Arg(100000);

// ---- instantiation ----------------------------------------------------------------------------

void BM_Instantiate(benchmark::State& state) {
  nw::Engine engine;
  auto module = KernelModule(engine);
  for (auto _ : state) {
    nw::Store store(engine);
    nw::Linker linker;
    nw::Func* host = nw::Func::CreateHost(
        store, nw::FuncType{{nw::ValType::kI32}, {nw::ValType::kI32}},
        [](nw::Caller&, std::span<const nw::Val>, std::span<nw::Val> results)
            -> nw::TrapResult<void> {
          results[0] = nw::Val::I32(0);
          return {};
        });
    linker.Define("bench", "host", host);
    auto inst = linker.Instantiate(store, module);
    if (!inst) Die("instantiate: " + inst.error().message);
    benchmark::DoNotOptimize(*inst);
  }
}
BENCHMARK(BM_Instantiate);

// ---- code inside the interpreter --------------------------------------------------------------

void BM_Loop(benchmark::State& state) {
  Fixture fx;
  nw::Func* f = fx.Get("loop");
  const int32_t n = static_cast<int32_t>(state.range(0));
  for (auto _ : state) {
    nw::Val arg = nw::Val::I32(n);
    int32_t r = fx.CallI32(f, {&arg, 1});
    if (r != static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(n) * (n + 1) / 2)))
      Die("loop: wrong result");
  }
  state.SetItemsProcessed(state.iterations() * n);  // loop iterations per second
}
BENCHMARK(BM_Loop)->Arg(1 << 20);

void BM_MemoryLoop(benchmark::State& state) {
  Fixture fx;
  nw::Func* f = fx.Get("mem_loop");
  const int32_t n = static_cast<int32_t>(state.range(0));
  for (auto _ : state) {
    nw::Val arg = nw::Val::I32(n);
    benchmark::DoNotOptimize(fx.CallI32(f, {&arg, 1}));
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_MemoryLoop)->Arg(1 << 20);

void BM_Fib(benchmark::State& state) {
  Fixture fx;
  nw::Func* f = fx.Get("fib");
  const int32_t n = static_cast<int32_t>(state.range(0));
  int64_t calls = 0;
  for (int64_t a = 1, b = 1, i = 1; i <= n; ++i) {  // calls(n) = 2 * fib(n + 1) - 1
    if (i == n) calls = 2 * b - 1;
    int64_t t = a + b;
    a = b;
    b = t;
  }
  for (auto _ : state) {
    nw::Val arg = nw::Val::I32(n);
    benchmark::DoNotOptimize(fx.CallI32(f, {&arg, 1}));
  }
  state.SetItemsProcessed(state.iterations() * calls);  // wasm calls per second
}
BENCHMARK(BM_Fib)->Arg(25);

// ---- the compare.py guests at small sizes -----------------------------------------------------
#ifdef NW_BENCH_WASM_DIR

void BM_Guest(benchmark::State& state, const char* guest, int32_t n) {
  std::string path = std::string(NW_BENCH_WASM_DIR) + "/" + guest + ".wasm";
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path + " (build the bench_guests target)");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nw::Engine engine;
  auto module = nw::Module::FromBinary(engine, bytes);
  if (!module) Die(path + ": " + module.error().ToString());
  nw::Store store(engine);
  nw::Linker linker;
  auto inst = linker.Instantiate(store, *module);
  if (!inst) Die(path + ": " + inst.error().message);
  nw::Func* run = (*inst)->GetFunc("run");
  if (!run) Die(path + ": no export run");
  for (auto _ : state) {
    nw::Val arg = nw::Val::I32(n);
    auto r = run->Call(store, {&arg, 1});
    if (!r) Die(path + ": " + r.error().ToString());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(BM_Guest, sieve, "sieve", 100000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Guest, matmul, "matmul", 64)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Guest, hash, "hash", 4)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Guest, fib, "fib", 22)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Guest, mixed, "mixed", 20)->Unit(benchmark::kMillisecond);

#endif

}  // namespace

BENCHMARK_MAIN();

// What the capability tree costs (Google Benchmark): instantiating a 10-node tree (each node its
// own WASI context derived from its parent's, its own linker and memory) next to instantiating
// one module with its WASI context; and a call from a parent into a child through the tree's
// trampoline, with no argument, two numbers, and a string copied into the child (16 B, 1 KiB),
// next to the same call inside one module. Calls run 1000 to a host invocation; per_call is
// the CPU time of one call. Results and the command line are in docs/performance.md.
//
//   build/release/bench/bench_tree [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "nanowasm/tree.h"
#include "text/wat.h"

namespace {

constexpr int kCallsPerRun = 1000;

// A node: a few WASI imports (as a real program has), numbers and strings exported, and the
// functions it imports from up to two children.
std::string NodeWat(int children) {
  std::string s = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
)";
  for (int c = 0; c < children; ++c)
    s += "  (import \"c" + std::to_string(c) + "\" \"add\" (func (param i32 i32) (result i32)))\n";
  s += R"(  (import "spare" "nop" (func $unused))
  (memory (export "memory") 1)
  ;; the string lands at 1024 every time: the callee consumes it before the next call
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "nop"))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "len") (param i32 i32) (result i32) (local.get 1)))
)";
  return s;
}

// The root of the call benchmarks: loops of calls to a local function or to child "c".
constexpr const char* kCallerWat = R"((module
  (import "c" "nop" (func $c_nop))
  (import "c" "add" (func $c_add (param i32 i32) (result i32)))
  (import "c" "len" (func $c_len (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "local_add") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $add (local.get $acc) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "child_nop") (param $n i32)
    (loop $l (call $c_nop) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "child_add") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $c_add (local.get $acc) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "child_string") (param $n i32) (param $len i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $c_len (i32.const 0) (local.get $len))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))
)";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_tree: %s\n", what.c_str());
  std::exit(1);
}

std::shared_ptr<const nw::Module> Compile(const nw::Engine& engine, const std::string& wat) {
  auto desc = nw::ParseWat(wat);
  if (!desc)
    Die(desc.error().message);
  auto m = nw::Module::FromDesc(engine, std::move(*desc));
  if (!m)
    Die(m.error().message);
  return *m;
}

void DefineSpare(nw::Linker& l, nw::Store& s, std::string_view m) {
  if (m == "spare")
    l.Define("spare", "nop",
             nw::Func::CreateHost(s, {},
                                  [](nw::Caller&, std::span<const nw::Val>,
                                     std::span<nw::Val>) -> nw::TrapResult<void> { return {}; }));
}

std::shared_ptr<nw::WasiCtx> RootCtx() {
  nw::WasiConfig config;
  config.dirs = {{"/tmp", "tmp", true}};
  auto ctx = nw::CreateWasiCtx(config);
  if (!ctx)
    Die(ctx.error().message);
  return *ctx;
}

// Root with 3 children, each with 2 children: 10 nodes, every edge handing down the root's
// /tmp read-only, stdout and clocks.
nw::TreeSpec TenNodes(const nw::Engine& engine) {
  nw::TreeSpec spec;
  spec.root_host = {"spare"};
  auto add = [&](std::string name, std::string parent, std::string as, int children) {
    nw::TreeNodeSpec n;
    n.name = std::move(name);
    n.parent = std::move(parent);
    n.import_as = std::move(as);
    n.module = Compile(engine, NodeWat(children));
    n.host = {"spare"};
    n.grant.dirs = {{"tmp", "tmp", true}};
    n.grant.pass_stdout = true;
    n.grant.clocks = true;
    spec.nodes.push_back(std::move(n));
  };
  add("root", "", "", 3);
  for (int i = 0; i < 3; ++i) {
    std::string mid = "n" + std::to_string(i);
    add(mid, "root", "c" + std::to_string(i), 2);
    for (int j = 0; j < 2; ++j)
      add(mid + std::to_string(j), mid, "c" + std::to_string(j), 0);
  }
  spec.nodes[0].host.clear();
  return spec;
}

void BM_InstantiateOneModule(benchmark::State& state) {
  nw::Engine engine;
  auto module = Compile(engine, NodeWat(0));
  for (auto _ : state) {
    nw::Store store(engine);
    auto ctx = RootCtx();
    nw::Linker linker;
    nw::DefineWasi(linker, store, ctx);
    DefineSpare(linker, store, "spare");
    auto inst = linker.Instantiate(store, module);
    if (!inst)
      Die(inst.error().message);
    benchmark::DoNotOptimize(*inst);
  }
}
BENCHMARK(BM_InstantiateOneModule);

void BM_InstantiateTenNodeTree(benchmark::State& state) {
  nw::Engine engine;
  nw::TreeSpec spec = TenNodes(engine);
  for (auto _ : state) {
    nw::Store store(engine);
    auto tree = nw::Tree::Instantiate(store, spec, RootCtx(), DefineSpare);
    if (!tree)
      Die(tree.error().message);
    benchmark::DoNotOptimize(tree->get());
  }
}
BENCHMARK(BM_InstantiateTenNodeTree);

struct CallFixture {
  nw::Engine engine;
  nw::Store store{engine};
  std::unique_ptr<nw::Tree> tree;
  CallFixture() {
    nw::TreeSpec spec;
    spec.root_host = {"spare"};
    nw::TreeNodeSpec root, child;
    root.name = "root";
    root.module = Compile(engine, kCallerWat);
    child.name = "child";
    child.parent = "root";
    child.import_as = "c";
    child.module = Compile(engine, NodeWat(0));
    child.host = {"spare"};
    child.strings = {"len"};
    spec.nodes = {root, child};
    auto t = nw::Tree::Instantiate(store, spec, RootCtx(), DefineSpare);
    if (!t)
      Die(t.error().message);
    tree = std::move(*t);
  }
  void Run(benchmark::State& state, const char* func, std::vector<nw::Val> extra = {}) {
    nw::Func* f = tree->root()->GetFunc(func);
    std::vector<nw::Val> args = {nw::Val::I32(kCallsPerRun)};
    args.insert(args.end(), extra.begin(), extra.end());
    for (auto _ : state) {
      auto r = f->Call(store, args);
      if (!r)
        Die(r.error().ToString());
      benchmark::DoNotOptimize(r);
    }
    // CPU seconds per call, printed with an SI prefix ("46.3n" = 46.3 ns).
    state.counters["per_call"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * kCallsPerRun,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  }
};

void BM_CallLocalFunction(benchmark::State& state) {
  CallFixture().Run(state, "local_add");
}
BENCHMARK(BM_CallLocalFunction);
void BM_CallChildNoArgs(benchmark::State& state) {
  CallFixture().Run(state, "child_nop");
}
BENCHMARK(BM_CallChildNoArgs);
void BM_CallChildTwoI32(benchmark::State& state) {
  CallFixture().Run(state, "child_add");
}
BENCHMARK(BM_CallChildTwoI32);
void BM_CallChildString(benchmark::State& state) {
  CallFixture().Run(state, "child_string", {nw::Val::I32(static_cast<uint32_t>(state.range(0)))});
}
BENCHMARK(BM_CallChildString)->Arg(16)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();

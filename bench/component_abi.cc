// Canonical ABI cost (Google Benchmark): passing a 1 KiB string plus a small record from one
// component's memory to another's through a compiled plan, against a plain 1 KiB memcpy, and
// the whole sync adapter call (params copied, a no-op core callee, a small record returned
// through memory). The core functions are stand-ins (no interpreter), so this is the ABI's
// own share of a component-to-component call. Results: docs/performance.md.
//
// Also a list<f64> of 1 M elements lifted into and lowered from a host value.
//
//   build/release/bench/bench_component_abi [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "component/canon_call.h"
#include "component/canon_plan.h"
#include "component/canon_reference.h"

namespace nw::component {
namespace {

// A linear memory with a bump realloc that the benchmark loop resets each iteration.
struct Guest {
  std::vector<uint8_t> mem;
  uint32_t next = 0x4000;
  CanonOptions opts;

  explicit Guest(StringEncoding enc = StringEncoding::kUtf8, size_t mem_bytes = 1 << 16) : mem(mem_bytes, 0) {
    opts.string_encoding = enc;
    opts.ctx = this;
    opts.memory = [](void* c) {
      auto* g = static_cast<Guest*>(c);
      return MemoryView{g->mem.data(), g->mem.size()};
    };
    opts.realloc = [](void* c, uint32_t, uint32_t, uint32_t align, uint32_t size) -> Result<uint32_t> {
      auto* g = static_cast<Guest*>(c);
      uint32_t p = (g->next + align - 1) & ~(align - 1);
      g->next = p + size;
      return p;
    };
  }
};

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bench_component_abi: %s\n", what);
  std::exit(1);
}

struct Setup {
  TypeTable types;
  TypeId record;
  FuncType ft;
  FunctionPlan fp;
  Guest caller, callee;
  ComponentInstanceState caller_inst, callee_inst;
  uint64_t args[5];

  explicit Setup(StringEncoding callee_enc = StringEncoding::kUtf8) : callee(callee_enc) {
    record = *types.Record({{"x", types.U32()}, {"y", types.U32()}, {"z", types.Primitive(TypeKind::kF32)}});
    ft = {{types.String(), record}, {record}};
    auto p = FunctionPlan::Compile(types, ft);
    if (!p) Die("compile");
    fp = std::move(*p);
    // The caller's 1 KiB ASCII string at 0x100, record fields flat.
    for (int i = 0; i < 1024; ++i) caller.mem[0x100 + i] = static_cast<uint8_t>('a' + i % 26);
    uint64_t a[5] = {0x100, 1024, 1, 2, 0x3f800000};
    std::memcpy(args, a, sizeof a);
  }
};

void BM_Memcpy1KiB(benchmark::State& state) {
  std::vector<uint8_t> a(1024, 'a'), b(1024);
  for (auto _ : state) {
    std::memcpy(b.data(), a.data(), 1024);
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_Memcpy1KiB);

// The fused lift->lower of (string, record) between two memories: what an adapter does for
// the params of a component-to-component call.
void BM_PlanCopyParams(benchmark::State& state) {
  Setup s;
  uint64_t out[5];
  for (auto _ : state) {
    s.callee.next = 0x4000;
    Side from{&s.caller.opts, &s.caller_inst, nullptr, nullptr, {}, nullptr};
    Side to{&s.callee.opts, &s.callee_inst, nullptr, nullptr, {}, nullptr};
    from.Refresh();
    to.Refresh();
    auto n = PlanCopyValues(s.fp.params, from, to, s.args, out, nullptr);
    if (!n) Die("copy");
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_PlanCopyParams);

// The same with a UTF-16 callee: the string is transcoded on the way.
void BM_PlanCopyParamsToUtf16(benchmark::State& state) {
  Setup s(StringEncoding::kUtf16);
  uint64_t out[5];
  for (auto _ : state) {
    s.callee.next = 0x4000;
    Side from{&s.caller.opts, &s.caller_inst, nullptr, nullptr, {}, nullptr};
    Side to{&s.callee.opts, &s.callee_inst, nullptr, nullptr, {}, nullptr};
    from.Refresh();
    to.Refresh();
    if (!PlanCopyValues(s.fp.params, from, to, s.args, out, nullptr)) Die("copy");
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_PlanCopyParamsToUtf16);

// A whole sync adapter call: params copied in, a no-op core callee returning a pointer to a
// record in its memory, the record copied to the caller's out-param, reentrance flags.
void BM_CallAdapter(benchmark::State& state) {
  Setup s;
  // The callee's result record at 0x200.
  uint32_t rec[3] = {7, 8, 0x40000000};
  std::memcpy(s.callee.mem.data() + 0x200, rec, sizeof rec);
  CoreFunc core{nullptr, [](void*, std::span<const uint64_t>, std::span<uint64_t> r) -> Status {
                  r[0] = 0x200;
                  return Ok();
                }};
  uint64_t args[6];
  std::memcpy(args, s.args, sizeof s.args);
  args[5] = 0x80;  // the caller's out-param
  for (auto _ : state) {
    s.callee.next = 0x4000;
    auto r = CallAdapter(s.fp, s.caller_inst, s.caller.opts, s.callee_inst, s.callee.opts, core, args, {});
    if (!r) Die("call");
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_CallAdapter);

// Through host values: lift from the caller, lower into the callee (what a host in the
// middle would do), via the plan and via the per-type reference.
void BM_HostLiftLowerPlan(benchmark::State& state) {
  Setup s;
  uint64_t out[5];
  for (auto _ : state) {
    s.callee.next = 0x4000;
    Side from{&s.caller.opts, &s.caller_inst, nullptr, nullptr, {}, nullptr};
    Side to{&s.callee.opts, &s.callee_inst, nullptr, nullptr, {}, nullptr};
    from.Refresh();
    to.Refresh();
    auto vs = PlanLiftValues(s.fp.params, from, s.args);
    if (!vs) Die("lift");
    if (!PlanLowerValues(s.fp.params, s.types, to, *vs, out)) Die("lower");
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_HostLiftLowerPlan);

void BM_HostLiftLowerReference(benchmark::State& state) {
  Setup s;
  for (auto _ : state) {
    s.callee.next = 0x4000;
    Side from{&s.caller.opts, &s.caller_inst, nullptr, nullptr, {}, nullptr};
    Side to{&s.callee.opts, &s.callee_inst, nullptr, nullptr, {}, nullptr};
    from.Refresh();
    to.Refresh();
    auto vs = reference::LiftFlatValues(s.types, from, kMaxFlatParams, s.args, s.ft.params);
    if (!vs) Die("lift");
    auto out = reference::LowerFlatValues(s.types, to, kMaxFlatParams, *vs, s.ft.params);
    if (!out) Die("lower");
    benchmark::DoNotOptimize(out->data());
  }
  state.SetBytesProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_HostLiftLowerReference);

// One list<f64> of 1 M elements (8 MB) crossing the host boundary: lifted from a guest's
// memory into a host value (what a host function's argument or an export's result costs),
// and that value lowered into another guest's memory (a host argument or result going in).
// With packed lists of f64 each is one copy plus a pass for NaNs; before, one host value
// per element.
struct F64ListSetup {
  static constexpr uint32_t kCount = 1 << 20;
  TypeTable types;
  FunctionPlan fp;
  Guest src{StringEncoding::kUtf8, 20 << 20}, dst{StringEncoding::kUtf8, 20 << 20};
  ComponentInstanceState src_inst, dst_inst;
  uint64_t args[2] = {0x10000, kCount};

  F64ListSetup() {
    auto l = types.List(types.Primitive(TypeKind::kF64));
    if (!l) Die("type");
    auto p = FunctionPlan::Compile(types, FuncType{{*l}, {}});
    if (!p) Die("compile");
    fp = std::move(*p);
    for (uint32_t i = 0; i < kCount; ++i) {
      double d = i * 0.25 - 1000.0;
      std::memcpy(src.mem.data() + 0x10000 + 8 * i, &d, 8);
    }
  }
  Result<std::vector<ComponentValue>> Lift() {
    Side from{&src.opts, &src_inst, nullptr, nullptr, {}, nullptr};
    from.Refresh();
    return PlanLiftValues(fp.params, from, args);
  }
};

void BM_HostLiftF64List1M(benchmark::State& state) {
  F64ListSetup s;
  for (auto _ : state) {
    auto vs = s.Lift();
    if (!vs) Die("lift");
    benchmark::DoNotOptimize(vs->data());
  }
  state.SetBytesProcessed(state.iterations() * 8 * F64ListSetup::kCount);
}
BENCHMARK(BM_HostLiftF64List1M)->Unit(benchmark::kMillisecond);

void BM_HostLowerF64List1M(benchmark::State& state) {
  F64ListSetup s;
  auto vs = s.Lift();
  if (!vs) Die("lift");
  uint64_t out[2];
  for (auto _ : state) {
    s.dst.next = 0x4000;
    Side to{&s.dst.opts, &s.dst_inst, nullptr, nullptr, {}, nullptr};
    to.Refresh();
    if (!PlanLowerValues(s.fp.params, s.types, to, *vs, out)) Die("lower");
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 8 * F64ListSetup::kCount);
}
BENCHMARK(BM_HostLowerF64List1M)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nw::component

BENCHMARK_MAIN();

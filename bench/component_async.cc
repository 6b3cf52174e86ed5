// Async callback-lifted exports (Google Benchmark): the cost of one call of an `async` export
// lifted with a `callback`, (a) from the host through the API and (b) from another component
// through an async `canon lower` inside a core loop (one host call per kCallsPerRun crossings,
// so the numbers are per crossing). Two callee shapes: a task that returns at once (task.return,
// then EXIT) and one that waits once (from the host: YIELD, then EXIT from the callback; from a
// component: the callee's async future.read blocks, the callback WAITs on its waitable set, the
// caller writes the future and waits for the subtask). Each benchmark reports the host threads
// the process created per call (pthread_create is interposed below and counted) and the CPU
// time of the whole process per call (every host thread's, unlike the CPU column, which is the
// benchmark thread's only; on a loaded machine it is steadier than the wall time).
// Results: docs/performance.md.
//
//   build/release/bench/bench_component_async [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "nanowasm/component.hpp"
#include "nanowasm/nanowasm.hpp"

namespace {
std::atomic<uint64_t> g_threads_created{0};
}  // namespace

// Counts every host thread the process starts (std::thread ends up here), then forwards.
extern "C" int pthread_create(pthread_t* t, const pthread_attr_t* a, void* (*fn)(void*), void* arg) {
  using Real = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "pthread_create"));
  g_threads_created.fetch_add(1, std::memory_order_relaxed);
  return real(t, a, fn, arg);
}

namespace {

// $C: the callee (three callback-lifted async exports); $D: the caller, whose core loops call
// them through async lowers.
constexpr const char* kComponent = R"((component
  (component $C
    (core module $Memory (memory (export "mem") 1))
    (core instance $memory (instantiate $Memory))
    (core module $CM
      (import "" "mem" (memory 1))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "waitable-set.new" (func $ws.new (result i32)))
      (import "" "waitable-set.drop" (func $ws.drop (param i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
      (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
      (global $fr (mut i32) (i32.const 0))
      (global $ws (mut i32) (i32.const 0))
      (func (export "ret") (result i32)
        (call $task.return (i32.const 7))
        (i32.const 0 (; EXIT ;)))
      (func (export "yield1") (result i32) (i32.const 1 (; YIELD ;)))
      (func (export "yield1_cb") (param i32 i32 i32) (result i32)
        (call $task.return (i32.const 7))
        (i32.const 0))
      (func (export "wait1") (param $fr i32) (result i32)
        (global.set $fr (local.get $fr))
        (global.set $ws (call $ws.new))
        (if (i32.ne (call $future.read (local.get $fr) (i32.const 0)) (i32.const -1 (; BLOCKED ;)))
          (then unreachable))
        (call $join (local.get $fr) (global.get $ws))
        (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (global.get $ws) (i32.const 4))))
      (func (export "wait1_cb") (param $ev i32) (param i32 i32) (result i32)
        (if (i32.ne (local.get $ev) (i32.const 4 (; FUTURE_READ ;))) (then unreachable))
        (call $join (global.get $fr) (i32.const 0))
        (call $future.drop-readable (global.get $fr))
        (call $ws.drop (global.get $ws))
        (call $task.return (i32.load (i32.const 0)))
        (i32.const 0))
      (func (export "unreachable_cb") (param i32 i32 i32) (result i32) unreachable))
    (type $FT (future u32))
    (canon task.return (result u32) (core func $task.return))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.drop (core func $ws.drop))
    (canon waitable.join (core func $join))
    (canon future.read $FT async (memory (core memory $memory "mem")) (core func $future.read))
    (canon future.drop-readable $FT (core func $future.drop-readable))
    (core instance $cm (instantiate $CM (with "" (instance
      (export "mem" (memory $memory "mem"))
      (export "task.return" (func $task.return))
      (export "waitable-set.new" (func $ws.new))
      (export "waitable-set.drop" (func $ws.drop))
      (export "waitable.join" (func $join))
      (export "future.read" (func $future.read))
      (export "future.drop-readable" (func $future.drop-readable))))))
    (func (export "ret") async (result u32)
      (canon lift (core func $cm "ret") async (callback (core func $cm "unreachable_cb"))))
    (func (export "yield1") async (result u32)
      (canon lift (core func $cm "yield1") async (callback (core func $cm "yield1_cb"))))
    (func (export "wait1") async (param "f" (future u32)) (result u32)
      (canon lift (core func $cm "wait1") async (callback (core func $cm "wait1_cb")))))

  (component $D
    (type $FT (future u32))
    (import "c" (instance $c
      (export "ret" (func async (result u32)))
      (export "wait1" (func async (param "f" (future u32)) (result u32)))))
    (core module $Memory (memory (export "mem") 1))
    (core instance $memory (instantiate $Memory))
    (core module $DM
      (import "" "mem" (memory 1))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "ret" (func $ret (param i32) (result i32)))
      (import "" "wait1" (func $wait1 (param i32 i32) (result i32)))
      (import "" "future.new" (func $future.new (result i64)))
      (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
      (import "" "future.drop-writable" (func $future.drop-writable (param i32)))
      (import "" "waitable-set.new" (func $ws.new (result i32)))
      (import "" "waitable-set.drop" (func $ws.drop (param i32)))
      (import "" "waitable-set.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      ;; n async calls of c.ret, each RETURNED at once; the sum of the results.
      (func (export "run-ret") (param $n i32) (result i32) (local $sum i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (if (i32.ne (call $ret (i32.const 0)) (i32.const 2 (; RETURNED ;))) (then unreachable))
          (local.set $sum (i32.add (local.get $sum) (i32.load (i32.const 0))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $sum))
      ;; n async calls of c.wait1 with a fresh future each: STARTED, write the future, wait for
      ;; the subtask to return.
      (func (export "run-wait") (param $n i32)
        (local $sum i32) (local $ws i32) (local $f i64) (local $w i32) (local $st i32) (local $sub i32)
        (local.set $ws (call $ws.new))
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $f (call $future.new))
          (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $f) (i64.const 32))))
          (local.set $st (call $wait1 (i32.wrap_i64 (local.get $f)) (i32.const 0)))
          (if (i32.ne (i32.and (local.get $st) (i32.const 0xf)) (i32.const 1 (; STARTED ;))) (then unreachable))
          (local.set $sub (i32.shr_u (local.get $st) (i32.const 4)))
          (i32.store (i32.const 8) (i32.const 7))
          (if (i32.ne (call $future.write (local.get $w) (i32.const 8)) (i32.const 0 (; COMPLETED ;)))
            (then unreachable))
          (call $join (local.get $sub) (local.get $ws))
          (if (i32.ne (call $ws.wait (local.get $ws) (i32.const 16)) (i32.const 1 (; SUBTASK ;)))
            (then unreachable))
          (if (i32.ne (i32.load (i32.const 20)) (i32.const 2 (; RETURNED ;))) (then unreachable))
          (call $subtask.drop (local.get $sub))
          (call $future.drop-writable (local.get $w))
          (local.set $sum (i32.add (local.get $sum) (i32.load (i32.const 0))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (call $ws.drop (local.get $ws))
        (call $task.return (local.get $sum))))
    (canon task.return (result u32) (core func $task.return))
    (canon lower (func $c "ret") async (memory (core memory $memory "mem")) (core func $ret))
    (canon lower (func $c "wait1") async (memory (core memory $memory "mem")) (core func $wait1))
    (canon future.new $FT (core func $future.new))
    (canon future.write $FT async (memory (core memory $memory "mem")) (core func $future.write))
    (canon future.drop-writable $FT (core func $future.drop-writable))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.drop (core func $ws.drop))
    (canon waitable-set.wait (memory (core memory $memory "mem")) (core func $ws.wait))
    (canon waitable.join (core func $join))
    (canon subtask.drop (core func $subtask.drop))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "mem" (memory $memory "mem"))
      (export "task.return" (func $task.return))
      (export "ret" (func $ret)) (export "wait1" (func $wait1))
      (export "future.new" (func $future.new))
      (export "future.write" (func $future.write))
      (export "future.drop-writable" (func $future.drop-writable))
      (export "waitable-set.new" (func $ws.new))
      (export "waitable-set.drop" (func $ws.drop))
      (export "waitable-set.wait" (func $ws.wait))
      (export "waitable.join" (func $join))
      (export "subtask.drop" (func $subtask.drop))))))
    (func (export "run-ret") (param "n" u32) (result u32) (canon lift (core func $dm "run-ret")))
    (func (export "run-wait") async (param "n" u32) (result u32)
      (canon lift (core func $dm "run-wait") async)))

  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "c" (instance $c))))
  (func (export "ret") (alias export $c "ret"))
  (func (export "yield1") (alias export $c "yield1"))
  (func (export "run-ret") (alias export $d "run-ret"))
  (func (export "run-wait") (alias export $d "run-wait")))
)";

constexpr uint32_t kCallsPerRun = 1000;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_component_async: %s\n", what.c_str());
  std::exit(1);
}

struct Fixture {
  nw::Engine engine;
  nw::Store store{engine};
  nw::ComponentStore cs{store};
  nw::ComponentInstance inst{Instantiate(cs)};
  static nw::ComponentInstance Instantiate(nw::ComponentStore& cs) {
    auto c = nw::ComponentModule::FromText(kComponent);
    if (!c) Die(c.error().message);
    nw::ComponentLinker l;
    auto i = l.Instantiate(cs, **c);
    if (!i) Die(i.error().message);
    return *i;
  }
};

double ProcessCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void Report(benchmark::State& state, uint64_t threads_before, double cpu_before, uint64_t calls) {
  state.SetItemsProcessed(static_cast<int64_t>(calls));
  state.counters["process_cpu_ns_per_call"] = (ProcessCpuNs() - cpu_before) / static_cast<double>(calls);
  state.counters["host_threads_per_call"] =
      static_cast<double>(g_threads_created.load() - threads_before) / static_cast<double>(calls);
}

// (a) from the host: one API call per task.
void HostCall(benchmark::State& state, const char* name) {
  Fixture fx;
  auto f = nw::TypedComponentFunc<uint32_t()>::Make(*fx.inst.GetFunc(name));
  if (!f) Die(f.error().message);
  uint64_t before = g_threads_created.load();
  double cpu_before = ProcessCpuNs();
  for (auto _ : state) {
    auto r = f->Call();
    if (!r || *r != 7) Die(r ? "wrong result" : r.error().message);
  }
  Report(state, before, cpu_before, state.iterations());
}
void BM_AsyncHostCallReturnAtOnce(benchmark::State& state) { HostCall(state, "ret"); }
void BM_AsyncHostCallYieldOnce(benchmark::State& state) { HostCall(state, "yield1"); }
BENCHMARK(BM_AsyncHostCallReturnAtOnce)->UseRealTime();
BENCHMARK(BM_AsyncHostCallYieldOnce)->UseRealTime();

// (b) from another component: kCallsPerRun async lowers per host call.
void ComponentCall(benchmark::State& state, const char* name) {
  Fixture fx;
  auto run = nw::TypedComponentFunc<uint32_t(uint32_t)>::Make(*fx.inst.GetFunc(name));
  if (!run) Die(run.error().message);
  uint64_t before = g_threads_created.load();
  double cpu_before = ProcessCpuNs();
  for (auto _ : state) {
    auto r = run->Call(kCallsPerRun);
    if (!r || *r != 7 * kCallsPerRun) Die(r ? "wrong result" : r.error().message);
  }
  Report(state, before, cpu_before, state.iterations() * kCallsPerRun);
}
void BM_AsyncLowerReturnAtOnce(benchmark::State& state) { ComponentCall(state, "run-ret"); }
void BM_AsyncLowerWaitOnFuture(benchmark::State& state) { ComponentCall(state, "run-wait"); }
BENCHMARK(BM_AsyncLowerReturnAtOnce)->UseRealTime();
BENCHMARK(BM_AsyncLowerWaitOnFuture)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

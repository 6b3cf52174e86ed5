// Compiled code under Store execution contexts (Store::SwitchExecContext), the way the component
// model runs async tasks: wasm calls the host, which switches to a task's context and runs wasm
// on another host thread, then switches back and returns into the first thread's wasm. Each
// thread's code must check its stack against its own thread's limit: a shallow call on the
// task's thread runs (it trapped "call stack exhausted" when the check used the other thread's
// limit), a runaway recursion traps as stack exhausted on either thread (a limit of another
// stack, or none, would let it run into the guard page instead). Fuel and the epoch deadline
// are the store's, whichever context runs: what a task's compiled code burns is spent, as on
// the interpreter.
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "nanowasm/runtime.h"
#include "opt/opt_tier.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

constexpr const char* kModule = R"((module
  (import "" "on_other_thread" (func $h))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func (export "outer") (param i32) (result i32)
    (call $h)
    (call $rec (local.get 0)))))";

TEST(OptExecContext, EachThreadChecksItsOwnStackLimit) {
  Config config;
  config.tier = Config::ExecutionTier::kOpt;
  config.opt_tiering = Config::OptTiering::kOff;
  Engine engine(config, OptTier());
  Store store(engine);
  auto desc = ParseWat(kModule);
  ASSERT_TRUE(desc) << desc.error().ToString();
  auto m = Module::FromDesc(engine, *desc);
  ASSERT_TRUE(m) << m.error().ToString();
  Func* rec = nullptr;
  // Results of the calls made on the other thread, per call of the host function.
  std::optional<TrapResult<std::vector<Val>>> shallow, deep;
  Func* h = Func::CreateHost(store, FuncType{}, [&](Caller&, std::span<const Val>, std::span<Val>)
                                                    -> TrapResult<void> {
    Store::ExecContext* task = store.NewExecContext();
    Store::ExecContext* prev = store.SwitchExecContext(task);
    std::thread([&] {
      std::vector<Val> small{Val::I32(1000)}, huge{Val::I32(-1)};
      shallow.emplace(rec->Call(store, small));
      deep.emplace(rec->Call(store, huge));
    }).join();
    store.SwitchExecContext(prev);
    store.DeleteExecContext(task);
    return {};
  });
  Linker linker;
  linker.Define("", "on_other_thread", h);
  auto inst = linker.Instantiate(store, *m);
  ASSERT_TRUE(inst) << inst.error().message;
  rec = (*inst)->GetFunc("rec");
  Func* outer = (*inst)->GetFunc("outer");
  ASSERT_TRUE(rec && outer);

  // First on this thread alone, so the store has seen this thread's limit.
  std::vector<Val> small{Val::I32(1000)}, huge{Val::I32(-1)};
  auto r = rec->Call(store, small);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0].i32(), 1000);

  // Back in this thread's wasm after the other thread's, with a shallow recursion...
  r = outer->Call(store, small);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0].i32(), 1000);
  ASSERT_TRUE(shallow && deep);
  ASSERT_TRUE(*shallow) << shallow->error().ToString();
  EXPECT_EQ((**shallow)[0].i32(), 1000);
  ASSERT_FALSE(*deep);
  EXPECT_EQ(deep->error().kind, TrapKind::kStackExhausted);

  // ... and a runaway one: this thread's limit is back.
  shallow.reset();
  deep.reset();
  r = outer->Call(store, huge);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::kStackExhausted);
  ASSERT_TRUE(shallow && *shallow) << (shallow ? shallow->error().ToString() : "not called");
  ASSERT_TRUE(deep && !*deep);
  EXPECT_EQ(deep->error().kind, TrapKind::kStackExhausted);
}

// The fuel a call of "outer" (which runs rec(1000) on another thread in a task's context) and
// a host charge made inside the task spend on `tier`, and the fuel a host function in the task
// sees before its charge (the task's own consumption so far included).
struct FuelSpent {
  uint64_t spent = 0, seen_in_task = 0;
  bool operator==(const FuelSpent&) const = default;
};

FuelSpent SpendInTask(Config::ExecutionTier tier) {
  Config config;
  config.tier = tier;
  config.opt_tiering = Config::OptTiering::kOff;
  config.consume_fuel = true;
  Engine engine(config);
  Store store(engine);
  auto desc = ParseWat(kModule);
  EXPECT_TRUE(desc);
  auto m = Module::FromDesc(engine, *desc);
  EXPECT_TRUE(m) << m.error().ToString();
  if (!m) return {};
  Func* rec = nullptr;
  FuelSpent out;
  Func* h = Func::CreateHost(store, FuncType{}, [&](Caller&, std::span<const Val>, std::span<Val>)
                                                    -> TrapResult<void> {
    Store::ExecContext* task = store.NewExecContext();
    Store::ExecContext* prev = store.SwitchExecContext(task);
    std::thread([&] {
      std::vector<Val> args{Val::I32(1000)};
      EXPECT_TRUE(rec->Call(store, args));
      out.seen_in_task = *store.GetFuel();
      EXPECT_TRUE(store.ConsumeFuel(5000));
    }).join();
    store.SwitchExecContext(prev);
    store.DeleteExecContext(task);
    return {};
  });
  Linker linker;
  linker.Define("", "on_other_thread", h);
  auto inst = linker.Instantiate(store, *m);
  EXPECT_TRUE(inst) << inst.error().message;
  if (!inst) return {};
  rec = (*inst)->GetFunc("rec");
  constexpr uint64_t kFuel = 10'000'000;
  store.SetFuel(kFuel);
  std::vector<Val> args{Val::I32(0)};
  EXPECT_TRUE((*inst)->GetFunc("outer")->Call(store, args));
  out.spent = kFuel - *store.GetFuel();
  out.seen_in_task = kFuel - out.seen_in_task;
  return out;
}

TEST(OptExecContext, FuelSpentInATaskIsSpent) {
  FuelSpent interp = SpendInTask(Config::ExecutionTier::kInterp);
  FuelSpent opt = SpendInTask(Config::ExecutionTier::kOpt);
  // rec(1000) alone costs thousands of units: all of it, and the host's 5000, are spent.
  EXPECT_GT(interp.seen_in_task, 1000u);
  EXPECT_GT(interp.spent, interp.seen_in_task + 5000);
  EXPECT_EQ(opt, interp) << "opt: spent " << opt.spent << ", " << opt.seen_in_task
                         << " seen in the task; interpreter: " << interp.spent << ", "
                         << interp.seen_in_task;
}

}  // namespace
}  // namespace nw::opt::test

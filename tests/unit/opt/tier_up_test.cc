// Tiered compilation (Config::opt_tiering): a module runs first-tier code at once and the
// second tier is swapped in (opt_tier.h, TieredOptCode). Checks results before and after the
// swap, a first-tier frame that stays on the stack across the swap (its calls must reach the
// new code and compute the same), traps and backtraces against the interpreter's in both
// tiers, fuel left after a call in both tiers, calls on other threads while the swap happens,
// and modules destroyed while their background compile runs. The swap is forced with
// FinishTierUp on a tier whose background compile starts only then (MakeOptTier's
// manual_tier_up), so "before" really runs the first tier.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "format/decode.h"
#include "format/encode.h"
#include "opt/compiler.h"
#include "opt/opt_tier.h"
#include "runtime/vm.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

// fib: direct recursion; apply: call_indirect through a table; sum: a loop calling a helper
// and the host function "host" "tick" (which the tests use to swap tiers mid-loop); deep: a
// division by zero three calls down (a backtrace); grow: memory and a global.
constexpr std::string_view kWat = R"((module
  (import "host" "tick" (func $tick (param i32)))
  (type $ii (func (param i32) (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (table 3 funcref)
  (elem (i32.const 0) $double $fib $square)
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func $fib (export "fib") (type $ii)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $apply (export "apply") (param $f i32) (param $x i32) (result i32)
    (call_indirect (type $ii) (local.get $x) (local.get $f)))
  (func $step (param i32) (result i32)
    (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (local.get 0)))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.add (call $square (local.get 0)) (call $fib (i32.and (local.get 0) (i32.const 7)))))
  (func $sum (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $tick (local.get $i))
        (local.set $acc (i32.add (local.get $acc) (call $step (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $acc) (i32.add (global.get $g) (i32.load (i32.const 16)))))
  (func $div (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $mid (param i32) (result i32) (i32.add (call $div (local.get 0)) (i32.const 1)))
  (func $deep (export "deep") (param i32) (result i32) (i32.mul (call $mid (local.get 0)) (i32.const 3)))
  (func $oob (export "oob") (param i32) (result i32) (i32.load (local.get 0)))
))";

std::vector<uint8_t> Binary(std::string_view wat) {
  auto desc = ParseWat(wat);
  EXPECT_TRUE(desc) << desc.error().ToString();
  return desc ? EncodeModule(*desc) : std::vector<uint8_t>{};
}

// An engine, a module compiled by it and one store with the module instantiated; `on_tick`
// runs inside host function "tick".
struct Rig {
  Rig(const Tier* tier, Config config, const std::vector<uint8_t>& binary) {
    engine = tier ? std::make_unique<Engine>(config, *tier) : std::make_unique<Engine>(config);
    auto desc = DecodeModule(binary);
    EXPECT_TRUE(desc);
    auto m = Module::FromDesc(*engine, std::move(*desc));
    EXPECT_TRUE(m) << m.error().ToString();
    module = *m;
    Instantiate();
  }
  void Instantiate() {
    store = std::make_unique<Store>(*engine);
    Func* tick = Func::CreateHost(*store, FuncType{{ValType::kI32}, {}},
                                  [this](Caller&, std::span<const Val> a, std::span<Val>) -> TrapResult<void> {
                                    if (on_tick) on_tick(static_cast<uint32_t>(a[0].bits));
                                    return {};
                                  });
    Linker linker;
    linker.Define("host", "tick", tick);
    auto inst = linker.Instantiate(*store, module);
    EXPECT_TRUE(inst);
    instance = inst ? *inst : nullptr;
  }
  TrapResult<uint32_t> Call(std::string_view name, std::vector<uint32_t> args) {
    Func* f = instance->GetFunc(name);
    EXPECT_NE(f, nullptr) << name;
    std::vector<uint64_t> words(args.begin(), args.end());
    words.resize(std::max<size_t>(words.size(), 1));
    std::vector<uint64_t> results(1);
    auto r = InvokeFunc(*store, AsObj(f), std::span(words.data(), args.size()), results);
    if (!r) return std::unexpected(std::move(r.error()));
    return static_cast<uint32_t>(results[0]);
  }
  const TieredOptCode* tiered() const {
    return dynamic_cast<const TieredOptCode*>(module->impl().code.get());
  }
  std::unique_ptr<Engine> engine;
  std::shared_ptr<const Module> module;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;
  std::function<void(uint32_t)> on_tick;
};

Config OptConfig(Config::OptTiering tiering) {
  Config c;
  c.tier = Config::ExecutionTier::kOpt;
  c.opt_tiering = tiering;
  return c;
}

uint32_t Expect(TrapResult<uint32_t> r) {
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : 0xdeadbeef;
}

struct Calls {
  uint32_t fib20, apply0, apply1, apply2, sum100;
  bool operator==(const Calls&) const = default;
};
Calls RunAll(Rig& s) {
  return {Expect(s.Call("fib", {20})), Expect(s.Call("apply", {0, 21})),
          Expect(s.Call("apply", {1, 15})), Expect(s.Call("apply", {2, 9})),
          Expect(s.Call("sum", {100}))};
}

TEST(TierUp, SameResultsBeforeAndAfterTheSwap) {
  const std::vector<uint8_t> binary = Binary(kWat);
  // `sum` accumulates in memory and a global: a second call on one instance differs.
  Rig interp(nullptr, Config{}, binary);
  const Calls want1 = RunAll(interp), want2 = RunAll(interp);
  EXPECT_EQ(want1.fib20, 6765u);
  EXPECT_EQ(want1.apply0, 42u);
  EXPECT_EQ(want1.apply2, 81u);
  EXPECT_NE(want1.sum100, want2.sum100);

  auto tier = MakeOptTier(Options{}, /*manual_tier_up=*/true);
  Rig s(tier.get(), OptConfig(Config::OptTiering::kOn), binary);
  ASSERT_NE(s.tiered(), nullptr);
  EXPECT_FALSE(s.tiered()->promoted());
  const uint32_t fib = 2;  // defined index of $fib, a table's function
  const void* first_entry = s.module->impl().code->Entry(fib).code;
  EXPECT_EQ(RunAll(s), want1);
  ASSERT_TRUE(s.tiered()->FinishTierUp());
  EXPECT_TRUE(s.tiered()->promoted());
  EXPECT_NE(s.module->impl().code->Entry(fib).code, first_entry);
  // The instance made before the swap (function objects holding first-tier stubs), then one
  // made after it (second-tier entries).
  EXPECT_EQ(RunAll(s), want2);
  s.Instantiate();
  EXPECT_EQ(RunAll(s), want1);
  EXPECT_TRUE(s.tiered()->FinishTierUp());  // idempotent
}

TEST(TierUp, FirstTierFrameOnTheStackCallsTheNewCode) {
  const std::vector<uint8_t> binary = Binary(kWat);
  Rig interp(nullptr, Config{}, binary);
  const uint32_t want = Expect(interp.Call("sum", {200}));
  auto tier = MakeOptTier(Options{}, true);
  Rig s(tier.get(), OptConfig(Config::OptTiering::kOn), binary);
  ASSERT_NE(s.tiered(), nullptr);
  bool swapped = false;
  // Halfway through the loop, from inside a host call: `sum`'s first-tier frame stays on the
  // stack and its later calls of $step (through the entry pointer) run second-tier code.
  s.on_tick = [&](uint32_t i) {
    if (i == 100) {
      ASSERT_TRUE(s.tiered()->FinishTierUp());
      swapped = true;
    }
  };
  EXPECT_EQ(Expect(s.Call("sum", {200})), want);
  EXPECT_TRUE(swapped);
  EXPECT_TRUE(s.tiered()->promoted());
}

struct TrapOutcome {
  TrapKind kind{};
  std::vector<std::pair<uint32_t, uint32_t>> frames;  // func index, code offset
  bool operator==(const TrapOutcome&) const = default;
};
TrapOutcome TrapOf(Rig& s, std::string_view name, uint32_t arg) {
  auto r = s.Call(name, {arg});
  EXPECT_FALSE(r);
  TrapOutcome out;
  if (r) return out;
  out.kind = r.error().kind;
  for (const Frame& f : r.error().backtrace) out.frames.push_back({f.func_index, f.code_offset});
  return out;
}

TEST(TierUp, TrapsAndBacktracesMatchTheInterpreterInBothTiers) {
  const std::vector<uint8_t> binary = Binary(kWat);
  for (Config::BoundsChecks bounds : {Config::BoundsChecks::kDefault, Config::BoundsChecks::kExplicit}) {
    Rig interp(nullptr, Config{}, binary);
    const TrapOutcome div = TrapOf(interp, "deep", 0);
    const TrapOutcome oob = TrapOf(interp, "oob", 70000);
    EXPECT_EQ(div.kind, TrapKind::kIntegerDivideByZero);
    ASSERT_EQ(div.frames.size(), 3u);
    EXPECT_EQ(oob.kind, TrapKind::kMemoryOutOfBounds);

    auto tier = MakeOptTier(Options{}, true);
    Config c = OptConfig(Config::OptTiering::kOn);
    c.bounds_checks = bounds;
    Rig s(tier.get(), c, binary);
    ASSERT_NE(s.tiered(), nullptr);
    EXPECT_EQ(TrapOf(s, "deep", 0), div) << "first tier";
    EXPECT_EQ(TrapOf(s, "oob", 70000), oob) << "first tier";
    ASSERT_TRUE(s.tiered()->FinishTierUp());
    EXPECT_EQ(TrapOf(s, "deep", 0), div) << "second tier";
    EXPECT_EQ(TrapOf(s, "oob", 70000), oob) << "second tier";
    EXPECT_EQ(Expect(s.Call("deep", {4})), 78u);
  }
}

TEST(TierUp, FuelIsChargedAlikeInBothTiers) {
  const std::vector<uint8_t> binary = Binary(kWat);
  auto left_after = [&](Rig& s) {
    s.store->SetFuel(1'000'000);
    EXPECT_TRUE(s.Call("sum", {50}));
    auto f = s.store->GetFuel();
    EXPECT_TRUE(f);
    return f ? *f : 0;
  };
  Config ic;
  ic.consume_fuel = true;
  Rig interp(nullptr, ic, binary);
  const uint64_t want = left_after(interp);
  EXPECT_LT(want, 1'000'000u);
  auto tier = MakeOptTier(Options{}, true);
  Config c = OptConfig(Config::OptTiering::kOn);
  c.consume_fuel = true;
  Rig s(tier.get(), c, binary);
  ASSERT_NE(s.tiered(), nullptr);
  EXPECT_EQ(left_after(s), want) << "first tier";
  ASSERT_TRUE(s.tiered()->FinishTierUp());
  EXPECT_EQ(left_after(s), want) << "second tier";
  // Out of fuel traps the same way.
  s.store->SetFuel(100);
  auto r = s.Call("sum", {50});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::kOutOfFuel);
}

// Two threads, each with its own store and instance of one module, call every export in a
// loop while the main thread swaps the tiers: every result must be right throughout.
TEST(TierUp, CallsOnOtherThreadsDuringTheSwap) {
  const std::vector<uint8_t> binary = Binary(kWat);
  Rig interp(nullptr, Config{}, binary);
  const Calls want = RunAll(interp);
  auto tier = MakeOptTier(Options{}, true);
  Rig s(tier.get(), OptConfig(Config::OptTiering::kOn), binary);
  ASSERT_NE(s.tiered(), nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> started{0};
  std::atomic<uint64_t> rounds{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      Store store(*s.engine);
      Func* tick = Func::CreateHost(store, FuncType{{ValType::kI32}, {}},
                                    [](Caller&, std::span<const Val>, std::span<Val>) -> TrapResult<void> { return {}; });
      Linker linker;
      linker.Define("host", "tick", tick);
      auto inst = linker.Instantiate(store, s.module);
      if (!inst) {
        wrong.fetch_add(1);
        return;
      }
      auto call = [&](std::string_view name, std::vector<uint64_t> args) -> uint32_t {
        std::vector<uint64_t> results(1);
        auto r = InvokeFunc(store, AsObj((*inst)->GetFunc(name)), args, results);
        return r ? static_cast<uint32_t>(results[0]) : 0xdeadbeef;
      };
      started.fetch_add(1);
      while (!stop.load()) {
        Calls got{call("fib", {20}), call("apply", {0, 21}), call("apply", {1, 15}),
                  call("apply", {2, 9}), 0};
        // sum's memory and global state is per instance: compare its first call only.
        got.sum100 = want.sum100;
        if (!(got == want)) wrong.fetch_add(1);
        rounds.fetch_add(1);
      }
    });
  }
  while (started.load() < 2) std::this_thread::yield();
  const uint64_t before = rounds.load();
  ASSERT_TRUE(s.tiered()->FinishTierUp());
  const uint64_t at_swap = rounds.load();
  while (rounds.load() < at_swap + 50) std::this_thread::yield();
  stop.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GE(at_swap, before);
  EXPECT_TRUE(s.tiered()->promoted());
}

// A module of many functions (a background compile of a few seconds at O2), dropped right
// after its first call, while the compile runs: the module's code cancels and joins it.
std::vector<uint8_t> ManyFunctions(int n) {
  std::string wat = "(module (memory 1)\n";
  for (int i = 0; i < n; ++i) {
    wat += "(func $f" + std::to_string(i) + " (param i32) (result i32) (local i32)\n"
           "  (loop $l (local.set 1 (i32.add (local.get 1) (i32.load (i32.and (local.get 0) (i32.const 1020)))))\n"
           "    (i32.store (i32.const 8) (i32.mul (local.get 1) (i32.const " + std::to_string(i + 3) + ")))\n"
           "    (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 7))) (i32.const 300))))\n";
    wat += i > 0 ? "  (i32.add (local.get 1) (call $f" + std::to_string(i - 1) + " (i32.const 299))))\n"
                 : "  (local.get 1))\n";
  }
  wat += "(export \"last\" (func $f" + std::to_string(n - 1) + ")))";
  return Binary(wat);
}

TEST(TierUp, ModuleDestroyedWhileTheBackgroundCompileRuns) {
  const std::vector<uint8_t> binary = ManyFunctions(300);
  // Small chunks: the cancelled compile stops at the next chunk, so the test stays short.
  Options base;
  base.chunk_bytes = 2048;
  auto tier = MakeOptTier(base);
  Config c = OptConfig(Config::OptTiering::kOn);
  Engine engine(c, *tier);
  uint32_t first = 0;
  for (int round = 0; round < 3; ++round) {
    auto desc = DecodeModule(binary);
    ASSERT_TRUE(desc);
    auto m = Module::FromDesc(engine, std::move(*desc));
    ASSERT_TRUE(m) << m.error().ToString();
    auto* tiered = dynamic_cast<const TieredOptCode*>((*m)->impl().code.get());
    ASSERT_NE(tiered, nullptr);
    if (round == 2) continue;  // dropped before any instance exists
    Store store(engine);
    Linker linker;
    auto inst = linker.Instantiate(store, *m);
    ASSERT_TRUE(inst);
    std::vector<uint64_t> args{0}, results(1);
    ASSERT_TRUE(InvokeFunc(store, AsObj((*inst)->GetFunc("last")), args, results));
    if (round == 0) first = static_cast<uint32_t>(results[0]);
    EXPECT_EQ(static_cast<uint32_t>(results[0]), first);
    EXPECT_FALSE(tiered->promoted());  // 300 functions at O2 take longer than one call
    // Leaving the scope drops store, instance and module while the second tier compiles.
  }
}

// Stubs of functions whose arguments go on the stack or whose results come back through
// memory cannot tail-jump (x86 refuses musttail there): they call, and still reach the right
// code in both tiers (spec-opt core.func failed before).
TEST(TierUp, StubsOfWideSignatures) {
  const std::vector<uint8_t> binary = Binary(R"((module
    (type $w (func (param i32 i32 i32 i32 i32 i32 i64 f64) (result i32 i64 f64)))
    (table 1 funcref) (elem (i32.const 0) $wide)
    (func $wide (type $w)
      (i32.add (local.get 0) (i32.mul (local.get 5) (i32.const 10)))
      (i64.add (local.get 6) (i64.extend_i32_u (local.get 4)))
      (f64.add (local.get 7) (f64.const 0.5)))
    (func (export "go") (param i32) (result i32)
      (call_indirect (type $w) (local.get 0) (i32.const 2) (i32.const 3) (i32.const 4)
                     (i32.const 5) (i32.const 6) (i64.const 70) (f64.const 1.0) (i32.const 0))
      (drop) (i32.wrap_i64) (i32.add))))");
  auto tier = MakeOptTier(Options{}, true);
  Rig s(tier.get(), OptConfig(Config::OptTiering::kOn), binary);
  ASSERT_NE(s.tiered(), nullptr);
  // 1 + 6*10 + (70 + 5)
  EXPECT_EQ(Expect(s.Call("go", {1})), 136u);
  ASSERT_TRUE(s.tiered()->FinishTierUp());
  EXPECT_EQ(Expect(s.Call("go", {1})), 136u);
}

TEST(TierUp, AutoTiersOnlyLargeModules) {
  Config c = OptConfig(Config::OptTiering::kAuto);
  ModuleDesc desc;
  desc.functions.resize(4);
  for (Function& f : desc.functions) f.body.resize(Config::kOptTieringMinCodeBytes / 4 - 1);
  EXPECT_FALSE(TieringFor(c, desc));
  desc.functions[0].body.push_back(0);
  desc.functions[1].body.push_back(0);
  desc.functions[2].body.push_back(0);
  desc.functions[3].body.push_back(0);
  EXPECT_TRUE(TieringFor(c, desc));
  c.opt_tiering = Config::OptTiering::kOff;
  EXPECT_FALSE(TieringFor(c, desc));
  c.opt_tiering = Config::OptTiering::kOn;
  desc.functions.clear();
  EXPECT_TRUE(TieringFor(c, desc));
  // A small module through the engine under kAuto: one tier.
  Engine engine(OptConfig(Config::OptTiering::kAuto));
  auto small = Module::FromDesc(engine, *DecodeModule(Binary(kWat)));
  ASSERT_TRUE(small);
  EXPECT_EQ(dynamic_cast<const TieredOptCode*>((*small)->impl().code.get()), nullptr);
}

}  // namespace
}  // namespace nw::opt::test

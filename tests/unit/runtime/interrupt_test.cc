// Interruption and resource limits: fuel stops an infinite loop deterministically, an epoch
// bumped from another thread stops one, memory/table growth past a store limit fails (or traps
// when asked to), the instance limit holds, deep recursion traps — and in every case the store
// keeps working for later calls.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

std::shared_ptr<const Module> Compile(const Engine& engine, std::string_view wat) {
  auto desc = ParseWat(wat);
  EXPECT_TRUE(desc.has_value()) << (desc ? "" : desc.error().ToString());
  if (!desc) return nullptr;
  auto m = Module::FromDesc(engine, std::move(*desc));
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().ToString());
  return m ? *m : nullptr;
}

Instance* Instantiate(Store& store, const std::shared_ptr<const Module>& m) {
  Linker linker;
  auto inst = linker.Instantiate(store, m);
  EXPECT_TRUE(inst.has_value()) << (inst ? "" : inst.error().message);
  return inst ? *inst : nullptr;
}

constexpr std::string_view kLoops = R"((module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func $rec (export "rec") (param i32) (result i32)
    (call $rec (i32.add (local.get 0) (i32.const 1))))))";

TEST(FuelTest, StopsInfiniteLoopAndStoreKeepsWorking) {
  Config config;
  config.consume_fuel = true;
  Engine engine(config);
  auto m = Compile(engine, kLoops);
  ASSERT_NE(m, nullptr);
  Store store(engine);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);

  store.SetFuel(100000);
  auto r = inst->GetFunc("spin")->Call(store, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kOutOfFuel);
  EXPECT_EQ(r.error().message, "all fuel consumed");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].func_name, "spin");
  EXPECT_EQ(*store.GetFuel(), 0u);

  // Refuelled, the same store runs a finite loop to completion; the charge is deterministic.
  store.SetFuel(1000000);
  auto ok = inst->GetFunc("count")->Call(store, std::vector<Val>{Val::I32(1000)});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ((*ok)[0].i32(), 1000);
  uint64_t used = 1000000 - *store.GetFuel();
  EXPECT_GE(used, 1000u * 7);  // at least the 7 instructions of each iteration
  store.SetFuel(1000000);
  ASSERT_TRUE(inst->GetFunc("count")->Call(store, std::vector<Val>{Val::I32(1000)}).has_value());
  EXPECT_EQ(1000000 - *store.GetFuel(), used);

  // No fuel at all: the first instruction traps.
  store.SetFuel(0);
  auto none = inst->GetFunc("count")->Call(store, std::vector<Val>{Val::I32(1)});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().kind, TrapKind::kOutOfFuel);
}

TEST(FuelTest, DisabledByDefault) {
  Engine engine;
  Store store(engine);
  EXPECT_FALSE(store.GetFuel().has_value());
  auto m = Compile(engine, kLoops);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);
  auto r = inst->GetFunc("count")->Call(store, std::vector<Val>{Val::I32(10)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32(), 10);
}

TEST(EpochTest, AnotherThreadStopsInfiniteLoop) {
  Config config;
  config.epoch_interruption = true;
  Engine engine(config);
  auto m = Compile(engine, kLoops);
  ASSERT_NE(m, nullptr);
  Store store(engine);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);

  store.SetEpochDeadline(1);
  std::thread ticker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    engine.IncrementEpoch();
  });
  auto r = inst->GetFunc("spin")->Call(store, {});
  ticker.join();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kInterrupted);

  // The deadline has passed: a new deadline lets calls run again.
  store.SetEpochDeadline(1000);
  auto ok = inst->GetFunc("count")->Call(store, std::vector<Val>{Val::I32(5000)});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ((*ok)[0].i32(), 5000);
}

TEST(StackTest, DeepRecursionTrapsAndStoreKeepsWorking) {
  Config config;
  config.max_call_depth = 5000;
  Engine engine(config);
  auto m = Compile(engine, kLoops);
  Store store(engine);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto r = inst->GetFunc("rec")->Call(store, std::vector<Val>{Val::I32(0)});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, TrapKind::kStackExhausted);
    // The backtrace is bounded: the innermost and outermost frames, and how many lay between.
    const Trap& t = r.error();
    ASSERT_EQ(t.backtrace.size(), Trap::kBacktraceHead + Trap::kBacktraceTail);
    EXPECT_GE(t.backtrace.size() + t.frames_omitted, 4000u);
    EXPECT_LE(t.backtrace.size() + t.frames_omitted, 5000u);
    EXPECT_EQ(t.backtrace.front().func_name, "rec");
    EXPECT_EQ(t.backtrace.back().func_name, "rec");
  }
  auto ok = inst->GetFunc("count")->Call(store, std::vector<Val>{Val::I32(3)});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0].i32(), 3);
}

constexpr std::string_view kGrow = R"((module
  (memory (export "mem") 1)
  (table (export "tab") 1 funcref)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "tgrow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0)))
  (func (export "size") (result i32) (memory.size))))";

TEST(LimitsTest, MemoryAndTableGrowthPastTheLimitFails) {
  Engine engine;
  auto m = Compile(engine, kGrow);
  Store store(engine);
  StoreLimits limits;
  limits.max_memory_pages = 4;
  limits.max_table_elements = 10;
  store.SetLimits(limits);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);
  Func* grow = inst->GetFunc("grow");
  EXPECT_EQ((*grow->Call(store, std::vector<Val>{Val::I32(3)}))[0].i32(), 1);
  EXPECT_EQ((*grow->Call(store, std::vector<Val>{Val::I32(1)}))[0].i32(), -1);
  EXPECT_EQ((*inst->GetFunc("size")->Call(store, {}))[0].i32(), 4);
  EXPECT_EQ(inst->GetMemory("mem")->Grow(1), -1);
  Func* tgrow = inst->GetFunc("tgrow");
  EXPECT_EQ((*tgrow->Call(store, std::vector<Val>{Val::I32(9)}))[0].i32(), 1);
  EXPECT_EQ((*tgrow->Call(store, std::vector<Val>{Val::I32(1)}))[0].i32(), -1);
}

TEST(LimitsTest, GrowthPastTheLimitCanTrap) {
  Engine engine;
  auto m = Compile(engine, kGrow);
  Store store(engine);
  StoreLimits limits;
  limits.max_memory_pages = 2;
  limits.trap_on_grow_failure = true;
  store.SetLimits(limits);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);
  auto r = inst->GetFunc("grow")->Call(store, std::vector<Val>{Val::I32(5)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kResourceLimit);
  // Still usable, and growth within the limit works.
  auto ok = inst->GetFunc("grow")->Call(store, std::vector<Val>{Val::I32(1)});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0].i32(), 1);
}

TEST(LimitsTest, InitialSizeAndInstanceCountAreChecked) {
  Engine engine;
  auto big = Compile(engine, "(module (memory 10))");
  auto small = Compile(engine, "(module)");
  Store store(engine);
  StoreLimits limits;
  limits.max_memory_pages = 5;
  limits.max_instances = 2;
  store.SetLimits(limits);
  Linker linker;
  auto too_big = linker.Instantiate(store, big);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().message,
            "cannot instantiate: memory of 10 pages exceeds the store limit of 5 pages");
  EXPECT_TRUE(linker.Instantiate(store, small).has_value());
  EXPECT_TRUE(linker.Instantiate(store, small).has_value());
  auto third = linker.Instantiate(store, small);
  ASSERT_FALSE(third.has_value());
  EXPECT_NE(third.error().message.find("instance limit"), std::string::npos);
}

}  // namespace
}  // namespace nw

namespace nw {
namespace {

// Translation stays linear in the body size whatever the stack depth: a 100,000-deep stack of
// lazily read locals followed by 100,000 writes to that local (a quadratic scan would take
// minutes) and 100,000 empty blocks on top of the deep stack.
TEST(TranslateTest, DeepStackWithManyLocalWritesIsLinear) {
  constexpr int kN = 100000;
  std::string wat = "(module (func (export \"f\") (param i32 i32) (result i32)";
  for (int i = 0; i < kN; ++i) wat += " local.get 0";
  for (int i = 0; i < kN; ++i) wat += " local.get 1 local.set 0 block end";
  for (int i = 0; i < kN - 1; ++i) wat += " drop";
  wat += "))";
  Engine engine;
  auto start = std::chrono::steady_clock::now();
  auto m = Compile(engine, wat);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_NE(m, nullptr);
  EXPECT_LT(secs, 10.0) << "translation is not linear";
  Store store(engine);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);
  // The bottom value was read from local 0 before it was overwritten with local 1.
  auto r = inst->GetFunc("f")->Call(store, std::vector<Val>{Val::I32(7), Val::I32(9)});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 7);
}

}  // namespace
}  // namespace nw

namespace nw {
namespace {

TEST(ModuleTest, ImportsAndExportsCarryTheirTypes) {
  Engine engine;
  auto m = Compile(engine, R"((module
    (import "env" "f" (func (param i32 i64) (result f32)))
    (import "env" "g" (global (mut i64)))
    (memory (export "mem") 2 5)
    (table (export "tab") 3 externref)
    (func (export "h") (param f64) (result i32 i32) (i32.const 0) (i32.const 1))))");
  ASSERT_NE(m, nullptr);
  auto imports = m->Imports();
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_EQ(imports[0].kind, ExternKind::kFunc);
  EXPECT_EQ(imports[0].type.func, (FuncType{{ValType::kI32, ValType::kI64}, {ValType::kF32}}));
  EXPECT_EQ(imports[1].type.global, (GlobalType{ValType::kI64, true}));
  auto exports = m->Exports();
  ASSERT_EQ(exports.size(), 3u);
  EXPECT_EQ(exports[0].type.memory.limits, (Limits{2, 5}));
  EXPECT_EQ(exports[1].type.table.elem, ValType::kExternRef);
  EXPECT_EQ(exports[2].type.func, (FuncType{{ValType::kF64}, {ValType::kI32, ValType::kI32}}));
}

}  // namespace
}  // namespace nw

namespace nw {
namespace {

// More distinct constants than the frame's constant area holds (64 slots): the rest are
// written by Const instructions, scalars and v128 alike, with the same results.
TEST(TranslateTest, ConstantsBeyondTheConstantAreaKeepTheirValues) {
  std::string wat = "(module (func (export \"sum\") (result i64) (i64.const 0)";
  int64_t expected = 0;
  for (int i = 1; i <= 100; ++i) {
    wat += " (i64.const " + std::to_string(i * 1000003) + ") i64.add";
    expected += int64_t{i} * 1000003;
  }
  // A v128 constant after the area is full, read back lane by lane.
  wat += " (i64x2.extract_lane 1 (v128.const i64x2 7 123456789)) i64.add))";
  expected += 123456789;
  Engine engine;
  auto m = Compile(engine, wat);
  ASSERT_NE(m, nullptr);
  Store store(engine);
  Instance* inst = Instantiate(store, m);
  ASSERT_NE(inst, nullptr);
  auto r = inst->GetFunc("sum")->Call(store, {});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].i64(), expected);
}

}  // namespace
}  // namespace nw

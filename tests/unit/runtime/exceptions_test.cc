// Exception handling (Features::exceptions) at the embedding API and under hostile use: an
// exception leaving the export is a kException trap, traps are not caught by try_table, an
// exception crosses a host function that passes an entry's failure on (and is caught by the
// wasm caller with its tag identity intact), throw/catch loops run in bounded store memory,
// deep rethrow chains and huge payloads work, fuel and epochs stop a guest that throws forever,
// and the feature is off by default.
#include <gtest/gtest.h>

#include <cstring>

#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

Config EhConfig() {
  Config c;
  c.features.exceptions = true;
  return c;
}

std::shared_ptr<const Module> Compile(const Engine& engine, std::string_view wat) {
  auto desc = ParseWat(wat);
  EXPECT_TRUE(desc.has_value()) << (desc ? "" : desc.error().ToString());
  if (!desc) return nullptr;
  auto m = Module::FromDesc(engine, std::move(*desc));
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().ToString());
  return m ? *m : nullptr;
}

constexpr std::string_view kBasic = R"((module
  (tag $e (param i32))
  (tag $big (param i64 i64 i64 i64 i64 i64 i64 i64 v128 v128 f64 f32 i32))
  (func (export "escape") (param i32) (throw $e (local.get 0)))
  (func (export "trap-not-caught") (result i32)
    (block $h (try_table (catch_all $h) (unreachable))) (i32.const 7))
  ;; throws and catches n times: the store must not keep n exceptions
  (func (export "loop") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (block $h (result i32)
          (try_table (catch $e $h) (throw $e (local.get $n)))
          (unreachable))
        (local.set $s (i32.add (local.get $s)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s))
  ;; catches with catch_all_ref and rethrows n times through n nested frames
  (func $rethrow (export "rethrow") (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (throw $e (i32.const 42))))
    (block $h (result exnref)
      (try_table (result i32) (catch_all_ref $h)
        (call $rethrow (i32.sub (local.get $n) (i32.const 1))))
      (return))
    (throw_ref))
  (func (export "catch-rethrow") (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h) (call $rethrow (local.get $n)))))
  (func (export "big") (result i64 i64 i64 i64 i64 i64 i64 i64 v128 v128 f64 f32 i32)
    (block $h (result i64 i64 i64 i64 i64 i64 i64 i64 v128 v128 f64 f32 i32)
      (try_table (catch $big $h)
        (throw $big (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
                    (i64.const 6) (i64.const 7) (i64.const 8) (v128.const i64x2 9 10)
                    (v128.const i64x2 11 12) (f64.const 13) (f32.const 14) (i32.const 15)))
      (unreachable)))
  (func (export "spin-throw")
    (loop $l (block $h (try_table (catch_all $h) (throw $e (i32.const 1)))) (br $l))))
)";

TEST(ExceptionsTest, OffByDefault) {
  Engine engine;  // 2.0 only
  auto desc = ParseWat(kBasic);
  ASSERT_TRUE(desc.has_value());
  auto m = Module::FromDesc(engine, std::move(*desc));
  ASSERT_FALSE(m.has_value());
}

TEST(ExceptionsTest, EscapingExceptionIsATrapAtTheApi) {
  Engine engine(EhConfig());
  Store store(engine);
  auto m = Compile(engine, kBasic);
  ASSERT_NE(m, nullptr);
  Linker linker;
  auto inst = linker.Instantiate(store, m);
  ASSERT_TRUE(inst.has_value());
  auto r = (*inst)->GetFunc("escape")->Call(store, std::vector<Val>{Val::I32(5)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kException);
  EXPECT_EQ(r.error().message, "uncaught exception");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].func_name, "escape");
  // Traps are not exceptions: try_table's catch_all does not see them.
  auto t = (*inst)->GetFunc("trap-not-caught")->Call(store, {});
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().kind, TrapKind::kUnreachable);
  // The store keeps working.
  auto ok = (*inst)->GetFunc("catch-rethrow")->Call(store, std::vector<Val>{Val::I32(3)});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ((*ok)[0].i32(), 42);
}

TEST(ExceptionsTest, ThrowCatchLoopRunsInBoundedMemory) {
  Engine engine(EhConfig());
  Store store(engine);
  auto m = Compile(engine, kBasic);
  ASSERT_NE(m, nullptr);
  Linker linker;
  auto inst = linker.Instantiate(store, m);
  ASSERT_TRUE(inst.has_value());
  auto r = (*inst)->GetFunc("loop")->Call(store, std::vector<Val>{Val::I32(200000)});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  // sum of 1..200000 modulo 2^32
  EXPECT_EQ(static_cast<uint32_t>((*r)[0].i32()), static_cast<uint32_t>(200000ull * 200001 / 2));
  EXPECT_LE(store.impl().exceptions.size(), 4096u);  // reclaimed, not 200,000
}

TEST(ExceptionsTest, DeepRethrowChainAndHugePayload) {
  Engine engine(EhConfig());
  Store store(engine);
  auto m = Compile(engine, kBasic);
  ASSERT_NE(m, nullptr);
  Linker linker;
  auto inst = linker.Instantiate(store, m);
  ASSERT_TRUE(inst.has_value());
  // 5,000 frames each catch (catch_all_ref) and rethrow (throw_ref) the same exception.
  auto r = (*inst)->GetFunc("catch-rethrow")->Call(store, std::vector<Val>{Val::I32(5000)});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 42);
  // Too deep for the call stack: a trap, not a crash.
  auto deep = (*inst)->GetFunc("catch-rethrow")->Call(store, std::vector<Val>{Val::I32(10000000)});
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().kind, TrapKind::kStackExhausted);
  // A 13-value payload with v128s goes through the exception and the catch's label.
  auto big = (*inst)->GetFunc("big")->Call(store, {});
  ASSERT_TRUE(big.has_value()) << big.error().message;
  ASSERT_EQ(big->size(), 13u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ((*big)[i].i64(), i + 1);
  uint64_t lanes[2];
  std::memcpy(lanes, (*big)[9].v128.bytes, 16);
  EXPECT_EQ(lanes[0], 11u);
  EXPECT_EQ(lanes[1], 12u);
  EXPECT_EQ((*big)[12].i32(), 15);
}

TEST(ExceptionsTest, FuelAndEpochStopAGuestThatThrowsForever) {
  Config c = EhConfig();
  c.consume_fuel = true;
  Engine engine(c);
  Store store(engine);
  auto m = Compile(engine, kBasic);
  ASSERT_NE(m, nullptr);
  Linker linker;
  auto inst = linker.Instantiate(store, m);
  ASSERT_TRUE(inst.has_value());
  store.SetFuel(100000);
  auto r = (*inst)->GetFunc("spin-throw")->Call(store, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kOutOfFuel);

  Config e = EhConfig();
  e.epoch_interruption = true;
  Engine engine2(e);
  Store store2(engine2);
  auto m2 = Compile(engine2, kBasic);
  ASSERT_NE(m2, nullptr);
  Linker linker2;
  auto inst2 = linker2.Instantiate(store2, m2);
  ASSERT_TRUE(inst2.has_value());
  store2.SetEpochDeadline(1);
  engine2.IncrementEpoch();
  auto r2 = (*inst2)->GetFunc("spin-throw")->Call(store2, {});
  ASSERT_FALSE(r2.has_value());
  EXPECT_EQ(r2.error().kind, TrapKind::kInterrupted);
}

// wasm -> host -> wasm: the inner entry's uncaught exception, passed on by the host function,
// is caught by the outer wasm caller by tag identity.
TEST(ExceptionsTest, ExceptionCrossesAHostFunction) {
  Engine engine(EhConfig());
  Store store(engine);
  auto inner = Compile(engine, R"((module
    (tag $e (export "e") (param i32))
    (func (export "throw") (param i32) (throw $e (local.get 0)))))");
  ASSERT_NE(inner, nullptr);
  Linker linker;
  auto in = linker.Instantiate(store, inner);
  ASSERT_TRUE(in.has_value());
  Func* inner_throw = (*in)->GetFunc("throw");
  FuncType ft{{ValType::kI32}, {}};
  Func* host = Func::CreateHost(store, ft, [inner_throw](Caller& caller, std::span<const Val> args,
                                                          std::span<Val>) -> TrapResult<void> {
    auto r = inner_throw->Call(caller.store(), std::vector<Val>(args.begin(), args.end()));
    if (!r) return std::unexpected(std::move(r.error()));
    return {};
  });
  ASSERT_NE(host, nullptr);
  linker.DefineInstance("inner", *in);
  linker.Define("host", "call", host);
  auto outer = Compile(engine, R"((module
    (import "inner" "e" (tag $e (param i32)))
    (import "host" "call" (func $call (param i32)))
    (tag $other (param i32))
    (func (export "run") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $other $h) (catch $e $h) (call $call (local.get 0)))
        (i32.const -1)))))");
  ASSERT_NE(outer, nullptr);
  auto out = linker.Instantiate(store, outer);
  ASSERT_TRUE(out.has_value());
  auto r = (*out)->GetFunc("run")->Call(store, std::vector<Val>{Val::I32(77)});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 77);
}

}  // namespace
}  // namespace nw

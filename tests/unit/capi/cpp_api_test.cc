// The typed C++ sugar of nanowasm.hpp: TypedFunc type checks and calls (one, several and no
// results), WrapHost from lambdas with and without Caller and with traps, bounds-checked memory
// helpers, and ModuleFromWat error positions.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "nanowasm/nanowasm.hpp"

namespace nw {
namespace {

class CppApiTest : public ::testing::Test {
 protected:
  Instance* Instantiate(const char* wat) {
    auto m = ModuleFromWat(engine_, wat);
    EXPECT_TRUE(m.has_value()) << m.error().ToString();
    if (!m) return nullptr;
    auto inst = linker_.Instantiate(store_, *m);
    EXPECT_TRUE(inst.has_value()) << inst.error().message;
    return inst ? *inst : nullptr;
  }
  Engine engine_;
  Store store_{engine_};
  Linker linker_;
};

TEST_F(CppApiTest, TypedFuncChecksTypeAndCalls) {
  Instance* inst = Instantiate(R"((module
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "swap") (param i64 f64) (result f64 i64) (local.get 1) (local.get 0))
      (func (export "nop"))
      (func (export "trap") unreachable)))");
  ASSERT_NE(inst, nullptr);
  auto add = GetTypedFunc<int32_t(int32_t, int32_t)>(*inst, "add");
  ASSERT_TRUE(add.has_value()) << add.error().message;
  auto r = (*add)(store_, 40, 2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
  auto u = GetTypedFunc<uint32_t(uint32_t, uint32_t)>(*inst, "add");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(*u->Call(store_, 0xffffffffu, 2u), 1u);

  auto swap = GetTypedFunc<std::tuple<double, int64_t>(int64_t, double)>(*inst, "swap");
  ASSERT_TRUE(swap.has_value());
  auto s = swap->Call(store_, -5, 1.5);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(std::get<0>(*s), 1.5);
  EXPECT_EQ(std::get<1>(*s), -5);

  auto nop = GetTypedFunc<void()>(*inst, "nop");
  ASSERT_TRUE(nop.has_value());
  EXPECT_TRUE(nop->Call(store_).has_value());

  auto wrong = GetTypedFunc<int64_t(int32_t, int32_t)>(*inst, "add");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find("[i32 i32] -> [i32]"), std::string::npos)
      << wrong.error().message;
  EXPECT_FALSE(GetTypedFunc<void()>(*inst, "missing").has_value());

  auto trap = GetTypedFunc<void()>(*inst, "trap");
  auto t = trap->Call(store_);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().kind, TrapKind::kUnreachable);
  EXPECT_EQ(t.error().backtrace.size(), 1u);
}

TEST_F(CppApiTest, WrapHostFromLambdas) {
  int sum = 0;
  DefineHost(linker_, store_, "env", "log", [&](Caller& caller, int32_t ptr, int32_t len) {
    Memory* mem = caller.memory();
    ASSERT_NE(mem, nullptr);
    auto text = MemString(*mem, static_cast<uint32_t>(ptr), static_cast<uint32_t>(len));
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text, "hi!");
    sum += len;
  });
  DefineHost(linker_, store_, "env", "mul", [](int64_t a, double b) -> double { return a * b; });
  DefineHost(linker_, store_, "env", "check", [](int32_t v) -> TrapResult<int32_t> {
    if (v < 0) return std::unexpected(HostTrap("negative"));
    return v * 2;
  });
  DefineHost(linker_, store_, "env", "pair",
             [](int32_t v) { return std::tuple<int32_t, int32_t>(v, -v); });
  Instance* inst = Instantiate(R"((module
      (import "env" "log" (func $log (param i32 i32)))
      (import "env" "mul" (func $mul (param i64 f64) (result f64)))
      (import "env" "check" (func $check (param i32) (result i32)))
      (import "env" "pair" (func $pair (param i32) (result i32 i32)))
      (memory (export "mem") 1)
      (data (i32.const 16) "hi!")
      (func (export "say") (call $log (i32.const 16) (i32.const 3)))
      (func (export "mul") (param i64 f64) (result f64) (call $mul (local.get 0) (local.get 1)))
      (func (export "check") (param i32) (result i32) (call $check (local.get 0)))
      (func (export "pair") (param i32) (result i32) (call $pair (local.get 0)) i32.sub)))");
  ASSERT_NE(inst, nullptr);
  EXPECT_TRUE(GetTypedFunc<void()>(*inst, "say")->Call(store_).has_value());
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(*GetTypedFunc<double(int64_t, double)>(*inst, "mul")->Call(store_, 3, 0.5), 1.5);
  auto check = *GetTypedFunc<int32_t(int32_t)>(*inst, "check");
  EXPECT_EQ(*check(store_, 21), 42);
  auto bad = check(store_, -1);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, TrapKind::kHostError);
  EXPECT_EQ(bad.error().message, "negative");
  EXPECT_EQ(*check(store_, 1), 2);  // the store keeps working after a trap
  EXPECT_EQ(*GetTypedFunc<int32_t(int32_t)>(*inst, "pair")->Call(store_, 5), 10);
  EXPECT_EQ(HostFuncType<decltype([](Caller&, float) -> int64_t { return 0; })>(),
            (FuncType{{ValType::kF32}, {ValType::kI64}}));
}

TEST_F(CppApiTest, MemoryHelpersAreBoundsChecked) {
  Memory* mem = Memory::Create(store_, MemoryType{Limits{1, 1}});
  ASSERT_NE(mem, nullptr);
  EXPECT_TRUE(MemWrite<uint64_t>(*mem, 65528, 0x1122334455667788ull).has_value());
  auto v = MemRead<uint64_t>(*mem, 65528);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, 0x1122334455667788ull);
  EXPECT_EQ(*MemRead<uint8_t>(*mem, 65528), 0x88);  // little-endian like wasm
  EXPECT_FALSE(MemRead<uint64_t>(*mem, 65529).has_value());
  EXPECT_FALSE(MemWrite<uint32_t>(*mem, ~uint64_t{0}, 1).has_value());
  EXPECT_FALSE(MemSpan(*mem, 1, ~uint64_t{0}).has_value());
  EXPECT_TRUE(MemSpan(*mem, 65536, 0).has_value());
  const uint8_t bytes[] = {1, 2, 3};
  EXPECT_FALSE(MemWriteBytes(*mem, 65534, bytes).has_value());
  EXPECT_EQ(*MemRead<uint8_t>(*mem, 65534), 0x22);  // all or nothing: unchanged
}

TEST_F(CppApiTest, ModuleFromWatReportsLineAndColumn) {
  auto m = ModuleFromWat(engine_, "(module\n  (func (result i32)\n    i32.bogus))");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().message.rfind("3:5: ", 0), 0u) << m.error().message;
}

}  // namespace
}  // namespace nw

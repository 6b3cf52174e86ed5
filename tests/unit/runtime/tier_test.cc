// The runtime/tier seam (runtime/tier.h): the runtime compiles, creates store contexts, calls
// from the host and builds backtraces only through the engine's Tier, so a tier that wraps the
// interpreter sees every one of those steps; a module runs only in stores of its own tier; and
// host functions called from the host (which involve no tier) may call back into wasm.
#include <gtest/gtest.h>

#include <string>

#include "interp/interp.h"
#include "runtime/tier.h"
#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

// Forwards to the interpreter and counts what the runtime asks of it.
struct Counts {
  int compiles = 0, contexts = 0, deleted = 0, array_calls = 0, offset_queries = 0;
};
Counts g_counts;

TrapResult<void> CountingInvoke(Store& store, FuncObj* f, std::span<const uint64_t> args,
                                std::span<uint64_t> results) {
  ++g_counts.array_calls;
  return interp::Invoke(store, f, args, results);
}

class CountingCode final : public CompiledCode {
 public:
  explicit CountingCode(std::unique_ptr<const CompiledCode> inner) : inner_(std::move(inner)) {}
  FuncEntry Entry(uint32_t i) const override {
    FuncEntry e = inner_->Entry(i);
    e.array_call = &CountingInvoke;
    return e;
  }
  std::optional<size_t> WasmOffsetAt(uint32_t i, uintptr_t pc) const override {
    ++g_counts.offset_queries;
    return inner_->WasmOffsetAt(i, pc);
  }

 private:
  std::unique_ptr<const CompiledCode> inner_;
};

class CountingTier final : public Tier {
 public:
  std::string_view Name() const override { return "counting"; }
  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const override {
    ++g_counts.compiles;
    NW_TRY_ASSIGN(auto inner, interp::InterpTier().Compile(env));
    return std::make_unique<const CountingCode>(std::move(inner));
  }
  StoreContext* NewStoreContext(Store& store, const Config& config) const override {
    ++g_counts.contexts;
    return interp::InterpTier().NewStoreContext(store, config);
  }
  void DeleteStoreContext(StoreContext* ctx) const override {
    ++g_counts.deleted;
    interp::InterpTier().DeleteStoreContext(ctx);
  }
};

std::shared_ptr<const Module> Compile(const Engine& engine, std::string_view wat) {
  auto desc = ParseWat(wat);
  EXPECT_TRUE(desc.has_value()) << (desc ? "" : desc.error().ToString());
  if (!desc) return nullptr;
  auto m = Module::FromDesc(engine, std::move(*desc));
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().ToString());
  return m ? *m : nullptr;
}

constexpr std::string_view kModule = R"((module
    (func $div (export "div") (param i32 i32) (result i32)
      (i32.div_u (local.get 0) (local.get 1)))
    (func (export "outer") (param i32) (result i32)
      (call $div (i32.const 7) (local.get 0)))))";

// This test program does not link nw_opt: the engine's weak reference to the opt tier is
// unresolved and Config::tier = kOpt gets the stub, which refuses every module in one line.
TEST(TierTest, OptTierNotLinkedIsRefusedClearly) {
  EXPECT_TRUE(Engine::TierBuiltIn(Config::ExecutionTier::kInterp));
  EXPECT_FALSE(Engine::TierBuiltIn(Config::ExecutionTier::kOpt));
  Config config;
  config.tier = Config::ExecutionTier::kOpt;
  Engine engine(config);
  EXPECT_EQ(engine.tier().Name(), "opt");
  auto m = Module::FromBinary(engine, std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0});
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("opt tier is not in this program"), std::string::npos)
      << m.error().message;
  EXPECT_EQ(m.error().message.find('\n'), std::string::npos);
}

TEST(TierTest, DefaultEngineRunsTheInterpreter) {
  Engine engine;
  EXPECT_EQ(engine.tier().Name(), "interp");
  EXPECT_EQ(&engine.tier(), &interp::InterpTier());
}

TEST(TierTest, RuntimeGoesThroughTheTier) {
  static const CountingTier tier;
  g_counts = {};
  {
    Engine engine(Config{}, tier);
    auto m = Compile(engine, kModule);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(g_counts.compiles, 1);
    Store store(engine);
    EXPECT_EQ(g_counts.contexts, 1);
    Linker linker;
    auto inst = linker.Instantiate(store, m);
    ASSERT_TRUE(inst.has_value()) << inst.error().message;
    Func* outer = (*inst)->GetFunc("outer");
    auto r = outer->Call(store, std::vector<Val>{Val::I32(2)});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ((*r)[0].i32(), 3);
    EXPECT_EQ(g_counts.array_calls, 1);  // wasm -> wasm calls stay inside the tier

    // A trap's backtrace asks the tier where each frame stopped.
    r = outer->Call(store, std::vector<Val>{Val::I32(0)});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, TrapKind::kIntegerDivideByZero);
    ASSERT_EQ(r.error().backtrace.size(), 2u);
    EXPECT_EQ(r.error().backtrace[0].func_name, "div");
    EXPECT_EQ(g_counts.offset_queries, 2);
    EXPECT_NE(r.error().backtrace[0].code_offset, 0u);
    EXPECT_NE(r.error().backtrace[1].code_offset, 0u);
    EXPECT_EQ(g_counts.deleted, 0);
  }
  EXPECT_EQ(g_counts.deleted, 1);
}

TEST(TierTest, ModuleRunsOnlyInStoresOfItsTier) {
  static const CountingTier tier;
  Engine counting(Config{}, tier);
  Engine interp_engine;
  auto m = Compile(counting, kModule);
  ASSERT_NE(m, nullptr);
  Store store(interp_engine);
  Linker linker;
  auto inst = linker.Instantiate(store, m);
  ASSERT_FALSE(inst.has_value());
  EXPECT_FALSE(inst.error().is_trap);
  EXPECT_NE(inst.error().message.find("compiled by the counting tier"), std::string::npos)
      << inst.error().message;
  EXPECT_TRUE(store.impl().instances.empty());
}

// A host function called directly from the host runs without any wasm frame; when it calls
// back into wasm, that call starts on the store's own value stack like any host entry.
TEST(TierTest, HostFunctionCalledFromHostCallsWasm) {
  Engine engine;
  Store store(engine);
  Linker linker;
  auto m = Compile(engine, kModule);
  ASSERT_NE(m, nullptr);
  auto inst = linker.Instantiate(store, m);
  ASSERT_TRUE(inst.has_value()) << inst.error().message;
  Func* div = (*inst)->GetFunc("div");
  Func* host = Func::CreateHost(
      store, FuncType{{ValType::kI32}, {ValType::kI32}},
      [div](Caller& caller, std::span<const Val> args, std::span<Val> results) -> TrapResult<void> {
        EXPECT_EQ(caller.instance(), nullptr);
        NW_TRY_ASSIGN(auto r, div->Call(caller.store(), std::vector<Val>{Val::I32(100), args[0]}));
        results[0] = r[0];
        return {};
      });
  for (int i = 0; i < 3; ++i) {
    auto r = host->Call(store, std::vector<Val>{Val::I32(5)});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ((*r)[0].i32(), 20);
  }
  uint64_t word = 4, out = 0;
  auto r = host->CallUnchecked(store, std::span<const uint64_t>(&word, 1),
                               std::span<uint64_t>(&out, 1));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(out, 25u);
  // A trap inside propagates out of both calls.
  auto t = host->Call(store, std::vector<Val>{Val::I32(0)});
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().kind, TrapKind::kIntegerDivideByZero);
}

}  // namespace
}  // namespace nw

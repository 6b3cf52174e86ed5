// Calls through the embedding API, which need the interpreter: argument checking in Func::Call,
// re-entrant host -> wasm -> host -> wasm calls, traps from the start function and from
// functions of another instance, memory shared by import and grown by the guest.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

class CallTest : public ::testing::Test {
 protected:
  CallTest() : store_(engine_) { DefineSpectest(linker_, store_); }

  std::expected<Instance*, InstantiationError> Try(std::string_view wat) {
    auto desc = ParseWat(wat);
    EXPECT_TRUE(desc.has_value()) << (desc ? "" : desc.error().ToString());
    if (!desc) return std::unexpected(InstantiationError{});
    auto m = Module::FromDesc(engine_, std::move(*desc));
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().ToString());
    if (!m) return std::unexpected(InstantiationError{});
    return linker_.Instantiate(store_, *m);
  }
  Instance* Instantiate(std::string_view wat) {
    auto inst = Try(wat);
    EXPECT_TRUE(inst.has_value()) << (inst ? "" : inst.error().message);
    return inst ? *inst : nullptr;
  }

  Engine engine_;
  Store store_;
  Linker linker_;
};

TEST_F(CallTest, ArgumentsAreChecked) {
  Instance* inst = Instantiate(R"((module
      (func (export "add") (param i32 i64) (result i64)
        (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))))");
  ASSERT_NE(inst, nullptr);
  Func* add = inst->GetFunc("add");
  auto r = add->Call(store_, std::vector<Val>{Val::I32(-2), Val::I64(10)});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].type, ValType::kI64);
  EXPECT_EQ((*r)[0].i64(), 8);

  r = add->Call(store_, std::vector<Val>{Val::I32(1)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kHostError);
  r = add->Call(store_, std::vector<Val>{Val::I32(1), Val::I32(2)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TrapKind::kHostError);
  EXPECT_NE(r.error().message.find("argument 1"), std::string::npos) << r.error().message;
}

TEST_F(CallTest, ReentrantHostCalls) {
  // wasm "outer" calls host "h", which calls wasm "inner", which calls host "leaf".
  Func* inner = nullptr;
  int leaf_calls = 0;
  linker_.Define("host", "leaf",
                 Func::CreateHost(store_, FuncType{{ValType::kI32}, {ValType::kI32}},
                                  [&](Caller&, std::span<const Val> args,
                                      std::span<Val> results) -> TrapResult<void> {
                                    ++leaf_calls;
                                    results[0] = Val::I32(args[0].i32() * 3);
                                    return {};
                                  }));
  linker_.Define("host", "h",
                 Func::CreateHost(store_, FuncType{{ValType::kI32}, {ValType::kI32}},
                                  [&](Caller& caller, std::span<const Val> args,
                                      std::span<Val> results) -> TrapResult<void> {
                                    auto r = inner->Call(caller.store(),
                                                         std::vector<Val>{Val::I32(args[0].i32() + 1)});
                                    if (!r) return std::unexpected(r.error());
                                    results[0] = (*r)[0];
                                    return {};
                                  }));
  Instance* inst = Instantiate(R"((module
      (import "host" "h" (func $h (param i32) (result i32)))
      (import "host" "leaf" (func $leaf (param i32) (result i32)))
      (func (export "inner") (param i32) (result i32) (call $leaf (local.get 0)))
      (func (export "outer") (param i32) (result i32)
        (i32.add (call $h (local.get 0)) (i32.const 100)))))");
  ASSERT_NE(inst, nullptr);
  inner = inst->GetFunc("inner");
  for (int i = 0; i < 3; ++i) {
    auto r = inst->GetFunc("outer")->Call(store_, std::vector<Val>{Val::I32(4)});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ((*r)[0].i32(), (4 + 1) * 3 + 100);
  }
  EXPECT_EQ(leaf_calls, 3);
}

// A host function wasm called makes entries into another instance (its own memory, global and
// table), one of which traps; when it returns, the caller runs on its own memory, global and
// table again (a nested entry leaves the other instance cached; the host call restores).
TEST_F(CallTest, NestedEntriesIntoAnotherInstanceRestoreTheCaller) {
  Instance* other = Instantiate(R"((module
      (memory 1) (global $g (mut i32) (i32.const 7))
      (table 1 funcref) (elem (i32.const 0) $seven)
      (func $seven (result i32) (i32.const 7))
      (func (export "poke") (param i32) (result i32)
        (i32.store (i32.const 0) (local.get 0))
        (global.set $g (local.get 0))
        (i32.add (i32.load (i32.const 0)) (call_indirect (result i32) (i32.const 0))))
      (func (export "boom") unreachable)))");
  ASSERT_NE(other, nullptr);
  Func* poke = other->GetFunc("poke");
  Func* boom = other->GetFunc("boom");
  linker_.Define("host", "h",
                 Func::CreateHost(store_, FuncType{{ValType::kI32}, {ValType::kI32}},
                                  [&](Caller& caller, std::span<const Val> args,
                                      std::span<Val> results) -> TrapResult<void> {
                                    auto a = poke->Call(caller.store(), std::vector<Val>{args[0]});
                                    if (!a) return std::unexpected(a.error());
                                    auto t = boom->Call(caller.store(), {});
                                    if (t) return std::unexpected(MakeHostTrap("boom returned"));
                                    auto b = poke->Call(caller.store(), std::vector<Val>{args[0]});
                                    if (!b) return std::unexpected(b.error());
                                    results[0] = Val::I32((*a)[0].i32() + (*b)[0].i32());
                                    return {};
                                  }));
  Instance* inst = Instantiate(R"((module
      (import "host" "h" (func $h (param i32) (result i32)))
      (memory 1) (global $g (mut i32) (i32.const 1000))
      (table 1 funcref) (elem (i32.const 0) $hundred)
      (func $hundred (result i32) (i32.const 100))
      (func (export "run") (param i32) (result i32)
        (i32.store (i32.const 0) (i32.const 5))
        (i32.add (call $h (local.get 0))
          (i32.add (i32.add (i32.load (i32.const 0)) (global.get $g))
                   (call_indirect (result i32) (i32.const 0)))))))");
  ASSERT_NE(inst, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto r = inst->GetFunc("run")->Call(store_, std::vector<Val>{Val::I32(40)});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    // h: 2 * (40 + 7); then the caller's own memory (5), global (1000) and table (100).
    EXPECT_EQ((*r)[0].i32(), 2 * 47 + 5 + 1000 + 100);
  }
}

TEST_F(CallTest, HostTrapPropagates) {
  linker_.Define("host", "fail",
                 Func::CreateHost(store_, FuncType{},
                                  [](Caller&, std::span<const Val>, std::span<Val>)
                                      -> TrapResult<void> {
                                    return std::unexpected(MakeHostTrap("custom failure"));
                                  }));
  Instance* inst = Instantiate(R"((module
      (import "host" "fail" (func $fail))
      (func (export "run") (call $fail))))");
  ASSERT_NE(inst, nullptr);
  auto r = inst->GetFunc("run")->Call(store_, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "custom failure");
  // The store is still usable afterwards.
  Instance* ok = Instantiate(R"((module (func (export "one") (result i32) (i32.const 1))))");
  ASSERT_NE(ok, nullptr);
  auto one = ok->GetFunc("one")->Call(store_, {});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ((*one)[0].i32(), 1);
}

// Func::CreateHostRaw: slot words in and out, from wasm (i32 and i64 arguments, results written
// over the arguments), from the host (CallUnchecked and the checked Call), and a trap.
TEST_F(CallTest, RawHostFunction) {
  struct Ctx {
    int calls = 0;
    Instance* caller = nullptr;
  } ctx;
  auto mix = [](void* p, Caller& caller, uint64_t* words) -> TrapResult<void> {
    auto* c = static_cast<Ctx*>(p);
    ++c->calls;
    c->caller = caller.instance();
    uint32_t a = static_cast<uint32_t>(words[0]);
    uint64_t b = words[1];
    if (a == 0) return std::unexpected(MakeHostTrap("raw failure"));
    words[0] = static_cast<uint32_t>(a * 10 + b);
    words[1] = b << 1;
    return {};
  };
  linker_.Define("host", "mix",
                 Func::CreateHostRaw(store_, FuncType{{ValType::kI32, ValType::kI64},
                                                      {ValType::kI32, ValType::kI64}},
                                     mix, &ctx));
  Instance* inst = Instantiate(R"((module
      (import "host" "mix" (func $mix (param i32 i64) (result i32 i64)))
      (func (export "run") (param i32) (result i64)
        (local $lo i64)
        (call $mix (local.get 0) (i64.const 0x100000000))
        (local.set $lo)
        (i64.add (i64.extend_i32_u) (local.get $lo)))))");
  ASSERT_NE(inst, nullptr);
  auto r = inst->GetFunc("run")->Call(store_, std::vector<Val>{Val::I32(3)});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].i64(), int64_t{30} + 0x200000000);  // (3*10 + low 32 bits of b) + (b << 1)
  EXPECT_EQ(ctx.calls, 1);
  EXPECT_EQ(ctx.caller, inst);
  auto t = inst->GetFunc("run")->Call(store_, std::vector<Val>{Val::I32(0)});
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().message, "raw failure");
  // From the host: no caller instance.
  Func* f = Func::CreateHostRaw(store_, FuncType{{ValType::kI32, ValType::kI64}, {ValType::kI32, ValType::kI64}},
                                mix, &ctx);
  std::array<uint64_t, 2> args{4, 5};
  std::array<uint64_t, 2> res{};
  ASSERT_TRUE(f->CallUnchecked(store_, args, res).has_value());
  EXPECT_EQ(res[0], 45u);
  EXPECT_EQ(res[1], 10u);
  EXPECT_EQ(ctx.caller, nullptr);
  auto v = f->Call(store_, std::vector<Val>{Val::I32(1), Val::I64(2)});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)[0].i32(), 12);
  EXPECT_EQ((*v)[1].i64(), 4);
}

TEST_F(CallTest, StartFunctionTrap) {
  Instance* a = Instantiate(R"((module (memory (export "mem") 1)))");
  ASSERT_NE(a, nullptr);
  linker_.DefineInstance("A", a);
  auto r = Try(R"((module
      (import "A" "mem" (memory 1))
      (data (i32.const 0) "k")
      (func $start (i32.store8 (i32.const 1) (i32.const 7)) unreachable)
      (start $start)))");
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().is_trap);
  EXPECT_EQ(r.error().trap.message, "unreachable");
  EXPECT_EQ(a->GetMemory("mem")->data()[0], 'k');
  EXPECT_EQ(a->GetMemory("mem")->data()[1], 7);
}

TEST_F(CallTest, GuestGrowsImportedMemory) {
  Instance* a = Instantiate(R"((module (memory (export "mem") 1 4)))");
  ASSERT_NE(a, nullptr);
  linker_.DefineInstance("A", a);
  Instance* b = Instantiate(R"((module
      (import "A" "mem" (memory 1))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))))");
  ASSERT_NE(b, nullptr);
  Memory* mem = a->GetMemory("mem");
  auto grow = [&](int32_t n) {
    return (*b->GetFunc("grow")->Call(store_, std::vector<Val>{Val::I32(n)}))[0].i32();
  };
  EXPECT_EQ(grow(2), 1);
  EXPECT_EQ(mem->pages(), 3u);
  mem->data()[2 * kPageSize + 5] = 9;
  auto v = b->GetFunc("load")->Call(store_, std::vector<Val>{Val::I32(2 * kPageSize + 5)});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)[0].i32(), 9);
  EXPECT_EQ(grow(2), -1);
  auto oob = b->GetFunc("load")->Call(store_, std::vector<Val>{Val::I32(3 * kPageSize)});
  ASSERT_FALSE(oob.has_value());
  EXPECT_EQ(oob.error().message, "out of bounds memory access");
}

TEST_F(CallTest, TrapBacktraceNamesFunctions) {
  Instance* inst = Instantiate(R"((module
      (func $inner (export "inner") unreachable)
      (func (export "outer") (call $inner))))");
  ASSERT_NE(inst, nullptr);
  auto r = inst->GetFunc("outer")->Call(store_, {});
  ASSERT_FALSE(r.has_value());
  std::string s = r.error().ToString();
  EXPECT_EQ(s.substr(0, 18), "trap: unreachable\n") << s;
}

}  // namespace
}  // namespace nw

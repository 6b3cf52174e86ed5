// Runtime without executing code: import resolution and matching (link errors before any side
// effect), constant-expression evaluation, globals shared by import, memory and table growth
// limits, segment initialization at instantiation (including a trap part way), and the host
// API of store objects. Modules are written in WAT.
#include <gtest/gtest.h>

#include <string>

#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

class RuntimeTest : public ::testing::Test {
 protected:
  RuntimeTest() : store_(engine_) { DefineSpectest(linker_, store_); }

  std::shared_ptr<const Module> Compile(std::string_view wat) {
    auto desc = ParseWat(wat);
    EXPECT_TRUE(desc.has_value()) << (desc ? "" : desc.error().ToString());
    if (!desc) return nullptr;
    auto m = Module::FromDesc(engine_, std::move(*desc));
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().ToString());
    return m ? *m : nullptr;
  }

  Instance* Instantiate(std::string_view wat) {
    auto m = Compile(wat);
    if (!m) return nullptr;
    auto inst = linker_.Instantiate(store_, m);
    EXPECT_TRUE(inst.has_value()) << (inst ? "" : inst.error().message + inst.error().trap.message);
    return inst ? *inst : nullptr;
  }

  // The error of an instantiation expected to fail.
  InstantiationError Fails(std::string_view wat) {
    auto m = Compile(wat);
    if (!m) return {};
    auto inst = linker_.Instantiate(store_, m);
    EXPECT_FALSE(inst.has_value());
    return inst ? InstantiationError{} : inst.error();
  }

  static bool StartsWith(const std::string& s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
  }

  Engine engine_;
  Store store_;
  Linker linker_;
};

TEST_F(RuntimeTest, UnknownImport) {
  auto e = Fails(R"((module (import "spectest" "nope" (func))))");
  EXPECT_FALSE(e.is_trap);
  EXPECT_TRUE(StartsWith(e.message, "unknown import")) << e.message;
  e = Fails(R"((module (import "nomodule" "print" (func))))");
  EXPECT_TRUE(StartsWith(e.message, "unknown import")) << e.message;
}

TEST_F(RuntimeTest, IncompatibleImports) {
  const char* bad[] = {
      R"((module (import "spectest" "print_i32" (func (param i64)))))",
      R"((module (import "spectest" "print_i32" (func (param i32) (result i32)))))",
      R"((module (import "spectest" "global_i32" (func))))",
      R"((module (import "spectest" "global_i32" (global i64))))",
      R"((module (import "spectest" "global_i32" (global (mut i32)))))",
      R"((module (import "spectest" "table" (table 11 funcref))))",
      R"((module (import "spectest" "table" (table 10 15 funcref))))",
      R"((module (import "spectest" "table" (table 10 externref))))",
      R"((module (import "spectest" "memory" (memory 2))))",
      R"((module (import "spectest" "memory" (memory 1 1))))",
      R"((module (import "spectest" "memory" (table 1 funcref))))",
  };
  for (const char* wat : bad) {
    auto e = Fails(wat);
    EXPECT_FALSE(e.is_trap) << wat;
    EXPECT_TRUE(StartsWith(e.message, "incompatible import type")) << wat << ": " << e.message;
  }
}

TEST_F(RuntimeTest, CompatibleImports) {
  EXPECT_NE(Instantiate(R"((module
      (import "spectest" "print_i32" (func (param i32)))
      (import "spectest" "global_i32" (global i32))
      (import "spectest" "table" (table 5 funcref))
      (import "spectest" "table" (table 10 30 funcref))
      (import "spectest" "memory" (memory 0))))"),
            nullptr);
  EXPECT_NE(Instantiate(R"((module (import "spectest" "memory" (memory 1 2))))"), nullptr);
  EXPECT_NE(Instantiate(R"((module (import "spectest" "memory" (memory 1 3))))"), nullptr);
}

TEST_F(RuntimeTest, LinkErrorHasNoSideEffects) {
  size_t instances = store_.impl().instances.size();
  auto e = Fails(R"((module
      (import "spectest" "memory" (memory 1))
      (import "spectest" "nope" (func))
      (data (i32.const 0) "x")))");
  EXPECT_TRUE(StartsWith(e.message, "unknown import"));
  EXPECT_EQ(store_.impl().instances.size(), instances);
}

TEST_F(RuntimeTest, GlobalInitializersAndExports) {
  Instance* inst = Instantiate(R"((module
      (import "spectest" "global_i32" (global $g i32))
      (global (export "a") i32 (global.get $g))
      (global (export "b") i64 (i64.const -5))
      (global (export "c") f32 (f32.const 1.5))
      (global (export "d") (mut f64) (f64.const -2.25))
      (global (export "e") funcref (ref.func $f))
      (global (export "n") externref (ref.null extern))
      (func $f (export "f"))))");
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->GetGlobal("a")->Get().i32(), 666);
  EXPECT_EQ(inst->GetGlobal("b")->Get().i64(), -5);
  EXPECT_EQ(inst->GetGlobal("c")->Get().bits, 0x3fc00000u);
  EXPECT_EQ(inst->GetGlobal("d")->Get().bits, 0xc002000000000000u);
  EXPECT_EQ(inst->GetGlobal("e")->Get().func, inst->GetFunc("f"));
  EXPECT_TRUE(inst->GetGlobal("n")->Get().IsNullRef());
  EXPECT_EQ(inst->GetFunc("a"), nullptr);  // wrong kind
  EXPECT_EQ(inst->GetGlobal("zz"), nullptr);
  EXPECT_FALSE(inst->GetGlobal("a")->Set(Val::I32(1)));  // immutable
  EXPECT_TRUE(inst->GetGlobal("d")->Set(Val::F64Bits(0)));
  EXPECT_FALSE(inst->GetGlobal("d")->Set(Val::I32(0)));  // wrong type
}

TEST_F(RuntimeTest, MutableGlobalImportIsShared) {
  Instance* a = Instantiate(R"((module (global (export "g") (mut i32) (i32.const 7))))");
  ASSERT_NE(a, nullptr);
  linker_.DefineInstance("A", a);
  Instance* b = Instantiate(R"((module
      (import "A" "g" (global $g (mut i32)))
      (export "g2" (global $g))))");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->GetGlobal("g"), b->GetGlobal("g2"));
  a->GetGlobal("g")->Set(Val::I32(9));
  EXPECT_EQ(b->GetGlobal("g2")->Get().i32(), 9);
}

TEST_F(RuntimeTest, MemoryGrowLimits) {
  Memory* m = Memory::Create(store_, MemoryType{Limits{1, 3}});
  ASSERT_NE(m, nullptr);
  uint8_t* base = m->data().data();
  EXPECT_EQ(m->pages(), 1u);
  m->data()[kPageSize - 1] = 42;
  EXPECT_EQ(m->Grow(0), 1);
  EXPECT_EQ(m->Grow(2), 1);
  EXPECT_EQ(m->pages(), 3u);
  EXPECT_EQ(m->data().data(), base);  // never moves
  EXPECT_EQ(m->data()[kPageSize - 1], 42);
  m->data()[3 * kPageSize - 1] = 1;  // the new pages are writable
  EXPECT_EQ(m->Grow(1), -1);
  EXPECT_EQ(m->pages(), 3u);

  Memory* unbounded = Memory::Create(store_, MemoryType{Limits{0, std::nullopt}});
  ASSERT_NE(unbounded, nullptr);
  EXPECT_EQ(unbounded->Grow(65537), -1);
  EXPECT_EQ(unbounded->Grow(0x100000000ull), -1);
  EXPECT_EQ(unbounded->Grow(16), 0);
  EXPECT_EQ(unbounded->pages(), 16u);
  EXPECT_EQ(Memory::Create(store_, MemoryType{Limits{65537, std::nullopt}}), nullptr);
  EXPECT_EQ(Memory::Create(store_, MemoryType{Limits{2, 1}}), nullptr);
}

TEST_F(RuntimeTest, TableGrowLimits) {
  Table* t = Table::Create(store_, TableType{ValType::kFuncRef, Limits{2, 4}}, Val::FuncRef(nullptr));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->Grow(0, Val::FuncRef(nullptr)), 2);
  EXPECT_EQ(t->Grow(2, Val::FuncRef(nullptr)), 2);
  EXPECT_EQ(t->Grow(1, Val::FuncRef(nullptr)), -1);
  EXPECT_EQ(t->size(), 4u);
  EXPECT_FALSE(t->Get(4).has_value());
  EXPECT_FALSE(t->Set(0, Val::ExternRef(1)));  // wrong type

  Table* ext = Table::Create(store_, TableType{ValType::kExternRef, Limits{0, std::nullopt}},
                             Val::ExternRef(0));
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(ext->Grow(0xffffffffu, Val::ExternRef(0)), -1);  // beyond the host cap
  EXPECT_EQ(ext->Grow(3, Val::ExternRef(5)), 0);
  EXPECT_EQ(ext->Get(2)->bits, 5u);
  EXPECT_TRUE(ext->Set(1, Val::ExternRef(0)));
  EXPECT_TRUE(ext->Get(1)->IsNullRef());
}

TEST_F(RuntimeTest, ActiveSegments) {
  Instance* inst = Instantiate(R"((module
      (import "spectest" "global_i32" (global $g i32))
      (memory (export "mem") 1)
      (table (export "tab") 4 funcref)
      (func $f (export "f")) (func $h (export "h"))
      (elem (i32.const 1) $f $h)
      (elem funcref (ref.func $h))
      (elem declare func $f)
      (data (i32.const 10) "abc")
      (data (global.get $g) "z")
      (data "passive")))");
  ASSERT_NE(inst, nullptr);
  auto mem = inst->GetMemory("mem")->data();
  EXPECT_EQ(mem[10], 'a');
  EXPECT_EQ(mem[12], 'c');
  EXPECT_EQ(mem[666], 'z');
  Table* tab = inst->GetTable("tab");
  EXPECT_TRUE(tab->Get(0)->IsNullRef());
  EXPECT_EQ(tab->Get(1)->func, inst->GetFunc("f"));
  EXPECT_EQ(tab->Get(2)->func, inst->GetFunc("h"));
  auto* obj = static_cast<InstanceObj*>(inst);
  ASSERT_EQ(obj->elem_segments.size(), 3u);
  EXPECT_TRUE(obj->elem_segments[0].empty());  // active: dropped
  EXPECT_EQ(obj->elem_segments[1].size(), 1u);  // passive: kept
  EXPECT_TRUE(obj->elem_segments[2].empty());  // declarative: dropped
  EXPECT_EQ(obj->data_dropped, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(obj->mem0, obj->memories[0]);
}

TEST_F(RuntimeTest, SegmentTrapKeepsEarlierWrites) {
  Instance* a = Instantiate(R"((module
      (memory (export "mem") 1) (table (export "tab") 3 funcref)))");
  ASSERT_NE(a, nullptr);
  linker_.DefineInstance("A", a);
  auto e = Fails(R"((module
      (import "A" "mem" (memory 1)) (import "A" "tab" (table 3 funcref))
      (func $f)
      (elem (i32.const 0) $f)
      (elem (i32.const 2) $f $f)
      (data (i32.const 0) "x")))");
  EXPECT_TRUE(e.is_trap);
  EXPECT_EQ(e.trap.message, "out of bounds table access");
  EXPECT_FALSE(a->GetTable("tab")->Get(0)->IsNullRef());
  EXPECT_TRUE(a->GetTable("tab")->Get(2)->IsNullRef());  // nothing of the failing segment
  EXPECT_EQ(a->GetMemory("mem")->data()[0], 0);          // data segments never ran

  e = Fails(R"((module
      (import "A" "mem" (memory 1))
      (data (i32.const 1) "y")
      (data (i32.const 65535) "zz")))");
  EXPECT_TRUE(e.is_trap);
  EXPECT_EQ(e.trap.message, "out of bounds memory access");
  EXPECT_EQ(a->GetMemory("mem")->data()[1], 'y');
  EXPECT_EQ(a->GetMemory("mem")->data()[65535], 0);
}

TEST_F(RuntimeTest, ZeroLengthSegmentAtTheEnd) {
  EXPECT_NE(Instantiate(R"((module (memory 1) (table 2 funcref)
      (elem (i32.const 2)) (data (i32.const 65536) "")))"),
            nullptr);
  auto e = Fails(R"((module (memory 1) (data (i32.const 65537) "")))");
  EXPECT_TRUE(e.is_trap);
  EXPECT_EQ(e.trap.message, "out of bounds memory access");
}

TEST_F(RuntimeTest, HostFunctionTypeIdsAreCanonical) {
  FuncType t{{ValType::kI32}, {ValType::kI64}};
  EXPECT_EQ(InternFuncType(t), InternFuncType(FuncType{{ValType::kI32}, {ValType::kI64}}));
  EXPECT_NE(InternFuncType(t), InternFuncType(FuncType{{ValType::kI32, ValType::kI64}, {}}));
  EXPECT_NE(InternFuncType(FuncType{{}, {ValType::kI32}}),
            InternFuncType(FuncType{{ValType::kI32}, {}}));
  Func* f = Func::CreateHost(store_, t, [](Caller&, std::span<const Val>, std::span<Val>)
                                            -> TrapResult<void> { return {}; });
  EXPECT_EQ(f->impl().type_id, InternFuncType(t));
  EXPECT_EQ(f->type(), t);
}

TEST_F(RuntimeTest, GlobalCreateChecksTypes) {
  EXPECT_EQ(Global::Create(store_, GlobalType{ValType::kI32, false}, Val::I64(1)), nullptr);
  // v128 globals are either refused (no crash) or keep all 16 bytes.
  V128 bytes;
  for (int i = 0; i < 16; ++i) bytes.bytes[i] = static_cast<uint8_t>(i + 1);
  Global* g = Global::Create(store_, GlobalType{ValType::kV128, true}, Val::V128Bytes(bytes));
  if (g) {
    EXPECT_EQ(g->Get().v128, bytes);
    EXPECT_TRUE(g->Set(Val::V128Bytes({})));
    EXPECT_EQ(g->Get().v128, V128{});
  }
}

TEST(TrapTest, Messages) {
  EXPECT_EQ(TrapKindMessage(TrapKind::kUnreachable), "unreachable");
  EXPECT_EQ(TrapKindMessage(TrapKind::kIntegerDivideByZero), "integer divide by zero");
  Trap t = MakeTrap(TrapKind::kMemoryOutOfBounds);
  t.backtrace.push_back(Frame{3, "inner", "", 0});
  t.backtrace.push_back(Frame{1, "outer", "", 0});
  EXPECT_EQ(t.ToString(), "trap: out of bounds memory access\n  #0 inner\n  #1 outer\n");
}

}  // namespace
}  // namespace nw

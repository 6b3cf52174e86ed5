// The instance layout (runtime/vm_offsets.h): every memory and global slot of an instance's
// VMContext points at the definition the instance's objects hold (imports are the exporter's
// storage), an instance without memory points slot 0 at the store's empty memory, and the
// context exists before any code of a failing instantiation can have escaped into a table.
#include <gtest/gtest.h>

#include <cstring>

#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

class VMOffsetsTest : public ::testing::Test {
 protected:
  VMOffsetsTest() : store_(engine_) {}
  std::expected<Instance*, InstantiationError> Try(std::string_view wat) {
    auto desc = ParseWat(wat);
    EXPECT_TRUE(desc.has_value()) << (desc ? "" : desc.error().ToString());
    if (!desc) return std::unexpected(InstantiationError{});
    auto m = Module::FromDesc(engine_, std::move(*desc));
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().ToString());
    if (!m) return std::unexpected(InstantiationError{});
    return linker_.Instantiate(store_, *m);
  }
  static const void* Slot(const InstanceObj* inst, uint32_t offset) {
    const void* p;
    std::memcpy(&p, inst->vmctx + offset, sizeof p);
    return p;
  }

  Engine engine_;
  Store store_;
  Linker linker_;
};

TEST_F(VMOffsetsTest, SlotsFromCounts) {
  ModuleDesc m;
  m.num_imported_globals = 2;
  m.globals.resize(3);
  VMOffsets o(m);
  // Header: builtins, limits, type ids; then memories (at least one slot), globals, tables,
  // functions.
  EXPECT_EQ(VMOffsets::builtins(), 0u);
  EXPECT_EQ(VMOffsets::limits(), 8u);
  EXPECT_EQ(VMOffsets::type_ids(), 16u);
  EXPECT_EQ(o.num_memory_slots(), 1u);  // no memory: still one slot
  EXPECT_EQ(VMOffsets::memory(0), 24u);
  EXPECT_EQ(o.global(0), 32u);
  EXPECT_EQ(o.global(4), 64u);
  EXPECT_EQ(o.size(), 72u);
  m.num_imported_memories = 1;
  m.memories.resize(1);
  m.num_imported_tables = 1;
  m.tables.resize(1);
  m.num_imported_funcs = 1;
  m.functions.resize(2);
  VMOffsets o2(m);
  EXPECT_EQ(o2.global(0), 40u);
  EXPECT_EQ(o2.table(0), 80u);
  EXPECT_EQ(o2.func(0), 96u);
  EXPECT_EQ(o2.size(), 120u);
}

// Every slot the opt tier reads: the instance word below the context, the builtins table, the
// store's limits, the type ids, tables and function objects (a FuncObj is a VMFuncRef).
TEST_F(VMOffsetsTest, HeaderTablesAndFunctionSlots) {
  auto a = Try(R"((module
      (type $t (func (result i32)))
      (import "spectest" "print" (func $print))
      (table (export "t") 2 funcref)
      (elem (i32.const 1) $f)
      (func $f (type $t) (i32.const 1))))");
  ASSERT_FALSE(a.has_value());  // spectest is not linked here: define a host function instead
  Func* print = Func::CreateHost(store_, FuncType{}, [](Caller&, std::span<const Val>,
                                                         std::span<Val>) -> TrapResult<void> {
    return {};
  });
  linker_.Define("spectest", "print", print);
  auto b = Try(R"((module
      (type $t (func (result i32)))
      (import "spectest" "print" (func $print))
      (table (export "t") 2 funcref)
      (elem (i32.const 1) $f)
      (func $f (type $t) (i32.const 1))))");
  ASSERT_TRUE(b.has_value()) << b.error().message;
  auto* ib = static_cast<InstanceObj*>(*b);
  const Module::Impl& m = ib->module->impl();
  EXPECT_EQ(VMInstanceOf(ib->vmctx), ib);
  EXPECT_NE(Slot(ib, VMOffsets::builtins()), nullptr);
  EXPECT_EQ(Slot(ib, VMOffsets::limits()), static_cast<VMStoreLimits*>(store_.impl().ctx));
  EXPECT_EQ(Slot(ib, VMOffsets::type_ids()), m.type_ids.data());
  EXPECT_EQ(Slot(ib, m.offsets.table(0)), &ib->tables[0]->def_);
  EXPECT_EQ(ib->tables[0]->def_.length, 2u);
  EXPECT_EQ(ib->tables[0]->def_.base, ib->tables[0]->elems_.data());
  EXPECT_EQ(Slot(ib, m.offsets.func(0)), print);
  EXPECT_EQ(Slot(ib, m.offsets.func(1)), ib->funcs[1]);
  const auto* ref = static_cast<const VMFuncRef*>(Slot(ib, m.offsets.func(1)));
  EXPECT_EQ(ref->vmctx, ib->vmctx);
  EXPECT_EQ(ref->type_id, m.type_ids[0]);
  EXPECT_EQ(static_cast<const VMFuncRef*>(Slot(ib, m.offsets.func(0)))->code, nullptr);  // host
  // A grow moves the table's storage: its definition follows.
  ASSERT_EQ(ib->tables[0]->GrowBy(5000, 0), 2);
  EXPECT_EQ(ib->tables[0]->def_.length, 5002u);
  EXPECT_EQ(ib->tables[0]->def_.base, ib->tables[0]->elems_.data());
}

TEST_F(VMOffsetsTest, SlotsPointAtTheDefinitions) {
  auto a = Try(R"((module
      (memory (export "mem") 1)
      (global (export "g") (mut i32) (i32.const 7))))");
  ASSERT_TRUE(a.has_value()) << a.error().message;
  linker_.DefineInstance("a", *a);
  auto b = Try(R"((module
      (import "a" "mem" (memory 1))
      (import "a" "g" (global $g (mut i32)))
      (global $h i64 (i64.const 9))
      (func (export "bump") (result i32)
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (global.get $g))))");
  ASSERT_TRUE(b.has_value()) << b.error().message;
  auto* ia = static_cast<InstanceObj*>(*a);
  auto* ib = static_cast<InstanceObj*>(*b);
  const VMOffsets& ob = ib->module->impl().offsets;
  EXPECT_EQ(Slot(ib, VMOffsets::memory(0)), &ia->memories[0]->def_);
  EXPECT_EQ(Slot(ib, ob.global(0)), &ia->globals[0]->def_);  // the exporter's storage
  EXPECT_EQ(Slot(ib, ob.global(1)), &ib->globals[1]->def_);
  auto r = ib->GetFunc("bump")->Call(store_, {});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 8);
  EXPECT_EQ((*a)->GetGlobal("g")->Get().i32(), 8);

  auto c = Try("(module (func (export \"f\")))");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(Slot(static_cast<InstanceObj*>(*c), VMOffsets::memory(0)),
            &store_.impl().empty_memory.def_);
}

// Instantiation stores $get in the imported table, then traps on its data segment: the
// function stays reachable through the table and must find its globals.
TEST_F(VMOffsetsTest, ContextExistsBeforeSegmentsRun) {
  auto t = Try(R"((module
      (table (export "tab") 1 funcref)
      (type $t (func (result i32)))
      (func (export "call0") (result i32) (call_indirect (type $t) (i32.const 0)))))");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  linker_.DefineInstance("t", *t);
  auto failed = Try(R"((module
      (import "t" "tab" (table 1 funcref))
      (memory 1)
      (global $g i32 (i32.const 42))
      (func $get (result i32) (global.get $g))
      (elem (i32.const 0) $get)
      (data (i32.const 65536) "x")))");
  ASSERT_FALSE(failed.has_value());
  EXPECT_TRUE(failed.error().is_trap);
  auto r = (*t)->GetFunc("call0")->Call(store_, {});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 42);
}

}  // namespace
}  // namespace nw

// Module-level rules of ValidateModule and constant expressions (ValidateConstExpr).
#include <gtest/gtest.h>

#include "test_module.h"
#include "validate/validate.h"

namespace nw {
namespace {

using namespace nw::test;

TEST(Module, EmptyIsValid) {
  EXPECT_EQ(Message(TestModule{}.Validate()), "ok");
}

TEST(Module, MemoryLimits) {
  TestModule t;
  t.Memory(65536, 65536);
  EXPECT_EQ(Message(t.Validate()), "ok");
  t.m.memories[0] = MemoryType{Limits{65537, std::nullopt}};
  EXPECT_EQ(Message(t.Validate()), "memory size must be at most 65536 pages (4GiB)");
  t.m.memories[0] = MemoryType{Limits{0, 65537}};
  EXPECT_EQ(Message(t.Validate()), "memory size must be at most 65536 pages (4GiB)");
  t.m.memories[0] = MemoryType{Limits{2, 1}};
  EXPECT_EQ(Message(t.Validate()), "size minimum must not be greater than maximum");
}

TEST(Module, TableLimits) {
  TestModule t;
  t.Table(FuncRef, 0, 0xFFFFFFFFu);
  EXPECT_EQ(Message(t.Validate()), "ok");
  // A declared minimum of 2^32-1 is within the spec's range but above the implementation
  // limit on initial table sizes (format/limits.h, docs/robustness.md).
  t.m.tables[0].limits = Limits{0xFFFFFFFFu, 0xFFFFFFFFu};
  EXPECT_EQ(Message(t.Validate()),
            "table initial size (4294967295) exceeds the implementation limit of 10000000");
  t.m.tables[0].limits = Limits{3, 2};
  EXPECT_EQ(Message(t.Validate()), "size minimum must not be greater than maximum");
  t.m.tables[0].limits = Limits{0x100000000u, std::nullopt};
  EXPECT_EQ(Message(t.Validate()), "table size must be at most 2^32-1");
}

TEST(Module, ImportedLimitsAndTypes) {
  TestModule t;
  Import im;
  im.kind = ExternKind::kMemory;
  im.memory = MemoryType{Limits{1, 0}};
  t.m.imports.push_back(im);
  t.m.CountImports();
  EXPECT_EQ(Message(t.Validate()), "size minimum must not be greater than maximum");
  t.m.imports[0].memory = MemoryType{Limits{1, 2}};
  EXPECT_EQ(Message(t.Validate()), "ok");
  t.ImportFunc(4);
  EXPECT_EQ(Message(t.Validate()), "unknown type 4");
}

TEST(Module, MultipleMemories) {
  TestModule t;
  Import im;
  im.kind = ExternKind::kMemory;
  t.m.imports.push_back(im);
  t.m.CountImports();
  t.Memory(1);
  EXPECT_EQ(Message(t.Validate()), "multiple memories");
  t.m.features.multi_memory = true;  // Wasm 3.0
  EXPECT_EQ(Message(t.Validate()), "ok");
}

// Shared memories (Features::shared_memory): valid with the feature and a maximum; the
// limits' own rules come first.
TEST(Module, SharedMemory) {
  TestModule t;
  t.m.memories.push_back(MemoryType{Limits{1, 2}, true});
  EXPECT_EQ(Message(t.Validate()),
            "shared memory needs the threads proposal (Features::shared_memory)");
  t.m.features.shared_memory = true;
  EXPECT_EQ(Message(t.Validate()), "ok");
  t.m.memories[0].limits.max.reset();
  EXPECT_EQ(Message(t.Validate()), "shared memory must have maximum");
  t.m.memories[0].limits = Limits{3, 2};
  EXPECT_EQ(Message(t.Validate()), "size minimum must not be greater than maximum");
  t.m.memories[0].limits = Limits{0, 65537};
  EXPECT_EQ(Message(t.Validate()), "memory size must be at most 65536 pages (4GiB)");
  t.m.memories[0].limits = Limits{0, 0};  // (memory 0 0 shared), as in the threads suite
  EXPECT_EQ(Message(t.Validate()), "ok");
}

TEST(Module, SharedMemoryImport) {
  TestModule t;
  t.m.features.shared_memory = true;
  Import im;
  im.kind = ExternKind::kMemory;
  im.memory = MemoryType{Limits{1, std::nullopt}, true};
  t.m.imports.push_back(im);
  t.m.CountImports();
  EXPECT_EQ(Message(t.Validate()), "shared memory must have maximum");
  t.m.imports[0].memory.limits.max = 1;
  EXPECT_EQ(Message(t.Validate()), "ok");
}

// Valid but never run: the refusal names the memory (imported ones first in the index space)
// and points at its entry.
TEST(Module, RefuseSharedMemory) {
  TestModule t;
  t.m.features.shared_memory = true;
  t.m.features.multi_memory = true;
  Import im;
  im.module = "env";
  im.name = "mem";
  im.kind = ExternKind::kMemory;
  im.memory = MemoryType{Limits{1, 2}, false};
  im.offset = 0x20;
  t.m.imports.push_back(im);
  t.m.CountImports();
  t.Memory(1, 1);
  t.m.memories.push_back(MemoryType{Limits{1, 4}, true});
  t.m.memory_offsets = {0x30, 0x33};
  EXPECT_EQ(Message(t.Validate()), "ok");
  Status st = RefuseSharedMemory(t.m);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "shared memories (threads) are not supported: memory 2 is shared");
  EXPECT_EQ(st.error().offset, 0x33u);
  t.m.memories.pop_back();
  EXPECT_TRUE(RefuseSharedMemory(t.m));  // nothing shared: nothing to refuse
  t.m.imports[0].memory.shared = true;
  st = RefuseSharedMemory(t.m);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message,
            "shared memories (threads) are not supported: memory 0 (import \"env\" \"mem\") is "
            "shared");
  EXPECT_EQ(st.error().offset, 0x20u);
}

TEST(Module, StartFunction) {
  TestModule t;
  t.Type({I32}, {});
  t.Type({}, {});
  t.Func(0, "0b");
  t.Func(1, "0b");
  t.m.start = 1;
  EXPECT_EQ(Message(t.Validate()), "ok");
  t.m.start = 0;
  EXPECT_EQ(Message(t.Validate()), "start function");
  t.m.start = 2;
  EXPECT_EQ(Message(t.Validate()), "unknown function 2");
}

TEST(Module, Exports) {
  TestModule t;
  t.Type({}, {});
  t.Func(0, "0b");
  t.Memory(1);
  t.Global(I32, false, "41 00 0b");
  t.Export("f", ExternKind::kFunc, 0);
  t.Export("m", ExternKind::kMemory, 0);
  t.Export("g", ExternKind::kGlobal, 0);
  EXPECT_EQ(Message(t.Validate()), "ok");
  t.Export("f", ExternKind::kGlobal, 0);
  EXPECT_EQ(Message(t.Validate()), "duplicate export name");
  t.m.exports.back() = Export{"t", ExternKind::kTable, 0};
  EXPECT_EQ(Message(t.Validate()), "unknown table 0");
  t.m.exports.back() = Export{"t", ExternKind::kFunc, 1};
  EXPECT_EQ(Message(t.Validate()), "unknown function 1");
  t.m.exports.back() = Export{"t", ExternKind::kGlobal, 1};
  EXPECT_EQ(Message(t.Validate()), "unknown global 1");
  t.m.exports.back() = Export{"t", ExternKind::kMemory, 1};
  EXPECT_EQ(Message(t.Validate()), "unknown memory 1");
}

TEST(Module, ExportDeclaresFunctionForRefFunc) {
  TestModule t;
  t.Type({}, {});
  t.Type({}, {FuncRef});
  t.Func(1, "d2 00 0b");
  EXPECT_EQ(Message(t.Validate()), "undeclared function reference");
  t.Export("f", ExternKind::kFunc, 0);
  EXPECT_EQ(Message(t.Validate()), "ok");
}

TEST(Module, GlobalInitDeclaresFunctionForRefFunc) {
  TestModule t;
  t.Type({}, {FuncRef});
  t.Func(0, "d2 00 0b");
  t.Global(FuncRef, false, "d2 00 0b");
  EXPECT_EQ(Message(t.Validate()), "ok");
}

TEST(Module, GlobalInitializers) {
  auto with_init = [](ValType type, const char* init) {
    TestModule t;
    t.ImportGlobal(I32, false);
    t.ImportGlobal(I32, true);
    t.ImportGlobal(ExternRef, false);
    t.Type({}, {});
    t.Func(0, "0b");
    t.Global(I32, false, "41 00 0b");
    t.Global(type, false, init);
    return Message(t.Validate());
  };
  EXPECT_EQ(with_init(I32, "41 7f 0b"), "ok");
  EXPECT_EQ(with_init(I64, "42 00 0b"), "ok");
  EXPECT_EQ(with_init(F32, "43 00 00 00 00 0b"), "ok");
  EXPECT_EQ(with_init(F64, "44 00 00 00 00 00 00 00 00 0b"), "ok");
  EXPECT_EQ(with_init(FuncRef, "d0 70 0b"), "ok");
  EXPECT_EQ(with_init(FuncRef, "d2 00 0b"), "ok");
  EXPECT_EQ(with_init(I32, "23 00 0b"), "ok");
  EXPECT_EQ(with_init(ExternRef, "23 02 0b"), "ok");
  EXPECT_EQ(with_init(FuncRef, "23 02 0b"), "type mismatch");
  EXPECT_EQ(with_init(I32, "23 01 0b"), "constant expression required");  // mutable import
  EXPECT_EQ(with_init(I32, "23 03 0b"), "unknown global 3");              // module's own global
  EXPECT_EQ(with_init(I32, "23 09 0b"), "unknown global 9");
  EXPECT_EQ(with_init(I32, "43 00 00 00 00 0b"), "type mismatch");
  EXPECT_EQ(with_init(I32, "0b"), "type mismatch");
  EXPECT_EQ(with_init(I32, "41 00 41 00 0b"), "type mismatch");
  EXPECT_EQ(with_init(I32, "41 00 01 0b"), "constant expression required");
  EXPECT_EQ(with_init(I32, "41 00 68 0b"), "constant expression required");
  EXPECT_EQ(with_init(I32, "20 00 0b"), "constant expression required");
  EXPECT_EQ(with_init(FuncRef, "d2 05 0b"), "unknown function 5");
  EXPECT_EQ(with_init(I32, "41 00 0b 01"), "constant expression required");
}

TEST(Module, ConstExprErrorOffset) {
  TestModule t;
  t.Global(I32, false, "41 00 01 0b");
  auto st = t.Validate();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().offset, t.m.globals[0].init.offset + 2);
}

TEST(Module, ElemSegments) {
  auto base = [] {
    TestModule t;
    t.Type({}, {});
    t.Func(0, "0b");
    t.Table(FuncRef, 1);
    t.Table(ExternRef, 1);
    return t;
  };
  ElemSegment active;
  active.mode = SegmentMode::kActive;
  active.offset = Expr("41 00 0b");
  active.func_indices = {0};
  {
    TestModule t = base();
    t.m.elems.push_back(active);
    EXPECT_EQ(Message(t.Validate()), "ok");
    t.m.elems[0].func_indices = {3};
    EXPECT_EQ(Message(t.Validate()), "unknown function 3");
    t.m.elems[0].func_indices = {0};
    t.m.elems[0].table_index = 5;
    EXPECT_EQ(Message(t.Validate()), "unknown table 5");
    t.m.elems[0].table_index = 1;  // externref table, funcref segment
    EXPECT_EQ(Message(t.Validate()), "type mismatch");
    t.m.elems[0].table_index = 0;
    t.m.elems[0].offset = Expr("42 00 0b");
    EXPECT_EQ(Message(t.Validate()), "type mismatch");
    t.m.elems[0].offset = Expr("41 00 68 0b");
    EXPECT_EQ(Message(t.Validate()), "constant expression required");
  }
  {
    TestModule t = base();
    ElemSegment s;
    s.mode = SegmentMode::kPassive;
    s.flags = 5;
    s.type = ExternRef;
    s.exprs.push_back(Expr("d0 6f 0b"));
    t.m.elems.push_back(s);
    EXPECT_EQ(Message(t.Validate()), "ok");
    t.m.elems[0].exprs.push_back(Expr("d0 70 0b"));
    EXPECT_EQ(Message(t.Validate()), "type mismatch");
  }
}

TEST(Module, DataSegments) {
  TestModule t;
  DataSegment d;
  d.mode = SegmentMode::kActive;
  d.offset = Expr("41 00 0b");
  t.m.datas.push_back(d);
  EXPECT_EQ(Message(t.Validate()), "unknown memory 0");
  t.Memory(1);
  EXPECT_EQ(Message(t.Validate()), "ok");
  t.m.datas[0].offset = Expr("42 00 0b");
  EXPECT_EQ(Message(t.Validate()), "type mismatch");
  t.m.datas[0].offset = Expr("41 00 0b");
  t.m.data_count = 2;
  EXPECT_EQ(Message(t.Validate()), "data count and data section have inconsistent lengths");
}

}  // namespace
}  // namespace nw

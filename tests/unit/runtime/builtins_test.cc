// The bulk memory and table builtins called directly on an instance's execution context: bounds
// checks before any write (with ranges that overflow 32 bits), overlapping copies, dropped
// segments as length 0.
#include <gtest/gtest.h>

#include <cstring>

#include "interp/builtins.h"
#include "text/wat.h"

namespace nw::interp {
namespace {

constexpr TrapCode kMemOob = Code(TrapKind::kMemoryOutOfBounds);
constexpr TrapCode kTabOob = Code(TrapKind::kTableOutOfBounds);

class BuiltinsTest : public ::testing::Test {
 protected:
  BuiltinsTest() : store_(engine_) {}
  void SetUp() override {
    auto desc = ParseWat(R"((module
        (memory 1 1)
        (table 4 funcref) (table 3 externref)
        (func $f) (func $g)
        (elem $e0 funcref (ref.func $f) (ref.func $g) (ref.null func))
        (data $d0 "hello")))");
    ASSERT_TRUE(desc.has_value()) << desc.error().ToString();
    auto m = Module::FromDesc(engine_, std::move(*desc));
    ASSERT_TRUE(m.has_value()) << m.error().ToString();
    auto inst = linker_.Instantiate(store_, *m);
    ASSERT_TRUE(inst.has_value()) << inst.error().message;
    inst_ = static_cast<InstanceObj*>(*inst);
    ctx_.inst = inst_;
    ctx_.funcs = inst_->funcs.data();
    ctx_.vmctx = inst_->vmctx;
    ctx_.tables = inst_->tables.data();
    ctx_.mem0 = inst_->mem0;
  }
  uint8_t* mem() { return ctx_.mem0->def_.base; }

  Engine engine_;
  Store store_;
  Linker linker_;
  InstanceObj* inst_ = nullptr;
  ExecCtx ctx_;
};

TEST_F(BuiltinsTest, MemoryFillAndCopy) {
  EXPECT_EQ(MemoryFill(&ctx_, ctx_.mem0, 10, 0x1ff, 4), kNoTrap);
  EXPECT_EQ(mem()[10], 0xff);
  EXPECT_EQ(mem()[13], 0xff);
  EXPECT_EQ(mem()[14], 0);
  EXPECT_EQ(MemoryFill(&ctx_, ctx_.mem0, 65536, 1, 0), kNoTrap);
  EXPECT_EQ(MemoryFill(&ctx_, ctx_.mem0, 65537, 1, 0), kMemOob);
  EXPECT_EQ(MemoryFill(&ctx_, ctx_.mem0, 65535, 7, 2), kMemOob);
  EXPECT_EQ(mem()[65535], 0);  // nothing written
  EXPECT_EQ(MemoryFill(&ctx_, ctx_.mem0, 1, 7, 0xffffffffu), kMemOob);

  for (int i = 0; i < 8; ++i) mem()[i] = static_cast<uint8_t>(i + 1);
  EXPECT_EQ(MemoryCopy(&ctx_, ctx_.mem0, ctx_.mem0, 2, 0, 6), kNoTrap);  // overlapping, forward
  const uint8_t want[] = {1, 2, 1, 2, 3, 4, 5, 6};
  EXPECT_EQ(std::memcmp(mem(), want, 8), 0);
  EXPECT_EQ(MemoryCopy(&ctx_, ctx_.mem0, ctx_.mem0, 0, 2, 6), kNoTrap);  // overlapping, backward
  const uint8_t want2[] = {1, 2, 3, 4, 5, 6, 5, 6};
  EXPECT_EQ(std::memcmp(mem(), want2, 8), 0);
  EXPECT_EQ(MemoryCopy(&ctx_, ctx_.mem0, ctx_.mem0, 0xffffffffu, 0, 2), kMemOob);
  EXPECT_EQ(MemoryCopy(&ctx_, ctx_.mem0, ctx_.mem0, 0, 65535, 2), kMemOob);
  EXPECT_EQ(MemoryCopy(&ctx_, ctx_.mem0, ctx_.mem0, 65536, 65536, 0), kNoTrap);
}

TEST_F(BuiltinsTest, MemoryInitAndDrop) {
  EXPECT_EQ(MemoryInit(&ctx_, ctx_.mem0, 0, 100, 1, 3), kNoTrap);
  EXPECT_EQ(std::memcmp(mem() + 100, "ell", 3), 0);
  EXPECT_EQ(MemoryInit(&ctx_, ctx_.mem0, 0, 0, 5, 0), kNoTrap);
  EXPECT_EQ(MemoryInit(&ctx_, ctx_.mem0, 0, 0, 6, 0), kMemOob);
  EXPECT_EQ(MemoryInit(&ctx_, ctx_.mem0, 0, 0, 3, 3), kMemOob);
  EXPECT_EQ(MemoryInit(&ctx_, ctx_.mem0, 0, 65534, 0, 3), kMemOob);
  EXPECT_EQ(DataDrop(&ctx_, 0), kNoTrap);
  EXPECT_EQ(MemoryInit(&ctx_, ctx_.mem0, 0, 0, 0, 0), kNoTrap);
  EXPECT_EQ(MemoryInit(&ctx_, ctx_.mem0, 0, 0, 0, 1), kMemOob);
  EXPECT_EQ(DataDrop(&ctx_, 0), kNoTrap);  // dropping twice is fine
}

std::vector<uint64_t> Elems(const TableObj& t) {
  return std::vector<uint64_t>(t.elems_.begin(), t.elems_.begin() + t.elems_.size());
}

TEST_F(BuiltinsTest, TableOps) {
  uint64_t v = 1;
  EXPECT_EQ(TableGet(&ctx_, 0, 3, &v), kNoTrap);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(TableGet(&ctx_, 0, 4, &v), kTabOob);
  EXPECT_EQ(TableSet(&ctx_, 1, 2, 77), kNoTrap);
  EXPECT_EQ(inst_->tables[1]->elems_[2], 77u);
  EXPECT_EQ(TableSet(&ctx_, 1, 3, 77), kTabOob);

  EXPECT_EQ(TableFill(&ctx_, 1, 0, 5, 2), kNoTrap);
  EXPECT_EQ(Elems(*inst_->tables[1]), (std::vector<uint64_t>{5, 5, 77}));
  EXPECT_EQ(TableFill(&ctx_, 1, 3, 9, 0), kNoTrap);
  EXPECT_EQ(TableFill(&ctx_, 1, 4, 9, 0), kTabOob);
  EXPECT_EQ(TableFill(&ctx_, 1, 2, 9, 2), kTabOob);
  EXPECT_EQ(inst_->tables[1]->elems_[2], 77u);

  EXPECT_EQ(TableCopy(&ctx_, 1, 1, 1, 0, 2), kNoTrap);  // overlapping
  EXPECT_EQ(Elems(*inst_->tables[1]), (std::vector<uint64_t>{5, 5, 5}));
  EXPECT_EQ(TableCopy(&ctx_, 1, 1, 0xffffffffu, 0, 1), kTabOob);

  EXPECT_EQ(TableInit(&ctx_, 0, 0, 1, 0, 3), kNoTrap);
  const auto& t0 = inst_->tables[0]->elems_;
  EXPECT_EQ(t0[1], reinterpret_cast<uint64_t>(inst_->funcs[0]));
  EXPECT_EQ(t0[2], reinterpret_cast<uint64_t>(inst_->funcs[1]));
  EXPECT_EQ(t0[3], 0u);
  EXPECT_EQ(TableInit(&ctx_, 0, 0, 2, 0, 3), kTabOob);
  EXPECT_EQ(TableInit(&ctx_, 0, 0, 0, 1, 3), kTabOob);
  EXPECT_EQ(ElemDrop(&ctx_, 0), kNoTrap);
  EXPECT_EQ(TableInit(&ctx_, 0, 0, 0, 0, 0), kNoTrap);
  EXPECT_EQ(TableInit(&ctx_, 0, 0, 0, 0, 1), kTabOob);
}

}  // namespace
}  // namespace nw::interp

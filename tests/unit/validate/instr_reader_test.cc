// The shared instruction reader (format/instr_reader.h): opcodes, every immediate shape and the
// encoding errors it reports. Lives here because the body decoder is its main user.
#include <gtest/gtest.h>

#include <vector>

#include "../format/test_util.h"
#include "format/instr_reader.h"

namespace nw {
namespace {

using test::Hex;

// Reads one instruction from `hex` (at base offset 0x10); returns the error message or "ok".
struct One {
  std::vector<uint8_t> bytes;
  Reader r;
  RawImm imm;
  Opcode op = Opcode::kNop;
  std::string msg;
  size_t err_offset = kNoOffset;
  explicit One(std::string_view hex, Features features = {}) : bytes(Hex(hex)), r(bytes, 0x10) {
    auto o = ReadOpcode(r);
    if (!o) {
      msg = o.error().message;
      err_offset = o.error().offset;
      return;
    }
    op = *o;
    auto st = ReadImmediates(r, op, imm, features);
    msg = st ? "ok" : st.error().message;
    if (!st)
      err_offset = st.error().offset;
  }
};

TEST(InstrReader, Opcodes) {
  EXPECT_EQ(One("6a").op, Opcode::kI32Add);
  EXPECT_EQ(One("fc 0e 00 00").op, Opcode::kTableCopy);
  EXPECT_EQ(One("fc 8e 00 00 00").op, Opcode::kTableCopy);  // non-minimal LEB sub-opcode
  One bad("ff");
  EXPECT_EQ(bad.msg, "illegal opcode ff");
  EXPECT_EQ(bad.err_offset, 0x10u);
  EXPECT_EQ(One("fc 12").msg, "illegal opcode fc 12");
  EXPECT_EQ(One("").msg, "unexpected end");
}

TEST(InstrReader, BlockTypes) {
  One empty("02 40");
  EXPECT_EQ(empty.imm.block.kind, RawBlockType::Kind::kEmpty);
  One value("03 7b");
  EXPECT_EQ(value.imm.block.kind, RawBlockType::Kind::kValue);
  EXPECT_EQ(value.imm.block.type, ValType::kV128);
  One index("04 80 01");
  EXPECT_EQ(index.imm.block.kind, RawBlockType::Kind::kIndex);
  EXPECT_EQ(index.imm.block.index, 128u);
  One big("02 ff ff ff ff 0f");  // s33: up to 2^32-1
  EXPECT_EQ(big.msg, "ok");
  EXPECT_EQ(big.imm.block.index, 0xFFFFFFFFu);
  EXPECT_EQ(One("02 60").msg, "malformed block type");  // negative, not a value type
}

TEST(InstrReader, Constants) {
  EXPECT_EQ(One("41 7f").imm.value, static_cast<uint64_t>(-1));
  EXPECT_EQ(One("42 80 80 80 80 80 80 80 80 80 7f").imm.value, 0x8000000000000000u);
  EXPECT_EQ(One("43 00 00 80 3f").imm.value, 0x3f800000u);
  EXPECT_EQ(One("44 00 00 00 00 00 00 f0 3f").imm.value, 0x3ff0000000000000u);
  EXPECT_EQ(One("41 80 80 80 80 70").msg, "integer too large");
  EXPECT_EQ(One("43 00 00").msg, "unexpected end");
}

TEST(InstrReader, BrTable) {
  One t("0e 02 03 04 05");
  EXPECT_EQ(t.imm.targets, (std::vector<uint32_t>{3, 4, 5}));
  // The count is checked against the remaining bytes before anything is stored.
  EXPECT_EQ(One("0e ff ff ff ff 0f 00").msg, "length out of bounds");
  // A reused RawImm is overwritten, not appended to.
  std::vector<uint8_t> bytes = Hex("0e 01 07 08 0e 00 09");
  Reader r(bytes);
  RawImm imm;
  for (int i = 0; i < 2; ++i) {
    auto op = ReadOpcode(r);
    ASSERT_TRUE(op);
    ASSERT_TRUE(ReadImmediates(r, *op, imm));
  }
  EXPECT_EQ(imm.targets, (std::vector<uint32_t>{9}));
}

TEST(InstrReader, IndicesAndMemArgs) {
  One ci("11 05 01");
  EXPECT_EQ(ci.imm.index, 5u);
  EXPECT_EQ(ci.imm.index2, 1u);
  One ti("fc 0c 03 02");  // table.init elem 3, table 2
  EXPECT_EQ(ti.imm.index, 3u);
  EXPECT_EQ(ti.imm.index2, 2u);
  One ld("28 02 80 01");
  EXPECT_EQ(ld.imm.align, 2u);
  EXPECT_EQ(ld.imm.value, 128u);
  EXPECT_EQ(One("28 1f 00").msg, "ok");
  EXPECT_EQ(One("28 20 00").msg, "malformed memop flags");
  EXPECT_EQ(One("28 40 00").msg, "malformed memop flags");
}

TEST(InstrReader, ReservedZeroBytes) {
  EXPECT_EQ(One("3f 00").msg, "ok");
  EXPECT_EQ(One("40 01").msg, "zero byte expected");
  EXPECT_EQ(One("3f 80 00").msg, "zero byte expected");  // one byte, not a LEB
  EXPECT_EQ(One("fc 08 02 00").imm.index, 2u);
  EXPECT_EQ(One("fc 08 02 01").msg, "zero byte expected");
  EXPECT_EQ(One("fc 0a 00 01").msg, "zero byte expected");
  EXPECT_EQ(One("fc 0a 01 00").msg, "zero byte expected");
  EXPECT_EQ(One("fc 0b 01").msg, "zero byte expected");
}

// Multi-memory (Wasm 3.0): flag bit 6 of a memarg says a memory index follows the flags, and
// the reserved bytes of memory.* become LEB memory indices.
TEST(InstrReader, MultiMemoryIndices) {
  const Features mm = Features::All();
  One ld("28 42 03 80 01", mm);  // i32.load align=4 memory 3 offset=128
  EXPECT_EQ(ld.msg, "ok");
  EXPECT_EQ(ld.imm.align, 2u);
  EXPECT_EQ(ld.imm.memory, 3u);
  EXPECT_EQ(ld.imm.value, 128u);
  One zero("28 02 00", mm);
  EXPECT_EQ(zero.imm.memory, 0u);
  EXPECT_EQ(One("28 20 00", mm).msg, "ok");  // too large, but that is the validator's call
  EXPECT_EQ(One("28 80 01 00", mm).msg, "malformed memop flags");
  EXPECT_EQ(One("3f 80 00", mm).msg, "ok");  // a LEB index now
  EXPECT_EQ(One("40 05", mm).imm.memory, 5u);
  One copy("fc 0a 01 02", mm);
  EXPECT_EQ(copy.imm.memory, 1u);
  EXPECT_EQ(copy.imm.index2, 2u);
  One init("fc 08 07 04", mm);
  EXPECT_EQ(init.imm.index, 7u);
  EXPECT_EQ(init.imm.memory, 4u);
  One lane("fd 54 41 02 08 05", mm);  // v128.load8_lane memory 2 offset=8 lane 5
  EXPECT_EQ(lane.imm.memory, 2u);
  EXPECT_EQ(lane.imm.value, 8u);
  EXPECT_EQ(lane.imm.index, 5u);
}

TEST(InstrReader, TypedImmediates) {
  One sel("1c 02 7f 6f");
  EXPECT_EQ(sel.imm.types, (std::vector<ValType>{ValType::kI32, ValType::kExternRef}));
  EXPECT_EQ(One("1c 01 40").msg, "malformed value type");
  EXPECT_EQ(One("d0 70").imm.type, ValType::kFuncRef);
  EXPECT_EQ(One("d0 6f").imm.type, ValType::kExternRef);
  EXPECT_EQ(One("d0 7f").msg, "malformed reference type");
}

}  // namespace
}  // namespace nw

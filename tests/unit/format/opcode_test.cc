// The opcode table (format/opcode.h): compile-time data with no pointers (mnemonics by offset,
// operand types inline); these check that every entry reads back as opcodes.def spells it.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "format/opcode.h"

namespace nw {
namespace {

constexpr size_t kNumOpcodes = static_cast<size_t>(Opcode::kCount);

TEST(OpcodeTable, EveryEntryRoundTripsByEncodingAndName) {
  std::set<std::string> names;
  for (size_t k = 0; k < kNumOpcodes; ++k) {
    auto op = static_cast<Opcode>(k);
    const OpcodeInfo& info = GetOpcodeInfo(op);
    std::string_view name = OpcodeName(op);
    ASSERT_FALSE(name.empty()) << k;
    ASSERT_EQ(name.find('\0'), std::string_view::npos) << name;
    std::optional<Opcode> by_code = info.prefix == 0
                                        ? OpcodeFromByte(static_cast<uint8_t>(info.code))
                                        : OpcodeFromPrefixed(info.prefix, info.code);
    ASSERT_TRUE(by_code.has_value()) << name;
    EXPECT_EQ(*by_code, op) << name;
    if (op != Opcode::kSelectT) {
      EXPECT_EQ(OpcodeFromText(name), op) << name;
      EXPECT_TRUE(names.insert(std::string(name)).second) << "duplicate mnemonic " << name;
    }
    EXPECT_LE(info.params.size(), 4u);
    EXPECT_LE(info.results.size(), 2u);
    if (!info.fixed_sig) {
      EXPECT_TRUE(info.params.empty()) << name;
      EXPECT_TRUE(info.results.empty()) << name;
    }
  }
}

TEST(OpcodeTable, FactsOfSomeEntries) {
  const OpcodeInfo& add = GetOpcodeInfo(Opcode::kI32Add);
  EXPECT_EQ(OpcodeName(Opcode::kI32Add), "i32.add");
  EXPECT_EQ(add.prefix, 0);
  EXPECT_EQ(add.code, 0x6Au);
  EXPECT_EQ(add.imm, Imm::None);
  EXPECT_TRUE(add.fixed_sig);
  EXPECT_EQ(std::vector<ValType>(add.params.begin(), add.params.end()),
            (std::vector<ValType>{ValType::kI32, ValType::kI32}));
  ASSERT_EQ(add.results.size(), 1u);
  EXPECT_EQ(add.results[0], ValType::kI32);

  const OpcodeInfo& f64_const = GetOpcodeInfo(Opcode::kF64Const);
  EXPECT_EQ(f64_const.imm, Imm::F64);
  EXPECT_TRUE(f64_const.params.empty());
  ASSERT_EQ(f64_const.results.size(), 1u);
  EXPECT_EQ(f64_const.results[0], ValType::kF64);

  EXPECT_EQ(OpcodeName(Opcode::kSelectT), "select");
  EXPECT_EQ(GetOpcodeInfo(Opcode::kSelectT).imm, Imm::SelectT);
  EXPECT_FALSE(GetOpcodeInfo(Opcode::kBlock).fixed_sig);

  const OpcodeInfo& fill = GetOpcodeInfo(Opcode::kMemoryFill);
  EXPECT_EQ(OpcodeName(Opcode::kMemoryFill), "memory.fill");
  EXPECT_EQ(fill.prefix, 0xFC);
  EXPECT_EQ(fill.code, 11u);

  // The last entry: its mnemonic ends the character array.
  auto last = static_cast<Opcode>(kNumOpcodes - 1);
  EXPECT_EQ(OpcodeFromText(OpcodeName(last)), last);
}

TEST(OpcodeTable, SpanViewOfTypes) {
  std::span<const ValType> params = GetOpcodeInfo(Opcode::kI64Store).params;
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0], ValType::kI32);
  EXPECT_EQ(params[1], ValType::kI64);
}

}  // namespace
}  // namespace nw

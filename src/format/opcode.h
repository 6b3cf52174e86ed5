// Opcode enumeration and per-opcode facts, generated from opcodes.def.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "format/types.h"

namespace nw {

enum class Opcode : uint16_t {
#define NW_OPCODE(Name, prefix, code, text, Imm, Sig) k##Name,
#include "format/opcodes.def"
#undef NW_OPCODE
  kCount
};

// Immediate kinds (what follows the opcode in the binary).
enum class Imm : uint8_t {
  None,
  Block,         // blocktype
  Label,         // labelidx
  BrTable,       // vec(labelidx) labelidx
  Func,          // funcidx
  CallIndirect,  // typeidx tableidx
  Local,         // localidx
  Global,        // globalidx
  Table,         // tableidx
  MemArg,        // align offset
  Mem,           // memory index byte (must be 0 in 2.0)
  I32,
  I64,
  F32,
  F64,
  SelectT,    // vec(valtype)
  RefNull,    // reftype
  Elem,       // elemidx
  Data,       // dataidx
  MemInit,    // dataidx memidx(0)
  MemCopy,    // memidx(0) memidx(0)
  TableInit,  // elemidx tableidx
  TableCopy,  // tableidx tableidx
  V128,       // 16 bytes
  Lane,       // laneidx byte
  MemArgLane, // memarg laneidx
  Shuffle,    // 16 lane bytes
  Tag,        // tagidx (exception handling)
  TryTable,   // blocktype vec(catch) (exception handling)
};

// The operand or result types of a fixed-signature opcode, held in the table entry itself: the
// opcode table has no pointers, so it is compile-time data that a PIE does not relocate and a
// start-up does not build (docs/performance.md, "AOT artifacts").
template <size_t kCapacity>
struct OpcodeTypes {
  std::array<ValType, kCapacity> types{};
  uint8_t count = 0;

  constexpr size_t size() const { return count; }
  constexpr bool empty() const { return count == 0; }
  constexpr ValType operator[](size_t i) const { return types[i]; }
  constexpr const ValType* begin() const { return types.data(); }
  constexpr const ValType* end() const { return types.data() + count; }
  constexpr operator std::span<const ValType>() const { return {types.data(), count}; }
};

struct OpcodeInfo {
  uint8_t prefix;  // 0, 0xFC or 0xFD
  uint32_t code;
  Imm imm;
  bool fixed_sig;  // params/results below are meaningful
  OpcodeTypes<4> params;
  OpcodeTypes<2> results;
  uint16_t text_offset;  // the mnemonic, as OpcodeName returns it
  uint8_t text_size;
};

const OpcodeInfo& GetOpcodeInfo(Opcode op);
std::string_view OpcodeName(Opcode op);
// One-byte opcodes (not prefixes).
std::optional<Opcode> OpcodeFromByte(uint8_t byte);
// Prefixed opcodes: prefix 0xFC or 0xFD with the LEB-decoded sub-opcode.
std::optional<Opcode> OpcodeFromPrefixed(uint8_t prefix, uint32_t code);
// Text mnemonic -> opcode ("select" gives kSelect; the parser picks kSelectT when types follow).
std::optional<Opcode> OpcodeFromText(std::string_view text);

namespace opcode_detail {
// log2 of the natural alignment of each memory access opcode (0xFF: not a memory access),
// derived from the mnemonic so that the opcode list stays the one list:
// "<type>.load|store[N[xM|_...]]" -> N bits, or the type's width when no N follows.
constexpr uint8_t NaturalAlignLog2FromText(std::string_view text) {
  size_t p = text.find(".load");
  size_t len = 5;
  if (p == std::string_view::npos) {
    p = text.find(".store");
    len = 6;
  }
  if (p == std::string_view::npos)
    return 0xFF;
  std::string_view type = text.substr(0, p);
  std::string_view rest = text.substr(p + len);
  uint32_t bits = 0;
  size_t i = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
    bits = bits * 10 + (rest[i++] - '0');
  if (bits != 0 && i < rest.size() && rest[i] == 'x')
    return 3;  // v128.loadNxM: 64 bits
  if (bits == 0)
    bits = (type == "v128") ? 128 : (type == "i64" || type == "f64") ? 64 : 32;
  uint8_t log2 = 0;
  while ((8u << log2) < bits)
    ++log2;
  return log2;
}

inline constexpr std::array<uint8_t, static_cast<size_t>(Opcode::kCount)> kNaturalAlign = {
#define NW_OPCODE(Name, prefix, code, text, Imm, Sig) NaturalAlignLog2FromText(text),
#include "format/opcodes.def"
#undef NW_OPCODE
};

// Number of lanes a lane immediate may address, from the mnemonic (0: no lane immediate):
// "i8x16.extract_lane_s" -> 16 (the shape), "v128.load16_lane" -> 8 (128 / access bits).
constexpr uint8_t LaneCountFromText(std::string_view text) {
  if (text.find("_lane") == std::string_view::npos) return 0;
  if (text.starts_with("v128.")) {
    size_t i = text.find_first_of("0123456789", 5);  // after "v128."
    uint32_t bits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') bits = bits * 10 + (text[i++] - '0');
    return bits == 0 ? 0 : static_cast<uint8_t>(128 / bits);
  }
  size_t x = text.find('x');
  uint32_t lanes = 0;
  for (size_t i = x + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
    lanes = lanes * 10 + (text[i] - '0');
  return static_cast<uint8_t>(lanes);
}

inline constexpr std::array<uint8_t, static_cast<size_t>(Opcode::kCount)> kLaneCount = {
#define NW_OPCODE(Name, prefix, code, text, Imm, Sig) LaneCountFromText(text),
#include "format/opcodes.def"
#undef NW_OPCODE
};

}  // namespace opcode_detail

// log2 of the natural alignment of a memory access (0xFF for other opcodes), and the number of
// lanes a lane immediate may address (0 for opcodes without one): the one table of each, for
// the validator, the text parser and the printer.
constexpr uint8_t NaturalAlignLog2(Opcode op) {
  return opcode_detail::kNaturalAlign[static_cast<size_t>(op)];
}
constexpr uint8_t LaneCount(Opcode op) { return opcode_detail::kLaneCount[static_cast<size_t>(op)]; }

}  // namespace nw

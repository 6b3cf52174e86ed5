// Opcode enumeration and per-opcode facts, generated from opcodes.def.
#pragma once

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
};

struct OpcodeInfo {
  uint8_t prefix;  // 0, 0xFC or 0xFD
  uint32_t code;
  std::string_view text;
  Imm imm;
  bool fixed_sig;  // params/results below are meaningful
  std::span<const ValType> params;
  std::span<const ValType> results;
};

const OpcodeInfo& GetOpcodeInfo(Opcode op);
inline std::string_view OpcodeName(Opcode op) { return GetOpcodeInfo(op).text; }
// One-byte opcodes (not prefixes).
std::optional<Opcode> OpcodeFromByte(uint8_t byte);
// Prefixed opcodes: prefix 0xFC or 0xFD with the LEB-decoded sub-opcode.
std::optional<Opcode> OpcodeFromPrefixed(uint8_t prefix, uint32_t code);
// Text mnemonic -> opcode ("select" gives kSelect; the parser picks kSelectT when types follow).
std::optional<Opcode> OpcodeFromText(std::string_view text);

}  // namespace nw

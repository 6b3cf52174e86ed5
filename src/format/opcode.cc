// Tables derived from opcodes.def. Signatures are parsed from their short spelling at
// compile time, so the .def stays the one list.
#include "format/opcode.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

namespace nw {
namespace {

struct SigTypes {
  std::array<ValType, 4> params{};
  std::array<ValType, 2> results{};
  uint8_t nparams = 0, nresults = 0;
  bool fixed = false;
};

constexpr ValType LetterType(char c) {
  switch (c) {
    case 'i': return ValType::kI32;
    case 'l': return ValType::kI64;
    case 'f': return ValType::kF32;
    case 'd': return ValType::kF64;
    default: return ValType::kV128;  // 'v'
  }
}

constexpr SigTypes ParseSig(std::string_view s) {
  SigTypes t;
  if (s == "X") return t;
  t.fixed = true;
  bool in_results = false;
  for (char c : s) {
    if (c == '_') { in_results = true; continue; }
    if (in_results) t.results[t.nresults++] = LetterType(c);
    else t.params[t.nparams++] = LetterType(c);
  }
  return t;
}

constexpr std::array<SigTypes, static_cast<size_t>(Opcode::kCount)> kSigs = {
#define NW_OPCODE(Name, prefix, code, text, Imm, Sig) ParseSig(#Sig),
#include "format/opcodes.def"
#undef NW_OPCODE
};

struct Table {
  std::array<OpcodeInfo, static_cast<size_t>(Opcode::kCount)> info;
  std::array<int16_t, 256> by_byte;
  std::unordered_map<uint32_t, Opcode> prefixed;
  std::unordered_map<std::string_view, Opcode> by_text;

  Table() {
    by_byte.fill(-1);
    size_t i = 0;
#define NW_OPCODE(Name, prefix_, code_, text_, Imm_, Sig)                                      \
  info[i] = OpcodeInfo{prefix_, code_, text_, Imm::Imm_, kSigs[i].fixed,                       \
                       std::span<const ValType>(kSigs[i].params.data(), kSigs[i].nparams),     \
                       std::span<const ValType>(kSigs[i].results.data(), kSigs[i].nresults)}; \
  ++i;
#include "format/opcodes.def"
#undef NW_OPCODE
    for (size_t k = 0; k < info.size(); ++k) {
      auto op = static_cast<Opcode>(k);
      const auto& in = info[k];
      if (in.prefix == 0) by_byte[in.code] = static_cast<int16_t>(k);
      else prefixed.emplace((uint32_t{in.prefix} << 24) | in.code, op);
      if (op != Opcode::kSelectT) by_text.emplace(in.text, op);
    }
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace

const OpcodeInfo& GetOpcodeInfo(Opcode op) { return GetTable().info[static_cast<size_t>(op)]; }

std::optional<Opcode> OpcodeFromByte(uint8_t byte) {
  int16_t k = GetTable().by_byte[byte];
  if (k < 0) return std::nullopt;
  return static_cast<Opcode>(k);
}

std::optional<Opcode> OpcodeFromPrefixed(uint8_t prefix, uint32_t code) {
  if (code > 0xFFFFFF) return std::nullopt;
  const auto& m = GetTable().prefixed;
  auto it = m.find((uint32_t{prefix} << 24) | code);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::optional<Opcode> OpcodeFromText(std::string_view text) {
  const auto& m = GetTable().by_text;
  auto it = m.find(text);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

}  // namespace nw

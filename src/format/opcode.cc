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

constexpr size_t kNumOpcodes = static_cast<size_t>(Opcode::kCount);

struct Encoding {
  uint8_t prefix;
  uint32_t code;
};
constexpr std::array<Encoding, kNumOpcodes> kEncodings = {{
#define NW_OPCODE(Name, prefix, code, text, Imm, Sig) {prefix, code},
#include "format/opcodes.def"
#undef NW_OPCODE
}};

// Byte -> opcode index, -1 for none: one table for one-byte opcodes and one per prefix,
// indexed by the sub-opcode. Computed at compile time and free of pointers, so that decoding
// (an AOT artifact's constant expressions, say) builds nothing at run time and a PIE has nothing
// to relocate here; the name tables below are built on first use.
template <uint8_t kPrefix>
constexpr size_t CodeSpace() {
  size_t n = 0;
  for (const Encoding& e : kEncodings)
    if (e.prefix == kPrefix) n = std::max<size_t>(n, e.code + 1);
  return n;
}
template <uint8_t kPrefix>
constexpr auto MakeByCode() {
  std::array<int16_t, CodeSpace<kPrefix>()> by_code{};
  by_code.fill(-1);
  for (size_t k = 0; k < kNumOpcodes; ++k)
    if (kEncodings[k].prefix == kPrefix) by_code[kEncodings[k].code] = static_cast<int16_t>(k);
  return by_code;
}
constexpr auto kByByte = MakeByCode<0>();
constexpr auto kByFc = MakeByCode<0xFC>();
constexpr auto kByFd = MakeByCode<0xFD>();
static_assert(kByByte.size() <= 256);

std::optional<Opcode> Lookup(std::span<const int16_t> by_code, uint32_t code) {
  if (code >= by_code.size() || by_code[code] < 0) return std::nullopt;
  return static_cast<Opcode>(by_code[code]);
}

struct InfoTable {
  std::array<OpcodeInfo, kNumOpcodes> info;

  InfoTable() {
    size_t i = 0;
#define NW_OPCODE(Name, prefix_, code_, text_, Imm_, Sig)                                      \
  info[i] = OpcodeInfo{prefix_, code_, text_, Imm::Imm_, kSigs[i].fixed,                       \
                       std::span<const ValType>(kSigs[i].params.data(), kSigs[i].nparams),     \
                       std::span<const ValType>(kSigs[i].results.data(), kSigs[i].nresults)}; \
  ++i;
#include "format/opcodes.def"
#undef NW_OPCODE
  }
};

const InfoTable& GetInfoTable() {
  static const InfoTable table;
  return table;
}

struct TextTable {
  std::unordered_map<std::string_view, Opcode> by_text;

  TextTable() {
    const auto& info = GetInfoTable().info;
    for (size_t k = 0; k < info.size(); ++k) {
      auto op = static_cast<Opcode>(k);
      if (op != Opcode::kSelectT) by_text.emplace(info[k].text, op);
    }
  }
};

}  // namespace

const OpcodeInfo& GetOpcodeInfo(Opcode op) {
  return GetInfoTable().info[static_cast<size_t>(op)];
}

std::optional<Opcode> OpcodeFromByte(uint8_t byte) { return Lookup(kByByte, byte); }

std::optional<Opcode> OpcodeFromPrefixed(uint8_t prefix, uint32_t code) {
  if (prefix == 0xFC) return Lookup(kByFc, code);
  if (prefix == 0xFD) return Lookup(kByFd, code);
  return std::nullopt;
}

std::optional<Opcode> OpcodeFromText(std::string_view text) {
  static const TextTable table;
  auto it = table.by_text.find(text);
  if (it == table.by_text.end()) return std::nullopt;
  return it->second;
}

}  // namespace nw

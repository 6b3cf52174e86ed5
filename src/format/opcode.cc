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
  OpcodeTypes<4> params;
  OpcodeTypes<2> results;
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
    if (in_results) t.results.types[t.results.count++] = LetterType(c);
    else t.params.types[t.params.count++] = LetterType(c);
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
// to relocate here; only the mnemonic lookup (OpcodeFromText) is built, on first use.
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

// Every mnemonic in one character array, and the table of opcode facts pointing into it by
// offset: both are built by the compiler (kTexts itself is used only at compile time), so
// GetOpcodeInfo on a decoder's first instruction touches read-only data and builds nothing.
constexpr std::string_view kTexts[] = {
#define NW_OPCODE(Name, prefix, code, text, Imm, Sig) text,
#include "format/opcodes.def"
#undef NW_OPCODE
};
constexpr Imm kImms[] = {
#define NW_OPCODE(Name, prefix, code, text, Imm_, Sig) Imm::Imm_,
#include "format/opcodes.def"
#undef NW_OPCODE
};
static_assert(std::size(kTexts) == kNumOpcodes && std::size(kImms) == kNumOpcodes);

constexpr size_t kTextBytes = [] {
  size_t n = 0;
  for (std::string_view t : kTexts) n += t.size();
  return n;
}();
static_assert(kTextBytes <= UINT16_MAX, "OpcodeInfo::text_offset is 16 bits");

constexpr std::array<char, kTextBytes> kTextChars = [] {
  std::array<char, kTextBytes> chars{};
  size_t at = 0;
  for (std::string_view t : kTexts)
    for (char c : t) chars[at++] = c;
  return chars;
}();

constexpr std::array<OpcodeInfo, kNumOpcodes> kInfo = [] {
  std::array<OpcodeInfo, kNumOpcodes> info{};
  size_t offset = 0;
  for (size_t k = 0; k < kNumOpcodes; ++k) {
    info[k] = OpcodeInfo{kEncodings[k].prefix, kEncodings[k].code, kImms[k], kSigs[k].fixed,
                         kSigs[k].params, kSigs[k].results, static_cast<uint16_t>(offset),
                         static_cast<uint8_t>(kTexts[k].size())};
    offset += kTexts[k].size();
  }
  return info;
}();

struct TextTable {
  std::unordered_map<std::string_view, Opcode> by_text;

  TextTable() {
    for (size_t k = 0; k < kNumOpcodes; ++k) {
      auto op = static_cast<Opcode>(k);
      if (op != Opcode::kSelectT) by_text.emplace(OpcodeName(op), op);
    }
  }
};

}  // namespace

const OpcodeInfo& GetOpcodeInfo(Opcode op) { return kInfo[static_cast<size_t>(op)]; }

std::string_view OpcodeName(Opcode op) {
  const OpcodeInfo& info = kInfo[static_cast<size_t>(op)];
  return {kTextChars.data() + info.text_offset, info.text_size};
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

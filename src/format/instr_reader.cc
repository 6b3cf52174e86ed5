// Instruction encodings (see instr_reader.h). Error messages follow the spec's
// assert_malformed texts ("zero byte expected", "malformed memop flags", ...).
#include "format/instr_reader.h"

#include <cstdio>
#include <string>

namespace nw {
namespace {

[[gnu::cold]] std::string IllegalOpcode(uint32_t prefix, uint32_t code, bool prefixed) {
  char buf[48];
  if (prefixed)
    std::snprintf(buf, sizeof buf, "illegal opcode %02x %02x", prefix, code);
  else
    std::snprintf(buf, sizeof buf, "illegal opcode %02x", prefix);
  return buf;
}

Status ZeroByte(Reader& r) {
  size_t at = r.offset();
  NW_TRY_ASSIGN(uint8_t b, r.U8());
  if (b != 0) [[unlikely]]
    return MakeError(at, "zero byte expected");
  return Ok();
}

Result<ValType> ReadValType(Reader& r, Features features) {
  size_t at = r.offset();
  NW_TRY_ASSIGN(uint8_t b, r.U8());
  if (!IsValTypeByte(b, features)) [[unlikely]]
    return MakeError(at, "malformed value type");
  return static_cast<ValType>(b);
}

// A vector length whose elements take at least one byte each cannot exceed what is left.
Result<uint32_t> ReadLength(Reader& r) {
  size_t at = r.offset();
  NW_TRY_ASSIGN(uint32_t n, r.U32());
  if (n > r.remaining()) [[unlikely]]
    return MakeError(at, "length out of bounds");
  return n;
}

Status ReadBlockType(Reader& r, RawBlockType& bt, Features features) {
  size_t at = r.offset();
  if (r.at_end()) [[unlikely]]
    return MakeError(at, "unexpected end");
  uint8_t b = *r.pos();
  if (b == 0x40) {
    (void)r.U8();
    bt.kind = RawBlockType::Kind::kEmpty;
    return Ok();
  }
  if (IsValTypeByte(b, features)) {
    (void)r.U8();
    bt.kind = RawBlockType::Kind::kValue;
    bt.type = static_cast<ValType>(b);
    return Ok();
  }
  NW_TRY_ASSIGN(int64_t x, r.SLeb(33));
  if (x < 0) [[unlikely]]
    return MakeError(at, "malformed block type");
  bt.kind = RawBlockType::Kind::kIndex;
  bt.index = static_cast<uint32_t>(x);
  return Ok();
}

// 2.0: the flags are the alignment exponent alone (< 32). Multi-memory: bit 6 says a memory
// index follows the flags; the exponent is the bits below it.
Status ReadMemArg(Reader& r, RawImm& imm, Features features) {
  size_t at = r.offset();
  NW_TRY_ASSIGN(imm.align, r.U32());
  imm.memory = 0;
  if (features.multi_memory && imm.align < 128) {
    if (imm.align >= 64) {
      imm.align -= 64;
      NW_TRY_ASSIGN(imm.memory, r.U32());
    }
  } else if (imm.align >= 32) [[unlikely]] {
    return MakeError(at, "malformed memop flags");
  }
  NW_TRY_ASSIGN(uint32_t offset, r.U32());
  imm.value = offset;
  return Ok();
}

Status Read16(Reader& r, RawImm& imm) {
  NW_TRY_ASSIGN(auto s, r.Bytes(16));
  for (size_t i = 0; i < 16; ++i)
    imm.bytes[i] = s[i];
  return Ok();
}

}  // namespace

Result<Opcode> ReadOpcode(Reader& r) {
  size_t at = r.offset();
  NW_TRY_ASSIGN(uint8_t b, r.U8());
  if (b == 0xFC || b == 0xFD) {
    NW_TRY_ASSIGN(uint32_t code, r.U32());
    if (auto op = OpcodeFromPrefixed(b, code)) [[likely]]
      return *op;
    return MakeError(at, IllegalOpcode(b, code, true));
  }
  if (auto op = OpcodeFromByte(b)) [[likely]]
    return *op;
  return MakeError(at, IllegalOpcode(b, 0, false));
}

// A memory index: a reserved zero byte in 2.0.
Status ReadMemIndex(Reader& r, uint32_t& out, Features features) {
  if (features.multi_memory) {
    NW_TRY_ASSIGN(out, r.U32());
    return Ok();
  }
  out = 0;
  return ZeroByte(r);
}

Status ReadImmediates(Reader& r, Opcode op, RawImm& imm, Features features) {
  if ((op == Opcode::kThrow || op == Opcode::kThrowRef || op == Opcode::kTryTable) &&
      !features.exceptions) [[unlikely]]
    return MakeError(r.offset() - 1,
                     IllegalOpcode(static_cast<uint32_t>(GetOpcodeInfo(op).code), 0, false));
  if ((op == Opcode::kReturnCall || op == Opcode::kReturnCallIndirect) && !features.tail_call)
      [[unlikely]]
    return MakeError(r.offset() - 1,
                     IllegalOpcode(static_cast<uint32_t>(GetOpcodeInfo(op).code), 0, false));
  switch (GetOpcodeInfo(op).imm) {
    case Imm::None:
      return Ok();
    case Imm::Block:
      return ReadBlockType(r, imm.block, features);
    case Imm::Tag: {
      NW_TRY_ASSIGN(imm.index, r.U32());
      return Ok();
    }
    case Imm::TryTable: {
      NW_TRY(ReadBlockType(r, imm.block, features));
      NW_TRY_ASSIGN(uint32_t n, ReadLength(r));
      imm.catches.clear();
      for (uint32_t i = 0; i < n; ++i) {
        size_t at = r.offset();
        NW_TRY_ASSIGN(uint8_t kind, r.U8());
        if (kind > 3) [[unlikely]]
          return MakeError(at, "malformed catch clause");
        CatchClause c;
        c.kind = static_cast<CatchClause::Kind>(kind);
        if (c.HasTag()) {
          NW_TRY_ASSIGN(c.tag, r.U32());
        }
        NW_TRY_ASSIGN(c.label, r.U32());
        imm.catches.push_back(c);
      }
      return Ok();
    }
    case Imm::Label:
    case Imm::Func:
    case Imm::Local:
    case Imm::Global:
    case Imm::Table:
    case Imm::Elem:
    case Imm::Data: {
      NW_TRY_ASSIGN(imm.index, r.U32());
      return Ok();
    }
    case Imm::BrTable: {
      NW_TRY_ASSIGN(uint32_t n, ReadLength(r));
      imm.targets.clear();
      for (uint32_t i = 0; i <= n; ++i) {
        NW_TRY_ASSIGN(uint32_t t, r.U32());
        imm.targets.push_back(t);
      }
      return Ok();
    }
    case Imm::CallIndirect:
    case Imm::TableInit:
    case Imm::TableCopy: {
      NW_TRY_ASSIGN(imm.index, r.U32());
      NW_TRY_ASSIGN(imm.index2, r.U32());
      return Ok();
    }
    case Imm::MemArg:
      return ReadMemArg(r, imm, features);
    case Imm::MemArgLane: {
      NW_TRY(ReadMemArg(r, imm, features));
      NW_TRY_ASSIGN(uint8_t lane, r.U8());
      imm.index = lane;
      return Ok();
    }
    case Imm::Mem:
      return ReadMemIndex(r, imm.memory, features);
    case Imm::MemInit: {
      NW_TRY_ASSIGN(imm.index, r.U32());
      return ReadMemIndex(r, imm.memory, features);
    }
    case Imm::MemCopy:
      NW_TRY(ReadMemIndex(r, imm.memory, features));
      return ReadMemIndex(r, imm.index2, features);
    case Imm::Lane: {
      NW_TRY_ASSIGN(uint8_t lane, r.U8());
      imm.index = lane;
      return Ok();
    }
    case Imm::I32: {
      NW_TRY_ASSIGN(int32_t v, r.S32());
      imm.value = static_cast<uint64_t>(static_cast<int64_t>(v));
      return Ok();
    }
    case Imm::I64: {
      NW_TRY_ASSIGN(int64_t v, r.S64());
      imm.value = static_cast<uint64_t>(v);
      return Ok();
    }
    case Imm::F32: {
      NW_TRY_ASSIGN(uint32_t v, r.U32Fixed());
      imm.value = v;
      return Ok();
    }
    case Imm::F64: {
      NW_TRY_ASSIGN(imm.value, r.U64Fixed());
      return Ok();
    }
    case Imm::V128:
    case Imm::Shuffle:
      return Read16(r, imm);
    case Imm::SelectT: {
      NW_TRY_ASSIGN(uint32_t n, ReadLength(r));
      imm.types.clear();
      for (uint32_t i = 0; i < n; ++i) {
        NW_TRY_ASSIGN(ValType t, ReadValType(r, features));
        imm.types.push_back(t);
      }
      if (n > 0)
        imm.type = imm.types[0];
      return Ok();
    }
    case Imm::RefNull: {
      size_t at = r.offset();
      NW_TRY_ASSIGN(uint8_t b, r.U8());
      if (b != static_cast<uint8_t>(ValType::kFuncRef) &&
          b != static_cast<uint8_t>(ValType::kExternRef) &&
          !(b == static_cast<uint8_t>(ValType::kExnRef) && features.exceptions)) [[unlikely]]
        return MakeError(at, "malformed reference type");
      imm.type = static_cast<ValType>(b);
      return Ok();
    }
  }
  return Ok();
}

}  // namespace nw

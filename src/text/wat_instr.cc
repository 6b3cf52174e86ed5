// WAT instructions -> binary code. Plain and folded forms, structured control with labels,
// and one generic immediate encoder driven by the opcode table's Imm kind (no per-opcode
// cases except where the text syntax itself differs: select's optional types).
#include <cstring>
#include <string>

#include "text/wat_parser.h"

namespace nw {
namespace {

void EmitOp(Writer& w, const OpcodeInfo& info) {
  if (info.prefix) {
    w.U8(info.prefix);
    w.ULeb(info.code);
  } else {
    w.U8(static_cast<uint8_t>(info.code));
  }
}

bool IsBlockKeyword(std::string_view kw) {
  return kw == "block" || kw == "loop" || kw == "if" || kw == "try_table";
}

}  // namespace

Status WatParser::ParseEndLabel(const FuncCtx& c) {
  if (Peek().kind != TokenKind::kId) return Ok();
  if (Text(Peek()) != c.labels.back()) return Fail(Peek(), "mismatching label");
  ++pos_;
  return Ok();
}

Status WatParser::ParseBlockType(Writer& w) {
  NW_TRY_ASSIGN(TypeUse tu, ParseTypeUse(false));
  if (!tu.index && tu.type.params.empty() && tu.type.results.size() <= 1) {
    w.U8(tu.type.results.empty() ? 0x40 : static_cast<uint8_t>(tu.type.results[0]));
    return Ok();
  }
  NW_TRY_ASSIGN(uint32_t idx, ResolveTypeUse(tu));
  if (idx < m_.types.size() && m_.types[idx].params.empty() && m_.types[idx].results.size() <= 1) {
    // A type use that fits the short encoding gets it, as other text tools do.
    const auto& results = m_.types[idx].results;
    w.U8(results.empty() ? 0x40 : static_cast<uint8_t>(results[0]));
    return Ok();
  }
  w.SLeb(idx);
  return Ok();
}

// try_table's clauses after its block type: (catch x l) (catch_ref x l) (catch_all l)
// (catch_all_ref l), labels resolved outside the try_table's own label.
Status WatParser::ParseCatchClauses(Writer& w, const FuncCtx& c) {
  Writer clauses;
  uint32_t n = 0;
  while (Peek().kind == TokenKind::kLParen && Peek(1).kind == TokenKind::kKeyword) {
    std::string_view k = Text(Peek(1));
    uint8_t kind;
    if (k == "catch") kind = 0;
    else if (k == "catch_ref") kind = 1;
    else if (k == "catch_all") kind = 2;
    else if (k == "catch_all_ref") kind = 3;
    else break;
    pos_ += 2;
    clauses.U8(kind);
    if (kind < 2) {
      NW_TRY_ASSIGN(uint32_t tag, ParseIndex(kTags));
      clauses.ULeb(tag);
    }
    NW_TRY_ASSIGN(uint32_t label, ParseLabelIndex(c));
    clauses.ULeb(label);
    NW_TRY(Expect(TokenKind::kRParen));
    ++n;
  }
  w.ULeb(n);
  w.Raw(clauses.bytes());
  return Ok();
}

Status WatParser::ParseInstrs(Writer& w, FuncCtx& c) { return ParseInstrSeq(w, c, false); }

Status WatParser::ParseFolded(Writer& w, FuncCtx& c) {
  if (Peek().kind != TokenKind::kLParen) return Unexpected(Peek());
  return ParseInstrSeq(w, c, true);
}

// One loop with an explicit stack of open constructs, so nesting depth costs heap, not C
// stack. Folded operators wait in side_ (a stack of byte strings) until their operands are
// written; a folded `if` goes through its condition, `then` and `else` phases.
Status WatParser::ParseInstrSeq(Writer& w, FuncCtx& c, bool single_folded) {
  enum class K : uint8_t { kOp, kBlock, kIfCond, kIfThen, kIfElse, kIfDone, kPlain, kPlainIf };
  struct Open {
    K kind;
    size_t side_begin;        // kOp/kIfCond: start of the waiting bytes in side_
    std::string_view label;   // kIfCond: the label to push at `then`
  };
  std::vector<Open> stack;
  std::vector<uint8_t>& side = side_.bytes();
  auto flush_side = [&](size_t begin) {
    w.Raw(std::span<const uint8_t>(side.data() + begin, side.size() - begin));
    side.resize(begin);
  };
  while (true) {
    const Token& t = Peek();
    Open* top = stack.empty() ? nullptr : &stack.back();
    if (t.kind == TokenKind::kRParen && top && top->kind != K::kPlain &&
        top->kind != K::kPlainIf) {
      ++pos_;
      switch (top->kind) {
        case K::kOp:
          flush_side(top->side_begin);
          stack.pop_back();
          break;
        case K::kBlock:
        case K::kIfDone:
          w.U8(0x0B);
          c.labels.pop_back();
          stack.pop_back();
          break;
        case K::kIfCond:
          return Unexpected(t);  // no (then ...)
        case K::kIfThen:
          if (PeekLParenKeyword("else")) {
            pos_ += 2;
            w.U8(0x05);
            top->kind = K::kIfElse;
          } else {
            top->kind = K::kIfDone;
          }
          break;
        case K::kIfElse:
          top->kind = K::kIfDone;
          break;
        default:
          break;
      }
      if (stack.empty() && single_folded) return Ok();
      continue;
    }
    if (top && top->kind == K::kIfDone) return Unexpected(t);
    if (top && top->kind == K::kIfCond) {
      if (PeekLParenKeyword("then")) {
        pos_ += 2;
        w.U8(0x04);
        flush_side(top->side_begin);
        c.labels.push_back(top->label);
        top->kind = K::kIfThen;
        continue;
      }
      if (t.kind != TokenKind::kLParen) return Unexpected(t);
    }
    if (top && top->kind == K::kOp && t.kind != TokenKind::kLParen) return Unexpected(t);
    if (t.kind == TokenKind::kLParen) {
      const Token& kwt = Peek(1);
      if (kwt.kind != TokenKind::kKeyword) return Unexpected(kwt);
      std::string_view kw = Text(kwt);
      pos_ += 2;
      if (kw == "block" || kw == "loop" || kw == "try_table") {
        auto label = OptionalId();
        w.U8(kw == "block" ? 0x02 : kw == "loop" ? 0x03 : 0x1F);
        NW_TRY(ParseBlockType(w));
        if (kw == "try_table") NW_TRY(ParseCatchClauses(w, c));
        c.labels.push_back(label.value_or(std::string_view()));
        stack.push_back(Open{K::kBlock, 0, {}});
      } else if (kw == "if") {
        auto label = OptionalId();
        size_t begin = side.size();
        NW_TRY(ParseBlockType(side_));
        stack.push_back(Open{K::kIfCond, begin, label.value_or(std::string_view())});
      } else {
        size_t begin = side.size();
        --pos_;  // ParseOpAndImmediates starts at the mnemonic
        NW_TRY(ParseOpAndImmediates(side_, c, kwt));
        stack.push_back(Open{K::kOp, begin, {}});
      }
      continue;
    }
    if (t.kind != TokenKind::kKeyword) {
      if (stack.empty()) return Ok();  // the caller decides what may follow
      return Unexpected(t);
    }
    std::string_view kw = Text(t);
    if (kw == "end" || kw == "else") {
      bool plain = top && (top->kind == K::kPlain || top->kind == K::kPlainIf);
      if (!plain) {
        if (stack.empty()) return Ok();
        return Unexpected(t);
      }
      if (kw == "else" && top->kind != K::kPlainIf) return Unexpected(t);
      ++pos_;
      NW_TRY(ParseEndLabel(c));
      if (kw == "else") {
        w.U8(0x05);
        top->kind = K::kPlain;  // a second else is an error
      } else {
        w.U8(0x0B);
        c.labels.pop_back();
        stack.pop_back();
      }
      continue;
    }
    if (IsBlockKeyword(kw)) {
      ++pos_;
      auto label = OptionalId();
      w.U8(kw == "block" ? 0x02 : kw == "loop" ? 0x03 : kw == "if" ? 0x04 : 0x1F);
      NW_TRY(ParseBlockType(w));
      if (kw == "try_table") NW_TRY(ParseCatchClauses(w, c));
      c.labels.push_back(label.value_or(std::string_view()));
      stack.push_back(Open{kw == "if" ? K::kPlainIf : K::kPlain, 0, {}});
      continue;
    }
    NW_TRY(ParseOpAndImmediates(w, c, t));
  }
}

// memidx? offset=? align=? — a memory index other than 0 sets flag bit 6 and follows the
// flags (multi-memory); v128.*_lane ends in a lane index, so there a lone number is the lane.
Status WatParser::ParseMemArg(Writer& w, Opcode op, bool lane_follows) {
  uint64_t offset = 0;
  uint32_t align_log2 = NaturalAlignLog2(op);
  uint32_t mem = 0;
  auto is_memarg_key = [&](const Token& t) {
    return t.kind == TokenKind::kKeyword &&
           (Text(t).starts_with("offset=") || Text(t).starts_with("align="));
  };
  if (Peek().kind == TokenKind::kId ||
      (Peek().kind == TokenKind::kNumber &&
       (!lane_follows || Peek(1).kind == TokenKind::kNumber || is_memarg_key(Peek(1))))) {
    NW_TRY_ASSIGN(mem, ParseIndex(kMems));
  }
  if (Peek().kind == TokenKind::kKeyword && Text(Peek()).starts_with("offset=")) {
    const Token& t = Peek();
    auto v = ParseUnsigned(Text(t).substr(7), 32);
    if (!v) return Fail(t, v.error().message);
    offset = *v;
    ++pos_;
  }
  if (Peek().kind == TokenKind::kKeyword && Text(Peek()).starts_with("align=")) {
    const Token& t = Peek();
    auto v = ParseUnsigned(Text(t).substr(6), 32);
    if (!v) return Fail(t, v.error().message);
    if (*v == 0 || (*v & (*v - 1))) return Fail(t, "alignment must be a power of two");
    align_log2 = static_cast<uint32_t>(__builtin_ctzll(*v));
    ++pos_;
  }
  if (mem != 0) {
    w.ULeb(align_log2 | 64);
    w.ULeb(mem);
  } else {
    w.ULeb(align_log2);
  }
  w.ULeb(offset);
  return Ok();
}

// v128.const's immediate: a shape keyword and its lanes (integers in signed or unsigned range,
// floats in every literal form incl. nan:0x... and inf), stored little-endian lane by lane.
Status WatParser::ParseV128Literal(uint8_t out[16]) {
  const Token& st = Peek();
  if (st.kind != TokenKind::kKeyword) return Unexpected(st);
  std::string_view shape = Text(st);
  auto sh = ParseV128Shape(shape);
  if (!sh) return Fail(st, "unexpected token " + std::string(shape) + ", expected a v128 shape");
  const unsigned lanes = sh->lanes, bits = sh->bits;
  const bool is_float = sh->is_float;
  ++pos_;
  for (unsigned i = 0; i < lanes; ++i) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return Unexpected(t);
    uint64_t v;
    if (is_float && bits == 32) {
      auto r = ParseF32(Text(t));
      if (!r) return Fail(t, r.error().message);
      v = *r;
    } else if (is_float) {
      auto r = ParseF64(Text(t));
      if (!r) return Fail(t, r.error().message);
      v = *r;
    } else {
      auto r = ParseInt(Text(t), bits);
      if (!r) return Fail(t, r.error().message);
      v = *r;
    }
    ++pos_;
    std::memcpy(out + i * (bits / 8), &v, bits / 8);  // little-endian host
  }
  return Ok();
}

Status WatParser::ParseOpAndImmediates(Writer& w, FuncCtx& c, const Token& kwt) {
  std::string_view kw = Text(kwt);
  auto op = OpcodeFromText(kw);
  if (!op || IsBlockKeyword(kw) || kw == "else" || kw == "end")
    return Fail(kwt, "unknown operator " + std::string(kw));
  ++pos_;
  const OpcodeInfo& info = GetOpcodeInfo(*op);
  auto number = [&](auto parse) -> Result<uint64_t> {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return Unexpected(t);
    auto v = parse(Text(t));
    if (!v) return Fail(t, v.error().message);
    ++pos_;
    return static_cast<uint64_t>(*v);
  };
  switch (info.imm) {
    case Imm::None:
      if (*op == Opcode::kSelect && PeekLParenKeyword("result")) {
        std::vector<ValType> types;
        while (PeekLParenKeyword("result")) {
          pos_ += 2;
          while (Peek().kind != TokenKind::kRParen) {
            NW_TRY_ASSIGN(ValType t, ParseValType());
            types.push_back(t);
          }
          ++pos_;
        }
        EmitOp(w, GetOpcodeInfo(Opcode::kSelectT));
        w.ULeb(types.size());
        for (ValType t : types) w.U8(static_cast<uint8_t>(t));
        return Ok();
      }
      EmitOp(w, info);
      return Ok();
    case Imm::Block:
      return Fail(kwt, "unknown operator " + std::string(kw));
    case Imm::Label: {
      NW_TRY_ASSIGN(uint32_t l, ParseLabelIndex(c));
      EmitOp(w, info);
      w.ULeb(l);
      return Ok();
    }
    case Imm::BrTable: {
      std::vector<uint32_t> labels;
      do {
        NW_TRY_ASSIGN(uint32_t l, ParseLabelIndex(c));
        labels.push_back(l);
      } while (PeekIndex());
      EmitOp(w, info);
      w.ULeb(labels.size() - 1);
      for (uint32_t l : labels) w.ULeb(l);
      return Ok();
    }
    case Imm::Func:
    case Imm::Global:
    case Imm::Elem:
    case Imm::Data: {
      Space sp = info.imm == Imm::Func     ? kFuncs
                 : info.imm == Imm::Global ? kGlobals
                 : info.imm == Imm::Elem   ? kElems
                                           : kDatas;
      NW_TRY_ASSIGN(uint32_t idx, ParseIndex(sp));
      if (sp == kDatas) uses_data_count_ = true;
      EmitOp(w, info);
      w.ULeb(idx);
      return Ok();
    }
    case Imm::Tag: {
      NW_TRY_ASSIGN(uint32_t idx, ParseIndex(kTags));
      EmitOp(w, info);
      w.ULeb(idx);
      return Ok();
    }
    case Imm::TryTable:
      return Fail(kwt, "unknown operator " + std::string(kw));
    case Imm::Local: {
      NW_TRY_ASSIGN(uint32_t idx, ParseLocalIndex(c));
      EmitOp(w, info);
      w.ULeb(idx);
      return Ok();
    }
    case Imm::Table: {
      uint32_t idx = 0;
      if (PeekIndex()) { NW_TRY_ASSIGN(idx, ParseIndex(kTables)); }
      EmitOp(w, info);
      w.ULeb(idx);
      return Ok();
    }
    case Imm::CallIndirect: {
      uint32_t table = 0;
      if (PeekIndex()) { NW_TRY_ASSIGN(table, ParseIndex(kTables)); }
      NW_TRY_ASSIGN(TypeUse tu, ParseTypeUse(false));
      NW_TRY_ASSIGN(uint32_t type, ResolveTypeUse(tu));
      EmitOp(w, info);
      w.ULeb(type);
      w.ULeb(table);
      return Ok();
    }
    case Imm::MemArg:
      EmitOp(w, info);
      return ParseMemArg(w, *op, /*lane_follows=*/false);
    case Imm::Mem: {
      uint32_t mem = 0;
      if (PeekIndex()) { NW_TRY_ASSIGN(mem, ParseIndex(kMems)); }
      EmitOp(w, info);
      w.ULeb(mem);
      return Ok();
    }
    case Imm::I32: {
      NW_TRY_ASSIGN(uint64_t v, number([](std::string_view s) { return ParseInt(s, 32); }));
      EmitOp(w, info);
      w.SLeb(static_cast<int32_t>(static_cast<uint32_t>(v)));
      return Ok();
    }
    case Imm::I64: {
      NW_TRY_ASSIGN(uint64_t v, number([](std::string_view s) { return ParseInt(s, 64); }));
      EmitOp(w, info);
      w.SLeb(static_cast<int64_t>(v));
      return Ok();
    }
    case Imm::F32: {
      NW_TRY_ASSIGN(uint64_t v, number([](std::string_view s) { return ParseF32(s); }));
      EmitOp(w, info);
      w.U32Fixed(static_cast<uint32_t>(v));
      return Ok();
    }
    case Imm::F64: {
      NW_TRY_ASSIGN(uint64_t v, number([](std::string_view s) { return ParseF64(s); }));
      EmitOp(w, info);
      w.U64Fixed(v);
      return Ok();
    }
    case Imm::SelectT:
      return Fail(kwt, "unknown operator " + std::string(kw));
    case Imm::RefNull: {
      const Token& t = Peek();
      uint8_t type;
      if (PeekKeyword("func")) type = static_cast<uint8_t>(ValType::kFuncRef);
      else if (PeekKeyword("extern")) type = static_cast<uint8_t>(ValType::kExternRef);
      else if (PeekKeyword("exn")) type = static_cast<uint8_t>(ValType::kExnRef);
      else return Unexpected(t);
      ++pos_;
      EmitOp(w, info);
      w.U8(type);
      return Ok();
    }
    case Imm::MemInit: {
      // memory.init memidx? dataidx
      uint32_t mem = 0, data = 0;
      if (TwoIndicesAhead()) { NW_TRY_ASSIGN(mem, ParseIndex(kMems)); }
      NW_TRY_ASSIGN(data, ParseIndex(kDatas));
      uses_data_count_ = true;
      EmitOp(w, info);
      w.ULeb(data);
      w.ULeb(mem);
      return Ok();
    }
    case Imm::MemCopy: {
      uint32_t dst = 0, src = 0;
      if (PeekIndex()) {
        NW_TRY_ASSIGN(dst, ParseIndex(kMems));
        NW_TRY_ASSIGN(src, ParseIndex(kMems));
      }
      EmitOp(w, info);
      w.ULeb(dst);
      w.ULeb(src);
      return Ok();
    }
    case Imm::TableInit: {
      // table.init tableidx? elemidx
      uint32_t table = 0, elem = 0;
      if (TwoIndicesAhead()) { NW_TRY_ASSIGN(table, ParseIndex(kTables)); }
      NW_TRY_ASSIGN(elem, ParseIndex(kElems));
      EmitOp(w, info);
      w.ULeb(elem);
      w.ULeb(table);
      return Ok();
    }
    case Imm::TableCopy: {
      uint32_t dst = 0, src = 0;
      if (PeekIndex()) {
        NW_TRY_ASSIGN(dst, ParseIndex(kTables));
        NW_TRY_ASSIGN(src, ParseIndex(kTables));
      }
      EmitOp(w, info);
      w.ULeb(dst);
      w.ULeb(src);
      return Ok();
    }
    case Imm::V128: {
      uint8_t bytes[16];
      NW_TRY(ParseV128Literal(bytes));
      EmitOp(w, info);
      for (uint8_t b : bytes) w.U8(b);
      return Ok();
    }
    case Imm::Lane: {
      NW_TRY_ASSIGN(uint64_t lane, number([](std::string_view s) { return ParseUnsigned(s, 8); }));
      EmitOp(w, info);
      w.U8(static_cast<uint8_t>(lane));
      return Ok();
    }
    case Imm::MemArgLane: {
      EmitOp(w, info);
      NW_TRY(ParseMemArg(w, *op, /*lane_follows=*/true));
      NW_TRY_ASSIGN(uint64_t lane, number([](std::string_view s) { return ParseUnsigned(s, 8); }));
      w.U8(static_cast<uint8_t>(lane));
      return Ok();
    }
    case Imm::Shuffle: {
      uint8_t lanes[16];
      for (uint8_t& l : lanes) {
        NW_TRY_ASSIGN(uint64_t v, number([](std::string_view s) { return ParseUnsigned(s, 8); }));
        l = static_cast<uint8_t>(v);
      }
      EmitOp(w, info);
      for (uint8_t b : lanes) w.U8(b);
      return Ok();
    }
  }
  return Fail(kwt, "unknown operator " + std::string(kw));
}

}  // namespace nw

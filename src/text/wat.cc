// WAT module fields -> ModuleDesc: the two passes over fields (identifiers, then contents),
// type uses with implicit type definitions, imports/exports (inline forms too), tables,
// memories, globals, element and data segments. Instructions are in wat_instr.cc.
#include <algorithm>
#include <string>

#include "text/wat.h"
#include "text/wat_parser.h"

namespace nw {
namespace {

constexpr std::string_view kSpaceNames[] = {"function", "table",        "memory",       "global",
                                            "type",     "elem segment", "data segment", "tag"};
constexpr std::string_view kDupNames[] = {"func", "table", "memory", "global",
                                          "type", "elem",  "data",   "tag"};

// i32.const 0; end — the offset of inline table elems and memory data.
ConstExpr ZeroOffset() { return ConstExpr{{0x41, 0x00, 0x0B}, 0}; }

std::string TypeKey(const FuncType& ft) {
  std::string k;
  k.reserve(ft.params.size() + ft.results.size() + 1);
  for (ValType t : ft.params) k += static_cast<char>(t);
  k += '\0';  // not a value type byte
  for (ValType t : ft.results) k += static_cast<char>(t);
  return k;
}

}  // namespace

TokenBuffer TokenBuffer::Make(std::string_view src) {
  TokenBuffer tb;
  tb.src = src;
  tb.toks = Lex(src);
  tb.match.assign(tb.toks.size(), kNoMatch);
  std::vector<uint32_t> stack;
  for (uint32_t i = 0; i < tb.toks.size(); ++i) {
    if (tb.toks[i].kind == TokenKind::kLParen) {
      stack.push_back(i);
    } else if (tb.toks[i].kind == TokenKind::kRParen && !stack.empty()) {
      tb.match[stack.back()] = i;
      stack.pop_back();
    }
  }
  return tb;
}

// ---- token helpers ----------------------------------------------------------------------------

std::unexpected<Error> WatParser::Unexpected(const Token& t) const {
  if (t.kind == TokenKind::kReserved) return Fail(t, t.error);
  if (t.kind == TokenKind::kEof) return Fail(t, "unexpected end of input");
  return Fail(t, "unexpected token " + std::string(Text(t)));
}

Status WatParser::Expect(TokenKind kind) {
  if (Peek().kind != kind) return Unexpected(Peek());
  ++pos_;
  return Ok();
}

Status WatParser::ExpectKeyword(std::string_view kw) {
  if (!PeekKeyword(kw)) return Unexpected(Peek());
  ++pos_;
  return Ok();
}

Status WatParser::ExpectLParenKeyword(std::string_view kw) {
  if (Peek().kind != TokenKind::kLParen) return Unexpected(Peek());
  if (!PeekKeyword(kw, 1)) return Unexpected(Peek(1));
  pos_ += 2;
  return Ok();
}

std::optional<std::string_view> WatParser::OptionalId() {
  if (Peek().kind != TokenKind::kId) return std::nullopt;
  return Text(tb_.toks[pos_++]);
}

Result<std::string> WatParser::ParseString() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kString) return Unexpected(t);
  ++pos_;
  return DecodeString(Text(t));
}

Result<std::string> WatParser::ParseName() {
  const Token& t = Peek();
  NW_TRY_ASSIGN(std::string s, ParseString());
  if (!IsValidUtf8(s)) return Fail(t, "malformed UTF-8 encoding");
  return s;
}

Result<uint32_t> WatParser::ParseU32() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kNumber) return Unexpected(t);
  auto v = ParseUnsigned(Text(t), 32);
  if (!v) return Fail(t, v.error().message);
  ++pos_;
  return static_cast<uint32_t>(*v);
}

Result<uint32_t> WatParser::ParseIndex(Space space) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kId) {
    auto& ids = spaces_[space].ids;
    auto it = ids.find(Text(t));
    if (it == ids.end())
      return Fail(t, "unknown " + std::string(kSpaceNames[space]) + " " + std::string(Text(t)));
    ++pos_;
    return it->second;
  }
  return ParseU32();
}

Result<uint32_t> WatParser::ParseLocalIndex(const FuncCtx& c) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kId) {
    auto it = c.local_ids.find(Text(t));
    if (it == c.local_ids.end()) return Fail(t, "unknown local " + std::string(Text(t)));
    ++pos_;
    return it->second;
  }
  return ParseU32();
}

Result<uint32_t> WatParser::ParseLabelIndex(const FuncCtx& c) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kId) {
    std::string_view id = Text(t);
    for (size_t i = c.labels.size(); i-- > 0;) {
      if (c.labels[i] == id) {
        ++pos_;
        return static_cast<uint32_t>(c.labels.size() - 1 - i);
      }
    }
    return Fail(t, "unknown label " + std::string(id));
  }
  return ParseU32();
}

// ---- types --------------------------------------------------------------------------------

Result<ValType> WatParser::ParseValType() {
  const Token& t = Peek();
  if (t.kind == TokenKind::kKeyword) {
    std::string_view s = Text(t);
    ValType v;
    if (s == "i32") v = ValType::kI32;
    else if (s == "i64") v = ValType::kI64;
    else if (s == "f32") v = ValType::kF32;
    else if (s == "f64") v = ValType::kF64;
    else if (s == "v128") v = ValType::kV128;
    else if (s == "funcref") v = ValType::kFuncRef;
    else if (s == "externref") v = ValType::kExternRef;
    else if (s == "exnref") v = ValType::kExnRef;
    else return Unexpected(t);
    ++pos_;
    return v;
  }
  return Unexpected(t);
}

Result<ValType> WatParser::ParseRefType() {
  const Token& t = Peek();
  NW_TRY_ASSIGN(ValType v, ParseValType());
  if (!IsRefType(v)) return Unexpected(t);
  return v;
}

Result<Limits> WatParser::ParseLimits() {
  Limits l;
  NW_TRY_ASSIGN(l.min, ParseU32());
  if (Peek().kind == TokenKind::kNumber) {
    NW_TRY_ASSIGN(uint32_t max, ParseU32());
    l.max = max;
  }
  return l;
}

Result<MemoryType> WatParser::ParseMemoryType() {
  MemoryType t;
  NW_TRY_ASSIGN(t.limits, ParseLimits());
  if (PeekKeyword("shared")) {  // threads proposal; the validator checks the feature and max
    ++pos_;
    t.shared = true;
  }
  return t;
}

Result<GlobalType> WatParser::ParseGlobalType() {
  GlobalType g;
  if (PeekLParenKeyword("mut")) {
    pos_ += 2;
    NW_TRY_ASSIGN(g.type, ParseValType());
    NW_TRY(Expect(TokenKind::kRParen));
    g.mut = true;
    return g;
  }
  NW_TRY_ASSIGN(g.type, ParseValType());
  return g;
}

Result<WatParser::TypeUse> WatParser::ParseTypeUse(bool allow_param_ids) {
  TypeUse tu;
  tu.offset = Peek().offset;
  if (PeekLParenKeyword("type")) {
    pos_ += 2;
    NW_TRY_ASSIGN(uint32_t idx, ParseIndex(kTypes));
    tu.index = idx;
    NW_TRY(Expect(TokenKind::kRParen));
  }
  while (PeekLParenKeyword("param")) {
    pos_ += 2;
    tu.has_inline = true;
    if (Peek().kind == TokenKind::kId) {
      if (!allow_param_ids) return Unexpected(Peek());
      std::string_view id = *OptionalId();
      NW_TRY_ASSIGN(ValType t, ParseValType());
      tu.type.params.push_back(t);
      tu.param_ids.push_back(id);
    } else {
      while (Peek().kind != TokenKind::kRParen) {
        NW_TRY_ASSIGN(ValType t, ParseValType());
        tu.type.params.push_back(t);
        tu.param_ids.push_back({});
      }
    }
    NW_TRY(Expect(TokenKind::kRParen));
  }
  while (PeekLParenKeyword("result")) {
    pos_ += 2;
    tu.has_inline = true;
    while (Peek().kind != TokenKind::kRParen) {
      NW_TRY_ASSIGN(ValType t, ParseValType());
      tu.type.results.push_back(t);
    }
    NW_TRY(Expect(TokenKind::kRParen));
  }
  return tu;
}

uint32_t WatParser::FindOrAddType(const FuncType& ft) {
  if (type_lookup_.empty() && !m_.types.empty()) {
    for (uint32_t i = 0; i < m_.types.size(); ++i) type_lookup_.emplace(TypeKey(m_.types[i]), i);
  }
  auto [it, inserted] =
      type_lookup_.emplace(TypeKey(ft), static_cast<uint32_t>(m_.types.size()));
  if (inserted) m_.types.push_back(ft);
  return it->second;
}

Result<uint32_t> WatParser::ResolveTypeUse(const TypeUse& tu) {
  if (tu.index) {
    if (tu.has_inline) {
      if (*tu.index >= m_.types.size()) return MakeError(tu.offset, "unknown type");
      if (m_.types[*tu.index] != tu.type) return MakeError(tu.offset, "inline function type");
    }
    return *tu.index;
  }
  return FindOrAddType(tu.type);
}

// ---- pass 1 -------------------------------------------------------------------------------

Status WatParser::DefineId(Space space, std::optional<std::string_view> id, const Token& at) {
  IndexSpace& s = spaces_[space];
  if (id) {
    auto [it, inserted] = s.ids.emplace(*id, s.count);
    if (!inserted) return Fail(at, "duplicate " + std::string(kDupNames[space]) + " " +
                                       std::string(*id));
  }
  ++s.count;
  return Ok();
}

Status WatParser::ScanField() {
  const Token& open = Peek();
  if (open.kind != TokenKind::kLParen) return Unexpected(open);
  uint32_t close = tb_.match[pos_];
  if (close == kNoMatch || close >= end_) return Fail(open, "unclosed parenthesis");
  const Token& kwt = Peek(1);
  if (kwt.kind != TokenKind::kKeyword) return Unexpected(kwt);
  std::string_view kw = Text(kwt);
  auto note_def = [&](Space sp, bool is_import) -> Status {
    if (is_import) {
      if (first_def_kind_ >= 0)
        return Fail(kwt, "import after " + std::string(kSpaceNames[first_def_kind_]));
      ++spaces_[sp].imported;
    } else if (first_def_kind_ < 0) {
      first_def_kind_ = sp;
    }
    return Ok();
  };
  auto space_of = [](std::string_view k, Space* out) {
    if (k == "func") *out = kFuncs;
    else if (k == "table") *out = kTables;
    else if (k == "memory") *out = kMems;
    else if (k == "global") *out = kGlobals;
    else if (k == "tag") *out = kTags;
    else return false;
    return true;
  };
  Space sp;
  if (kw == "type") {
    NW_TRY(ParseTypeField(true));
    pos_ = close + 1;
    return Ok();
  } else if (kw == "import") {
    // (import "m" "n" (kind $id? ...)); a malformed shape is reported by pass 2.
    if (pos_ + 6 < close && tb_.toks[pos_ + 4].kind == TokenKind::kLParen &&
        tb_.toks[pos_ + 5].kind == TokenKind::kKeyword &&
        space_of(Text(tb_.toks[pos_ + 5]), &sp)) {
      std::optional<std::string_view> id;
      if (tb_.toks[pos_ + 6].kind == TokenKind::kId) id = Text(tb_.toks[pos_ + 6]);
      NW_TRY(note_def(sp, true));
      NW_TRY(DefineId(sp, id, tb_.toks[pos_ + 6]));
    }
  } else if (space_of(kw, &sp)) {
    std::optional<std::string_view> id;
    if (Peek(2).kind == TokenKind::kId) id = Text(Peek(2));
    bool is_import = false, inline_elem = false, inline_data = false;
    for (size_t j = pos_ + 2; j < close;) {
      if (tb_.toks[j].kind == TokenKind::kLParen) {
        const Token& k = tb_.toks[j + 1];
        if (k.kind == TokenKind::kKeyword) {
          std::string_view ks = Text(k);
          is_import |= ks == "import";
          inline_elem |= ks == "elem";
          inline_data |= ks == "data";
        }
        if (tb_.match[j] == kNoMatch) break;
        j = tb_.match[j] + 1;
      } else {
        ++j;
      }
    }
    NW_TRY(note_def(sp, is_import));
    NW_TRY(DefineId(sp, id, kwt));
    if (sp == kTables && inline_elem && !is_import) NW_TRY(DefineId(kElems, std::nullopt, kwt));
    if (sp == kMems && inline_data && !is_import) NW_TRY(DefineId(kDatas, std::nullopt, kwt));
  } else if (kw == "elem" || kw == "data") {
    std::optional<std::string_view> id;
    if (Peek(2).kind == TokenKind::kId) id = Text(Peek(2));
    NW_TRY(DefineId(kw == "elem" ? kElems : kDatas, id, kwt));
  } else if (kw != "export" && kw != "start") {
    return Fail(kwt, "unexpected token " + std::string(kw));
  }
  pos_ = close + 1;
  return Ok();
}

// ---- pass 2 -------------------------------------------------------------------------------

Result<ModuleDesc> WatParser::Run(std::optional<std::string_view> module_id) {
  pos_ = begin_;
  while (pos_ < end_) NW_TRY(ScanField());
  pos_ = begin_;
  bool seen_start = false;
  while (pos_ < end_) {
    if (PeekKeyword("start", 1)) {
      if (seen_start) return Fail(Peek(1), "multiple start sections");
      seen_start = true;
    }
    NW_TRY(ParseField());
  }
  if (module_id) m_.names.module = std::string(module_id->substr(1));
  if (uses_data_count_) m_.data_count = static_cast<uint32_t>(m_.datas.size());
  m_.CountImports();
  return std::move(m_);
}

Status WatParser::ParseField() {
  std::string_view kw = Text(Peek(1));
  if (kw == "type") {
    pos_ = tb_.match[pos_] + 1;  // parsed in pass 1
    return Ok();
  }
  if (kw == "import") return ParseImportField();
  if (kw == "func") return ParseFuncField();
  if (kw == "table") return ParseTableField();
  if (kw == "memory") return ParseMemoryField();
  if (kw == "global") return ParseGlobalField();
  if (kw == "export") return ParseExportField();
  if (kw == "start") return ParseStartField();
  if (kw == "elem") return ParseElemField();
  if (kw == "tag") return ParseTagField();
  return ParseDataField();
}

Status WatParser::ParseTypeField(bool define) {
  const Token& kwt = Peek(1);
  pos_ += 2;
  auto id = OptionalId();
  NW_TRY(ExpectLParenKeyword("func"));
  if (PeekLParenKeyword("type")) return Unexpected(Peek());
  NW_TRY_ASSIGN(TypeUse tu, ParseTypeUse(true));
  NW_TRY(Expect(TokenKind::kRParen));
  NW_TRY(Expect(TokenKind::kRParen));
  if (define) {
    NW_TRY(DefineId(kTypes, id, kwt));
    m_.types.push_back(std::move(tu.type));
  }
  return Ok();
}

Status WatParser::ParseInlineExports(ExternKind kind, uint32_t index) {
  while (PeekLParenKeyword("export")) {
    pos_ += 2;
    NW_TRY_ASSIGN(std::string name, ParseName());
    NW_TRY(Expect(TokenKind::kRParen));
    m_.exports.push_back(Export{std::move(name), kind, index});
  }
  return Ok();
}

Result<bool> WatParser::ParseInlineImport(Import* imp) {
  if (!PeekLParenKeyword("import")) return false;
  pos_ += 2;
  NW_TRY_ASSIGN(imp->module, ParseName());
  NW_TRY_ASSIGN(imp->name, ParseName());
  NW_TRY(Expect(TokenKind::kRParen));
  return true;
}

Status WatParser::ParseImportField() {
  pos_ += 2;
  Import imp;
  NW_TRY_ASSIGN(imp.module, ParseName());
  NW_TRY_ASSIGN(imp.name, ParseName());
  NW_TRY(Expect(TokenKind::kLParen));
  const Token& kt = Peek();
  std::string_view k = kt.kind == TokenKind::kKeyword ? Text(kt) : std::string_view();
  ++pos_;
  auto id = OptionalId();
  if (k == "func") {
    uint32_t index = funcs_seen_++;
    if (id) m_.names.functions[index] = std::string(id->substr(1));
    NW_TRY_ASSIGN(TypeUse tu, ParseTypeUse(true));
    NW_TRY_ASSIGN(imp.func_type, ResolveTypeUse(tu));
    imp.kind = ExternKind::kFunc;
  } else if (k == "table") {
    ++tables_seen_;
    NW_TRY_ASSIGN(imp.table.limits, ParseLimits());
    NW_TRY_ASSIGN(imp.table.elem, ParseRefType());
    imp.kind = ExternKind::kTable;
  } else if (k == "memory") {
    ++mems_seen_;
    NW_TRY_ASSIGN(imp.memory, ParseMemoryType());
    imp.kind = ExternKind::kMemory;
  } else if (k == "global") {
    ++globals_seen_;
    NW_TRY_ASSIGN(imp.global, ParseGlobalType());
    imp.kind = ExternKind::kGlobal;
  } else if (k == "tag") {
    ++tags_seen_;
    NW_TRY_ASSIGN(TypeUse tu, ParseTypeUse(false));
    NW_TRY_ASSIGN(imp.tag_type, ResolveTypeUse(tu));
    imp.kind = ExternKind::kTag;
  } else {
    return Unexpected(kt);
  }
  NW_TRY(Expect(TokenKind::kRParen));
  NW_TRY(Expect(TokenKind::kRParen));
  m_.imports.push_back(std::move(imp));
  return Ok();
}

Status WatParser::ParseFuncField() {
  const Token& start = Peek();
  pos_ += 2;
  auto id = OptionalId();
  uint32_t index = funcs_seen_++;
  if (id) m_.names.functions[index] = std::string(id->substr(1));
  NW_TRY(ParseInlineExports(ExternKind::kFunc, index));
  Import imp;
  NW_TRY_ASSIGN(bool is_import, ParseInlineImport(&imp));
  NW_TRY_ASSIGN(TypeUse tu, ParseTypeUse(true));
  NW_TRY_ASSIGN(uint32_t type_index, ResolveTypeUse(tu));
  if (is_import) {
    imp.kind = ExternKind::kFunc;
    imp.func_type = type_index;
    m_.imports.push_back(std::move(imp));
    return Expect(TokenKind::kRParen);
  }
  (void)start;
  return ParseFuncBody(index, tu, type_index);
}

Status WatParser::ParseFuncBody(uint32_t func_index, const TypeUse& tu, uint32_t type_index) {
  FuncCtx c;
  Function f;
  f.type_index = type_index;
  f.body_offset = Peek().offset;
  auto define_local = [&](std::string_view id, const Token& at) -> Status {
    if (!id.empty()) {
      if (!c.local_ids.emplace(id, c.num_locals).second)
        return Fail(at, "duplicate local " + std::string(id));
      m_.names.locals[func_index][c.num_locals] = std::string(id.substr(1));
    }
    ++c.num_locals;
    return Ok();
  };
  if (tu.index && !tu.has_inline && *tu.index < m_.types.size()) {
    c.num_locals = static_cast<uint32_t>(m_.types[*tu.index].params.size());
  } else {
    for (std::string_view pid : tu.param_ids) NW_TRY(define_local(pid, Peek()));
  }
  while (PeekLParenKeyword("local")) {
    pos_ += 2;
    auto add = [&](ValType t) {
      if (!f.locals.empty() && f.locals.back().type == t) ++f.locals.back().count;
      else f.locals.push_back(LocalDecl{1, t});
    };
    if (Peek().kind == TokenKind::kId) {
      const Token& idt = Peek();
      std::string_view lid = *OptionalId();
      NW_TRY_ASSIGN(ValType t, ParseValType());
      NW_TRY(define_local(lid, idt));
      add(t);
    } else {
      while (Peek().kind != TokenKind::kRParen) {
        NW_TRY_ASSIGN(ValType t, ParseValType());
        NW_TRY(define_local({}, Peek()));
        add(t);
      }
    }
    NW_TRY(Expect(TokenKind::kRParen));
  }
  c.labels.push_back({});
  Writer w;
  NW_TRY(ParseInstrs(w, c));
  NW_TRY(Expect(TokenKind::kRParen));
  w.U8(0x0B);
  f.body = std::move(w.bytes());
  m_.functions.push_back(std::move(f));
  return Ok();
}

Result<ConstExpr> WatParser::ParseConstExprUntilClose() {
  ConstExpr e;
  e.offset = Peek().offset;
  FuncCtx c;
  c.labels.push_back({});
  Writer w;
  NW_TRY(ParseInstrs(w, c));
  w.U8(0x0B);
  e.bytes = std::move(w.bytes());
  return e;
}

Result<ConstExpr> WatParser::ParseOffsetOrItem(std::string_view kw) {
  if (PeekLParenKeyword(kw)) {
    pos_ += 2;
    NW_TRY_ASSIGN(ConstExpr e, ParseConstExprUntilClose());
    NW_TRY(Expect(TokenKind::kRParen));
    return e;
  }
  if (Peek().kind != TokenKind::kLParen) return Unexpected(Peek());
  ConstExpr e;
  e.offset = Peek().offset;
  FuncCtx c;
  c.labels.push_back({});
  Writer w;
  NW_TRY(ParseFolded(w, c));
  w.U8(0x0B);
  e.bytes = std::move(w.bytes());
  return e;
}

Status WatParser::ParseTableField() {
  pos_ += 2;
  OptionalId();
  uint32_t index = tables_seen_++;
  NW_TRY(ParseInlineExports(ExternKind::kTable, index));
  Import imp;
  NW_TRY_ASSIGN(bool is_import, ParseInlineImport(&imp));
  if (is_import) {
    imp.kind = ExternKind::kTable;
    NW_TRY_ASSIGN(imp.table.limits, ParseLimits());
    NW_TRY_ASSIGN(imp.table.elem, ParseRefType());
    m_.imports.push_back(std::move(imp));
    return Expect(TokenKind::kRParen);
  }
  TableType tt;
  if (Peek().kind == TokenKind::kKeyword) {
    // reftype (elem ...): a table sized to its inline segment.
    NW_TRY_ASSIGN(tt.elem, ParseRefType());
    NW_TRY(ExpectLParenKeyword("elem"));
    ElemSegment seg;
    seg.mode = SegmentMode::kActive;
    seg.table_index = index;
    seg.type = tt.elem;
    seg.offset = ZeroOffset();
    bool exprs = Peek().kind == TokenKind::kLParen;
    while (Peek().kind != TokenKind::kRParen) {
      if (exprs) {
        NW_TRY_ASSIGN(ConstExpr e, ParseOffsetOrItem("item"));
        seg.exprs.push_back(std::move(e));
      } else {
        NW_TRY_ASSIGN(uint32_t f, ParseIndex(kFuncs));
        seg.func_indices.push_back(f);
      }
    }
    NW_TRY(Expect(TokenKind::kRParen));
    seg.flags = (exprs ? 4 : 0) | ((index != 0 || (exprs && tt.elem != ValType::kFuncRef)) ? 2 : 0);
    tt.limits.min = seg.Size();
    tt.limits.max = seg.Size();
    m_.elems.push_back(std::move(seg));
  } else {
    NW_TRY_ASSIGN(tt.limits, ParseLimits());
    NW_TRY_ASSIGN(tt.elem, ParseRefType());
  }
  m_.tables.push_back(tt);
  return Expect(TokenKind::kRParen);
}

Status WatParser::ParseMemoryField() {
  pos_ += 2;
  OptionalId();
  uint32_t index = mems_seen_++;
  NW_TRY(ParseInlineExports(ExternKind::kMemory, index));
  Import imp;
  NW_TRY_ASSIGN(bool is_import, ParseInlineImport(&imp));
  if (is_import) {
    imp.kind = ExternKind::kMemory;
    NW_TRY_ASSIGN(imp.memory, ParseMemoryType());
    m_.imports.push_back(std::move(imp));
    return Expect(TokenKind::kRParen);
  }
  MemoryType mt;
  if (PeekLParenKeyword("data")) {
    pos_ += 2;
    DataSegment d;
    d.mode = SegmentMode::kActive;
    d.memory_index = index;
    d.flags = index != 0 ? 2 : 0;
    d.offset = ZeroOffset();
    while (Peek().kind == TokenKind::kString) {
      NW_TRY_ASSIGN(std::string s, ParseString());
      d.bytes.insert(d.bytes.end(), s.begin(), s.end());
    }
    NW_TRY(Expect(TokenKind::kRParen));
    uint64_t pages = (d.bytes.size() + kPageSize - 1) / kPageSize;
    mt.limits.min = pages;
    mt.limits.max = pages;
    m_.datas.push_back(std::move(d));
  } else {
    NW_TRY_ASSIGN(mt, ParseMemoryType());
  }
  m_.memories.push_back(mt);
  return Expect(TokenKind::kRParen);
}

Status WatParser::ParseGlobalField() {
  pos_ += 2;
  OptionalId();
  uint32_t index = globals_seen_++;
  NW_TRY(ParseInlineExports(ExternKind::kGlobal, index));
  Import imp;
  NW_TRY_ASSIGN(bool is_import, ParseInlineImport(&imp));
  if (is_import) {
    imp.kind = ExternKind::kGlobal;
    NW_TRY_ASSIGN(imp.global, ParseGlobalType());
    m_.imports.push_back(std::move(imp));
    return Expect(TokenKind::kRParen);
  }
  GlobalDecl g;
  NW_TRY_ASSIGN(g.type, ParseGlobalType());
  NW_TRY_ASSIGN(g.init, ParseConstExprUntilClose());
  m_.globals.push_back(std::move(g));
  return Expect(TokenKind::kRParen);
}

// (tag $id? (export "n")* (import "m" "n")? typeuse): exception handling.
Status WatParser::ParseTagField() {
  pos_ += 2;
  OptionalId();
  uint32_t index = tags_seen_++;
  NW_TRY(ParseInlineExports(ExternKind::kTag, index));
  Import imp;
  NW_TRY_ASSIGN(bool is_import, ParseInlineImport(&imp));
  NW_TRY_ASSIGN(TypeUse tu, ParseTypeUse(false));
  NW_TRY_ASSIGN(uint32_t type_index, ResolveTypeUse(tu));
  if (is_import) {
    imp.kind = ExternKind::kTag;
    imp.tag_type = type_index;
    m_.imports.push_back(std::move(imp));
  } else {
    m_.tags.push_back(type_index);
  }
  return Expect(TokenKind::kRParen);
}

Status WatParser::ParseExportField() {
  pos_ += 2;
  Export e;
  NW_TRY_ASSIGN(e.name, ParseName());
  NW_TRY(Expect(TokenKind::kLParen));
  const Token& kt = Peek();
  std::string_view k = kt.kind == TokenKind::kKeyword ? Text(kt) : std::string_view();
  Space sp;
  if (k == "func") {
    e.kind = ExternKind::kFunc;
    sp = kFuncs;
  } else if (k == "table") {
    e.kind = ExternKind::kTable;
    sp = kTables;
  } else if (k == "memory") {
    e.kind = ExternKind::kMemory;
    sp = kMems;
  } else if (k == "global") {
    e.kind = ExternKind::kGlobal;
    sp = kGlobals;
  } else if (k == "tag") {
    e.kind = ExternKind::kTag;
    sp = kTags;
  } else {
    return Unexpected(kt);
  }
  ++pos_;
  NW_TRY_ASSIGN(e.index, ParseIndex(sp));
  NW_TRY(Expect(TokenKind::kRParen));
  NW_TRY(Expect(TokenKind::kRParen));
  m_.exports.push_back(std::move(e));
  return Ok();
}

Status WatParser::ParseStartField() {
  pos_ += 2;
  NW_TRY_ASSIGN(uint32_t f, ParseIndex(kFuncs));
  m_.start = f;
  return Expect(TokenKind::kRParen);
}

Status WatParser::ParseElemList(ElemSegment& seg, bool allow_bare_indices) {
  if (PeekKeyword("func")) {
    ++pos_;
  } else if (Peek().kind == TokenKind::kKeyword) {
    NW_TRY_ASSIGN(seg.type, ParseRefType());
    seg.flags |= 4;
    while (Peek().kind == TokenKind::kLParen) {
      NW_TRY_ASSIGN(ConstExpr e, ParseOffsetOrItem("item"));
      seg.exprs.push_back(std::move(e));
    }
    return Ok();
  } else if (!allow_bare_indices) {
    return Unexpected(Peek());
  }
  while (PeekIndex()) {
    NW_TRY_ASSIGN(uint32_t f, ParseIndex(kFuncs));
    seg.func_indices.push_back(f);
  }
  return Ok();
}

Status WatParser::ParseElemField() {
  pos_ += 2;
  OptionalId();
  ElemSegment seg;
  seg.flags = 0;
  if (PeekKeyword("declare")) {
    ++pos_;
    seg.mode = SegmentMode::kDeclarative;
    NW_TRY(ParseElemList(seg, false));
    seg.flags |= 3;
  } else if (Peek().kind == TokenKind::kLParen) {
    seg.mode = SegmentMode::kActive;
    if (PeekLParenKeyword("table")) {
      pos_ += 2;
      NW_TRY_ASSIGN(seg.table_index, ParseIndex(kTables));
      NW_TRY(Expect(TokenKind::kRParen));
    }
    NW_TRY_ASSIGN(seg.offset, ParseOffsetOrItem("offset"));
    NW_TRY(ParseElemList(seg, true));
    bool exprs = seg.flags & 4;
    if (seg.table_index != 0 || (exprs && seg.type != ValType::kFuncRef)) seg.flags |= 2;
  } else {
    seg.mode = SegmentMode::kPassive;
    NW_TRY(ParseElemList(seg, false));
    seg.flags |= 1;
  }
  m_.elems.push_back(std::move(seg));
  return Expect(TokenKind::kRParen);
}

Status WatParser::ParseDataField() {
  pos_ += 2;
  OptionalId();
  DataSegment d;
  if (Peek().kind == TokenKind::kLParen) {
    d.mode = SegmentMode::kActive;
    if (PeekLParenKeyword("memory")) {
      pos_ += 2;
      NW_TRY_ASSIGN(d.memory_index, ParseIndex(kMems));
      NW_TRY(Expect(TokenKind::kRParen));
    }
    NW_TRY_ASSIGN(d.offset, ParseOffsetOrItem("offset"));
    d.flags = d.memory_index != 0 ? 2 : 0;
  } else {
    d.mode = SegmentMode::kPassive;
    d.flags = 1;
  }
  while (Peek().kind == TokenKind::kString) {
    NW_TRY_ASSIGN(std::string s, ParseString());
    d.bytes.insert(d.bytes.end(), s.begin(), s.end());
  }
  m_.datas.push_back(std::move(d));
  return Expect(TokenKind::kRParen);
}

// ---- entry points ---------------------------------------------------------------------------

Result<ModuleDesc> ParseModuleFields(const TokenBuffer& tb, size_t begin, size_t end,
                                     std::optional<std::string_view> module_id) {
  WatParser p(tb, begin, end);
  return p.Run(module_id);
}

Result<ModuleDesc> ParseWat(std::string_view text) {
  if (text.size() >= UINT32_MAX) return MakeError(0, "input too large");
  TokenBuffer tb = TokenBuffer::Make(text);
  const auto& t = tb.toks;
  size_t eof = t.size() - 1;
  if (t[0].kind == TokenKind::kLParen && t[1].kind == TokenKind::kKeyword &&
      TokenText(text, t[1]) == "module") {
    uint32_t close = tb.match[0];
    if (close == kNoMatch) return MakeError(t[0].offset, "unclosed parenthesis");
    size_t begin = 2;
    std::optional<std::string_view> id;
    if (t[2].kind == TokenKind::kId) {
      id = TokenText(text, t[2]);
      begin = 3;
    }
    if (close + 1 != eof) {
      const Token& extra = t[close + 1];
      return MakeError(extra.offset, extra.kind == TokenKind::kReserved ? extra.error
                                                                         : "unexpected token");
    }
    return ParseModuleFields(tb, begin, close, id);
  }
  return ParseModuleFields(tb, 0, eof, std::nullopt);
}

LineCol LineColAt(std::string_view text, size_t offset) {
  LineCol lc;
  offset = std::min(offset, text.size());
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

}  // namespace nw

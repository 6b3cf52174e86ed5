// WAST scripts -> WastScript. The script is tokenized once; top-level text modules are parsed
// from those tokens directly, while modules inside assertions keep their source text (kind
// kQuote) so that a malformed one is the assertion's outcome, not a script error.
#include "text/wast.h"

#include <cstring>

#include "text/lexer.h"
#include "text/wat.h"
#include "text/wat_parser.h"

namespace nw {
namespace {

class WastParser {
 public:
  explicit WastParser(std::string_view text) : tb_(TokenBuffer::Make(text)), src_(text) {}

  Result<WastScript> Run() {
    WastScript script;
    if (IsModuleField(1)) {
      // A script that is just module fields is one inline module.
      WastCommand cmd;
      cmd.line = 1;
      cmd.has_module = true;
      cmd.module.line = 1;
      NW_TRY_ASSIGN(cmd.module.desc,
                    ParseModuleFields(tb_, 0, tb_.toks.size() - 1, std::nullopt));
      script.commands.push_back(std::move(cmd));
      return script;
    }
    while (Peek().kind != TokenKind::kEof) {
      WastCommand cmd;
      NW_TRY(ParseCommand(cmd));
      script.commands.push_back(std::move(cmd));
    }
    return script;
  }

 private:
  const Token& Peek(size_t k = 0) const {
    return pos_ + k < tb_.toks.size() ? tb_.toks[pos_ + k] : tb_.toks.back();
  }
  std::string_view Text(const Token& t) const { return TokenText(src_, t); }
  bool IsModuleField(size_t k) const {
    if (Peek(k).kind != TokenKind::kKeyword) return false;
    std::string_view kw = Text(Peek(k));
    return kw == "type" || kw == "import" || kw == "func" || kw == "table" || kw == "memory" ||
           kw == "global" || kw == "export" || kw == "start" || kw == "elem" || kw == "data" ||
           kw == "tag";
  }
  bool PeekKeyword(std::string_view kw, size_t k = 0) const {
    return Peek(k).kind == TokenKind::kKeyword && Text(Peek(k)) == kw;
  }
  bool PeekLParenKeyword(std::string_view kw) const {
    return Peek().kind == TokenKind::kLParen && PeekKeyword(kw, 1);
  }
  std::unexpected<Error> Unexpected(const Token& t) const {
    if (t.kind == TokenKind::kReserved) return MakeError(t.offset, t.error);
    if (t.kind == TokenKind::kEof) return MakeError(t.offset, "unexpected end of input");
    return MakeError(t.offset, "unexpected token " + std::string(Text(t)));
  }
  Status Expect(TokenKind kind) {
    if (Peek().kind != kind) return Unexpected(Peek());
    ++pos_;
    return Ok();
  }
  Result<std::string> String() {
    if (Peek().kind != TokenKind::kString) return Unexpected(Peek());
    return DecodeString(Text(tb_.toks[pos_++]));
  }
  std::optional<std::string> OptionalId() {
    if (Peek().kind != TokenKind::kId) return std::nullopt;
    return std::string(Text(tb_.toks[pos_++]));
  }

  // 1-based line of a byte offset; commands come in order, so counting is incremental.
  size_t LineOf(size_t offset) {
    for (; line_offset_ < offset; ++line_offset_)
      if (src_[line_offset_] == '\n') ++line_;
    return line_;
  }

  Status ParseCommand(WastCommand& cmd) {
    const Token& open = Peek();
    if (open.kind != TokenKind::kLParen) return Unexpected(open);
    if (tb_.match[pos_] == kNoMatch) return MakeError(open.offset, "unclosed parenthesis");
    cmd.line = LineOf(open.offset);
    const Token& kwt = Peek(1);
    if (kwt.kind != TokenKind::kKeyword) return Unexpected(kwt);
    std::string_view kw = Text(kwt);
    if (kw == "module") {
      cmd.kind = WastCommand::Kind::kModule;
      // A module in syntax this parser does not know (a proposal not implemented) does not
      // stop the script: it is kept as text and fails to load when its command runs (the
      // runner then reports it and has no current module), so the rest of the script runs.
      const size_t start = pos_;
      auto m = ParseModule(false);
      if (!m) {
        pos_ = start;
        NW_TRY_ASSIGN(m, ParseModule(true));
      }
      cmd.module = std::move(*m);
      cmd.has_module = true;
      return Ok();
    }
    if (kw == "invoke" || kw == "get") {
      cmd.kind = WastCommand::Kind::kAction;
      NW_TRY_ASSIGN(cmd.action, ParseAction());
      return Ok();
    }
    pos_ += 2;
    if (kw == "register") {
      cmd.kind = WastCommand::Kind::kRegister;
      NW_TRY_ASSIGN(cmd.register_name, String());
      cmd.register_module = OptionalId();
    } else if (kw == "assert_return") {
      cmd.kind = WastCommand::Kind::kAssertReturn;
      NW_TRY_ASSIGN(cmd.action, ParseAction());
      while (Peek().kind == TokenKind::kLParen) {
        NW_TRY_ASSIGN(WastConst c, ParseConst());
        cmd.expected.push_back(std::move(c));
      }
    } else if (kw == "assert_trap" || kw == "assert_exhaustion") {
      cmd.kind = kw == "assert_trap" ? WastCommand::Kind::kAssertTrap
                                     : WastCommand::Kind::kAssertExhaustion;
      if (PeekLParenKeyword("module")) {
        NW_TRY_ASSIGN(cmd.module, ParseModule(true));
        cmd.has_module = true;
      } else {
        NW_TRY_ASSIGN(cmd.action, ParseAction());
      }
      NW_TRY_ASSIGN(cmd.message, String());
    } else if (kw == "assert_exception") {
      cmd.kind = WastCommand::Kind::kAssertException;
      NW_TRY_ASSIGN(cmd.action, ParseAction());
    } else if (kw == "assert_malformed" || kw == "assert_invalid" ||
               kw == "assert_unlinkable" || kw == "assert_uninstantiable") {
      cmd.kind = kw == "assert_malformed"    ? WastCommand::Kind::kAssertMalformed
                 : kw == "assert_invalid"    ? WastCommand::Kind::kAssertInvalid
                 : kw == "assert_unlinkable" ? WastCommand::Kind::kAssertUnlinkable
                                             : WastCommand::Kind::kAssertUninstantiable;
      if (!PeekLParenKeyword("module")) return Unexpected(Peek());
      NW_TRY_ASSIGN(cmd.module, ParseModule(true));
      cmd.has_module = true;
      NW_TRY_ASSIGN(cmd.message, String());
    } else {
      return MakeError(kwt.offset, "unknown command " + std::string(kw));
    }
    return Expect(TokenKind::kRParen);
  }

  // At "(module". `lazy`: a text module keeps its source as a quote.
  Result<WastModule> ParseModule(bool lazy) {
    WastModule m;
    const Token& open = Peek();
    m.line = LineOf(open.offset);
    uint32_t close = tb_.match[pos_];
    if (close == kNoMatch) return MakeError(open.offset, "unclosed parenthesis");
    pos_ += 2;
    m.name = OptionalId();
    if (PeekKeyword("binary") || PeekKeyword("quote")) {
      bool binary = PeekKeyword("binary");
      ++pos_;
      m.kind = binary ? WastModule::Kind::kBinary : WastModule::Kind::kQuote;
      while (Peek().kind == TokenKind::kString) {
        NW_TRY_ASSIGN(std::string s, String());
        if (binary) m.binary.insert(m.binary.end(), s.begin(), s.end());
        else m.quote += s;
      }
      NW_TRY(Expect(TokenKind::kRParen));
      return m;
    }
    if (lazy) {
      m.kind = WastModule::Kind::kQuote;
      const Token& end = tb_.toks[close];
      m.quote = std::string(src_.substr(open.offset, end.offset + 1 - open.offset));
    } else {
      m.kind = WastModule::Kind::kText;
      std::optional<std::string_view> id;
      if (m.name) id = *m.name;
      NW_TRY_ASSIGN(m.desc, ParseModuleFields(tb_, pos_, close, id));
    }
    pos_ = close + 1;
    return m;
  }

  Result<WastAction> ParseAction() {
    WastAction a;
    if (PeekLParenKeyword("invoke")) {
      a.kind = WastAction::Kind::kInvoke;
    } else if (PeekLParenKeyword("get")) {
      a.kind = WastAction::Kind::kGet;
    } else {
      return Unexpected(Peek().kind == TokenKind::kLParen ? Peek(1) : Peek());
    }
    pos_ += 2;
    a.module = OptionalId();
    NW_TRY_ASSIGN(a.field, String());
    if (a.kind == WastAction::Kind::kInvoke) {
      while (Peek().kind == TokenKind::kLParen) {
        NW_TRY_ASSIGN(WastConst c, ParseConst());
        a.args.push_back(std::move(c));
      }
    }
    NW_TRY(Expect(TokenKind::kRParen));
    return a;
  }

  // A number token (or inf/nan keyword) converted by `parse`, with errors placed on it.
  template <class F>
  auto Number(F parse) -> decltype(parse(std::string_view())) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return Unexpected(t);
    auto v = parse(Text(t));
    if (!v) return MakeError(t.offset, v.error().message);
    ++pos_;
    return v;
  }

  // A float that may be a NaN pattern.
  Result<std::pair<WastConst::Kind, uint64_t>> FloatOrPattern(bool f32) {
    if (PeekKeyword("nan:canonical")) {
      ++pos_;
      return std::pair{WastConst::Kind::kNanCanonical, uint64_t{0}};
    }
    if (PeekKeyword("nan:arithmetic")) {
      ++pos_;
      return std::pair{WastConst::Kind::kNanArithmetic, uint64_t{0}};
    }
    uint64_t bits;
    if (f32) {
      NW_TRY_ASSIGN(bits, Number([](std::string_view s) -> Result<uint64_t> {
                      NW_TRY_ASSIGN(uint32_t b, ParseF32(s));
                      return b;
                    }));
    } else {
      NW_TRY_ASSIGN(bits, Number(ParseF64));
    }
    return std::pair{WastConst::Kind::kValue, bits};
  }

  Result<WastConst> ParseConst() {
    NW_TRY(Expect(TokenKind::kLParen));
    const Token& kwt = Peek();
    if (kwt.kind != TokenKind::kKeyword) return Unexpected(kwt);
    std::string_view kw = Text(kwt);
    ++pos_;
    WastConst c;
    if (kw == "i32.const" || kw == "i64.const") {
      bool is32 = kw == "i32.const";
      c.type = is32 ? ValType::kI32 : ValType::kI64;
      NW_TRY_ASSIGN(c.bits, Number([&](std::string_view s) { return ParseInt(s, is32 ? 32 : 64); }));
    } else if (kw == "f32.const" || kw == "f64.const") {
      bool is32 = kw == "f32.const";
      c.type = is32 ? ValType::kF32 : ValType::kF64;
      NW_TRY_ASSIGN(auto kb, FloatOrPattern(is32));
      c.kind = kb.first;
      c.bits = kb.second;
    } else if (kw == "ref.null") {
      c.kind = WastConst::Kind::kRefNull;
      if (PeekKeyword("func")) c.type = ValType::kFuncRef;
      else if (PeekKeyword("extern")) c.type = ValType::kExternRef;
      else return Unexpected(Peek());
      ++pos_;
    } else if (kw == "ref.extern") {
      c.kind = WastConst::Kind::kRefExtern;
      c.type = ValType::kExternRef;
      NW_TRY_ASSIGN(c.bits, Number([](std::string_view s) { return ParseUnsigned(s, 64); }));
    } else if (kw == "ref.func") {
      c.kind = WastConst::Kind::kRefFunc;
      c.type = ValType::kFuncRef;
      if (Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kId) ++pos_;
    } else if (kw == "v128.const") {
      NW_TRY(ParseV128(c));
    } else {
      return MakeError(kwt.offset, "unknown constant " + std::string(kw));
    }
    NW_TRY(Expect(TokenKind::kRParen));
    return c;
  }

  Status ParseV128(WastConst& c) {
    c.type = ValType::kV128;
    const Token& st = Peek();
    if (st.kind != TokenKind::kKeyword) return Unexpected(st);
    std::string_view shape = Text(st);
    auto sh = ParseV128Shape(shape);
    if (!sh) return Unexpected(st);
    const unsigned lanes = sh->lanes, bits = sh->bits;
    const bool is_float = sh->is_float;
    ++pos_;
    c.lane_shape = std::string(shape);
    bool pattern = false;
    for (unsigned i = 0; i < lanes; ++i) {
      WastConst::Kind kind = WastConst::Kind::kValue;
      uint64_t v;
      if (is_float) {
        NW_TRY_ASSIGN(auto kb, FloatOrPattern(bits == 32));
        kind = kb.first;
        v = kb.second;
        pattern |= kind != WastConst::Kind::kValue;
      } else {
        NW_TRY_ASSIGN(v, Number([&](std::string_view s) { return ParseInt(s, bits); }));
      }
      std::memcpy(c.v128 + i * (bits / 8), &v, bits / 8);  // little-endian host
      c.lane_kinds.push_back(kind);
      c.lane_bits.push_back(v);
    }
    c.kind = pattern ? WastConst::Kind::kV128Pattern : WastConst::Kind::kValue;
    return Ok();
  }

  TokenBuffer tb_;
  std::string_view src_;
  size_t pos_ = 0;
  size_t line_ = 1, line_offset_ = 0;
};

}  // namespace

Result<WastScript> ParseWast(std::string_view text) {
  if (text.size() >= UINT32_MAX) return MakeError(0, "input too large");
  WastParser p(text);
  return p.Run();
}

}  // namespace nw

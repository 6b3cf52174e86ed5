// Internal to src/text: the WAT module parser, shared by ParseWat and ParseWast (which parses
// top-level script modules straight from its own token vector instead of re-lexing them).
//
// Parsing is two passes over the module fields: the first records every identifier of every
// index space (so fields may refer forward) and the explicit type definitions; the second
// builds the ModuleDesc, encoding instructions to binary through the one opcode table.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/writer.h"
#include "format/module.h"
#include "format/opcode.h"
#include "text/lexer.h"

namespace nw {

inline constexpr uint32_t kNoMatch = UINT32_MAX;

// Tokens of one text plus, for each '(', the index of its ')' (kNoMatch if unbalanced).
struct TokenBuffer {
  std::string_view src;
  std::vector<Token> toks;
  std::vector<uint32_t> match;
  static TokenBuffer Make(std::string_view src);
};

// Parses the module fields in tokens [begin, end); `end` is the module's closing paren (or the
// final kEof). `module_id` is the `$id` after `module`, if any (kept as the module name).
Result<ModuleDesc> ParseModuleFields(const TokenBuffer& tb, size_t begin, size_t end,
                                     std::optional<std::string_view> module_id);

class WatParser {
 public:
  WatParser(const TokenBuffer& tb, size_t begin, size_t end)
      : tb_(tb), src_(tb.src), pos_(begin), begin_(begin), end_(end) {}
  Result<ModuleDesc> Run(std::optional<std::string_view> module_id);

 private:
  enum Space : uint8_t {
    kFuncs, kTables, kMems, kGlobals, kTypes, kElems, kDatas, kTags, kNumSpaces
  };
  struct IndexSpace {
    std::unordered_map<std::string_view, uint32_t> ids;
    uint32_t count = 0;
    uint32_t imported = 0;
  };
  struct TypeUse {
    std::optional<uint32_t> index;
    FuncType type;  // inline params/results
    std::vector<std::string_view> param_ids;  // one per inline param ("" if none)
    bool has_inline = false;
    size_t offset = 0;
  };
  struct FuncCtx {
    std::unordered_map<std::string_view, uint32_t> local_ids;
    uint32_t num_locals = 0;
    std::vector<std::string_view> labels;  // innermost last; "" when unnamed
  };

  // Tokens.
  const Token& Peek(size_t k = 0) const {
    return pos_ + k < end_ ? tb_.toks[pos_ + k] : tb_.toks.back();
  }
  std::string_view Text(const Token& t) const { return TokenText(src_, t); }
  bool PeekKeyword(std::string_view kw, size_t k = 0) const {
    return Peek(k).kind == TokenKind::kKeyword && Text(Peek(k)) == kw;
  }
  bool PeekLParenKeyword(std::string_view kw) const {
    return Peek().kind == TokenKind::kLParen && PeekKeyword(kw, 1);
  }
  std::unexpected<Error> Unexpected(const Token& t) const;
  std::unexpected<Error> Fail(const Token& t, std::string msg) const {
    return MakeError(t.offset, std::move(msg));
  }
  Status Expect(TokenKind kind);
  Status ExpectKeyword(std::string_view kw);
  Status ExpectLParenKeyword(std::string_view kw);
  std::optional<std::string_view> OptionalId();
  Result<std::string> ParseString();
  Result<std::string> ParseName();  // string that must be UTF-8
  Result<uint32_t> ParseU32();
  bool PeekIndex() const {
    return Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kId;
  }
  bool TwoIndicesAhead() const {
    auto is_index = [](const Token& t) {
      return t.kind == TokenKind::kNumber || t.kind == TokenKind::kId;
    };
    return is_index(Peek()) && is_index(Peek(1));
  }
  Result<uint32_t> ParseIndex(Space space);
  Result<uint32_t> ParseLocalIndex(const FuncCtx& c);
  Result<uint32_t> ParseLabelIndex(const FuncCtx& c);

  // Pass 1.
  Status DefineId(Space space, std::optional<std::string_view> id, const Token& at);
  Status ScanField();
  // Pass 2 (fields).
  Status ParseField();
  Status ParseTypeField(bool define);
  Status ParseImportField();
  Status ParseFuncField();
  Status ParseTableField();
  Status ParseMemoryField();
  Status ParseGlobalField();
  Status ParseExportField();
  Status ParseStartField();
  Status ParseElemField();
  Status ParseDataField();
  Status ParseTagField();
  Status ParseInlineExports(ExternKind kind, uint32_t index);
  Result<bool> ParseInlineImport(Import* imp);
  Result<ValType> ParseValType();
  Result<ValType> ParseRefType();
  Result<Limits> ParseLimits();
  Result<MemoryType> ParseMemoryType();  // limits, then `shared` (threads proposal) or nothing
  Result<GlobalType> ParseGlobalType();
  Result<TypeUse> ParseTypeUse(bool allow_param_ids);
  Result<uint32_t> ResolveTypeUse(const TypeUse& tu);
  uint32_t FindOrAddType(const FuncType& ft);
  Status ParseFuncBody(uint32_t func_index, const TypeUse& tu, uint32_t type_index);
  Result<ConstExpr> ParseConstExprUntilClose();  // instrs up to ')', not consumed
  Result<ConstExpr> ParseOffsetOrItem(std::string_view kw);  // (kw instr*) or (instr)
  Status ParseElemList(ElemSegment& seg, bool allow_bare_indices);

  // Instructions (wat_instr.cc).
  Status ParseInstrs(Writer& w, FuncCtx& c);
  Status ParseFolded(Writer& w, FuncCtx& c);  // exactly one folded instruction
  Status ParseInstrSeq(Writer& w, FuncCtx& c, bool single_folded);
  Status ParseOpAndImmediates(Writer& w, FuncCtx& c, const Token& kw_tok);
  Status ParseBlockType(Writer& w);
  Status ParseCatchClauses(Writer& w, const FuncCtx& c);  // try_table's (catch ...)*
  Status ParseEndLabel(const FuncCtx& c);
  Status ParseV128Literal(uint8_t out[16]);
  Status ParseMemArg(Writer& w, Opcode op, bool lane_follows);

  const TokenBuffer& tb_;
  std::string_view src_;
  size_t pos_, begin_, end_;
  ModuleDesc m_;
  std::array<IndexSpace, kNumSpaces> spaces_;
  // Pass 2 counters of what has been built so far.
  uint32_t funcs_seen_ = 0, tables_seen_ = 0, mems_seen_ = 0, globals_seen_ = 0, tags_seen_ = 0;
  int first_def_kind_ = -1;  // Space of the first non-imported definition (pass 1)
  bool uses_data_count_ = false;
  std::unordered_map<std::string, uint32_t> type_lookup_;
  Writer side_;  // folded operators waiting for their operands (see ParseInstrSeq)  // signature -> first type index
};

}  // namespace nw

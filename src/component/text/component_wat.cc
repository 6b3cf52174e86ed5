// The component text parser of component_wat.h: one pass (the component model has no forward
// references), a stack of scopes with identifier maps per sort, and inline definitions (inline
// value/function/instance/component types, `(func $i "name")` export sugar, inline bag-of-
// exports instances) hoisted as separate definitions just before the one that uses them, as the
// binary encoding of the same text would do.
#include "component/text/component_wat.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "component/text/value_literal.h"
#include "format/binary_reader.h"
#include "format/decode.h"
#include "text/lexer.h"
#include "text/printer.h"
#include "text/wat.h"
#include "validate/validate.h"

namespace nw::component {
namespace {

// NW_TRY_ASSIGN for an existing lvalue, scoped so that it may stand between case labels.
#define NW_SET(lhs, expr)                                  \
  do {                                                     \
    auto nw_set_ = (expr);                                 \
    if (!nw_set_) [[unlikely]]                             \
      return std::unexpected(std::move(nw_set_.error()));  \
    lhs = std::move(*nw_set_);                             \
  } while (0)

struct Scope {
  bool is_type = false;               // a component or instance type's declarators
  bool is_instance_type = false;
  Component* comp = nullptr;          // !is_type
  std::vector<Decl>* decls = nullptr;  // is_type
  std::optional<std::string> id;      // for `(alias outer $id ...)`
  std::unordered_map<std::string, uint32_t> ids[kNumSorts];
  uint32_t count[kNumSorts] = {};
  LiteralTypes literal_types;  // !is_type: the component's types, for value literals
};

std::optional<PrimType> PrimFromKeyword(std::string_view k) {
  static constexpr std::pair<std::string_view, PrimType> kPrims[] = {
      {"bool", PrimType::kBool},   {"s8", PrimType::kS8},     {"u8", PrimType::kU8},
      {"s16", PrimType::kS16},     {"u16", PrimType::kU16},   {"s32", PrimType::kS32},
      {"u32", PrimType::kU32},     {"s64", PrimType::kS64},   {"u64", PrimType::kU64},
      {"f32", PrimType::kF32},     {"f64", PrimType::kF64},   {"float32", PrimType::kF32},
      {"float64", PrimType::kF64}, {"char", PrimType::kChar}, {"string", PrimType::kString},
      {"error-context", PrimType::kErrorContext}};
  for (auto [name, p] : kPrims)
    if (k == name) return p;
  return std::nullopt;
}

std::optional<nw::ValType> CoreValFromKeyword(std::string_view k) {
  if (k == "i32") return nw::ValType::kI32;
  if (k == "i64") return nw::ValType::kI64;
  if (k == "f32") return nw::ValType::kF32;
  if (k == "f64") return nw::ValType::kF64;
  if (k == "v128") return nw::ValType::kV128;
  if (k == "funcref") return nw::ValType::kFuncRef;
  if (k == "externref") return nw::ValType::kExternRef;
  return std::nullopt;
}

// A definition's new index is not needed by every caller.
Status Drop(Result<uint32_t> r) {
  if (!r) return std::unexpected(std::move(r.error()));
  return Ok();
}

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src), toks_(Lex(src)) {
    match_.assign(toks_.size(), UINT32_MAX);
    std::vector<uint32_t> stack;
    for (uint32_t i = 0; i < toks_.size(); ++i) {
      if (toks_[i].kind == TokenKind::kLParen) stack.push_back(i);
      else if (toks_[i].kind == TokenKind::kRParen && !stack.empty()) {
        match_[stack.back()] = i;
        stack.pop_back();
      }
    }
  }

  Result<Component> Run() {
    Component c;
    bool wrapped = IsLParenKw("component");
    if (wrapped) {
      pos_ += 2;
      if (IsKw("definition")) ++pos_;
      std::optional<std::string> id = OptId();
      if (IsKw("definition")) ++pos_;
      NW_TRY(ComponentFields(c, id));
      NW_TRY(Expect(TokenKind::kRParen));
    } else {
      NW_TRY(ComponentFields(c, std::nullopt));
    }
    if (Peek().kind != TokenKind::kEof) return Unexpected();
    return c;
  }

 private:
  // --- tokens ---------------------------------------------------------------------------------
  const Token& Peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  std::string_view Text(const Token& t) const { return TokenText(src_, t); }
  bool IsKw(std::string_view kw, size_t k = 0) const {
    return Peek(k).kind == TokenKind::kKeyword && Text(Peek(k)) == kw;
  }
  bool IsLParenKw(std::string_view kw, size_t k = 0) const {
    return Peek(k).kind == TokenKind::kLParen && IsKw(kw, k + 1);
  }
  std::unexpected<Error> Unexpected() const {
    const Token& t = Peek();
    if (t.kind == TokenKind::kReserved && t.error) return MakeError(t.offset, t.error);
    if (t.kind == TokenKind::kEof) return MakeError(t.offset, "unexpected end of input");
    return MakeError(t.offset, "unexpected token `" + std::string(Text(t)) + "`");
  }
  Status Expect(TokenKind k) {
    if (Peek().kind != k) return Unexpected();
    ++pos_;
    return Ok();
  }
  Status ExpectKw(std::string_view kw) {
    if (!IsKw(kw)) return Unexpected();
    ++pos_;
    return Ok();
  }
  Status ExpectLParenKw(std::string_view kw) {
    if (!IsLParenKw(kw)) return Unexpected();
    pos_ += 2;
    return Ok();
  }
  std::optional<std::string> OptId() {
    if (Peek().kind != TokenKind::kId) return std::nullopt;
    return std::string(Text(toks_[pos_++]));
  }
  Result<std::string> String() {
    if (Peek().kind != TokenKind::kString) return Unexpected();
    const Token& t = toks_[pos_++];
    std::string s = DecodeString(Text(t));
    if (FindInvalidUtf8(s) != std::string::npos)
      return MakeError(t.offset, "malformed UTF-8 encoding");
    return s;
  }
  Result<uint32_t> U32() {
    if (Peek().kind != TokenKind::kNumber) return Unexpected();
    const Token& t = toks_[pos_++];
    auto v = ParseUnsigned(Text(t), 32);
    if (!v) return MakeError(t.offset, "invalid u32 number: constant out of range");
    return static_cast<uint32_t>(*v);
  }
  size_t At() const { return Peek().offset; }

  // --- scopes ---------------------------------------------------------------------------------
  Scope& S() { return scopes_.back(); }
  Result<uint32_t> Bind(Sort s, const std::optional<std::string>& id, size_t at) {
    Scope& sc = S();
    uint32_t idx = sc.count[static_cast<size_t>(s)]++;
    if (id && !sc.ids[static_cast<size_t>(s)].emplace(*id, idx).second)
      return MakeError(at, "duplicate identifier " + *id + " for " + SortName(s));
    if (id && !sc.is_type) AddName(*sc.comp, s, idx, *id);
    return idx;
  }
  // A component's $ids go to its name section (as wasm-tools writes them), so that printing the
  // encoded binary shows them again. Only plain identifiers (not `$"..."`) are kept.
  static void AddName(Component& c, Sort s, uint32_t idx, std::string_view id) {
    std::string_view name = id.substr(1);
    if (!IsValidWatId(name)) return;
    if (!c.names) c.names.emplace();
    for (NameMap& m : c.names->sorts) {
      if (m.sort == s) {
        m.names.emplace_back(idx, std::string(name));
        return;
      }
    }
    c.names->sorts.push_back({s, {{idx, std::string(name)}}});
  }
  Result<uint32_t> ResolveIn(Scope& sc, Sort s) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kNumber) return U32();
    if (t.kind != TokenKind::kId) return Unexpected();
    ++pos_;
    auto& ids = sc.ids[static_cast<size_t>(s)];
    auto it = ids.find(std::string(Text(t)));
    if (it == ids.end() && &sc == &S() &&
        (s == Sort::kType || s == Sort::kCoreType || s == Sort::kCoreModule ||
         s == Sort::kComponent)) {
      // Text-format name resolution: a name of an enclosing scope becomes an outer alias.
      for (size_t d = 1; d < scopes_.size(); ++d) {
        Scope& outer = scopes_[scopes_.size() - 1 - d];
        auto oit = outer.ids[static_cast<size_t>(s)].find(std::string(Text(t)));
        if (oit == outer.ids[static_cast<size_t>(s)].end()) continue;
        Alias a;
        a.target = Alias::Target::kOuter;
        a.sort = s;
        a.count = static_cast<uint32_t>(d);
        a.index = oit->second;
        NW_TRY_ASSIGN(uint32_t local, AddAlias(std::move(a), std::nullopt, t.offset));
        S().ids[static_cast<size_t>(s)].emplace(std::string(Text(t)), local);
        return local;
      }
    }
    if (it == ids.end())
      return MakeError(t.offset, "unknown " + std::string(SortName(s)) + ": failed to find name `" +
                                     std::string(Text(t)) + "`");
    return it->second;
  }
  Result<uint32_t> Resolve(Sort s) { return ResolveIn(S(), s); }

  template <class T>
  void Emit(std::vector<T>& v, SectionKind k, T item, size_t at) {
    S().comp->sections.push_back({k, static_cast<uint32_t>(v.size()), 1, at});
    v.push_back(std::move(item));
  }

  Result<uint32_t> AddType(TypeDef t, const std::optional<std::string>& id, size_t at) {
    t.offset = at;
    if (S().is_type) {
      Decl d;
      d.kind = Decl::Kind::kType;
      d.offset = at;
      d.type.push_back(std::move(t));
      S().decls->push_back(std::move(d));
    } else {
      Emit(S().comp->types, SectionKind::kType, std::move(t), at);
    }
    return Bind(Sort::kType, id, at);
  }
  Result<uint32_t> AddCoreType(CoreTypeDef t, const std::optional<std::string>& id, size_t at) {
    t.offset = at;
    if (S().is_type) {
      Decl d;
      d.kind = Decl::Kind::kCoreType;
      d.offset = at;
      d.core_type.push_back(std::move(t));
      S().decls->push_back(std::move(d));
    } else {
      Emit(S().comp->core_types, SectionKind::kCoreType, std::move(t), at);
    }
    return Bind(Sort::kCoreType, id, at);
  }
  Result<uint32_t> AddAlias(Alias a, const std::optional<std::string>& id, size_t at) {
    a.offset = at;
    Sort s = a.sort;
    if (S().is_type) {
      Decl d;
      d.kind = Decl::Kind::kAlias;
      d.offset = at;
      d.alias = std::move(a);
      S().decls->push_back(std::move(d));
    } else {
      Emit(S().comp->aliases, SectionKind::kAlias, std::move(a), at);
    }
    return Bind(s, id, at);
  }
  Result<uint32_t> AddCanon(Canon c, Sort s, const std::optional<std::string>& id, size_t at) {
    c.offset = at;
    if (S().is_type) return MakeError(at, "canon is not allowed in a type");
    Emit(S().comp->canons, SectionKind::kCanon, std::move(c), at);
    return Bind(s, id, at);
  }

  // --- sorts and references -------------------------------------------------------------------
  // Parses a sort keyword (with `core` prefix); `core_context` reads bare core sort names.
  Result<Sort> SortKw(bool core_context = false) {
    size_t at = At();
    bool core = core_context;
    if (IsKw("core")) {
      core = true;
      ++pos_;
    }
    if (Peek().kind != TokenKind::kKeyword) return Unexpected();
    std::string_view k = Text(toks_[pos_++]);
    if (core) {
      if (k == "func") return Sort::kCoreFunc;
      if (k == "table") return Sort::kCoreTable;
      if (k == "memory") return Sort::kCoreMemory;
      if (k == "global") return Sort::kCoreGlobal;
      if (k == "tag") return Sort::kCoreTag;
      if (k == "type") return Sort::kCoreType;
      if (k == "module") return Sort::kCoreModule;
      if (k == "instance") return Sort::kCoreInstance;
    } else {
      if (k == "func") return Sort::kFunc;
      if (k == "value") return Sort::kValue;
      if (k == "type") return Sort::kType;
      if (k == "component") return Sort::kComponent;
      if (k == "instance") return Sort::kInstance;
    }
    return MakeError(at, "unexpected token `" + std::string(k) + "`, expected a sort");
  }

  // An index of sort `s`, or `$inst "name"` (an export alias added just before).
  Result<uint32_t> IndexOrExport(Sort s) {
    size_t at = At();
    if ((Peek().kind == TokenKind::kId || Peek().kind == TokenKind::kNumber) &&
        Peek(1).kind == TokenKind::kString) {
      // Core modules are exported by component instances; other core sorts by core instances.
      bool core = IsCoreSort(s) && s != Sort::kCoreModule;
      NW_TRY_ASSIGN(uint32_t inst, Resolve(core ? Sort::kCoreInstance : Sort::kInstance));
      // `$i "a" "b"`: a path through nested instance exports.
      while (true) {
        Alias a;
        a.target = core ? Alias::Target::kCoreExport : Alias::Target::kExport;
        a.instance = inst;
        NW_SET(a.name, String());
        bool last = Peek().kind != TokenKind::kString;
        a.sort = last ? s : Sort::kInstance;
        NW_TRY_ASSIGN(inst, AddAlias(std::move(a), std::nullopt, at));
        if (last) return inst;
      }
    }
    return Resolve(s);
  }

  // `(sort idx)` or `(sort $inst "name")`.
  Result<SortIdx> SortIdxP(bool core_context = false) {
    NW_TRY(Expect(TokenKind::kLParen));
    NW_TRY_ASSIGN(Sort s, SortKw(core_context));
    NW_TRY_ASSIGN(uint32_t i, IndexOrExport(s));
    NW_TRY(Expect(TokenKind::kRParen));
    return SortIdx{s, i};
  }

  // A reference of a known sort: `$x`, `N`, or a parenthesised `(sort ...)` of that sort.
  Result<uint32_t> Ref(Sort s) {
    if (Peek().kind == TokenKind::kLParen) {
      size_t at = At();
      NW_TRY_ASSIGN(SortIdx si, SortIdxP());
      if (si.sort != s)
        return MakeError(at, std::string("expected ") + SortName(s) + ", found " + SortName(si.sort));
      return si.index;
    }
    return Resolve(s);
  }

  // A parenthesised reference in a core context: `(module $m)`, `(module $i "x")`.
  Result<uint32_t> CoreRef(Sort s) {
    size_t at = At();
    NW_TRY_ASSIGN(SortIdx si, SortIdxP(/*core_context=*/true));
    if (si.sort != s)
      return MakeError(at, std::string("expected ") + SortName(s) + ", found " + SortName(si.sort));
    return si.index;
  }

  // `(type idx)`: a type use, as opposed to a `(type $id? deftype)` declarator.
  bool IsTypeRef() const {
    return IsLParenKw("type") &&
           (Peek(2).kind == TokenKind::kId || Peek(2).kind == TokenKind::kNumber) &&
           Peek(3).kind == TokenKind::kRParen;
  }

  // --- value and function types ---------------------------------------------------------------
  Result<ValType> ValTypeP() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kKeyword) {
      auto p = PrimFromKeyword(Text(t));
      if (!p) return Unexpected();
      ++pos_;
      return ValType{false, *p, 0};
    }
    if (t.kind == TokenKind::kId || t.kind == TokenKind::kNumber) {
      NW_TRY_ASSIGN(uint32_t i, Resolve(Sort::kType));
      return ValType{true, PrimType::kBool, i};
    }
    if (t.kind != TokenKind::kLParen) return Unexpected();
    size_t at = At();
    ++pos_;
    TypeDef td;
    td.kind = TypeDef::Kind::kDefVal;
    NW_SET(td.val, DefValBody());
    NW_TRY(Expect(TokenKind::kRParen));
    NW_TRY_ASSIGN(uint32_t i, AddType(std::move(td), std::nullopt, at));
    return ValType{true, PrimType::kBool, i};
  }

  // After '(' — a defvaltype constructor keyword and its operands (not the closing paren).
  Result<DefValType> DefValBody() {
    DefValType v;
    if (Peek().kind != TokenKind::kKeyword) return Unexpected();
    std::string_view k = Text(toks_[pos_++]);
    if (k == "record") {
      v.kind = DefValKind::kRecord;
      while (IsLParenKw("field")) {
        pos_ += 2;
        LabeledType f;
        NW_SET(f.label, String());
        NW_SET(f.type, ValTypeP());
        NW_TRY(Expect(TokenKind::kRParen));
        v.fields.push_back(std::move(f));
      }
    } else if (k == "variant") {
      v.kind = DefValKind::kVariant;
      while (IsLParenKw("case")) {
        pos_ += 2;
        OptId();
        LabeledType c;
        NW_SET(c.label, String());
        if (Peek().kind != TokenKind::kRParen && !IsLParenKw("refines")) {
          NW_SET(c.type, ValTypeP());
        }
        NW_TRY(Expect(TokenKind::kRParen));
        v.fields.push_back(std::move(c));
      }
    } else if (k == "list") {
      NW_SET(v.a, ValTypeP());
      v.kind = DefValKind::kList;
      if (Peek().kind == TokenKind::kNumber) {
        v.kind = DefValKind::kFixedList;
        NW_SET(v.length, U32());
      }
    } else if (k == "tuple") {
      v.kind = DefValKind::kTuple;
      while (Peek().kind != TokenKind::kRParen) {
        NW_TRY_ASSIGN(ValType t, ValTypeP());
        v.types.push_back(t);
      }
    } else if (k == "flags" || k == "enum") {
      v.kind = k == "flags" ? DefValKind::kFlags : DefValKind::kEnum;
      while (Peek().kind == TokenKind::kString) {
        NW_TRY_ASSIGN(std::string l, String());
        v.labels.push_back(std::move(l));
      }
    } else if (k == "option") {
      v.kind = DefValKind::kOption;
      NW_SET(v.a, ValTypeP());
    } else if (k == "result") {
      v.kind = DefValKind::kResult;
      if (Peek().kind != TokenKind::kRParen && !IsLParenKw("error")) {
        NW_SET(v.a, ValTypeP());
      }
      if (IsLParenKw("error")) {
        pos_ += 2;
        NW_SET(v.b, ValTypeP());
        NW_TRY(Expect(TokenKind::kRParen));
      }
    } else if (k == "own" || k == "borrow") {
      v.kind = k == "own" ? DefValKind::kOwn : DefValKind::kBorrow;
      NW_SET(v.index, Resolve(Sort::kType));
    } else if (k == "stream" || k == "future") {
      v.kind = k == "stream" ? DefValKind::kStream : DefValKind::kFuture;
      if (Peek().kind != TokenKind::kRParen) {
        NW_SET(v.a, ValTypeP());
      }
    } else if (k == "map") {
      v.kind = DefValKind::kMap;
      NW_SET(v.a, ValTypeP());
      NW_SET(v.b, ValTypeP());
    } else {
      --pos_;
      return Unexpected();
    }
    return v;
  }

  // `(param "n" t)* (result t)?` up to (not including) whatever follows.
  Result<FuncTypeC> FuncTypeBody() {
    FuncTypeC f;
    if (IsKw("async")) {
      f.async = true;
      ++pos_;
    }
    while (IsLParenKw("param")) {
      pos_ += 2;
      LabeledType p;
      NW_SET(p.label, String());
      NW_SET(p.type, ValTypeP());
      NW_TRY(Expect(TokenKind::kRParen));
      f.params.push_back(std::move(p));
    }
    if (IsLParenKw("result")) {
      pos_ += 2;
      NW_SET(f.result, ValTypeP());
      NW_TRY(Expect(TokenKind::kRParen));
    }
    return f;
  }

  // A type use of sort func: `(type $t)` or an inline signature (hoisted).
  Result<uint32_t> FuncTypeUse() {
    size_t at = At();
    if (IsLParenKw("type")) {
      pos_ += 2;
      NW_TRY_ASSIGN(uint32_t i, Resolve(Sort::kType));
      NW_TRY(Expect(TokenKind::kRParen));
      return i;
    }
    TypeDef t;
    t.kind = TypeDef::Kind::kFunc;
    NW_SET(t.func, FuncTypeBody());
    return AddType(std::move(t), std::nullopt, at);
  }

  // --- type definitions -----------------------------------------------------------------------
  // After `(type $id? (export "x")*`: the deftype, closing paren not consumed.
  Result<TypeDef> DefType() {
    TypeDef t;
    if (Peek().kind == TokenKind::kKeyword) {
      auto p = PrimFromKeyword(Text(Peek()));
      if (!p) return Unexpected();
      ++pos_;
      t.val.prim = *p;
      return t;
    }
    NW_TRY(Expect(TokenKind::kLParen));
    if (IsKw("func")) {
      ++pos_;
      t.kind = TypeDef::Kind::kFunc;
      NW_SET(t.func, FuncTypeBody());
    } else if (IsKw("component") || IsKw("instance")) {
      bool comp = IsKw("component");
      ++pos_;
      t.kind = comp ? TypeDef::Kind::kComponent : TypeDef::Kind::kInstance;
      NW_TRY(Decls(t.decls, !comp));
      return t;  // Decls consumed the ')'
    } else if (IsKw("resource")) {
      ++pos_;
      t.kind = TypeDef::Kind::kResource;
      NW_TRY(ExpectLParenKw("rep"));
      if (Peek().kind != TokenKind::kKeyword) return Unexpected();
      auto rep = CoreValFromKeyword(Text(Peek()));
      if (!rep) return Unexpected();
      ++pos_;
      t.resource.rep = *rep;
      NW_TRY(Expect(TokenKind::kRParen));
      if (IsLParenKw("dtor")) {
        pos_ += 2;
        if (IsLParenKw("func")) {
          pos_ += 2;
          NW_SET(t.resource.dtor, IndexOrExport(Sort::kCoreFunc));
          NW_TRY(Expect(TokenKind::kRParen));
        } else {
          NW_SET(t.resource.dtor, Ref(Sort::kCoreFunc));
        }
        NW_TRY(Expect(TokenKind::kRParen));
      }
    } else {
      NW_SET(t.val, DefValBody());
    }
    NW_TRY(Expect(TokenKind::kRParen));
    return t;
  }

  // Declarators of a component (`instance` false) or instance type, up to its ')'.
  Status Decls(std::vector<Decl>& out, bool instance) {
    Scope sc;
    sc.is_type = true;
    sc.is_instance_type = instance;
    sc.decls = &out;
    scopes_.push_back(std::move(sc));
    Status st = DeclsInScope(instance);
    scopes_.pop_back();
    return st;
  }
  Status DeclsInScope(bool instance) {
    while (Peek().kind == TokenKind::kLParen) {
      size_t at = At();
      if (IsLParenKw("import") || IsLParenKw("export")) {
        bool is_import = IsKw("import", 1);
        if (is_import && instance) return MakeError(at, "instance types cannot import");
        pos_ += 2;
        Decl d;
        d.kind = is_import ? Decl::Kind::kImport : Decl::Kind::kExport;
        d.offset = at;
        NW_SET(d.name, NameWithAttributes());
        std::optional<std::string> id;
        NW_SET(d.extern_type, ExternDesc(id));
        NW_TRY(Expect(TokenKind::kRParen));
        Sort s = SortOfExternKind(d.extern_type.kind);
        S().decls->push_back(std::move(d));
        NW_TRY(Bind(s, id, at));
      } else if (IsLParenKw("type")) {
        NW_TRY(TypeField());
      } else if (IsLParenKw("core") && IsKw("type", 2)) {
        NW_TRY(CoreTypeField());
      } else if (IsLParenKw("alias")) {
        NW_TRY(AliasField());
      } else {
        ++pos_;
        return Unexpected();
      }
    }
    return Expect(TokenKind::kRParen);
  }


  // `"name" (implements "...")? ...` or `(interface "ns:pkg/i")`.
  Result<ExternName> NameWithAttributes() {
    ExternName n;
    n.offset = At();
    if (IsLParenKw("interface")) {
      pos_ += 2;
      NW_SET(n.name, String());
      NW_TRY(Expect(TokenKind::kRParen));
    } else {
      NW_SET(n.name, String());
    }
    while (IsLParenKw("implements") || IsLParenKw("versionsuffix") || IsLParenKw("external-id")) {
      size_t at = At();
      std::string_view k = Text(Peek(1));
      pos_ += 2;
      NameAttribute a{k == "implements"      ? NameAttribute::Kind::kImplements
                      : k == "versionsuffix" ? NameAttribute::Kind::kVersionSuffix
                                             : NameAttribute::Kind::kExternalId,
                      {}};
      NW_SET(a.value, String());
      NW_TRY(Expect(TokenKind::kRParen));
      for (const auto& prev : n.attributes)
        if (prev.kind == a.kind)
          return MakeError(at, "duplicate '" + std::string(k) + "' option in name");
      n.attributes.push_back(std::move(a));
      n.prefix = 0x02;
    }
    return n;
  }

  // An externdesc `(sort $id? ...)`; binds nothing (the caller binds `id` in its scope).
  Result<ExternTypeC> ExternDesc(std::optional<std::string>& id) {
    size_t at = At();
    NW_TRY(Expect(TokenKind::kLParen));
    ExternTypeC t;
    if (IsKw("core")) {
      ++pos_;
      NW_TRY(ExpectKw("module"));
      id = OptId();
      t.kind = ExternKindC::kModule;
      if (IsTypeRef()) {
        pos_ += 2;
        NW_SET(t.index, Resolve(Sort::kCoreType));
        NW_TRY(Expect(TokenKind::kRParen));
      } else {
        CoreTypeDef mt;
        NW_TRY(ModuleTypeDecls(mt));
        NW_SET(t.index, AddCoreType(std::move(mt), std::nullopt, at));
        return t;  // ModuleTypeDecls consumed the ')'
      }
    } else if (IsKw("func")) {
      ++pos_;
      id = OptId();
      t.kind = ExternKindC::kFunc;
      NW_SET(t.index, FuncTypeUse());
    } else if (IsKw("component") || IsKw("instance")) {
      bool comp = IsKw("component");
      ++pos_;
      id = OptId();
      t.kind = comp ? ExternKindC::kComponent : ExternKindC::kInstance;
      if (IsTypeRef()) {
        pos_ += 2;
        NW_SET(t.index, Resolve(Sort::kType));
        NW_TRY(Expect(TokenKind::kRParen));
      } else {
        TypeDef td;
        td.kind = comp ? TypeDef::Kind::kComponent : TypeDef::Kind::kInstance;
        NW_TRY(Decls(td.decls, !comp));
        NW_SET(t.index, AddType(std::move(td), std::nullopt, at));
        return t;  // Decls consumed the ')'
      }
    } else if (IsKw("type")) {
      ++pos_;
      id = OptId();
      t.kind = ExternKindC::kType;
      if (IsLParenKw("eq")) {
        pos_ += 2;
        NW_SET(t.index, Resolve(Sort::kType));
        NW_TRY(Expect(TokenKind::kRParen));
      } else if (IsLParenKw("sub")) {
        pos_ += 2;
        NW_TRY(ExpectKw("resource"));
        NW_TRY(Expect(TokenKind::kRParen));
        t.bound_eq = false;
      } else {
        return Unexpected();
      }
    } else if (IsKw("value")) {
      ++pos_;
      id = OptId();
      t.kind = ExternKindC::kValue;
      if (IsLParenKw("eq")) {
        pos_ += 2;
        NW_SET(t.index, Resolve(Sort::kValue));
        NW_TRY(Expect(TokenKind::kRParen));
      } else {
        t.bound_eq = false;
        NW_SET(t.value_type, ValTypeP());
      }
    } else {
      return Unexpected();
    }
    NW_TRY(Expect(TokenKind::kRParen));
    return t;
  }

  // --- core types -----------------------------------------------------------------------------
  Result<FuncType> CoreFuncBody() {
    FuncType f;
    auto vals = [&](std::vector<nw::ValType>& out) -> Status {
      OptId();
      while (Peek().kind == TokenKind::kKeyword) {
        auto v = CoreValFromKeyword(Text(Peek()));
        if (!v) return Unexpected();
        ++pos_;
        out.push_back(*v);
      }
      return Expect(TokenKind::kRParen);
    };
    while (IsLParenKw("param")) {
      pos_ += 2;
      NW_TRY(vals(f.params));
    }
    while (IsLParenKw("result")) {
      pos_ += 2;
      NW_TRY(vals(f.results));
    }
    return f;
  }

  Result<Limits> CoreLimitsP() {
    Limits l;
    NW_TRY_ASSIGN(uint32_t mn, U32());
    l.min = mn;
    if (Peek().kind == TokenKind::kNumber) {
      NW_TRY_ASSIGN(uint32_t mx, U32());
      l.max = mx;
    }
    return l;
  }

  // `(func ...)`, `(memory ...)`, `(table ...)`, `(global ...)`, `(tag ...)` of a module type;
  // inline function signatures become type declarators of the module type.
  Result<CoreExternType> CoreExternDesc(CoreTypeDef& mt, uint32_t& local_types,
                                        const std::unordered_map<std::string, uint32_t>& ids) {
    NW_TRY(Expect(TokenKind::kLParen));
    CoreExternType t;
    if (Peek().kind != TokenKind::kKeyword) return Unexpected();
    std::string_view k = Text(toks_[pos_++]);
    OptId();
    if (k == "func" || k == "tag") {
      t.kind = ExternKind::kFunc;
      t.is_tag = k == "tag";
      if (IsLParenKw("type")) {
        pos_ += 2;
        if (Peek().kind == TokenKind::kId) {
          auto it = ids.find(std::string(Text(Peek())));
          if (it == ids.end())
            return MakeError(At(), "unknown type: failed to find name `" +
                                       std::string(Text(Peek())) + "`");
          ++pos_;
          t.type_index = it->second;
        } else {
          NW_SET(t.type_index, U32());
        }
        NW_TRY(Expect(TokenKind::kRParen));
      } else {
        CoreModuleDecl d;
        d.kind = CoreModuleDecl::Kind::kType;
        CoreTypeDef ft;
        NW_SET(ft.func, CoreFuncBody());
        d.def.push_back(std::move(ft));
        mt.decls.push_back(std::move(d));
        t.type_index = local_types++;
      }
    } else if (k == "memory") {
      t.kind = ExternKind::kMemory;
      NW_SET(t.memory.limits, CoreLimitsP());
      if (IsKw("shared")) {  // threads proposal
        ++pos_;
        t.memory.shared = true;
      }
    } else if (k == "table") {
      t.kind = ExternKind::kTable;
      NW_SET(t.table.limits, CoreLimitsP());
      if (Peek().kind != TokenKind::kKeyword) return Unexpected();
      auto e = CoreValFromKeyword(Text(Peek()));
      if (!e) return Unexpected();
      ++pos_;
      t.table.elem = *e;
    } else if (k == "global") {
      t.kind = ExternKind::kGlobal;
      bool mut = IsLParenKw("mut");
      if (mut) pos_ += 2;
      if (Peek().kind != TokenKind::kKeyword) return Unexpected();
      auto v = CoreValFromKeyword(Text(Peek()));
      if (!v) return Unexpected();
      ++pos_;
      t.global = {*v, mut};
      if (mut) NW_TRY(Expect(TokenKind::kRParen));
    } else {
      --pos_;
      return Unexpected();
    }
    NW_TRY(Expect(TokenKind::kRParen));
    return t;
  }

  // After `(module`: the module type's declarators and its ')'.
  Status ModuleTypeDecls(CoreTypeDef& mt) {
    mt.kind = CoreTypeDef::Kind::kModule;
    uint32_t local_types = 0;
    std::unordered_map<std::string, uint32_t> type_ids;
    while (Peek().kind == TokenKind::kLParen) {
      size_t at = At();
      if (IsLParenKw("import")) {
        pos_ += 2;
        CoreModuleDecl d;
        d.kind = CoreModuleDecl::Kind::kImport;
        d.offset = at;
        NW_SET(d.module, String());
        NW_SET(d.name, String());
        NW_SET(d.type, CoreExternDesc(mt, local_types, type_ids));
        NW_TRY(Expect(TokenKind::kRParen));
        mt.decls.push_back(std::move(d));
      } else if (IsLParenKw("export")) {
        pos_ += 2;
        CoreModuleDecl d;
        d.kind = CoreModuleDecl::Kind::kExport;
        d.offset = at;
        NW_SET(d.name, String());
        NW_SET(d.type, CoreExternDesc(mt, local_types, type_ids));
        NW_TRY(Expect(TokenKind::kRParen));
        mt.decls.push_back(std::move(d));
      } else if (IsLParenKw("type")) {
        pos_ += 2;
        if (auto id = OptId()) type_ids.emplace(*id, local_types);
        CoreModuleDecl d;
        d.kind = CoreModuleDecl::Kind::kType;
        d.offset = at;
        NW_TRY(ExpectLParenKw("func"));
        CoreTypeDef ft;
        NW_SET(ft.func, CoreFuncBody());
        NW_TRY(Expect(TokenKind::kRParen));
        NW_TRY(Expect(TokenKind::kRParen));
        d.def.push_back(std::move(ft));
        mt.decls.push_back(std::move(d));
        ++local_types;
      } else if (IsLParenKw("alias")) {
        pos_ += 2;
        NW_TRY(ExpectKw("outer"));
        CoreModuleDecl d;
        d.kind = CoreModuleDecl::Kind::kAlias;
        d.offset = at;
        NW_SET(d.outer_count, OuterCount());
        // A count naming no enclosing scope keeps its numeric index (the validator rejects it).
        if (d.outer_count == 0 || d.outer_count > scopes_.size()) {
          NW_SET(d.outer_index, U32());
        } else {
          NW_SET(d.outer_index,
                 ResolveIn(scopes_[scopes_.size() - d.outer_count], Sort::kCoreType));
        }
        NW_TRY(ExpectLParenKw("type"));
        if (auto id = OptId()) type_ids.emplace(*id, local_types);
        NW_TRY(Expect(TokenKind::kRParen));
        NW_TRY(Expect(TokenKind::kRParen));
        mt.decls.push_back(std::move(d));
        ++local_types;
      } else {
        ++pos_;
        return Unexpected();
      }
    }
    return Expect(TokenKind::kRParen);
  }

  // For a module type's outer alias: counts from the module type (0) outward; for a component
  // alias (see AliasField) the caller adjusts.
  Result<uint32_t> OuterCount() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kNumber) return U32();
    if (t.kind != TokenKind::kId) return Unexpected();
    std::string name(Text(t));
    ++pos_;
    for (size_t i = scopes_.size(); i-- > 0;) {
      if (scopes_[i].id == name) return static_cast<uint32_t>(scopes_.size() - i);
    }
    return MakeError(t.offset, "outer item `" + name + "` is not a module, type, or component");
  }

  Status CoreTypeField() {
    size_t at = At();
    pos_ += 3;  // ( core type
    std::optional<std::string> id = OptId();
    CoreTypeDef t;
    NW_TRY(Expect(TokenKind::kLParen));
    if (IsKw("func")) {
      ++pos_;
      NW_SET(t.func, CoreFuncBody());
      NW_TRY(Expect(TokenKind::kRParen));
    } else if (IsKw("module")) {
      ++pos_;
      NW_TRY(ModuleTypeDecls(t));
    } else if (IsKw("sub")) {
      // `(sub final? supertype* (func ...))`: the one Wasm 3.0 form the binary reader keeps.
      ++pos_;
      t.sub = true;
      t.final = IsKw("final");
      if (t.final) ++pos_;
      while (Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kId) {
        NW_TRY_ASSIGN(uint32_t super, Resolve(Sort::kCoreType));
        t.supertypes.push_back(super);
      }
      if (!IsLParenKw("func"))
        return MakeError(At(), "core struct and array types (WebAssembly 3.0) are not supported");
      pos_ += 2;
      NW_SET(t.func, CoreFuncBody());
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
    } else {
      return MakeError(At(), "core rec groups, struct and array types (WebAssembly 3.0) "
                             "are not supported");
    }
    NW_TRY(Expect(TokenKind::kRParen));
    return Drop(AddCoreType(std::move(t), id, at));
  }

  // --- component fields -----------------------------------------------------------------------
  Status ComponentFields(Component& c, std::optional<std::string> id) {
    if (id && IsValidWatId(std::string_view(*id).substr(1))) {
      if (!c.names) c.names.emplace();
      c.names->component = id->substr(1);
    }
    Scope sc;
    sc.comp = &c;
    sc.id = std::move(id);
    scopes_.push_back(std::move(sc));
    Status st = Ok();
    while (st && Peek().kind == TokenKind::kLParen) st = Field();
    scopes_.pop_back();
    return st;
  }

  // `(export "name")*` directly after a definition's id: exports of the new item.
  Result<std::vector<ExternName>> InlineExports() {
    std::vector<ExternName> out;
    while (IsLParenKw("export") && (Peek(2).kind == TokenKind::kString || IsLParenKw("interface", 2))) {
      size_t close = match_[pos_];
      if (close == UINT32_MAX) break;  // unbalanced: the caller reports it
      // `(export "n" (func ...))` inside a bag-of-exports instance is not an inline export.
      size_t after = pos_ + 3;
      if (IsLParenKw("interface", 2)) {
        if (match_[pos_ + 2] == UINT32_MAX) break;
        after = match_[pos_ + 2] + 1;
      }
      bool is_bare = true;
      for (size_t i = after; i < close; ++i) {
        if (toks_[i].kind == TokenKind::kLParen) {
          std::string_view k = Text(toks_[i + 1]);
          if (k != "implements" && k != "versionsuffix" && k != "external-id") is_bare = false;
          i = match_[i];  // within `close`: parentheses inside a matched pair are matched
        }
      }
      if (!is_bare) break;
      pos_ += 2;
      NW_TRY_ASSIGN(ExternName n, NameWithAttributes());
      NW_TRY(Expect(TokenKind::kRParen));
      out.push_back(std::move(n));
    }
    return out;
  }
  Status EmitInlineExports(const std::vector<ExternName>& names, Sort s, uint32_t idx,
                           size_t at) {
    for (const ExternName& n : names) {
      Export ex;
      ex.name = n;
      ex.item = {s, idx};
      ex.offset = at;
      Emit(S().comp->exports, SectionKind::kExport, std::move(ex), at);
      NW_TRY(Bind(s, std::nullopt, at));
    }
    return Ok();
  }

  Status Field() {
    size_t at = At();
    if (IsLParenKw("core")) {
      std::string_view k = Text(Peek(2));
      if (k == "module") return CoreModuleField();
      if (k == "instance") return CoreInstanceField();
      if (k == "type") return CoreTypeField();
      if (k == "func" || k == "table" || k == "memory" || k == "global" || k == "tag")
        return CoreItemField();
      pos_ += 2;
      return Unexpected();
    }
    if (IsLParenKw("component")) {
      pos_ += 2;
      std::optional<std::string> id = OptId();
      NW_TRY_ASSIGN(auto exports, InlineExports());
      Component nested;
      NW_TRY(ComponentFields(nested, id));
      NW_TRY(Expect(TokenKind::kRParen));
      Emit(S().comp->components, SectionKind::kComponent, std::move(nested), at);
      NW_TRY_ASSIGN(uint32_t idx, Bind(Sort::kComponent, id, at));
      return EmitInlineExports(exports, Sort::kComponent, idx, at);
    }
    if (IsLParenKw("instance")) return InstanceField();
    if (IsLParenKw("alias")) return AliasField();
    if (IsLParenKw("type")) return TypeField();
    if (IsLParenKw("func")) return FuncField();
    if (IsLParenKw("canon")) return CanonField();
    if (IsLParenKw("import")) return ImportField();
    if (IsLParenKw("export")) return ExportField();
    if (IsLParenKw("start")) return StartField();
    if (IsLParenKw("value")) return ValueField();
    ++pos_;
    return Unexpected();
  }

  Status CoreModuleField() {
    size_t at = At();
    size_t close = match_[pos_];
    if (close == UINT32_MAX) return MakeError(at, "unbalanced parentheses");
    pos_ += 3;
    std::optional<std::string> id = OptId();
    NW_TRY_ASSIGN(auto exports, InlineExports());
    CoreModule m;
    m.offset = at;
    if (IsKw("binary")) {
      ++pos_;
      std::string bytes;
      while (Peek().kind == TokenKind::kString) bytes += DecodeString(Text(toks_[pos_++]));
      auto span = std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      auto desc = DecodeModule(span, Features::All());  // core modules: Wasm 3.0 features
      if (!desc) return MakeError(at, desc.error().message);
      m.module = std::move(*desc);
    } else {
      size_t begin = Peek().offset;
      size_t end = toks_[close].offset;
      auto desc = ParseWat(src_.substr(begin, end - begin));
      if (!desc) {
        Error e = std::move(desc.error());
        if (e.offset != kNoOffset) e.offset += begin;
        return std::unexpected(std::move(e));
      }
      desc->features = Features::All();
      if (Status st = ValidateModule(*desc); !st) {
        Error e = std::move(st.error());
        e.offset = at;
        return std::unexpected(std::move(e));
      }
      m.module = std::move(*desc);
    }
    pos_ = close + 1;
    Emit(S().comp->core_modules, SectionKind::kCoreModule, std::move(m), at);
    NW_TRY_ASSIGN(uint32_t idx, Bind(Sort::kCoreModule, id, at));
    return EmitInlineExports(exports, Sort::kCoreModule, idx, at);
  }

  // An inline `(instance (export "n" (func ...))*)` core instance argument.
  Result<uint32_t> CoreInstanceBody(const std::optional<std::string>& id, size_t at) {
    CoreInstance ci;
    ci.offset = at;
    if (IsLParenKw("instantiate")) {
      pos_ += 2;
      ci.kind = CoreInstance::Kind::kInstantiate;
      if (Peek().kind == TokenKind::kLParen) {
        NW_SET(ci.module, CoreRef(Sort::kCoreModule));
      } else {
        NW_SET(ci.module, Resolve(Sort::kCoreModule));
      }
      while (IsLParenKw("with")) {
        pos_ += 2;
        CoreInstantiateArg a;
        NW_SET(a.name, String());
        NW_TRY(ExpectLParenKw("instance"));
        if (Peek().kind == TokenKind::kId || Peek().kind == TokenKind::kNumber) {
          NW_SET(a.instance, Resolve(Sort::kCoreInstance));
          NW_TRY(Expect(TokenKind::kRParen));
        } else {
          NW_SET(a.instance, CoreInstanceBody(std::nullopt, At()));
        }
        NW_TRY(Expect(TokenKind::kRParen));
        ci.args.push_back(std::move(a));
      }
      NW_TRY(Expect(TokenKind::kRParen));
    } else {
      ci.kind = CoreInstance::Kind::kExports;
      while (IsLParenKw("export")) {
        pos_ += 2;
        CoreInlineExport e;
        NW_SET(e.name, String());
        NW_SET(e.item, SortIdxP(/*core_context=*/true));
        NW_TRY(Expect(TokenKind::kRParen));
        ci.exports.push_back(std::move(e));
      }
    }
    NW_TRY(Expect(TokenKind::kRParen));
    Emit(S().comp->core_instances, SectionKind::kCoreInstance, std::move(ci), at);
    return Bind(Sort::kCoreInstance, id, at);
  }

  Status CoreInstanceField() {
    size_t at = At();
    pos_ += 3;
    std::optional<std::string> id = OptId();
    return Drop(CoreInstanceBody(id, at));
  }

  // `(core func $id? (canon ...))`, `(core func $id? (alias core export $i "n"))` and the same
  // alias form for the other core sorts.
  Status CoreItemField() {
    size_t at = At();
    pos_ += 2;
    NW_TRY_ASSIGN(Sort s, SortKw(/*core_context=*/true));
    std::optional<std::string> id = OptId();
    if (IsLParenKw("alias")) {
      pos_ += 2;
      NW_TRY(ExpectKw("core"));
      NW_TRY(ExpectKw("export"));
      Alias a;
      a.target = Alias::Target::kCoreExport;
      a.sort = s;
      NW_SET(a.instance, Resolve(Sort::kCoreInstance));
      NW_SET(a.name, String());
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
      return Drop(AddAlias(std::move(a), id, at));
    }
    if (s == Sort::kCoreFunc && IsLParenKw("canon")) {
      pos_ += 2;
      NW_TRY_ASSIGN(Canon c, CanonBody());
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
      return Drop(AddCanon(std::move(c), Sort::kCoreFunc, id, at));
    }
    return Unexpected();
  }

  Status InstanceField() {
    size_t at = At();
    pos_ += 2;
    std::optional<std::string> id = OptId();
    NW_TRY_ASSIGN(auto exports, InlineExports());
    if (IsLParenKw("import")) {  // `(instance $i (import "n") decls...)` import sugar
      pos_ += 2;
      Import im;
      im.offset = at;
      NW_SET(im.name, NameWithAttributes());
      NW_TRY(Expect(TokenKind::kRParen));
      im.type.kind = ExternKindC::kInstance;
      if (IsTypeRef()) {
        pos_ += 2;
        NW_SET(im.type.index, Resolve(Sort::kType));
        NW_TRY(Expect(TokenKind::kRParen));
        NW_TRY(Expect(TokenKind::kRParen));
      } else {
        TypeDef td;
        td.kind = TypeDef::Kind::kInstance;
        NW_TRY(Decls(td.decls, true));
        NW_SET(im.type.index, AddType(std::move(td), std::nullopt, at));
      }
      Emit(S().comp->imports, SectionKind::kImport, std::move(im), at);
      NW_TRY_ASSIGN(uint32_t idx, Bind(Sort::kInstance, id, at));
      return EmitInlineExports(exports, Sort::kInstance, idx, at);
    }
    NW_TRY_ASSIGN(uint32_t idx, InstanceBody(id, at));
    return EmitInlineExports(exports, Sort::kInstance, idx, at);
  }

  Result<uint32_t> InstanceBody(const std::optional<std::string>& id, size_t at) {
    Instance in;
    in.offset = at;
    if (IsLParenKw("instantiate")) {
      pos_ += 2;
      in.kind = Instance::Kind::kInstantiate;
      NW_SET(in.component, Ref(Sort::kComponent));
      while (IsLParenKw("with")) {
        pos_ += 2;
        InstantiateArg a;
        NW_SET(a.name, String());
        if (IsLParenKw("instance") && (IsLParenKw("export", 2) || Peek(2).kind == TokenKind::kRParen)) {
          pos_ += 2;
          NW_TRY_ASSIGN(uint32_t i, InstanceBody(std::nullopt, At()));
          a.item = {Sort::kInstance, i};
        } else {
          NW_SET(a.item, SortIdxP());
        }
        NW_TRY(Expect(TokenKind::kRParen));
        in.args.push_back(std::move(a));
      }
      NW_TRY(Expect(TokenKind::kRParen));
    } else {
      in.kind = Instance::Kind::kExports;
      while (IsLParenKw("export")) {
        pos_ += 2;
        InlineExport e;
        NW_SET(e.name, NameWithAttributes());
        NW_SET(e.item, SortIdxP());
        NW_TRY(Expect(TokenKind::kRParen));
        in.exports.push_back(std::move(e));
      }
    }
    NW_TRY(Expect(TokenKind::kRParen));
    Emit(S().comp->instances, SectionKind::kInstance, std::move(in), at);
    return Bind(Sort::kInstance, id, at);
  }

  Status AliasField() {
    size_t at = At();
    pos_ += 2;
    Alias a;
    if (IsKw("export")) {
      ++pos_;
      a.target = Alias::Target::kExport;
      NW_SET(a.instance, Resolve(Sort::kInstance));
      NW_SET(a.name, String());
    } else if (IsKw("core")) {
      ++pos_;
      NW_TRY(ExpectKw("export"));
      a.target = Alias::Target::kCoreExport;
      NW_SET(a.instance, Resolve(Sort::kCoreInstance));
      NW_SET(a.name, String());
    } else if (IsKw("outer")) {
      ++pos_;
      a.target = Alias::Target::kOuter;
      // Outer counts start at the current scope (0).
      if (Peek().kind == TokenKind::kId) {
        NW_TRY_ASSIGN(uint32_t n, OuterCount());
        a.count = n - 1;
      } else {
        NW_SET(a.count, U32());
      }
      size_t idx_at = pos_;
      // The sort follows the index; look ahead to resolve the index in the right space.
      pos_ += 1;
      NW_TRY(Expect(TokenKind::kLParen));
      NW_SET(a.sort, SortKw());
      size_t after_sort = pos_;
      pos_ = idx_at;
      if (a.count >= scopes_.size()) {
        NW_SET(a.index, U32());
      } else {
        NW_SET(a.index, ResolveIn(scopes_[scopes_.size() - 1 - a.count], a.sort));
      }
      pos_ = after_sort;
      std::optional<std::string> id = OptId();
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
      return Drop(AddAlias(std::move(a), id, at));
    } else {
      return Unexpected();
    }
    NW_TRY(Expect(TokenKind::kLParen));
    NW_SET(a.sort, SortKw());
    std::optional<std::string> id = OptId();
    NW_TRY(Expect(TokenKind::kRParen));
    NW_TRY(Expect(TokenKind::kRParen));
    return Drop(AddAlias(std::move(a), id, at));
  }

  Status TypeField() {
    size_t at = At();
    pos_ += 2;
    std::optional<std::string> id = OptId();
    NW_TRY_ASSIGN(auto exports, InlineExports());
    NW_TRY_ASSIGN(TypeDef t, DefType());
    NW_TRY(Expect(TokenKind::kRParen));
    NW_TRY_ASSIGN(uint32_t idx, AddType(std::move(t), id, at));
    if (!exports.empty() && S().is_type) return MakeError(at, "inline exports in a type declarator");
    return EmitInlineExports(exports, Sort::kType, idx, at);
  }

  // `(func $id? (export "n")* typeuse (canon lift ...))` or `(func $id? (alias export $i "n"))`.
  Status FuncField() {
    size_t at = At();
    pos_ += 2;
    std::optional<std::string> id = OptId();
    NW_TRY_ASSIGN(auto exports, InlineExports());
    uint32_t idx;
    if (IsLParenKw("alias")) {
      pos_ += 2;
      NW_TRY(ExpectKw("export"));
      Alias a;
      a.sort = Sort::kFunc;
      NW_SET(a.instance, Resolve(Sort::kInstance));
      NW_SET(a.name, String());
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
      NW_SET(idx, AddAlias(std::move(a), id, at));
    } else {
      NW_TRY_ASSIGN(uint32_t type, FuncTypeUse());
      NW_TRY(ExpectLParenKw("canon"));
      NW_TRY(ExpectKw("lift"));
      Canon c;
      c.kind = CanonKind::kLift;
      NW_SET(c.func, Ref(Sort::kCoreFunc));
      NW_SET(c.opts, Opts());
      c.type = type;
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
      NW_SET(idx, AddCanon(std::move(c), Sort::kFunc, id, at));
    }
    return EmitInlineExports(exports, Sort::kFunc, idx, at);
  }

  // `(canon lift ... (func $id? typeuse))` / `(canon lower ... (core func $id?))` / built-ins.
  Status CanonField() {
    size_t at = At();
    pos_ += 2;
    if (IsKw("lift")) {
      ++pos_;
      Canon c;
      c.kind = CanonKind::kLift;
      NW_SET(c.func, Ref(Sort::kCoreFunc));
      NW_SET(c.opts, Opts());
      bool had_type = IsLParenKw("type");
      if (had_type) {
        pos_ += 2;
        NW_SET(c.type, Resolve(Sort::kType));
        NW_TRY(Expect(TokenKind::kRParen));
      }
      NW_TRY(ExpectLParenKw("func"));
      std::optional<std::string> id = OptId();
      if (!had_type) {
        NW_SET(c.type, FuncTypeUse());
      }
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
      return Drop(AddCanon(std::move(c), Sort::kFunc, id, at));
    }
    NW_TRY_ASSIGN(Canon c, CanonBody());
    NW_TRY(ExpectLParenKw("core"));
    NW_TRY(ExpectKw("func"));
    std::optional<std::string> id = OptId();
    NW_TRY(Expect(TokenKind::kRParen));
    NW_TRY(Expect(TokenKind::kRParen));
    return Drop(AddCanon(std::move(c), Sort::kCoreFunc, id, at));
  }

  // After `canon`: a canon producing a core function (lower and the built-ins), without the
  // trailing `(core func $id?)`.
  Result<Canon> CanonBody() {
    Canon c;
    if (Peek().kind != TokenKind::kKeyword) return Unexpected();
    size_t at = At();
    std::string name(Text(toks_[pos_++]));
    static constexpr std::pair<std::string_view, CanonKind> kNames[] = {
        {"lower", CanonKind::kLower},
        {"resource.new", CanonKind::kResourceNew},
        {"resource.drop", CanonKind::kResourceDrop},
        {"resource.rep", CanonKind::kResourceRep},
        {"task.cancel", CanonKind::kTaskCancel},
        {"subtask.cancel", CanonKind::kSubtaskCancel},
        {"task.return", CanonKind::kTaskReturn},
        {"context.get", CanonKind::kContextGet},
        {"context.set", CanonKind::kContextSet},
        {"thread.yield", CanonKind::kThreadYield},
        {"subtask.drop", CanonKind::kSubtaskDrop},
        {"stream.new", CanonKind::kStreamNew},
        {"stream.read", CanonKind::kStreamRead},
        {"stream.write", CanonKind::kStreamWrite},
        {"stream.cancel-read", CanonKind::kStreamCancelRead},
        {"stream.cancel-write", CanonKind::kStreamCancelWrite},
        {"stream.drop-readable", CanonKind::kStreamDropReadable},
        {"stream.drop-writable", CanonKind::kStreamDropWritable},
        {"future.new", CanonKind::kFutureNew},
        {"future.read", CanonKind::kFutureRead},
        {"future.write", CanonKind::kFutureWrite},
        {"future.cancel-read", CanonKind::kFutureCancelRead},
        {"future.cancel-write", CanonKind::kFutureCancelWrite},
        {"future.drop-readable", CanonKind::kFutureDropReadable},
        {"future.drop-writable", CanonKind::kFutureDropWritable},
        {"error-context.new", CanonKind::kErrorContextNew},
        {"error-context.debug-message", CanonKind::kErrorContextDebugMessage},
        {"error-context.drop", CanonKind::kErrorContextDrop},
        {"waitable-set.new", CanonKind::kWaitableSetNew},
        {"waitable-set.wait", CanonKind::kWaitableSetWait},
        {"waitable-set.poll", CanonKind::kWaitableSetPoll},
        {"waitable-set.drop", CanonKind::kWaitableSetDrop},
        {"waitable.join", CanonKind::kWaitableJoin},
        {"backpressure.inc", CanonKind::kBackpressureInc},
        {"backpressure.dec", CanonKind::kBackpressureDec},
        {"thread.index", CanonKind::kThreadIndex},
        {"thread.new-indirect", CanonKind::kThreadNewIndirect},
        {"thread.resume-later", CanonKind::kThreadResumeLater},
        {"thread.suspend", CanonKind::kThreadSuspend},
        {"thread.suspend-then-resume", CanonKind::kThreadSuspendThenResume},
        {"thread.yield-then-resume", CanonKind::kThreadYieldThenResume},
        {"thread.suspend-then-promote", CanonKind::kThreadSuspendThenPromote},
        {"thread.yield-then-promote", CanonKind::kThreadYieldThenPromote},
        {"thread.spawn-ref", CanonKind::kThreadSpawnRef},
        {"thread.spawn-indirect", CanonKind::kThreadSpawnIndirect},
        {"thread.available-parallelism", CanonKind::kThreadAvailableParallelism},
    };
    bool found = false;
    for (auto [n, k] : kNames) {
      if (n == name) {
        c.kind = k;
        found = true;
      }
    }
    if (!found) return MakeError(at, "unknown canonical built-in `" + name + "`");
    auto flag = [&](std::string_view kw) {
      if (IsKw(kw)) {
        ++pos_;
        c.flag = true;
      }
    };
    switch (c.kind) {
      case CanonKind::kLower:
        NW_SET(c.func, Ref(Sort::kFunc));
        NW_SET(c.opts, Opts());
        break;
      case CanonKind::kResourceNew: case CanonKind::kResourceDrop: case CanonKind::kResourceRep:
      case CanonKind::kStreamNew: case CanonKind::kStreamDropReadable:
      case CanonKind::kStreamDropWritable: case CanonKind::kFutureNew:
      case CanonKind::kFutureDropReadable: case CanonKind::kFutureDropWritable:
        NW_SET(c.type, Ref(Sort::kType));
        if (c.kind == CanonKind::kResourceDrop) flag("async");
        break;
      case CanonKind::kStreamRead: case CanonKind::kStreamWrite: case CanonKind::kFutureRead:
      case CanonKind::kFutureWrite:
        NW_SET(c.type, Ref(Sort::kType));
        NW_SET(c.opts, Opts());
        break;
      case CanonKind::kStreamCancelRead: case CanonKind::kStreamCancelWrite:
      case CanonKind::kFutureCancelRead: case CanonKind::kFutureCancelWrite:
        NW_SET(c.type, Ref(Sort::kType));
        flag("async");
        break;
      case CanonKind::kSubtaskCancel: flag("async"); break;
      case CanonKind::kTaskReturn: {
        NW_TRY_ASSIGN(FuncTypeC f, FuncTypeBody());
        c.result = f.result;
        NW_SET(c.opts, Opts());
        break;
      }
      case CanonKind::kContextGet: case CanonKind::kContextSet: {
        if (Peek().kind != TokenKind::kKeyword) return Unexpected();
        auto v = CoreValFromKeyword(Text(Peek()));
        if (!v) return Unexpected();
        ++pos_;
        c.core_type = *v;
        NW_SET(c.index, U32());
        break;
      }
      case CanonKind::kErrorContextNew: case CanonKind::kErrorContextDebugMessage:
        NW_SET(c.opts, Opts());
        break;
      case CanonKind::kWaitableSetWait: case CanonKind::kWaitableSetPoll:
        flag("cancellable");
        NW_TRY(ExpectLParenKw("memory"));
        NW_SET(c.index, Ref(Sort::kCoreMemory));
        NW_TRY(Expect(TokenKind::kRParen));
        break;
      case CanonKind::kThreadYield: case CanonKind::kThreadSuspend:
      case CanonKind::kThreadSuspendThenResume: case CanonKind::kThreadYieldThenResume:
      case CanonKind::kThreadSuspendThenPromote: case CanonKind::kThreadYieldThenPromote:
        flag("cancellable");
        break;
      case CanonKind::kThreadNewIndirect:
        NW_SET(c.type, Ref(Sort::kCoreType));
        NW_SET(c.index, Ref(Sort::kCoreTable));
        break;
      case CanonKind::kThreadSpawnRef: case CanonKind::kThreadSpawnIndirect:
        flag("shared");
        NW_SET(c.type, Ref(Sort::kCoreType));
        if (c.kind == CanonKind::kThreadSpawnIndirect) NW_SET(c.index, Ref(Sort::kCoreTable));
        break;
      case CanonKind::kThreadAvailableParallelism: flag("shared"); break;
      default:
        break;
    }
    return c;
  }

  Result<std::vector<CanonOpt>> Opts() {
    std::vector<CanonOpt> opts;
    while (true) {
      CanonOpt o;
      o.offset = At();
      if (IsKw("string-encoding=utf8") || IsKw("string-encoding=utf16") ||
          IsKw("string-encoding=latin1+utf16")) {
        std::string_view k = Text(toks_[pos_++]);
        o.kind = k == "string-encoding=utf8"    ? CanonOpt::Kind::kUtf8
                 : k == "string-encoding=utf16" ? CanonOpt::Kind::kUtf16
                                                : CanonOpt::Kind::kLatin1Utf16;
      } else if (IsKw("async")) {
        ++pos_;
        o.kind = CanonOpt::Kind::kAsync;
      } else if (IsLParenKw("memory")) {
        pos_ += 2;
        o.kind = CanonOpt::Kind::kMemory;
        NW_SET(o.index, Ref(Sort::kCoreMemory));
        NW_TRY(Expect(TokenKind::kRParen));
      } else if (IsLParenKw("realloc") || IsLParenKw("post-return") || IsLParenKw("callback")) {
        std::string_view k = Text(Peek(1));
        pos_ += 2;
        o.kind = k == "realloc"       ? CanonOpt::Kind::kRealloc
                 : k == "post-return" ? CanonOpt::Kind::kPostReturn
                                      : CanonOpt::Kind::kCallback;
        NW_SET(o.index, Ref(Sort::kCoreFunc));
        NW_TRY(Expect(TokenKind::kRParen));
      } else {
        return opts;
      }
      opts.push_back(o);
    }
  }

  Status ImportField() {
    size_t at = At();
    pos_ += 2;
    Import im;
    im.offset = at;
    NW_SET(im.name, NameWithAttributes());
    std::optional<std::string> id;
    NW_SET(im.type, ExternDesc(id));
    NW_TRY(Expect(TokenKind::kRParen));
    Sort s = SortOfExternKind(im.type.kind);
    Emit(S().comp->imports, SectionKind::kImport, std::move(im), at);
    return Drop(Bind(s, id, at));
  }

  Status ExportField() {
    size_t at = At();
    pos_ += 2;
    std::optional<std::string> id = OptId();
    Export ex;
    ex.offset = at;
    NW_SET(ex.name, NameWithAttributes());
    NW_SET(ex.item, SortIdxP());
    if (Peek().kind == TokenKind::kLParen) {
      std::optional<std::string> ignored;
      NW_SET(ex.type, ExternDesc(ignored));
    }
    NW_TRY(Expect(TokenKind::kRParen));
    Sort s = ex.item.sort;
    Emit(S().comp->exports, SectionKind::kExport, std::move(ex), at);
    return Drop(Bind(s, id, at));
  }

  // `(start f (value v)* (result (value $id?))*)` (Explainer.md "Start definitions"): each result
  // defines a new value.
  Status StartField() {
    size_t at = At();
    pos_ += 2;
    Start st;
    st.offset = at;
    NW_SET(st.func, Ref(Sort::kFunc));
    while (IsLParenKw("value")) {
      NW_TRY_ASSIGN(uint32_t v, Ref(Sort::kValue));
      st.args.push_back(v);
    }
    std::vector<std::optional<std::string>> result_ids;
    while (IsLParenKw("result")) {
      pos_ += 2;
      NW_TRY(ExpectLParenKw("value"));
      result_ids.push_back(OptId());
      NW_TRY(Expect(TokenKind::kRParen));
      NW_TRY(Expect(TokenKind::kRParen));
    }
    NW_TRY(Expect(TokenKind::kRParen));
    st.results = static_cast<uint32_t>(result_ids.size());
    Emit(S().comp->starts, SectionKind::kStart, std::move(st), at);
    for (const auto& id : result_ids) NW_TRY(Bind(Sort::kValue, id, at));
    return Ok();
  }

  // 🪙 `(value $id? <valtype> <val>)` (Explainer.md "Value definitions"): `<val>` is either
  // `(binary "..."*)`, the value's binary encoding kept as the decoder keeps it, or a literal
  // (`true`, `42`, `'c'`, `"s"`, `(record ...)`, ...), encoded against the type as the
  // component stands so far (value_literal.h).
  Status ValueField() {
    size_t at = At();
    pos_ += 2;
    std::optional<std::string> id = OptId();
    Value v;
    v.offset = at;
    NW_SET(v.type, ValTypeP());
    if (IsLParenKw("binary")) {
      pos_ += 2;
      std::string bytes;
      while (Peek().kind == TokenKind::kString) bytes += DecodeString(Text(toks_[pos_++]));
      NW_TRY(Expect(TokenKind::kRParen));
      v.bytes.assign(bytes.begin(), bytes.end());
    } else {
      NW_TRY_ASSIGN(LitNode lit, Literal(0));
      S().literal_types.Update(*S().comp, S().comp->sections.size());
      NW_SET(v.bytes, EncodeValueLiteral(lit, v.type, *S().comp, S().literal_types));
    }
    NW_TRY(Expect(TokenKind::kRParen));
    Emit(S().comp->values, SectionKind::kValue, std::move(v), at);
    return Drop(Bind(Sort::kValue, id, at));
  }

  // One value literal as a tree: atoms, or `(keyword literal*)`.
  Result<LitNode> Literal(int depth) {
    if (depth > 500) return MakeError(At(), "value literal nested too deeply");
    const Token& t = Peek();
    LitNode n;
    n.offset = t.offset;
    switch (t.kind) {
      case TokenKind::kKeyword: case TokenKind::kNumber:
        n.text = std::string(Text(t));
        ++pos_;
        return n;
      case TokenKind::kString:
        n.kind = LitNode::Kind::kString;
        n.text = DecodeString(Text(t));
        ++pos_;
        return n;
      case TokenKind::kLParen:
        if (Peek(1).kind != TokenKind::kKeyword) {
          ++pos_;
          return Unexpected();
        }
        n.kind = LitNode::Kind::kForm;
        n.text = std::string(Text(Peek(1)));
        pos_ += 2;
        while (Peek().kind != TokenKind::kRParen) {
          if (Peek().kind == TokenKind::kEof) return Unexpected();
          NW_TRY_ASSIGN(LitNode e, Literal(depth + 1));
          n.elems.push_back(std::move(e));
        }
        ++pos_;
        return n;
      default:
        if (t.offset < src_.size() && src_[t.offset] == '\'') return CharLiteral();
        return Unexpected();
    }
  }

  // `'c'`: one character or escape (\t \n \r \" \' \\ \u{hex}, or \hh below 0x80) between
  // single quotes. The lexer has no token for it (quotes are id characters and a quoted space or
  // paren splits tokens), so it is read from the source and the tokens it spans are skipped.
  Result<LitNode> CharLiteral() {
    size_t start = Peek().offset, p = start + 1;
    auto bad = [&](const char* why) { return MakeError(start, std::string("malformed character literal: ") + why); };
    uint32_t cp = 0;
    if (p >= src_.size()) return bad("unexpected end of input");
    if (src_[p] == '\\') {
      ++p;
      if (p >= src_.size()) return bad("unexpected end of input");
      char e = src_[p++];
      if (e == 't') cp = '\t';
      else if (e == 'n') cp = '\n';
      else if (e == 'r') cp = '\r';
      else if (e == '"' || e == '\'' || e == '\\') cp = static_cast<uint8_t>(e);
      else if (e == 'u') {
        if (p >= src_.size() || src_[p++] != '{') return bad("expected { after \\u");
        size_t digits = 0;
        while (p < src_.size() && src_[p] != '}') {
          int h = HexValue(src_[p]);
          if (h < 0 && src_[p] != '_') return bad("bad hex digit");
          if (h >= 0) {
            if (cp > 0x10FFFF) return bad("code point out of range");
            cp = cp * 16 + static_cast<uint32_t>(h);
            ++digits;
          }
          ++p;
        }
        if (p >= src_.size() || !digits) return bad("bad \\u{...} escape");
        ++p;
      } else if (HexValue(e) >= 0 && p < src_.size() && HexValue(src_[p]) >= 0) {
        cp = static_cast<uint32_t>(HexValue(e) * 16 + HexValue(src_[p++]));
        if (cp >= 0x80) return bad("a \\hh escape above 7f is a byte, not a character");
      } else {
        return bad("unknown escape");
      }
    } else {
      uint8_t c0 = static_cast<uint8_t>(src_[p]);
      size_t len = c0 < 0x80 ? 1 : (c0 >> 5) == 0x6 ? 2 : (c0 >> 4) == 0xE ? 3 : (c0 >> 3) == 0x1E ? 4 : 0;
      if (!len || src_.size() - p < len || !IsValidUtf8(src_.substr(p, len))) return bad("malformed UTF-8 encoding");
      if (c0 < 0x20 || c0 == 0x7f || c0 == '\'') return bad("character must be escaped");
      cp = len == 1 ? c0 : (c0 & (0x7F >> len));
      for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (static_cast<uint8_t>(src_[p + i]) & 0x3F);
      p += len;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return bad("not a Unicode scalar value");
    if (p >= src_.size() || src_[p] != '\'') return bad("expected a closing '");
    ++p;
    size_t last_end = p;
    while (Peek().kind != TokenKind::kEof && Peek().offset < p) {
      last_end = Peek().offset + Peek().length;
      ++pos_;
    }
    if (last_end > p) return bad("characters after the closing ' (write \\u{22} for a double quote)");
    LitNode n;
    n.kind = LitNode::Kind::kChar;
    n.code_point = cp;
    n.offset = start;
    return n;
  }

  std::string_view src_;
  std::vector<Token> toks_;
  std::vector<uint32_t> match_;
  size_t pos_ = 0;
  std::vector<Scope> scopes_;
};

}  // namespace

Result<Component> ParseComponentText(std::string_view text) {
  Parser p(text);
  return p.Run();
}

}  // namespace nw::component

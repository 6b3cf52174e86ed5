// Component value literals (value_literal.h): type-directed encoding of a literal tree into
// Binary.md's val(t) bytes, and decoding of such bytes back into a literal tree that encodes to
// the same bytes (or nothing, and the binary form is printed).
#include "component/text/value_literal.h"

#include <cstring>
#include <type_traits>

#include "text/lexer.h"
#include "text/printer.h"

namespace nw::component {
namespace {

// Types nest at most this deep in a literal (a guard for the recursion; real values are
// shallow).
constexpr int kMaxDepth = 500;

// A value type resolved one level: a primitive, or a local defined value type.
struct Shape {
  bool prim = true;
  PrimType p = PrimType::kBool;
  const DefValType* d = nullptr;
};

std::optional<Shape> Resolve(const ValType& t, const Component& c, const LiteralTypes& types) {
  if (!t.is_index) return Shape{true, t.prim, nullptr};
  const TypeDef* td = types.At(c, t.index);
  if (!td || td->kind != TypeDef::Kind::kDefVal) return std::nullopt;
  const DefValType& d = td->val;
  if (d.kind == DefValKind::kPrim) return Shape{true, d.prim, nullptr};
  return Shape{false, PrimType::kBool, &d};
}

void ULeb(uint64_t v, std::vector<uint8_t>& out) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void SLeb(int64_t v, std::vector<uint8_t>& out) {
  while (true) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

void Utf8(uint32_t c, std::vector<uint8_t>& out) {
  if (c < 0x80) {
    out.push_back(static_cast<uint8_t>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<uint8_t>(0xC0 | (c >> 6)));
    out.push_back(static_cast<uint8_t>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<uint8_t>(0xE0 | (c >> 12)));
    out.push_back(static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<uint8_t>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<uint8_t>(0xF0 | (c >> 18)));
    out.push_back(static_cast<uint8_t>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<uint8_t>(0x80 | (c & 0x3F)));
  }
}

constexpr uint32_t kCanonicalNan32 = 0x7fc00000;
constexpr uint64_t kCanonicalNan64 = 0x7ff8000000000000ull;

unsigned IntBits(PrimType p) {
  switch (p) {
    case PrimType::kS8: case PrimType::kU8: return 8;
    case PrimType::kS16: case PrimType::kU16: return 16;
    case PrimType::kS32: case PrimType::kU32: return 32;
    default: return 64;
  }
}

bool IsSigned(PrimType p) {
  return p == PrimType::kS8 || p == PrimType::kS16 || p == PrimType::kS32 || p == PrimType::kS64;
}

std::string_view DefValKindName(DefValKind k) {
  static constexpr std::string_view kNames[] = {"primitive", "record", "variant", "list",
                                                "fixed-length list", "tuple", "flags", "enum",
                                                "option", "result", "own", "borrow", "stream",
                                                "future", "map"};
  return kNames[static_cast<size_t>(k)];
}

// ---- literal -> bytes -----------------------------------------------------------------------

class Encoder {
 public:
  Encoder(const Component& c, const LiteralTypes& types) : c_(c), types_(types) {}

  Status Val(const LitNode& n, const ValType& t, std::vector<uint8_t>& out, int depth) {
    if (depth > kMaxDepth) return MakeError(n.offset, "value literal nested too deeply");
    std::optional<Shape> s = Resolve(t, c_, types_);
    if (!s)
      return MakeError(n.offset, "value literal: type " + std::to_string(t.index) +
                                     " is not a value type defined in this component (use the "
                                     "(binary \"...\") form)");
    if (s->prim) return Prim(n, s->p, out);
    const DefValType& d = *s->d;
    switch (d.kind) {
      case DefValKind::kRecord: {
        NW_TRY(Form(n, "record", d.fields.size(), d.fields.size()));
        for (size_t i = 0; i < d.fields.size(); ++i) NW_TRY(Val(n.elems[i], *d.fields[i].type, out, depth + 1));
        return Ok();
      }
      case DefValKind::kTuple: {
        NW_TRY(Form(n, "tuple", d.types.size(), d.types.size()));
        for (size_t i = 0; i < d.types.size(); ++i) NW_TRY(Val(n.elems[i], d.types[i], out, depth + 1));
        return Ok();
      }
      case DefValKind::kList: {
        NW_TRY(Form(n, "list", 0, SIZE_MAX));
        ULeb(n.elems.size(), out);
        for (const LitNode& e : n.elems) NW_TRY(Val(e, *d.a, out, depth + 1));
        return Ok();
      }
      case DefValKind::kVariant: {
        NW_TRY(Form(n, "variant", 1, 2));
        NW_TRY_ASSIGN(uint32_t c, Label(n.elems[0], d.fields));
        ULeb(c, out);
        bool has = d.fields[c].type.has_value();
        if (has != (n.elems.size() == 2))
          return MakeError(n.offset, "case \"" + d.fields[c].label + (has ? "\" needs a payload" : "\" has no payload"));
        return has ? Val(n.elems[1], *d.fields[c].type, out, depth + 1) : Ok();
      }
      case DefValKind::kEnum: {
        NW_TRY(Form(n, "enum", 1, 1));
        NW_TRY_ASSIGN(uint32_t c, Label(n.elems[0], d.labels));
        ULeb(c, out);
        return Ok();
      }
      case DefValKind::kFlags: {
        NW_TRY(Form(n, "flags", 0, SIZE_MAX));
        std::vector<uint8_t> bits((d.labels.size() + 7) / 8, 0);
        for (const LitNode& e : n.elems) {
          NW_TRY_ASSIGN(uint32_t i, Label(e, d.labels));
          bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
        }
        out.insert(out.end(), bits.begin(), bits.end());
        return Ok();
      }
      case DefValKind::kOption:
        if (n.kind == LitNode::Kind::kWord && n.text == "none") {
          out.push_back(0x00);
          return Ok();
        }
        NW_TRY(Form(n, "some", 1, 1, "none or (some v)"));
        out.push_back(0x01);
        return Val(n.elems[0], *d.a, out, depth + 1);
      case DefValKind::kResult: {
        bool word = n.kind == LitNode::Kind::kWord;
        std::string_view head = word ? std::string_view(n.text)
                                     : (n.kind == LitNode::Kind::kForm ? std::string_view(n.text) : "");
        if (head != "ok" && head != "error")
          return MakeError(n.offset, "expected ok, (ok v), error or (error v) for a result");
        bool err = head == "error";
        const std::optional<ValType>& pt = err ? d.b : d.a;
        if (pt.has_value() == word)
          return MakeError(n.offset, std::string(head) + (pt ? " needs a payload" : " has no payload"));
        out.push_back(err ? 0x01 : 0x00);
        if (!pt) return Ok();
        NW_TRY(Form(n, head, 1, 1));
        return Val(n.elems[0], *pt, out, depth + 1);
      }
      default:
        return MakeError(n.offset, "value literal: " + std::string(DefValKindName(d.kind)) +
                                       " values have no literal form (use the (binary \"...\") form)");
    }
  }

 private:
  Status Form(const LitNode& n, std::string_view head, size_t min, size_t max,
              std::string_view want = {}) {
    if (n.kind != LitNode::Kind::kForm || n.text != head)
      return MakeError(n.offset, "expected " + (want.empty() ? "(" + std::string(head) + " ...)" : std::string(want)));
    if (n.elems.size() < min || n.elems.size() > max)
      return MakeError(n.offset, "(" + std::string(head) + " ...) has " + std::to_string(n.elems.size()) +
                                     " values, expected " + (min == max ? std::to_string(min)
                                                                         : std::to_string(min) + " to " + std::to_string(max)));
    return Ok();
  }

  template <class Labels>
  Result<uint32_t> Label(const LitNode& n, const Labels& labels) {
    if (n.kind != LitNode::Kind::kString) return MakeError(n.offset, "expected a quoted label");
    for (size_t i = 0; i < labels.size(); ++i) {
      if constexpr (std::is_same_v<Labels, std::vector<LabeledType>>) {
        if (labels[i].label == n.text) return static_cast<uint32_t>(i);
      } else {
        if (labels[i] == n.text) return static_cast<uint32_t>(i);
      }
    }
    return MakeError(n.offset, "unknown label \"" + n.text + "\"");
  }

  Result<uint64_t> Int(const LitNode& n, PrimType p) {
    if (n.kind != LitNode::Kind::kWord || n.text.empty())
      return MakeError(n.offset, std::string("expected an integer for ") + PrimTypeName(p));
    bool neg = n.text[0] == '-';
    std::string_view body = n.text;
    if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
    auto v = ParseUnsigned(body, 64);
    if (!v) return MakeError(n.offset, "malformed integer `" + n.text + "`");
    unsigned bits = IntBits(p);
    bool ok = IsSigned(p) ? (neg ? *v <= (uint64_t{1} << (bits - 1)) : *v < (uint64_t{1} << (bits - 1)))
                          : (!neg && (bits == 64 || *v < (uint64_t{1} << bits)));
    if (neg && *v == 0) ok = true;  // -0
    if (!ok) return MakeError(n.offset, "integer `" + n.text + "` out of range for " + PrimTypeName(p));
    return neg ? uint64_t{0} - *v : *v;
  }

  Status Prim(const LitNode& n, PrimType p, std::vector<uint8_t>& out) {
    switch (p) {
      case PrimType::kBool:
        if (n.kind != LitNode::Kind::kWord || (n.text != "true" && n.text != "false"))
          return MakeError(n.offset, "expected true or false for bool");
        out.push_back(n.text == "true");
        return Ok();
      case PrimType::kU8: case PrimType::kS8: {
        NW_TRY_ASSIGN(uint64_t v, Int(n, p));
        out.push_back(static_cast<uint8_t>(v));
        return Ok();
      }
      case PrimType::kU16: case PrimType::kU32: case PrimType::kU64: {
        NW_TRY_ASSIGN(uint64_t v, Int(n, p));
        ULeb(v, out);
        return Ok();
      }
      case PrimType::kS16: case PrimType::kS32: case PrimType::kS64: {
        NW_TRY_ASSIGN(uint64_t v, Int(n, p));
        SLeb(static_cast<int64_t>(v), out);
        return Ok();
      }
      case PrimType::kF32: case PrimType::kF64: {
        bool f32 = p == PrimType::kF32;
        if (n.kind != LitNode::Kind::kWord) return MakeError(n.offset, std::string("expected a number for ") + PrimTypeName(p));
        // f64canon: any core float but `nan:0x...`; `nan` is the one (canonical) NaN.
        if (n.text.find("nan:") != std::string::npos)
          return MakeError(n.offset, "NaN payloads (`" + n.text + "`) have no value form; write nan");
        std::string_view mag = n.text;
        if (!mag.empty() && (mag[0] == '+' || mag[0] == '-')) mag.remove_prefix(1);
        uint64_t bits;
        if (mag == "nan") {
          bits = f32 ? kCanonicalNan32 : kCanonicalNan64;
        } else if (f32) {
          auto b = ParseF32(n.text);
          if (!b) return MakeError(n.offset, "malformed f32 `" + n.text + "`: " + b.error().message);
          bits = *b;
        } else {
          auto b = ParseF64(n.text);
          if (!b) return MakeError(n.offset, "malformed f64 `" + n.text + "`: " + b.error().message);
          bits = *b;
        }
        for (unsigned i = 0; i < (f32 ? 4u : 8u); ++i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
        return Ok();
      }
      case PrimType::kChar:
        if (n.kind != LitNode::Kind::kChar) return MakeError(n.offset, "expected a character literal 'c' for char");
        Utf8(n.code_point, out);
        return Ok();
      case PrimType::kString:
        if (n.kind != LitNode::Kind::kString) return MakeError(n.offset, "expected a string for string");
        if (!IsValidUtf8(n.text)) return MakeError(n.offset, "malformed UTF-8 encoding");
        ULeb(n.text.size(), out);
        out.insert(out.end(), n.text.begin(), n.text.end());
        return Ok();
      case PrimType::kErrorContext:
        return MakeError(n.offset, "value literal: error-context values have no literal form");
    }
    return MakeError(n.offset, "bad primitive type");
  }

  const Component& c_;
  const LiteralTypes& types_;
};

// ---- bytes -> literal -----------------------------------------------------------------------

// Appends a decoded element or gives up.
#define NW_PUSH(form, expr)                      \
  do {                                           \
    auto nw_e_ = (expr);                         \
    if (!nw_e_) return std::nullopt;             \
    (form).elems.push_back(std::move(*nw_e_));   \
  } while (0)

class Decoder {
 public:
  Decoder(const std::vector<uint8_t>& b, const Component& c, const LiteralTypes& types)
      : b_(b), c_(c), types_(types) {}

  std::optional<LitNode> Val(const ValType& t, int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    std::optional<Shape> s = Resolve(t, c_, types_);
    if (!s) return std::nullopt;
    if (s->prim) return Prim(s->p);
    const DefValType& d = *s->d;
    switch (d.kind) {
      case DefValKind::kRecord: {
        LitNode f = Form("record");
        for (const LabeledType& x : d.fields) NW_PUSH(f, Val(*x.type, depth + 1));
        return f;
      }
      case DefValKind::kTuple: {
        LitNode f = Form("tuple");
        for (const ValType& x : d.types) NW_PUSH(f, Val(x, depth + 1));
        return f;
      }
      case DefValKind::kList: {
        auto n = ULeb(32);
        if (!n || *n > b_.size() - p_) return std::nullopt;  // every value takes a byte at least
        LitNode f = Form("list");
        for (uint64_t i = 0; i < *n; ++i) NW_PUSH(f, Val(*d.a, depth + 1));
        return f;
      }
      case DefValKind::kVariant: {
        auto c = ULeb(32);
        if (!c || *c >= d.fields.size()) return std::nullopt;
        LitNode f = Form("variant");
        f.elems.push_back(Str(d.fields[*c].label));
        if (d.fields[*c].type) NW_PUSH(f, Val(*d.fields[*c].type, depth + 1));
        return f;
      }
      case DefValKind::kEnum: {
        auto c = ULeb(32);
        if (!c || *c >= d.labels.size()) return std::nullopt;
        LitNode f = Form("enum");
        f.elems.push_back(Str(d.labels[*c]));
        return f;
      }
      case DefValKind::kFlags: {
        size_t nbytes = (d.labels.size() + 7) / 8;
        if (b_.size() - p_ < nbytes) return std::nullopt;
        LitNode f = Form("flags");
        for (size_t i = 0; i < nbytes * 8; ++i) {
          if (!(b_[p_ + i / 8] & (1u << (i % 8)))) continue;
          if (i >= d.labels.size()) return std::nullopt;  // a bit past the last label
          f.elems.push_back(Str(d.labels[i]));
        }
        p_ += nbytes;
        return f;
      }
      case DefValKind::kOption: {
        if (p_ >= b_.size() || b_[p_] > 1) return std::nullopt;
        if (b_[p_++] == 0) return Word("none");
        LitNode f = Form("some");
        NW_PUSH(f, Val(*d.a, depth + 1));
        return f;
      }
      case DefValKind::kResult: {
        if (p_ >= b_.size() || b_[p_] > 1) return std::nullopt;
        bool err = b_[p_++] == 1;
        const std::optional<ValType>& pt = err ? d.b : d.a;
        if (!pt) return Word(err ? "error" : "ok");
        LitNode f = Form(err ? "error" : "ok");
        NW_PUSH(f, Val(*pt, depth + 1));
        return f;
      }
      default: return std::nullopt;
    }
  }

  bool AtEnd() const { return p_ == b_.size(); }

 private:
  static LitNode Form(std::string head) {
    LitNode n;
    n.kind = LitNode::Kind::kForm;
    n.text = std::move(head);
    return n;
  }
  static LitNode Word(std::string w) {
    LitNode n;
    n.text = std::move(w);
    return n;
  }
  static LitNode Str(std::string s) {
    LitNode n;
    n.kind = LitNode::Kind::kString;
    n.text = std::move(s);
    return n;
  }

  std::optional<uint64_t> ULeb(unsigned bits) {
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
      if (p_ >= b_.size()) return std::nullopt;
      uint8_t x = b_[p_++];
      if (shift < 64) v |= uint64_t{x & 0x7fu} << shift;
      if (!(x & 0x80)) return (bits < 64 && (v >> bits)) ? std::nullopt : std::optional(v);
    }
    return std::nullopt;
  }
  std::optional<int64_t> SLeb() {
    uint64_t v = 0;
    unsigned shift = 0;
    while (shift < 70) {
      if (p_ >= b_.size()) return std::nullopt;
      uint8_t x = b_[p_++];
      if (shift < 64) v |= uint64_t{x & 0x7fu} << shift;
      shift += 7;
      if (!(x & 0x80)) {
        if (shift < 64 && (x & 0x40)) v |= ~uint64_t{0} << shift;
        return static_cast<int64_t>(v);
      }
    }
    return std::nullopt;
  }

  std::optional<LitNode> Prim(PrimType p) {
    switch (p) {
      case PrimType::kBool:
        if (p_ >= b_.size() || b_[p_] > 1) return std::nullopt;
        return Word(b_[p_++] ? "true" : "false");
      case PrimType::kU8:
        if (p_ >= b_.size()) return std::nullopt;
        return Word(std::to_string(b_[p_++]));
      case PrimType::kS8:
        if (p_ >= b_.size()) return std::nullopt;
        return Word(std::to_string(static_cast<int8_t>(b_[p_++])));
      case PrimType::kU16: case PrimType::kU32: case PrimType::kU64: {
        auto v = ULeb(IntBits(p));
        if (!v) return std::nullopt;
        return Word(std::to_string(*v));
      }
      case PrimType::kS16: case PrimType::kS32: case PrimType::kS64: {
        auto v = SLeb();
        if (!v) return std::nullopt;
        unsigned bits = IntBits(p);
        if (bits < 64 && (*v < -(int64_t{1} << (bits - 1)) || *v >= (int64_t{1} << (bits - 1)))) return std::nullopt;
        return Word(std::to_string(*v));
      }
      case PrimType::kF32: {
        if (b_.size() - p_ < 4) return std::nullopt;
        uint32_t bits;
        std::memcpy(&bits, b_.data() + p_, 4);
        p_ += 4;
        bool nan = (bits & 0x7f800000) == 0x7f800000 && (bits & 0x007fffff);
        if (nan) return bits == kCanonicalNan32 ? std::optional(Word("nan")) : std::nullopt;
        return Word(FormatF32(bits));
      }
      case PrimType::kF64: {
        if (b_.size() - p_ < 8) return std::nullopt;
        uint64_t bits;
        std::memcpy(&bits, b_.data() + p_, 8);
        p_ += 8;
        bool nan = (bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0x000fffffffffffffull);
        if (nan) return bits == kCanonicalNan64 ? std::optional(Word("nan")) : std::nullopt;
        return Word(FormatF64(bits));
      }
      case PrimType::kChar: {
        if (p_ >= b_.size()) return std::nullopt;
        uint8_t c0 = b_[p_];
        size_t len = c0 < 0x80 ? 1 : (c0 >> 5) == 0x6 ? 2 : (c0 >> 4) == 0xE ? 3 : (c0 >> 3) == 0x1E ? 4 : 0;
        if (!len || b_.size() - p_ < len) return std::nullopt;
        std::string_view s(reinterpret_cast<const char*>(b_.data() + p_), len);
        if (!IsValidUtf8(s)) return std::nullopt;
        uint32_t cp = len == 1 ? c0 : (c0 & (0x7F >> len));
        for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (b_[p_ + i] & 0x3F);
        p_ += len;
        LitNode n;
        n.kind = LitNode::Kind::kChar;
        n.code_point = cp;
        return n;
      }
      case PrimType::kString: {
        auto n = ULeb(32);
        if (!n || *n > b_.size() - p_) return std::nullopt;
        std::string s(reinterpret_cast<const char*>(b_.data() + p_), *n);
        p_ += *n;
        if (!IsValidUtf8(s)) return std::nullopt;
        return Str(std::move(s));
      }
      case PrimType::kErrorContext: return std::nullopt;
    }
    return std::nullopt;
  }
#undef NW_PUSH

  const std::vector<uint8_t>& b_;
  const Component& c_;
  const LiteralTypes& types_;
  size_t p_ = 0;
};

std::string CharText(uint32_t c) {
  // Printable ASCII as itself, except what the lexer would split on or the literal escapes.
  bool plain = c > 0x20 && c < 0x7f && c != '\'' && c != '\\' && c != '"' && c != '(' &&
               c != ')' && c != ';';
  if (plain) return std::string("'") + static_cast<char>(c) + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string h;
  for (uint32_t v = c; v || h.empty(); v >>= 4) h.insert(h.begin(), kHex[v & 0xf]);
  return "'\\u{" + h + "}'";
}

void LitText(const LitNode& n, std::string& out) {
  switch (n.kind) {
    case LitNode::Kind::kWord: out += n.text; return;
    case LitNode::Kind::kString: out += QuoteWatString(n.text); return;
    case LitNode::Kind::kChar: out += CharText(n.code_point); return;
    case LitNode::Kind::kForm:
      out += "(" + n.text;
      for (const LitNode& e : n.elems) {
        out += " ";
        LitText(e, out);
      }
      out += ")";
      return;
  }
}

}  // namespace

void LiteralTypes::Update(const Component& c, size_t sections) {
  auto at = [&](uint32_t i) { return i < space_.size() ? space_[i] : kNone; };
  for (; section_ < sections && section_ < c.sections.size(); ++section_, item_ = 0) {
    const Section& s = c.sections[section_];
    for (; item_ < s.count; ++item_) {
      uint32_t k = s.first + item_;
      switch (s.kind) {
        case SectionKind::kType: space_.push_back(k); break;
        case SectionKind::kAlias:
          if (c.aliases[k].sort == Sort::kType) space_.push_back(kNone);  // not followed
          break;
        case SectionKind::kImport: {
          const ExternTypeC& t = c.imports[k].type;
          if (t.kind == ExternKindC::kType) space_.push_back(t.bound_eq ? at(t.index) : kNone);
          break;
        }
        case SectionKind::kExport:
          if (c.exports[k].item.sort == Sort::kType) space_.push_back(at(c.exports[k].item.index));
          break;
        default: break;
      }
    }
    // The last section may still grow (the parser appends to it): stay on it.
    if (section_ + 1 == sections && sections == c.sections.size()) return;
  }
}

const TypeDef* LiteralTypes::At(const Component& c, uint32_t i) const {
  if (i >= space_.size() || space_[i] == kNone || space_[i] >= c.types.size()) return nullptr;
  return &c.types[space_[i]];
}

Result<std::vector<uint8_t>> EncodeValueLiteral(const LitNode& lit, const ValType& t,
                                                const Component& c, const LiteralTypes& types) {
  std::vector<uint8_t> out;
  Encoder e(c, types);
  NW_TRY(e.Val(lit, t, out, 0));
  return out;
}

std::optional<std::string> PrintValueLiteral(const std::vector<uint8_t>& bytes, const ValType& t,
                                             const Component& c, const LiteralTypes& types) {
  Decoder d(bytes, c, types);
  std::optional<LitNode> lit = d.Val(t, 0);
  if (!lit || !d.AtEnd()) return std::nullopt;
  // Only a literal that reads back to these very bytes (minimal LEB128s, canonical NaNs, ...).
  auto again = EncodeValueLiteral(*lit, t, c, types);
  if (!again || *again != bytes) return std::nullopt;
  std::string out;
  LitText(*lit, out);
  return out;
}

}  // namespace nw::component

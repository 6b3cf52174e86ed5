// Known answers from the official testsuite: evaluates the assert_return commands of
// core-2.0/simd/*.wast against each backend. A deliberately tiny evaluator: it understands the
// functions those files export (parameters, locals, constants and SIMD instructions, folded or
// flat) and skips anything else (memory, control flow, calls), so it exercises this library
// alone, without the parser, validator or interpreter. The testsuite is found through
// NANOWASM_TESTSUITE or ../shared/testsuite beside the source tree; without it the test skips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "backends.h"

namespace nw::simd::testing {
namespace {

// ---- s-expressions ----

struct Node {
  bool is_list = false;
  bool is_string = false;
  std::string_view atom;
  std::vector<Node> kids;
};

class SexprParser {
 public:
  explicit SexprParser(std::string_view text) : s_(text) {}

  bool ParseAll(std::vector<Node>& out) {
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size())
        return true;
      Node n;
      if (!ParseNode(n))
        return false;
      out.push_back(std::move(n));
    }
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (s_.substr(pos_, 2) == ";;") {
        while (pos_ < s_.size() && s_[pos_] != '\n')
          ++pos_;
      } else if (s_.substr(pos_, 2) == "(;") {
        int depth = 0;
        do {
          if (s_.substr(pos_, 2) == "(;")
            ++depth, pos_ += 2;
          else if (s_.substr(pos_, 2) == ";)")
            --depth, pos_ += 2;
          else
            ++pos_;
        } while (depth > 0 && pos_ < s_.size());
      } else {
        return;
      }
    }
  }

  bool ParseNode(Node& n) {
    if (s_[pos_] == '(') {
      ++pos_;
      n.is_list = true;
      for (;;) {
        SkipSpace();
        if (pos_ >= s_.size())
          return false;
        if (s_[pos_] == ')') {
          ++pos_;
          return true;
        }
        Node kid;
        if (!ParseNode(kid))
          return false;
        n.kids.push_back(std::move(kid));
      }
    }
    size_t start = pos_;
    if (s_[pos_] == '"') {
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] != '"')
        pos_ += s_[pos_] == '\\' ? 2 : 1;
      ++pos_;
      n.is_string = true;
      n.atom = s_.substr(start + 1, pos_ - start - 2);
      return true;
    }
    while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) &&
           s_[pos_] != '(' && s_[pos_] != ')')
      ++pos_;
    if (pos_ == start)
      return false;
    n.atom = s_.substr(start, pos_ - start);
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// ---- literals ----

std::string Clean(std::string_view a) {
  std::string s;
  for (char c : a)
    if (c != '_')
      s += c;
  return s;
}

bool ParseInt(std::string_view atom, unsigned bits, uint64_t& out) {
  std::string s = Clean(atom);
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+'))
    neg = s[i++] == '-';
  int base = 10;
  if (s.compare(i, 2, "0x") == 0)
    base = 16, i += 2;
  if (i >= s.size())
    return false;
  char* end = nullptr;
  uint64_t v = std::strtoull(s.c_str() + i, &end, base);
  if (*end != '\0')
    return false;
  if (neg)
    v = 0 - v;
  out = bits == 64 ? v : v & ((uint64_t(1) << bits) - 1);
  return true;
}

enum class NanPattern { kNone, kCanonical, kArithmetic };

// f32 (bits=32) or f64 literal to bits; nan:canonical / nan:arithmetic set `pattern`.
bool ParseFloat(std::string_view atom, unsigned bits, uint64_t& out, NanPattern& pattern) {
  pattern = NanPattern::kNone;
  std::string s = Clean(atom);
  bool neg = !s.empty() && s[0] == '-';
  std::string mag = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? s.substr(1) : s;
  const uint64_t sign = bits == 32 ? 0x80000000ull : 0x8000000000000000ull;
  const uint64_t exp = bits == 32 ? 0x7f800000ull : 0x7ff0000000000000ull;
  const uint64_t quiet = bits == 32 ? 0x00400000ull : 0x0008000000000000ull;
  if (mag == "inf") {
    out = exp | (neg ? sign : 0);
    return true;
  }
  if (mag.starts_with("nan")) {
    uint64_t payload = quiet;
    if (mag == "nan:canonical")
      pattern = NanPattern::kCanonical;
    else if (mag == "nan:arithmetic")
      pattern = NanPattern::kArithmetic;
    else if (mag.starts_with("nan:0x"))
      payload = std::strtoull(mag.c_str() + 6, nullptr, 16);
    else if (mag != "nan")
      return false;
    out = exp | payload | (neg ? sign : 0);
    return true;
  }
  char* end = nullptr;
  if (bits == 32) {
    float f = std::strtof(s.c_str(), &end);
    out = std::bit_cast<uint32_t>(f);
  } else {
    double d = std::strtod(s.c_str(), &end);
    out = std::bit_cast<uint64_t>(d);
  }
  return *end == '\0';
}

// ---- values ----

enum class Ty { kI32, kI64, kF32, kF64, kV128 };

struct Value {
  Ty ty = Ty::kI32;
  uint64_t bits = 0;
  V128Bits v{};
};

// An expected result: a value plus, for floats, a NaN pattern per lane.
struct Expected {
  Value value;
  std::string shape;            // v128 lane shape ("f32x4", ...)
  NanPattern pattern[16] = {};  // per lane (index 0 for scalars)
};

bool ShapeInfo(std::string_view shape, unsigned& lanes, unsigned& bits, bool& is_float) {
  static const std::map<std::string_view, std::pair<unsigned, bool>> kShapes = {
      {"i8x16", {8, false}},  {"i16x8", {16, false}}, {"i32x4", {32, false}},
      {"i64x2", {64, false}}, {"f32x4", {32, true}},  {"f64x2", {64, true}}};
  auto it = kShapes.find(shape);
  if (it == kShapes.end())
    return false;
  bits = it->second.first;
  is_float = it->second.second;
  lanes = 128 / bits;
  return true;
}

// Parses `<shape> lane...` from atoms[first..] into a v128; per-lane NaN patterns optional.
bool ParseV128(const std::vector<std::string_view>& atoms, size_t first, Expected& e) {
  unsigned lanes, bits;
  bool is_float;
  if (first >= atoms.size() || !ShapeInfo(atoms[first], lanes, bits, is_float))
    return false;
  if (atoms.size() - first - 1 != lanes)
    return false;
  e.shape = std::string(atoms[first]);
  e.value.ty = Ty::kV128;
  for (unsigned i = 0; i < lanes; ++i) {
    uint64_t x;
    std::string_view a = atoms[first + 1 + i];
    bool ok = is_float ? ParseFloat(a, bits, x, e.pattern[i]) : ParseInt(a, bits, x);
    if (!ok)
      return false;
    std::memcpy(e.value.v.bytes + i * bits / 8, &x, bits / 8);
  }
  return true;
}

// A constant instruction given as its name and immediate atoms.
bool ParseConst(std::string_view op, const std::vector<std::string_view>& imms, Expected& e) {
  if (op == "v128.const")
    return ParseV128(imms, 0, e);
  if (imms.size() != 1)
    return false;
  if (op == "i32.const" || op == "i64.const") {
    e.value.ty = op[1] == '3' ? Ty::kI32 : Ty::kI64;
    return ParseInt(imms[0], op[1] == '3' ? 32 : 64, e.value.bits);
  }
  if (op == "f32.const" || op == "f64.const") {
    e.value.ty = op[1] == '3' ? Ty::kF32 : Ty::kF64;
    return ParseFloat(imms[0], op[1] == '3' ? 32 : 64, e.value.bits, e.pattern[0]);
  }
  return false;
}

// ---- SIMD operations by text name ----

enum class ImmKind { None, MemArg, MemArgLane, Lane, Shuffle, V128 };

struct Instr;
using Invoker = bool (*)(std::vector<Value>& stack, const Instr& in);

struct Instr {
  enum Kind { kLocalGet, kLocalSet, kLocalTee, kConst, kSimd } kind;
  uint32_t index = 0;  // local index or lane immediate
  Value constant;
  uint8_t shuffle[16] = {};
  size_t op = 0;  // index into the op table
};

Ty TyOfLetter(char c) {
  switch (c) {
    case 'i':
      return Ty::kI32;
    case 'l':
      return Ty::kI64;
    case 'f':
      return Ty::kF32;
    case 'd':
      return Ty::kF64;
    default:
      return Ty::kV128;
  }
}

template <class T>
T FromValue(const Value& v) {
  if constexpr (std::is_same_v<T, V128Bits>)
    return v.v;
  else
    return static_cast<T>(v.bits);
}

template <class T>
void Push(std::vector<Value>& stack, T x, Ty ty) {
  Value v;
  v.ty = ty;
  if constexpr (std::is_same_v<T, V128Bits>)
    v.v = x;
  else
    v.bits = static_cast<std::make_unsigned_t<T>>(x);
  stack.push_back(v);
}

// Calls F with operands from the stack (last parameter on top) and immediates from `in`.
template <ImmKind kImm, char kResult, class R, class... A, size_t... I>
bool CallWith(R (*f)(A...), std::vector<Value>& stack, const Instr& in, std::index_sequence<I...>) {
  constexpr size_t kImmParams = (kImm == ImmKind::Lane || kImm == ImmKind::Shuffle) ? 1 : 0;
  constexpr size_t kStackParams = sizeof...(A) - kImmParams;
  if (stack.size() < kStackParams)
    return false;
  size_t base = stack.size() - kStackParams;
  // Parameter I comes from the immediate if it is the lane (I == 1) or shuffle (I == 2).
  auto arg = [&]<size_t J, class T>() -> T {
    if constexpr (kImm == ImmKind::Lane && J == 1)
      return static_cast<T>(in.index);
    else if constexpr (kImm == ImmKind::Shuffle && J == 2)
      return in.shuffle;
    else
      return FromValue<T>(stack[base + (kImm == ImmKind::Lane && J > 1 ? J - 1 : J)]);
  };
  std::tuple<A...> args{arg.template operator()<I, A>()...};
  R r = std::apply(f, args);
  stack.resize(base);
  Push(stack, r, TyOfLetter(kResult));
  return true;
}

template <class R, class... A>
constexpr size_t FnArgCount(R (*)(A...)) {
  return sizeof...(A);
}

template <auto F, ImmKind kImm, char kResult>
bool Invoke(std::vector<Value>& stack, const Instr& in) {
  return CallWith<kImm, kResult>(F, stack, in, std::make_index_sequence<FnArgCount(F)>{});
}

struct OpEntry {
  std::string_view text;
  ImmKind imm;
  Invoker invoke;  // null for memory instructions, which this evaluator does not run
};

constexpr char ResultLetter(std::string_view sig) {
  size_t u = sig.find('_');
  return u + 1 < sig.size() ? sig[u + 1] : 'v';
}

template <class Ops>
std::vector<OpEntry> MakeOpTable() {
  std::vector<OpEntry> t;
#define NW_OPCODE(name, prefix, code, text, imm, sig)                                        \
  if constexpr (ImmKind::imm == ImmKind::None || ImmKind::imm == ImmKind::Lane ||            \
                ImmKind::imm == ImmKind::Shuffle)                                            \
    t.push_back({text, ImmKind::imm, &Invoke<Ops::name, ImmKind::imm, ResultLetter(#sig)>}); \
  else                                                                                       \
    t.push_back({text, ImmKind::imm, nullptr});
#include "format/simd_opcodes.def"
#undef NW_OPCODE
  return t;
}

// ---- modules and functions ----

struct Func {
  std::vector<Ty> locals;  // parameters first
  size_t num_params = 0;
  std::vector<Instr> body;
  bool supported = true;
};

struct Module {
  std::vector<Func> funcs;
  std::map<std::string, size_t, std::less<>> exports;
};

class Loader {
 public:
  explicit Loader(const std::vector<OpEntry>& ops) : ops_(ops) {
    for (size_t i = 0; i < ops.size(); ++i)
      by_text_[ops[i].text] = i;
  }

  Module LoadModule(const Node& m) {
    Module mod;
    for (const Node& f : m.kids) {
      if (!f.is_list || f.kids.empty() || f.kids[0].atom != "func")
        continue;
      Func func;
      std::vector<std::string> exports;
      std::map<std::string_view, uint32_t> names;
      size_t i = 1;
      if (i < f.kids.size() && !f.kids[i].is_list && f.kids[i].atom.starts_with("$"))
        ++i;
      for (; i < f.kids.size() && f.kids[i].is_list && !f.kids[i].kids.empty(); ++i) {
        const Node& d = f.kids[i];
        std::string_view head = d.kids[0].atom;
        if (head == "export" && d.kids.size() == 2) {
          exports.emplace_back(d.kids[1].atom);
        } else if (head == "param" || head == "local") {
          size_t k = 1;
          if (k < d.kids.size() && d.kids[k].atom.starts_with("$"))
            names[d.kids[k++].atom] = uint32_t(func.locals.size());
          for (; k < d.kids.size(); ++k)
            func.locals.push_back(ParseTy(d.kids[k].atom, func));
          if (head == "param")
            func.num_params = func.locals.size();
        } else if (head != "result" && head != "type") {
          break;  // first instruction
        }
      }
      std::vector<const Node*> flat;
      for (; i < f.kids.size(); ++i)
        flat.push_back(&f.kids[i]);
      EmitSeq(flat, names, func);
      size_t index = mod.funcs.size();
      mod.funcs.push_back(std::move(func));
      for (auto& e : exports)
        mod.exports[e] = index;
    }
    return mod;
  }

 private:
  Ty ParseTy(std::string_view t, Func& func) {
    if (t == "i32")
      return Ty::kI32;
    if (t == "i64")
      return Ty::kI64;
    if (t == "f32")
      return Ty::kF32;
    if (t == "f64")
      return Ty::kF64;
    if (t == "v128")
      return Ty::kV128;
    func.supported = false;
    return Ty::kI32;
  }

  // A sequence of instructions: folded lists, or flat atoms each followed by its immediates.
  void EmitSeq(const std::vector<const Node*>& seq,
               const std::map<std::string_view, uint32_t>& names,
               Func& func) {
    for (size_t i = 0; i < seq.size() && func.supported; ++i) {
      const Node& n = *seq[i];
      if (n.is_list) {
        if (n.kids.empty() || n.kids[0].is_list) {
          func.supported = false;
          return;
        }
        std::vector<std::string_view> imms;
        std::vector<const Node*> operands;
        for (size_t k = 1; k < n.kids.size(); ++k) {
          if (n.kids[k].is_list)
            operands.push_back(&n.kids[k]);
          else
            imms.push_back(n.kids[k].atom);
        }
        EmitSeq(operands, names, func);
        Emit(n.kids[0].atom, imms, names, func);
      } else {
        std::string_view op = n.atom;
        size_t count =
            ImmCount(op, i + 1 < seq.size() && !seq[i + 1]->is_list ? seq[i + 1]->atom : "");
        std::vector<std::string_view> imms;
        for (size_t k = 0; k < count; ++k) {
          if (i + 1 >= seq.size() || seq[i + 1]->is_list) {
            func.supported = false;
            return;
          }
          imms.push_back(seq[++i]->atom);
        }
        Emit(op, imms, names, func);
      }
    }
  }

  size_t ImmCount(std::string_view op, std::string_view next) {
    if (op.starts_with("local.") || op.ends_with(".const")) {
      if (op != "v128.const")
        return 1;
      unsigned lanes, bits;
      bool is_float;
      return ShapeInfo(next, lanes, bits, is_float) ? 1 + lanes : 0;
    }
    auto it = by_text_.find(op);
    if (it == by_text_.end())
      return 0;
    switch (ops_[it->second].imm) {
      case ImmKind::Lane:
        return 1;
      case ImmKind::Shuffle:
        return 16;
      default:
        return 0;
    }
  }

  void Emit(std::string_view op,
            const std::vector<std::string_view>& imms,
            const std::map<std::string_view, uint32_t>& names,
            Func& func) {
    Instr in{};
    if (op == "local.get" || op == "local.set" || op == "local.tee") {
      in.kind = op == "local.get"   ? Instr::kLocalGet
                : op == "local.set" ? Instr::kLocalSet
                                    : Instr::kLocalTee;
      uint64_t idx = 0;
      if (imms.size() != 1)
        return void(func.supported = false);
      if (auto it = names.find(imms[0]); it != names.end())
        idx = it->second;
      else if (!ParseInt(imms[0], 32, idx))
        return void(func.supported = false);
      in.index = uint32_t(idx);
    } else if (op.ends_with(".const")) {
      Expected e;
      if (!ParseConst(op, imms, e))
        return void(func.supported = false);
      in.kind = Instr::kConst;
      in.constant = e.value;
    } else {
      auto it = by_text_.find(op);
      if (it == by_text_.end() || ops_[it->second].invoke == nullptr)
        return void(func.supported = false);
      in.kind = Instr::kSimd;
      in.op = it->second;
      const OpEntry& e = ops_[it->second];
      uint64_t x = 0;
      if (e.imm == ImmKind::Lane) {
        if (imms.size() != 1 || !ParseInt(imms[0], 32, x))
          return void(func.supported = false);
        in.index = uint32_t(x);
      } else if (e.imm == ImmKind::Shuffle) {
        if (imms.size() != 16)
          return void(func.supported = false);
        for (int k = 0; k < 16; ++k) {
          if (!ParseInt(imms[k], 8, x))
            return void(func.supported = false);
          in.shuffle[k] = uint8_t(x);
        }
      } else if (!imms.empty()) {
        return void(func.supported = false);
      }
    }
    func.body.push_back(in);
  }

  const std::vector<OpEntry>& ops_;
  std::map<std::string_view, size_t> by_text_;
};

bool Run(const Func& f, const std::vector<OpEntry>& ops, std::vector<Value> args, Value& result) {
  std::vector<Value> locals = std::move(args);
  for (size_t i = locals.size(); i < f.locals.size(); ++i)
    locals.push_back(Value{f.locals[i]});
  std::vector<Value> stack;
  for (const Instr& in : f.body) {
    switch (in.kind) {
      case Instr::kLocalGet:
        if (in.index >= locals.size())
          return false;
        stack.push_back(locals[in.index]);
        break;
      case Instr::kLocalSet:
      case Instr::kLocalTee:
        if (in.index >= locals.size() || stack.empty())
          return false;
        locals[in.index] = stack.back();
        if (in.kind == Instr::kLocalSet)
          stack.pop_back();
        break;
      case Instr::kConst:
        stack.push_back(in.constant);
        break;
      case Instr::kSimd:
        if (!ops[in.op].invoke(stack, in))
          return false;
        break;
    }
  }
  if (stack.size() != 1)
    return false;
  result = stack.back();
  return true;
}

// ---- checking results ----

bool LaneMatches(uint64_t got, uint64_t want, unsigned bits, bool is_float, NanPattern p) {
  uint64_t mask = bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
  got &= mask;
  if (!is_float || p == NanPattern::kNone)
    return got == (want & mask);
  const uint64_t exp = bits == 32 ? 0x7f800000ull : 0x7ff0000000000000ull;
  const uint64_t quiet = bits == 32 ? 0x00400000ull : 0x0008000000000000ull;
  uint64_t mag = got & (mask >> 1);
  if (p == NanPattern::kCanonical)
    return mag == (exp | quiet);
  return (mag & (exp | quiet)) == (exp | quiet);  // arithmetic: quiet NaN, any payload
}

bool Matches(const Value& got, const Expected& want) {
  if (want.value.ty == Ty::kV128) {
    unsigned lanes, bits;
    bool is_float;
    ShapeInfo(want.shape, lanes, bits, is_float);
    for (unsigned i = 0; i < lanes; ++i) {
      uint64_t g = 0, w = 0;
      std::memcpy(&g, got.v.bytes + i * bits / 8, bits / 8);
      std::memcpy(&w, want.value.v.bytes + i * bits / 8, bits / 8);
      if (!LaneMatches(g, w, bits, is_float, want.pattern[i]))
        return false;
    }
    return true;
  }
  bool is_float = want.value.ty == Ty::kF32 || want.value.ty == Ty::kF64;
  unsigned bits = (want.value.ty == Ty::kI32 || want.value.ty == Ty::kF32) ? 32 : 64;
  return LaneMatches(got.bits, want.value.bits, bits, is_float, want.pattern[0]);
}

bool ParseConstNode(const Node& n, Expected& e) {
  if (!n.is_list || n.kids.empty())
    return false;
  std::vector<std::string_view> imms;
  for (size_t k = 1; k < n.kids.size(); ++k)
    imms.push_back(n.kids[k].atom);
  return ParseConst(n.kids[0].atom, imms, e);
}

struct Tally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

void RunFile(const std::vector<Node>& script,
             const std::vector<OpEntry>& ops,
             const std::string& file,
             const char* backend,
             Tally& tally) {
  Loader loader(ops);
  std::optional<Module> current;
  for (const Node& cmd : script) {
    if (!cmd.is_list || cmd.kids.empty())
      continue;
    std::string_view head = cmd.kids[0].atom;
    if (head == "module") {
      bool text =
          cmd.kids.size() < 2 ||
          (cmd.kids[1].atom != "binary" && cmd.kids[1].atom != "quote" &&
           (cmd.kids.size() < 3 || (cmd.kids[2].atom != "binary" && cmd.kids[2].atom != "quote")));
      current.reset();
      if (text)
        current = loader.LoadModule(cmd);
      continue;
    }
    if (head != "assert_return")
      continue;
    const Node& inv = cmd.kids[1];
    if (!current || !inv.is_list || inv.kids.size() < 2 || inv.kids[0].atom != "invoke" ||
        !inv.kids[1].is_string) {
      ++tally.skipped;
      continue;
    }
    auto it = current->exports.find(inv.kids[1].atom);
    if (it == current->exports.end() || !current->funcs[it->second].supported ||
        cmd.kids.size() != 3) {
      ++tally.skipped;
      continue;
    }
    std::vector<Value> args;
    bool ok = true;
    for (size_t k = 2; k < inv.kids.size() && ok; ++k) {
      Expected e;
      ok = ParseConstNode(inv.kids[k], e);
      args.push_back(e.value);
    }
    Expected want;
    if (!ok || !ParseConstNode(cmd.kids[2], want)) {
      ++tally.skipped;
      continue;
    }
    Value got;
    if (!Run(current->funcs[it->second], ops, args, got)) {
      ++tally.failed;
      ADD_FAILURE() << backend << " " << file << ": could not run " << inv.kids[1].atom;
      continue;
    }
    if (Matches(got, want)) {
      ++tally.passed;
      continue;
    }
    ++tally.failed;
    if (tally.failed <= 20) {
      std::ostringstream msg;
      msg << backend << " " << file << ": " << inv.kids[1].atom << " args";
      for (const Value& a : args)
        msg << (a.ty == Ty::kV128 ? " [" + FormatV128(a.v, Shape::kI32x4) + "]"
                                  : " " + std::to_string(a.bits));
      if (want.value.ty == Ty::kV128)
        msg << "\n  want " << FormatV128(want.value.v, Shape::kI32x4) << "\n  got  "
            << FormatV128(got.v, Shape::kI32x4);
      else
        msg << "\n  want " << want.value.bits << " got " << got.bits;
      ADD_FAILURE() << msg.str();
    }
  }
}

std::filesystem::path TestsuiteDir() {
  if (const char* env = std::getenv("NANOWASM_TESTSUITE"))
    return env;
  return std::filesystem::path(NW_SOURCE_DIR) / ".." / "shared" / "testsuite";
}

struct Script {
  std::string name;
  std::string text;  // owns the characters the nodes point into
  std::vector<Node> nodes;
};

const std::vector<Script>& Scripts() {
  static const std::vector<Script>* scripts = [] {
    auto* out = new std::vector<Script>;
    std::filesystem::path dir = TestsuiteDir() / "core-2.0" / "simd";
    if (!std::filesystem::is_directory(dir))
      return out;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ".wast")
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    out->reserve(files.size());
    for (const auto& p : files) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      Script& s = out->emplace_back();
      s.name = p.filename().string();
      s.text = ss.str();
      SexprParser parser(s.text);
      if (!parser.ParseAll(s.nodes))
        ADD_FAILURE() << "cannot parse " << s.name;
    }
    return out;
  }();
  return *scripts;
}

template <class Ops>
class SimdSpecWast : public ::testing::Test {};
TYPED_TEST_SUITE(SimdSpecWast, AllBackends, BackendNames);

TYPED_TEST(SimdSpecWast, AssertReturnsHold) {
  const auto& scripts = Scripts();
  if (scripts.empty())
    GTEST_SKIP() << "testsuite not found at " << TestsuiteDir();
  std::vector<OpEntry> ops = MakeOpTable<TypeParam>();
  Tally total;
  for (const Script& s : scripts)
    RunFile(s.nodes, ops, s.name, TypeParam::kName, total);
  std::cout << "[ " << TypeParam::kName << " ] spec assert_return: " << total.passed << " passed, "
            << total.failed << " failed, " << total.skipped
            << " skipped (memory/control/unsupported)\n";
  EXPECT_EQ(total.failed, 0);
  // Guards against the evaluator silently skipping everything.
  EXPECT_GT(total.passed, 20000);
}

}  // namespace
}  // namespace nw::simd::testing

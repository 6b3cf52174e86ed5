// The component suite's value syntax, read against a component value type: `(u32.const 1)`,
// `(str.const "x")`, `(bool.const true)`, `(char.const "A")`, `(list.const v*)`,
// `(tuple.const v*)`, `(record.const (field "k" str.const "a") ...)`, `(variant.const "c" v?)`,
// `(enum.const "c")`, `(option.none)`, `(option.some v)`, `(result.ok v?)`, `(result.err v?)`,
// `(flags.const "a" ...)`. Labels become case indices and flag bits through the type.
#pragma once

#include <cmath>
#include <string>

#include "component/abi_types.h"
#include "component/component_value.h"
#include "wast_script.h"

namespace nw::component::testing {

inline Result<ComponentValue> ParseValueBody(Script& s, const TypeTable& tt, TypeId t,
                                             const std::string& head);

inline Result<ComponentValue> ParseValue(Script& s, const TypeTable& tt, TypeId t) {
  s.SkipSpace();
  if (!s.Peek('(')) return MakeError("expected a value");
  s.Eat('(');
  std::string head = s.Atom();
  auto v = ParseValueBody(s, tt, t, head);
  if (!v) return v;
  if (!s.Eat(')')) return MakeError("trailing tokens in a value");
  return v;
}

inline Result<ComponentValue> ParseValueBody(Script& s, const TypeTable& tt, TypeId t,
                                             const std::string& head) {
  const AbiType& ty = tt.Get(t);
  auto num = [&]() { return s.Atom(); };
  if (head == "bool.const") return ComponentValue::Bool(num() == "true");
  if (head == "s8.const" || head == "s16.const" || head == "s32.const" || head == "s64.const") {
    std::string a = num();
    int64_t v = std::stoll(a, nullptr, 0);
    return ComponentValue::FromBits(ty.kind, static_cast<uint64_t>(v));
  }
  if (head == "u8.const" || head == "u16.const" || head == "u32.const" || head == "u64.const") {
    std::string a = num();
    return ComponentValue::FromBits(ty.kind, std::stoull(a, nullptr, 0));
  }
  if (head == "f32.const") return ComponentValue::F32(std::stof(num()));
  if (head == "f64.const") return ComponentValue::F64(std::stod(num()));
  if (head == "char.const") {
    std::string u = s.String();
    auto str = ComponentValue::String(u);
    if (!str) return std::unexpected(str.error());
    std::u32string cps;
    // Decode the single code point.
    const unsigned char* p = reinterpret_cast<const unsigned char*>(u.data());
    uint32_t cp = p[0];
    if (cp >= 0xf0) cp = ((p[0] & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u);
    else if (cp >= 0xe0) cp = ((p[0] & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
    else if (cp >= 0xc0) cp = ((p[0] & 31u) << 6) | (p[1] & 63u);
    return ComponentValue::Char(cp);
  }
  if (head == "str.const") return ComponentValue::String(s.String());
  if (head == "list.const") {
    std::vector<ComponentValue> es;
    while (!s.Peek(')')) {
      NW_TRY_ASSIGN(ComponentValue e, ParseValue(s, tt, ty.elem));
      es.push_back(std::move(e));
    }
    return ComponentValue::List(std::move(es));
  }
  if (head == "tuple.const") {
    std::vector<ComponentValue> fs;
    for (const Field& f : ty.fields) {
      NW_TRY_ASSIGN(ComponentValue e, ParseValue(s, tt, f.type));
      fs.push_back(std::move(e));
    }
    return ComponentValue::Record(std::move(fs));
  }
  if (head == "record.const") {
    std::vector<ComponentValue> fs;
    for (const Field& f : ty.fields) {
      if (!s.Eat('(') || s.Atom() != "field") return MakeError("expected (field ...)");
      if (s.String() != f.label) return MakeError("record field out of order: " + f.label);
      std::string h = s.Atom();
      NW_TRY_ASSIGN(ComponentValue e, ParseValueBody(s, tt, f.type, h));
      if (!s.Eat(')')) return MakeError("expected ) after a field");
      fs.push_back(std::move(e));
    }
    return ComponentValue::Record(std::move(fs));
  }
  auto case_of = [&](const std::string& label) -> Result<uint32_t> {
    for (size_t i = 0; i < ty.cases.size(); ++i)
      if (ty.cases[i].label == label) return static_cast<uint32_t>(i);
    return MakeError("no case " + label);
  };
  auto with_payload = [&](uint32_t c) -> Result<ComponentValue> {
    if (!ty.cases.at(c).type) return ComponentValue::Variant(c);
    NW_TRY_ASSIGN(ComponentValue p, ParseValue(s, tt, *ty.cases[c].type));
    return ComponentValue::Variant(c, std::move(p));
  };
  if (head == "variant.const") {
    NW_TRY_ASSIGN(uint32_t c, case_of(s.String()));
    return with_payload(c);
  }
  if (head == "enum.const") {
    NW_TRY_ASSIGN(uint32_t c, case_of(s.String()));
    return ComponentValue::Variant(c);
  }
  if (head == "option.none") return ComponentValue::Variant(0);
  if (head == "option.some") return with_payload(1);
  if (head == "result.ok" || head == "result.err") {
    uint32_t c = head == "result.ok" ? 0 : 1;
    if (s.Peek(')')) return ComponentValue::Variant(c);
    return with_payload(c);
  }
  if (head == "flags.const") {
    uint32_t bits = 0;
    while (s.Peek('"')) {
      std::string l = s.String();
      for (size_t i = 0; i < ty.labels.size(); ++i)
        if (ty.labels[i] == l) bits |= 1u << i;
    }
    return ComponentValue::Flags(bits);
  }
  return MakeError("unknown value form " + head);
}

}  // namespace nw::component::testing

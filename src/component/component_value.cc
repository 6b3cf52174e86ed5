// ComponentValue construction, comparison and shape checking.
#include "component/component_value.h"

#include <cmath>

#include "component/canon_context.h"

namespace nw::component {

namespace {

const char* KindName(TypeKind k) {
  static constexpr const char* kNames[] = {"bool", "s8", "u8", "s16", "u16", "s32", "u32",
                                           "s64", "u64", "f32", "f64", "char", "string",
                                           "list", "record", "variant", "flags", "own", "borrow",
                                           "stream", "future"};
  return kNames[static_cast<int>(k)];
}

}  // namespace

Status CheckPackedElems(TypeKind elem, const uint8_t* p, size_t n) {
  if (elem == TypeKind::kBool) {
    for (size_t i = 0; i < n; ++i)
      if (p[i] > 1) return MakeError("packed list<bool> byte " + std::to_string(i) + " is not 0 or 1");
  } else if (elem == TypeKind::kChar) {
    for (size_t i = 0; i + 4 <= n; i += 4) {
      uint32_t c;
      std::memcpy(&c, p + i, 4);
      if (c >= 0x110000 || (c >= 0xD800 && c <= 0xDFFF))
        return MakeError("packed list<char> element " + std::to_string(i / 4) +
                         " is not a Unicode scalar value");
    }
  }
  return Ok();
}

Result<ComponentValue> ComponentValue::Char(uint32_t cp) {
  if (cp >= 0x110000 || (cp >= 0xD800 && cp <= 0xDFFF))
    return MakeError("char value is not a Unicode scalar value");
  return Scalar(TypeKind::kChar, cp);
}

Result<ComponentValue> ComponentValue::String(std::string_view utf8) {
  if (!ValidUtf8(reinterpret_cast<const uint8_t*>(utf8.data()), utf8.size()))
    return MakeError("string value is not valid UTF-8");
  return StringUnchecked(std::string(utf8), StringForm::kUtf8);
}

ComponentValue ComponentValue::StringUnchecked(std::string bytes, StringForm form) {
  ComponentValue c;
  c.kind_ = TypeKind::kString;
  c.form_ = form;
  c.bytes_ = std::move(bytes);
  return c;
}

ComponentValue ComponentValue::List(std::vector<ComponentValue> elems) {
  ComponentValue c;
  c.kind_ = TypeKind::kList;
  c.elems_ = std::move(elems);
  return c;
}

Result<ComponentValue> ComponentValue::Packed(TypeKind elem, std::string bytes) {
  uint32_t w = PackedWidth(elem);
  if (w == 0) return MakeError("a packed list holds bool, integers, floats or char only");
  if (bytes.size() % w != 0) return MakeError("packed list bytes are not a whole number of elements");
  NW_TRY(CheckPackedElems(elem, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  return PackedUnchecked(elem, std::move(bytes));
}

ComponentValue ComponentValue::PackedUnchecked(TypeKind elem, std::string bytes) {
  ComponentValue c;
  c.kind_ = TypeKind::kList;
  c.packed_ = true;
  c.elem_kind_ = elem;
  c.bytes_ = std::move(bytes);
  return c;
}

ComponentValue ComponentValue::list_elem(size_t i) const {
  if (!packed_) return elems_[i];
  uint32_t w = PackedWidth(elem_kind_);
  uint64_t v = 0;
  std::memcpy(&v, bytes_.data() + i * w, w);  // little-endian host (as wasm memory)
  bool is_signed = elem_kind_ == TypeKind::kS8 || elem_kind_ == TypeKind::kS16 ||
                   elem_kind_ == TypeKind::kS32 || elem_kind_ == TypeKind::kS64;
  if (is_signed && w < 8) {
    unsigned s = 64 - 8 * w;
    v = static_cast<uint64_t>(static_cast<int64_t>(v << s) >> s);
  }
  return FromBits(elem_kind_, v);
}

ComponentValue ComponentValue::Unpacked() const {
  if (!packed_) return *this;
  std::vector<ComponentValue> es;
  es.reserve(list_size());
  for (size_t i = 0; i < list_size(); ++i) es.push_back(list_elem(i));
  return List(std::move(es));
}

ComponentValue ComponentValue::Record(std::vector<ComponentValue> fields) {
  ComponentValue c;
  c.kind_ = TypeKind::kRecord;
  c.elems_ = std::move(fields);
  return c;
}

ComponentValue ComponentValue::Variant(uint32_t case_index) { return Scalar(TypeKind::kVariant, case_index); }

ComponentValue ComponentValue::Variant(uint32_t case_index, ComponentValue payload) {
  ComponentValue c = Scalar(TypeKind::kVariant, case_index);
  c.elems_.push_back(std::move(payload));
  return c;
}

std::string ComponentValue::ToUtf8() const {
  std::string out;
  AppendUtf8(HostStringSrc(*this), out);
  return out;
}

bool ComponentValue::operator==(const ComponentValue& o) const {
  if (kind_ != o.kind_) return false;
  if (kind_ == TypeKind::kString)
    return form_ == o.form_ ? bytes_ == o.bytes_ : ToUtf8() == o.ToUtf8();
  // Lists compare by elements, whichever form each is in.
  if (kind_ == TypeKind::kList && (packed_ || o.packed_)) {
    if (packed_ && o.packed_ && elem_kind_ == o.elem_kind_) return bytes_ == o.bytes_;
    if (list_size() != o.list_size()) return false;
    for (size_t i = 0; i < list_size(); ++i)
      if (!(list_elem(i) == o.list_elem(i))) return false;
    return true;
  }
  return scalar_ == o.scalar_ && elems_ == o.elems_;
}

std::string ComponentValue::ToString() const {
  std::string s = KindName(kind_);
  switch (kind_) {
    case TypeKind::kString: return s + "\"" + ToUtf8() + "\"";
    case TypeKind::kF32: return s + "(" + std::to_string(as_f32()) + ")";
    case TypeKind::kF64: return s + "(" + std::to_string(as_f64()) + ")";
    case TypeKind::kS8: case TypeKind::kS16: case TypeKind::kS32: case TypeKind::kS64:
      return s + "(" + std::to_string(as_s64()) + ")";
    case TypeKind::kList:
      if (packed_) return Unpacked().ToString();
      [[fallthrough]];
    case TypeKind::kRecord: case TypeKind::kVariant: {
      if (kind_ == TypeKind::kVariant) s += "#" + std::to_string(scalar_);
      s += "[";
      for (size_t i = 0; i < elems_.size(); ++i) s += (i ? ", " : "") + elems_[i].ToString();
      return s + "]";
    }
    default: return s + "(" + std::to_string(scalar_) + ")";
  }
}

Status CheckValue(const TypeTable& types, TypeId type, const ComponentValue& v) {
  const AbiType& t = types.Get(type);
  if (v.kind() != t.kind)
    return MakeError("host value " + v.ToString() + " does not match type " + types.Describe(type));
  switch (t.kind) {
    case TypeKind::kString: {
      // A lifted string is at most 2^28-1 bytes; host strings are held to the same bound so
      // every transcoding's worst case fits realloc's 32-bit sizes.
      if (v.string_bytes().size() > kMaxStringByteLength) return MakeError("host string longer than 2^28-1 bytes");
      StringSrc s = HostStringSrc(v);
      bool two = s.form == StringForm::kUtf16 || s.form == StringForm::kCompactUtf16;
      if (two ? !ValidUtf16(s.data(), s.code_units) : (s.form == StringForm::kUtf8 && !ValidUtf8(s.data(), s.code_units)))
        return MakeError("host string is not valid in its encoding");
      return Ok();
    }
    case TypeKind::kList:
      if (v.packed()) {
        // Only a list of variable length is packed (fixed-length lists are unrolled in flat
        // form and lowered element by element).
        if (t.fixed_length || types.Get(t.elem).kind != v.packed_elem())
          return MakeError(std::string("host packed list of ") + KindName(v.packed_elem()) +
                           " does not match type " + types.Describe(type));
        if (v.packed_bytes().size() % ComponentValue::PackedWidth(v.packed_elem()) != 0)
          return MakeError("host packed list bytes are not a whole number of elements");
        return CheckPackedElems(v.packed_elem(), reinterpret_cast<const uint8_t*>(v.packed_bytes().data()),
                                v.packed_bytes().size());
      }
      if (t.fixed_length && v.elems().size() != *t.fixed_length)
        return MakeError("host list has the wrong length for " + types.Describe(type));
      for (const ComponentValue& e : v.elems()) NW_TRY(CheckValue(types, t.elem, e));
      return Ok();
    case TypeKind::kRecord:
      if (v.elems().size() != t.fields.size())
        return MakeError("host record has the wrong number of fields for " + types.Describe(type));
      for (size_t i = 0; i < t.fields.size(); ++i) NW_TRY(CheckValue(types, t.fields[i].type, v.elems()[i]));
      return Ok();
    case TypeKind::kVariant: {
      if (v.case_index() >= t.cases.size() || v.bits() > UINT32_MAX)
        return MakeError("host variant case out of range for " + types.Describe(type));
      const Case& c = t.cases[v.case_index()];
      if (c.type.has_value() != (v.elems().size() == 1) || v.elems().size() > 1)
        return MakeError("host variant payload does not match its case in " + types.Describe(type));
      return c.type ? CheckValue(types, *c.type, v.elems()[0]) : Ok();
    }
    case TypeKind::kFlags:
      if (t.labels.size() < 32 && (v.bits() >> t.labels.size()) != 0)
        return MakeError("host flags set a bit past the last label");
      return Ok();
    default: return Ok();
  }
}

}  // namespace nw::component

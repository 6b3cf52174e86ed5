// ComponentValue: a dynamic component-level value as the host sees it (definitions.py's
// Python values), shaped like the despecialized type: records and tuples hold their fields in
// order, variants/enums/options/results hold a case index and at most one payload, flags a bit
// mask, own/borrow a resource representation.
//
// Cheap by design: one scalar word, one byte string (only strings use it), one child vector
// (only aggregates use it). A string keeps the encoding it was lifted in, so a value lifted
// from one component and lowered into another is transcoded exactly as a direct copy would be
// (definitions.py's String = (str, encoding, tagged_code_units)). Not here: typed sugar for the
// C++ API.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "component/abi_types.h"

namespace nw::component {

// The encoding a string's bytes are in. kCompactLatin1/kCompactUtf16 come from a latin1+utf16
// memory (the two halves of its tagged length); they transcode differently from kUtf16.
enum class StringForm : uint8_t { kUtf8, kUtf16, kCompactLatin1, kCompactUtf16 };

class ComponentValue {
 public:
  ComponentValue() = default;

  static ComponentValue Bool(bool b) { return Scalar(TypeKind::kBool, b ? 1 : 0); }
  static ComponentValue S8(int8_t v) { return Scalar(TypeKind::kS8, static_cast<uint64_t>(int64_t{v})); }
  static ComponentValue U8(uint8_t v) { return Scalar(TypeKind::kU8, v); }
  static ComponentValue S16(int16_t v) { return Scalar(TypeKind::kS16, static_cast<uint64_t>(int64_t{v})); }
  static ComponentValue U16(uint16_t v) { return Scalar(TypeKind::kU16, v); }
  static ComponentValue S32(int32_t v) { return Scalar(TypeKind::kS32, static_cast<uint64_t>(int64_t{v})); }
  static ComponentValue U32(uint32_t v) { return Scalar(TypeKind::kU32, v); }
  static ComponentValue S64(int64_t v) { return Scalar(TypeKind::kS64, static_cast<uint64_t>(v)); }
  static ComponentValue U64(uint64_t v) { return Scalar(TypeKind::kU64, v); }
  static ComponentValue F32(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return Scalar(TypeKind::kF32, b);
  }
  static ComponentValue F64(double f) {
    uint64_t b;
    std::memcpy(&b, &f, 8);
    return Scalar(TypeKind::kF64, b);
  }
  // A Unicode scalar value; an error for a surrogate or a value past U+10FFFF.
  static Result<ComponentValue> Char(uint32_t code_point);
  // A UTF-8 string; an error when it is not valid UTF-8.
  static Result<ComponentValue> String(std::string_view utf8);
  // Bytes already known valid in `form` (lifting validates them).
  static ComponentValue StringUnchecked(std::string bytes, StringForm form);
  static ComponentValue List(std::vector<ComponentValue> elems);
  static ComponentValue Record(std::vector<ComponentValue> fields);
  static ComponentValue Variant(uint32_t case_index);
  static ComponentValue Variant(uint32_t case_index, ComponentValue payload);
  static ComponentValue Flags(uint32_t bits) { return Scalar(TypeKind::kFlags, bits); }
  static ComponentValue Own(uint32_t rep) { return Scalar(TypeKind::kOwn, rep); }
  // A scalar kind (bool..char, flags, own, borrow) from its bits() form.
  static ComponentValue FromBits(TypeKind k, uint64_t bits) { return Scalar(k, bits); }
  static ComponentValue Borrow(uint32_t rep) { return Scalar(TypeKind::kBorrow, rep); }

  TypeKind kind() const { return kind_; }
  // Integers sign- or zero-extended to 64 bits as their type is signed; floats as their bits;
  // char the code point; bool 0/1; flags the bit mask; variant the case index; own/borrow rep.
  uint64_t bits() const { return scalar_; }
  bool as_bool() const { return scalar_ != 0; }
  int64_t as_s64() const { return static_cast<int64_t>(scalar_); }
  uint64_t as_u64() const { return scalar_; }
  float as_f32() const {
    uint32_t b = static_cast<uint32_t>(scalar_);
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }
  double as_f64() const {
    double f;
    std::memcpy(&f, &scalar_, 8);
    return f;
  }
  uint32_t case_index() const { return static_cast<uint32_t>(scalar_); }
  const ComponentValue* payload() const { return elems_.empty() ? nullptr : &elems_[0]; }
  const std::vector<ComponentValue>& elems() const { return elems_; }
  std::vector<ComponentValue>& mutable_elems() { return elems_; }

  // String contents: raw bytes in form(); ToUtf8 transcodes.
  const std::string& string_bytes() const { return bytes_; }
  StringForm string_form() const { return form_; }
  std::string ToUtf8() const;

  // Structural equality; strings compare by content (code points), not by encoding.
  bool operator==(const ComponentValue& o) const;

  // A short text form for test failure messages.
  std::string ToString() const;

 private:
  static ComponentValue Scalar(TypeKind k, uint64_t v) {
    ComponentValue c;
    c.kind_ = k;
    c.scalar_ = v;
    return c;
  }

  TypeKind kind_ = TypeKind::kBool;
  StringForm form_ = StringForm::kUtf8;
  uint64_t scalar_ = 0;
  std::string bytes_;
  std::vector<ComponentValue> elems_;
};

// Checks that a host value has the shape of `type` (kinds, arity, case payloads, flag bits,
// string validity). Lowering a host value checks as it goes; this is for callers that want the
// check up front. Errors are not traps: a badly shaped host value is the embedder's bug.
Status CheckValue(const TypeTable& types, TypeId type, const ComponentValue& v);

}  // namespace nw::component

// ComponentValue: a dynamic component-level value as the host sees it (definitions.py's
// Python values), shaped like the despecialized type: records and tuples hold their fields in
// order, variants/enums/options/results hold a case index and at most one payload, flags a bit
// mask, own/borrow a resource representation.
//
// Cheap by design: one scalar word, one byte string (strings and packed lists use it), one
// child vector (only aggregates use it). A string keeps the encoding it was lifted in, so a
// value lifted from one component and lowered into another is transcoded exactly as a direct
// copy would be (definitions.py's String = (str, encoding, tagged_code_units)).
//
// A list of scalars (list<u8>, list<s32>, list<f64>, list<bool>, list<char>, ...) may be
// *packed*: its elements held as their little-endian bytes, exactly as in linear memory,
// instead of one value each. Lifting gives that form for every such list of variable length
// and lowering copies it with one memcpy (plus, for floats, bool and char, one pass for the
// ABI's rules: NaNs canonicalised, bools 0/1, chars checked), so bulk data (WASI 0.2 streams
// and files, numeric arrays) costs a copy, not a host value per element. The bytes of a packed
// list always hold valid elements: bools are 0 or 1 and chars Unicode scalar values (Packed()
// checks; lifting traps or normalises first). Code that reads lists uses
// list_size()/list_elem(), which serve both forms; elems() is the unpacked form only.
// Not here: typed sugar for the C++ API.
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
  // A packed list of scalars of kind `elem` (bool, s8..u64, f32, f64, char): `bytes` holds the
  // elements in memory order, little-endian, PackedWidth(elem) bytes each; an error otherwise,
  // or when a bool byte is not 0/1 or a char is not a Unicode scalar value. Float bits are
  // kept as given (lowering canonicalises NaNs, as it does for a single f32/f64).
  static Result<ComponentValue> Packed(TypeKind elem, std::string bytes);
  // A packed list<u8>.
  static ComponentValue Bytes(std::string bytes) { return PackedUnchecked(TypeKind::kU8, std::move(bytes)); }
  static ComponentValue PackedUnchecked(TypeKind elem, std::string bytes);
  // Bytes per element of a packed list of `elem`; 0 when such a list is never packed.
  static constexpr uint32_t PackedWidth(TypeKind elem) {
    switch (elem) {
      case TypeKind::kBool: case TypeKind::kS8: case TypeKind::kU8: return 1;
      case TypeKind::kS16: case TypeKind::kU16: return 2;
      case TypeKind::kS32: case TypeKind::kU32: case TypeKind::kF32: case TypeKind::kChar: return 4;
      case TypeKind::kS64: case TypeKind::kU64: case TypeKind::kF64: return 8;
      default: return 0;
    }
  }
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
  // Records, tuples, variant payloads and unpacked lists (empty for a packed list).
  const std::vector<ComponentValue>& elems() const { return elems_; }
  std::vector<ComponentValue>& mutable_elems() { return elems_; }

  // Lists in either form.
  bool packed() const { return packed_; }
  TypeKind packed_elem() const { return elem_kind_; }       // packed lists only
  const std::string& packed_bytes() const { return bytes_; }  // packed lists only
  size_t list_size() const { return packed_ ? bytes_.size() / PackedWidth(elem_kind_) : elems_.size(); }
  // Element i (a copy; for a packed list the scalar at i, an integer sign-extended as its kind is).
  ComponentValue list_elem(size_t i) const;
  // A packed list as an unpacked one (a list already unpacked is returned as is).
  ComponentValue Unpacked() const;

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
  bool packed_ = false;
  TypeKind elem_kind_ = TypeKind::kBool;  // packed lists: the element kind
  uint64_t scalar_ = 0;
  std::string bytes_;
  std::vector<ComponentValue> elems_;
};

// Checks that a host value has the shape of `type` (kinds, arity, case payloads, flag bits,
// string validity, a packed list's element kind). Lowering a host value checks as it goes;
// this is for callers that want the check up front. Errors are not traps: a badly shaped host value is the embedder's bug.
Status CheckValue(const TypeTable& types, TypeId type, const ComponentValue& v);

// The elements of a packed list's `n` bytes are valid host values of `elem`: bools 0/1, chars
// Unicode scalar values (other kinds hold any bits). Errors, not traps (host misuse).
Status CheckPackedElems(TypeKind elem, const uint8_t* p, size_t n);

}  // namespace nw::component

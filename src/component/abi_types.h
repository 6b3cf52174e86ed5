// Resolved component value types as the canonical ABI sees them, and their layout: alignment,
// elem_size, flattening, discriminant types, flags sizes (CanonicalABI.md "Despecialization",
// "Alignment", "Element Size", "Flattening").
//
// A TypeTable owns the types; a TypeId names one. Specialized types (tuple, enum, option,
// result, map) are stored despecialized — tuple as a record, enum/option/result as a variant,
// map<K,V> as list<tuple<K,V>> — with the source kind kept for printing and host sugar, so
// every consumer (layout, plans, values) handles only the despecialized shapes. Layout is
// computed once when a type is added. Not here: decoding types from a binary (the component
// decoder builds a TypeTable), async types (stream, future, error-context), memory64 (the
// pointer type is i32).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace nw::component {

struct ResourceType;  // resource_table.h

using TypeId = uint32_t;

enum class TypeKind : uint8_t {
  kBool, kS8, kU8, kS16, kU16, kS32, kU32, kS64, kU64, kF32, kF64, kChar, kString,
  kList,     // elem, optional fixed length
  kRecord,   // also tuple (despecialized)
  kVariant,  // also enum, option, result
  kFlags,
  kOwn,
  kBorrow,
  kStream,   // 🔀 the readable end's handle; elem (if has_elem)
  kFuture,   // 🔀
};

// What the type was written as before despecialization.
enum class SourceKind : uint8_t {
  kPrimitive, kList, kRecord, kTuple, kVariant, kEnum, kOption, kResult, kFlags, kOwn, kBorrow,
  kMap,
};

// Core value types of flattened signatures.
enum class FlatType : uint8_t { kI32, kI64, kF32, kF64 };

// The canonical ABI's limits (definitions.py).
inline constexpr size_t kMaxFlatParams = 16;
inline constexpr size_t kMaxFlatResults = 1;
inline constexpr uint32_t kMaxStringByteLength = (1u << 28) - 1;
inline constexpr uint32_t kMaxListByteLength = (1u << 28) - 1;
inline constexpr uint32_t kUtf16Tag = 1u << 31;  // latin1+utf16 tag for an i32 pointer type
inline constexpr uint32_t kMaxFlagsLabels = 32;
// nanowasm's bound on type nesting: layout, plans and value checks recurse over it, so a
// hostile type must not be able to exhaust the stack (real interfaces nest a handful deep).
inline constexpr uint32_t kMaxTypeDepth = 100;

struct Field {
  std::string label;
  TypeId type;
};

struct Case {
  std::string label;
  std::optional<TypeId> type;
};

struct AbiType {
  TypeKind kind;
  SourceKind source = SourceKind::kPrimitive;
  // kList: element; fixed_length when list<T, N>.
  TypeId elem = 0;
  std::optional<uint32_t> fixed_length;
  std::vector<Field> fields;         // kRecord (tuple fields are labelled "0", "1", ...)
  std::vector<Case> cases;           // kVariant
  std::vector<std::string> labels;   // kFlags
  const ResourceType* resource = nullptr;  // kOwn, kBorrow
  bool has_elem = false;                   // kStream, kFuture: elem is the payload type

  // Layout, computed when added.
  uint32_t align = 1;
  uint32_t size = 0;
  std::vector<FlatType> flat;
  // kVariant: discriminant byte width (1, 2 or 4), payload offset, max case alignment.
  uint32_t disc_size = 0;
  uint32_t payload_offset = 0;
  // kFlags: byte width (1, 2 or 4).
  uint32_t flags_size = 0;
  // Whether the type contains a borrow (such types may not be results).
  bool contains_borrow = false;
  uint32_t depth = 1;  // nesting depth (primitives 1)
};

class TypeTable {
 public:
  TypeTable();

  // Primitive types are pre-added; their ids are stable.
  TypeId Primitive(TypeKind kind) const { return static_cast<TypeId>(kind); }
  TypeId Bool() const { return Primitive(TypeKind::kBool); }
  TypeId U8() const { return Primitive(TypeKind::kU8); }
  TypeId U32() const { return Primitive(TypeKind::kU32); }
  TypeId String() const { return Primitive(TypeKind::kString); }

  // Each returns an error for a type the component model rejects (empty record, variant or
  // flags, more than 32 flags, fixed length 0, an unknown TypeId).
  Result<TypeId> List(TypeId elem, std::optional<uint32_t> fixed_length = std::nullopt);
  Result<TypeId> Record(std::vector<Field> fields);
  Result<TypeId> Tuple(std::span<const TypeId> types);
  Result<TypeId> Variant(std::vector<Case> cases);
  Result<TypeId> Enum(std::span<const std::string> labels);
  Result<TypeId> Option(TypeId t);
  Result<TypeId> ResultOf(std::optional<TypeId> ok, std::optional<TypeId> error);
  Result<TypeId> Map(TypeId key, TypeId value);
  Result<TypeId> Flags(std::vector<std::string> labels);
  Result<TypeId> Own(const ResourceType* rt);
  Result<TypeId> Borrow(const ResourceType* rt);
  // stream<T> / future<T> (elem null: no payload); kind is kStream or kFuture.
  Result<TypeId> AsyncValue(TypeKind kind, std::optional<TypeId> elem);

  const AbiType& Get(TypeId id) const { return types_[id]; }
  size_t size() const { return types_.size(); }

  // Flattening of a type list (flatten_types).
  std::vector<FlatType> FlattenTypes(std::span<const TypeId> types) const;
  // Layout of tuple<types...> without adding it to the table: {align, size}.
  std::pair<uint32_t, uint32_t> TupleLayout(std::span<const TypeId> types) const;

  std::string Describe(TypeId id) const;

 private:
  Result<TypeId> Add(AbiType t);
  Status Check(TypeId id) const;

  std::vector<AbiType> types_;
};

// discriminant_type(cases) as a byte width.
uint32_t DiscriminantSize(size_t num_cases);
// elem_size_flags / alignment_flags.
uint32_t FlagsSize(size_t num_labels);
// join(a, b) of variant flattening.
FlatType JoinFlat(FlatType a, FlatType b);

inline uint32_t AlignTo(uint32_t v, uint32_t align) { return (v + align - 1) / align * align; }
inline uint64_t AlignTo64(uint64_t v, uint64_t align) { return (v + align - 1) / align * align; }

// A function type: parameter and result types (names are not part of the ABI).
struct FuncType {
  std::vector<TypeId> params;
  std::vector<TypeId> results;
};

// flatten_functype for a sync function: the core signature and whether params/results go
// through memory.
struct FlatSignature {
  std::vector<FlatType> params;
  std::vector<FlatType> results;
  bool params_in_memory = false;
  bool results_in_memory = false;
};
enum class FlattenContext { kLift, kLower };
FlatSignature FlattenFuncType(const TypeTable& types, const FuncType& ft, FlattenContext context);

}  // namespace nw::component

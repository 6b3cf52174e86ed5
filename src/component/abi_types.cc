// Layout of component value types (alignment, elem_size, flatten) computed once per type.
#include "component/abi_types.h"

#include <algorithm>

namespace nw::component {

namespace {

// Types bigger than this are refused: every size of the ABI then fits in 32 bits with room for
// the arithmetic on it (a fixed-length list of a large element is the only way to get there).
constexpr uint64_t kMaxTypeSize = 1ull << 31;

}  // namespace

uint32_t DiscriminantSize(size_t n) {
  // ceil(log2(n)/8): 0 or 1 -> u8, 2 -> u16, 3 -> u32.
  if (n <= (1u << 8)) return 1;
  if (n <= (1u << 16)) return 2;
  return 4;
}

uint32_t FlagsSize(size_t n) {
  if (n <= 8) return 1;
  if (n <= 16) return 2;
  return 4;
}

FlatType JoinFlat(FlatType a, FlatType b) {
  if (a == b) return a;
  if ((a == FlatType::kI32 && b == FlatType::kF32) || (a == FlatType::kF32 && b == FlatType::kI32))
    return FlatType::kI32;
  return FlatType::kI64;
}

TypeTable::TypeTable() {
  for (uint8_t k = 0; k <= static_cast<uint8_t>(TypeKind::kString); ++k) {
    AbiType t;
    t.kind = static_cast<TypeKind>(k);
    switch (t.kind) {
      case TypeKind::kBool: case TypeKind::kS8: case TypeKind::kU8:
        t.align = t.size = 1; t.flat = {FlatType::kI32}; break;
      case TypeKind::kS16: case TypeKind::kU16:
        t.align = t.size = 2; t.flat = {FlatType::kI32}; break;
      case TypeKind::kS32: case TypeKind::kU32: case TypeKind::kChar:
        t.align = t.size = 4; t.flat = {FlatType::kI32}; break;
      case TypeKind::kS64: case TypeKind::kU64:
        t.align = t.size = 8; t.flat = {FlatType::kI64}; break;
      case TypeKind::kF32: t.align = t.size = 4; t.flat = {FlatType::kF32}; break;
      case TypeKind::kF64: t.align = t.size = 8; t.flat = {FlatType::kF64}; break;
      case TypeKind::kString:
        t.align = 4; t.size = 8; t.flat = {FlatType::kI32, FlatType::kI32}; break;
      default: break;
    }
    types_.push_back(std::move(t));
  }
}

Status TypeTable::Check(TypeId id) const {
  if (id >= types_.size()) return MakeError("component type: unknown type index " + std::to_string(id));
  return Ok();
}

Result<TypeId> TypeTable::Add(AbiType t) {
  if (t.size > kMaxTypeSize) return MakeError("component type: type too large for the canonical ABI");
  auto deeper = [&](TypeId c) { t.depth = std::max(t.depth, types_[c].depth + 1); };
  if (t.kind == TypeKind::kList) deeper(t.elem);
  for (const Field& f : t.fields) deeper(f.type);
  for (const Case& c : t.cases)
    if (c.type) deeper(*c.type);
  if (t.depth > kMaxTypeDepth) return MakeError("component type: nested more than 100 deep");
  types_.push_back(std::move(t));
  return static_cast<TypeId>(types_.size() - 1);
}

Result<TypeId> TypeTable::List(TypeId elem, std::optional<uint32_t> fixed_length) {
  NW_TRY(Check(elem));
  const AbiType& e = types_[elem];
  AbiType t;
  t.kind = TypeKind::kList;
  t.source = SourceKind::kList;
  t.elem = elem;
  t.fixed_length = fixed_length;
  t.contains_borrow = e.contains_borrow;
  if (fixed_length) {
    if (*fixed_length == 0) return MakeError("component type: fixed-length list of length 0");
    uint64_t size = uint64_t{*fixed_length} * e.size;
    if (size > kMaxTypeSize) return MakeError("component type: type too large for the canonical ABI");
    t.align = e.align;
    t.size = static_cast<uint32_t>(size);
    // Flattening repeats the element's flat types; bound it so a huge fixed list does not
    // allocate a huge vector (anything past MAX_FLAT_PARAMS goes through memory anyway).
    uint64_t flat_count = uint64_t{*fixed_length} * e.flat.size();
    uint64_t keep = std::min<uint64_t>(flat_count, 4 * kMaxFlatParams + 1);
    for (uint64_t i = 0; i < keep; ++i) t.flat.push_back(e.flat[i % e.flat.size()]);
  } else {
    t.align = 4;
    t.size = 8;
    t.flat = {FlatType::kI32, FlatType::kI32};
  }
  return Add(std::move(t));
}

Result<TypeId> TypeTable::Record(std::vector<Field> fields) {
  if (fields.empty()) return MakeError("component type: record with no fields");
  AbiType t;
  t.kind = TypeKind::kRecord;
  t.source = SourceKind::kRecord;
  uint64_t s = 0;
  for (const Field& f : fields) {
    NW_TRY(Check(f.type));
    const AbiType& ft = types_[f.type];
    s = AlignTo64(s, ft.align) + ft.size;
    t.align = std::max(t.align, ft.align);
    t.contains_borrow |= ft.contains_borrow;
    if (t.flat.size() <= 4 * kMaxFlatParams)
      t.flat.insert(t.flat.end(), ft.flat.begin(), ft.flat.end());
  }
  s = AlignTo64(s, t.align);
  if (s > kMaxTypeSize) return MakeError("component type: type too large for the canonical ABI");
  t.size = static_cast<uint32_t>(s);
  t.fields = std::move(fields);
  return Add(std::move(t));
}

Result<TypeId> TypeTable::Tuple(std::span<const TypeId> types) {
  std::vector<Field> fields;
  for (size_t i = 0; i < types.size(); ++i) fields.push_back({std::to_string(i), types[i]});
  if (fields.empty()) return MakeError("component type: tuple with no fields");
  NW_TRY_ASSIGN(TypeId id, Record(std::move(fields)));
  types_[id].source = SourceKind::kTuple;
  return id;
}

Result<TypeId> TypeTable::Variant(std::vector<Case> cases) {
  if (cases.empty()) return MakeError("component type: variant with no cases");
  if (cases.size() >= (uint64_t{1} << 32)) return MakeError("component type: too many cases");
  AbiType t;
  t.kind = TypeKind::kVariant;
  t.source = SourceKind::kVariant;
  t.disc_size = DiscriminantSize(cases.size());
  uint32_t max_case_align = 1;
  uint64_t max_case_size = 0;
  std::vector<FlatType> payload;
  for (const Case& c : cases) {
    if (!c.type) continue;
    NW_TRY(Check(*c.type));
    const AbiType& ct = types_[*c.type];
    max_case_align = std::max(max_case_align, ct.align);
    max_case_size = std::max<uint64_t>(max_case_size, ct.size);
    t.contains_borrow |= ct.contains_borrow;
    for (size_t i = 0; i < ct.flat.size(); ++i) {
      if (i < payload.size()) payload[i] = JoinFlat(payload[i], ct.flat[i]);
      else payload.push_back(ct.flat[i]);
    }
  }
  t.align = std::max(t.disc_size, max_case_align);
  t.payload_offset = AlignTo(t.disc_size, max_case_align);
  uint64_t s = AlignTo64(t.payload_offset + max_case_size, t.align);
  if (s > kMaxTypeSize) return MakeError("component type: type too large for the canonical ABI");
  t.size = static_cast<uint32_t>(s);
  t.flat.push_back(FlatType::kI32);  // every discriminant flattens to i32
  t.flat.insert(t.flat.end(), payload.begin(), payload.end());
  t.cases = std::move(cases);
  return Add(std::move(t));
}

Result<TypeId> TypeTable::Enum(std::span<const std::string> labels) {
  std::vector<Case> cases;
  for (const std::string& l : labels) cases.push_back({l, std::nullopt});
  NW_TRY_ASSIGN(TypeId id, Variant(std::move(cases)));
  types_[id].source = SourceKind::kEnum;
  return id;
}

Result<TypeId> TypeTable::Option(TypeId type) {
  NW_TRY_ASSIGN(TypeId id, Variant({{"none", std::nullopt}, {"some", type}}));
  types_[id].source = SourceKind::kOption;
  return id;
}

Result<TypeId> TypeTable::ResultOf(std::optional<TypeId> ok, std::optional<TypeId> error) {
  NW_TRY_ASSIGN(TypeId id, Variant({{"ok", ok}, {"error", error}}));
  types_[id].source = SourceKind::kResult;
  return id;
}

Result<TypeId> TypeTable::Map(TypeId key, TypeId value) {
  TypeId kv[2] = {key, value};
  NW_TRY_ASSIGN(TypeId tuple, Tuple(kv));
  NW_TRY_ASSIGN(TypeId id, List(tuple));
  types_[id].source = SourceKind::kMap;
  return id;
}

Result<TypeId> TypeTable::Flags(std::vector<std::string> labels) {
  if (labels.empty()) return MakeError("component type: flags with no labels");
  if (labels.size() > kMaxFlagsLabels) return MakeError("component type: more than 32 flags");
  AbiType t;
  t.kind = TypeKind::kFlags;
  t.source = SourceKind::kFlags;
  t.flags_size = FlagsSize(labels.size());
  t.align = t.size = t.flags_size;
  t.flat = {FlatType::kI32};
  t.labels = std::move(labels);
  return Add(std::move(t));
}

Result<TypeId> TypeTable::Own(const ResourceType* rt) {
  if (!rt) return MakeError("component type: own of no resource type");
  AbiType t;
  t.kind = TypeKind::kOwn;
  t.source = SourceKind::kOwn;
  t.align = t.size = 4;
  t.flat = {FlatType::kI32};
  t.resource = rt;
  return Add(std::move(t));
}

Result<TypeId> TypeTable::Borrow(const ResourceType* rt) {
  if (!rt) return MakeError("component type: borrow of no resource type");
  AbiType t;
  t.kind = TypeKind::kBorrow;
  t.source = SourceKind::kBorrow;
  t.align = t.size = 4;
  t.flat = {FlatType::kI32};
  t.resource = rt;
  t.contains_borrow = true;
  return Add(std::move(t));
}

Result<TypeId> TypeTable::AsyncValue(TypeKind kind, std::optional<TypeId> elem) {
  AbiType t;
  t.kind = kind;
  t.source = SourceKind::kPrimitive;
  if (elem) {
    NW_TRY(Check(*elem));
    t.elem = *elem;
    t.has_elem = true;
    t.depth = types_[*elem].depth + 1;
  }
  t.align = t.size = 4;
  t.flat = {FlatType::kI32};
  return Add(std::move(t));
}

std::vector<FlatType> TypeTable::FlattenTypes(std::span<const TypeId> types) const {
  std::vector<FlatType> flat;
  for (TypeId t : types) {
    const std::vector<FlatType>& f = types_[t].flat;
    flat.insert(flat.end(), f.begin(), f.end());
    // Type flat vectors are capped past 4*MAX_FLAT_PARAMS; callers only compare the count
    // against MAX_FLAT_PARAMS, so stop once it is certainly exceeded.
    if (flat.size() > 4 * kMaxFlatParams) break;
  }
  return flat;
}

std::pair<uint32_t, uint32_t> TypeTable::TupleLayout(std::span<const TypeId> types) const {
  uint64_t s = 0;
  uint32_t align = 1;
  for (TypeId t : types) {
    s = AlignTo64(s, types_[t].align) + types_[t].size;
    align = std::max(align, types_[t].align);
  }
  return {align, static_cast<uint32_t>(AlignTo64(s, align))};
}

FlatSignature FlattenFuncType(const TypeTable& types, const FuncType& ft, FlattenContext context) {
  FlatSignature sig;
  sig.params = types.FlattenTypes(ft.params);
  sig.results = types.FlattenTypes(ft.results);
  if (sig.params.size() > kMaxFlatParams) {
    sig.params = {FlatType::kI32};
    sig.params_in_memory = true;
  }
  if (sig.results.size() > kMaxFlatResults) {
    sig.results_in_memory = true;
    if (context == FlattenContext::kLift) {
      sig.results = {FlatType::kI32};
    } else {
      sig.params.push_back(FlatType::kI32);
      sig.results.clear();
    }
  }
  return sig;
}

std::string TypeTable::Describe(TypeId id) const {
  static constexpr const char* kPrim[] = {"bool", "s8", "u8", "s16", "u16", "s32", "u32",
                                          "s64", "u64", "f32", "f64", "char", "string"};
  const AbiType& t = types_[id];
  auto join = [&](auto&& items, auto&& fn) {
    std::string s;
    for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + fn(items[i]);
    return s;
  };
  switch (t.kind) {
    case TypeKind::kList:
      if (t.source == SourceKind::kMap) {
        const AbiType& kv = types_[t.elem];
        return "map<" + Describe(kv.fields[0].type) + ", " + Describe(kv.fields[1].type) + ">";
      }
      return "list<" + Describe(t.elem) +
             (t.fixed_length ? ", " + std::to_string(*t.fixed_length) : std::string()) + ">";
    case TypeKind::kRecord:
      if (t.source == SourceKind::kTuple)
        return "tuple<" + join(t.fields, [&](const Field& f) { return Describe(f.type); }) + ">";
      return "record { " +
             join(t.fields, [&](const Field& f) { return f.label + ": " + Describe(f.type); }) + " }";
    case TypeKind::kVariant: {
      auto opt = [&](const std::optional<TypeId>& c) { return c ? Describe(*c) : std::string("_"); };
      switch (t.source) {
        case SourceKind::kEnum:
          return "enum { " + join(t.cases, [](const Case& c) { return c.label; }) + " }";
        case SourceKind::kOption: return "option<" + Describe(*t.cases[1].type) + ">";
        case SourceKind::kResult:
          return "result<" + opt(t.cases[0].type) + ", " + opt(t.cases[1].type) + ">";
        default:
          return "variant { " + join(t.cases, [&](const Case& c) {
                   return c.label + (c.type ? "(" + Describe(*c.type) + ")" : std::string());
                 }) + " }";
      }
    }
    case TypeKind::kFlags:
      return "flags { " + join(t.labels, [](const std::string& l) { return l; }) + " }";
    case TypeKind::kOwn: return "own<resource>";
    case TypeKind::kStream:
    case TypeKind::kFuture: {
      std::string n = t.kind == TypeKind::kStream ? "stream" : "future";
      return t.has_elem ? n + "<" + Describe(t.elem) + ">" : n;
    }
    case TypeKind::kBorrow: return "borrow<resource>";
    default: return kPrim[static_cast<int>(t.kind)];
  }
}

}  // namespace nw::component

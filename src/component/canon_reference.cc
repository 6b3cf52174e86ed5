// Per-type reference of the canonical ABI (see canon_reference.h). Kept literal rather than
// fast: every function mirrors the definitions.py function of the same name.
#include "component/canon_reference.h"

#include <cstring>

namespace nw::component::reference {

namespace {

constexpr uint32_t kCanonicalNan32 = 0x7fc00000;
constexpr uint64_t kCanonicalNan64 = 0x7ff8000000000000ull;

uint64_t CanonNan32(uint64_t bits) {
  uint32_t b = static_cast<uint32_t>(bits);
  return ((b & 0x7f800000) == 0x7f800000 && (b & 0x007fffff)) ? kCanonicalNan32 : b;
}
uint64_t CanonNan64(uint64_t b) {
  return ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull))
             ? kCanonicalNan64 : b;
}

uint64_t LoadInt(const Side& cx, uint32_t ptr, uint32_t n) {
  uint64_t v = 0;
  std::memcpy(&v, cx.mem.data + ptr, n);  // little-endian host
  return v;
}
void StoreInt(Side& cx, uint64_t v, uint32_t ptr, uint32_t n) { std::memcpy(cx.mem.data + ptr, &v, n); }

Result<uint64_t> ConvertI32ToChar(uint64_t i) {
  if (i >= 0x110000) return Trap(kTrapInvalidChar);
  if (i >= 0xD800 && i <= 0xDFFF) return Trap(kTrapInvalidChar);
  return i;
}

Status HostShape(bool ok, const TypeTable& types, TypeId t) {
  if (!ok) return MakeError("host value does not match type " + types.Describe(t));
  return Ok();
}

Result<ComponentValue> LoadListFromRange(const TypeTable& types, Side& cx, uint32_t ptr,
                                         uint32_t length, TypeId elem) {
  const AbiType& e = types.Get(elem);
  uint64_t bytes = uint64_t{length} * e.size;
  if (bytes > kMaxListByteLength) return Trap("list longer than 2^28-1 bytes");
  if (ptr % e.align) return Trap(kTrapUnalignedPointer);
  if (!cx.InBounds(ptr, bytes)) return Trap(cx.ListOutOfBoundsText());
  std::vector<ComponentValue> a;
  a.reserve(length);
  for (uint32_t i = 0; i < length; ++i) {
    NW_TRY_ASSIGN(ComponentValue v, Load(types, cx, ptr + i * e.size, elem));
    a.push_back(std::move(v));
  }
  return ComponentValue::List(std::move(a));
}

Result<std::pair<uint32_t, uint32_t>> StoreListIntoRange(const TypeTable& types, Side& cx,
                                                         const ComponentValue& v, TypeId elem) {
  const AbiType& e = types.Get(elem);
  // Element by element for a packed host list too (the plans copy it in one piece).
  uint64_t bytes = uint64_t{v.list_size()} * e.size;
  if (bytes > UINT32_MAX) return MakeError("host list too long");
  NW_TRY_ASSIGN(uint32_t ptr, cx.Allocate(e.align, static_cast<uint32_t>(bytes)));
  if (ptr % e.align) return Trap(cx.ReallocUnalignedText());
  if (!cx.InBounds(ptr, bytes)) return Trap(cx.ListReallocOutOfBoundsText());
  for (size_t i = 0; i < v.list_size(); ++i)
    NW_TRY(Store(types, cx, v.list_elem(i), elem, static_cast<uint32_t>(ptr + i * e.size)));
  return std::pair<uint32_t, uint32_t>{ptr, static_cast<uint32_t>(v.list_size())};
}

Result<uint32_t> LiftOwn(Side& cx, uint32_t i, const ResourceType* rt) {
  if (!cx.inst) return MakeError("a resource handle needs a component instance");
  NW_TRY_ASSIGN(ResourceHandle * h, cx.inst->handles().Get(i));
  if (h->rt != rt) return WrongResourceTypeTrap(i, rt, h->rt);
  if (h->num_lends != 0) return Trap(kTrapLentOut);
  if (!h->own) return Trap("borrow handle passed as own");
  NW_TRY_ASSIGN(ResourceHandle r, cx.inst->handles().Remove(i));
  return r.rep;
}

Result<uint32_t> LiftBorrow(Side& cx, uint32_t i, const ResourceType* rt) {
  if (!cx.inst) return MakeError("a resource handle needs a component instance");
  NW_TRY_ASSIGN(ResourceHandle * h, cx.inst->handles().Get(i));
  if (h->rt != rt) return WrongResourceTypeTrap(i, rt, h->rt);
  if (cx.subtask) cx.subtask->AddLender(i, *h);
  return h->rep;
}

Result<uint32_t> LowerOwn(Side& cx, uint32_t rep, const ResourceType* rt) {
  if (!cx.inst) return MakeError("a resource handle needs a component instance");
  return cx.inst->handles().Add(ResourceHandle{rt, rep, true, nullptr, 0});
}

Result<uint32_t> LowerBorrow(Side& cx, uint32_t rep, const ResourceType* rt) {
  if (!cx.inst) return MakeError("a resource handle needs a component instance");
  if (cx.inst == rt->impl) return rep;
  if (!cx.task) return MakeError("borrow lowered outside a call");
  NW_TRY_ASSIGN(uint32_t i, cx.inst->handles().Add(ResourceHandle{rt, rep, false, cx.task, 0}));
  cx.task->AddBorrow();
  return i;
}

struct FlatIter {
  std::span<const uint64_t> values;
  size_t i = 0;
  uint64_t Next() { return i < values.size() ? values[i++] : 0; }
};

Result<ComponentValue> LiftFlat(const TypeTable& types, Side& cx, FlatIter& vi, TypeId tid);

Result<ComponentValue> LiftFlatVariant(const TypeTable& types, Side& cx, FlatIter& vi, const AbiType& t) {
  uint64_t case_index = vi.Next();
  if (case_index >= t.cases.size()) return Trap(kTrapInvalidDiscriminant);
  const Case& c = t.cases[case_index];
  size_t payload_slots = t.flat.size() - 1;
  if (!c.type) {
    vi.i += payload_slots;
    return ComponentValue::Variant(static_cast<uint32_t>(case_index));
  }
  // CoerceValueIter: the joined slot types narrow to the case's own flat types.
  const AbiType& ct = types.Get(*c.type);
  std::vector<uint64_t> coerced;
  for (size_t k = 0; k < ct.flat.size(); ++k) {
    uint64_t x = vi.Next();
    FlatType want = ct.flat[k];
    coerced.push_back((want == FlatType::kI32 || want == FlatType::kF32) ? (x & 0xffffffffu) : x);
  }
  vi.i += payload_slots - ct.flat.size();
  FlatIter sub{coerced};
  NW_TRY_ASSIGN(ComponentValue v, LiftFlat(types, cx, sub, *c.type));
  return ComponentValue::Variant(static_cast<uint32_t>(case_index), std::move(v));
}

Result<ComponentValue> LiftFlat(const TypeTable& types, Side& cx, FlatIter& vi, TypeId tid) {
  const AbiType& t = types.Get(tid);
  switch (t.kind) {
    case TypeKind::kStream: case TypeKind::kFuture:
      return MakeError("the reference ABI does not lift or lower stream/future values");
    case TypeKind::kBool: return ComponentValue::Bool((vi.Next() & 0xffffffffu) != 0);
    case TypeKind::kU8: return ComponentValue::U8(static_cast<uint8_t>(vi.Next()));
    case TypeKind::kU16: return ComponentValue::U16(static_cast<uint16_t>(vi.Next()));
    case TypeKind::kU32: return ComponentValue::U32(static_cast<uint32_t>(vi.Next()));
    case TypeKind::kU64: return ComponentValue::U64(vi.Next());
    case TypeKind::kS8: return ComponentValue::S8(static_cast<int8_t>(vi.Next()));
    case TypeKind::kS16: return ComponentValue::S16(static_cast<int16_t>(vi.Next()));
    case TypeKind::kS32: return ComponentValue::S32(static_cast<int32_t>(vi.Next()));
    case TypeKind::kS64: return ComponentValue::S64(static_cast<int64_t>(vi.Next()));
    case TypeKind::kF32: {
      uint32_t b = static_cast<uint32_t>(CanonNan32(vi.Next()));
      float f;
      std::memcpy(&f, &b, 4);
      return ComponentValue::F32(f);
    }
    case TypeKind::kF64: {
      uint64_t b = CanonNan64(vi.Next());
      double f;
      std::memcpy(&f, &b, 8);
      return ComponentValue::F64(f);
    }
    case TypeKind::kChar: {
      NW_TRY_ASSIGN(uint64_t c, ConvertI32ToChar(vi.Next() & 0xffffffffu));
      return *ComponentValue::Char(static_cast<uint32_t>(c));
    }
    case TypeKind::kString: {
      uint32_t ptr = static_cast<uint32_t>(vi.Next()), len = static_cast<uint32_t>(vi.Next());
      NW_TRY_ASSIGN(StringSrc s, LoadStringFromRange(cx, ptr, len));
      return ComponentValue::StringUnchecked(
          std::string(reinterpret_cast<const char*>(s.data()), s.byte_length()), s.form);
    }
    case TypeKind::kList: {
      if (t.fixed_length) {
        std::vector<ComponentValue> a;
        for (uint32_t i = 0; i < *t.fixed_length; ++i) {
          NW_TRY_ASSIGN(ComponentValue v, LiftFlat(types, cx, vi, t.elem));
          a.push_back(std::move(v));
        }
        return ComponentValue::List(std::move(a));
      }
      uint32_t ptr = static_cast<uint32_t>(vi.Next()), len = static_cast<uint32_t>(vi.Next());
      return LoadListFromRange(types, cx, ptr, len, t.elem);
    }
    case TypeKind::kRecord: {
      std::vector<ComponentValue> fields;
      for (const Field& f : t.fields) {
        NW_TRY_ASSIGN(ComponentValue v, LiftFlat(types, cx, vi, f.type));
        fields.push_back(std::move(v));
      }
      return ComponentValue::Record(std::move(fields));
    }
    case TypeKind::kVariant: return LiftFlatVariant(types, cx, vi, t);
    case TypeKind::kFlags: {
      uint64_t i = vi.Next() & 0xffffffffu;
      uint64_t mask = t.labels.size() == 32 ? 0xffffffffu : ((1u << t.labels.size()) - 1);
      return ComponentValue::Flags(static_cast<uint32_t>(i & mask));
    }
    case TypeKind::kOwn: {
      NW_TRY_ASSIGN(uint32_t rep, LiftOwn(cx, static_cast<uint32_t>(vi.Next()), t.resource));
      return ComponentValue::Own(rep);
    }
    case TypeKind::kBorrow: {
      NW_TRY_ASSIGN(uint32_t rep, LiftBorrow(cx, static_cast<uint32_t>(vi.Next()), t.resource));
      return ComponentValue::Borrow(rep);
    }
  }
  return MakeError("unknown type");
}

Status LowerFlat(const TypeTable& types, Side& cx, const ComponentValue& v, TypeId tid,
                 std::vector<uint64_t>& out) {
  const AbiType& t = types.Get(tid);
  NW_TRY(HostShape(v.kind() == t.kind, types, tid));
  switch (t.kind) {
    case TypeKind::kStream: case TypeKind::kFuture:
      return MakeError("the reference ABI does not lift or lower stream/future values");
    case TypeKind::kBool: out.push_back(v.as_bool() ? 1 : 0); return Ok();
    case TypeKind::kU8: case TypeKind::kU16: case TypeKind::kU32:
    case TypeKind::kS8: case TypeKind::kS16: case TypeKind::kS32:
      out.push_back(v.bits() & 0xffffffffu);  // lower_flat_signed(v, 32)
      return Ok();
    case TypeKind::kU64: case TypeKind::kS64: out.push_back(v.bits()); return Ok();
    case TypeKind::kF32: out.push_back(CanonNan32(v.bits())); return Ok();  // deterministic profile
    case TypeKind::kF64: out.push_back(CanonNan64(v.bits())); return Ok();
    case TypeKind::kChar:
      NW_TRY(HostShape(ConvertI32ToChar(v.bits()).has_value(), types, tid));
      out.push_back(v.bits());
      return Ok();
    case TypeKind::kString: {
      NW_TRY_ASSIGN(auto pl, StoreStringIntoRange(cx, HostStringSrc(v)));
      out.push_back(pl.first);
      out.push_back(pl.second);
      return Ok();
    }
    case TypeKind::kList:
      if (t.fixed_length) {
        NW_TRY(HostShape(v.elems().size() == *t.fixed_length, types, tid));
        for (const ComponentValue& e : v.elems()) NW_TRY(LowerFlat(types, cx, e, t.elem, out));
        return Ok();
      } else {
        NW_TRY_ASSIGN(auto pl, StoreListIntoRange(types, cx, v, t.elem));
        out.push_back(pl.first);
        out.push_back(pl.second);
        return Ok();
      }
    case TypeKind::kRecord:
      NW_TRY(HostShape(v.elems().size() == t.fields.size(), types, tid));
      for (size_t i = 0; i < t.fields.size(); ++i)
        NW_TRY(LowerFlat(types, cx, v.elems()[i], t.fields[i].type, out));
      return Ok();
    case TypeKind::kVariant: {
      NW_TRY(HostShape(v.bits() < t.cases.size(), types, tid));
      const Case& c = t.cases[v.case_index()];
      NW_TRY(HostShape(c.type.has_value() == (v.payload() != nullptr), types, tid));
      out.push_back(v.case_index());
      size_t start = out.size();
      if (c.type) NW_TRY(LowerFlat(types, cx, *v.payload(), *c.type, out));
      // Coercions to the joined types keep the bits (f32->i32, i32->i64, f32->i64, f64->i64);
      // the rest of the payload is zero.
      out.resize(start + t.flat.size() - 1, 0);
      return Ok();
    }
    case TypeKind::kFlags: out.push_back(v.bits() & 0xffffffffu); return Ok();
    case TypeKind::kOwn: {
      NW_TRY_ASSIGN(uint32_t i, LowerOwn(cx, static_cast<uint32_t>(v.bits()), t.resource));
      out.push_back(i);
      return Ok();
    }
    case TypeKind::kBorrow: {
      NW_TRY_ASSIGN(uint32_t i, LowerBorrow(cx, static_cast<uint32_t>(v.bits()), t.resource));
      out.push_back(i);
      return Ok();
    }
  }
  return MakeError("unknown type");
}

}  // namespace

Result<ComponentValue> Load(const TypeTable& types, Side& cx, uint32_t ptr, TypeId tid) {
  const AbiType& t = types.Get(tid);
  switch (t.kind) {
    case TypeKind::kStream: case TypeKind::kFuture:
      return MakeError("the reference ABI does not lift or lower stream/future values");
    case TypeKind::kBool: return ComponentValue::Bool(LoadInt(cx, ptr, 1) != 0);
    case TypeKind::kU8: return ComponentValue::U8(static_cast<uint8_t>(LoadInt(cx, ptr, 1)));
    case TypeKind::kU16: return ComponentValue::U16(static_cast<uint16_t>(LoadInt(cx, ptr, 2)));
    case TypeKind::kU32: return ComponentValue::U32(static_cast<uint32_t>(LoadInt(cx, ptr, 4)));
    case TypeKind::kU64: return ComponentValue::U64(LoadInt(cx, ptr, 8));
    case TypeKind::kS8: return ComponentValue::S8(static_cast<int8_t>(LoadInt(cx, ptr, 1)));
    case TypeKind::kS16: return ComponentValue::S16(static_cast<int16_t>(LoadInt(cx, ptr, 2)));
    case TypeKind::kS32: return ComponentValue::S32(static_cast<int32_t>(LoadInt(cx, ptr, 4)));
    case TypeKind::kS64: return ComponentValue::S64(static_cast<int64_t>(LoadInt(cx, ptr, 8)));
    case TypeKind::kF32: case TypeKind::kF64: case TypeKind::kChar: case TypeKind::kFlags:
    case TypeKind::kOwn: case TypeKind::kBorrow: {
      // Same as lifting the loaded integer flat.
      uint64_t raw = LoadInt(cx, ptr, t.kind == TypeKind::kFlags ? t.flags_size : t.size);
      uint64_t one[1] = {raw};
      FlatIter vi{one};
      return LiftFlat(types, cx, vi, tid);
    }
    case TypeKind::kString: {
      uint64_t two[2] = {LoadInt(cx, ptr, 4), LoadInt(cx, ptr + 4, 4)};
      FlatIter vi{two};
      return LiftFlat(types, cx, vi, tid);
    }
    case TypeKind::kList: {
      if (t.fixed_length) {
        const AbiType& e = types.Get(t.elem);
        std::vector<ComponentValue> a;
        for (uint32_t i = 0; i < *t.fixed_length; ++i) {
          NW_TRY_ASSIGN(ComponentValue v, Load(types, cx, ptr + i * e.size, t.elem));
          a.push_back(std::move(v));
        }
        return ComponentValue::List(std::move(a));
      }
      return LoadListFromRange(types, cx, static_cast<uint32_t>(LoadInt(cx, ptr, 4)),
                               static_cast<uint32_t>(LoadInt(cx, ptr + 4, 4)), t.elem);
    }
    case TypeKind::kRecord: {
      std::vector<ComponentValue> fields;
      for (const Field& f : t.fields) {
        const AbiType& ft = types.Get(f.type);
        ptr = AlignTo(ptr, ft.align);
        NW_TRY_ASSIGN(ComponentValue v, Load(types, cx, ptr, f.type));
        fields.push_back(std::move(v));
        ptr += ft.size;
      }
      return ComponentValue::Record(std::move(fields));
    }
    case TypeKind::kVariant: {
      uint64_t case_index = LoadInt(cx, ptr, t.disc_size);
      if (case_index >= t.cases.size()) return Trap(kTrapInvalidDiscriminant);
      const Case& c = t.cases[case_index];
      if (!c.type) return ComponentValue::Variant(static_cast<uint32_t>(case_index));
      NW_TRY_ASSIGN(ComponentValue v, Load(types, cx, ptr + t.payload_offset, *c.type));
      return ComponentValue::Variant(static_cast<uint32_t>(case_index), std::move(v));
    }
  }
  return MakeError("unknown type");
}

Status Store(const TypeTable& types, Side& cx, const ComponentValue& v, TypeId tid, uint32_t ptr) {
  const AbiType& t = types.Get(tid);
  NW_TRY(HostShape(v.kind() == t.kind, types, tid));
  switch (t.kind) {
    case TypeKind::kString: {
      NW_TRY_ASSIGN(auto pl, StoreStringIntoRange(cx, HostStringSrc(v)));
      StoreInt(cx, pl.first, ptr, 4);
      StoreInt(cx, pl.second, ptr + 4, 4);
      return Ok();
    }
    case TypeKind::kList: {
      if (t.fixed_length) {
        NW_TRY(HostShape(v.elems().size() == *t.fixed_length, types, tid));
        const AbiType& e = types.Get(t.elem);
        for (uint32_t i = 0; i < *t.fixed_length; ++i)
          NW_TRY(Store(types, cx, v.elems()[i], t.elem, ptr + i * e.size));
        return Ok();
      }
      NW_TRY_ASSIGN(auto pl, StoreListIntoRange(types, cx, v, t.elem));
      StoreInt(cx, pl.first, ptr, 4);
      StoreInt(cx, pl.second, ptr + 4, 4);
      return Ok();
    }
    case TypeKind::kRecord: {
      NW_TRY(HostShape(v.elems().size() == t.fields.size(), types, tid));
      for (size_t i = 0; i < t.fields.size(); ++i) {
        const AbiType& ft = types.Get(t.fields[i].type);
        ptr = AlignTo(ptr, ft.align);
        NW_TRY(Store(types, cx, v.elems()[i], t.fields[i].type, ptr));
        ptr += ft.size;
      }
      return Ok();
    }
    case TypeKind::kVariant: {
      NW_TRY(HostShape(v.bits() < t.cases.size(), types, tid));
      const Case& c = t.cases[v.case_index()];
      NW_TRY(HostShape(c.type.has_value() == (v.payload() != nullptr), types, tid));
      StoreInt(cx, v.case_index(), ptr, t.disc_size);
      if (c.type) NW_TRY(Store(types, cx, *v.payload(), *c.type, ptr + t.payload_offset));
      return Ok();
    }
    default: {
      // Scalars: the flat lowering's single value, stored at the type's width.
      std::vector<uint64_t> one;
      NW_TRY(LowerFlat(types, cx, v, tid, one));
      StoreInt(cx, one[0], ptr, t.kind == TypeKind::kFlags ? t.flags_size : t.size);
      return Ok();
    }
  }
}

Result<std::vector<ComponentValue>> LiftFlatValues(const TypeTable& types, Side& cx, size_t max_flat,
                                                   std::span<const uint64_t> flat,
                                                   std::span<const TypeId> ts) {
  std::vector<ComponentValue> out;
  if (types.FlattenTypes(ts).size() > max_flat) {
    uint32_t ptr = static_cast<uint32_t>(flat.empty() ? 0 : flat[0]);
    auto [align, size] = types.TupleLayout(ts);
    if (ptr % align) return Trap(kTrapUnalignedPointer);
    if (!cx.InBounds(ptr, size)) return Trap(kTrapValuesOutOfBounds);
    for (TypeId t : ts) {
      const AbiType& at = types.Get(t);
      ptr = AlignTo(ptr, at.align);
      NW_TRY_ASSIGN(ComponentValue v, Load(types, cx, ptr, t));
      out.push_back(std::move(v));
      ptr += at.size;
    }
    return out;
  }
  FlatIter vi{flat};
  for (TypeId t : ts) {
    NW_TRY_ASSIGN(ComponentValue v, LiftFlat(types, cx, vi, t));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<uint64_t>> LowerFlatValues(const TypeTable& types, Side& cx, size_t max_flat,
                                              std::span<const ComponentValue> vs,
                                              std::span<const TypeId> ts,
                                              std::optional<uint32_t> out_param) {
  if (vs.size() != ts.size()) return MakeError("wrong number of host values");
  std::vector<uint64_t> flat;
  if (types.FlattenTypes(ts).size() > max_flat) {
    auto [align, size] = types.TupleLayout(ts);
    uint32_t ptr;
    if (out_param) {
      ptr = *out_param;
    } else {
      NW_TRY_ASSIGN(ptr, cx.Allocate(align, size));
      flat.push_back(ptr);
    }
    if (ptr % align) return Trap(out_param ? kTrapUnalignedPointer : cx.ReallocUnalignedText());
    if (!cx.InBounds(ptr, size)) return Trap(out_param ? kTrapValuesOutOfBounds : kTrapReallocOutOfBounds);
    for (size_t i = 0; i < ts.size(); ++i) {
      const AbiType& at = types.Get(ts[i]);
      ptr = AlignTo(ptr, at.align);
      NW_TRY(Store(types, cx, vs[i], ts[i], ptr));
      ptr += at.size;
    }
    return flat;
  }
  for (size_t i = 0; i < vs.size(); ++i) NW_TRY(LowerFlat(types, cx, vs[i], ts[i], flat));
  return flat;
}

}  // namespace nw::component::reference

// Plan compiler and executor (see canon_plan.h). The executor is one template over a reader
// (where values come from: host values, flat core values, memory) and a writer (where they
// go); each op is one switch case with its offsets precomputed.
#include "component/canon_plan.h"

#include <cstring>

namespace nw::component {

// ---- resources (shared with fused_adapter.cc) ------------------------------------------

Result<uint32_t> LiftOwn(Side& s, uint32_t i, const ResourceType* rt) {
  if (!s.inst) return MakeError("a resource handle needs a component instance");
  NW_TRY_ASSIGN(ResourceHandle * h, s.inst->handles().Get(i));
  if (h->rt != rt) return WrongResourceTypeTrap(i, rt, h->rt);
  if (h->num_lends != 0) return Trap(kTrapLentOut);
  if (!h->own) return Trap("borrow handle passed as own");
  NW_TRY_ASSIGN(ResourceHandle r, s.inst->handles().Remove(i));
  return r.rep;
}

Result<uint32_t> LiftBorrow(Side& s, uint32_t i, const ResourceType* rt) {
  if (!s.inst) return MakeError("a resource handle needs a component instance");
  NW_TRY_ASSIGN(ResourceHandle * h, s.inst->handles().Get(i));
  if (h->rt != rt) return WrongResourceTypeTrap(i, rt, h->rt);
  if (s.subtask) s.subtask->AddLender(i, *h);
  return h->rep;
}

Result<uint32_t> LowerOwn(Side& s, uint32_t rep, const ResourceType* rt) {
  if (!s.inst) return MakeError("a resource handle needs a component instance");
  return s.inst->handles().Add(ResourceHandle{rt, rep, true, nullptr, 0});
}

Result<uint32_t> LowerBorrow(Side& s, uint32_t rep, const ResourceType* rt) {
  if (!s.inst) return MakeError("a resource handle needs a component instance");
  if (s.inst == rt->impl) return rep;
  if (!s.task) return MakeError("borrow lowered outside a call");
  NW_TRY_ASSIGN(uint32_t i, s.inst->handles().Add(ResourceHandle{rt, rep, false, s.task, 0}));
  s.task->AddBorrow();
  return i;
}

namespace {

// ---- compiler -------------------------------------------------------------------------------

bool IsPlain(const TypeTable& types, TypeId id) {
  const AbiType& t = types.Get(id);
  switch (t.kind) {
    case TypeKind::kS8: case TypeKind::kU8: case TypeKind::kS16: case TypeKind::kU16:
    case TypeKind::kS32: case TypeKind::kU32: case TypeKind::kS64: case TypeKind::kU64:
      return true;
    case TypeKind::kRecord: {
      uint32_t off = 0;
      for (const Field& f : t.fields) {
        const AbiType& ft = types.Get(f.type);
        if (AlignTo(off, ft.align) != off || !IsPlain(types, f.type)) return false;
        off += ft.size;
      }
      return off == t.size;
    }
    case TypeKind::kList: return t.fixed_length && IsPlain(types, t.elem);
    default: return false;
  }
}

class Compiler {
 public:
  Compiler(const TypeTable& types, Plan& plan, bool grouped) : types_(types), plan_(plan), grouped_(grouped) {}

  uint32_t NewSeq() {
    plan_.seqs.emplace_back();
    return static_cast<uint32_t>(plan_.seqs.size() - 1);
  }

  // Emits the ops of a value of type id at loc (a byte offset when mem, else a flat slot).
  void Emit(uint32_t seq, TypeId id, bool mem, uint32_t loc) {
    const AbiType& t = types_.Get(id);
    PlanOp op{};
    op.code = t.kind;
    op.loc = loc;
    switch (t.kind) {
      case TypeKind::kString:
        break;
      case TypeKind::kFlags:
        op.width = static_cast<uint8_t>(t.flags_size);
        op.n = static_cast<uint32_t>(t.labels.size());
        break;
      case TypeKind::kOwn:
      case TypeKind::kBorrow:
        op.width = 4;
        op.a = static_cast<uint32_t>(plan_.resources.size());
        plan_.resources.push_back(t.resource);
        break;
      case TypeKind::kStream:
      case TypeKind::kFuture:
        op.width = 4;
        op.a = static_cast<uint32_t>(plan_.async_types.size());
        plan_.async_types.push_back(types_.Describe(id));
        break;
      case TypeKind::kList: {
        if (t.fixed_length && !mem) {  // flat form: unrolled
          EmitGroup(seq, id, mem, loc, /*as_list=*/true);
          return;
        }
        uint32_t sub = NewSeq();
        Emit(sub, t.elem, /*mem=*/true, 0);
        const AbiType& e = types_.Get(t.elem);
        op.a = static_cast<uint32_t>(plan_.lists.size());
        bool packed = !t.fixed_length && ComponentValue::PackedWidth(e.kind) != 0;
        plan_.lists.push_back({sub, e.size, e.align, IsPlain(types_, t.elem),
                               packed ? e.kind : kNotPacked});
        if (t.fixed_length) {
          op.code = kOpFixedList;
          op.n = *t.fixed_length;
        }
        break;
      }
      case TypeKind::kRecord:
        EmitGroup(seq, id, mem, loc, /*as_list=*/false);
        return;
      case TypeKind::kVariant: {
        op.width = static_cast<uint8_t>(t.disc_size);
        op.n = static_cast<uint32_t>(t.cases.size());
        op.b = static_cast<uint32_t>(t.flat.size() - 1);
        op.a = static_cast<uint32_t>(plan_.cases.size());
        plan_.cases.resize(plan_.cases.size() + t.cases.size(), Plan::kNoSeq);
        for (size_t i = 0; i < t.cases.size(); ++i) {
          if (!t.cases[i].type) continue;
          uint32_t sub = NewSeq();
          Emit(sub, *t.cases[i].type, mem, mem ? loc + t.payload_offset : loc + 1);
          plan_.cases[op.a + i] = sub;
        }
        break;
      }
      default:  // scalars
        op.width = static_cast<uint8_t>(t.size);
        break;
    }
    plan_.seqs[seq].push_back(op);
  }

  // Records, tuples and (flat) fixed-length lists: their fields in order; grouped for host
  // plans so the host reader/writer can step into the aggregate value.
  void EmitGroup(uint32_t seq, TypeId id, bool mem, uint32_t loc, bool as_list) {
    const AbiType& t = types_.Get(id);
    size_t group = plan_.seqs[seq].size();
    if (grouped_) {
      PlanOp op{};
      op.code = kOpGroup;
      op.as_list = as_list;
      op.n = as_list ? *t.fixed_length : static_cast<uint32_t>(t.fields.size());
      plan_.seqs[seq].push_back(op);
    }
    uint32_t off = 0;
    auto field = [&](TypeId f) {
      const AbiType& ft = types_.Get(f);
      if (mem) {
        off = AlignTo(off, ft.align);
        Emit(seq, f, mem, loc + off);
        off += ft.size;
      } else {
        Emit(seq, f, mem, loc + off);
        off += static_cast<uint32_t>(ft.flat.size());
      }
    };
    if (as_list) {
      for (uint32_t i = 0; i < *t.fixed_length; ++i) field(t.elem);
    } else {
      for (const Field& f : t.fields) field(f.type);
    }
    if (grouped_) plan_.seqs[seq][group].end = static_cast<uint32_t>(plan_.seqs[seq].size());
  }

 private:
  const TypeTable& types_;
  Plan& plan_;
  bool grouped_;
};

Plan CompilePlan(const TypeTable& types, std::span<const TypeId> ts, bool mem, bool grouped) {
  Plan plan;
  Compiler c(types, plan, grouped);
  c.NewSeq();
  uint32_t loc = 0;
  for (TypeId t : ts) {
    const AbiType& at = types.Get(t);
    if (mem) loc = AlignTo(loc, at.align);
    c.Emit(0, t, mem, loc);
    loc += mem ? at.size : static_cast<uint32_t>(at.flat.size());
  }
  return plan;
}

// ---- value normalization --------------------------------------------------------------------

constexpr uint32_t kCanonicalNan32 = 0x7fc00000;
constexpr uint64_t kCanonicalNan64 = 0x7ff8000000000000ull;

// Width of a flat value of a scalar op: 32-bit slots are masked (i64 -> i32 coercion of
// variant payloads, and the wrap of lift_flat_unsigned/signed).
inline uint64_t FlatMask(TypeKind k) {
  return (k == TypeKind::kS64 || k == TypeKind::kU64 || k == TypeKind::kF64) ? ~0ull : 0xffffffffull;
}

inline uint64_t SignExtend(uint64_t v, unsigned bits) {
  unsigned s = 64 - bits;
  return static_cast<uint64_t>(static_cast<int64_t>(v << s) >> s);
}

// ---- packed lists ---------------------------------------------------------------------------
// One pass over the copied bytes of a packed list (none for integers), element for element
// what the scalar ops of Run do: lift_flat/load canonicalise NaNs (canonicalize_nan32/64),
// turn any nonzero bool byte into true and trap on a char that is a surrogate or past
// U+10FFFF (convert_i32_to_char); lowering stores canonical NaNs (the deterministic profile of
// maybe_scramble_nan) and bools as 0/1.

void CanonicalizeNans32(uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i + 4 <= n; i += 4) {
    uint32_t b;
    std::memcpy(&b, p + i, 4);
    if ((b & 0x7f800000) == 0x7f800000 && (b & 0x007fffff)) std::memcpy(p + i, &kCanonicalNan32, 4);
  }
}

void CanonicalizeNans64(uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i + 8 <= n; i += 8) {
    uint64_t b;
    std::memcpy(&b, p + i, 8);
    if ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull))
      std::memcpy(p + i, &kCanonicalNan64, 8);
  }
}

bool AllChars(const uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i + 4 <= n; i += 4) {
    uint32_t c;
    std::memcpy(&c, p + i, 4);
    if (c >= 0x110000 || (c >= 0xD800 && c <= 0xDFFF)) return false;
  }
  return true;
}

Status FixPackedLifted(TypeKind k, uint8_t* p, uint64_t n) {
  switch (k) {
    case TypeKind::kF32: CanonicalizeNans32(p, n); break;
    case TypeKind::kF64: CanonicalizeNans64(p, n); break;
    case TypeKind::kBool:
      for (uint64_t i = 0; i < n; ++i) p[i] = p[i] != 0;
      break;
    case TypeKind::kChar:
      if (!AllChars(p, n)) return Trap(kTrapInvalidChar);
      break;
    default: break;
  }
  return Ok();
}

// Bools and chars need nothing here: CheckValues, run before every lowering of host values,
// refused a packed list whose bools are not 0/1 or whose chars are invalid.
void FixPackedLowered(TypeKind k, uint8_t* p, uint64_t n) {
  if (k == TypeKind::kF32) CanonicalizeNans32(p, n);
  else if (k == TypeKind::kF64) CanonicalizeNans64(p, n);
}

// ---- readers --------------------------------------------------------------------------------

struct MemReader {
  static constexpr bool kMachine = true;
  Side* side;
  uint32_t base0;
  uint32_t base;

  uint64_t Int(const PlanOp& op) const {
    uint64_t v = 0;
    std::memcpy(&v, side->mem.data + base + op.loc, op.width);
    return v;
  }
  uint32_t U32At(uint32_t off) const {
    uint32_t v;
    std::memcpy(&v, side->mem.data + base + off, 4);
    return v;
  }
  Result<StringSrc> String(const PlanOp& op) const {
    return LoadStringFromRange(*side, U32At(op.loc), U32At(op.loc + 4));
  }
  MemReader Enter(const PlanOp&) const { return *this; }
  MemReader Fixed(const PlanOp& op) const { return {side, base + op.loc, base + op.loc}; }
  void SetElem(uint32_t i, uint32_t stride) { base = base0 + i * stride; }
  Result<uint32_t> Case(const PlanOp& op) const {
    uint64_t c = Int(op);
    if (c >= op.n) return Trap(kTrapInvalidDiscriminant);
    return static_cast<uint32_t>(c);
  }
  uint32_t Handle(const PlanOp& op) const { return U32At(op.loc); }
  std::pair<uint32_t, uint32_t> PtrLen(const PlanOp& op) const { return {U32At(op.loc), U32At(op.loc + 4)}; }
};

struct FlatReader {
  static constexpr bool kMachine = true;
  Side* side;
  const uint64_t* slots;

  uint64_t Int(const PlanOp& op) const { return slots[op.loc] & FlatMask(op.code); }
  Result<StringSrc> String(const PlanOp& op) const {
    return LoadStringFromRange(*side, static_cast<uint32_t>(slots[op.loc]),
                               static_cast<uint32_t>(slots[op.loc + 1]));
  }
  FlatReader Enter(const PlanOp&) const { return *this; }
  MemReader Fixed(const PlanOp&) const { return {side, 0, 0}; }  // never emitted in flat form
  void SetElem(uint32_t, uint32_t) {}
  Result<uint32_t> Case(const PlanOp& op) const {
    uint64_t c = slots[op.loc] & 0xffffffffu;
    if (c >= op.n) return Trap(kTrapInvalidDiscriminant);
    return static_cast<uint32_t>(c);
  }
  uint32_t Handle(const PlanOp& op) const { return static_cast<uint32_t>(slots[op.loc]); }
  std::pair<uint32_t, uint32_t> PtrLen(const PlanOp& op) const {
    return {static_cast<uint32_t>(slots[op.loc]), static_cast<uint32_t>(slots[op.loc + 1])};
  }
};

// Host values are checked against the type before a plan runs (CheckValue), so the reader
// only steps through them: every op consumes the next value of the current sequence.
struct HostReader {
  static constexpr bool kMachine = false;
  const ComponentValue* cur;

  uint64_t Int(const PlanOp&) { return (cur++)->bits(); }
  Result<StringSrc> String(const PlanOp&) { return HostStringSrc(*cur++); }
  HostReader Enter(const PlanOp&) { return {(cur++)->elems().data()}; }
  HostReader Fixed(const PlanOp& op) { return Enter(op); }
  void SetElem(uint32_t, uint32_t) {}
  Result<uint32_t> Case(const PlanOp&) { return cur->case_index(); }
  HostReader Payload() { return {(cur++)->elems().data()}; }
  uint32_t Handle(const PlanOp&) { return static_cast<uint32_t>((cur++)->bits()); }
};

// ---- writers --------------------------------------------------------------------------------

struct MemWriter {
  static constexpr bool kMachine = true;
  Side* side;
  uint32_t base0;
  uint32_t base;

  void Int(const PlanOp& op, uint64_t v) { std::memcpy(side->mem.data + base + op.loc, &v, op.width); }
  void PutU32(uint32_t off, uint32_t v) { std::memcpy(side->mem.data + base + off, &v, 4); }
  void PutPtrLen(const PlanOp& op, uint32_t ptr, uint32_t len) {
    PutU32(op.loc, ptr);
    PutU32(op.loc + 4, len);
  }
  MemWriter Enter(const PlanOp&) const { return *this; }
  MemWriter Fixed(const PlanOp& op) const { return {side, base + op.loc, base + op.loc}; }
  void SetElem(uint32_t i, uint32_t stride) { base = base0 + i * stride; }
  MemWriter Case(const PlanOp& op, uint32_t c) {
    Int(op, c);
    return *this;
  }
  void Handle(const PlanOp& op, uint32_t h) { PutU32(op.loc, h); }
};

struct FlatWriter {
  static constexpr bool kMachine = true;
  Side* side;
  uint64_t* slots;

  void Int(const PlanOp& op, uint64_t v) { slots[op.loc] = v & FlatMask(op.code); }
  void PutPtrLen(const PlanOp& op, uint32_t ptr, uint32_t len) {
    slots[op.loc] = ptr;
    slots[op.loc + 1] = len;
  }
  FlatWriter Enter(const PlanOp&) const { return *this; }
  MemWriter Fixed(const PlanOp&) const { return {side, 0, 0}; }
  void SetElem(uint32_t, uint32_t) {}
  FlatWriter Case(const PlanOp& op, uint32_t c) {
    slots[op.loc] = c;
    for (uint32_t i = 1; i <= op.b; ++i) slots[op.loc + i] = 0;
    return *this;
  }
  void Handle(const PlanOp& op, uint32_t h) { slots[op.loc] = h; }
};

struct HostWriter {
  static constexpr bool kMachine = false;
  std::vector<ComponentValue>* out;

  void Int(const PlanOp& op, uint64_t v) { out->push_back(ComponentValue::FromBits(op.code, v)); }
  HostWriter Enter(const PlanOp& op) {
    out->push_back(op.as_list ? ComponentValue::List({}) : ComponentValue::Record({}));
    out->back().mutable_elems().reserve(op.n);
    return {&out->back().mutable_elems()};
  }
  HostWriter Fixed(const PlanOp& op) {
    out->push_back(ComponentValue::List({}));
    out->back().mutable_elems().reserve(op.n);
    return {&out->back().mutable_elems()};
  }
  void SetElem(uint32_t, uint32_t) {}
  HostWriter Case(const PlanOp&, uint32_t c) {
    out->push_back(ComponentValue::Variant(c));
    return {&out->back().mutable_elems()};
  }
};

// ---- executor -------------------------------------------------------------------------------

struct Exec {
  const Plan& plan;
  Side* src;  // null for host values
  Side* dst;
  uint64_t host_bytes = 0;  // host values built so far (lifting to the host)
  uint64_t max_host_bytes = kMaxHostValueBytes;

  Status ChargeHost(uint64_t bytes) {
    host_bytes += bytes;
    if (host_bytes > max_host_bytes) {
      bool mib = max_host_bytes % (uint64_t{1} << 20) == 0;
      return Trap("values passed to the host exceed " +
                  (mib ? std::to_string(max_host_bytes >> 20) + " MiB"
                       : std::to_string(max_host_bytes) + " bytes") +
                  " of host memory");
    }
    return Ok();
  }

  template <class R, class W>
  Status Run(uint32_t seq, uint32_t pc, uint32_t end, R& r, W& w) {
    const PlanOp* ops = plan.seqs[seq].data();
    for (; pc < end; ++pc) {
      const PlanOp& op = ops[pc];
      switch (op.code) {
        case TypeKind::kBool: w.Int(op, r.Int(op) != 0); break;
        case TypeKind::kU8: w.Int(op, r.Int(op) & 0xff); break;
        case TypeKind::kU16: w.Int(op, r.Int(op) & 0xffff); break;
        case TypeKind::kU32: w.Int(op, r.Int(op) & 0xffffffffu); break;
        case TypeKind::kU64: case TypeKind::kS64: w.Int(op, r.Int(op)); break;
        case TypeKind::kS8: w.Int(op, SignExtend(r.Int(op), 8)); break;
        case TypeKind::kS16: w.Int(op, SignExtend(r.Int(op), 16)); break;
        case TypeKind::kS32: w.Int(op, SignExtend(r.Int(op), 32)); break;
        case TypeKind::kF32: {
          uint64_t b = r.Int(op) & 0xffffffffu;
          if ((b & 0x7f800000) == 0x7f800000 && (b & 0x007fffff)) b = kCanonicalNan32;
          w.Int(op, b);
          break;
        }
        case TypeKind::kF64: {
          uint64_t b = r.Int(op);
          if ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull))
            b = kCanonicalNan64;
          w.Int(op, b);
          break;
        }
        case TypeKind::kChar: {
          uint64_t c = r.Int(op) & 0xffffffffu;
          if (c >= 0x110000) return Trap(kTrapInvalidChar);
          if (c >= 0xD800 && c <= 0xDFFF) return Trap(kTrapInvalidChar);
          w.Int(op, c);
          break;
        }
        case TypeKind::kFlags: {
          uint64_t mask = op.n == 32 ? 0xffffffffull : ((1ull << op.n) - 1);
          w.Int(op, r.Int(op) & mask);
          break;
        }
        case TypeKind::kString: {
          NW_TRY_ASSIGN(StringSrc s, r.String(op));
          NW_TRY(PutString(op, s, w));
          break;
        }
        case TypeKind::kList: NW_TRY(List(op, r, w)); break;
        case kOpFixedList: {
          auto er = r.Fixed(op);
          auto ew = w.Fixed(op);
          const PlanList& l = plan.lists[op.a];
          uint32_t sub_end = static_cast<uint32_t>(plan.seqs[l.seq].size());
          for (uint32_t i = 0; i < op.n; ++i) {
            er.SetElem(i, l.elem_size);
            ew.SetElem(i, l.elem_size);
            NW_TRY(Run(l.seq, 0, sub_end, er, ew));
          }
          break;
        }
        case kOpGroup: {
          auto cr = r.Enter(op);
          auto cw = w.Enter(op);
          NW_TRY(Run(seq, pc + 1, op.end, cr, cw));
          pc = op.end - 1;
          break;
        }
        case TypeKind::kVariant: {
          NW_TRY_ASSIGN(uint32_t c, r.Case(op));
          auto cw = w.Case(op, c);
          uint32_t sub = plan.cases[op.a + c];
          if constexpr (R::kMachine) {
            if (sub != Plan::kNoSeq) NW_TRY(Run(sub, 0, static_cast<uint32_t>(plan.seqs[sub].size()), r, cw));
          } else {
            auto cr = r.Payload();
            if (sub != Plan::kNoSeq) NW_TRY(Run(sub, 0, static_cast<uint32_t>(plan.seqs[sub].size()), cr, cw));
          }
          break;
        }
        case TypeKind::kOwn:
        case TypeKind::kBorrow: {
          uint32_t v = r.Handle(op);
          const ResourceType* rt = plan.resources[op.a];
          if constexpr (R::kMachine) {
            NW_TRY_ASSIGN(v, op.code == TypeKind::kOwn ? LiftOwn(*src, v, rt) : LiftBorrow(*src, v, rt));
          }
          if constexpr (W::kMachine) {
            NW_TRY_ASSIGN(v, op.code == TypeKind::kOwn ? LowerOwn(*dst, v, rt) : LowerBorrow(*dst, v, rt));
            w.Handle(op, v);
          } else {
            w.Int(op, v);
          }
          break;
        }
        case TypeKind::kStream:
        case TypeKind::kFuture: {
          // The readable end moves: lifting removes it from the source's table (as a transfer
          // id), lowering adds a fresh readable end to the destination's (async_runtime.h).
          uint32_t v = r.Handle(op);
          if constexpr (R::kMachine) {
            if (!src->inst || !src->inst->async_ops) return Trap("unknown handle index");
            NW_TRY_ASSIGN(v, src->inst->async_ops->lift(*src, v, op.code, plan.async_types[op.a]));
          }
          if constexpr (W::kMachine) {
            if (!dst->inst || !dst->inst->async_ops)
              return MakeError("a stream or future lowered into an instance without async state");
            NW_TRY_ASSIGN(v, dst->inst->async_ops->lower(*dst, v));
            w.Handle(op, v);
          } else {
            w.Int(op, v);
          }
          break;
        }
        default: return MakeError("bad plan op");
      }
    }
    return Ok();
  }

  template <class W>
  Status PutString(const PlanOp& op, const StringSrc& s, W& w) {
    if constexpr (W::kMachine) {
      NW_TRY_ASSIGN(auto pl, StoreStringIntoRange(*dst, s));
      w.PutPtrLen(op, pl.first, pl.second);
    } else {
      NW_TRY(ChargeHost(sizeof(ComponentValue) + s.byte_length()));
      w.out->push_back(ComponentValue::StringUnchecked(
          std::string(reinterpret_cast<const char*>(s.data()), s.byte_length()), s.form));
    }
    return Ok();
  }

  // A packed host list into memory: store_list_into_range with one copy for the elements
  // (their bytes are already in memory order).
  template <class W>
  Status PutPacked(const PlanOp& op, const PlanList& l, const ComponentValue& v, W& w) {
    if constexpr (W::kMachine) {
      const std::string& src_bytes = v.packed_bytes();
      uint64_t bytes = src_bytes.size();
      if (bytes > UINT32_MAX) return MakeError("host list too long");
      NW_TRY_ASSIGN(uint32_t ptr, dst->Allocate(l.elem_align, static_cast<uint32_t>(bytes)));
      if (ptr % l.elem_align) return Trap(dst->ReallocUnalignedText());
      if (!dst->InBounds(ptr, bytes)) return Trap(dst->ListReallocOutOfBoundsText());
      if (bytes) std::memcpy(dst->mem.data + ptr, src_bytes.data(), bytes);
      // NaNs lowered canonical, in place over the copy (as a single f32/f64 is).
      FixPackedLowered(l.packed, dst->mem.data + ptr, bytes);
      w.PutPtrLen(op, ptr, static_cast<uint32_t>(bytes / l.elem_size));
      return Ok();
    } else {
      return MakeError("host values lowered into host values");
    }
  }

  template <class R, class W>
  Status List(const PlanOp& op, R& r, W& w) {
    const PlanList& l = plan.lists[op.a];
    if constexpr (!R::kMachine) {
      if (r.cur->packed()) return PutPacked(op, l, *r.cur++, w);
    }
    uint32_t count;
    // Source side: the element range with load_list_from_range's traps.
    auto er = [&]() -> Result<std::conditional_t<R::kMachine, MemReader, HostReader>> {
      if constexpr (R::kMachine) {
        auto [ptr, len] = r.PtrLen(op);
        uint64_t bytes = uint64_t{len} * l.elem_size;
        if (bytes > kMaxListByteLength) return Trap("list longer than 2^28-1 bytes");
        if (ptr % l.elem_align) return Trap(kTrapUnalignedPointer);
        if (!src->InBounds(ptr, bytes)) return Trap(src->ListOutOfBoundsText());
        count = len;
        return MemReader{src, ptr, ptr};
      } else {
        count = static_cast<uint32_t>(r.cur->elems().size());
        return r.Enter(op);
      }
    }();
    if (!er) return std::unexpected(std::move(er.error()));
    uint32_t sub_end = static_cast<uint32_t>(plan.seqs[l.seq].size());
    if constexpr (W::kMachine) {
      // store_list_into_range: allocate, check, store the elements, then the pointer/length.
      uint64_t bytes = uint64_t{count} * l.elem_size;
      if (bytes > UINT32_MAX) return MakeError("host list too long");
      NW_TRY_ASSIGN(uint32_t ptr, dst->Allocate(l.elem_align, static_cast<uint32_t>(bytes)));
      if (ptr % l.elem_align) return Trap(dst->ReallocUnalignedText());
      if (!dst->InBounds(ptr, bytes)) return Trap(dst->ListReallocOutOfBoundsText());
      MemWriter ew{dst, ptr, ptr};
      bool copied = false;
      if constexpr (R::kMachine) {
        if (l.plain) {
          std::memmove(dst->mem.data + ptr, src->mem.data + er->base0, bytes);
          copied = true;
        }
      }
      if (!copied) {
        for (uint32_t i = 0; i < count; ++i) {
          er->SetElem(i, l.elem_size);
          ew.SetElem(i, l.elem_size);
          NW_TRY(Run(l.seq, 0, sub_end, *er, ew));
        }
      }
      w.PutPtrLen(op, ptr, count);
    } else {
      if constexpr (R::kMachine) {
        if (l.packed != kNotPacked) {  // scalars: one copy of the range, then the ABI's rules
          uint64_t bytes = uint64_t{count} * l.elem_size;
          NW_TRY(ChargeHost(sizeof(ComponentValue) + bytes));
          std::string b(reinterpret_cast<const char*>(src->mem.data + er->base0), bytes);
          NW_TRY(FixPackedLifted(l.packed, reinterpret_cast<uint8_t*>(b.data()), bytes));
          w.out->push_back(ComponentValue::PackedUnchecked(l.packed, std::move(b)));
          return Ok();
        }
      }
      NW_TRY(ChargeHost((uint64_t{count} + 1) * sizeof(ComponentValue)));
      w.out->push_back(ComponentValue::List({}));
      w.out->back().mutable_elems().reserve(count);
      HostWriter ew{&w.out->back().mutable_elems()};
      for (uint32_t i = 0; i < count; ++i) {
        er->SetElem(i, l.elem_size);
        NW_TRY(Run(l.seq, 0, sub_end, *er, ew));
      }
    }
    return Ok();
  }
};

Status CheckValues(const TypeTable& types, const ValuesPlan& vp, std::span<const ComponentValue> vs) {
  if (vs.size() != vp.types.size()) return MakeError("wrong number of host values");
  for (size_t i = 0; i < vs.size(); ++i) NW_TRY(CheckValue(types, vp.types[i], vs[i]));
  return Ok();
}


uint32_t SeqEnd(const Plan& p) { return static_cast<uint32_t>(p.seqs[0].size()); }

}  // namespace

ValuesPlan CompileValues(const TypeTable& types, std::span<const TypeId> ts, size_t max_flat) {
  ValuesPlan vp;
  vp.types.assign(ts.begin(), ts.end());
  size_t flat = types.FlattenTypes(ts).size();
  vp.in_memory = flat > max_flat;
  vp.flat_count = vp.in_memory ? 1 : static_cast<uint32_t>(flat);
  auto [align, size] = types.TupleLayout(ts);
  vp.align = align;
  vp.size = size;
  vp.host = CompilePlan(types, ts, vp.in_memory, /*grouped=*/true);
  vp.copy = CompilePlan(types, ts, vp.in_memory, /*grouped=*/false);
  return vp;
}

Result<FunctionPlan> FunctionPlan::Compile(const TypeTable& types, const FuncType& ft) {
  for (TypeId t : ft.params)
    if (t >= types.size()) return MakeError("function type: unknown type index");
  for (TypeId t : ft.results) {
    if (t >= types.size()) return MakeError("function type: unknown type index");
    if (types.Get(t).contains_borrow) return MakeError("function type: a result contains a borrow");
  }
  FunctionPlan fp;
  fp.types = &types;
  fp.params = CompileValues(types, ft.params, kMaxFlatParams);
  fp.results = CompileValues(types, ft.results, kMaxFlatResults);
  fp.lift_sig = FlattenFuncType(types, ft, FlattenContext::kLift);
  fp.lower_sig = FlattenFuncType(types, ft, FlattenContext::kLower);
  return fp;
}

Result<uint32_t> PlanLowerValues(const ValuesPlan& vp, const TypeTable& types, Side& dst,
                                 std::span<const ComponentValue> vs, std::span<uint64_t> flat_out) {
  NW_TRY(CheckValues(types, vp, vs));
  if (flat_out.size() < vp.flat_count) return MakeError("flat value buffer too small");
  Exec ex{vp.host, nullptr, &dst};
  HostReader r{vs.data()};
  if (vp.in_memory) {
    NW_TRY_ASSIGN(uint32_t ptr, dst.Allocate(vp.align, vp.size));
    NW_TRY(CheckTuple(vp, dst, ptr, true));
    MemWriter w{&dst, ptr, ptr};
    NW_TRY(ex.Run(0, 0, SeqEnd(vp.host), r, w));
    flat_out[0] = ptr;
    return 1u;
  }
  FlatWriter w{&dst, flat_out.data()};
  NW_TRY(ex.Run(0, 0, SeqEnd(vp.host), r, w));
  return vp.flat_count;
}

Status PlanLowerValuesTo(const ValuesPlan& vp, const TypeTable& types, Side& dst,
                         std::span<const ComponentValue> vs, uint32_t out_param,
                         std::span<uint64_t> flat_out) {
  NW_TRY(CheckValues(types, vp, vs));
  Exec ex{vp.host, nullptr, &dst};
  HostReader r{vs.data()};
  if (vp.in_memory) {
    NW_TRY(CheckTuple(vp, dst, out_param, false));
    MemWriter w{&dst, out_param, out_param};
    return ex.Run(0, 0, SeqEnd(vp.host), r, w);
  }
  if (flat_out.size() < vp.flat_count) return MakeError("flat value buffer too small");
  FlatWriter w{&dst, flat_out.data()};
  return ex.Run(0, 0, SeqEnd(vp.host), r, w);
}

Result<std::vector<ComponentValue>> PlanLiftValues(const ValuesPlan& vp, Side& src,
                                                   std::span<const uint64_t> flat,
                                                   uint64_t max_host_bytes) {
  if (flat.size() < vp.flat_count) return MakeError("too few flat values");
  std::vector<ComponentValue> out;
  out.reserve(vp.types.size());
  Exec ex{vp.host, &src, nullptr};
  ex.max_host_bytes = max_host_bytes;
  HostWriter w{&out};
  if (vp.in_memory) {
    uint32_t ptr = static_cast<uint32_t>(flat[0]);
    NW_TRY(CheckTuple(vp, src, ptr, false));
    MemReader r{&src, ptr, ptr};
    NW_TRY(ex.Run(0, 0, SeqEnd(vp.host), r, w));
  } else {
    FlatReader r{&src, flat.data()};
    NW_TRY(ex.Run(0, 0, SeqEnd(vp.host), r, w));
  }
  return out;
}

Result<uint32_t> PlanCopyValues(const ValuesPlan& vp, Side& src, Side& dst,
                                std::span<const uint64_t> flat_in, std::span<uint64_t> flat_out,
                                const uint32_t* dst_out_param) {
  if (flat_in.size() < vp.flat_count) return MakeError("too few flat values");
  Exec ex{vp.copy, &src, &dst};
  src.peer = &dst;
  dst.peer = &src;
  uint32_t end = SeqEnd(vp.copy);
  if (vp.in_memory) {
    uint32_t sptr = static_cast<uint32_t>(flat_in[0]);
    NW_TRY(CheckTuple(vp, src, sptr, false));
    uint32_t dptr;
    if (dst_out_param) {
      dptr = *dst_out_param;
      NW_TRY(CheckTuple(vp, dst, dptr, false));
    } else {
      NW_TRY_ASSIGN(dptr, dst.Allocate(vp.align, vp.size));
      NW_TRY(CheckTuple(vp, dst, dptr, true));
    }
    MemReader r{&src, sptr, sptr};
    MemWriter w{&dst, dptr, dptr};
    NW_TRY(ex.Run(0, 0, end, r, w));
    if (dst_out_param) return 0u;
    if (flat_out.empty()) return MakeError("flat value buffer too small");
    flat_out[0] = dptr;
    return 1u;
  }
  if (flat_out.size() < vp.flat_count) return MakeError("flat value buffer too small");
  FlatReader r{&src, flat_in.data()};
  FlatWriter w{&dst, flat_out.data()};
  NW_TRY(ex.Run(0, 0, end, r, w));
  return vp.flat_count;
}

}  // namespace nw::component

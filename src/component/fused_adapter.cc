// Fused adapter compiler and driver (see fused_adapter.h). A program is a vector of steps, each
// a function pointer picked at compile time for one value's kind and form (flat slots or
// memory) with its offsets bound; the same type is laid out identically on both sides, so a
// step's location is the same in source and destination. Traps keep the plan executor's
// messages and order (canon_plan.cc), which the tests compare.
#include "component/fused_adapter.h"

#include <array>
#include <cstring>

#include "component/canon_call.h"

namespace nw::component {

struct FusedStep;

// Where one program reads and writes: flat slots, or memory at a base in each side's memory.
struct CopyState {
  Side* src;
  Side* dst;
  const uint64_t* in = nullptr;
  uint64_t* out = nullptr;
  uint32_t sbase = 0, dbase = 0;
  const std::vector<const FusedProgram*>* cases = nullptr;
};

using StepFn = Status (*)(const FusedStep&, CopyState&);

struct FusedStep {
  StepFn fn = nullptr;
  uint32_t loc = 0;    // flat slot or byte offset from the base (the same on both sides)
  uint32_t n = 0;      // block bytes; flags labels; variant cases; fixed-list length
  uint32_t width = 0;  // memory width of a discriminant or flags value
  uint32_t b = 0;      // variant in flat form: payload slots to clear
  uint32_t elem_size = 0, elem_align = 1;
  const FusedProgram* sub = nullptr;  // list element program
  uint32_t first_case = 0;            // variant: index into the adapter's case table
  const ResourceType* rt = nullptr;
  // For the split form (FusedAdapter::Split): a step of the flat arguments that allocates
  // nothing and lends nothing; the one allocation a split may have (a UTF-8 to UTF-8 string or
  // a plain list); anything else (transcoding, element programs, borrows, allocations nested
  // in a variant).
  enum class Split : uint8_t { kPure, kUtf8String, kPlainList, kNo };
  Split split = Split::kNo;
  // A flat u32, s32, u64 or s64: the value passes unchanged (the direct form copies it as is).
  bool identity = false;
};

struct FusedProgram {
  std::vector<FusedStep> steps;
  bool Pure() const {
    for (const FusedStep& s : steps)
      if (s.split != FusedStep::Split::kPure) return false;
    return true;
  }
};

namespace {

inline Status Run(const FusedProgram& p, CopyState& c) {
  for (const FusedStep& s : p.steps) NW_TRY(s.fn(s, c));
  return Ok();
}

constexpr uint32_t kCanonicalNan32 = 0x7fc00000;
constexpr uint64_t kCanonicalNan64 = 0x7ff8000000000000ull;

inline uint64_t SignExtend(uint64_t v, unsigned bits) {
  unsigned s = 64 - bits;
  return static_cast<uint64_t>(static_cast<int64_t>(v << s) >> s);
}

constexpr uint64_t FlatMask(TypeKind k) {
  return (k == TypeKind::kS64 || k == TypeKind::kU64 || k == TypeKind::kF64) ? ~0ull : 0xffffffffull;
}

constexpr uint32_t MemWidth(TypeKind k) {
  switch (k) {
    case TypeKind::kBool: case TypeKind::kS8: case TypeKind::kU8: return 1;
    case TypeKind::kS16: case TypeKind::kU16: return 2;
    case TypeKind::kS64: case TypeKind::kU64: case TypeKind::kF64: return 8;
    default: return 4;
  }
}

// ---- memory access --------------------------------------------------------------------------

inline uint64_t LoadN(const Side& s, uint32_t at, uint32_t width) {
  uint64_t v = 0;
  std::memcpy(&v, s.mem.data + at, width);
  return v;
}
inline void StoreN(Side& s, uint32_t at, uint64_t v, uint32_t width) {
  std::memcpy(s.mem.data + at, &v, width);
}

template <bool kMem>
inline std::pair<uint32_t, uint32_t> ReadPtrLen(const FusedStep& st, const CopyState& c) {
  if constexpr (kMem) {
    return {static_cast<uint32_t>(LoadN(*c.src, c.sbase + st.loc, 4)),
            static_cast<uint32_t>(LoadN(*c.src, c.sbase + st.loc + 4, 4))};
  } else {
    return {static_cast<uint32_t>(c.in[st.loc]), static_cast<uint32_t>(c.in[st.loc + 1])};
  }
}
template <bool kMem>
inline void WritePtrLen(const FusedStep& st, CopyState& c, uint32_t ptr, uint32_t len) {
  if constexpr (kMem) {
    StoreN(*c.dst, c.dbase + st.loc, ptr, 4);
    StoreN(*c.dst, c.dbase + st.loc + 4, len, 4);
  } else {
    c.out[st.loc] = ptr;
    c.out[st.loc + 1] = len;
  }
}
template <bool kMem>
inline uint32_t ReadU32(const FusedStep& st, const CopyState& c) {
  if constexpr (kMem) return static_cast<uint32_t>(LoadN(*c.src, c.sbase + st.loc, 4));
  else return static_cast<uint32_t>(c.in[st.loc]);
}
template <bool kMem>
inline void WriteU32(const FusedStep& st, CopyState& c, uint32_t v) {
  if constexpr (kMem) StoreN(*c.dst, c.dbase + st.loc, v, 4);
  else c.out[st.loc] = v;
}

// ---- scalars --------------------------------------------------------------------------------

// The lift+lower of one scalar as the plan executor does it (canon_plan.cc's Exec::Run).
template <TypeKind K>
inline Result<uint64_t> Convert(uint64_t v) {
  if constexpr (K == TypeKind::kBool) return uint64_t{v != 0};
  else if constexpr (K == TypeKind::kU8) return v & 0xff;
  else if constexpr (K == TypeKind::kU16) return v & 0xffff;
  else if constexpr (K == TypeKind::kU32) return v & 0xffffffffu;
  else if constexpr (K == TypeKind::kS8) return SignExtend(v, 8);
  else if constexpr (K == TypeKind::kS16) return SignExtend(v, 16);
  else if constexpr (K == TypeKind::kS32) return SignExtend(v, 32);
  else if constexpr (K == TypeKind::kF32) {
    uint64_t b = v & 0xffffffffu;
    if ((b & 0x7f800000) == 0x7f800000 && (b & 0x007fffff)) b = kCanonicalNan32;
    return b;
  } else if constexpr (K == TypeKind::kF64) {
    if ((v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0x000fffffffffffffull))
      v = kCanonicalNan64;
    return v;
  } else if constexpr (K == TypeKind::kChar) {
    uint64_t ch = v & 0xffffffffu;
    if (ch >= 0x110000) return Trap(kTrapInvalidChar);
    if (ch >= 0xD800 && ch <= 0xDFFF) return Trap(kTrapInvalidChar);
    return ch;
  } else {
    return v;  // s64, u64
  }
}

template <TypeKind K>
Status FlatScalar(const FusedStep& st, CopyState& c) {
  NW_TRY_ASSIGN(uint64_t v, Convert<K>(c.in[st.loc] & FlatMask(K)));
  c.out[st.loc] = v & FlatMask(K);
  return Ok();
}

template <TypeKind K>
Status MemScalar(const FusedStep& st, CopyState& c) {
  constexpr uint32_t w = MemWidth(K);
  NW_TRY_ASSIGN(uint64_t v, Convert<K>(LoadN(*c.src, c.sbase + st.loc, w)));
  StoreN(*c.dst, c.dbase + st.loc, v, w);
  return Ok();
}

// Integers in memory copy verbatim; adjacent ones are merged into one block at compile time.
// Blocks of 4 to 16 bytes (a record of a few integers) are copied inline as two possibly
// overlapping words, both read before either is written (memmove's semantics), instead of a
// library call.
Status MemBlock(const FusedStep& st, CopyState& c) {
  uint8_t* d = c.dst->mem.data + c.dbase + st.loc;
  const uint8_t* s = c.src->mem.data + c.sbase + st.loc;
  const uint32_t n = st.n;
  if (n >= 8 && n <= 16) {
    uint64_t a, b;
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    std::memcpy(d, &a, 8);
    std::memcpy(d + n - 8, &b, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t a, b;
    std::memcpy(&a, s, 4);
    std::memcpy(&b, s + n - 4, 4);
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &b, 4);
  } else {
    std::memmove(d, s, n);
  }
  return Ok();
}

template <bool kMem>
Status Flags(const FusedStep& st, CopyState& c) {
  uint64_t mask = st.n == 32 ? 0xffffffffull : ((1ull << st.n) - 1);
  if constexpr (kMem) {
    StoreN(*c.dst, c.dbase + st.loc, LoadN(*c.src, c.sbase + st.loc, st.width) & mask, st.width);
  } else {
    c.out[st.loc] = c.in[st.loc] & 0xffffffffu & mask;
  }
  return Ok();
}

// ---- strings --------------------------------------------------------------------------------

// UTF-8 to UTF-8: load_string_from_range's checks, then store_string_copy (one realloc, one
// copy) — LoadStringFromRange + StoreStringIntoRange for this pair, without their switches.
// Its two halves around the allocation (also the split form's Enter and Params).
[[gnu::always_inline]] inline Status Utf8Load(const Side& src, uint32_t ptr, uint32_t len) {
  if (len > kMaxStringByteLength) return Trap("string longer than 2^28-1 bytes");
  if (!src.InBounds(ptr, len)) return Trap(src.StringOutOfBoundsText());
  if (!ValidUtf8(src.mem.data + ptr, len)) return InvalidUtf8Trap(src.mem.data + ptr, len);
  return Ok();
}
[[gnu::always_inline]] inline Status Utf8Store(const Side& src, Side& dst, uint32_t ptr, uint32_t len,
                                               uint32_t dptr) {
  if (!dst.InBounds(dptr, len)) return Trap(dst.StringReallocOutOfBoundsText());
  // memmove: a guest's realloc chooses dptr, so the ranges are not trusted to be apart.
  std::memmove(dst.mem.data + dptr, src.mem.data + ptr, len);
  return Ok();
}

template <bool kMem>
Status StringUtf8(const FusedStep& st, CopyState& c) {
  auto [ptr, len] = ReadPtrLen<kMem>(st, c);
  NW_TRY(Utf8Load(*c.src, ptr, len));
  NW_TRY_ASSIGN(uint32_t dptr, c.dst->Allocate(1, len));
  NW_TRY(Utf8Store(*c.src, *c.dst, ptr, len, dptr));
  WritePtrLen<kMem>(st, c, dptr, len);
  return Ok();
}

// Every other encoding pair: the shared loader and transcoders.
template <bool kMem>
Status StringAny(const FusedStep& st, CopyState& c) {
  auto [ptr, tagged] = ReadPtrLen<kMem>(st, c);
  NW_TRY_ASSIGN(StringSrc s, LoadStringFromRange(*c.src, ptr, tagged));
  NW_TRY_ASSIGN(auto pl, StoreStringIntoRange(*c.dst, s));
  WritePtrLen<kMem>(st, c, pl.first, pl.second);
  return Ok();
}

// ---- lists ----------------------------------------------------------------------------------

// load_list_from_range's checks and store_list_into_range's allocation and checks; then the
// elements copied as one block (plain elements) or each by the element program.
// Its halves around the allocation (also the split form's Enter and Params): the source's
// checks giving the bytes to allocate; the destination's checks.
inline Result<uint32_t> ListLoad(const FusedStep& st, const Side& src, uint32_t ptr, uint32_t len) {
  uint64_t bytes = uint64_t{len} * st.elem_size;
  if (bytes > kMaxListByteLength) return Trap("list longer than 2^28-1 bytes");
  if (ptr % st.elem_align) return Trap(kTrapUnalignedPointer);
  if (!src.InBounds(ptr, bytes)) return Trap(src.ListOutOfBoundsText());
  return static_cast<uint32_t>(bytes);
}
inline Status ListPlace(const FusedStep& st, const Side& dst, uint32_t dptr, uint32_t bytes) {
  if (dptr % st.elem_align) return Trap(dst.ReallocUnalignedText());
  if (!dst.InBounds(dptr, bytes)) return Trap(dst.ListReallocOutOfBoundsText());
  return Ok();
}

template <bool kMem, bool kPlain>
Status List(const FusedStep& st, CopyState& c) {
  auto [ptr, len] = ReadPtrLen<kMem>(st, c);
  NW_TRY_ASSIGN(uint32_t bytes, ListLoad(st, *c.src, ptr, len));
  NW_TRY_ASSIGN(uint32_t dptr, c.dst->Allocate(st.elem_align, bytes));
  NW_TRY(ListPlace(st, *c.dst, dptr, bytes));
  if constexpr (kPlain) {
    std::memmove(c.dst->mem.data + dptr, c.src->mem.data + ptr, bytes);
  } else {
    CopyState e{c.src, c.dst, nullptr, nullptr, ptr, dptr, c.cases};
    for (uint32_t i = 0; i < len; ++i) {
      e.sbase = ptr + i * st.elem_size;
      e.dbase = dptr + i * st.elem_size;
      NW_TRY(Run(*st.sub, e));
    }
  }
  WritePtrLen<kMem>(st, c, dptr, len);
  return Ok();
}

// A fixed-length list in memory form (the flat form is unrolled into its elements).
Status FixedList(const FusedStep& st, CopyState& c) {
  CopyState e = c;
  for (uint32_t i = 0; i < st.n; ++i) {
    e.sbase = c.sbase + st.loc + i * st.elem_size;
    e.dbase = c.dbase + st.loc + i * st.elem_size;
    NW_TRY(Run(*st.sub, e));
  }
  return Ok();
}

// ---- variants and handles ---------------------------------------------------------------------

template <bool kMem>
Status Variant(const FusedStep& st, CopyState& c) {
  uint64_t d;
  if constexpr (kMem) d = LoadN(*c.src, c.sbase + st.loc, st.width);
  else d = c.in[st.loc] & 0xffffffffu;
  if (d >= st.n) return Trap(kTrapInvalidDiscriminant);
  if constexpr (kMem) {
    StoreN(*c.dst, c.dbase + st.loc, d, st.width);
  } else {
    c.out[st.loc] = d;
    for (uint32_t i = 1; i <= st.b; ++i) c.out[st.loc + i] = 0;
  }
  const FusedProgram* payload = (*c.cases)[st.first_case + d];
  if (payload) NW_TRY(Run(*payload, c));
  return Ok();
}

template <bool kMem, bool kOwn>
Status Handle(const FusedStep& st, CopyState& c) {
  uint32_t h = ReadU32<kMem>(st, c);
  uint32_t v;
  if constexpr (kOwn) {
    NW_TRY_ASSIGN(uint32_t rep, LiftOwn(*c.src, h, st.rt));
    NW_TRY_ASSIGN(v, LowerOwn(*c.dst, rep, st.rt));
  } else {
    NW_TRY_ASSIGN(uint32_t rep, LiftBorrow(*c.src, h, st.rt));
    NW_TRY_ASSIGN(v, LowerBorrow(*c.dst, rep, st.rt));
  }
  WriteU32<kMem>(st, c, v);
  return Ok();
}

template <TypeKind K>
StepFn ScalarFn(bool mem) {
  return mem ? &MemScalar<K> : &FlatScalar<K>;
}

bool IsScalar(TypeKind k) {
  switch (k) {
    case TypeKind::kBool: case TypeKind::kS8: case TypeKind::kU8: case TypeKind::kS16:
    case TypeKind::kU16: case TypeKind::kS32: case TypeKind::kU32: case TypeKind::kS64:
    case TypeKind::kU64: case TypeKind::kF32: case TypeKind::kF64: case TypeKind::kChar:
      return true;
    default: return false;
  }
}

bool IsInt(TypeKind k) {
  switch (k) {
    case TypeKind::kS8: case TypeKind::kU8: case TypeKind::kS16: case TypeKind::kU16:
    case TypeKind::kS32: case TypeKind::kU32: case TypeKind::kS64: case TypeKind::kU64:
      return true;
    default: return false;
  }
}

}  // namespace

// ---- compiler -------------------------------------------------------------------------------

class FusedCompiler {
 public:
  FusedCompiler(FusedAdapter& ad, const Plan& plan, StringEncoding from, StringEncoding to)
      : ad_(ad), plan_(plan), utf8_pair_(from == StringEncoding::kUtf8 && to == StringEncoding::kUtf8) {}

  // Compiles plan sequence `seq` (memory form when mem); null when not covered.
  const FusedProgram* Seq(uint32_t seq, bool mem) {
    auto prog = std::make_unique<FusedProgram>();
    for (const PlanOp& op : plan_.seqs[seq]) {
      FusedStep st;
      st.loc = op.loc;
      switch (op.code) {
        case TypeKind::kBool: st.fn = ScalarFn<TypeKind::kBool>(mem); break;
        case TypeKind::kS8: st.fn = ScalarFn<TypeKind::kS8>(mem); break;
        case TypeKind::kU8: st.fn = ScalarFn<TypeKind::kU8>(mem); break;
        case TypeKind::kS16: st.fn = ScalarFn<TypeKind::kS16>(mem); break;
        case TypeKind::kU16: st.fn = ScalarFn<TypeKind::kU16>(mem); break;
        case TypeKind::kS32: st.fn = ScalarFn<TypeKind::kS32>(mem); break;
        case TypeKind::kU32: st.fn = ScalarFn<TypeKind::kU32>(mem); break;
        case TypeKind::kS64: st.fn = ScalarFn<TypeKind::kS64>(mem); break;
        case TypeKind::kU64: st.fn = ScalarFn<TypeKind::kU64>(mem); break;
        case TypeKind::kF32: st.fn = ScalarFn<TypeKind::kF32>(mem); break;
        case TypeKind::kF64: st.fn = ScalarFn<TypeKind::kF64>(mem); break;
        case TypeKind::kChar: st.fn = ScalarFn<TypeKind::kChar>(mem); break;
        case TypeKind::kFlags:
          st.split = FusedStep::Split::kPure;
          st.fn = mem ? &Flags<true> : &Flags<false>;
          st.n = op.n;
          st.width = op.width;
          break;
        case TypeKind::kString:
          st.fn = utf8_pair_ ? (mem ? &StringUtf8<true> : &StringUtf8<false>)
                             : (mem ? &StringAny<true> : &StringAny<false>);
          if (utf8_pair_) st.split = FusedStep::Split::kUtf8String;
          break;
        case TypeKind::kList: {
          const PlanList& l = plan_.lists[op.a];
          st.elem_size = l.elem_size;
          st.elem_align = l.elem_align;
          if (l.plain) {
            st.fn = mem ? &List<true, true> : &List<false, true>;
            st.split = FusedStep::Split::kPlainList;
          } else {
            st.sub = Seq(l.seq, true);
            if (!st.sub) return nullptr;
            st.fn = mem ? &List<true, false> : &List<false, false>;
          }
          break;
        }
        case kOpFixedList: {
          const PlanList& l = plan_.lists[op.a];
          if (!mem) return nullptr;  // never emitted in flat form
          st.elem_size = l.elem_size;
          st.n = op.n;
          st.sub = Seq(l.seq, true);
          if (!st.sub) return nullptr;
          st.fn = &FixedList;
          break;
        }
        case TypeKind::kVariant: {
          st.fn = mem ? &Variant<true> : &Variant<false>;
          st.n = op.n;
          st.width = op.width;
          st.b = op.b;
          st.first_case = static_cast<uint32_t>(ad_.cases_.size());
          ad_.cases_.resize(ad_.cases_.size() + op.n, nullptr);
          st.split = FusedStep::Split::kPure;
          for (uint32_t i = 0; i < op.n; ++i) {
            uint32_t sub = plan_.cases[op.a + i];
            if (sub == Plan::kNoSeq) continue;
            const FusedProgram* p = Seq(sub, mem);
            if (!p) return nullptr;
            ad_.cases_[st.first_case + i] = p;
            if (!p->Pure()) st.split = FusedStep::Split::kNo;
          }
          break;
        }
        case TypeKind::kOwn:
          st.fn = mem ? &Handle<true, true> : &Handle<false, true>;
          st.rt = plan_.resources[op.a];
          st.split = FusedStep::Split::kPure;
          break;
        case TypeKind::kBorrow:
          st.fn = mem ? &Handle<true, false> : &Handle<false, false>;
          st.rt = plan_.resources[op.a];
          break;
        default:
          return nullptr;  // stream, future
      }
      if (IsScalar(op.code)) st.split = FusedStep::Split::kPure;
      st.identity = !mem && (op.code == TypeKind::kU32 || op.code == TypeKind::kS32 ||
                             op.code == TypeKind::kU64 || op.code == TypeKind::kS64);
      if (mem && IsInt(op.code)) {
        // Verbatim bytes; merged with the previous block when adjacent (no padding between:
        // padding bytes are not written, as by the plan executor).
        st.fn = &MemBlock;
        st.n = op.width;
        if (!prog->steps.empty() && prog->steps.back().fn == &MemBlock &&
            prog->steps.back().loc + prog->steps.back().n == st.loc) {
          prog->steps.back().n += st.n;
          continue;
        }
      }
      prog->steps.push_back(st);
    }
    ad_.programs_.push_back(std::move(prog));
    return ad_.programs_.back().get();
  }

 private:
  FusedAdapter& ad_;
  const Plan& plan_;
  bool utf8_pair_;
};

FusedAdapter::~FusedAdapter() = default;

std::unique_ptr<FusedAdapter> FusedAdapter::Compile(const FunctionPlan& fp,
                                                    ComponentInstanceState& caller,
                                                    const CanonOptions& caller_opts,
                                                    ComponentInstanceState& callee,
                                                    const CanonOptions& callee_opts, CoreFunc core) {
  if (!fp.types || !core.call) return nullptr;
  std::unique_ptr<FusedAdapter> ad(new FusedAdapter());
  ad->fp_ = &fp;
  ad->caller_ = &caller;
  ad->caller_opts_ = &caller_opts;
  ad->callee_ = &callee;
  ad->callee_opts_ = &callee_opts;
  ad->core_ = core;
  ad->entering_ = callee.EnteringSet(&caller);
  FusedCompiler params(*ad, fp.params.copy, caller_opts.string_encoding, callee_opts.string_encoding);
  ad->params_ = params.Seq(0, fp.params.in_memory);
  FusedCompiler results(*ad, fp.results.copy, callee_opts.string_encoding, caller_opts.string_encoding);
  ad->results_ = results.Seq(0, fp.results.in_memory);
  if (!ad->params_ || !ad->results_) return nullptr;
  ad->split_ = ad->ComputeSplit();
  if (ad->split_) ad->direct_ = ad->ComputeDirect();
  return ad;
}

std::optional<FusedAdapter::DirectForm> FusedAdapter::ComputeDirect() const {
  if (!split_->allocates || !caller_opts_->memory_base || !callee_opts_->memory_base)
    return std::nullopt;
  DirectForm d;
  for (size_t i = 0; i < params_->steps.size(); ++i) {
    const FusedStep& st = params_->steps[i];
    if (i == split_step_) {
      d.alloc_param = st.loc;
      d.list = st.split == FusedStep::Split::kPlainList;
      d.elem_size = d.list ? st.elem_size : 1;
      d.elem_align = d.list ? st.elem_align : 1;
    } else if (!st.identity) {
      return std::nullopt;
    }
  }
  if (fp_->results.in_memory) {
    for (const FusedStep& st : results_->steps)
      if (st.fn != &MemBlock) return std::nullopt;
    // Field by field, not the merged blocks: the callee most likely stored each field on its
    // own, and a wider load over several of those stores cannot take its bytes from the
    // store buffer (a store-forwarding stall of ~15 cycles, measured on a 12-byte record).
    for (const PlanOp& op : fp_->results.copy.seqs[0]) {
      if (!IsInt(op.code)) return std::nullopt;
      d.result_blocks.push_back({op.loc, op.width});
    }
  } else if (!results_->steps.empty() &&
             (results_->steps.size() > 1 || !results_->steps[0].identity)) {
    return std::nullopt;
  }
  return d;
}

std::optional<FusedAdapter::SplitForm> FusedAdapter::ComputeSplit() {
  if (fp_->params.in_memory || callee_opts_->post_return) return std::nullopt;
  SplitForm f;
  split_step_ = params_->steps.size();
  for (size_t i = 0; i < params_->steps.size(); ++i) {
    const FusedStep& st = params_->steps[i];
    switch (st.split) {
      case FusedStep::Split::kPure: break;
      case FusedStep::Split::kUtf8String:
      case FusedStep::Split::kPlainList:
        if (f.allocates || !callee_opts_->realloc) return std::nullopt;
        f.allocates = true;
        f.align = st.split == FusedStep::Split::kUtf8String ? 1 : st.elem_align;
        split_step_ = i;
        break;
      case FusedStep::Split::kNo: return std::nullopt;
    }
  }
  return f;
}

size_t FusedAdapter::step_count() const {
  size_t n = 0;
  for (const auto& p : programs_) n += p->steps.size();
  return n;
}


// The order of CallAdapter (canon_call.cc) and definitions.py: reentrance checks, the
// arguments, the core call, task.return_'s borrow check, the results, post-return, leaving.
// flat_args and flat_results may overlap (RunFusedCall passes the caller's slot words for
// both): every argument is read before the first result is written.
Status FusedAdapter::Call(std::span<const uint64_t> flat_args, std::span<uint64_t> flat_results) const {
  const FunctionPlan& fp = *fp_;
  ComponentInstanceState& caller = *caller_;
  ComponentInstanceState& callee = *callee_;
  if (!caller.may_leave()) [[unlikely]] return Trap(kTrapCannotLeave);
  if (flat_args.size() != fp.lower_sig.params.size()) [[unlikely]]
    return MakeError("wrong number of core arguments");
  const uint32_t out_param = fp.results.in_memory ? static_cast<uint32_t>(flat_args.back()) : 0;
  Subtask subtask(&caller);
  // may_enter_from / enter_from over the entering set computed at link time.
  for (ComponentInstanceState* i : entering_)
    if (!i->may_enter()) [[unlikely]] return Trap(kTrapCannotEnter);
  for (ComponentInstanceState* i : entering_) i->set_may_enter(false);
  Task task(&callee);
  Side from{caller_opts_, &caller, nullptr, &subtask, {}, nullptr, true};
  Side to{callee_opts_, &callee, &task, nullptr, {}, nullptr, true};
  from.Refresh();
  to.Refresh();
  from.peer = &to;
  to.peer = &from;

  std::array<uint64_t, kMaxCoreParams> callee_args;
  uint32_t nargs;
  if (fp.params.in_memory) {
    uint32_t sptr = static_cast<uint32_t>(flat_args[0]);
    NW_TRY(CheckTuple(fp.params, from, sptr, false));
    NW_TRY_ASSIGN(uint32_t dptr, to.Allocate(fp.params.align, fp.params.size));
    NW_TRY(CheckTuple(fp.params, to, dptr, true));
    CopyState c{&from, &to, nullptr, nullptr, sptr, dptr, &cases_};
    NW_TRY(Run(*params_, c));
    callee_args[0] = dptr;
    nargs = 1;
  } else {
    CopyState c{&from, &to, flat_args.data(), callee_args.data(), 0, 0, &cases_};
    NW_TRY(Run(*params_, c));
    nargs = fp.params.flat_count;
  }

  std::array<uint64_t, 1> callee_results{};
  std::span<uint64_t> results(callee_results.data(), fp.lift_sig.results.size());
  NW_TRY(core_.call(core_.ctx, std::span<const uint64_t>(callee_args.data(), nargs), results));
  from.Refresh();
  to.Refresh();
  NW_TRY(task.Return());
  if (fp.results.in_memory) {
    uint32_t sptr = static_cast<uint32_t>(results[0]);
    NW_TRY(CheckTuple(fp.results, to, sptr, false));
    NW_TRY(CheckTuple(fp.results, from, out_param, false));
    CopyState c{&to, &from, nullptr, nullptr, sptr, out_param, &cases_};
    NW_TRY(Run(*results_, c));
  } else {
    if (flat_results.size() < fp.results.flat_count) [[unlikely]]
      return MakeError("flat value buffer too small");
    CopyState c{&to, &from, results.data(), flat_results.data(), 0, 0, &cases_};
    NW_TRY(Run(*results_, c));
  }
  if (callee_opts_->post_return) NW_TRY(PostReturn(callee, *callee_opts_, results));
  for (ComponentInstanceState* i : entering_) i->set_may_enter(true);
  subtask.DeliverResolve();
  return Ok();
}

// ---- the split form -------------------------------------------------------------------------
// Call's code cut in three (see the header); no Task or Subtask: Split admits no borrow, so
// none is lent to the callee (task.return_'s check cannot fail) and none is lent by the caller.

namespace {

// A few slot words (at most kMaxCoreParams): a loop, not a library call.
inline void CopyWords(uint64_t* dst, const uint64_t* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

struct SidePair {
  Side from, to;
  SidePair(const CanonOptions* caller_opts, ComponentInstanceState* caller,
           const CanonOptions* callee_opts, ComponentInstanceState* callee)
      : from{caller_opts, caller, nullptr, nullptr, {}, nullptr, true},
        to{callee_opts, callee, nullptr, nullptr, {}, nullptr, true} {
    from.Refresh();
    to.Refresh();
    from.peer = &to;
    to.peer = &from;
  }
  SidePair(const SidePair&) = delete;
  SidePair& operator=(const SidePair&) = delete;
};

}  // namespace

Status FusedAdapter::Enter(const uint64_t* flat_args, uint32_t* bytes, uint64_t* callee_args) {
  ComponentInstanceState& caller = *caller_;
  if (!caller.may_leave()) [[unlikely]] return Trap(kTrapCannotLeave);
  for (ComponentInstanceState* i : entering_)
    if (!i->may_enter()) [[unlikely]] return Trap(kTrapCannotEnter);
  for (ComponentInstanceState* i : entering_) i->set_may_enter(false);
  SidePair sp(caller_opts_, caller_, callee_opts_, callee_);
  const size_t nargs = fp_->lower_sig.params.size();
  // The callee's arguments are built in split_out_: flat_args and callee_args may be one
  // buffer, and a variant clears its payload slots before its case reads them.
  CopyState c{&sp.from, &sp.to, flat_args, split_out_.data(), 0, 0, &cases_};
  if (!split_->allocates) {
    NW_TRY(Run(*params_, c));
    CopyWords(callee_args, split_out_.data(), fp_->params.flat_count);
    return Ok();
  }
  const std::vector<FusedStep>& steps = params_->steps;
  for (size_t i = 0; i < split_step_; ++i) NW_TRY(steps[i].fn(steps[i], c));
  const FusedStep& st = steps[split_step_];
  auto [ptr, len] = ReadPtrLen<false>(st, c);
  if (st.split == FusedStep::Split::kUtf8String) {
    NW_TRY(Utf8Load(sp.from, ptr, len));
    *bytes = len;
  } else {
    NW_TRY_ASSIGN(*bytes, ListLoad(st, sp.from, ptr, len));
  }
  CopyWords(split_args_.data(), flat_args, nargs);
  // cx.reallocate: the callee may not leave while its realloc runs (Params sets it back).
  callee_->set_may_leave(false);
  return Ok();
}

Status FusedAdapter::Params(uint32_t dptr, uint64_t* callee_args) {
  callee_->set_may_leave(true);
  SidePair sp(caller_opts_, caller_, callee_opts_, callee_);
  CopyState c{&sp.from, &sp.to, split_args_.data(), split_out_.data(), 0, 0, &cases_};
  const std::vector<FusedStep>& steps = params_->steps;
  const FusedStep& st = steps[split_step_];
  auto [ptr, len] = ReadPtrLen<false>(st, c);
  if (st.split == FusedStep::Split::kUtf8String) {
    NW_TRY(Utf8Store(sp.from, sp.to, ptr, len, dptr));
  } else {
    const uint32_t bytes = len * st.elem_size;  // checked against 2^28-1 by Enter
    NW_TRY(ListPlace(st, sp.to, dptr, bytes));
    std::memmove(sp.to.mem.data + dptr, sp.from.mem.data + ptr, bytes);
  }
  WritePtrLen<false>(st, c, dptr, len);
  for (size_t i = split_step_ + 1; i < steps.size(); ++i) NW_TRY(steps[i].fn(steps[i], c));
  CopyWords(callee_args, split_out_.data(), fp_->params.flat_count);
  return Ok();
}

Status FusedAdapter::Results(const uint64_t* core_results, uint32_t out_param,
                             uint64_t* flat_results) {
  const FunctionPlan& fp = *fp_;
  SidePair sp(caller_opts_, caller_, callee_opts_, callee_);
  if (fp.results.in_memory) {
    uint32_t sptr = static_cast<uint32_t>(core_results[0]);
    NW_TRY(CheckTuple(fp.results, sp.to, sptr, false));
    NW_TRY(CheckTuple(fp.results, sp.from, out_param, false));
    CopyState c{&sp.to, &sp.from, nullptr, nullptr, sptr, out_param, &cases_};
    NW_TRY(Run(*results_, c));
  } else {
    // core_results and flat_results may be one buffer (at most one flat result each way).
    std::array<uint64_t, 1> in{fp.lift_sig.results.empty() ? 0 : core_results[0]};
    CopyState c{&sp.to, &sp.from, in.data(), flat_results, 0, 0, &cases_};
    NW_TRY(Run(*results_, c));
  }
  for (ComponentInstanceState* i : entering_) i->set_may_enter(true);
  return Ok();
}

}  // namespace nw::component

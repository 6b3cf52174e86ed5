// The interpreter's handlers: one function per operation of interp/ops.def, each ending in a
// tail call of the next instruction's handler. Families (arithmetic, compares, loads, stores)
// are generated from the list; control, calls and table/memory management are written out
// here, with their slow parts out of line in builtins.cc.
#include <bit>
#include <cstring>

#include "interp/builtins.h"
#include "interp/code.h"
#include "interp/handler_util.h"
#include "interp/numeric.h"

namespace nw::interp {

namespace {
NW_HANDLER_CC uint64_t HUnwind(HARGS);
}  // namespace

[[gnu::cold, gnu::noinline]] NW_HANDLER_CC uint64_t HTrap(HARGS) {
  // A host function passed on the uncaught exception of a wasm entry it made: it is thrown
  // on from the call (exception handling); nothing else reaches here with kException.
  if (ctx->trap_kind == TrapKind::kException && ctx->pending_exn != nullptr) [[unlikely]] {
    ctx->host_trapped = false;
    [[clang::musttail]] return HUnwind(HPASS);
  }
  (void)fp, (void)mem, (void)msz;
  ctx->trap_ip = ip;
  return kExitTrap;
}

namespace {

#define NW_RELOAD_MEM()           \
  do {                            \
    mem = ctx->mem0_def->base;    \
    msz = ctx->mem0_def->length;  \
  } while (0)

// Global operands are VMContext offsets (VMOffsets::global), baked in by the translator.
[[gnu::always_inline]] inline VMGlobalDefinition* GlobalAt(const ExecCtx* ctx, uint32_t offset) {
  VMGlobalDefinition* g;
  std::memcpy(&g, ctx->vmctx + offset, sizeof g);
  return g;
}

// Enters function `fn` whose frame starts at `nfp`, continuing at `next` on return.
#define NW_ENTER(fn, nfp, next)                                                        \
  do {                                                                                 \
    const CompiledFunc* c = CodeOf(fn);                                                \
    if (c == nullptr) [[unlikely]] {                                                   \
      if (!CallHost(ctx, (fn), (nfp))) [[unlikely]] {                                  \
        [[clang::musttail]] return HTrap(HPASS);                                       \
      }                                                                                \
      NW_RELOAD_MEM();                                                                 \
      ip = (next);                                                                     \
      NW_DISPATCH(0);                                                                  \
    }                                                                                  \
    CallFrame* cf = ctx->cf + 1;                                                       \
    if (cf == ctx->cf_limit || (nfp) + c->frame_slots > ctx->stack_end) [[unlikely]]   \
      NW_TRAP(TrapKind::kStackExhausted);                                              \
    cf->ret_ip = (next);                                                               \
    cf->fp = fp;                                                                       \
    cf->func = (fn);                                                                   \
    ctx->cf = cf;                                                                      \
    {                                                                                  \
      uint64_t* dst = (nfp) + c->num_params;                                           \
      static constexpr uint64_t kZero2[2] = {0, 0};                                    \
      _Pragma("clang loop vectorize(disable) unroll(disable)")                         \
      for (uint32_t i = 0, n = c->zero_pairs; i < n; ++i)                              \
        std::memcpy(dst + 2 * i, kZero2, 16);                                          \
      dst += c->zero_slots;                                                            \
      const uint64_t* src = c->init.data();                                            \
      _Pragma("clang loop vectorize(disable) unroll(disable)")                         \
      for (uint32_t i = 0, n = c->init_pairs; i < n; ++i)                              \
        std::memcpy(dst + 2 * i, src + 2 * i, 16);                                     \
    }                                                                                  \
    if ((fn)->f.instance != ctx->inst) [[unlikely]] {                                  \
      SwitchInstance(ctx, (fn)->f.instance);                                           \
      NW_RELOAD_MEM();                                                                 \
    }                                                                                  \
    fp = (nfp);                                                                        \
    ip = reinterpret_cast<const uint8_t*>(c->code.data());                             \
    NW_DISPATCH(0);                                                                    \
  } while (0)

// ---- hand-written operations ----------------------------------------------------------------

NW_HANDLER_CC uint64_t H_Copy(HARGS) {
  St<uint64_t>(fp, Op(ip, 0), Ld<uint64_t>(fp, Op(ip, 1)));
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_Const(HARGS) {
  St<uint64_t>(fp, Op(ip, 0), static_cast<uint64_t>(Op(ip, 1)) | (uint64_t{Op(ip, 2)} << 32));
  NW_DISPATCH(InstrBytes(3));
}

NW_HANDLER_CC uint64_t H_Select(HARGS) {
  uint64_t v = Ld<uint32_t>(fp, Op(ip, 1)) ? Ld<uint64_t>(fp, Op(ip, 2))
                                            : Ld<uint64_t>(fp, Op(ip, 3));
  St<uint64_t>(fp, Op(ip, 0), v);
  NW_DISPATCH(InstrBytes(4));
}

NW_HANDLER_CC uint64_t H_Copy128(HARGS) {
  uint64_t v[2];
  std::memcpy(v, reinterpret_cast<const char*>(fp) + Op(ip, 1), 16);
  std::memcpy(reinterpret_cast<char*>(fp) + Op(ip, 0), v, 16);
  NW_DISPATCH(InstrBytes(2));
}

// Config::canonicalize_nans: a NaN (exponent all ones, payload not zero, either sign) becomes
// the canonical positive NaN of its width; U is uint32_t (f32) or uint64_t (f64).
template <class U>
U CanonicalizeNan(U bits) {
  constexpr U kSign = U{1} << (8 * sizeof(U) - 1);
  constexpr U kInf = sizeof(U) == 4 ? U(0x7f800000u) : U(0x7ff0000000000000u);
  constexpr U kCanonical = sizeof(U) == 4 ? U(0x7fc00000u) : U(0x7ff8000000000000u);
  return (bits & ~kSign) > kInf ? kCanonical : bits;
}
// The same for each lane of the v128 at p.
template <class U>
void CanonicalizeNanLanes(char* p) {
  U lanes[16 / sizeof(U)];
  std::memcpy(lanes, p, 16);
  for (U& lane : lanes) lane = CanonicalizeNan(lane);
  std::memcpy(p, lanes, 16);
}

NW_HANDLER_CC uint64_t H_CanonNanF32(HARGS) {
  St<uint32_t>(fp, Op(ip, 0), CanonicalizeNan(Ld<uint32_t>(fp, Op(ip, 0))));
  NW_DISPATCH(InstrBytes(1));
}

NW_HANDLER_CC uint64_t H_CanonNanF64(HARGS) {
  St<uint64_t>(fp, Op(ip, 0), CanonicalizeNan(Ld<uint64_t>(fp, Op(ip, 0))));
  NW_DISPATCH(InstrBytes(1));
}

NW_HANDLER_CC uint64_t H_CanonNanF32x4(HARGS) {
  CanonicalizeNanLanes<uint32_t>(reinterpret_cast<char*>(fp) + Op(ip, 0));
  NW_DISPATCH(InstrBytes(1));
}

NW_HANDLER_CC uint64_t H_CanonNanF64x2(HARGS) {
  CanonicalizeNanLanes<uint64_t>(reinterpret_cast<char*>(fp) + Op(ip, 0));
  NW_DISPATCH(InstrBytes(1));
}

NW_HANDLER_CC uint64_t H_CopyRange(HARGS) {
  std::memmove(reinterpret_cast<char*>(fp) + Op(ip, 0),
               reinterpret_cast<const char*>(fp) + Op(ip, 1), Op(ip, 2));
  NW_DISPATCH(InstrBytes(3));
}

NW_HANDLER_CC uint64_t H_Select128(HARGS) {
  uint32_t src = Ld<uint32_t>(fp, Op(ip, 1)) ? Op(ip, 2) : Op(ip, 3);
  uint64_t v[2];
  std::memcpy(v, reinterpret_cast<const char*>(fp) + src, 16);
  std::memcpy(reinterpret_cast<char*>(fp) + Op(ip, 0), v, 16);
  NW_DISPATCH(InstrBytes(4));
}

NW_HANDLER_CC uint64_t H_GlobalGet128(HARGS) {
  const VMGlobalDefinition* g = GlobalAt(ctx, Op(ip, 1));
  St<uint64_t>(fp, Op(ip, 0), g->lo);
  St<uint64_t>(fp, Op(ip, 0) + 8, g->hi);
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_GlobalSet128(HARGS) {
  VMGlobalDefinition* g = GlobalAt(ctx, Op(ip, 0));
  g->lo = Ld<uint64_t>(fp, Op(ip, 1));
  g->hi = Ld<uint64_t>(fp, Op(ip, 1) + 8);
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_Br(HARGS) {
  NW_DISPATCH(static_cast<int32_t>(Op(ip, 0)));
}

NW_HANDLER_CC uint64_t H_BrIf(HARGS) {
  if (Ld<uint32_t>(fp, Op(ip, 0)) != 0) NW_DISPATCH(static_cast<int32_t>(Op(ip, 1)));
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_BrUnless(HARGS) {
  if (Ld<uint32_t>(fp, Op(ip, 0)) == 0) NW_DISPATCH(static_cast<int32_t>(Op(ip, 1)));
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_BrTable(HARGS) {
  uint32_t i = Ld<uint32_t>(fp, Op(ip, 0));
  uint32_t n = Op(ip, 1);
  if (i > n) i = n;
  int32_t rel;
  std::memcpy(&rel, ip + 16 + 4 * static_cast<size_t>(i), 4);
  NW_DISPATCH(rel);
}

NW_HANDLER_CC uint64_t H_Call(HARGS) {
  FuncObj* fn = ctx->funcs[Op(ip, 0)];
  uint64_t* nfp = reinterpret_cast<uint64_t*>(reinterpret_cast<char*>(fp) + Op(ip, 1));
  const uint8_t* next = ip + InstrBytes(2);
  NW_ENTER(fn, nfp, next);
}

NW_HANDLER_CC uint64_t H_CallIndirect(HARGS) {
  TableObj* t = ctx->tables[Op(ip, 1)];
  uint32_t i = Ld<uint32_t>(fp, Op(ip, 2));
  if (i >= t->elems_.size()) [[unlikely]]
    NW_TRAP(TrapKind::kUndefinedElement);
  FuncObj* fn = reinterpret_cast<FuncObj*>(t->elems_[i]);
  if (fn == nullptr) [[unlikely]] {
    ctx->trap_index = i;
    NW_TRAP(TrapKind::kUninitializedElement);
  }
  if (fn->f.type_id != Op(ip, 0)) [[unlikely]]
    NW_TRAP(TrapKind::kIndirectCallTypeMismatch);
  uint64_t* nfp = reinterpret_cast<uint64_t*>(reinterpret_cast<char*>(fp) + Op(ip, 3));
  const uint8_t* next = ip + InstrBytes(4);
  NW_ENTER(fn, nfp, next);
}

[[gnu::always_inline]] inline void ReturnCommon(const uint8_t*& ip, uint64_t*& fp,
                                                uint8_t*& mem, uint64_t& msz, ExecCtx* ctx) {
  CallFrame* cf = ctx->cf;
  ip = cf->ret_ip;
  fp = cf->fp;
  ctx->cf = cf - 1;
  if (ip == nullptr) [[unlikely]] return;
  InstanceObj* inst = (cf - 1)->func->f.instance;
  if (inst != ctx->inst) [[unlikely]] SwitchInstance(ctx, inst);
  mem = ctx->mem0_def->base;
  msz = ctx->mem0_def->length;
}

NW_HANDLER_CC uint64_t H_Return(HARGS) {
  ReturnCommon(ip, fp, mem, msz, ctx);
  if (ip == nullptr) [[unlikely]] return kExitDone;
  NW_DISPATCH(0);
}

NW_HANDLER_CC uint64_t H_Return0(HARGS) {
  ReturnCommon(ip, fp, mem, msz, ctx);
  if (ip == nullptr) [[unlikely]] return kExitDone;
  NW_DISPATCH(0);
}

NW_HANDLER_CC uint64_t H_Return1(HARGS) {
  fp[0] = Ld<uint64_t>(fp, Op(ip, 0));
  ReturnCommon(ip, fp, mem, msz, ctx);
  if (ip == nullptr) [[unlikely]] return kExitDone;
  NW_DISPATCH(0);
}

NW_HANDLER_CC uint64_t H_Unreachable(HARGS) { NW_TRAP(TrapKind::kUnreachable); }

// Interruption checks, translated only when the engine enables them (Config).
NW_HANDLER_CC uint64_t H_Fuel(HARGS) {
  ctx->fuel -= Op(ip, 0);
  if (ctx->fuel < 0) [[unlikely]]
    NW_TRAP(TrapKind::kOutOfFuel);
  NW_DISPATCH(InstrBytes(1));
}

NW_HANDLER_CC uint64_t H_Epoch(HARGS) {
  if (ctx->epoch->load(std::memory_order_relaxed) >= ctx->epoch_deadline) [[unlikely]]
    NW_TRAP(TrapKind::kInterrupted);
  NW_DISPATCH(InstrBytes(0));
}

NW_HANDLER_CC uint64_t H_GlobalGet(HARGS) {
  St<uint64_t>(fp, Op(ip, 0), GlobalAt(ctx, Op(ip, 1))->lo);
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_GlobalSet(HARGS) {
  GlobalAt(ctx, Op(ip, 0))->lo = Ld<uint64_t>(fp, Op(ip, 1));
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_MemorySize(HARGS) {
  St<uint32_t>(fp, Op(ip, 0), static_cast<uint32_t>(msz / kPageSize));
  NW_DISPATCH(InstrBytes(1));
}

NW_HANDLER_CC uint64_t H_MemoryGrow(HARGS) {
  int64_t r = ctx->mem0->GrowPages(Ld<uint32_t>(fp, Op(ip, 1)));
  if (r < 0 && ctx->trap_on_grow_failure && ctx->mem0->denied_by_limit_) [[unlikely]]
    NW_TRAP(TrapKind::kResourceLimit);
  St<uint32_t>(fp, Op(ip, 0), static_cast<uint32_t>(r));
  NW_RELOAD_MEM();
  NW_DISPATCH(InstrBytes(2));
}

[[gnu::always_inline]] inline const VMMemoryDefinition* MemDefAt(const ExecCtx* ctx,
                                                                  uint32_t offset) {
  const VMMemoryDefinition* def;
  std::memcpy(&def, ctx->vmctx + offset, sizeof def);
  return def;
}

NW_HANDLER_CC uint64_t H_UseMemory(HARGS) {
  const VMMemoryDefinition* def = MemDefAt(ctx, Op(ip, 0));
  mem = def->base;
  msz = def->length;
  NW_DISPATCH(InstrBytes(1));
}

NW_HANDLER_CC uint64_t H_UseMemory0(HARGS) {
  NW_RELOAD_MEM();
  NW_DISPATCH(InstrBytes(0));
}

NW_HANDLER_CC uint64_t H_MemorySizeN(HARGS) {
  St<uint32_t>(fp, Op(ip, 0), static_cast<uint32_t>(MemDefAt(ctx, Op(ip, 1))->length / kPageSize));
  NW_DISPATCH(InstrBytes(2));
}

NW_HANDLER_CC uint64_t H_MemoryGrowN(HARGS) {
  MemoryObj* m = ctx->inst->memories[Op(ip, 2)];
  int64_t r = m->GrowPages(Ld<uint32_t>(fp, Op(ip, 1)));
  if (r < 0 && ctx->trap_on_grow_failure && m->denied_by_limit_) [[unlikely]]
    NW_TRAP(TrapKind::kResourceLimit);
  St<uint32_t>(fp, Op(ip, 0), static_cast<uint32_t>(r));
  NW_RELOAD_MEM();  // the same memory may be imported as memory 0 too
  NW_DISPATCH(InstrBytes(3));
}

// Bulk and table operations: the work is out of line; a non-kNoTrap result traps.
#define NW_BUILTIN_HANDLER(Name, n, call)                  \
  NW_HANDLER_CC uint64_t H_##Name(HARGS) {                 \
    TrapCode t = call;                                     \
    if (t != kNoTrap) [[unlikely]]                         \
      NW_TRAP(static_cast<TrapKind>(t));                   \
    NW_DISPATCH(InstrBytes(n));                            \
  }
#define U32(k) Ld<uint32_t>(fp, Op(ip, k))

NW_BUILTIN_HANDLER(MemoryFill, 3, MemoryFill(ctx, ctx->mem0, U32(0), U32(1), U32(2)))
NW_BUILTIN_HANDLER(MemoryCopy, 3, MemoryCopy(ctx, ctx->mem0, ctx->mem0, U32(0), U32(1), U32(2)))
NW_BUILTIN_HANDLER(MemoryInit, 4, MemoryInit(ctx, ctx->mem0, Op(ip, 0), U32(1), U32(2), U32(3)))
#define NW_MEM(k) ctx->inst->memories[Op(ip, k)]
NW_BUILTIN_HANDLER(MemoryFillN, 4, MemoryFill(ctx, NW_MEM(3), U32(0), U32(1), U32(2)))
NW_BUILTIN_HANDLER(MemoryCopyN, 5, MemoryCopy(ctx, NW_MEM(3), NW_MEM(4), U32(0), U32(1), U32(2)))
NW_BUILTIN_HANDLER(MemoryInitN, 5, MemoryInit(ctx, NW_MEM(4), Op(ip, 0), U32(1), U32(2), U32(3)))
#undef NW_MEM
NW_BUILTIN_HANDLER(DataDrop, 1, DataDrop(ctx, Op(ip, 0)))
NW_BUILTIN_HANDLER(TableGet, 3,
                   TableGet(ctx, Op(ip, 2), U32(1),
                            reinterpret_cast<uint64_t*>(reinterpret_cast<char*>(fp) + Op(ip, 0))))
NW_BUILTIN_HANDLER(TableSet, 3, TableSet(ctx, Op(ip, 0), U32(1), Ld<uint64_t>(fp, Op(ip, 2))))
NW_BUILTIN_HANDLER(TableSize, 2,
                   (St<uint32_t>(fp, Op(ip, 0),
                                 static_cast<uint32_t>(ctx->tables[Op(ip, 1)]->elems_.size())),
                    kNoTrap))
NW_HANDLER_CC uint64_t H_TableGrow(HARGS) {
  TableObj* t = ctx->tables[Op(ip, 3)];
  // Growing writes the new elements (unless null): charged like table.fill.
  if (ChargeBulkFuel(ctx, uint64_t{U32(2)} * 8) != kNoTrap) [[unlikely]]
    NW_TRAP(TrapKind::kOutOfFuel);
  int64_t r = t->GrowBy(U32(2), Ld<uint64_t>(fp, Op(ip, 1)));
  if (r < 0 && ctx->trap_on_grow_failure && t->denied_by_limit_) [[unlikely]]
    NW_TRAP(TrapKind::kResourceLimit);
  St<uint32_t>(fp, Op(ip, 0), static_cast<uint32_t>(r));
  NW_DISPATCH(InstrBytes(4));
}
NW_BUILTIN_HANDLER(TableFill, 4,
                   TableFill(ctx, Op(ip, 0), U32(1), Ld<uint64_t>(fp, Op(ip, 2)), U32(3)))
NW_BUILTIN_HANDLER(TableCopy, 5, TableCopy(ctx, Op(ip, 0), Op(ip, 1), U32(2), U32(3), U32(4)))
NW_BUILTIN_HANDLER(TableInit, 5, TableInit(ctx, Op(ip, 0), Op(ip, 1), U32(2), U32(3), U32(4)))
NW_BUILTIN_HANDLER(ElemDrop, 1, ElemDrop(ctx, Op(ip, 0)))
#undef U32

NW_HANDLER_CC uint64_t H_RefFunc(HARGS) {
  St<uint64_t>(fp, Op(ip, 0), reinterpret_cast<uint64_t>(ctx->funcs[Op(ip, 1)]));
  NW_DISPATCH(InstrBytes(2));
}

// ---- tail calls -----------------------------------------------------------------------------
// The arguments move to the frame's start and the callee runs in this activation (its
// CallFrame keeps the caller's return address and frame): constant stack space. A host callee
// is called and then this function returns its results.
#define NW_TAIL_ENTER(fn, args, nslots)                                                \
  do {                                                                                 \
    std::memmove(fp, (args), size_t{nslots} * 8);                                      \
    const CompiledFunc* c = CodeOf(fn);                                                \
    if (c == nullptr) [[unlikely]] {                                                   \
      if (!CallHost(ctx, (fn), fp)) [[unlikely]] {                                     \
        [[clang::musttail]] return HTrap(HPASS);                                       \
      }                                                                                \
      ReturnCommon(ip, fp, mem, msz, ctx);                                             \
      if (ip == nullptr) [[unlikely]] return kExitDone;                                \
      NW_DISPATCH(0);                                                                  \
    }                                                                                  \
    if (fp + c->frame_slots > ctx->stack_end) [[unlikely]]                             \
      NW_TRAP(TrapKind::kStackExhausted);                                              \
    ctx->cf->func = (fn);                                                              \
    {                                                                                  \
      uint64_t* dst = fp + c->num_params;                                              \
      std::fill_n(dst, 2 * size_t{c->zero_pairs}, 0);                                  \
      std::copy(c->init.begin(), c->init.end(), dst + c->zero_slots);                  \
    }                                                                                  \
    if ((fn)->f.instance != ctx->inst) [[unlikely]] {                                  \
      SwitchInstance(ctx, (fn)->f.instance);                                           \
      NW_RELOAD_MEM();                                                                 \
    }                                                                                  \
    ip = reinterpret_cast<const uint8_t*>(c->code.data());                             \
    NW_DISPATCH(0);                                                                    \
  } while (0)

NW_HANDLER_CC uint64_t H_ReturnCall(HARGS) {
  FuncObj* fn = ctx->funcs[Op(ip, 0)];
  NW_TAIL_ENTER(fn, fp + Op(ip, 1) / 8, Op(ip, 2));
}

NW_HANDLER_CC uint64_t H_ReturnCallIndirect(HARGS) {
  TableObj* t = ctx->tables[Op(ip, 1)];
  uint32_t i = Ld<uint32_t>(fp, Op(ip, 2));
  if (i >= t->elems_.size()) [[unlikely]]
    NW_TRAP(TrapKind::kUndefinedElement);
  FuncObj* fn = reinterpret_cast<FuncObj*>(t->elems_[i]);
  if (fn == nullptr) [[unlikely]] {
    ctx->trap_index = i;
    NW_TRAP(TrapKind::kUninitializedElement);
  }
  if (fn->f.type_id != Op(ip, 0)) [[unlikely]]
    NW_TRAP(TrapKind::kIndirectCallTypeMismatch);
  NW_TAIL_ENTER(fn, fp + Op(ip, 3) / 8, Op(ip, 4));
}
#undef NW_TAIL_ENTER

// ---- exception handling ---------------------------------------------------------------------
// Nothing here runs unless something throws: try_table emits no code on its normal path, and
// the unwinder reads the per-function catch tables (CompiledFunc::catches).

// Unwinds ctx->pending_exn from the instruction at ip: to a landing pad, or out of the entry
// as a kException trap (the trap's backtrace shows the throw).
[[gnu::cold, gnu::noinline]] NW_HANDLER_CC uint64_t HUnwind(HARGS) {
  if (FindHandler(ctx, ip, fp)) {
    NW_RELOAD_MEM();
    NW_DISPATCH(0);
  }
  ctx->trap_kind = TrapKind::kException;
  ctx->trap_ip = ip;
  return kExitTrap;
}

NW_HANDLER_CC uint64_t H_Throw(HARGS) {
  ExnObj* exn = NewException(ctx, Op(ip, 0), fp + Op(ip, 1) / 8, Op(ip, 2), fp);
  if (exn == nullptr) [[unlikely]]
    NW_TRAP(TrapKind::kResourceLimit);
  ctx->pending_exn = exn;
  [[clang::musttail]] return HUnwind(HPASS);
}

NW_HANDLER_CC uint64_t H_ThrowRef(HARGS) {
  auto* exn = reinterpret_cast<ExnObj*>(Ld<uint64_t>(fp, Op(ip, 0)));
  if (exn == nullptr) [[unlikely]]
    NW_TRAP(TrapKind::kNullReference);
  ctx->pending_exn = exn;
  [[clang::musttail]] return HUnwind(HPASS);
}

NW_HANDLER_CC uint64_t H_RefIsNull(HARGS) {
  St<uint32_t>(fp, Op(ip, 0), Ld<uint64_t>(fp, Op(ip, 1)) == 0 ? 1u : 0u);
  NW_DISPATCH(InstrBytes(2));
}

// ---- generated families ---------------------------------------------------------------------

#define NW_IOP_UN(Name, T, R, expr)                         \
  NW_HANDLER_CC uint64_t H_##Name(HARGS) {                  \
    T a = Ld<T>(fp, Op(ip, 1));                             \
    St<R>(fp, Op(ip, 0), static_cast<R>(expr));             \
    NW_DISPATCH(InstrBytes(2));                             \
  }
#define NW_IOP_BIN(Name, T, R, expr)                        \
  NW_HANDLER_CC uint64_t H_##Name(HARGS) {                  \
    T a = Ld<T>(fp, Op(ip, 1));                             \
    T b = Ld<T>(fp, Op(ip, 2));                             \
    St<R>(fp, Op(ip, 0), static_cast<R>(expr));             \
    NW_DISPATCH(InstrBytes(3));                             \
  }
#define NW_IOP_CMP(Name, T, expr)                           \
  NW_IOP_BIN(Name, T, u32, expr)                            \
  NW_HANDLER_CC uint64_t H_BrIf##Name(HARGS) {              \
    T a = Ld<T>(fp, Op(ip, 0));                             \
    T b = Ld<T>(fp, Op(ip, 1));                             \
    if (expr) NW_DISPATCH(static_cast<int32_t>(Op(ip, 2))); \
    NW_DISPATCH(InstrBytes(3));                             \
  }                                                         \
  NW_HANDLER_CC uint64_t H_BrUnless##Name(HARGS) {          \
    T a = Ld<T>(fp, Op(ip, 0));                             \
    T b = Ld<T>(fp, Op(ip, 1));                             \
    if (!(expr)) NW_DISPATCH(static_cast<int32_t>(Op(ip, 2))); \
    NW_DISPATCH(InstrBytes(3));                             \
  }
#define NW_IOP_UN_TRAP(Name, T, R, fn)                      \
  NW_HANDLER_CC uint64_t H_##Name(HARGS) {                  \
    R out;                                                  \
    TrapCode t = fn(Ld<T>(fp, Op(ip, 1)), &out);            \
    if (t != kNoTrap) [[unlikely]]                          \
      NW_TRAP(static_cast<TrapKind>(t));                    \
    St<R>(fp, Op(ip, 0), out);                              \
    NW_DISPATCH(InstrBytes(2));                             \
  }
#define NW_IOP_BIN_TRAP(Name, T, fn)                                    \
  NW_HANDLER_CC uint64_t H_##Name(HARGS) {                              \
    T out;                                                              \
    TrapCode t = fn<T>(Ld<T>(fp, Op(ip, 1)), Ld<T>(fp, Op(ip, 2)), &out); \
    if (t != kNoTrap) [[unlikely]]                                      \
      NW_TRAP(static_cast<TrapKind>(t));                                \
    St<T>(fp, Op(ip, 0), out);                                          \
    NW_DISPATCH(InstrBytes(3));                                         \
  }
#define NW_IOP_LOAD(Name, M, R)                                              \
  NW_HANDLER_CC uint64_t H_##Name(HARGS) {                                   \
    uint64_t ea = static_cast<uint64_t>(Ld<uint32_t>(fp, Op(ip, 1))) + Op(ip, 2); \
    if (ea + sizeof(M) > msz) [[unlikely]]                                   \
      NW_TRAP(TrapKind::kMemoryOutOfBounds);                                 \
    M v;                                                                     \
    std::memcpy(&v, mem + ea, sizeof(M));                                    \
    St<R>(fp, Op(ip, 0), static_cast<R>(v));                                 \
    NW_DISPATCH(InstrBytes(3));                                              \
  }
#define NW_IOP_STORE(Name, T, M)                                             \
  NW_HANDLER_CC uint64_t H_##Name(HARGS) {                                   \
    uint64_t ea = static_cast<uint64_t>(Ld<uint32_t>(fp, Op(ip, 0))) + Op(ip, 2); \
    if (ea + sizeof(M) > msz) [[unlikely]]                                   \
      NW_TRAP(TrapKind::kMemoryOutOfBounds);                                 \
    M v = static_cast<M>(Ld<T>(fp, Op(ip, 1)));                              \
    std::memcpy(mem + ea, &v, sizeof(M));                                    \
    NW_DISPATCH(InstrBytes(3));                                              \
  }
#define NW_IOP(Name, n)
#include "interp/ops.def"

}  // namespace

const Handler kHandlers[static_cast<size_t>(Iop::kCount)] = {
#define NW_IOP_ANY(Name) &H_##Name,
#define NW_IOP_CMP(Name, T, expr) &H_##Name, &H_BrIf##Name, &H_BrUnless##Name,
#include "interp/ops.def"
#undef NW_IOP_ANY
};

// Operand counts of the generated families follow from their shape.
const uint8_t kOperandCounts[static_cast<size_t>(Iop::kCount)] = {
#define NW_IOP_UN(Name, T, R, expr) 2,
#define NW_IOP_BIN(Name, T, R, expr) 3,
#define NW_IOP_CMP(Name, T, expr) 3, 3, 3,
#define NW_IOP_UN_TRAP(Name, T, R, fn) 2,
#define NW_IOP_BIN_TRAP(Name, T, fn) 3,
#define NW_IOP_LOAD(Name, M, R) 3,
#define NW_IOP_STORE(Name, T, M) 3,
#define NW_IOP(Name, n) n,
#include "interp/ops.def"
};

const char* IopName(Iop op) {
  static const char* const kNames[] = {
#define NW_IOP_ANY(Name) #Name,
#define NW_IOP_CMP(Name, T, expr) #Name, "BrIf" #Name, "BrUnless" #Name,
#include "interp/ops.def"
#undef NW_IOP_ANY
  };
  return kNames[static_cast<size_t>(op)];
}

}  // namespace nw::interp

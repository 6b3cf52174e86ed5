// The runtime builtins of runtime/builtins.def as compiled code calls them: WebAssembly 2.0's
// bulk memory and table operations (every range checked in 64-bit arithmetic before anything
// is written; copies have memmove semantics; a dropped segment has length 0), grow, host calls
// and traps. Fuel is charged by size and the epoch checked between chunks when they are on,
// as the interpreter's copies do (interp/builtins.cc, which the interpreter still calls).
// A builtin that traps leaves through RaisePendingTrap at its outermost scope, holding nothing
// that needs destroying (the tier's unwind does not run destructors).
#include "runtime/builtins.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>

namespace nw {
namespace {

// Bulk fuel: one unit per kBulkBytesPerFuel bytes written; epoch checks every kBulkChunkBytes
// (the interpreter's constants, interp/builtins.h).
constexpr uint64_t kBulkBytesPerFuel = 64;
constexpr uint64_t kBulkChunkBytes = uint64_t{1} << 20;
constexpr uint64_t kElem = sizeof(uint64_t);

struct Call {
  InstanceObj* inst;
  StoreContext* ctx;
};
Call Of(uint8_t* vmctx) {
  InstanceObj* inst = VMInstanceOf(vmctx);
  return {inst, inst->store->impl().ctx};
}

// A trap inside a builtin: the compiled caller's frame is the innermost wasm frame.
[[noreturn]] void Raise(StoreContext* ctx, TrapKind kind) {
  ctx->pending_trap_func = nullptr;
  ctx->pending_trap_offset = 0;
  RaisePendingTrap(*ctx, MakeTrap(kind));
}

bool InRange(uint64_t at, uint64_t n, uint64_t size) { return at + n <= size; }

// Charges fuel for `bytes` (when fuel is on) and runs step(offset, length) over [0, bytes),
// in chunks with an epoch check before each when epochs are on; traps on either.
template <class Step>
void Bulk(StoreContext* ctx, uint64_t bytes, bool backward, Step step) {
  VMStoreLimits& limits = *ctx->store->impl().run_limits();  // what compiled code checks
  if (ctx->consume_fuel) {
    limits.fuel -= static_cast<int64_t>(bytes / kBulkBytesPerFuel);
    if (limits.fuel < 0) Raise(ctx, TrapKind::kOutOfFuel);
  }
  if (!ctx->epoch_interruption || bytes <= kBulkChunkBytes) {
    if (bytes) step(0, bytes);
    return;
  }
  for (uint64_t done = 0; done < bytes; done += kBulkChunkBytes) {
    if (ctx->epoch->load(std::memory_order_relaxed) >= limits.epoch_deadline)
      Raise(ctx, TrapKind::kInterrupted);
    const uint64_t len = std::min(kBulkChunkBytes, bytes - done);
    step(backward ? bytes - done - len : done, len);
  }
}

MemoryObj* Mem(InstanceObj* inst, uint32_t i) {
  return i == 0 ? inst->mem0 : inst->memories[i];
}

void TrapB(uint8_t* vmctx, uint32_t code, uint32_t func, uint32_t offset, uint32_t detail) {
  auto [inst, ctx] = Of(vmctx);
  ctx->pending_trap_func = func < inst->funcs.size() ? inst->funcs[func] : nullptr;
  Trap t = MakeTrap(static_cast<TrapKind>(code));
  if (t.kind == TrapKind::kUninitializedElement) t.message += " " + std::to_string(detail);
  ctx->pending_trap_offset = offset;
  RaisePendingTrap(*ctx, std::move(t));
}

int32_t MemoryGrowB(uint8_t* vmctx, uint32_t mem, uint32_t delta) {
  auto [inst, ctx] = Of(vmctx);
  MemoryObj* m = Mem(inst, mem);
  int64_t r = m->GrowPages(delta);
  if (r < 0 && ctx->trap_on_grow_failure && m->denied_by_limit_) Raise(ctx, TrapKind::kResourceLimit);
  return static_cast<int32_t>(r);
}

void MemoryFillB(uint8_t* vmctx, uint32_t mem, uint32_t d, uint32_t val, uint32_t n) {
  auto [inst, ctx] = Of(vmctx);
  MemoryObj* m = Mem(inst, mem);
  if (!InRange(d, n, m->def_.length)) Raise(ctx, TrapKind::kMemoryOutOfBounds);
  uint8_t* dst = m->def_.base + d;
  Bulk(ctx, n, false, [&](uint64_t at, uint64_t len) {
    std::memset(dst + at, static_cast<uint8_t>(val), len);
  });
}

void MemoryCopyB(uint8_t* vmctx, uint32_t dst_mem, uint32_t src_mem, uint32_t d, uint32_t s,
                 uint32_t n) {
  auto [inst, ctx] = Of(vmctx);
  MemoryObj* dm = Mem(inst, dst_mem);
  MemoryObj* sm = Mem(inst, src_mem);
  if (!InRange(s, n, sm->def_.length) || !InRange(d, n, dm->def_.length))
    Raise(ctx, TrapKind::kMemoryOutOfBounds);
  uint8_t* dst = dm->def_.base + d;
  const uint8_t* src = sm->def_.base + s;
  Bulk(ctx, n, dst > src, [&](uint64_t at, uint64_t len) { std::memmove(dst + at, src + at, len); });
}

void MemoryInitB(uint8_t* vmctx, uint32_t mem, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  auto [inst, ctx] = Of(vmctx);
  MemoryObj* m = Mem(inst, mem);
  std::span<const uint8_t> src;
  if (!inst->data_dropped[seg]) src = inst->module->desc().datas[seg].bytes;
  if (!InRange(s, n, src.size()) || !InRange(d, n, m->def_.length))
    Raise(ctx, TrapKind::kMemoryOutOfBounds);
  uint8_t* dst = m->def_.base + d;
  Bulk(ctx, n, false, [&](uint64_t at, uint64_t len) {
    std::memcpy(dst + at, src.data() + s + at, len);
  });
}

void DataDropB(uint8_t* vmctx, uint32_t seg) { Of(vmctx).inst->data_dropped[seg] = true; }

uint64_t TableGetB(uint8_t* vmctx, uint32_t table, uint32_t i) {
  auto [inst, ctx] = Of(vmctx);
  TableObj* t = inst->tables[table];
  if (i >= t->elems_.size()) Raise(ctx, TrapKind::kTableOutOfBounds);
  return t->elems_[i];
}

void TableSetB(uint8_t* vmctx, uint32_t table, uint32_t i, uint64_t v) {
  auto [inst, ctx] = Of(vmctx);
  TableObj* t = inst->tables[table];
  if (i >= t->elems_.size()) Raise(ctx, TrapKind::kTableOutOfBounds);
  t->elems_[i] = v;
}

int32_t TableGrowB(uint8_t* vmctx, uint32_t table, uint64_t init, uint32_t delta) {
  auto [inst, ctx] = Of(vmctx);
  TableObj* t = inst->tables[table];
  if (ctx->consume_fuel) Bulk(ctx, uint64_t{delta} * kElem, false, [](uint64_t, uint64_t) {});
  int64_t r = t->GrowBy(delta, init);
  if (r < 0 && ctx->trap_on_grow_failure && t->denied_by_limit_) Raise(ctx, TrapKind::kResourceLimit);
  return static_cast<int32_t>(r);
}

void TableFillB(uint8_t* vmctx, uint32_t table, uint32_t i, uint64_t v, uint32_t n) {
  auto [inst, ctx] = Of(vmctx);
  TableObj* t = inst->tables[table];
  if (!InRange(i, n, t->elems_.size())) Raise(ctx, TrapKind::kTableOutOfBounds);
  uint64_t* dst = t->elems_.data() + i;
  Bulk(ctx, n * kElem, false, [&](uint64_t at, uint64_t len) {
    std::fill_n(dst + at / kElem, len / kElem, v);
  });
}

void TableCopyB(uint8_t* vmctx, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
  auto [inst, ctx] = Of(vmctx);
  TableObj* dst = inst->tables[dt];
  TableObj* src = inst->tables[st];
  if (!InRange(s, n, src->elems_.size()) || !InRange(d, n, dst->elems_.size()))
    Raise(ctx, TrapKind::kTableOutOfBounds);
  auto* to = reinterpret_cast<uint8_t*>(dst->elems_.data() + d);
  const auto* from = reinterpret_cast<const uint8_t*>(src->elems_.data() + s);
  Bulk(ctx, n * kElem, to > from, [&](uint64_t at, uint64_t len) {
    std::memmove(to + at, from + at, len);
  });
}

void TableInitB(uint8_t* vmctx, uint32_t table, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  auto [inst, ctx] = Of(vmctx);
  const auto& items = inst->elem_segments[seg];  // a dropped segment was emptied
  TableObj* t = inst->tables[table];
  if (!InRange(s, n, items.size()) || !InRange(d, n, t->elems_.size()))
    Raise(ctx, TrapKind::kTableOutOfBounds);
  uint64_t* dst = t->elems_.data() + d;
  Bulk(ctx, n * kElem, false, [&](uint64_t at, uint64_t len) {
    std::copy_n(items.data() + s + at / kElem, len / kElem, dst + at / kElem);
  });
}

void ElemDropB(uint8_t* vmctx, uint32_t seg) {
  std::vector<uint64_t>().swap(Of(vmctx).inst->elem_segments[seg]);
}

// A failed host call: its trap (`r`, which this destroys) is raised; the compiled caller's
// frame is the innermost wasm frame. Out of line, with the Trap's destructor, so that
// CallHostB's success path saves few registers.
[[gnu::cold, gnu::noinline, noreturn]] void HostCallFailed(InstanceObj* inst,
                                                            TrapResult<void>* r) {
  StoreContext* ctx = inst->store->impl().ctx;
  ctx->pending_trap = std::move(r->error());
  std::destroy_at(r);
  ctx->pending_trap_offset = 0;
  ctx->pending_trap_func = nullptr;
  ctx->unwind(ctx);
  __builtin_unreachable();
}

// The trap of a host function that threw, made in `storage`; call only from a catch block.
[[gnu::cold, gnu::noinline]] TrapResult<void>* HostExceptionResult(void* storage) {
  return ::new (storage) TrapResult<void>(std::unexpected(HostExceptionTrap()));
}

void CallHostB(uint8_t* vmctx, void* callee, uint64_t* words) {
  InstanceObj* inst = VMInstanceOf(vmctx);
  auto* f = static_cast<FuncObj*>(callee);
  // The result is made in raw storage: a value needs no destruction, so success returns at
  // once, and a trap goes to HostCallFailed, which destroys it before unwinding (which runs
  // no destructors).
  alignas(TrapResult<void>) unsigned char storage[sizeof(TrapResult<void>)];
  TrapResult<void>* r;
  if (f->f.raw_host == nullptr) {
    r = ::new (static_cast<void*>(storage))
        TrapResult<void>(CallHostFunc(*inst->store, inst, f, words));
  } else {
    // A raw host function (Func::CreateHostRaw: the component model's fused adapters) is
    // called here directly, as the interpreter's CallHost does: no CallHostFunc layer. As
    // CallRawHostFunc, with the exception's trap made out of line (an inline landing pad made
    // this path save five more registers).
    Caller caller(*inst->store, inst);
    try {
      r = ::new (static_cast<void*>(storage))
          TrapResult<void>(f->f.raw_host(f->f.raw_ctx, caller, words));
    } catch (...) {
      r = HostExceptionResult(storage);
    }
  }
  if (r->has_value()) [[likely]] return;
  HostCallFailed(inst, r);
}

const VMBuiltins kBuiltins = {
    TrapB,      MemoryGrowB, MemoryFillB, MemoryCopyB, MemoryInitB, DataDropB, TableGetB,
    TableSetB,  TableGrowB,  TableFillB,  TableCopyB,  TableInitB,  ElemDropB, CallHostB,
};

}  // namespace

const VMBuiltins& RuntimeBuiltins() { return kBuiltins; }

void RaisePendingTrap(StoreContext& ctx, Trap trap) {
  ctx.pending_trap = std::move(trap);
  ctx.unwind(&ctx);
  __builtin_unreachable();
}

}  // namespace nw

// Bulk memory and table operations of WebAssembly 2.0 as the handlers call them: every range is
// checked in 64-bit arithmetic before anything is written, copies have memmove semantics, and a
// dropped segment has length 0. (SwitchInstance and CallHost are in exec.cc.)
#include "interp/builtins.h"

#include <algorithm>
#include <cstring>

namespace nw::interp {
namespace {

constexpr TrapCode kMemOob = Code(TrapKind::kMemoryOutOfBounds);
constexpr TrapCode kTableOob = Code(TrapKind::kTableOutOfBounds);

bool InRange(uint32_t at, uint32_t n, uint64_t size) { return uint64_t{at} + n <= size; }

bool DeadlinePassed(const ExecCtx* ctx) {
  return ctx->epoch->load(std::memory_order_relaxed) >= ctx->epoch_deadline;
}

// Runs step(offset, length) over [0, bytes) in chunks of kBulkChunkBytes, checking the epoch
// deadline before each when epochs are on (else in one step). backward: from the end (a copy
// to a higher, overlapping destination). kInterrupted when the deadline passed on the way
// (what was done stays done, as when a loop of stores is interrupted).
template <class Step>
TrapCode Chunked(ExecCtx* ctx, uint64_t bytes, bool backward, Step step) {
  if (!ctx->epoch_interruption || bytes <= kBulkChunkBytes) {
    if (bytes) step(0, bytes);
    return kNoTrap;
  }
  for (uint64_t done = 0; done < bytes; done += kBulkChunkBytes) {
    if (DeadlinePassed(ctx)) [[unlikely]]
      return Code(TrapKind::kInterrupted);
    const uint64_t len = std::min(kBulkChunkBytes, bytes - done);
    step(backward ? bytes - done - len : done, len);
  }
  return kNoTrap;
}

}  // namespace

TrapCode MemoryFill(ExecCtx* ctx, MemoryObj* m, uint32_t d, uint32_t val, uint32_t n) {
  if (!InRange(d, n, m->def_.length)) return kMemOob;
  if (TrapCode t = ChargeBulkFuel(ctx, n); t != kNoTrap) return t;
  uint8_t* dst = m->def_.base + d;
  return Chunked(ctx, n, false, [&](uint64_t at, uint64_t len) {
    std::memset(dst + at, static_cast<uint8_t>(val), len);
  });
}

TrapCode MemoryCopy(ExecCtx* ctx, MemoryObj* dm, MemoryObj* sm, uint32_t d, uint32_t s,
                    uint32_t n) {
  if (!InRange(s, n, sm->def_.length) || !InRange(d, n, dm->def_.length)) return kMemOob;
  if (TrapCode t = ChargeBulkFuel(ctx, n); t != kNoTrap) return t;
  uint8_t* dst = dm->def_.base + d;
  const uint8_t* src = sm->def_.base + s;
  // Backward when the ranges may overlap with dst above src (two distinct memories never do).
  return Chunked(ctx, n, dst > src, [&](uint64_t at, uint64_t len) {
    std::memmove(dst + at, src + at, len);
  });
}

TrapCode MemoryInit(ExecCtx* ctx, MemoryObj* m, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  InstanceObj* inst = ctx->inst;
  std::span<const uint8_t> src;
  if (!inst->data_dropped[seg]) src = inst->module->desc().datas[seg].bytes;
  if (uint64_t{s} + n > src.size() || !InRange(d, n, m->def_.length)) return kMemOob;
  if (TrapCode t = ChargeBulkFuel(ctx, n); t != kNoTrap) return t;
  uint8_t* dst = m->def_.base + d;
  return Chunked(ctx, n, false, [&](uint64_t at, uint64_t len) {
    std::memcpy(dst + at, src.data() + s + at, len);
  });
}

TrapCode DataDrop(ExecCtx* ctx, uint32_t seg) {
  ctx->inst->data_dropped[seg] = true;
  return kNoTrap;
}

TrapCode TableGet(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t* out) {
  TableObj* t = ctx->tables[table];
  if (i >= t->elems_.size()) return kTableOob;
  *out = t->elems_[i];
  return kNoTrap;
}

TrapCode TableSet(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t v) {
  TableObj* t = ctx->tables[table];
  if (i >= t->elems_.size()) return kTableOob;
  t->elems_[i] = v;
  return kNoTrap;
}

// Table elements are 8 bytes; chunks are counted in bytes as for memories.
constexpr uint64_t kElem = sizeof(uint64_t);

TrapCode TableFill(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t v, uint32_t n) {
  TableObj* t = ctx->tables[table];
  if (!InRange(i, n, t->elems_.size())) return kTableOob;
  if (TrapCode c = ChargeBulkFuel(ctx, n * kElem); c != kNoTrap) return c;
  uint64_t* dst = t->elems_.data() + i;
  return Chunked(ctx, n * kElem, false, [&](uint64_t at, uint64_t len) {
    std::fill_n(dst + at / kElem, len / kElem, v);
  });
}

TrapCode TableCopy(ExecCtx* ctx, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
  TableObj* dst = ctx->tables[dt];
  TableObj* src = ctx->tables[st];
  if (!InRange(s, n, src->elems_.size()) || !InRange(d, n, dst->elems_.size())) return kTableOob;
  if (TrapCode c = ChargeBulkFuel(ctx, n * kElem); c != kNoTrap) return c;
  auto* to = reinterpret_cast<uint8_t*>(dst->elems_.data() + d);
  const auto* from = reinterpret_cast<const uint8_t*>(src->elems_.data() + s);
  return Chunked(ctx, n * kElem, to > from, [&](uint64_t at, uint64_t len) {
    std::memmove(to + at, from + at, len);
  });
}

TrapCode TableInit(ExecCtx* ctx, uint32_t seg, uint32_t table, uint32_t d, uint32_t s,
                   uint32_t n) {
  // A dropped segment was emptied, so it has length 0.
  const auto& items = ctx->inst->elem_segments[seg];
  TableObj* t = ctx->tables[table];
  if (uint64_t{s} + n > items.size() || !InRange(d, n, t->elems_.size())) return kTableOob;
  if (TrapCode c = ChargeBulkFuel(ctx, n * kElem); c != kNoTrap) return c;
  uint64_t* dst = t->elems_.data() + d;
  return Chunked(ctx, n * kElem, false, [&](uint64_t at, uint64_t len) {
    std::copy_n(items.data() + s + at / kElem, len / kElem, dst + at / kElem);
  });
}

TrapCode ElemDrop(ExecCtx* ctx, uint32_t seg) {
  std::vector<uint64_t>().swap(ctx->inst->elem_segments[seg]);
  return kNoTrap;
}

}  // namespace nw::interp

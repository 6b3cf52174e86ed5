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

}  // namespace

TrapCode MemoryFill(ExecCtx* ctx, uint32_t d, uint32_t val, uint32_t n) {
  MemoryObj* m = ctx->mem0;
  if (!InRange(d, n, m->size_)) return kMemOob;
  if (n) std::memset(m->data_ + d, static_cast<uint8_t>(val), n);
  return kNoTrap;
}

TrapCode MemoryCopy(ExecCtx* ctx, uint32_t d, uint32_t s, uint32_t n) {
  MemoryObj* m = ctx->mem0;
  if (!InRange(s, n, m->size_) || !InRange(d, n, m->size_)) return kMemOob;
  if (n) std::memmove(m->data_ + d, m->data_ + s, n);
  return kNoTrap;
}

TrapCode MemoryInit(ExecCtx* ctx, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  InstanceObj* inst = ctx->inst;
  std::span<const uint8_t> src;
  if (!inst->data_dropped[seg]) src = inst->module->desc().datas[seg].bytes;
  return InitMemoryRange(*ctx->mem0, src, d, s, n) ? kNoTrap : kMemOob;
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

TrapCode TableFill(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t v, uint32_t n) {
  TableObj* t = ctx->tables[table];
  if (!InRange(i, n, t->elems_.size())) return kTableOob;
  std::fill_n(t->elems_.begin() + i, n, v);
  return kNoTrap;
}

TrapCode TableCopy(ExecCtx* ctx, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
  TableObj* dst = ctx->tables[dt];
  TableObj* src = ctx->tables[st];
  if (!InRange(s, n, src->elems_.size()) || !InRange(d, n, dst->elems_.size())) return kTableOob;
  if (n) std::memmove(dst->elems_.data() + d, src->elems_.data() + s, n * sizeof(uint64_t));
  return kNoTrap;
}

TrapCode TableInit(ExecCtx* ctx, uint32_t seg, uint32_t table, uint32_t d, uint32_t s,
                   uint32_t n) {
  // A dropped segment was emptied, so it has length 0.
  const auto& items = ctx->inst->elem_segments[seg];
  return InitTableRange(*ctx->tables[table], items, d, s, n) ? kNoTrap : kTableOob;
}

TrapCode ElemDrop(ExecCtx* ctx, uint32_t seg) {
  std::vector<uint64_t>().swap(ctx->inst->elem_segments[seg]);
  return kNoTrap;
}

}  // namespace nw::interp

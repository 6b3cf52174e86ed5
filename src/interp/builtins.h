// Out-of-line runtime operations the handlers call: instance switching, host calls, bulk
// memory and table operations. Slow paths only; each returns kNoTrap or the trap to raise.
#pragma once

#include <cstdint>

#include "interp/numeric.h"
#include "interp/state.h"

namespace nw::interp {

void SwitchInstance(ExecCtx* ctx, InstanceObj* inst);

// Calls host function `f` with arguments in args[0..n) and writes its results there. On failure
// records the trap in ctx (trap_kind, host_trap) and returns false.
bool CallHost(ExecCtx* ctx, FuncObj* f, uint64_t* args);

// Bulk operations cost fuel by size: one unit per kBulkBytesPerFuel bytes written (a table
// element counts 8 bytes), charged before anything is written, on top of the instruction's
// own unit. With epoch interruption they work in chunks of kBulkChunkBytes and check the
// deadline before each, so one 4 GiB memory.fill stops within a chunk of a deadline.
inline constexpr uint64_t kBulkBytesPerFuel = 64;
inline constexpr uint64_t kBulkChunkBytes = uint64_t{1} << 20;

// kNoTrap, or kOutOfFuel once the fuel for `bytes` is spent (nothing to do without fuel).
inline TrapCode ChargeBulkFuel(ExecCtx* ctx, uint64_t bytes) {
  if (!ctx->consume_fuel) return kNoTrap;
  ctx->fuel -= static_cast<int64_t>(bytes / kBulkBytesPerFuel);
  return ctx->fuel < 0 ? Code(TrapKind::kOutOfFuel) : kNoTrap;
}

// The memory operands are the instance's memories (memory.copy: destination, then source).
TrapCode MemoryFill(ExecCtx* ctx, MemoryObj* m, uint32_t d, uint32_t val, uint32_t n);
TrapCode MemoryCopy(ExecCtx* ctx, MemoryObj* dm, MemoryObj* sm, uint32_t d, uint32_t s,
                    uint32_t n);
TrapCode MemoryInit(ExecCtx* ctx, MemoryObj* m, uint32_t seg, uint32_t d, uint32_t s, uint32_t n);
TrapCode DataDrop(ExecCtx* ctx, uint32_t seg);
TrapCode TableGet(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t* out);
TrapCode TableSet(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t v);
TrapCode TableFill(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t v, uint32_t n);
TrapCode TableCopy(ExecCtx* ctx, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n);
TrapCode TableInit(ExecCtx* ctx, uint32_t seg, uint32_t table, uint32_t d, uint32_t s,
                   uint32_t n);
TrapCode ElemDrop(ExecCtx* ctx, uint32_t seg);

// Exception handling (unwind.cc). NewException: an exception of the running instance's tag
// `tag` with `slots` payload words from `payload` (fp: the running frame, the top of the live
// value stack); null when out of memory. FindHandler: from the throw at `ip` in the frame
// `fp`, the innermost matching catch clause of ctx->pending_exn along the call-frame stack
// of this entry; on success the exception is delivered, ctx->cf and the instance are set and
// ip/fp point at the landing pad; false (nothing changed) when it leaves the entry.
ExnObj* NewException(ExecCtx* ctx, uint32_t tag, const uint64_t* payload, uint32_t slots,
                     const uint64_t* fp);
bool FindHandler(ExecCtx* ctx, const uint8_t*& ip, uint64_t*& fp);

}  // namespace nw::interp

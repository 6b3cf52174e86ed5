// Out-of-line runtime operations the handlers call: instance switching, host calls, bulk
// memory and table operations. Slow paths only; each returns kNoTrap or the trap to raise.
#pragma once

#include <cstdint>

#include "interp/numeric.h"
#include "runtime/vm.h"

namespace nw::interp {

void SwitchInstance(ExecCtx* ctx, InstanceObj* inst);

// Calls host function `f` with arguments in args[0..n) and writes its results there. On failure
// records the trap in ctx (trap_kind, host_trap) and returns false.
bool CallHost(ExecCtx* ctx, FuncObj* f, uint64_t* args);

TrapCode MemoryFill(ExecCtx* ctx, uint32_t d, uint32_t val, uint32_t n);
TrapCode MemoryCopy(ExecCtx* ctx, uint32_t d, uint32_t s, uint32_t n);
TrapCode MemoryInit(ExecCtx* ctx, uint32_t seg, uint32_t d, uint32_t s, uint32_t n);
TrapCode DataDrop(ExecCtx* ctx, uint32_t seg);
TrapCode TableGet(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t* out);
TrapCode TableSet(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t v);
TrapCode TableFill(ExecCtx* ctx, uint32_t table, uint32_t i, uint64_t v, uint32_t n);
TrapCode TableCopy(ExecCtx* ctx, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n);
TrapCode TableInit(ExecCtx* ctx, uint32_t seg, uint32_t table, uint32_t d, uint32_t s,
                   uint32_t n);
TrapCode ElemDrop(ExecCtx* ctx, uint32_t seg);

}  // namespace nw::interp

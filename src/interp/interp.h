// The interpreter tier as the runtime sees it: translate a validated module's bodies once, and
// run a function in a store. Everything else (the operation list, handlers, translator) is
// private to src/interp.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "format/module.h"
#include "runtime/vm.h"

namespace nw {

// Validates and translates every defined function of `m` (type_ids: canonical id per type).
// config decides which interruption checks (fuel, epochs) the code contains.
[[nodiscard]] Status TranslateModule(const ModuleDesc& m, const std::vector<uint32_t>& type_ids,
                                     const Config& config, std::vector<CompiledFunc>& out);

// Calls `f` (wasm or host) with arguments/results as slot words (no type checks here).
// Re-entrant: host functions called from wasm may call back in.
// Run-time invariants the runtime must keep for the interpreter:
//  - every FuncObj of a wasm function has f.instance and f.code set, f.type_id canonical;
//    host functions have code == nullptr and a callback;
//  - MemoryObj::data_ never moves (grow only extends the accessible part of the reservation),
//    so handlers may cache it across calls that cannot grow memory;
//  - InstanceObj::funcs/globals/tables/memories cover the whole index space (imports first).
//
// Sets up a store's execution context (value stack, call-frame stack) from the engine config.
// Called once by the Store constructor; the stack memory is released by FreeExecCtx.
void InitExecCtx(ExecCtx& ctx, Store& store, const Config& config);
void FreeExecCtx(ExecCtx& ctx);


// A listing of translated code (operands are byte offsets of slots, immediates, or branch
// displacements), for developers.
std::string DumpCompiledFunc(const CompiledFunc& f);

TrapResult<void> InvokeWords(Store& store, FuncObj* f, std::span<const uint64_t> args,
                             std::span<uint64_t> results);

}  // namespace nw

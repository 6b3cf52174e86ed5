// The interpreter tier: what src/engine and developer tools see of src/interp. The runtime
// reaches the interpreter only through the Tier interface (runtime/tier.h) that InterpTier()
// implements; the operation list, handlers, translator and frames stay private to src/interp.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "format/module.h"
#include "interp/state.h"
#include "runtime/tier.h"

namespace nw::interp {

// The interpreter as a tier (a process-wide singleton; stateless).
const Tier& InterpTier();

// Validates and translates every defined function of `m` (type_ids: canonical id per type).
// config decides which interruption checks (fuel, epochs) and NaN canonicalizations the code
// contains. InterpTier().Compile is this plus the packaging as CompiledCode.
// offsets: the VMContext layout the code addresses globals and memories through.
[[nodiscard]] Status TranslateModule(const ModuleDesc& m, std::span<const uint32_t> type_ids,
                                     const VMOffsets& offsets, const Config& config,
                                     std::vector<CompiledFunc>& out);

// The translated functions of `module`, or null when another tier compiled it.
const std::vector<CompiledFunc>* InterpFuncs(const Module& module);

// A listing of translated code (operands are byte offsets of slots, immediates, or branch
// displacements), for developers.
std::string DumpCompiledFunc(const CompiledFunc& f);

// The interpreter's ArrayCall (runtime/tier.h) for wasm function `f`.
// Run-time invariants the runtime keeps for the interpreter:
//  - every FuncObj of a wasm function has f.instance, f.code (its CompiledFunc) and
//    f.array_call set, f.type_id canonical; host functions have code == nullptr and a callback;
//  - MemoryObj::def_.base never moves (grow only extends the accessible part of the reservation),
//    so handlers may cache it across calls that cannot grow memory;
//  - InstanceObj::funcs/globals/tables/memories cover the whole index space (imports first).
// A nested call (made by a host function wasm called) returns with the callee's instance still
// cached in the ExecCtx; CallHost restores the caller's when the host function returns.
TrapResult<void> Invoke(Store& store, FuncObj* f, std::span<const uint64_t> args,
                        std::span<uint64_t> results);

}  // namespace nw::interp

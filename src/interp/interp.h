// The interpreter tier as the runtime sees it: translate a validated module's bodies once, and
// run a function in a store. Everything else (the operation list, handlers, translator) is
// private to src/interp.
#pragma once

#include <span>
#include <vector>

#include "base/result.h"
#include "format/module.h"
#include "runtime/vm.h"

namespace nw {

// Validates and translates every defined function of `m` (type_ids: canonical id per type).
[[nodiscard]] Status TranslateModule(const ModuleDesc& m, const std::vector<uint32_t>& type_ids,
                                     std::vector<CompiledFunc>& out);

// Calls `f` (wasm or host) with arguments/results as slot words (no type checks here).
// Re-entrant: host functions called from wasm may call back in.
TrapResult<void> InvokeWords(Store& store, FuncObj* f, std::span<const uint64_t> args,
                             std::span<uint64_t> results);

}  // namespace nw

// Module validation (WebAssembly 2.0): the module-level rules (imports, limits, globals,
// exports, start, element and data segments, constant expressions) and every function body
// through the one body decoder with the validation-only consumer.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "format/module.h"
#include "validate/body_decoder.h"

namespace nw {

// Validates the whole module. Errors carry the spec's message and, where the module description
// records one, the byte offset of the offending instruction or entry.
// kSkip leaves function bodies to the caller, for tiers whose translation runs every body
// through the same decoder anyway (validation and translation in one pass).
enum class BodyValidation : uint8_t { kAll, kSkip };
[[nodiscard]] Status ValidateModule(const ModuleDesc& m,
                                    BodyValidation bodies = BodyValidation::kAll);

// Shared memories (Features::shared_memory) are decoded and validated but never run, as
// threads and atomics are not implemented: the error for a module that defines or imports one
// ("shared memories (threads) are not supported: memory N ... is shared"), Ok otherwise.
// Module::FromDesc and Module::Deserialize refuse such a module with it before any tier
// compiles it, so no tier ever sees a shared memory.
[[nodiscard]] Status RefuseSharedMemory(const ModuleDesc& m);

// Whether a module uses exception handling (Features::exceptions: tags, tag imports/exports,
// the exnref type, throw/throw_ref/try_table) or tail calls (return_call*). Always false when
// the module's features leave both proposals off. For tiers that do not implement it, to refuse such a module
// in one line. Walks every body's instructions: linear in the code size.
bool UsesExceptionHandling(const ModuleDesc& m);

// A constant expression of 2.0: t.const, ref.null, ref.func and global.get of an immutable
// global among the first `num_visible_globals` (2.0 lets initializers see imported globals
// only), producing exactly one value of type `expected`.
[[nodiscard]] Status ValidateConstExpr(const ModuleContext& ctx,
                                       const ConstExpr& expr,
                                       ValType expected,
                                       uint32_t num_visible_globals);

}  // namespace nw

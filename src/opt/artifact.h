// AOT artifacts of the opt tier: ties the container (src/aot/artifact.h) to this tier's code —
// its code ABI (instance layout and builtins list), the code-changing Options, the function
// symbols of its objects — in both directions: BuildArtifact from a compiled object, and
// LoadArtifact, which checks an artifact and maps its code with the object loader (loader.h).
// No LLVM: a runtime-only build loads artifacts through this file.
// Not here: compiling (compiler.h), rebuilding the ModuleDesc from the artifact's module bytes
// (the caller decodes them and validates the module-level structure, bodies skipped: they were
// validated when compiled, and the checksum says these are those bytes), running the code.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "aot/artifact.h"
#include "base/result.h"
#include "opt/compiler.h"
#include "opt/loader.h"

namespace nw::opt {

// A hash of everything compiled code assumes about the runtime beyond the engine version: the
// builtins list (names, order, signatures), the vmctx layout scheme, the symbol names.
uint64_t CodeAbiHash();

// The code-changing configuration of `options` (what the artifact header records).
aot::CodeConfig CodeConfigOf(const Options& options);

// An artifact for `module_bytes` (the wasm binary that was compiled), whose first
// `num_imported_funcs` function indices are imports, compiled into `object` with `options`.
// Fails when the object lacks a defined function's symbol (a compiler bug, not an input error).
Result<std::vector<uint8_t>> BuildArtifact(std::span<const uint8_t> module_bytes,
                                           uint32_t num_imported_funcs,
                                           const CompiledObject& object, const Options& options);

// A checked artifact with its code mapped executable.
struct LoadedArtifact {
  aot::Artifact artifact;  // spans into the bytes given to LoadArtifact
  std::shared_ptr<const LoadedCode> code;
  // Per defined function: its internal-convention entry and its array-call trampoline (null
  // when it has none), resolved from the artifact's function table.
  std::vector<const void*> entries, array_entries;
};

// Every function-table entry of `a` lies inside `code`'s mapped .text (the object `a` carries).
Result<void> CheckFunctionTable(const aot::Artifact& a, const LoadedCode& code);

// Checks `bytes` (aot::ReadArtifact, against this engine's version, CodeAbiHash, `config` and
// the host CPU) and maps the object; on any error nothing of it has run and nothing stays mapped.
Result<LoadedArtifact> LoadArtifact(std::span<const uint8_t> bytes, const aot::CodeConfig& config);

}  // namespace nw::opt

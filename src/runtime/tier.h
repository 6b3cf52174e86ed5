// The seam between the runtime and its execution tiers: the only thing the runtime knows about
// code. A tier (the interpreter today; a JIT or LLVM AOT later) compiles a module into
// CompiledCode, which hands out one entry per defined function under one calling convention
// and maps the tier's code positions back to wasm offsets for backtraces. The runtime never
// names a tier: the Engine holds one (chosen by Config::tier in src/engine), Module::FromDesc
// compiles through it, and every host→wasm call goes through a function's ArrayCall.
// Not here: how a tier represents code, frames or its per-store state (that stays in the
// tier's own folder), and the instance layout (runtime/vm.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aot/artifact.h"
#include "base/result.h"
#include "format/module.h"
#include "nanowasm/runtime.h"
#include "runtime/vm_offsets.h"

namespace nw {

class FuncObj;
struct StoreContext;

// The one calling convention from the host into wasm ("array call"): arguments and results as
// slot words (runtime/vm.h: i32/f32 in the low half, v128 in two words), counts and types
// already checked by the caller. Re-entrant: a host function called from wasm may call back.
using ArrayCall = TrapResult<void> (*)(Store& store, FuncObj* callee,
                                       std::span<const uint64_t> args,
                                       std::span<uint64_t> results);

// How a defined function is entered: `array_call` by the runtime (Func::Call, start functions),
// `code` by code of the same tier (the interpreter's CompiledFunc; a JIT's machine-code
// address). Both are set for every wasm function and null for host functions.
struct FuncEntry {
  ArrayCall array_call = nullptr;
  const void* code = nullptr;
  // For the tier's ArrayCall alone (Func::Impl::array_data), when the tier wants one: e.g. the
  // opt tier's array-call trampoline of the function, so an entry need not look it up.
  const void* array_data = nullptr;
};

// What a tier compiles: a module whose module-level structure is validated (ValidateModule
// with BodyValidation::kSkip); the tier validates each body in the same pass that compiles it
// (one function-body decoder, ARCHITECTURE decision 1). type_ids: the canonical id of each
// type index (InternFuncType), which call_indirect compares; offsets: the VMContext layout.
struct ModuleEnv {
  const ModuleDesc& desc;
  std::span<const uint32_t> type_ids;
  const Config& config;
  const VMOffsets& offsets;  // where the instances' VMContext holds memories and globals
};

// A module's code in one tier; immutable, shared by every instance of the module (and thread-
// safe, as Module is).
class CompiledCode {
 public:
  virtual ~CompiledCode() = default;
  // The entry of defined function `defined_index` (0 = the first non-imported function).
  virtual FuncEntry Entry(uint32_t defined_index) const = 0;
  // The byte offset in the module of the wasm instruction whose code contains `pc`, a code
  // position inside defined function `defined_index` as the tier's frames record it (the
  // trapping instruction, or a position inside a call for outer frames); nullopt when `pc`
  // is not in that function's code. Called only while building a backtrace.
  virtual std::optional<size_t> WasmOffsetAt(uint32_t defined_index, uintptr_t pc) const = 0;
};

// An execution tier. Implementations are long-lived singletons (an Engine holds a reference),
// stateless or internally synchronised: several threads may compile through one at a time.
class Tier {
 public:
  virtual ~Tier() = default;
  virtual std::string_view Name() const = 0;
  // Validates the bodies of env.desc and compiles them. Errors carry the byte offset.
  virtual Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const = 0;
  // A store's execution state: a StoreContext (runtime/vm.h) the tier may extend with its own
  // per-store state (the interpreter's value and call-frame stacks). Created once per Store,
  // released by DeleteStoreContext when the store dies. Never null.
  virtual StoreContext* NewStoreContext(Store& store, const Config& config) const = 0;
  virtual void DeleteStoreContext(StoreContext* ctx) const = 0;

  // ---- AOT artifacts (src/aot/artifact.h, docs/aot.md): Module::Serialize / Deserialize. A
  // tier that runs precompiled code overrides all three; the defaults refuse, naming the tier.
  // The runtime reads an artifact in two steps so that it rebuilds the ModuleDesc from the
  // artifact's module bytes between them (module-level validation only: bodies were validated
  // when the code was compiled, and the checksum says these are those bytes).
  //
  // What an artifact must record to be this tier's code under `config` (code-ABI hash, the
  // code-changing configuration); aot::ReadArtifact checks it with the version and host CPU.
  virtual Result<aot::Expectations> ArtifactExpectations(const Config& config) const {
    return MakeError("artifact: the " + std::string(Name()) + " tier runs no AOT code");
  }
  // The code of env.desc from `artifact`, already checked against ArtifactExpectations: maps
  // its object, never compiles.
  virtual Result<std::unique_ptr<const CompiledCode>> LoadArtifact(
      const ModuleEnv& env, const aot::Artifact& artifact) const {
    return MakeError("artifact: the " + std::string(Name()) + " tier runs no AOT code");
  }
  // An artifact of `code` (this tier's compilation of env.desc) carrying `module_bytes`.
  virtual Result<std::vector<uint8_t>> WriteArtifact(const ModuleEnv& env,
                                                     const CompiledCode& code,
                                                     std::span<const uint8_t> module_bytes) const {
    return MakeError("the " + std::string(Name()) + " tier writes no AOT artifacts");
  }
};

}  // namespace nw

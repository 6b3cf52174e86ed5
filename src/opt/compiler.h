// The optimizing tier's compiler: a whole validated module -> LLVM 19 IR -> optimized x86-64
// machine code in a relocatable ELF object held in memory (position-independent; it calls
// nothing by absolute address: builtins, memories, tables, globals and type ids are reached
// through the vmctx, runtime/vm_offsets.h). The object is what an AOT artifact will carry; loader.h
// maps it without LLVM.
// Not here: running code (loader.h and the runtime), artifacts' headers. A module using an
// instruction the tier does not compile yet fails with a message naming it, so the engine can
// fall back to the interpreter.
// Only built when LLVM 19 is found and NANOWASM_ENABLE_LLVM is ON.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "opt/code_map.h"
#include "format/module.h"
#include "nanowasm/runtime.h"
#include "runtime/vm_offsets.h"

namespace nw::opt {

enum class BoundsMode : uint8_t {
  // Every access compares its end (zext(addr) + offset + size) with the memory's bound.
  kExplicit,
  // The memory is a 4 GiB reservation followed by kGuardRegionBytes of PROT_NONE
  // (runtime/vm_offsets.h): accesses whose static offset fits the guard need no check (the
  // opt tier's signal handler turns the fault into a trap). The access itself is then the
  // check, so every linear-memory load and store is emitted volatile: LLVM neither deletes
  // one (an unused load must still trap), nor reorders them (the stores before a trapping
  // access are in memory after the trap), nor vectorizes them, except in the fast copies of
  // loops that Options::loop_versioning proves trap-free. Options::relaxed_traps lifts that.
  kGuardPages,
};

struct Options {
  BoundsMode bounds = BoundsMode::kExplicit;
  int opt_level = 2;      // 0..3: LLVM's default O-level pipeline
  bool host_cpu = true;   // target this machine's CPU and features (-march=native); else x86-64
  Config::NanCanonicalization canonicalize_nans = Config::NanCanonicalization::kNone;
  bool consume_fuel = false;  // fuel charges at the interpreter's points and amounts (fuel.h)
  // Checks of the epoch deadline at function entries and loop heads (the interpreter's points).
  bool epoch_interruption = false;
  // kGuardPages only (an opt-in deviation, Config::opt_relaxed_traps): linear-memory accesses
  // are ordinary loads and stores, which LLVM may delete when unused, reorder across each
  // other and vectorize. An out-of-bounds load whose value is unused may then not trap, and
  // the memory left at a trap may differ from the interpreter's; no access leaves the
  // reservation (the sandbox holds either way). No effect with kExplicit, which is exact.
  bool relaxed_traps = false;
  // Exact loop versioning at O2 and above (loop_version.h): innermost loops over linear memory
  // get a fast copy, run when a guard proves none of its accesses can trap. Exact either way;
  // off only to measure it (or with NANOWASM_OPT_LOOP_VERSION=0 in the environment).
  bool loop_versioning = true;
  // Parallel compilation: functions are compiled in chunks of about `chunk_bytes` of code
  // (0 = kChunkBytes), each an LLVM module of its own, on `threads` threads (0 = one per
  // hardware thread). The object is the same for any thread count; it depends on chunk_bytes
  // (no inlining across chunks).
  unsigned threads = 0;
  size_t chunk_bytes = 0;
  // Tiering (tier_up.h). `first_tier`: the object is the cheap first tier of a module that a
  // background compile replaces: every function is compiled with `baseline` (below) instead
  // of opt_level, and gets a patchable entry: a writable pointer nw_eN (initially nw_fN)
  // through which every direct call to it goes, and a stub nw_sN (jump through nw_eN) that
  // the function objects point at. Replacing nw_eN reaches every caller at once.
  bool first_tier = false;
  // The second tier of a tiered module: every defined function keeps a symbol nw_fN (none is
  // internal, so none is deleted after inlining) for the first tier's nw_eN to point at.
  bool keep_func_symbols = false;
  // Set by another thread to stop a compile early: no new chunk is started and the compile
  // fails with "opt tier: cancelled". Null: never.
  const std::atomic<bool>* cancel = nullptr;
};
// How a first tier is compiled (Options::first_tier). kO0: no passes, fast instruction
// selection and fast register allocation. kLight: SROA/mem2reg, EarlyCSE and SimplifyCFG,
// then fast instruction selection with the O1 code generator (greedy register allocation).
enum class Baseline : uint8_t { kO0, kLight };
// NANOWASM_OPT_BASELINE=o0|light overrides (measurements); default kO0 (docs/performance.md,
// "Tiered compilation").
Baseline BaselineKind();
inline constexpr size_t kChunkBytes = 64 * 1024;
// LLVM's optimizing passes and code generation are superlinear on very large functions and on
// deep nesting (a 256 KB straight-line body took ~550 s of O2 code generation; 20,000 nested
// blocks ~48 s of O2 passes): a function with a larger body or deeper nesting than these is
// compiled at O0 in a chunk of its own (fast instruction selection and register allocation,
// linear), the rest of the module as configured. See docs/performance.md, "Compile limits".
inline constexpr size_t kOptMaxFunctionBytes = 32 * 1024;
inline constexpr size_t kOptMaxDepth = 1000;

struct CompileStats {
  size_t code_section_bytes = 0;  // sum of the function bodies compiled
  size_t object_bytes = 0;
  size_t chunks = 0;
  size_t unoptimized_functions = 0;  // compiled at O0: over kOptMaxFunctionBytes or kOptMaxDepth
  unsigned threads = 0;
  // Summed over chunks (thread seconds), and the whole call's wall time.
  double ir_seconds = 0, opt_seconds = 0, codegen_seconds = 0;
  double merge_seconds = 0, wall_seconds = 0;
};

struct CompiledObject {
  std::vector<uint8_t> elf;        // relocatable ELF64 x86-64 object
  std::vector<bool> has_array;     // per defined function: an array-call trampoline exists
  std::string cpu, features;       // what the code was compiled for
  CompileStats stats;
  // Code -> wasm offsets and inline frames for backtraces (code_map.h).
  CodeOffsetMaps offset_maps;
};

// False when this build has no LLVM (then CompileModule always fails).
bool CompilerAvailable();

// Validates every body (one function-body decoder) and compiles the module. Errors carry the
// byte offset of the offending instruction; an unsupported instruction is an error whose
// message starts with "opt tier: unsupported".
Result<CompiledObject> CompileModule(const ModuleDesc& m, const Options& options);

}  // namespace nw::opt

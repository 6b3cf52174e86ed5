// Exact loop versioning for the opt tier (issue 14, "hybrid exact mode"): an LLVM function
// pass that gives innermost loops over linear memory a second, fast copy entered only when a
// guard computed before the loop proves that no access of any iteration can trap.
// In the exact modes every linear-memory access is volatile (guard regions) or checked
// (explicit bounds), and wasm's i32 address arithmetic hides the no-wrap fact, so such loops
// do not vectorize. When the guard holds, the fast copy's accesses are ordinary loads and
// stores at 64-bit affine addresses and the explicit checks in it are folded: with no access
// able to trap, that copy behaves exactly as the original would. Otherwise the original runs.
// The loop's accesses must all be of one memory (any index: the guard reads that memory's
// definition, func_gen.cc addresses every memory alike); a loop touching two memories keeps
// only its original copy.
// Not here: which loops LLVM then vectorizes (its own cost model decides), non-innermost loops,
// loops with calls (memory.grow could change the length), or loops over two memories.
#pragma once

#include <cstdint>

#include <llvm/IR/PassManager.h>

namespace llvm {
class MDNode;
}

namespace nw::opt {

class LoopVersionPass : public llvm::PassInfoMixin<LoopVersionPass> {
 public:
  // `tbaa_mem`: the TBAA tag every linear-memory access carries (ModuleIr::tbaa_mem).
  explicit LoopVersionPass(const llvm::MDNode* tbaa_mem) : tbaa_mem_(tbaa_mem) {}
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager& fam);

 private:
  const llvm::MDNode* tbaa_mem_;
};

// Whether the pass runs (default yes); NANOWASM_OPT_LOOP_VERSION=0 turns it off, for measuring
// the difference (experiments only: the code is exact either way).
bool LoopVersioningEnabled();

// NANOWASM_OPT_LOOP_VERSION=print: the pipeline prints each function after the pass (and
// LICM), as the loop vectorizer gets it, to stderr (experiments; the pass also runs).
bool LoopVersionPrintEnabled();

// Innermost loops the pass has analysed in this process, by outcome (tests and the loop
// versioning fuzzer: how often the pass fires). Loops without linear-memory accesses count
// as neither.
struct LoopVersionCounts {
  uint64_t versioned = 0;
  uint64_t rejected = 0;
};
LoopVersionCounts LoopVersionCountsSoFar();

}  // namespace nw::opt

// Exact loop versioning (loop_version.h). For an innermost loop whose linear-memory accesses
// are all `base + W(i)` with W affine in the iteration number i, the guard block before it
// computes, in 128-bit arithmetic, W at the first and at the last possible iteration (the
// symbolic maximum backedge-taken count) and requires for every access:
//   - the i32 address wasm computes does not wrap over those iterations (so the 64-bit affine
//     value equals zext of the wrapped i32 one), and
//   - [W, W + size) lies within the memory's current length for both ends (W is monotone).
// Then no access of the loop can trap, whatever path an iteration takes, and the fast copy,
// whose accesses are non-volatile at `base + start + i * step` (64-bit induction variables,
// which scalar evolution sees as affine with constant distances), and whose comparisons of an
// access end against the length are folded, computes exactly what the original would: same
// values, same memory, same traps (a trap of another kind leaves the loop as before, with
// every earlier store done: LLVM keeps stores before the opaque trap call). The loop must have
// no calls (a call could grow memory) other than intrinsics without memory effects.
#include "opt/loop_version.h"

#include <cstdlib>
#include <optional>
#include <vector>

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/LoopUtils.h>
#include <llvm/Transforms/Utils/ScalarEvolutionExpander.h>

#include "runtime/vm_offsets.h"

namespace nw::opt {
namespace {

using llvm::SCEV;

// One access (or one comparison of an access end with the length), as
// W(i) = V(i) + k with V(i) = start + i * step, where start is zext(t) + c (wasm's i32 address
// t + c before the zext: `wraps32`) or zext(s) of a 64-bit value (`!wraps32`).
struct Affine {
  const SCEV* t = nullptr;  // loop-invariant; null for none
  int64_t c = 0;
  int64_t step = 0;
  int64_t k = 0;
  bool wraps32 = false;
};

struct Access {
  llvm::Instruction* inst;  // load, store, or icmp against the length
  Affine w;
  uint64_t size = 0;  // bytes; 0 for a comparison
  // For an icmp: its value when every end is within the length.
  bool folded_value = false;
};

std::optional<int64_t> ConstOf(const SCEV* s) {
  auto* c = llvm::dyn_cast<llvm::SCEVConstant>(s);
  if (!c || c->getAPInt().getSignificantBits() > 63) return std::nullopt;
  return c->getAPInt().getSExtValue();
}

// Decomposes a 64-bit offset from the memory base.
std::optional<Affine> Decompose(const SCEV* off, const llvm::Loop& loop, llvm::ScalarEvolution& se) {
  Affine a;
  const SCEV* term = nullptr;
  auto add_op = [&](const SCEV* op) {
    if (auto c = ConstOf(op)) {
      a.k += *c;
      return std::abs(a.k) < (int64_t{1} << 40);
    }
    if (term) return false;
    term = op;
    return true;
  };
  if (auto* add = llvm::dyn_cast<llvm::SCEVAddExpr>(off)) {
    for (const SCEV* op : add->operands())
      if (!add_op(op)) return std::nullopt;
  } else if (!add_op(off)) {
    return std::nullopt;
  }
  if (!term) return a;
  // Start and step of an expression affine in this loop (or invariant in it).
  auto affine = [&](const SCEV* e, const SCEV*& start) -> bool {
    if (auto* ar = llvm::dyn_cast<llvm::SCEVAddRecExpr>(e)) {
      if (ar->getLoop() != &loop || !ar->isAffine()) return false;
      auto step = ConstOf(ar->getStepRecurrence(se));
      if (!step || std::abs(*step) > (int64_t{1} << 40)) return false;
      a.step = *step;
      start = ar->getStart();
      return se.isLoopInvariant(start, &loop);
    }
    start = e;
    return se.isLoopInvariant(e, &loop);
  };
  const SCEV* start = nullptr;
  if (auto* z = llvm::dyn_cast<llvm::SCEVZeroExtendExpr>(term);
      z && z->getOperand()->getType()->isIntegerTy(32)) {
    a.wraps32 = true;
    if (!affine(z->getOperand(), start)) return std::nullopt;
    // t + c: the constant apart, so that accesses at t + 8 and t + 16 share t.
    if (auto c = ConstOf(start)) {
      a.c = *c;
      return a;
    }
    if (auto* add = llvm::dyn_cast<llvm::SCEVAddExpr>(start)) {
      if (auto c = ConstOf(add->getOperand(0))) {
        llvm::SmallVector<const SCEV*, 4> rest(add->operands().begin() + 1, add->operands().end());
        a.c = *c;
        a.t = se.getAddExpr(rest);
        return a;
      }
    }
    a.t = start;
    return a;
  }
  if (!term->getType()->isIntegerTy(64) || !affine(term, start)) return std::nullopt;
  a.t = start;
  return a;
}

bool AllowedCall(const llvm::CallBase& call) {
  if (auto* asm_ = llvm::dyn_cast<llvm::InlineAsm>(call.getCalledOperand()))
    return !asm_->hasSideEffects();
  const llvm::Function* callee = call.getCalledFunction();
  return callee && callee->isIntrinsic() && call.doesNotAccessMemory() && call.willReturn() &&
         call.doesNotThrow();
}

// The memory definition pointer of an access's base: `load ptr, ptr %memdef` (base at offset 0).
llvm::Value* MemDefOf(const SCEV* base) {
  auto* u = llvm::dyn_cast<llvm::SCEVUnknown>(base);
  if (!u) return nullptr;
  auto* l = llvm::dyn_cast<llvm::LoadInst>(u->getValue());
  if (!l || !l->getType()->isPointerTy() || l->isVolatile()) return nullptr;
  return l->getPointerOperand();
}

// Whether `v` loads the memory length: `load i64, (gep i8 %memdef, 8)`.
bool IsLengthLoad(llvm::Value* v, llvm::Value* memdef) {
  auto* l = llvm::dyn_cast<llvm::LoadInst>(v);
  if (!l || l->isVolatile() || !l->getType()->isIntegerTy(64)) return false;
  auto* gep = llvm::dyn_cast<llvm::GEPOperator>(l->getPointerOperand());
  if (!gep || gep->getPointerOperand() != memdef || gep->getNumIndices() != 1 ||
      !gep->getSourceElementType()->isIntegerTy(8))
    return false;
  auto* c = llvm::dyn_cast<llvm::ConstantInt>(gep->idx_begin()->get());
  return c && c->getZExtValue() == offsetof(VMMemoryDefinition, length);
}

class Versioner {
 public:
  Versioner(llvm::Function& f, llvm::DominatorTree& dt, llvm::LoopInfo& li,
            llvm::ScalarEvolution& se, const llvm::MDNode* tbaa_mem)
      : f_(f), dt_(dt), li_(li), se_(se), tbaa_mem_(tbaa_mem) {}

  bool Run(llvm::Loop& loop) {
    if (!Analyze(loop)) return false;
    Transform(loop);
    return true;
  }

 private:
  bool Analyze(llvm::Loop& loop);
  bool AddAccess(llvm::Instruction& inst, llvm::Value* ptr, uint64_t size);
  void AddLengthCompare(llvm::ICmpInst& cmp);
  llvm::Value* Guard(llvm::IRBuilder<>& b, llvm::SCEVExpander& exp, llvm::Value* len,
                     std::vector<llvm::Value*>& starts);
  void Transform(llvm::Loop& loop);

  llvm::Function& f_;
  llvm::DominatorTree& dt_;
  llvm::LoopInfo& li_;
  llvm::ScalarEvolution& se_;
  const llvm::MDNode* tbaa_mem_;
  // Per loop:
  llvm::Loop* loop_ = nullptr;
  llvm::Value* memdef_ = nullptr;
  llvm::Value* base_ = nullptr;
  const SCEV* btc_ = nullptr;
  std::vector<Access> accesses_;
  std::vector<llvm::ICmpInst*> compares_;
};

bool Versioner::AddAccess(llvm::Instruction& inst, llvm::Value* ptr, uint64_t size) {
  const SCEV* p = se_.getSCEV(ptr);
  const SCEV* base = se_.getPointerBase(p);
  llvm::Value* memdef = MemDefOf(base);
  if (!memdef || (memdef_ && memdef != memdef_)) return false;
  memdef_ = memdef;
  base_ = llvm::cast<llvm::SCEVUnknown>(base)->getValue();
  std::optional<Affine> w = Decompose(se_.removePointerBase(p), *loop_, se_);
  if (!w) return false;
  accesses_.push_back({&inst, *w, size});
  return true;
}

// `icmp ugt END, LEN` and its mirrored forms, END = an access's end offset: folded in the fast
// copy when END is covered by the guard (END <= LEN on every iteration). Others stay as they are.
void Versioner::AddLengthCompare(llvm::ICmpInst& cmp) {
  llvm::Value* end = nullptr;
  bool value = false;
  auto pred = cmp.getPredicate();
  llvm::Value* a = cmp.getOperand(0);
  llvm::Value* b = cmp.getOperand(1);
  if (IsLengthLoad(b, memdef_) && (pred == llvm::ICmpInst::ICMP_UGT || pred == llvm::ICmpInst::ICMP_ULE)) {
    end = a;
    value = pred == llvm::ICmpInst::ICMP_ULE;
  } else if (IsLengthLoad(a, memdef_) &&
             (pred == llvm::ICmpInst::ICMP_ULT || pred == llvm::ICmpInst::ICMP_UGE)) {
    end = b;
    value = pred == llvm::ICmpInst::ICMP_UGE;
  }
  if (!end || !end->getType()->isIntegerTy(64)) return;
  std::optional<Affine> w = Decompose(se_.getSCEV(end), *loop_, se_);
  if (!w) return;
  accesses_.push_back({&cmp, *w, 0, value});
  compares_.push_back(&cmp);
}

bool Versioner::Analyze(llvm::Loop& loop) {
  loop_ = &loop;
  memdef_ = base_ = nullptr;
  accesses_.clear();
  compares_.clear();
  if (!loop.isInnermost() || !loop.isLoopSimplifyForm()) return false;
  const llvm::DataLayout& dl = f_.getDataLayout();
  std::vector<llvm::ICmpInst*> cmps;
  for (llvm::BasicBlock* bb : loop.blocks()) {
    for (llvm::Instruction& inst : *bb) {
      if (auto* call = llvm::dyn_cast<llvm::CallBase>(&inst)) {
        if (!AllowedCall(*call)) return false;
      } else if (auto* l = llvm::dyn_cast<llvm::LoadInst>(&inst)) {
        if (l->getMetadata(llvm::LLVMContext::MD_tbaa) != tbaa_mem_) {
          if (l->isVolatile()) return false;
          continue;
        }
        if (l->isAtomic() ||
            !AddAccess(inst, l->getPointerOperand(), dl.getTypeStoreSize(l->getType())))
          return false;
      } else if (auto* s = llvm::dyn_cast<llvm::StoreInst>(&inst)) {
        if (s->getMetadata(llvm::LLVMContext::MD_tbaa) != tbaa_mem_) {
          if (s->isVolatile()) return false;
          continue;
        }
        if (s->isAtomic() ||
            !AddAccess(inst, s->getPointerOperand(),
                       dl.getTypeStoreSize(s->getValueOperand()->getType())))
          return false;
      } else if (inst.mayReadOrWriteMemory() && !llvm::isa<llvm::FenceInst>(inst)) {
        return false;  // atomics, memory intrinsics: not worth the risk
      } else if (auto* cmp = llvm::dyn_cast<llvm::ICmpInst>(&inst)) {
        cmps.push_back(cmp);
      }
    }
  }
  if (accesses_.empty()) return false;
  for (llvm::ICmpInst* cmp : cmps) AddLengthCompare(*cmp);
  btc_ = se_.getSymbolicMaxBackedgeTakenCount(&loop);
  if (llvm::isa<llvm::SCEVCouldNotCompute>(btc_) || btc_->getType()->getIntegerBitWidth() > 64)
    return false;
  // Everything the guard computes must be computable before the loop.
  llvm::Instruction* at = loop.getLoopPreheader()->getTerminator();
  if (auto* def = llvm::dyn_cast<llvm::Instruction>(memdef_); def && !dt_.dominates(def, at))
    return false;
  if (auto* def = llvm::dyn_cast<llvm::Instruction>(base_); def && !dt_.dominates(def, at))
    return false;
  llvm::SCEVExpander exp(se_, f_.getDataLayout(), "nw.lv");
  if (!exp.isSafeToExpandAt(btc_, at)) return false;
  for (const Access& a : accesses_)
    if (a.w.t && !exp.isSafeToExpandAt(a.w.t, at)) return false;
  return true;
}

// The guard's condition (true: the fast copy may run); fills `starts` with each access's W(0)
// as i64 (for the fast copy's addresses).
llvm::Value* Versioner::Guard(llvm::IRBuilder<>& b, llvm::SCEVExpander& exp, llvm::Value* len,
                              std::vector<llvm::Value*>& starts) {
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Type* i128 = b.getIntNTy(128);
  llvm::Instruction* at = &*b.GetInsertPoint();
  llvm::Value* n = b.CreateZExt(exp.expandCodeFor(btc_, btc_->getType(), at), i128);
  llvm::Value* len128 = b.CreateZExt(len, i128);
  llvm::Value* ok = b.getTrue();
  auto c128 = [&](int64_t v) { return llvm::ConstantInt::getSigned(i128, v); };
  for (const Access& a : accesses_) {
    const Affine& w = a.w;
    llvm::Value* t64 = nullptr;
    if (w.t) {
      llvm::Value* t = exp.expandCodeFor(w.t, w.t->getType(), at);
      t64 = w.wraps32 ? b.CreateZExt(t, i64) : t;
    }
    // V(0) = zext(t) + c, V(n) = V(0) + n * step, exactly.
    llvm::Value* v0 = c128(w.c);
    if (t64) v0 = b.CreateAdd(b.CreateZExt(t64, i128), v0);
    llvm::Value* vn = b.CreateAdd(v0, b.CreateMul(n, c128(w.step)));
    llvm::Value* lo = w.step >= 0 ? v0 : vn;
    llvm::Value* hi = w.step >= 0 ? vn : v0;
    if (w.wraps32) {
      ok = b.CreateAnd(ok, b.CreateICmpSGE(lo, c128(0)));
      ok = b.CreateAnd(ok, b.CreateICmpSLE(hi, c128(0xFFFFFFFFll)));
    }
    ok = b.CreateAnd(ok, b.CreateICmpSGE(b.CreateAdd(lo, c128(w.k)), c128(0)));
    llvm::Value* end = b.CreateAdd(hi, c128(w.k + static_cast<int64_t>(a.size)));
    ok = b.CreateAnd(ok, b.CreateICmpSLE(end, len128));
    // The fast copy's W(0) as i64: zext(t) + (c + k), so that accesses sharing t differ by a
    // constant for scalar evolution.
    llvm::Value* s = llvm::ConstantInt::getSigned(i64, w.c + w.k);
    starts.push_back(t64 ? b.CreateAdd(t64, s) : s);
  }
  return ok;
}

void Versioner::Transform(llvm::Loop& loop) {
  llvm::formLCSSA(loop, dt_, &li_, &se_);
  llvm::BasicBlock* guard = loop.getLoopPreheader();
  llvm::BasicBlock* ph = llvm::SplitBlock(guard, guard->getTerminator(), &dt_, &li_, nullptr,
                                          loop.getHeader()->getName() + ".nw.ph");
  llvm::IRBuilder<> b(guard->getTerminator());
  llvm::SCEVExpander exp(se_, f_.getDataLayout(), "nw.lv");
  llvm::Value* len_ptr = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), memdef_,
                                                      offsetof(VMMemoryDefinition, length));
  llvm::LoadInst* len = b.CreateAlignedLoad(b.getInt64Ty(), len_ptr, llvm::Align(8));
  std::vector<llvm::Value*> starts;
  llvm::Value* ok = Guard(b, exp, len, starts);
  exp.clear();

  llvm::SmallVector<llvm::BasicBlock*, 4> exits;
  loop.getUniqueExitBlocks(exits);
  llvm::ValueToValueMapTy vmap;
  llvm::SmallVector<llvm::BasicBlock*, 16> blocks;
  llvm::Loop* fast = llvm::cloneLoopWithPreheader(ph, guard, &loop, vmap, ".nw.fast", &li_, &dt_, blocks);
  llvm::remapInstructionsInBlocks(blocks, vmap);
  llvm::BasicBlock* fast_ph = fast->getLoopPreheader();
  guard->getTerminator()->eraseFromParent();
  b.SetInsertPoint(guard);
  b.CreateCondBr(ok, fast_ph, ph, llvm::MDBuilder(f_.getContext()).createLikelyBranchWeights());
  // Exit blocks are shared: their LCSSA phis get the fast copy's values.
  for (llvm::BasicBlock* exit : exits) {
    for (llvm::PHINode& phi : exit->phis()) {
      unsigned count = phi.getNumIncomingValues();
      for (unsigned k = 0; k < count; ++k) {
        llvm::BasicBlock* from = phi.getIncomingBlock(k);
        if (!loop.contains(from)) continue;
        llvm::Value* v = phi.getIncomingValue(k);
        auto it = vmap.find(v);
        phi.addIncoming(it != vmap.end() ? static_cast<llvm::Value*>(it->second) : v, llvm::cast<llvm::BasicBlock>(vmap[from]));
      }
    }
  }

  // The fast copy: one 64-bit induction variable i * step per distinct step.
  llvm::BasicBlock* header = fast->getHeader();
  llvm::BasicBlock* latch = fast->getLoopLatch();
  std::vector<std::pair<int64_t, llvm::Value*>> ivs;
  auto iv_for = [&](int64_t step) -> llvm::Value* {
    for (auto& [s, v] : ivs)
      if (s == step) return v;
    llvm::IRBuilder<> hb(header, header->getFirstInsertionPt());
    llvm::PHINode* phi = hb.CreatePHI(hb.getInt64Ty(), 2, "nw.iv");
    llvm::IRBuilder<> lb(latch->getTerminator());
    llvm::Value* next = lb.CreateAdd(phi, lb.getInt64(static_cast<uint64_t>(step)), "nw.iv.next",
                                     /*HasNUW=*/step > 0, /*HasNSW=*/true);
    phi->addIncoming(lb.getInt64(0), fast_ph);
    phi->addIncoming(next, latch);
    ivs.emplace_back(step, phi);
    return phi;
  };
  llvm::Value* fast_base = base_;
  if (auto it = vmap.find(base_); it != vmap.end()) fast_base = static_cast<llvm::Value*>(it->second);
  for (size_t i = 0; i < accesses_.size(); ++i) {
    const Access& a = accesses_[i];
    auto* inst = llvm::cast<llvm::Instruction>(vmap[a.inst]);
    if (auto* cmp = llvm::dyn_cast<llvm::ICmpInst>(inst)) {
      cmp->replaceAllUsesWith(llvm::ConstantInt::getBool(cmp->getType(), a.folded_value));
      continue;
    }
    llvm::IRBuilder<> ib(inst);
    llvm::Value* idx = starts[i];
    if (a.w.step != 0) idx = ib.CreateAdd(idx, iv_for(a.w.step), "", false, true);
    llvm::Value* ptr = ib.CreateInBoundsGEP(ib.getInt8Ty(), fast_base, idx);
    if (auto* l = llvm::dyn_cast<llvm::LoadInst>(inst)) {
      l->setOperand(l->getPointerOperandIndex(), ptr);
      l->setVolatile(false);
    } else if (auto* s = llvm::dyn_cast<llvm::StoreInst>(inst)) {
      s->setOperand(s->getPointerOperandIndex(), ptr);
      s->setVolatile(false);
    }
  }
  dt_.recalculate(f_);
  llvm::formDedicatedExitBlocks(&loop, &dt_, &li_, nullptr, true);
  llvm::formDedicatedExitBlocks(fast, &dt_, &li_, nullptr, true);
  se_.forgetLoop(&loop);
  for (llvm::BasicBlock* exit : exits)
    for (llvm::PHINode& phi : exit->phis()) se_.forgetValue(&phi);
}

}  // namespace

bool LoopVersioningEnabled() {
  const char* env = std::getenv("NANOWASM_OPT_LOOP_VERSION");
  return !env || std::string_view(env) != "0";
}

llvm::PreservedAnalyses LoopVersionPass::run(llvm::Function& f, llvm::FunctionAnalysisManager& fam) {
  auto& li = fam.getResult<llvm::LoopAnalysis>(f);
  auto& dt = fam.getResult<llvm::DominatorTreeAnalysis>(f);
  auto& se = fam.getResult<llvm::ScalarEvolutionAnalysis>(f);
  std::vector<llvm::Loop*> innermost;
  for (llvm::Loop* l : li.getLoopsInPreorder())
    if (l->isInnermost()) innermost.push_back(l);
  Versioner v(f, dt, li, se, tbaa_mem_);
  bool changed = false;
  for (llvm::Loop* l : innermost) changed |= v.Run(*l);
  if (!changed) return llvm::PreservedAnalyses::all();
  return llvm::PreservedAnalyses::none();
}

}  // namespace nw::opt

// Exact loop versioning (loop_version.h). For an innermost loop whose linear-memory accesses
// are all `base + W(i)` with W affine in the iteration number i, the guard block before it
// computes, in 128-bit arithmetic, W at the first and at the last possible iteration (the
// symbolic maximum backedge-taken count) and requires for every access:
//   - the i32 address wasm computes does not wrap over those iterations (so the 64-bit affine
//     value equals zext of the wrapped i32 one), and
//   - [W, W + size) lies within the memory's current length for both ends (W is monotone).
// Then no access of the loop can trap, whatever path an iteration takes, and the fast copy,
// whose accesses are non-volatile at `base + start + i * step` (pointer induction variables
// with inbounds steps, which scalar evolution sees as non-wrapping recurrences with constant
// distances between accesses that share their variable part), and whose comparisons of an
// access end against the length are folded, computes exactly what the original would: same
// values, same memory, same traps (a trap of another kind leaves the loop as before, with
// every earlier store done: LLVM keeps stores before the opaque trap call). The loop must have
// no calls (a call could grow memory) other than intrinsics without memory effects and
// side-effect-free inline asm. Loops counted down (or up) to zero in steps of 2^k, as C
// compilers emit after unrolling, have no trip count scalar evolution can compute; the guard
// then also requires the counter's start to be a multiple of 2^k (SteppedCount). Not here:
// deciding what to vectorize (LLVM's loop vectorizer, which runs next).
#include "opt/loop_version.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
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
#include <llvm/IR/PatternMatch.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/LoopSimplify.h>
#include <llvm/Transforms/Utils/LoopUtils.h>
#include <llvm/Transforms/Utils/ScalarEvolutionExpander.h>

#include "runtime/vm_offsets.h"

namespace nw::opt {
namespace {

using llvm::SCEV;

std::atomic<uint64_t> g_versioned{0};
std::atomic<uint64_t> g_rejected{0};

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
  if (!c || c->getAPInt().getSignificantBits() > 63)
    return std::nullopt;
  return c->getAPInt().getSExtValue();
}

// The constant part of e, recursively through the starts of outer loops' recurrences:
// {C + S,+,X}<outer> is C + {S,+,X}<outer>. Sets a.t to the rest (null for none) and a.c to C,
// so that accesses at t + 8 and t + 16 (a row's even and odd elements) share t.
void SplitConstant(const SCEV* e, llvm::ScalarEvolution& se, Affine& a) {
  std::function<const SCEV*(const SCEV*, int64_t&)> split = [&](const SCEV* x,
                                                                int64_t& c) -> const SCEV* {
    if (auto v = ConstOf(x)) {
      c = *v;
      return nullptr;
    }
    if (auto* add = llvm::dyn_cast<llvm::SCEVAddExpr>(x)) {
      // Each operand's constant part: a constant, or an outer recurrence's start (t + 8 and t
      // + 16 can be `8 * j + {1032,+,7200}<outer>`, the constant inside).
      int64_t total = 0;
      llvm::SmallVector<const SCEV*, 4> rest;
      for (const SCEV* op : add->operands()) {
        int64_t oc = 0;
        const SCEV* r = split(op, oc);
        if (oc != 0 && std::abs(total + oc) < (int64_t{1} << 40)) {
          total += oc;
          if (r)
            rest.push_back(r);
        } else {
          rest.push_back(op);
        }
      }
      c = total;
      if (total == 0)
        return x;
      return rest.empty() ? nullptr : se.getAddExpr(rest);
    }
    if (auto* ar = llvm::dyn_cast<llvm::SCEVAddRecExpr>(x); ar && ar->isAffine()) {
      const SCEV* start = split(ar->getStart(), c);
      if (c != 0)
        return se.getAddRecExpr(start ? start : se.getZero(x->getType()), ar->getStepRecurrence(se),
                                ar->getLoop(), llvm::SCEV::FlagAnyWrap);
    }
    c = 0;
    return x;
  };
  int64_t c = 0;
  a.t = split(e, c);
  a.c = c;
}

// Decomposes a 64-bit offset from the memory base.
std::optional<Affine> Decompose(const SCEV* off,
                                const llvm::Loop& loop,
                                llvm::ScalarEvolution& se) {
  Affine a;
  const SCEV* term = nullptr;
  auto add_op = [&](const SCEV* op) {
    if (auto c = ConstOf(op)) {
      a.k += *c;
      return std::abs(a.k) < (int64_t{1} << 40);
    }
    if (term)
      return false;
    term = op;
    return true;
  };
  if (auto* add = llvm::dyn_cast<llvm::SCEVAddExpr>(off)) {
    for (const SCEV* op : add->operands())
      if (!add_op(op))
        return std::nullopt;
  } else if (!add_op(off)) {
    return std::nullopt;
  }
  if (!term)
    return a;
  // Start and step of an expression affine in this loop (or invariant in it).
  auto affine = [&](const SCEV* e, const SCEV*& start) -> bool {
    if (auto* ar = llvm::dyn_cast<llvm::SCEVAddRecExpr>(e)) {
      if (ar->getLoop() != &loop || !ar->isAffine())
        return false;
      auto step = ConstOf(ar->getStepRecurrence(se));
      if (!step || std::abs(*step) > (int64_t{1} << 40))
        return false;
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
    if (!affine(z->getOperand(), start))
      return std::nullopt;
    SplitConstant(start, se, a);
    return a;
  }
  if (!term->getType()->isIntegerTy(64) || !affine(term, start))
    return std::nullopt;
  SplitConstant(start, se, a);
  return a;
}

bool AllowedCall(const llvm::CallBase& call) {
  if (auto* asm_ = llvm::dyn_cast<llvm::InlineAsm>(call.getCalledOperand()))
    return !asm_->hasSideEffects();
  const llvm::Function* callee = call.getCalledFunction();
  return callee && callee->isIntrinsic() && call.doesNotAccessMemory() && call.willReturn() &&
         call.doesNotThrow();
}

// The memory definition pointer of an access's base: `load ptr, ptr %memdef` (base at offset 0);
// %memdef is the invariant load of memory i's vmctx slot, so accesses of different memories
// have different definitions (SameMemDef compares the slots).
llvm::Value* MemDefOf(const SCEV* base) {
  auto* u = llvm::dyn_cast<llvm::SCEVUnknown>(base);
  if (!u)
    return nullptr;
  llvm::Value* v = u->getValue();
  // Through LCSSA phis (an earlier versioned loop's exit), whose incoming values are one value.
  while (auto* phi = llvm::dyn_cast<llvm::PHINode>(v)) {
    llvm::Value* same = phi->hasConstantValue();
    if (!same)
      return nullptr;
    v = same;
  }
  auto* l = llvm::dyn_cast<llvm::LoadInst>(v);
  if (!l || !l->getType()->isPointerTy() || l->isVolatile())
    return nullptr;
  return l->getPointerOperand();
}

// Whether a and b are the same memory definition pointer: one value, or invariant loads of one
// vmctx slot (GVN does not always merge them).
bool SameMemDef(const llvm::Value* a, const llvm::Value* b, int depth = 0) {
  if (a == b)
    return true;
  auto* la = llvm::dyn_cast<llvm::LoadInst>(a);
  auto* lb = llvm::dyn_cast<llvm::LoadInst>(b);
  if (!la || !lb || depth > 2 || !la->getMetadata(llvm::LLVMContext::MD_invariant_load) ||
      !lb->getMetadata(llvm::LLVMContext::MD_invariant_load) || la->getType() != lb->getType())
    return false;
  auto* ga = llvm::dyn_cast<llvm::GEPOperator>(la->getPointerOperand());
  auto* gb = llvm::dyn_cast<llvm::GEPOperator>(lb->getPointerOperand());
  if (ga && gb) {
    if (!ga->hasAllConstantIndices() || !gb->hasAllConstantIndices() ||
        ga->getNumOperands() != gb->getNumOperands() ||
        ga->getSourceElementType() != gb->getSourceElementType())
      return false;
    for (unsigned i = 1; i < ga->getNumOperands(); ++i)
      if (ga->getOperand(i) != gb->getOperand(i))
        return false;
    return SameMemDef(ga->getPointerOperand(), gb->getPointerOperand(), depth + 1);
  }
  return !ga && !gb && SameMemDef(la->getPointerOperand(), lb->getPointerOperand(), depth + 1);
}

// Whether `v` is the memory length: `load i64, (gep i8 %memdef, 8)`, or a phi of such loads
// (LLVM merged the per-access loads func_gen emits; with no store to the length between them
// and the loop, every one is the length when the loop runs).
bool IsLengthLoad(llvm::Value* v, llvm::Value* memdef, int depth = 0) {
  if (auto* phi = llvm::dyn_cast<llvm::PHINode>(v)) {
    if (depth > 3)
      return false;
    for (llvm::Value* in : phi->incoming_values())
      if (in != phi && !IsLengthLoad(in, memdef, depth + 1))
        return false;
    return true;
  }
  auto* l = llvm::dyn_cast<llvm::LoadInst>(v);
  if (!l || l->isVolatile() || l->isAtomic() || !l->getType()->isIntegerTy(64))
    return false;
  auto* gep = llvm::dyn_cast<llvm::GEPOperator>(l->getPointerOperand());
  if (!gep || !SameMemDef(gep->getPointerOperand(), memdef) || gep->getNumIndices() != 1 ||
      !gep->getSourceElementType()->isIntegerTy(8))
    return false;
  auto* c = llvm::dyn_cast<llvm::ConstantInt>(gep->idx_begin()->get());
  return c && c->getZExtValue() == offsetof(VMMemoryDefinition, length);
}

// NANOWASM_OPT_LOOP_VERSION=verbose: each innermost loop's outcome on stderr (experiments).
bool Verbose() {
  const char* env = std::getenv("NANOWASM_OPT_LOOP_VERSION");
  return env && std::string_view(env) == "verbose";
}

class Versioner {
 public:
  Versioner(llvm::Function& f,
            llvm::DominatorTree& dt,
            llvm::LoopInfo& li,
            llvm::ScalarEvolution& se,
            const llvm::MDNode* tbaa_mem)
      : f_(f), dt_(dt), li_(li), se_(se), tbaa_mem_(tbaa_mem) {}

  bool Run(llvm::Loop& loop) {
    // LoopVectorize puts loops in this form itself; at this point they may not be yet.
    bool changed = llvm::simplifyLoop(&loop, &dt_, &li_, &se_, nullptr, nullptr, false);
    if (changed)
      se_.forgetLoop(&loop);
    if (!Analyze(loop)) {
      if (why_[0])
        g_rejected.fetch_add(1, std::memory_order_relaxed);
      if (Verbose() && why_[0])
        llvm::errs() << "loop_version: " << f_.getName() << " " << loop.getHeader()->getName()
                     << ": not versioned (" << why_ << ")\n";
      return changed;
    }
    if (Verbose()) {
      llvm::errs() << "loop_version: " << f_.getName() << " " << loop.getHeader()->getName()
                   << ": versioned, " << accesses_.size() - compares_.size() << " accesses, "
                   << compares_.size() << " bounds checks folded\n";
      for (const Access& a : accesses_) {
        llvm::errs() << "  t=";
        if (a.w.t)
          a.w.t->print(llvm::errs());
        llvm::errs() << " c=" << a.w.c << " k=" << a.w.k << " step=" << a.w.step
                     << (a.w.wraps32 ? " (i32)" : "") << " size=" << a.size << "\n";
      }
    }
    Transform(loop);
    g_versioned.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

 private:
  bool Analyze(llvm::Loop& loop);
  bool AddAccess(llvm::Instruction& inst, llvm::Value* ptr, uint64_t size);
  bool CanHoist(llvm::Value* v, llvm::Instruction* at, int depth = 0);
  llvm::Value* Hoist(llvm::Value* v, llvm::Instruction* at);
  void AddLengthCompare(llvm::ICmpInst& cmp);
  const SCEV* SteppedCount(llvm::Loop& loop);
  llvm::Value* Guard(llvm::IRBuilder<>& b,
                     llvm::SCEVExpander& exp,
                     llvm::Value* len,
                     std::vector<llvm::Value*>& t64s);
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
  llvm::Value* btc_value_ = nullptr;  // btc_ expanded in the guard block
  // A count-down exit whose trip count needs a divisibility condition (SteppedCount): the
  // latch's comparison, and the counter's start, whose low `stepped_mask_` bits must be zero.
  llvm::ICmpInst* stepped_cmp_ = nullptr;
  const SCEV* stepped_start_ = nullptr;
  uint64_t stepped_mask_ = 0;
  std::vector<Access> accesses_;
  std::vector<llvm::ICmpInst*> compares_;
  std::vector<llvm::StoreInst*> state_stores_;  // volatile stores of globals and fuel
  const char* why_ = "";  // why the last loop analysed is not versioned (verbose mode)
  bool Reject(const char* why) {
    why_ = why;
    return false;
  }
};

// The memory base and definition are vmctx loads (the vmctx is always dereferenceable, the
// base !invariant.load); with explicit checks LICM leaves them in the loop (after a check
// they are not guaranteed to execute). The guard loads them again before the loop.
bool Versioner::CanHoist(llvm::Value* v, llvm::Instruction* at, int depth) {
  auto* inst = llvm::dyn_cast<llvm::Instruction>(v);
  if (!inst || dt_.dominates(inst, at))
    return true;
  if (depth > 4)
    return false;
  if (auto* l = llvm::dyn_cast<llvm::LoadInst>(inst)) {
    if (l->isVolatile() || l->isAtomic() || !l->getMetadata(llvm::LLVMContext::MD_invariant_load))
      return false;
    return CanHoist(l->getPointerOperand(), at, depth + 1);
  }
  if (auto* gep = llvm::dyn_cast<llvm::GetElementPtrInst>(inst))
    return gep->hasAllConstantIndices() && CanHoist(gep->getPointerOperand(), at, depth + 1);
  return false;
}
llvm::Value* Versioner::Hoist(llvm::Value* v, llvm::Instruction* at) {
  auto* inst = llvm::dyn_cast<llvm::Instruction>(v);
  if (!inst || dt_.dominates(inst, at))
    return v;
  llvm::Instruction* copy = inst->clone();
  // Operand 0 is the pointer of a load and of a GEP; a GEP's indices are constants.
  copy->setOperand(0, Hoist(inst->getOperand(0), at));
  copy->insertBefore(at);
  return copy;
}

bool Versioner::AddAccess(llvm::Instruction& inst, llvm::Value* ptr, uint64_t size) {
  const SCEV* p = se_.getSCEV(ptr);
  const SCEV* base = se_.getPointerBase(p);
  llvm::Value* memdef = MemDefOf(base);
  if (!memdef || (memdef_ && !SameMemDef(memdef, memdef_))) {
    return Reject("an access not based on the loop's one memory base (another memory, or none)");
  }
  if (!memdef_) {
    memdef_ = memdef;
    base_ = llvm::cast<llvm::SCEVUnknown>(base)->getValue();
  }
  std::optional<Affine> w = Decompose(se_.removePointerBase(p), *loop_, se_);
  if (!w) {
    return Reject("an address not affine in the loop");
  }
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
  if (IsLengthLoad(b, memdef_) &&
      (pred == llvm::ICmpInst::ICMP_UGT || pred == llvm::ICmpInst::ICMP_ULE)) {
    end = a;
    value = pred == llvm::ICmpInst::ICMP_ULE;
  } else if (IsLengthLoad(a, memdef_) &&
             (pred == llvm::ICmpInst::ICMP_ULT || pred == llvm::ICmpInst::ICMP_UGE)) {
    end = b;
    value = pred == llvm::ICmpInst::ICMP_UGE;
  }
  if (!end || !end->getType()->isIntegerTy(64))
    return;
  std::optional<Affine> w = Decompose(se_.getSCEV(end), *loop_, se_);
  if (!w)
    return;
  accesses_.push_back({&cmp, *w, 0, value});
  compares_.push_back(&cmp);
}

bool Versioner::Analyze(llvm::Loop& loop) {
  loop_ = &loop;
  why_ = "";
  memdef_ = base_ = nullptr;
  accesses_.clear();
  compares_.clear();
  state_stores_.clear();
  if (!loop.isInnermost() || !loop.isLoopSimplifyForm())
    return false;
  const llvm::DataLayout& dl = f_.getDataLayout();
  std::vector<llvm::ICmpInst*> cmps;
  for (llvm::BasicBlock* bb : loop.blocks()) {
    for (llvm::Instruction& inst : *bb) {
      if (auto* call = llvm::dyn_cast<llvm::CallBase>(&inst)) {
        if (!AllowedCall(*call))
          return Reject("a call");
      } else if (auto* l = llvm::dyn_cast<llvm::LoadInst>(&inst)) {
        if (l->getMetadata(llvm::LLVMContext::MD_tbaa) != tbaa_mem_) {
          if (l->isVolatile())
            return Reject("a volatile load");
          continue;
        }
        if (l->isAtomic() ||
            !AddAccess(inst, l->getPointerOperand(), dl.getTypeStoreSize(l->getType())))
          return false;
      } else if (auto* s = llvm::dyn_cast<llvm::StoreInst>(&inst)) {
        if (s->getMetadata(llvm::LLVMContext::MD_tbaa) != tbaa_mem_) {
          // A global.set or fuel charge, volatile in the exact guard-region mode so that it
          // stays before a faulting access (func_gen.cc, OrderedStateStores); ordinary again
          // in the fast copy, where no access faults.
          if (s->isVolatile())
            state_stores_.push_back(s);
          continue;
        }
        if (s->isAtomic() || !AddAccess(inst, s->getPointerOperand(),
                                        dl.getTypeStoreSize(s->getValueOperand()->getType())))
          return false;
      } else if (inst.mayReadOrWriteMemory() && !llvm::isa<llvm::FenceInst>(inst)) {
        return Reject("an atomic access or a memory intrinsic");
      } else if (auto* cmp = llvm::dyn_cast<llvm::ICmpInst>(&inst)) {
        cmps.push_back(cmp);
      }
    }
  }
  if (accesses_.empty())
    return false;
  for (llvm::ICmpInst* cmp : cmps)
    AddLengthCompare(*cmp);
  btc_ = se_.getSymbolicMaxBackedgeTakenCount(&loop);
  stepped_cmp_ = nullptr;
  if (llvm::isa<llvm::SCEVCouldNotCompute>(btc_))
    btc_ = SteppedCount(loop);
  if (llvm::isa<llvm::SCEVCouldNotCompute>(btc_) || btc_->getType()->getIntegerBitWidth() > 64)
    return Reject("no computable trip count");
  // Everything the guard computes must be computable before the loop.
  llvm::Instruction* at = loop.getLoopPreheader()->getTerminator();
  if (!CanHoist(memdef_, at) || !CanHoist(base_, at))
    return Reject("memory base not available before the loop");
  llvm::SCEVExpander exp(se_, f_.getDataLayout(), "nw.lv");
  if (!exp.isSafeToExpandAt(btc_, at))
    return Reject("trip count not computable before the loop");
  for (const Access& a : accesses_)
    if (a.w.t && !exp.isSafeToExpandAt(a.w.t, at))
      return Reject("an address not computable before the loop");
  return true;
}

// A loop exiting at its latch when a counter X = {start, +, ±2^k}, k >= 1, reaches zero: what
// C compilers emit for a loop they unrolled by 2^k (the remaining count, stepped down by 2^k
// after a peeled iteration; poly_covariance's hot loop). Scalar evolution gives it no trip
// count, as X could step over zero and wrap. When start is a multiple of 2^k it cannot: X is
// zero first after exactly |start| / 2^k backedges (start / 2^k counting down, -start / 2^k up,
// in X's width), which is then the exact count of this exit (other exits can only end the loop
// sooner, so it bounds the loop). The guard adds "start is a multiple of 2^k", and the fast
// copy exits on a canonical counter reaching that count instead (same iteration), which the
// loop vectorizer can analyse. Returns the count, or CouldNotCompute.
const SCEV* Versioner::SteppedCount(llvm::Loop& loop) {
  const SCEV* none = se_.getCouldNotCompute();
  auto* br = llvm::dyn_cast<llvm::BranchInst>(loop.getLoopLatch()->getTerminator());
  if (!br || !br->isConditional())
    return none;
  auto* cmp = llvm::dyn_cast<llvm::ICmpInst>(br->getCondition());
  if (!cmp || !cmp->isEquality() || !cmp->getOperand(0)->getType()->isIntegerTy())
    return none;
  llvm::Value* x = cmp->getOperand(0);
  if (llvm::PatternMatch::match(x, llvm::PatternMatch::m_Zero()))
    x = cmp->getOperand(1);
  else if (!llvm::PatternMatch::match(cmp->getOperand(1), llvm::PatternMatch::m_Zero()))
    return none;
  // The successor taken when X == 0 must leave the loop, the other stay in it.
  const unsigned on_zero = cmp->getPredicate() == llvm::ICmpInst::ICMP_EQ ? 0 : 1;
  if (loop.contains(br->getSuccessor(on_zero)) || !loop.contains(br->getSuccessor(1 - on_zero)))
    return none;
  auto* ar = llvm::dyn_cast<llvm::SCEVAddRecExpr>(se_.getSCEV(x));
  if (!ar || ar->getLoop() != &loop || !ar->isAffine() ||
      !se_.isLoopInvariant(ar->getStart(), &loop))
    return none;
  auto* step = llvm::dyn_cast<llvm::SCEVConstant>(ar->getStepRecurrence(se_));
  if (!step)
    return none;
  llvm::APInt magnitude = step->getAPInt().abs();
  if (!magnitude.isPowerOf2() || magnitude.isOne() || magnitude.getActiveBits() > 63)
    return none;
  const SCEV* start = ar->getStart();
  const SCEV* distance = step->getAPInt().isNegative() ? start : se_.getNegativeSCEV(start);
  stepped_cmp_ = cmp;
  stepped_start_ = start;
  stepped_mask_ = magnitude.getZExtValue() - 1;
  return se_.getUDivExpr(distance, se_.getConstant(magnitude));
}

// The guard's condition (true: the fast copy may run); fills `t64s` with each access's zext(t)
// (null for none), for the fast copy's addresses.
llvm::Value* Versioner::Guard(llvm::IRBuilder<>& b,
                              llvm::SCEVExpander& exp,
                              llvm::Value* len,
                              std::vector<llvm::Value*>& t64s) {
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Type* i128 = b.getIntNTy(128);
  llvm::Instruction* at = &*b.GetInsertPoint();
  btc_value_ = exp.expandCodeFor(btc_, btc_->getType(), at);
  llvm::Value* n = b.CreateZExt(btc_value_, i128);
  llvm::Value* len128 = b.CreateZExt(len, i128);
  llvm::Value* ok = b.getTrue();
  if (stepped_cmp_) {
    llvm::Value* start = exp.expandCodeFor(stepped_start_, stepped_start_->getType(), at);
    llvm::Value* low = b.CreateAnd(start, llvm::ConstantInt::get(start->getType(), stepped_mask_));
    ok = b.CreateAnd(ok, b.CreateICmpEQ(low, llvm::ConstantInt::get(start->getType(), 0)));
  }
  auto c128 = [&](int64_t v) { return llvm::ConstantInt::getSigned(i128, v); };
  // zext(t) per distinct t, then one range per (t, step): accesses at t + c + i * step differ
  // only in c, so the extremes of c (and of c + k, c + k + size) bound them all.
  struct Group {
    const SCEV* t;
    bool wraps32;
    int64_t step;
    llvm::Value* t64;
    int64_t c_min, c_max, ck_min, end_max;
  };
  std::vector<Group> groups;
  for (const Access& a : accesses_) {
    const Affine& w = a.w;
    llvm::Value* t64 = nullptr;
    for (const Group& g : groups)
      if (g.t == w.t && g.wraps32 == w.wraps32)
        t64 = g.t64;
    if (w.t && !t64) {
      llvm::Value* t = exp.expandCodeFor(w.t, w.t->getType(), at);
      t64 = w.wraps32 ? b.CreateZExt(t, i64) : t;
    }
    t64s.push_back(t64);
    const int64_t ck = w.c + w.k, end = ck + static_cast<int64_t>(a.size);
    Group* group = nullptr;
    for (Group& g : groups)
      if (g.t == w.t && g.wraps32 == w.wraps32 && g.step == w.step)
        group = &g;
    if (!group) {
      groups.push_back({w.t, w.wraps32, w.step, t64, w.c, w.c, ck, end});
      continue;
    }
    group->c_min = std::min(group->c_min, w.c);
    group->c_max = std::max(group->c_max, w.c);
    group->ck_min = std::min(group->ck_min, ck);
    group->end_max = std::max(group->end_max, end);
  }
  for (const Group& g : groups) {
    // V(i) - c = zext(t) + i * step, exactly, at i = 0 and i = n: its low and high ends.
    llvm::Value* v0 = g.t64 ? b.CreateZExt(g.t64, i128) : c128(0);
    llvm::Value* vn = b.CreateAdd(v0, b.CreateMul(n, c128(g.step)));
    llvm::Value* lo = g.step >= 0 ? v0 : vn;
    llvm::Value* hi = g.step >= 0 ? vn : v0;
    if (g.wraps32) {
      ok = b.CreateAnd(ok, b.CreateICmpSGE(b.CreateAdd(lo, c128(g.c_min)), c128(0)));
      ok = b.CreateAnd(ok, b.CreateICmpSLE(b.CreateAdd(hi, c128(g.c_max)), c128(0xFFFFFFFFll)));
    }
    ok = b.CreateAnd(ok, b.CreateICmpSGE(b.CreateAdd(lo, c128(g.ck_min)), c128(0)));
    ok = b.CreateAnd(ok, b.CreateICmpSLE(b.CreateAdd(hi, c128(g.end_max)), len128));
  }
  return ok;
}

void Versioner::Transform(llvm::Loop& loop) {
  // The base and memory definition loaded before the loop replace the loop's own loads
  // everywhere (same values), so that no LCSSA phi merges two copies of them after the loop.
  for (llvm::Value** v : {&memdef_, &base_}) {
    llvm::Value* hoisted = Hoist(*v, loop.getLoopPreheader()->getTerminator());
    if (hoisted != *v) {
      (*v)->replaceAllUsesWith(hoisted);
      *v = hoisted;
    }
  }
  llvm::formLCSSA(loop, dt_, &li_, &se_);
  llvm::BasicBlock* guard = loop.getLoopPreheader();
  llvm::BasicBlock* ph = llvm::SplitBlock(guard, guard->getTerminator(), &dt_, &li_, nullptr,
                                          loop.getHeader()->getName() + ".nw.ph");
  llvm::IRBuilder<> b(guard->getTerminator());
  llvm::SCEVExpander exp(se_, f_.getDataLayout(), "nw.lv");
  llvm::Value* len_ptr =
      b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), memdef_, offsetof(VMMemoryDefinition, length));
  llvm::LoadInst* len = b.CreateAlignedLoad(b.getInt64Ty(), len_ptr, llvm::Align(8));
  std::vector<llvm::Value*> t64s;
  llvm::Value* ok = Guard(b, exp, len, t64s);
  exp.clear();

  llvm::SmallVector<llvm::BasicBlock*, 4> exits;
  loop.getUniqueExitBlocks(exits);
  llvm::ValueToValueMapTy vmap;
  llvm::SmallVector<llvm::BasicBlock*, 16> blocks;
  llvm::Loop* fast =
      llvm::cloneLoopWithPreheader(ph, guard, &loop, vmap, ".nw.fast", &li_, &dt_, blocks);
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
        if (!loop.contains(from))
          continue;
        llvm::Value* v = phi.getIncomingValue(k);
        auto it = vmap.find(v);
        phi.addIncoming(it != vmap.end() ? static_cast<llvm::Value*>(it->second) : v,
                        llvm::cast<llvm::BasicBlock>(vmap[from]));
      }
    }
  }

  // The fast copy: one pointer induction variable per distinct load address and one per store
  // (see ptr_for), stepped by an inbounds GEP, which scalar evolution knows cannot wrap (so
  // the loop vectorizer's dependence analysis gets strides and constant distances, e.g.
  // between a row's even and odd elements). Accesses
  // sharing the variable part t of their address are based on one pointer `base + zext(t)`
  // passed through an empty asm: LLVM then sees one underlying object per t, and analyses
  // accesses to the same one statically (constant distances) and checks the others at run
  // time, as for C arrays; with the memory base as the one object, a single unknown distance
  // (two rows of one matrix) forces run-time checks between all pairs, and those between the
  // even and odd elements of a row always fail.
  llvm::BasicBlock* header = fast->getHeader();
  llvm::BasicBlock* latch = fast->getLoopLatch();
  llvm::IRBuilder<> pb(fast_ph->getTerminator());
  struct Object {
    const SCEV* t;
    bool wraps32;
    llvm::Value* ptr;
  };
  std::vector<Object> objects;
  auto object_for = [&](const Access& a, llvm::Value* t64) -> llvm::Value* {
    for (const Object& o : objects)
      if (o.t == a.w.t && o.wraps32 == a.w.wraps32)
        return o.ptr;
    // Plain GEPs: base + zext(t) alone need not be inside the memory.
    llvm::Value* p = t64 ? pb.CreateGEP(pb.getInt8Ty(), base_, t64) : base_;
    auto* fty = llvm::FunctionType::get(pb.getPtrTy(), {pb.getPtrTy()}, false);
    llvm::Value* o = pb.CreateCall(llvm::InlineAsm::get(fty, "", "=r,0", false), {p}, "nw.obj");
    objects.push_back({a.w.t, a.w.wraps32, o});
    return o;
  };
  struct Key {
    const SCEV* t;
    bool wraps32;
    int64_t start, step;
    llvm::Value* ptr;
  };
  std::vector<Key> ptrs;
  // A store gets a pointer of its own, shared with no other access. LoopAccessAnalysis (LLVM
  // 19) keys accesses by (pointer value, is-write) and checks dependences only between
  // different keys: two stores through one pointer value are taken as one access, and their
  // overlap across iterations (an 8-byte store at p + 4i then a 4-byte one at p + 4(i + 1),
  // or two 8-byte ones at stride 4) goes unseen, so the vectorizer could reorder them (issue
  // 14, loop versioning fuzzer seed 12169). With one value per store every pair is analysed,
  // with each access's own width; a load's key never equals a store's, and loads may share.
  auto ptr_for = [&](const Access& a, llvm::Value* t64, bool own) -> llvm::Value* {
    const int64_t at = a.w.c + a.w.k;
    for (const Key& k : ptrs)
      if (!own && k.t == a.w.t && k.wraps32 == a.w.wraps32 && k.start == at &&
          k.step == a.w.step)
        return k.ptr;
    llvm::Value* first = pb.CreateGEP(pb.getInt8Ty(), object_for(a, t64),
                                      pb.getInt64(static_cast<uint64_t>(at)), "nw.p0");
    llvm::Value* ptr = first;
    if (a.w.step != 0) {
      llvm::IRBuilder<> hb(header, header->getFirstInsertionPt());
      llvm::PHINode* phi = hb.CreatePHI(pb.getPtrTy(), 2, "nw.p");
      llvm::IRBuilder<> lb(latch->getTerminator());
      llvm::Value* next = lb.CreateInBoundsGEP(
          lb.getInt8Ty(), phi, lb.getInt64(static_cast<uint64_t>(a.w.step)), "nw.p.next");
      phi->addIncoming(first, fast_ph);
      phi->addIncoming(next, latch);
      ptr = phi;
    }
    if (!own)
      ptrs.push_back({a.w.t, a.w.wraps32, at, a.w.step, ptr});
    return ptr;
  };
  if (stepped_cmp_) {
    // Iteration i's X is zero exactly when i equals the count (SteppedCount, the guard).
    llvm::IRBuilder<> hb(header, header->getFirstInsertionPt());
    llvm::PHINode* iv = hb.CreatePHI(btc_value_->getType(), 2, "nw.i");
    llvm::IRBuilder<> lb(latch->getTerminator());
    // nuw: i + 1 <= count + 1 <= 2^(w-1). Not nsw: the last iteration's i + 1 (unused) can
    // be 2^(w-1).
    llvm::Value* next = lb.CreateAdd(iv, llvm::ConstantInt::get(iv->getType(), 1), "nw.i.next",
                                     /*HasNUW=*/true);
    iv->addIncoming(llvm::ConstantInt::get(iv->getType(), 0), fast_ph);
    iv->addIncoming(next, latch);
    auto* cmp = llvm::cast<llvm::ICmpInst>(vmap[stepped_cmp_]);
    cmp->setOperand(0, iv);
    cmp->setOperand(1, btc_value_);
  }
  for (size_t i = 0; i < accesses_.size(); ++i) {
    const Access& a = accesses_[i];
    auto* inst = llvm::cast<llvm::Instruction>(vmap[a.inst]);
    if (auto* cmp = llvm::dyn_cast<llvm::ICmpInst>(inst)) {
      cmp->replaceAllUsesWith(llvm::ConstantInt::getBool(cmp->getType(), a.folded_value));
      continue;
    }
    llvm::Value* ptr = ptr_for(a, t64s[i], llvm::isa<llvm::StoreInst>(inst));
    if (auto* l = llvm::dyn_cast<llvm::LoadInst>(inst)) {
      l->setOperand(l->getPointerOperandIndex(), ptr);
      l->setVolatile(false);
    } else if (auto* s = llvm::dyn_cast<llvm::StoreInst>(inst)) {
      s->setOperand(s->getPointerOperandIndex(), ptr);
      s->setVolatile(false);
    }
  }
  for (llvm::StoreInst* s : state_stores_)
    llvm::cast<llvm::StoreInst>(vmap[s])->setVolatile(false);
  dt_.recalculate(f_);
  llvm::formDedicatedExitBlocks(&loop, &dt_, &li_, nullptr, true);
  llvm::formDedicatedExitBlocks(fast, &dt_, &li_, nullptr, true);
  se_.forgetLoop(&loop);
  for (llvm::BasicBlock* exit : exits)
    for (llvm::PHINode& phi : exit->phis())
      se_.forgetValue(&phi);
}

}  // namespace

bool LoopVersioningEnabled() {
  const char* env = std::getenv("NANOWASM_OPT_LOOP_VERSION");
  return !env || std::string_view(env) != "0";
}

bool LoopVersionPrintEnabled() {
  const char* env = std::getenv("NANOWASM_OPT_LOOP_VERSION");
  return env && std::string_view(env) == "print";
}

LoopVersionCounts LoopVersionCountsSoFar() {
  return {g_versioned.load(std::memory_order_relaxed), g_rejected.load(std::memory_order_relaxed)};
}

llvm::PreservedAnalyses LoopVersionPass::run(llvm::Function& f,
                                             llvm::FunctionAnalysisManager& fam) {
  auto& li = fam.getResult<llvm::LoopAnalysis>(f);
  auto& dt = fam.getResult<llvm::DominatorTreeAnalysis>(f);
  auto& se = fam.getResult<llvm::ScalarEvolutionAnalysis>(f);
  std::vector<llvm::Loop*> innermost;
  for (llvm::Loop* l : li.getLoopsInPreorder())
    if (l->isInnermost())
      innermost.push_back(l);
  Versioner v(f, dt, li, se, tbaa_mem_);
  bool changed = false;
  for (llvm::Loop* l : innermost)
    changed |= v.Run(*l);
  if (!changed)
    return llvm::PreservedAnalyses::all();
  return llvm::PreservedAnalyses::none();
}

}  // namespace nw::opt

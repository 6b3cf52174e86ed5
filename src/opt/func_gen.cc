// The opt tier's function-body generator: a consumer of the one function-body decoder
// (validate/body_decoder.h) that emits LLVM IR for one function while it is validated.
//
// Values: the wasm operand stack is a stack of SSA values at translation time; locals are
// allocas (SROA/mem2reg turn them into SSA). Control: each block/if has a merge block whose
// phis take the block's results, each loop a header whose phis take its parameters; a frame
// opened in dead code is marked dead and emits nothing. Traps branch to one block per trap
// kind that calls the runtime's Trap builtin (noreturn), so the hot path stays straight.
// Semantics follow the spec exactly (trapping division and truncation, masked shifts,
// NaN-propagating min/max with -0 < +0, round-to-even nearest); a NaN result is whatever x86
// gives unless Options::canonicalize_nans says otherwise, as in the interpreter.
// Not here: module-level declarations, trampolines and the pass pipeline (compiler.cc).
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Intrinsics.h>

#include "opt/fuel.h"
#include "opt/func_gen_simd.h"
#include "opt/ir.h"
#include "validate/body_decoder_impl.h"

namespace nw::opt {
namespace {

using llvm::BasicBlock;
using llvm::PHINode;
using llvm::Type;
using llvm::Value;
using NanMode = Config::NanCanonicalization;

// Leaf functions at most this big skip the stack check (their frames stay far below
// kStackRedZone).
constexpr size_t kLeafMaxLocals = 64;
constexpr size_t kLeafMaxBodyBytes = 4096;
constexpr size_t kNumTrapKinds = static_cast<size_t>(TrapKind::kResourceLimit) + 1;

// Compile-time bounds (docs/performance.md, "Compile limits"). IR grows with the body except
// where a branch or block carries many values (a phi input each): past this many units
// (instructions, phis, phi inputs) per body byte the function is refused as unsupported.
constexpr size_t kIrUnitsPerBodyByte = 16;
constexpr size_t kIrUnitsBase = 100000;

struct Ctrl {
  LabelKind kind = LabelKind::kBlock;
  bool dead = false;          // opened in unreachable code: nothing emitted inside
  bool has_else = false;
  uint32_t height = 0;        // value-stack height below the frame's params
  BasicBlock* target = nullptr;   // where a branch to this label goes (loop: header)
  BasicBlock* else_bb = nullptr;  // if
  std::vector<PHINode*> phis;     // at target: results (block/if) or params (loop)
  std::vector<Value*> params;     // if: the params, for the else arm
  size_t num_results = 0;
};

class FuncGen {
 public:
  FuncGen(ModuleIr& m, uint32_t func_index, llvm::Function* fn)
      : m_(m), ctx_(m.ctx), b_(m.ctx), fn_(fn), func_index_(func_index) {}

  void OnStart(const FuncType& sig, std::span<const ValType> locals) {
    sig_ = &sig;
    BasicBlock* entry = BasicBlock::Create(ctx_, "entry", fn_);
    b_.SetInsertPoint(entry);
    vmctx_ = fn_->getArg(0);
    // Parameters get their slot now; declared locals when first used (Local), so IR stays
    // linear in the body even with 50,000 declared locals.
    locals_.assign(locals.size(), nullptr);
    for (size_t i = 0; i < locals.size(); ++i) {
      local_types_.push_back(IrType(ctx_, locals[i]));
      if (i < sig.params.size()) {
        locals_[i] = b_.CreateAlloca(local_types_[i]);
        b_.CreateStore(fn_->getArg(1 + i), locals_[i]);
      }
    }
    budget_ = kIrUnitsPerBodyByte *
                  m_.desc.functions[func_index_ - m_.desc.num_imported_funcs].body.size() +
              kIrUnitsBase;
    // The stack check is added at the end (OnEnd), when it is known whether it is needed.
    entry_ = entry;
    BasicBlock* body = BasicBlock::Create(ctx_, "body", fn_);
    b_.SetInsertPoint(body);
    EmitEpochCheck();
    if (m_.options.consume_fuel) {
      fuel_.Start(sig, locals);
      StartFuelRegion();
      entry_fuel_ = fuel_sub_;
    }
    body_ = body;
    small_frame_ = locals.size() <= kLeafMaxLocals &&
                   m_.desc.functions[func_index_ - m_.desc.num_imported_funcs].body.size() <=
                       kLeafMaxBodyBytes;
    Ctrl f;
    f.kind = LabelKind::kFunction;
    f.num_results = sig.results.size();
    ctrl_.push_back(std::move(f));
  }

  void OnInstr(const Instr& in, const DecoderView& st) {
    if (!error_.empty()) return;
    offset_ = in.offset;
    // Its code's location: line = the instruction's wasm offset (compiler.cc, DebugPositions),
    // which inlining and code generation carry into the object's line table.
    if (llvm::DISubprogram* sp = fn_->getSubprogram())
      b_.SetCurrentDebugLocation(llvm::DILocation::get(ctx_, static_cast<unsigned>(in.offset), 0, sp));
    if (++units_ > budget_)
      return Unsupported("function: its IR would exceed the tier's limit of " +
                             std::to_string(kIrUnitsPerBodyByte) +
                             " values per body byte (e.g. branches carrying many values)",
                         in.offset);

    const bool fuel_point = m_.options.consume_fuel && fuel_.OnInstr(in, st);
    switch (in.op) {
      case Opcode::kBlock: case Opcode::kLoop: case Opcode::kIf: OpenFrame(in); break;
      case Opcode::kElse: Else(); break;
      case Opcode::kEnd: End(); break;
      default:
        if (reachable_) Emit(in, st);
        break;
    }
    if (fuel_point) StartFuelRegion();
  }

  void OnEnd() {
    if (!error_.empty()) return;
    if (m_.options.consume_fuel) {
      EndFuelRegion();
      if (entry_fuel_) entry_fuel_->setOperand(1, b_.getInt64(entry_count_ + fuel_.EntryExtra()));
    }
    b_.SetInsertPoint(entry_);
    // A function that calls nothing and has a small frame cannot take the stack far: it needs
    // no check (the runtime keeps kStackRedZone below the limit for such frames and builtins).
    if (has_calls_ || !small_frame_) EmitStackCheck();
    b_.CreateBr(body_);
  }

  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  // ---- helpers ------------------------------------------------------------------------------
  void Unsupported(std::string_view what, size_t offset) {
    if (!error_.empty()) return;
    error_ = "opt tier: unsupported " + std::string(what) + " (the module can run in the "
             "interpreter tier)";
    error_offset_ = offset;
  }
  Value* Pop() {
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  void Push(Value* v) { stack_.push_back(v); }
  Type* I32() { return b_.getInt32Ty(); }
  Type* I64() { return b_.getInt64Ty(); }
  Type* Ptr() { return b_.getPtrTy(); }

  // A load from the vmctx (or a runtime structure it points to), tagged so that wasm memory
  // stores do not clobber it; `invariant` for fields fixed for the instance's life.
  Value* LoadField(Type* t, Value* base, uint64_t offset, bool invariant, llvm::MDNode* tbaa) {
    Value* p = offset ? b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), base, offset) : base;
    llvm::LoadInst* l = b_.CreateAlignedLoad(t, p, llvm::Align(t->isPointerTy() ? 8 : 4));
    if (t->getPrimitiveSizeInBits() == 64 || t->isPointerTy()) l->setAlignment(llvm::Align(8));
    l->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa);
    if (invariant) l->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(ctx_, {}));
    return l;
  }
  Value* VmField(Type* t, uint32_t offset, bool invariant) {
    return LoadField(t, vmctx_, offset, invariant, m_.tbaa_vmctx);
  }

  llvm::CallInst* CallBuiltin(BuiltinId id, llvm::ArrayRef<Value*> args) {
    Value* table = VmField(Ptr(), VMOffsets::builtins(), true);
    Value* fp = LoadField(Ptr(), table, 8 * static_cast<uint32_t>(id), true, m_.tbaa_vmctx);
    std::vector<Value*> all{vmctx_};
    all.insert(all.end(), args.begin(), args.end());
    return b_.CreateCall(m_.builtin_types[static_cast<size_t>(id)], fp, all);
  }

  // One cold block per trap kind, calling the Trap builtin with the kind and the trapping
  // instruction's wasm offset (a phi over the sites), for the backtrace's innermost frame.
  BasicBlock* TrapBlock(TrapKind kind, Value* detail = nullptr) {
    size_t k = static_cast<size_t>(kind);
    BasicBlock*& bb = trap_bbs_[k];
    if (!bb) {
      llvm::IRBuilderBase::InsertPointGuard guard(b_);
      bb = BasicBlock::Create(ctx_, "trap", fn_);
      b_.SetInsertPoint(bb);
      trap_offsets_[k] = b_.CreatePHI(I32(), 2);
      trap_details_[k] = b_.CreatePHI(I32(), 2);
      llvm::CallInst* c = CallBuiltin(BuiltinId::kTrap,
                                      {b_.getInt32(static_cast<uint32_t>(kind)),
                                       b_.getInt32(func_index_), trap_offsets_[k],
                                       trap_details_[k]});
      c->setDoesNotReturn();
      b_.CreateUnreachable();
    }
    trap_offsets_[k]->addIncoming(b_.getInt32(static_cast<uint32_t>(offset_)), b_.GetInsertBlock());
    trap_details_[k]->addIncoming(detail ? detail : b_.getInt32(0), b_.GetInsertBlock());
    return bb;
  }
  // Continues in a new block when `cond` is false; traps with `kind` when it is true.
  void TrapIf(Value* cond, TrapKind kind, Value* detail = nullptr) {
    BasicBlock* cont = BasicBlock::Create(ctx_, "ok", fn_);
    b_.CreateCondBr(cond, TrapBlock(kind, detail), cont,
                    llvm::MDBuilder(ctx_).createUnlikelyBranchWeights());
    b_.SetInsertPoint(cont);
  }
  void Trap(TrapKind kind) {
    BasicBlock* bb = TrapBlock(kind);
    b_.CreateBr(bb);
    reachable_ = false;
  }
  // Relaxed guard-region mode (Options::relaxed_traps) only; the exact modes need nothing here.
  // A dropped value's linear-memory loads should still happen (and trap when out of bounds):
  // with guard regions the load is the check, and LLVM deletes loads whose value is unused.
  // Marks the loads among the dropped value's operands (a few levels) volatile: a heuristic
  // (a value stored to an unread local, x*0, select(c, x, x) or a dead store still lose
  // theirs), which is why the exact mode makes every access volatile instead.
  void KeepLoads(Value* v, int depth = 0) {
    auto* inst = llvm::dyn_cast<llvm::Instruction>(v);
    if (!inst || depth > 6 || llvm::isa<PHINode>(inst)) return;
    if (auto* l = llvm::dyn_cast<llvm::LoadInst>(inst)) {
      if (l->getMetadata(llvm::LLVMContext::MD_tbaa) == m_.tbaa_mem) l->setVolatile(true);
      return;
    }
    for (Value* op : inst->operands()) KeepLoads(op, depth + 1);
  }

  // Epoch interruption (Options::epoch_interruption), at function entry and loop heads as the
  // interpreter checks: the engine's epoch (an atomic, loaded every time) against the store's
  // deadline, trapping with kInterrupted once reached.
  void EmitEpochCheck() {
    if (!m_.options.epoch_interruption) return;
    Value* limits = VmField(Ptr(), VMOffsets::limits(), true);
    Value* epoch_ptr = LoadField(Ptr(), limits, offsetof(VMStoreLimits, epoch), true, m_.tbaa_vmctx);
    llvm::LoadInst* now = b_.CreateAlignedLoad(I64(), epoch_ptr, llvm::Align(8));
    now->setAtomic(llvm::AtomicOrdering::Monotonic);
    Value* deadline = LoadField(I64(), limits, offsetof(VMStoreLimits, epoch_deadline), false,
                                m_.tbaa_vmctx);
    TrapIf(b_.CreateICmpUGE(now, deadline), TrapKind::kInterrupted);
  }

  // Whether stores of state the host sees after a trap (globals, fuel) are volatile: in the
  // exact guard-region mode, where a linear-memory access traps by faulting, and LLVM moves
  // ordinary stores past volatile loads (LICM keeps such a value in a register through a loop
  // and stores it at the exit), so without this a trap would lose the updates made before it.
  // Loop versioning makes them ordinary again in the fast copies, where nothing faults.
  bool OrderedStateStores() const {
    return m_.options.bounds == BoundsMode::kGuardPages && !m_.options.relaxed_traps;
  }

  // Fuel (Options::consume_fuel; opt/fuel.h says where and how much, the interpreter's
  // charges): a region's charge is emitted at its start with a placeholder amount, patched
  // when the region ends. Fuel may go negative: the trap comes when it does, after the store.
  void StartFuelRegion() {
    EndFuelRegion();
    if (!reachable_) return;  // nothing can reach this region: no charge to emit
    Value* limits = VmField(Ptr(), VMOffsets::limits(), true);
    Value* at = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), limits, offsetof(VMStoreLimits, fuel));
    llvm::LoadInst* fuel = b_.CreateAlignedLoad(I64(), at, llvm::Align(8));
    fuel->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_vmctx);
    fuel_sub_ = llvm::BinaryOperator::CreateSub(fuel, b_.getInt64(0));
    b_.Insert(fuel_sub_);
    llvm::StoreInst* store = b_.CreateAlignedStore(fuel_sub_, at, llvm::Align(8));
    store->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_vmctx);
    store->setVolatile(OrderedStateStores());  // as global.set's: kept before a faulting access
    const size_t offset = std::exchange(offset_, fuel_.RegionOffset());
    TrapIf(b_.CreateICmpSLT(fuel_sub_, b_.getInt64(0)), TrapKind::kOutOfFuel);
    offset_ = offset;
  }
  void EndFuelRegion() {
    const uint64_t n = fuel_.TakeCount();
    if (fuel_sub_ && fuel_sub_ == entry_fuel_)
      entry_count_ = n;  // the entry's extra charge is added in OnEnd
    else if (fuel_sub_)
      fuel_sub_->setOperand(1, b_.getInt64(n));
    fuel_sub_ = nullptr;
  }

  void EmitStackCheck() {
    llvm::Function* rr = llvm::Intrinsic::getDeclaration(&m_.mod, llvm::Intrinsic::read_register,
                                                         {I64()});
    llvm::Metadata* rsp = llvm::MDString::get(ctx_, "rsp");
    Value* sp = b_.CreateCall(rr, {llvm::MetadataAsValue::get(ctx_, llvm::MDNode::get(ctx_, rsp))});
    Value* limits = VmField(Ptr(), VMOffsets::limits(), true);
    Value* limit = LoadField(I64(), limits, offsetof(VMStoreLimits, stack_limit), false, m_.tbaa_vmctx);
    TrapIf(b_.CreateICmpULT(sp, limit), TrapKind::kStackExhausted);
  }

  Value* Intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<Value*> args) {
    return b_.CreateIntrinsic(id, {args[0]->getType()}, args);
  }

  // ---- control ------------------------------------------------------------------------------
  std::vector<PHINode*> MakePhis(BasicBlock* bb, std::span<const ValType> types) {
    std::vector<PHINode*> phis;
    units_ += types.size();
    for (ValType t : types) phis.push_back(PHINode::Create(IrType(ctx_, t), 2, "", bb));
    return phis;
  }
  // Adds the top values as incoming of `c`'s phis along an edge from the current block.
  void AddIncoming(Ctrl& c) {
    size_t n = c.phis.size();
    units_ += n;
    for (size_t i = 0; i < n; ++i)
      c.phis[i]->addIncoming(stack_[stack_.size() - n + i], b_.GetInsertBlock());
  }
  void EmitReturn() {
    size_t n = sig_->results.size();
    if (n == 0) {
      b_.CreateRetVoid();
    } else if (n == 1) {
      b_.CreateRet(stack_.back());
    } else {
      Value* agg = llvm::UndefValue::get(fn_->getReturnType());
      for (size_t i = 0; i < n; ++i)
        agg = b_.CreateInsertValue(agg, stack_[stack_.size() - n + i], {static_cast<unsigned>(i)});
      b_.CreateRet(agg);
    }
  }
  // Terminates the current block with a branch to label `depth`, carrying the top values.
  void BranchTo(uint32_t depth) {
    Ctrl& c = ctrl_[ctrl_.size() - 1 - depth];
    if (c.kind == LabelKind::kFunction) return EmitReturn();
    AddIncoming(c);
    b_.CreateBr(c.target);
  }
  // The block a conditional edge to label `depth` goes to (function label: a return block).
  BasicBlock* EdgeTarget(uint32_t depth, BasicBlock*& ret_bb) {
    Ctrl& c = ctrl_[ctrl_.size() - 1 - depth];
    if (c.kind != LabelKind::kFunction) {
      AddIncoming(c);
      return c.target;
    }
    if (!ret_bb) {
      llvm::IRBuilderBase::InsertPointGuard guard(b_);
      ret_bb = BasicBlock::Create(ctx_, "ret", fn_);
      b_.SetInsertPoint(ret_bb);
      EmitReturn();
    }
    return ret_bb;
  }

  void OpenFrame(const Instr& in) {
    Ctrl c;
    c.kind = in.op == Opcode::kBlock ? LabelKind::kBlock
             : in.op == Opcode::kLoop ? LabelKind::kLoop : LabelKind::kIf;
    if (!reachable_) {
      c.dead = true;
      ctrl_.push_back(std::move(c));
      return;
    }
    for (ValType t : in.block.params) if (!TypeSupported(t)) return Unsupported("v128 block", in.offset);
    for (ValType t : in.block.results) if (!TypeSupported(t)) return Unsupported("v128 block", in.offset);
    Value* cond = c.kind == LabelKind::kIf ? Pop() : nullptr;
    size_t np = in.block.params.size();
    c.height = static_cast<uint32_t>(stack_.size() - np);
    c.num_results = in.block.results.size();
    if (c.kind == LabelKind::kLoop) {
      c.target = BasicBlock::Create(ctx_, "loop", fn_);
      c.phis = MakePhis(c.target, in.block.params);
      AddIncoming(c);
      b_.CreateBr(c.target);
      b_.SetInsertPoint(c.target);
      for (size_t i = 0; i < np; ++i) stack_[c.height + i] = c.phis[i];
      EmitEpochCheck();
    } else {
      c.target = BasicBlock::Create(ctx_, "merge", fn_);
      c.phis = MakePhis(c.target, in.block.results);
      if (c.kind == LabelKind::kIf) {
        BasicBlock* then_bb = BasicBlock::Create(ctx_, "then", fn_);
        c.else_bb = BasicBlock::Create(ctx_, "else", fn_);
        c.params.assign(stack_.begin() + c.height, stack_.end());
        b_.CreateCondBr(b_.CreateICmpNE(cond, b_.getInt32(0)), then_bb, c.else_bb);
        b_.SetInsertPoint(then_bb);
      }
    }
    ctrl_.push_back(std::move(c));
  }

  void Else() {
    Ctrl& c = ctrl_.back();
    if (c.dead) return;
    if (reachable_) BranchTo(0);
    stack_.resize(c.height);
    stack_.insert(stack_.end(), c.params.begin(), c.params.end());
    b_.SetInsertPoint(c.else_bb);
    c.has_else = true;
    reachable_ = true;
  }

  void End() {
    Ctrl c = std::move(ctrl_.back());
    ctrl_.pop_back();
    if (c.dead) return;
    if (c.kind == LabelKind::kFunction) {
      if (reachable_) EmitReturn();
      reachable_ = false;
      return;
    }
    if (c.kind == LabelKind::kLoop) return;  // falls through; nothing branches to a loop's end
    if (reachable_) {
      AddIncoming(c);
      b_.CreateBr(c.target);
    }
    if (c.kind == LabelKind::kIf && !c.has_else) {
      b_.SetInsertPoint(c.else_bb);
      for (size_t i = 0; i < c.phis.size(); ++i) c.phis[i]->addIncoming(c.params[i], c.else_bb);
      b_.CreateBr(c.target);
    }
    stack_.resize(c.height);
    if (llvm::pred_empty(c.target)) {
      for (PHINode* p : c.phis) p->eraseFromParent();
      c.target->eraseFromParent();
      reachable_ = false;
      return;
    }
    b_.SetInsertPoint(c.target);
    for (PHINode* p : c.phis) Push(p);
    reachable_ = true;
  }

  void BrIf(uint32_t depth) {
    Value* cond = b_.CreateICmpNE(Pop(), b_.getInt32(0));
    BasicBlock* ret_bb = nullptr;
    BasicBlock* cont = BasicBlock::Create(ctx_, "cont", fn_);
    BasicBlock* target = EdgeTarget(depth, ret_bb);
    b_.CreateCondBr(cond, target, cont);
    b_.SetInsertPoint(cont);
  }

  void BrTable(const Instr& in) {
    Value* index = Pop();
    BasicBlock* ret_bb = nullptr;
    BasicBlock* def = EdgeTarget(in.targets.back(), ret_bb);
    llvm::SwitchInst* sw = b_.CreateSwitch(index, def, static_cast<unsigned>(in.targets.size() - 1));
    for (size_t i = 0; i + 1 < in.targets.size(); ++i)
      sw->addCase(b_.getInt32(static_cast<uint32_t>(i)), EdgeTarget(in.targets[i], ret_bb));
    reachable_ = false;
  }

  // ---- calls --------------------------------------------------------------------------------
  void PushResults(Value* r, size_t n) {
    if (n == 1) return Push(r);
    for (size_t i = 0; i < n; ++i) Push(b_.CreateExtractValue(r, {static_cast<unsigned>(i)}));
  }
  std::vector<Value*> PopArgs(size_t n) {
    std::vector<Value*> args(stack_.end() - n, stack_.end());
    stack_.resize(stack_.size() - n);
    return args;
  }
  bool SigSupported(const FuncType& t) {
    for (ValType v : t.params) if (!TypeSupported(v)) return false;
    for (ValType v : t.results) if (!TypeSupported(v)) return false;
    return true;
  }

  void Call(uint32_t func) {
    has_calls_ = true;
    const FuncType& t = m_.desc.FuncSig(func);
    if (!SigSupported(t)) return Unsupported("call with a v128 signature", offset_);
    std::vector<Value*> args = PopArgs(t.params.size());
    if (func >= m_.desc.num_imported_funcs) {
      args.insert(args.begin(), vmctx_);
      llvm::CallInst* c = b_.CreateCall(FuncDecl(m_, func), args);
      c->setCallingConv(llvm::CallingConv::Fast);
      return PushResults(c, t.results.size());
    }
    // Imported: through its function object (vmctx func slot), wasm or host.
    Value* ref = VmField(Ptr(), m_.offsets.func(func), true);
    CallRef(ref, m_.desc.FuncTypeIndex(func), std::move(args));
  }

  Value* ToWord(Value* v) {
    if (v->getType()->isFloatingPointTy())
      v = b_.CreateBitCast(v, b_.getIntNTy(v->getType()->getPrimitiveSizeInBits()));
    else if (v->getType()->isPointerTy())
      v = b_.CreatePtrToInt(v, I64());
    if (v->getType() != I64()) v = b_.CreateZExt(v, I64());
    return v;
  }
  Value* FromWord(Value* w, ValType t) {
    switch (t) {
      case ValType::kI32: return b_.CreateTrunc(w, I32());
      case ValType::kF32: return b_.CreateBitCast(b_.CreateTrunc(w, I32()), b_.getFloatTy());
      case ValType::kF64: return b_.CreateBitCast(w, b_.getDoubleTy());
      case ValType::kFuncRef: case ValType::kExternRef: return b_.CreateIntToPtr(w, Ptr());
      default: return w;
    }
  }

  // Calls function object `ref` (a FuncObj*, VMFuncRef layout) of type `type_index` with
  // `args`, pushing its results: a wasm function directly through its code under the internal
  // convention with its own vmctx; a host function (code == null) through the CallHost builtin
  // with the arguments and results as slot words.
  void CallRef(Value* ref, uint32_t type_index, std::vector<Value*> args) {
    const FuncType& t = m_.desc.types[type_index];
    Value* code = LoadField(Ptr(), ref, offsetof(VMFuncRef, code), false, m_.tbaa_table);
    BasicBlock* wasm_bb = BasicBlock::Create(ctx_, "call_wasm", fn_);
    BasicBlock* host_bb = BasicBlock::Create(ctx_, "call_host", fn_);
    BasicBlock* join = BasicBlock::Create(ctx_, "call_join", fn_);
    b_.CreateCondBr(b_.CreateIsNull(code), host_bb, wasm_bb,
                    llvm::MDBuilder(ctx_).createUnlikelyBranchWeights());
    b_.SetInsertPoint(wasm_bb);
    std::vector<Value*> wargs = args;
    wargs.insert(wargs.begin(), LoadField(Ptr(), ref, offsetof(VMFuncRef, vmctx), false, m_.tbaa_table));
    llvm::CallInst* c = b_.CreateCall(m_.type_sigs[type_index], code, wargs);
    c->setCallingConv(llvm::CallingConv::Fast);
    std::vector<Value*> wres;
    for (size_t i = 0; i < t.results.size(); ++i)
      wres.push_back(t.results.size() == 1 ? static_cast<Value*>(c)
                                           : b_.CreateExtractValue(c, {static_cast<unsigned>(i)}));
    BasicBlock* wasm_end = b_.GetInsertBlock();
    b_.CreateBr(join);

    b_.SetInsertPoint(host_bb);
    // A host leaf (Func::CreateHostLeaf) of a signature a C function can have is called as
    // one: leaf(leaf_ctx, args...), the result returned.
    BasicBlock* leaf_end = nullptr;
    llvm::CallInst* leaf_call = nullptr;
    if (LeafHasCEntry(t)) {
      Value* leaf = LoadField(Ptr(), ref, offsetof(VMFuncRef, leaf), false, m_.tbaa_table);
      BasicBlock* leaf_bb = BasicBlock::Create(ctx_, "call_leaf", fn_);
      BasicBlock* slots_bb = BasicBlock::Create(ctx_, "call_host_slots", fn_);
      b_.CreateCondBr(b_.CreateIsNull(leaf), slots_bb, leaf_bb);
      b_.SetInsertPoint(leaf_bb);
      std::vector<llvm::Type*> ptypes{Ptr()};
      std::vector<Value*> largs{LoadField(Ptr(), ref, offsetof(VMFuncRef, leaf_ctx), false, m_.tbaa_table)};
      for (size_t i = 0; i < args.size(); ++i) {
        ptypes.push_back(IrType(ctx_, t.params[i]));
        largs.push_back(args[i]);
      }
      llvm::Type* rtype = t.results.empty() ? b_.getVoidTy() : IrType(ctx_, t.results[0]);
      leaf_call = b_.CreateCall(llvm::FunctionType::get(rtype, ptypes, false), leaf, largs);
      leaf_end = b_.GetInsertBlock();
      b_.CreateBr(join);
      b_.SetInsertPoint(slots_bb);
    }
    // Slot words as runtime/vm.h lays them out: a v128 takes two.
    size_t words = std::max<size_t>(std::max(SlotCount(t.params), SlotCount(t.results)), 1);
    llvm::AllocaInst* buf;
    {
      llvm::IRBuilderBase::InsertPointGuard guard(b_);
      b_.SetInsertPoint(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
      buf = b_.CreateAlloca(I64(), b_.getInt32(static_cast<uint32_t>(words)));
    }
    for (size_t i = 0, slot = 0; i < args.size(); slot += SlotWidth(t.params[i]), ++i) {
      Value* p = b_.CreateConstInBoundsGEP1_64(I64(), buf, slot);
      if (t.params[i] == ValType::kV128)
        b_.CreateAlignedStore(args[i], p, llvm::Align(8));
      else
        b_.CreateStore(ToWord(args[i]), p);
    }
    CallBuiltin(BuiltinId::kCallHost, {ref, buf});
    std::vector<Value*> hres;
    for (size_t i = 0, slot = 0; i < t.results.size(); slot += SlotWidth(t.results[i]), ++i) {
      Value* p = b_.CreateConstInBoundsGEP1_64(I64(), buf, slot);
      hres.push_back(t.results[i] == ValType::kV128
                         ? static_cast<Value*>(b_.CreateAlignedLoad(IrType(ctx_, ValType::kV128), p,
                                                                    llvm::Align(8)))
                         : FromWord(b_.CreateLoad(I64(), p), t.results[i]));
    }
    BasicBlock* host_end = b_.GetInsertBlock();
    b_.CreateBr(join);

    b_.SetInsertPoint(join);
    for (size_t i = 0; i < t.results.size(); ++i) {
      PHINode* p = b_.CreatePHI(IrType(ctx_, t.results[i]), leaf_end ? 3 : 2);
      p->addIncoming(wres[i], wasm_end);
      p->addIncoming(hres[i], host_end);
      if (leaf_end) p->addIncoming(leaf_call, leaf_end);
      Push(p);
    }
  }

  // Table `index`'s VMTableDefinition (its pointer is fixed for the instance's life; base and
  // length change on grow).
  Value* TableDef(uint32_t index) { return VmField(Ptr(), m_.offsets.table(index), true); }

  void CallIndirect(const Instr& in) {
    has_calls_ = true;
    const FuncType& t = m_.desc.types[in.index];
    if (!SigSupported(t)) return Unsupported("call_indirect with a v128 signature", offset_);
    Value* index = b_.CreateZExt(Pop(), I64());
    std::vector<Value*> args = PopArgs(t.params.size());
    Value* table = TableDef(in.index2);
    Value* size = LoadField(I64(), table, offsetof(VMTableDefinition, length), false, m_.tbaa_table);
    TrapIf(b_.CreateICmpUGE(index, size), TrapKind::kUndefinedElement);
    Value* elems = LoadField(Ptr(), table, offsetof(VMTableDefinition, base), false, m_.tbaa_table);
    Value* ref = b_.CreateAlignedLoad(Ptr(), b_.CreateInBoundsGEP(I64(), elems, index),
                                      llvm::Align(8));
    llvm::cast<llvm::LoadInst>(ref)->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_table);
    TrapIf(b_.CreateIsNull(ref), TrapKind::kUninitializedElement,
           b_.CreateTrunc(index, I32()));
    Value* type_ids = VmField(Ptr(), VMOffsets::type_ids(), true);
    Value* want = LoadField(I32(), type_ids, 4 * uint64_t{in.index}, true, m_.tbaa_vmctx);
    Value* have = LoadField(I32(), ref, offsetof(VMFuncRef, type_id), false, m_.tbaa_table);
    TrapIf(b_.CreateICmpNE(want, have), TrapKind::kIndirectCallTypeMismatch);
    CallRef(ref, in.index, std::move(args));
  }

  // Table instructions other than call_indirect: table.size inline, the rest builtins.
  void TableOp(const Instr& in) {
    using O = Opcode;
    switch (in.op) {
      case O::kTableSize: {
        Value* len = LoadField(I64(), TableDef(in.index), offsetof(VMTableDefinition, length),
                               false, m_.tbaa_table);
        return Push(b_.CreateTrunc(len, I32()));
      }
      case O::kTableGet: {
        Value* i = Pop();
        Value* w = CallBuiltin(BuiltinId::kTableGet, {b_.getInt32(in.index), i});
        return Push(b_.CreateIntToPtr(w, Ptr()));
      }
      case O::kTableSet: {
        Value* v = Pop();
        Value* i = Pop();
        CallBuiltin(BuiltinId::kTableSet, {b_.getInt32(in.index), i, ToWord(v)});
        return;
      }
      case O::kTableGrow: {
        Value* n = Pop();
        Value* v = Pop();
        return Push(CallBuiltin(BuiltinId::kTableGrow, {b_.getInt32(in.index), ToWord(v), n}));
      }
      case O::kTableFill: {
        Value* n = Pop();
        Value* v = Pop();
        Value* i = Pop();
        CallBuiltin(BuiltinId::kTableFill, {b_.getInt32(in.index), i, ToWord(v), n});
        return;
      }
      case O::kTableCopy: case O::kTableInit: {
        Value* n = Pop();
        Value* sv = Pop();
        Value* d = Pop();
        if (in.op == O::kTableCopy)
          CallBuiltin(BuiltinId::kTableCopy, {b_.getInt32(in.index), b_.getInt32(in.index2), d, sv, n});
        else
          CallBuiltin(BuiltinId::kTableInit, {b_.getInt32(in.index2), b_.getInt32(in.index), d, sv, n});
        return;
      }
      case O::kElemDrop: CallBuiltin(BuiltinId::kElemDrop, {b_.getInt32(in.index)}); return;
      default: return;
    }
  }

  // ---- memory -------------------------------------------------------------------------------
  // The address of an access of `size` bytes at addr + offset in memory `mem`, bounds-checked
  // as configured. Every memory is addressed the same way, through its definition in the
  // vmctx (memory 0 included): with guard regions every memory of the store has the
  // reservation (MemoryObj::Init, Config::UsesGuardRegion), so the elision holds for each.
  Value* Address(Value* addr, uint64_t offset, uint32_t size, uint32_t mem) {
    Value* ea = b_.CreateZExt(addr, I64());
    if (offset) ea = b_.CreateAdd(ea, b_.getInt64(offset), "", /*HasNUW=*/true);
    bool check = m_.options.bounds == BoundsMode::kExplicit || offset + size > kGuardRegionBytes;
    if (check) {
      Value* bound = MemLength(mem);
      Value* end = b_.CreateAdd(ea, b_.getInt64(size), "", true);
      TrapIf(b_.CreateICmpUGT(end, bound), TrapKind::kMemoryOutOfBounds);
    }
    Value* base =
        LoadField(Ptr(), MemDef(mem), offsetof(VMMemoryDefinition, base), true, m_.tbaa_vmctx);
    return b_.CreateInBoundsGEP(b_.getInt8Ty(), base, ea);
  }
  void Load(const Instr& in, Type* mem_t, Type* result_t, bool sign) {
    uint32_t size = static_cast<uint32_t>(mem_t->getPrimitiveSizeInBits() / 8);
    Value* p = Address(Pop(), in.value, size, in.memory);
    llvm::LoadInst* l = b_.CreateAlignedLoad(mem_t, p, llvm::Align(1));
    TagMemAccess(m_, l);
    Value* v = l;
    if (mem_t != result_t) v = sign ? b_.CreateSExt(v, result_t) : b_.CreateZExt(v, result_t);
    Push(v);
  }
  void Store(const Instr& in, Type* mem_t) {
    Value* v = Pop();
    uint32_t size = static_cast<uint32_t>(mem_t->getPrimitiveSizeInBits() / 8);
    Value* p = Address(Pop(), in.value, size, in.memory);
    if (v->getType() != mem_t) v = b_.CreateTrunc(v, mem_t);
    llvm::StoreInst* s = b_.CreateAlignedStore(v, p, llvm::Align(1));
    TagMemAccess(m_, s);
  }

  // Memory `mem`'s definition (its pointer is fixed for the instance's life; the base never
  // moves; the length changes on grow, so only calls clobber it). Each memory has its own
  // vmctx slot, so GVN/LICM cache each memory's base and length separately, as for memory 0.
  Value* MemDef(uint32_t mem) { return VmField(Ptr(), VMOffsets::memory(mem), true); }
  Value* MemLength(uint32_t mem) {
    return LoadField(I64(), MemDef(mem), offsetof(VMMemoryDefinition, length), false,
                     m_.tbaa_vmctx);
  }

  Value* GlobalPtr(uint32_t index) {
    return VmField(Ptr(), m_.offsets.global(index), true);
  }

  // ---- numerics -----------------------------------------------------------------------------
  Value* Canon(Value* r, Opcode op) {
    NanMode mode = m_.options.canonicalize_nans;
    if (mode == NanMode::kNone) return r;
    bool arith = false, other = false;
    switch (op) {
      case Opcode::kF32Add: case Opcode::kF32Sub: case Opcode::kF32Mul: case Opcode::kF32Div:
      case Opcode::kF32Min: case Opcode::kF32Max: case Opcode::kF64Add: case Opcode::kF64Sub:
      case Opcode::kF64Mul: case Opcode::kF64Div: case Opcode::kF64Min: case Opcode::kF64Max:
        arith = true; break;
      case Opcode::kF32Sqrt: case Opcode::kF32Ceil: case Opcode::kF32Floor: case Opcode::kF32Trunc:
      case Opcode::kF32Nearest: case Opcode::kF32DemoteF64: case Opcode::kF64Sqrt:
      case Opcode::kF64Ceil: case Opcode::kF64Floor: case Opcode::kF64Trunc:
      case Opcode::kF64Nearest: case Opcode::kF64PromoteF32:
        other = true; break;
      default: return r;
    }
    if (!arith && !(other && mode == NanMode::kAll)) return r;
    Value* canon = r->getType()->isFloatTy()
        ? llvm::ConstantFP::get(r->getType(), llvm::APFloat(llvm::APFloat::IEEEsingle(),
                                                           llvm::APInt(32, 0x7fc00000u)))
        : llvm::ConstantFP::get(r->getType(), llvm::APFloat(llvm::APFloat::IEEEdouble(),
                                                           llvm::APInt(64, 0x7ff8000000000000ull)));
    return b_.CreateSelect(b_.CreateFCmpUNO(r, r), canon, r);
  }

  // LLVM folds x-0, -0-x, x*1, -1*x, x/1, x/-1 to x or -x, which would return a signaling
  // NaN operand unquieted where wasm requires an arithmetic NaN; such constants are passed
  // through an empty inline asm so the operation stays (only identity constants pay a move).
  Value* Opaque(Value* v) {
    auto* fty = llvm::FunctionType::get(v->getType(), {v->getType()}, false);
    return b_.CreateCall(llvm::InlineAsm::get(fty, "", "=x,0", false), {v});
  }
  Value* HideIdentity(Value* v) {
    auto* c = llvm::dyn_cast<llvm::ConstantFP>(v);
    if (!c) return v;
    const llvm::APFloat& f = c->getValueAPF();
    if (f.isZero() || f.isExactlyValue(1.0) || f.isExactlyValue(-1.0)) return Opaque(v);
    return v;
  }

  // wasm min/max: a NaN operand gives a NaN (quieted: a + b), else -0 < +0.
  Value* MinMax(Value* a, Value* c, bool is_min) {
    Value* r = Intrinsic(is_min ? llvm::Intrinsic::minimum : llvm::Intrinsic::maximum, {a, c});
    return b_.CreateSelect(b_.CreateFCmpUNO(a, c), b_.CreateFAdd(a, c), r);
  }

  void IntDiv(Opcode op, bool is64) {
    Value* d = Pop();
    Value* n = Pop();
    Type* t = is64 ? I64() : I32();
    Value* zero = llvm::ConstantInt::get(t, 0);
    Value* minus1 = llvm::ConstantInt::getSigned(t, -1);
    TrapIf(b_.CreateICmpEQ(d, zero), TrapKind::kIntegerDivideByZero);
    switch (op) {
      case Opcode::kI32DivS: case Opcode::kI64DivS: {
        Value* min = llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(is64 ? 64 : 32));
        TrapIf(b_.CreateAnd(b_.CreateICmpEQ(n, min), b_.CreateICmpEQ(d, minus1)),
               TrapKind::kIntegerOverflow);
        return Push(b_.CreateSDiv(n, d));
      }
      case Opcode::kI32DivU: case Opcode::kI64DivU: return Push(b_.CreateUDiv(n, d));
      case Opcode::kI32RemS: case Opcode::kI64RemS: {
        // x rem -1 is 0; dividing by 1 instead avoids x86's fault on INT_MIN / -1.
        Value* safe = b_.CreateSelect(b_.CreateICmpEQ(d, minus1), llvm::ConstantInt::get(t, 1), d);
        return Push(b_.CreateSRem(n, safe));
      }
      default: return Push(b_.CreateURem(n, d));
    }
  }

  // Trapping float -> int: NaN is an invalid conversion, out of range an overflow.
  void TruncTrap(Type* from, Type* to, bool is_signed) {
    Value* x = Pop();
    TrapIf(b_.CreateFCmpUNO(x, x), TrapKind::kInvalidConversion);
    bool f32 = from->isFloatTy();
    unsigned bits = to->getIntegerBitWidth();
    // Valid iff lo < x < hi (exclusive both ends, bounds exactly representable in `from`).
    double lo, hi;
    if (is_signed) {
      hi = bits == 32 ? 2147483648.0 : 9223372036854775808.0;
      if (bits == 32) lo = f32 ? -2147483904.0 : -2147483649.0;
      else lo = f32 ? -9223373136366403584.0 : -9223372036854777856.0;
    } else {
      hi = bits == 32 ? 4294967296.0 : 18446744073709551616.0;
      lo = -1.0;
    }
    Value* ok = b_.CreateAnd(b_.CreateFCmpOGT(x, llvm::ConstantFP::get(from, lo)),
                             b_.CreateFCmpOLT(x, llvm::ConstantFP::get(from, hi)));
    TrapIf(b_.CreateNot(ok), TrapKind::kIntegerOverflow);
    Push(is_signed ? b_.CreateFPToSI(x, to) : b_.CreateFPToUI(x, to));
  }
  void TruncSat(Type* to, bool is_signed) {
    Value* x = Pop();
    Push(b_.CreateIntrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                            {to, x->getType()}, {x}));
  }

  Value* Bool(Value* c) { return b_.CreateZExt(c, I32()); }
  Value* Mask(Value* s, unsigned bits) {
    return b_.CreateAnd(s, llvm::ConstantInt::get(s->getType(), bits - 1));
  }

  bool Numeric(Opcode op);
  void Emit(const Instr& in, const DecoderView& st);

  // A declared local's slot, made (zero-initialized, in the entry block) on first use.
  llvm::AllocaInst* Local(uint32_t i) {
    if (!locals_[i]) {
      llvm::IRBuilderBase::InsertPointGuard guard(b_);
      b_.SetInsertPoint(entry_);
      locals_[i] = b_.CreateAlloca(local_types_[i]);
      b_.CreateStore(llvm::Constant::getNullValue(local_types_[i]), locals_[i]);
    }
    return locals_[i];
  }

  ModuleIr& m_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  llvm::Function* fn_;
  uint32_t func_index_;
  const FuncType* sig_ = nullptr;
  Value* vmctx_ = nullptr;
  std::vector<Value*> stack_;
  std::vector<Ctrl> ctrl_;
  std::vector<llvm::AllocaInst*> locals_;
  std::vector<Type*> local_types_;
  std::array<BasicBlock*, kNumTrapKinds> trap_bbs_{};
  std::array<PHINode*, kNumTrapKinds> trap_offsets_{};
  std::array<PHINode*, kNumTrapKinds> trap_details_{};
  bool reachable_ = true;
  bool has_calls_ = false;
  size_t units_ = 0, budget_ = 0;
  bool small_frame_ = false;
  BasicBlock* entry_ = nullptr;
  BasicBlock* body_ = nullptr;
  size_t offset_ = 0;
  FuelRegions fuel_;
  llvm::Instruction* fuel_sub_ = nullptr;    // the current region's charge (its amount patched)
  llvm::Instruction* entry_fuel_ = nullptr;  // the entry region's
  uint64_t entry_count_ = 0;
  std::string error_;
  size_t error_offset_ = kNoOffset;
};

// The numeric instructions with no immediates: false when `op` is not one of them.
bool FuncGen::Numeric(Opcode op) {
  using O = Opcode;
  auto bin = [&](auto f) { Value* c = Pop(); Value* a = Pop(); Push(f(a, c)); };
  auto un = [&](auto f) { Value* a = Pop(); Push(f(a)); };
  auto icmp = [&](llvm::CmpInst::Predicate p) {
    bin([&](Value* a, Value* c) { return Bool(b_.CreateICmp(p, a, c)); });
  };
  auto fcmp = [&](llvm::CmpInst::Predicate p) {
    bin([&](Value* a, Value* c) { return Bool(b_.CreateFCmp(p, a, c)); });
  };
  auto fbin = [&](auto f) {
    bin([&](Value* a, Value* c) { return Canon(f(HideIdentity(a), HideIdentity(c)), op); });
  };
  auto fun = [&](llvm::Intrinsic::ID id) { un([&](Value* a) { return Canon(Intrinsic(id, {a}), op); }); };
  Type* f32 = b_.getFloatTy();
  Type* f64 = b_.getDoubleTy();
  switch (op) {
    case O::kI32Eqz: case O::kI64Eqz:
      un([&](Value* a) { return Bool(b_.CreateICmpEQ(a, llvm::ConstantInt::get(a->getType(), 0))); });
      return true;
    case O::kI32Eq: case O::kI64Eq: icmp(llvm::CmpInst::ICMP_EQ); return true;
    case O::kI32Ne: case O::kI64Ne: icmp(llvm::CmpInst::ICMP_NE); return true;
    case O::kI32LtS: case O::kI64LtS: icmp(llvm::CmpInst::ICMP_SLT); return true;
    case O::kI32LtU: case O::kI64LtU: icmp(llvm::CmpInst::ICMP_ULT); return true;
    case O::kI32GtS: case O::kI64GtS: icmp(llvm::CmpInst::ICMP_SGT); return true;
    case O::kI32GtU: case O::kI64GtU: icmp(llvm::CmpInst::ICMP_UGT); return true;
    case O::kI32LeS: case O::kI64LeS: icmp(llvm::CmpInst::ICMP_SLE); return true;
    case O::kI32LeU: case O::kI64LeU: icmp(llvm::CmpInst::ICMP_ULE); return true;
    case O::kI32GeS: case O::kI64GeS: icmp(llvm::CmpInst::ICMP_SGE); return true;
    case O::kI32GeU: case O::kI64GeU: icmp(llvm::CmpInst::ICMP_UGE); return true;
    case O::kF32Eq: case O::kF64Eq: fcmp(llvm::CmpInst::FCMP_OEQ); return true;
    case O::kF32Ne: case O::kF64Ne: fcmp(llvm::CmpInst::FCMP_UNE); return true;
    case O::kF32Lt: case O::kF64Lt: fcmp(llvm::CmpInst::FCMP_OLT); return true;
    case O::kF32Gt: case O::kF64Gt: fcmp(llvm::CmpInst::FCMP_OGT); return true;
    case O::kF32Le: case O::kF64Le: fcmp(llvm::CmpInst::FCMP_OLE); return true;
    case O::kF32Ge: case O::kF64Ge: fcmp(llvm::CmpInst::FCMP_OGE); return true;
    case O::kI32Clz: case O::kI64Clz:
      un([&](Value* a) { return b_.CreateIntrinsic(llvm::Intrinsic::ctlz, {a->getType()}, {a, b_.getFalse()}); });
      return true;
    case O::kI32Ctz: case O::kI64Ctz:
      un([&](Value* a) { return b_.CreateIntrinsic(llvm::Intrinsic::cttz, {a->getType()}, {a, b_.getFalse()}); });
      return true;
    case O::kI32Popcnt: case O::kI64Popcnt:
      un([&](Value* a) { return Intrinsic(llvm::Intrinsic::ctpop, {a}); });
      return true;
    case O::kI32Add: case O::kI64Add: bin([&](Value* a, Value* c) { return b_.CreateAdd(a, c); }); return true;
    case O::kI32Sub: case O::kI64Sub: bin([&](Value* a, Value* c) { return b_.CreateSub(a, c); }); return true;
    case O::kI32Mul: case O::kI64Mul: bin([&](Value* a, Value* c) { return b_.CreateMul(a, c); }); return true;
    case O::kI32DivS: case O::kI32DivU: case O::kI32RemS: case O::kI32RemU: IntDiv(op, false); return true;
    case O::kI64DivS: case O::kI64DivU: case O::kI64RemS: case O::kI64RemU: IntDiv(op, true); return true;
    case O::kI32And: case O::kI64And: bin([&](Value* a, Value* c) { return b_.CreateAnd(a, c); }); return true;
    case O::kI32Or: case O::kI64Or: bin([&](Value* a, Value* c) { return b_.CreateOr(a, c); }); return true;
    case O::kI32Xor: case O::kI64Xor: bin([&](Value* a, Value* c) { return b_.CreateXor(a, c); }); return true;
    case O::kI32Shl: case O::kI64Shl:
      bin([&](Value* a, Value* c) { return b_.CreateShl(a, Mask(c, a->getType()->getIntegerBitWidth())); });
      return true;
    case O::kI32ShrS: case O::kI64ShrS:
      bin([&](Value* a, Value* c) { return b_.CreateAShr(a, Mask(c, a->getType()->getIntegerBitWidth())); });
      return true;
    case O::kI32ShrU: case O::kI64ShrU:
      bin([&](Value* a, Value* c) { return b_.CreateLShr(a, Mask(c, a->getType()->getIntegerBitWidth())); });
      return true;
    case O::kI32Rotl: case O::kI64Rotl:
      bin([&](Value* a, Value* c) { return b_.CreateIntrinsic(llvm::Intrinsic::fshl, {a->getType()}, {a, a, c}); });
      return true;
    case O::kI32Rotr: case O::kI64Rotr:
      bin([&](Value* a, Value* c) { return b_.CreateIntrinsic(llvm::Intrinsic::fshr, {a->getType()}, {a, a, c}); });
      return true;
    case O::kF32Abs: case O::kF64Abs: un([&](Value* a) { return Intrinsic(llvm::Intrinsic::fabs, {a}); }); return true;
    case O::kF32Neg: case O::kF64Neg: un([&](Value* a) { return b_.CreateFNeg(a); }); return true;
    case O::kF32Ceil: case O::kF64Ceil: fun(llvm::Intrinsic::ceil); return true;
    case O::kF32Floor: case O::kF64Floor: fun(llvm::Intrinsic::floor); return true;
    case O::kF32Trunc: case O::kF64Trunc: fun(llvm::Intrinsic::trunc); return true;
    case O::kF32Nearest: case O::kF64Nearest: fun(llvm::Intrinsic::roundeven); return true;
    case O::kF32Sqrt: case O::kF64Sqrt: fun(llvm::Intrinsic::sqrt); return true;
    case O::kF32Add: case O::kF64Add: fbin([&](Value* a, Value* c) { return b_.CreateFAdd(a, c); }); return true;
    case O::kF32Sub: case O::kF64Sub: fbin([&](Value* a, Value* c) { return b_.CreateFSub(a, c); }); return true;
    case O::kF32Mul: case O::kF64Mul: fbin([&](Value* a, Value* c) { return b_.CreateFMul(a, c); }); return true;
    case O::kF32Div: case O::kF64Div: fbin([&](Value* a, Value* c) { return b_.CreateFDiv(a, c); }); return true;
    case O::kF32Min: case O::kF64Min: fbin([&](Value* a, Value* c) { return MinMax(a, c, true); }); return true;
    case O::kF32Max: case O::kF64Max: fbin([&](Value* a, Value* c) { return MinMax(a, c, false); }); return true;
    case O::kF32Copysign: case O::kF64Copysign:
      bin([&](Value* a, Value* c) { return Intrinsic(llvm::Intrinsic::copysign, {a, c}); });
      return true;
    case O::kI32WrapI64: un([&](Value* a) { return b_.CreateTrunc(a, I32()); }); return true;
    case O::kI32TruncF32S: TruncTrap(f32, I32(), true); return true;
    case O::kI32TruncF32U: TruncTrap(f32, I32(), false); return true;
    case O::kI32TruncF64S: TruncTrap(f64, I32(), true); return true;
    case O::kI32TruncF64U: TruncTrap(f64, I32(), false); return true;
    case O::kI64TruncF32S: TruncTrap(f32, I64(), true); return true;
    case O::kI64TruncF32U: TruncTrap(f32, I64(), false); return true;
    case O::kI64TruncF64S: TruncTrap(f64, I64(), true); return true;
    case O::kI64TruncF64U: TruncTrap(f64, I64(), false); return true;
    case O::kI32TruncSatF32S: case O::kI32TruncSatF64S: TruncSat(I32(), true); return true;
    case O::kI32TruncSatF32U: case O::kI32TruncSatF64U: TruncSat(I32(), false); return true;
    case O::kI64TruncSatF32S: case O::kI64TruncSatF64S: TruncSat(I64(), true); return true;
    case O::kI64TruncSatF32U: case O::kI64TruncSatF64U: TruncSat(I64(), false); return true;
    case O::kI64ExtendI32S: un([&](Value* a) { return b_.CreateSExt(a, I64()); }); return true;
    case O::kI64ExtendI32U: un([&](Value* a) { return b_.CreateZExt(a, I64()); }); return true;
    case O::kF32ConvertI32S: case O::kF32ConvertI64S: un([&](Value* a) { return b_.CreateSIToFP(a, f32); }); return true;
    case O::kF32ConvertI32U: case O::kF32ConvertI64U: un([&](Value* a) { return b_.CreateUIToFP(a, f32); }); return true;
    case O::kF64ConvertI32S: case O::kF64ConvertI64S: un([&](Value* a) { return b_.CreateSIToFP(a, f64); }); return true;
    case O::kF64ConvertI32U: case O::kF64ConvertI64U: un([&](Value* a) { return b_.CreateUIToFP(a, f64); }); return true;
    case O::kF32DemoteF64:
      // demote(promote(x)) would fold to x: a signaling NaN must come out quiet.
      un([&](Value* a) {
        return Canon(b_.CreateFPTrunc(llvm::isa<llvm::FPExtInst>(a) ? Opaque(a) : a, f32), op);
      });
      return true;
    case O::kF64PromoteF32: un([&](Value* a) { return Canon(b_.CreateFPExt(a, f64), op); }); return true;
    case O::kI32ReinterpretF32: un([&](Value* a) { return b_.CreateBitCast(a, I32()); }); return true;
    case O::kI64ReinterpretF64: un([&](Value* a) { return b_.CreateBitCast(a, I64()); }); return true;
    case O::kF32ReinterpretI32: un([&](Value* a) { return b_.CreateBitCast(a, f32); }); return true;
    case O::kF64ReinterpretI64: un([&](Value* a) { return b_.CreateBitCast(a, f64); }); return true;
    case O::kI32Extend8S: un([&](Value* a) { return b_.CreateSExt(b_.CreateTrunc(a, b_.getInt8Ty()), I32()); }); return true;
    case O::kI32Extend16S: un([&](Value* a) { return b_.CreateSExt(b_.CreateTrunc(a, b_.getInt16Ty()), I32()); }); return true;
    case O::kI64Extend8S: un([&](Value* a) { return b_.CreateSExt(b_.CreateTrunc(a, b_.getInt8Ty()), I64()); }); return true;
    case O::kI64Extend16S: un([&](Value* a) { return b_.CreateSExt(b_.CreateTrunc(a, b_.getInt16Ty()), I64()); }); return true;
    case O::kI64Extend32S: un([&](Value* a) { return b_.CreateSExt(b_.CreateTrunc(a, I32()), I64()); }); return true;
    default: return false;
  }
}

void FuncGen::Emit(const Instr& in, const DecoderView& st) {
  using O = Opcode;
  Type* i8 = b_.getInt8Ty();
  Type* i16 = b_.getInt16Ty();
  switch (in.op) {
    case O::kUnreachable: return Trap(TrapKind::kUnreachable);
    case O::kNop: return;
    case O::kBr: BranchTo(in.index); reachable_ = false; return;
    case O::kBrIf: return BrIf(in.index);
    case O::kBrTable: return BrTable(in);
    case O::kReturn: EmitReturn(); reachable_ = false; return;
    case O::kCall: return Call(in.index);
    case O::kCallIndirect: return CallIndirect(in);
    case O::kDrop:
      if (m_.options.bounds == BoundsMode::kGuardPages && m_.options.relaxed_traps)
        KeepLoads(stack_.back());
      Pop();
      return;
    case O::kSelect: case O::kSelectT: {
      Value* c = Pop();
      Value* f = Pop();
      Value* t = Pop();
      return Push(b_.CreateSelect(b_.CreateICmpNE(c, b_.getInt32(0)), t, f));
    }
    case O::kLocalGet: return Push(b_.CreateLoad(local_types_[in.index], Local(in.index)));
    case O::kLocalSet: b_.CreateStore(Pop(), Local(in.index)); return;
    case O::kLocalTee: b_.CreateStore(stack_.back(), Local(in.index)); return;
    case O::kGlobalGet: {
      ValType t = m_.mctx.global_types[in.index].type;
      if (!TypeSupported(t)) return Unsupported("v128 global", in.offset);
      Value* p = GlobalPtr(in.index);
      return Push(LoadField(IrType(ctx_, t), p, 0, false, m_.tbaa_global));
    }
    case O::kGlobalSet: {
      ValType t = m_.mctx.global_types[in.index].type;
      if (!TypeSupported(t)) return Unsupported("v128 global", in.offset);
      Value* v = Pop();
      llvm::StoreInst* s = b_.CreateAlignedStore(v, GlobalPtr(in.index), llvm::Align(4));
      s->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_global);
      s->setVolatile(OrderedStateStores());
      return;
    }
    case O::kI32Load: return Load(in, I32(), I32(), false);
    case O::kI64Load: return Load(in, I64(), I64(), false);
    case O::kF32Load: return Load(in, b_.getFloatTy(), b_.getFloatTy(), false);
    case O::kF64Load: return Load(in, b_.getDoubleTy(), b_.getDoubleTy(), false);
    case O::kI32Load8S: return Load(in, i8, I32(), true);
    case O::kI32Load8U: return Load(in, i8, I32(), false);
    case O::kI32Load16S: return Load(in, i16, I32(), true);
    case O::kI32Load16U: return Load(in, i16, I32(), false);
    case O::kI64Load8S: return Load(in, i8, I64(), true);
    case O::kI64Load8U: return Load(in, i8, I64(), false);
    case O::kI64Load16S: return Load(in, i16, I64(), true);
    case O::kI64Load16U: return Load(in, i16, I64(), false);
    case O::kI64Load32S: return Load(in, I32(), I64(), true);
    case O::kI64Load32U: return Load(in, I32(), I64(), false);
    case O::kI32Store: return Store(in, I32());
    case O::kI64Store: return Store(in, I64());
    case O::kF32Store: return Store(in, b_.getFloatTy());
    case O::kF64Store: return Store(in, b_.getDoubleTy());
    case O::kI32Store8: case O::kI64Store8: return Store(in, i8);
    case O::kI32Store16: case O::kI64Store16: return Store(in, i16);
    case O::kI64Store32: return Store(in, I32());
    // Memory indices: in.memory (memory.copy: the destination; in.index2 the source).
    case O::kMemorySize:
      return Push(b_.CreateTrunc(b_.CreateLShr(MemLength(in.memory), 16), I32()));
    case O::kMemoryGrow:
      return Push(CallBuiltin(BuiltinId::kMemoryGrow, {b_.getInt32(in.memory), Pop()}));
    case O::kMemoryFill: case O::kMemoryCopy: {
      Value* n = Pop();
      Value* s = Pop();
      Value* d = Pop();
      if (in.op == O::kMemoryFill)
        CallBuiltin(BuiltinId::kMemoryFill, {b_.getInt32(in.memory), d, s, n});
      else
        CallBuiltin(BuiltinId::kMemoryCopy,
                    {b_.getInt32(in.memory), b_.getInt32(in.index2), d, s, n});
      return;
    }
    case O::kMemoryInit: {
      Value* n = Pop();
      Value* s = Pop();
      Value* d = Pop();
      CallBuiltin(BuiltinId::kMemoryInit,
                  {b_.getInt32(in.memory), b_.getInt32(in.index), d, s, n});
      return;
    }
    case O::kTableSize: case O::kTableGet: case O::kTableSet: case O::kTableGrow:
    case O::kTableFill: case O::kTableCopy: case O::kTableInit: case O::kElemDrop:
      return TableOp(in);
    case O::kRefFunc: return Push(VmField(Ptr(), m_.offsets.func(in.index), true));
    case O::kDataDrop: CallBuiltin(BuiltinId::kDataDrop, {b_.getInt32(in.index)}); return;
    case O::kI32Const: return Push(b_.getInt32(static_cast<uint32_t>(in.value)));
    case O::kI64Const: return Push(b_.getInt64(in.value));
    case O::kF32Const:
      return Push(llvm::ConstantFP::get(ctx_, llvm::APFloat(llvm::APFloat::IEEEsingle(),
                                                            llvm::APInt(32, in.value & 0xffffffffu))));
    case O::kF64Const:
      return Push(llvm::ConstantFP::get(ctx_, llvm::APFloat(llvm::APFloat::IEEEdouble(),
                                                            llvm::APInt(64, in.value))));
    case O::kRefNull: return Push(llvm::ConstantPointerNull::get(llvm::PointerType::get(ctx_, 0)));
    case O::kRefIsNull: return Push(Bool(b_.CreateIsNull(Pop())));
    default:
      if (Numeric(in.op)) return;
      if (IsSimdOpcode(in.op)) {
        auto address = [this, mem = in.memory](Value* a, uint64_t off, uint32_t size) {
          return Address(a, off, size, mem);
        };
        SimdEmitContext cx{b_, stack_, m_, address};
        if (EmitSimd(cx, in)) return;
      }
      return Unsupported(std::string(OpcodeName(in.op)), in.offset);
  }
  (void)st;
}

}  // namespace

llvm::Type* IrType(llvm::LLVMContext& ctx, ValType t) {
  switch (t) {
    case ValType::kI32: return llvm::Type::getInt32Ty(ctx);
    case ValType::kI64: return llvm::Type::getInt64Ty(ctx);
    case ValType::kF32: return llvm::Type::getFloatTy(ctx);
    case ValType::kF64: return llvm::Type::getDoubleTy(ctx);
    case ValType::kV128: return llvm::FixedVectorType::get(llvm::Type::getInt64Ty(ctx), 2);
    default: return llvm::PointerType::get(ctx, 0);
  }
}

bool TypeSupported(ValType) { return true; }


llvm::FunctionType* InternalSig(llvm::LLVMContext& ctx, const FuncType& type) {
  std::vector<llvm::Type*> params{llvm::PointerType::get(ctx, 0)};
  for (ValType t : type.params) params.push_back(IrType(ctx, t));
  llvm::Type* ret;
  if (type.results.empty()) {
    ret = llvm::Type::getVoidTy(ctx);
  } else if (type.results.size() == 1) {
    ret = IrType(ctx, type.results[0]);
  } else {
    std::vector<llvm::Type*> rs;
    for (ValType t : type.results) rs.push_back(IrType(ctx, t));
    ret = llvm::StructType::get(ctx, rs);
  }
  return llvm::FunctionType::get(ret, params, false);
}

Status GenerateFunction(ModuleIr& m, uint32_t defined_index, DecodeScratch& scratch) {
  uint32_t func_index = m.desc.num_imported_funcs + defined_index;
  FuncGen gen(m, func_index, m.funcs[func_index]);
  NW_TRY(DecodeFunctionBody(m.mctx, defined_index, gen, scratch));
  if (!gen.error().empty()) {
    size_t off = gen.error_offset() != kNoOffset ? gen.error_offset()
                                                 : m.desc.functions[defined_index].code_offset;
    return MakeError(off, gen.error());
  }
  return Ok();
}

}  // namespace nw::opt

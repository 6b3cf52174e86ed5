// The opt tier's SIMD code generator (see func_gen_simd.h). Every operation is written as
// plain LLVM vector IR whose semantics are exactly wasm's, so the backend picks the x86
// instructions and nothing here depends on which are present: saturating arithmetic via the
// *.sat intrinsics, trunc_sat via fptosi.sat/fptoui.sat (NaN -> 0), narrowing as a signed
// clamp then truncation, swizzle's out-of-range lanes as zeros, q15mulr with its one
// saturating case. Float min/max are built from compares and selects rather than
// llvm.minimum/maximum (whose vector lowering may become library calls, which the object must
// not have): a NaN operand gives a + b (a quiet NaN), equal operands combine their bits
// (-0 wins min, +0 wins max), else the smaller/larger. NaN results are whatever x86 produces,
// canonicalized like the interpreter under Config::canonicalize_nans.
// Not here: control flow, locals, calls, bounds checks (func_gen.cc).
#include "opt/func_gen_simd.h"

#include <cstring>

#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsX86.h>
#include <llvm/IR/MDBuilder.h>

namespace nw::opt {
namespace {

using llvm::Type;
using llvm::Value;
using llvm::VectorType;
using O = Opcode;
using NanMode = Config::NanCanonicalization;

class SimdGen {
 public:
  explicit SimdGen(SimdEmitContext& cx) : cx_(cx), b_(cx.b) {}

  bool Emit(const Instr& in);

 private:
  Type* I8() { return b_.getInt8Ty(); }
  Type* I16() { return b_.getInt16Ty(); }
  Type* I32() { return b_.getInt32Ty(); }
  Type* I64() { return b_.getInt64Ty(); }
  Type* F32() { return b_.getFloatTy(); }
  Type* F64() { return b_.getDoubleTy(); }
  VectorType* Vec(Type* t, unsigned n) { return llvm::FixedVectorType::get(t, n); }
  VectorType* I8x16() { return Vec(I8(), 16); }
  VectorType* I16x8() { return Vec(I16(), 8); }
  VectorType* I32x4() { return Vec(I32(), 4); }
  VectorType* I64x2() { return Vec(I64(), 2); }
  VectorType* F32x4() { return Vec(F32(), 4); }
  VectorType* F64x2() { return Vec(F64(), 2); }

  Value* Pop() {
    Value* v = cx_.stack.back();
    cx_.stack.pop_back();
    return v;
  }
  // A v128 operand viewed as `t` (a bitcast, free).
  Value* PopAs(VectorType* t) { return b_.CreateBitCast(Pop(), t); }
  void Push(Value* v) {
    if (v->getType()->isVectorTy()) v = b_.CreateBitCast(v, I64x2());
    cx_.stack.push_back(v);
  }

  static unsigned Lanes(VectorType* t) {
    return static_cast<unsigned>(llvm::cast<llvm::FixedVectorType>(t)->getNumElements());
  }
  Value* Splat(VectorType* t, Value* scalar) { return b_.CreateVectorSplat(Lanes(t), scalar); }
  Value* SplatInt(VectorType* t, uint64_t v) {
    return llvm::ConstantInt::get(t, v);  // a splat when t is a vector type
  }
  Value* Intrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<Value*> args) {
    return b_.CreateIntrinsic(id, {args[0]->getType()}, args);
  }
  // Lanes [first, first + n) of v.
  Value* Half(Value* v, unsigned first, unsigned n) {
    llvm::SmallVector<int, 16> mask;
    for (unsigned i = 0; i < n; ++i) mask.push_back(static_cast<int>(first + i));
    return b_.CreateShuffleVector(v, mask);
  }
  // Every other lane starting at `first` (0 = even, 1 = odd).
  Value* Stride(Value* v, unsigned first, unsigned n) {
    llvm::SmallVector<int, 16> mask;
    for (unsigned i = 0; i < n; ++i) mask.push_back(static_cast<int>(first + 2 * i));
    return b_.CreateShuffleVector(v, mask);
  }
  Value* Concat(Value* a, Value* c) {
    unsigned n = Lanes(llvm::cast<VectorType>(a->getType()));
    llvm::SmallVector<int, 16> mask;
    for (unsigned i = 0; i < 2 * n; ++i) mask.push_back(static_cast<int>(i));
    return b_.CreateShuffleVector(a, c, mask);
  }
  Value* Ext(Value* v, VectorType* to, bool is_signed) {
    return is_signed ? b_.CreateSExt(v, to) : b_.CreateZExt(v, to);
  }
  // A comparison's lane mask as all-ones/all-zeros lanes of `t`.
  Value* Mask(Value* cmp, VectorType* t) { return b_.CreateSExt(cmp, t); }

  // ---- NaNs ---------------------------------------------------------------------------------
  Value* Canon(Value* r, Opcode op) {
    NanMode mode = cx_.m.options.canonicalize_nans;
    if (mode == NanMode::kNone) return r;
    bool arith = false;
    switch (op) {
      case O::kF32x4Add: case O::kF32x4Sub: case O::kF32x4Mul: case O::kF32x4Div:
      case O::kF32x4Min: case O::kF32x4Max: case O::kF64x2Add: case O::kF64x2Sub:
      case O::kF64x2Mul: case O::kF64x2Div: case O::kF64x2Min: case O::kF64x2Max:
        arith = true;
        break;
      default: break;
    }
    if (!arith && mode != NanMode::kAll) return r;
    auto* vt = llvm::cast<VectorType>(r->getType());
    bool f32 = vt->getElementType()->isFloatTy();
    Value* canon = llvm::ConstantFP::get(
        vt, f32 ? llvm::APFloat(llvm::APFloat::IEEEsingle(), llvm::APInt(32, 0x7fc00000u))
                : llvm::APFloat(llvm::APFloat::IEEEdouble(), llvm::APInt(64, 0x7ff8000000000000ull)));
    return b_.CreateSelect(b_.CreateFCmpUNO(r, r), canon, r);
  }
  // LLVM folds x-0, x*1, x/1 and the like to x, which would hand back a signaling NaN
  // unquieted; a constant operand of float arithmetic goes through an empty inline asm.
  Value* Opaque(Value* v) {
    if (!llvm::isa<llvm::Constant>(v)) return v;
    auto* fty = llvm::FunctionType::get(v->getType(), {v->getType()}, false);
    return b_.CreateCall(llvm::InlineAsm::get(fty, "", "=x,0", false), {v});
  }
  Value* MinMax(Value* a, Value* c, bool is_min) {
    auto* ft = llvm::cast<VectorType>(a->getType());
    VectorType* it = ft->getElementType()->isFloatTy() ? I32x4() : I64x2();
    Value* pick = b_.CreateSelect(is_min ? b_.CreateFCmpOLT(a, c) : b_.CreateFCmpOGT(a, c), a, c);
    Value* ia = b_.CreateBitCast(a, it);
    Value* ic = b_.CreateBitCast(c, it);
    Value* same = b_.CreateBitCast(is_min ? b_.CreateOr(ia, ic) : b_.CreateAnd(ia, ic), ft);
    Value* r = b_.CreateSelect(b_.CreateFCmpOEQ(a, c), same, pick);
    return b_.CreateSelect(b_.CreateFCmpUNO(a, c), b_.CreateFAdd(a, c), r);
  }

  // ---- memory -------------------------------------------------------------------------------
  llvm::LoadInst* LoadMem(Type* t, Value* addr, uint64_t offset) {
    auto bytes = static_cast<uint32_t>(t->getPrimitiveSizeInBits() / 8);
    Value* p = cx_.address(addr, offset, bytes);
    llvm::LoadInst* l = b_.CreateAlignedLoad(t, p, llvm::Align(1));
    TagMemAccess(cx_.m, l);
    return l;
  }
  void StoreMem(Value* v, Value* addr, uint64_t offset) {
    auto bytes = static_cast<uint32_t>(v->getType()->getPrimitiveSizeInBits() / 8);
    Value* p = cx_.address(addr, offset, bytes);
    llvm::StoreInst* s = b_.CreateAlignedStore(v, p, llvm::Align(1));
    TagMemAccess(cx_.m, s);
  }
  void LoadExtend(const Instr& in, Type* lane, VectorType* to, bool is_signed) {
    Value* v = LoadMem(Vec(lane, Lanes(to)), Pop(), in.value);
    Push(Ext(v, to, is_signed));
  }
  void LoadSplat(const Instr& in, Type* lane, unsigned n) {
    Push(b_.CreateVectorSplat(n, LoadMem(lane, Pop(), in.value)));
  }
  void LoadZero(const Instr& in, Type* lane, VectorType* t) {
    Value* v = LoadMem(lane, Pop(), in.value);
    Push(b_.CreateInsertElement(llvm::Constant::getNullValue(t), v, uint64_t{0}));
  }
  void LoadLane(const Instr& in, Type* lane, VectorType* t) {
    Value* v = PopAs(t);
    Value* x = LoadMem(lane, Pop(), in.value);
    Push(b_.CreateInsertElement(v, x, uint64_t{in.index}));
  }
  void StoreLane(const Instr& in, VectorType* t) {
    Value* v = PopAs(t);
    StoreMem(b_.CreateExtractElement(v, uint64_t{in.index}), Pop(), in.value);
  }

  // ---- shapes of operation ------------------------------------------------------------------
  template <class F>
  void Un(VectorType* t, F f) {
    Value* a = PopAs(t);
    Push(f(a));
  }
  template <class F>
  void Bin(VectorType* t, F f) {
    Value* c = PopAs(t);
    Value* a = PopAs(t);
    Push(f(a, c));
  }
  void BinIntrinsic(VectorType* t, llvm::Intrinsic::ID id) {
    Bin(t, [&](Value* a, Value* c) { return Intrinsic(id, {a, c}); });
  }
  void ICmp(VectorType* t, llvm::CmpInst::Predicate p) {
    Bin(t, [&](Value* a, Value* c) { return Mask(b_.CreateICmp(p, a, c), t); });
  }
  void FCmp(VectorType* t, llvm::CmpInst::Predicate p) {
    VectorType* it = Lanes(t) == 4 ? I32x4() : I64x2();
    Bin(t, [&](Value* a, Value* c) { return Mask(b_.CreateFCmp(p, a, c), it); });
  }
  void FBin(VectorType* t, Opcode op, Value* (SimdGen::*f)(Value*, Value*)) {
    Bin(t, [&](Value* a, Value* c) { return Canon((this->*f)(Opaque(a), Opaque(c)), op); });
  }
  Value* FAdd(Value* a, Value* c) { return b_.CreateFAdd(a, c); }
  Value* FSub(Value* a, Value* c) { return b_.CreateFSub(a, c); }
  Value* FMul(Value* a, Value* c) { return b_.CreateFMul(a, c); }
  Value* FDiv(Value* a, Value* c) { return b_.CreateFDiv(a, c); }
  Value* FMin(Value* a, Value* c) { return MinMax(a, c, true); }
  Value* FMax(Value* a, Value* c) { return MinMax(a, c, false); }
  void FUn(VectorType* t, Opcode op, llvm::Intrinsic::ID id) {
    Un(t, [&](Value* a) { return Canon(Intrinsic(id, {a}), op); });
  }
  // Shift: the count is taken modulo the lane width.
  void Shift(VectorType* t, llvm::Instruction::BinaryOps kind) {
    Value* count = Pop();
    Value* v = PopAs(t);
    Type* lane = t->getElementType();
    unsigned bits = lane->getIntegerBitWidth();
    count = b_.CreateAnd(count, b_.getInt32(bits - 1));
    count = b_.CreateZExtOrTrunc(count, lane);
    Push(b_.CreateBinOp(kind, v, Splat(t, count)));
  }
  void Splat(VectorType* t) {
    Value* x = Pop();
    Type* lane = t->getElementType();
    if (lane->isIntegerTy() && x->getType() != lane) x = b_.CreateTrunc(x, lane);
    Push(Splat(t, x));
  }
  void Extract(VectorType* t, const Instr& in, int sign) {  // sign: -1 none, 0 zext, 1 sext
    Value* x = b_.CreateExtractElement(PopAs(t), uint64_t{in.index});
    if (sign >= 0) x = sign ? b_.CreateSExt(x, I32()) : b_.CreateZExt(x, I32());
    cx_.stack.push_back(x);
  }
  void Replace(VectorType* t, const Instr& in) {
    Value* x = Pop();
    Value* v = PopAs(t);
    Type* lane = t->getElementType();
    if (lane->isIntegerTy() && x->getType() != lane) x = b_.CreateTrunc(x, lane);
    Push(b_.CreateInsertElement(v, x, uint64_t{in.index}));
  }
  void AllTrue(VectorType* t) {
    Value* v = PopAs(t);
    Value* ne = b_.CreateICmpNE(v, llvm::Constant::getNullValue(t));
    cx_.stack.push_back(b_.CreateZExt(b_.CreateAndReduce(ne), I32()));
  }
  void Bitmask(VectorType* t) {
    Value* v = PopAs(t);
    Value* neg = b_.CreateICmpSLT(v, llvm::Constant::getNullValue(t));
    Value* bits = b_.CreateBitCast(neg, b_.getIntNTy(Lanes(t)));
    cx_.stack.push_back(b_.CreateZExt(bits, I32()));
  }
  // Narrow two vectors of `from` lanes into one of half-width lanes, saturating (signed input).
  void Narrow(VectorType* from, VectorType* to, bool is_signed) {
    Value* c = PopAs(from);
    Value* a = PopAs(from);
    unsigned bits = to->getElementType()->getIntegerBitWidth();
    int64_t hi = is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
    int64_t lo = is_signed ? -(int64_t{1} << (bits - 1)) : 0;
    auto clamp = [&](Value* x) {
      x = Intrinsic(llvm::Intrinsic::smin, {x, SplatInt(from, static_cast<uint64_t>(hi))});
      x = Intrinsic(llvm::Intrinsic::smax, {x, SplatInt(from, static_cast<uint64_t>(lo))});
      return b_.CreateTrunc(x, Vec(to->getElementType(), Lanes(from)));
    };
    Push(Concat(clamp(a), clamp(c)));
  }
  // Low or high half of `from`, extended to `to` lanes.
  void Extend(VectorType* from, VectorType* to, bool high, bool is_signed) {
    Value* v = PopAs(from);
    unsigned n = Lanes(to);
    Push(Ext(Half(v, high ? n : 0, n), to, is_signed));
  }
  void ExtMul(VectorType* from, VectorType* to, bool high, bool is_signed) {
    Value* c = PopAs(from);
    Value* a = PopAs(from);
    unsigned n = Lanes(to);
    Value* x = Ext(Half(a, high ? n : 0, n), to, is_signed);
    Value* y = Ext(Half(c, high ? n : 0, n), to, is_signed);
    Push(b_.CreateMul(x, y));
  }
  void ExtAddPairwise(VectorType* from, VectorType* to, bool is_signed) {
    Value* v = PopAs(from);
    unsigned n = Lanes(to);
    Push(b_.CreateAdd(Ext(Stride(v, 0, n), to, is_signed), Ext(Stride(v, 1, n), to, is_signed)));
  }
  void AvgrU(VectorType* t) {
    VectorType* wide = Vec(b_.getIntNTy(2 * t->getElementType()->getIntegerBitWidth()), Lanes(t));
    Bin(t, [&](Value* a, Value* c) {
      Value* s = b_.CreateAdd(b_.CreateAdd(b_.CreateZExt(a, wide), b_.CreateZExt(c, wide)),
                              SplatInt(wide, 1));
      return b_.CreateTrunc(b_.CreateLShr(s, SplatInt(wide, 1)), t);
    });
  }
  void Q15MulrSat() {
    Bin(I16x8(), [&](Value* a, Value* c) {
      VectorType* w = Vec(I32(), 8);
      Value* p = b_.CreateMul(b_.CreateSExt(a, w), b_.CreateSExt(c, w));
      p = b_.CreateAShr(b_.CreateAdd(p, SplatInt(w, 0x4000)), SplatInt(w, 15));
      p = Intrinsic(llvm::Intrinsic::smin, {p, SplatInt(w, 0x7fff)});
      return b_.CreateTrunc(p, I16x8());  // only 0x8000 * 0x8000 exceeds, and only above
    });
  }
  void Dot() {
    Bin(I16x8(), [&](Value* a, Value* c) {
      VectorType* w = Vec(I32(), 8);
      Value* p = b_.CreateMul(b_.CreateSExt(a, w), b_.CreateSExt(c, w));
      return b_.CreateAdd(Stride(p, 0, 4), Stride(p, 1, 4));
    });
  }
  void Swizzle() {
    Value* s = PopAs(I8x16());
    Value* a = PopAs(I8x16());
    if (HasSsse3()) {
      // pshufb zeroes a lane whose index has bit 7 set: saturating +0x70 sets it exactly for
      // indices >= 16 and keeps the low four bits of the others.
      Value* idx = Intrinsic(llvm::Intrinsic::uadd_sat, {s, SplatInt(I8x16(), 0x70)});
      Push(b_.CreateIntrinsic(llvm::Intrinsic::x86_ssse3_pshuf_b_128, {}, {a, idx}));
      return;
    }
    Value* r = llvm::Constant::getNullValue(I8x16());
    for (unsigned i = 0; i < 16; ++i) {
      Value* idx = b_.CreateExtractElement(s, uint64_t{i});
      Value* lane = b_.CreateExtractElement(a, b_.CreateAnd(idx, b_.getInt8(15)));
      lane = b_.CreateSelect(b_.CreateICmpULT(idx, b_.getInt8(16)), lane, b_.getInt8(0));
      r = b_.CreateInsertElement(r, lane, uint64_t{i});
    }
    Push(r);
  }
  bool HasSsse3() { return cx_.m.options.host_cpu && host_ssse3_; }
  void TruncSat(VectorType* from, VectorType* to, bool is_signed, bool zero_high) {
    Value* v = PopAs(from);
    Value* r = b_.CreateIntrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                                  {to, from}, {v});
    if (zero_high) r = Concat(r, llvm::Constant::getNullValue(to));
    Push(r);
  }
  void Const(const Instr& in) {
    uint64_t w[2];
    std::memcpy(w, in.bytes, 16);
    Push(llvm::ConstantDataVector::get(b_.getContext(), llvm::ArrayRef<uint64_t>(w, 2)));
  }
  void Shuffle(const Instr& in) {
    Value* c = PopAs(I8x16());
    Value* a = PopAs(I8x16());
    llvm::SmallVector<int, 16> mask;
    for (uint8_t x : in.bytes) mask.push_back(x);
    Push(b_.CreateShuffleVector(a, c, mask));
  }

  SimdEmitContext& cx_;
  llvm::IRBuilder<>& b_;
  bool host_ssse3_ = false;

 public:
  void SetHostSsse3(bool v) { host_ssse3_ = v; }
};

bool SimdGen::Emit(const Instr& in) {
  using P = llvm::CmpInst::Predicate;
  using BO = llvm::Instruction::BinaryOps;
  namespace I = llvm::Intrinsic;
  switch (in.op) {
    // ---- memory
    case O::kV128Load: Push(LoadMem(I64x2(), Pop(), in.value)); return true;
    case O::kV128Load8x8S: LoadExtend(in, I8(), I16x8(), true); return true;
    case O::kV128Load8x8U: LoadExtend(in, I8(), I16x8(), false); return true;
    case O::kV128Load16x4S: LoadExtend(in, I16(), I32x4(), true); return true;
    case O::kV128Load16x4U: LoadExtend(in, I16(), I32x4(), false); return true;
    case O::kV128Load32x2S: LoadExtend(in, I32(), I64x2(), true); return true;
    case O::kV128Load32x2U: LoadExtend(in, I32(), I64x2(), false); return true;
    case O::kV128Load8Splat: LoadSplat(in, I8(), 16); return true;
    case O::kV128Load16Splat: LoadSplat(in, I16(), 8); return true;
    case O::kV128Load32Splat: LoadSplat(in, I32(), 4); return true;
    case O::kV128Load64Splat: LoadSplat(in, I64(), 2); return true;
    case O::kV128Load32Zero: LoadZero(in, I32(), I32x4()); return true;
    case O::kV128Load64Zero: LoadZero(in, I64(), I64x2()); return true;
    case O::kV128Store: {
      Value* v = Pop();
      StoreMem(v, Pop(), in.value);
      return true;
    }
    case O::kV128Load8Lane: LoadLane(in, I8(), I8x16()); return true;
    case O::kV128Load16Lane: LoadLane(in, I16(), I16x8()); return true;
    case O::kV128Load32Lane: LoadLane(in, I32(), I32x4()); return true;
    case O::kV128Load64Lane: LoadLane(in, I64(), I64x2()); return true;
    case O::kV128Store8Lane: StoreLane(in, I8x16()); return true;
    case O::kV128Store16Lane: StoreLane(in, I16x8()); return true;
    case O::kV128Store32Lane: StoreLane(in, I32x4()); return true;
    case O::kV128Store64Lane: StoreLane(in, I64x2()); return true;
    // ---- constants, shuffles, lanes
    case O::kV128Const: Const(in); return true;
    case O::kI8x16Shuffle: Shuffle(in); return true;
    case O::kI8x16Swizzle: Swizzle(); return true;
    case O::kI8x16Splat: Splat(I8x16()); return true;
    case O::kI16x8Splat: Splat(I16x8()); return true;
    case O::kI32x4Splat: Splat(I32x4()); return true;
    case O::kI64x2Splat: Splat(I64x2()); return true;
    case O::kF32x4Splat: Splat(F32x4()); return true;
    case O::kF64x2Splat: Splat(F64x2()); return true;
    case O::kI8x16ExtractLaneS: Extract(I8x16(), in, 1); return true;
    case O::kI8x16ExtractLaneU: Extract(I8x16(), in, 0); return true;
    case O::kI16x8ExtractLaneS: Extract(I16x8(), in, 1); return true;
    case O::kI16x8ExtractLaneU: Extract(I16x8(), in, 0); return true;
    case O::kI32x4ExtractLane: Extract(I32x4(), in, -1); return true;
    case O::kI64x2ExtractLane: Extract(I64x2(), in, -1); return true;
    case O::kF32x4ExtractLane: Extract(F32x4(), in, -1); return true;
    case O::kF64x2ExtractLane: Extract(F64x2(), in, -1); return true;
    case O::kI8x16ReplaceLane: Replace(I8x16(), in); return true;
    case O::kI16x8ReplaceLane: Replace(I16x8(), in); return true;
    case O::kI32x4ReplaceLane: Replace(I32x4(), in); return true;
    case O::kI64x2ReplaceLane: Replace(I64x2(), in); return true;
    case O::kF32x4ReplaceLane: Replace(F32x4(), in); return true;
    case O::kF64x2ReplaceLane: Replace(F64x2(), in); return true;
    // ---- comparisons
    case O::kI8x16Eq: ICmp(I8x16(), P::ICMP_EQ); return true;
    case O::kI8x16Ne: ICmp(I8x16(), P::ICMP_NE); return true;
    case O::kI8x16LtS: ICmp(I8x16(), P::ICMP_SLT); return true;
    case O::kI8x16LtU: ICmp(I8x16(), P::ICMP_ULT); return true;
    case O::kI8x16GtS: ICmp(I8x16(), P::ICMP_SGT); return true;
    case O::kI8x16GtU: ICmp(I8x16(), P::ICMP_UGT); return true;
    case O::kI8x16LeS: ICmp(I8x16(), P::ICMP_SLE); return true;
    case O::kI8x16LeU: ICmp(I8x16(), P::ICMP_ULE); return true;
    case O::kI8x16GeS: ICmp(I8x16(), P::ICMP_SGE); return true;
    case O::kI8x16GeU: ICmp(I8x16(), P::ICMP_UGE); return true;
    case O::kI16x8Eq: ICmp(I16x8(), P::ICMP_EQ); return true;
    case O::kI16x8Ne: ICmp(I16x8(), P::ICMP_NE); return true;
    case O::kI16x8LtS: ICmp(I16x8(), P::ICMP_SLT); return true;
    case O::kI16x8LtU: ICmp(I16x8(), P::ICMP_ULT); return true;
    case O::kI16x8GtS: ICmp(I16x8(), P::ICMP_SGT); return true;
    case O::kI16x8GtU: ICmp(I16x8(), P::ICMP_UGT); return true;
    case O::kI16x8LeS: ICmp(I16x8(), P::ICMP_SLE); return true;
    case O::kI16x8LeU: ICmp(I16x8(), P::ICMP_ULE); return true;
    case O::kI16x8GeS: ICmp(I16x8(), P::ICMP_SGE); return true;
    case O::kI16x8GeU: ICmp(I16x8(), P::ICMP_UGE); return true;
    case O::kI32x4Eq: ICmp(I32x4(), P::ICMP_EQ); return true;
    case O::kI32x4Ne: ICmp(I32x4(), P::ICMP_NE); return true;
    case O::kI32x4LtS: ICmp(I32x4(), P::ICMP_SLT); return true;
    case O::kI32x4LtU: ICmp(I32x4(), P::ICMP_ULT); return true;
    case O::kI32x4GtS: ICmp(I32x4(), P::ICMP_SGT); return true;
    case O::kI32x4GtU: ICmp(I32x4(), P::ICMP_UGT); return true;
    case O::kI32x4LeS: ICmp(I32x4(), P::ICMP_SLE); return true;
    case O::kI32x4LeU: ICmp(I32x4(), P::ICMP_ULE); return true;
    case O::kI32x4GeS: ICmp(I32x4(), P::ICMP_SGE); return true;
    case O::kI32x4GeU: ICmp(I32x4(), P::ICMP_UGE); return true;
    case O::kI64x2Eq: ICmp(I64x2(), P::ICMP_EQ); return true;
    case O::kI64x2Ne: ICmp(I64x2(), P::ICMP_NE); return true;
    case O::kI64x2LtS: ICmp(I64x2(), P::ICMP_SLT); return true;
    case O::kI64x2GtS: ICmp(I64x2(), P::ICMP_SGT); return true;
    case O::kI64x2LeS: ICmp(I64x2(), P::ICMP_SLE); return true;
    case O::kI64x2GeS: ICmp(I64x2(), P::ICMP_SGE); return true;
    case O::kF32x4Eq: FCmp(F32x4(), P::FCMP_OEQ); return true;
    case O::kF32x4Ne: FCmp(F32x4(), P::FCMP_UNE); return true;
    case O::kF32x4Lt: FCmp(F32x4(), P::FCMP_OLT); return true;
    case O::kF32x4Gt: FCmp(F32x4(), P::FCMP_OGT); return true;
    case O::kF32x4Le: FCmp(F32x4(), P::FCMP_OLE); return true;
    case O::kF32x4Ge: FCmp(F32x4(), P::FCMP_OGE); return true;
    case O::kF64x2Eq: FCmp(F64x2(), P::FCMP_OEQ); return true;
    case O::kF64x2Ne: FCmp(F64x2(), P::FCMP_UNE); return true;
    case O::kF64x2Lt: FCmp(F64x2(), P::FCMP_OLT); return true;
    case O::kF64x2Gt: FCmp(F64x2(), P::FCMP_OGT); return true;
    case O::kF64x2Le: FCmp(F64x2(), P::FCMP_OLE); return true;
    case O::kF64x2Ge: FCmp(F64x2(), P::FCMP_OGE); return true;
    // ---- bitwise
    case O::kV128Not: Un(I64x2(), [&](Value* a) { return b_.CreateNot(a); }); return true;
    case O::kV128And: Bin(I64x2(), [&](Value* a, Value* c) { return b_.CreateAnd(a, c); }); return true;
    case O::kV128Andnot:
      Bin(I64x2(), [&](Value* a, Value* c) { return b_.CreateAnd(a, b_.CreateNot(c)); });
      return true;
    case O::kV128Or: Bin(I64x2(), [&](Value* a, Value* c) { return b_.CreateOr(a, c); }); return true;
    case O::kV128Xor: Bin(I64x2(), [&](Value* a, Value* c) { return b_.CreateXor(a, c); }); return true;
    case O::kV128Bitselect: {
      Value* m = Pop();
      Value* c = Pop();
      Value* a = Pop();
      Push(b_.CreateOr(b_.CreateAnd(a, m), b_.CreateAnd(c, b_.CreateNot(m))));
      return true;
    }
    case O::kV128AnyTrue: {
      Value* v = b_.CreateBitCast(Pop(), b_.getInt128Ty());
      cx_.stack.push_back(b_.CreateZExt(b_.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0)), I32()));
      return true;
    }
    // ---- integer lanes
    case O::kI8x16Abs: Un(I8x16(), [&](Value* a) { return Intrinsic(I::abs, {a, b_.getFalse()}); }); return true;
    case O::kI16x8Abs: Un(I16x8(), [&](Value* a) { return Intrinsic(I::abs, {a, b_.getFalse()}); }); return true;
    case O::kI32x4Abs: Un(I32x4(), [&](Value* a) { return Intrinsic(I::abs, {a, b_.getFalse()}); }); return true;
    case O::kI64x2Abs: Un(I64x2(), [&](Value* a) { return Intrinsic(I::abs, {a, b_.getFalse()}); }); return true;
    case O::kI8x16Neg: Un(I8x16(), [&](Value* a) { return b_.CreateNeg(a); }); return true;
    case O::kI16x8Neg: Un(I16x8(), [&](Value* a) { return b_.CreateNeg(a); }); return true;
    case O::kI32x4Neg: Un(I32x4(), [&](Value* a) { return b_.CreateNeg(a); }); return true;
    case O::kI64x2Neg: Un(I64x2(), [&](Value* a) { return b_.CreateNeg(a); }); return true;
    case O::kI8x16Popcnt: Un(I8x16(), [&](Value* a) { return Intrinsic(I::ctpop, {a}); }); return true;
    case O::kI8x16AllTrue: AllTrue(I8x16()); return true;
    case O::kI16x8AllTrue: AllTrue(I16x8()); return true;
    case O::kI32x4AllTrue: AllTrue(I32x4()); return true;
    case O::kI64x2AllTrue: AllTrue(I64x2()); return true;
    case O::kI8x16Bitmask: Bitmask(I8x16()); return true;
    case O::kI16x8Bitmask: Bitmask(I16x8()); return true;
    case O::kI32x4Bitmask: Bitmask(I32x4()); return true;
    case O::kI64x2Bitmask: Bitmask(I64x2()); return true;
    case O::kI8x16NarrowI16x8S: Narrow(I16x8(), I8x16(), true); return true;
    case O::kI8x16NarrowI16x8U: Narrow(I16x8(), I8x16(), false); return true;
    case O::kI16x8NarrowI32x4S: Narrow(I32x4(), I16x8(), true); return true;
    case O::kI16x8NarrowI32x4U: Narrow(I32x4(), I16x8(), false); return true;
    case O::kI8x16Shl: Shift(I8x16(), BO::Shl); return true;
    case O::kI8x16ShrS: Shift(I8x16(), BO::AShr); return true;
    case O::kI8x16ShrU: Shift(I8x16(), BO::LShr); return true;
    case O::kI16x8Shl: Shift(I16x8(), BO::Shl); return true;
    case O::kI16x8ShrS: Shift(I16x8(), BO::AShr); return true;
    case O::kI16x8ShrU: Shift(I16x8(), BO::LShr); return true;
    case O::kI32x4Shl: Shift(I32x4(), BO::Shl); return true;
    case O::kI32x4ShrS: Shift(I32x4(), BO::AShr); return true;
    case O::kI32x4ShrU: Shift(I32x4(), BO::LShr); return true;
    case O::kI64x2Shl: Shift(I64x2(), BO::Shl); return true;
    case O::kI64x2ShrS: Shift(I64x2(), BO::AShr); return true;
    case O::kI64x2ShrU: Shift(I64x2(), BO::LShr); return true;
    case O::kI8x16Add: Bin(I8x16(), [&](Value* a, Value* c) { return b_.CreateAdd(a, c); }); return true;
    case O::kI16x8Add: Bin(I16x8(), [&](Value* a, Value* c) { return b_.CreateAdd(a, c); }); return true;
    case O::kI32x4Add: Bin(I32x4(), [&](Value* a, Value* c) { return b_.CreateAdd(a, c); }); return true;
    case O::kI64x2Add: Bin(I64x2(), [&](Value* a, Value* c) { return b_.CreateAdd(a, c); }); return true;
    case O::kI8x16Sub: Bin(I8x16(), [&](Value* a, Value* c) { return b_.CreateSub(a, c); }); return true;
    case O::kI16x8Sub: Bin(I16x8(), [&](Value* a, Value* c) { return b_.CreateSub(a, c); }); return true;
    case O::kI32x4Sub: Bin(I32x4(), [&](Value* a, Value* c) { return b_.CreateSub(a, c); }); return true;
    case O::kI64x2Sub: Bin(I64x2(), [&](Value* a, Value* c) { return b_.CreateSub(a, c); }); return true;
    case O::kI16x8Mul: Bin(I16x8(), [&](Value* a, Value* c) { return b_.CreateMul(a, c); }); return true;
    case O::kI32x4Mul: Bin(I32x4(), [&](Value* a, Value* c) { return b_.CreateMul(a, c); }); return true;
    case O::kI64x2Mul: Bin(I64x2(), [&](Value* a, Value* c) { return b_.CreateMul(a, c); }); return true;
    case O::kI8x16AddSatS: BinIntrinsic(I8x16(), I::sadd_sat); return true;
    case O::kI8x16AddSatU: BinIntrinsic(I8x16(), I::uadd_sat); return true;
    case O::kI8x16SubSatS: BinIntrinsic(I8x16(), I::ssub_sat); return true;
    case O::kI8x16SubSatU: BinIntrinsic(I8x16(), I::usub_sat); return true;
    case O::kI16x8AddSatS: BinIntrinsic(I16x8(), I::sadd_sat); return true;
    case O::kI16x8AddSatU: BinIntrinsic(I16x8(), I::uadd_sat); return true;
    case O::kI16x8SubSatS: BinIntrinsic(I16x8(), I::ssub_sat); return true;
    case O::kI16x8SubSatU: BinIntrinsic(I16x8(), I::usub_sat); return true;
    case O::kI8x16MinS: BinIntrinsic(I8x16(), I::smin); return true;
    case O::kI8x16MinU: BinIntrinsic(I8x16(), I::umin); return true;
    case O::kI8x16MaxS: BinIntrinsic(I8x16(), I::smax); return true;
    case O::kI8x16MaxU: BinIntrinsic(I8x16(), I::umax); return true;
    case O::kI16x8MinS: BinIntrinsic(I16x8(), I::smin); return true;
    case O::kI16x8MinU: BinIntrinsic(I16x8(), I::umin); return true;
    case O::kI16x8MaxS: BinIntrinsic(I16x8(), I::smax); return true;
    case O::kI16x8MaxU: BinIntrinsic(I16x8(), I::umax); return true;
    case O::kI32x4MinS: BinIntrinsic(I32x4(), I::smin); return true;
    case O::kI32x4MinU: BinIntrinsic(I32x4(), I::umin); return true;
    case O::kI32x4MaxS: BinIntrinsic(I32x4(), I::smax); return true;
    case O::kI32x4MaxU: BinIntrinsic(I32x4(), I::umax); return true;
    case O::kI8x16AvgrU: AvgrU(I8x16()); return true;
    case O::kI16x8AvgrU: AvgrU(I16x8()); return true;
    case O::kI16x8ExtaddPairwiseI8x16S: ExtAddPairwise(I8x16(), I16x8(), true); return true;
    case O::kI16x8ExtaddPairwiseI8x16U: ExtAddPairwise(I8x16(), I16x8(), false); return true;
    case O::kI32x4ExtaddPairwiseI16x8S: ExtAddPairwise(I16x8(), I32x4(), true); return true;
    case O::kI32x4ExtaddPairwiseI16x8U: ExtAddPairwise(I16x8(), I32x4(), false); return true;
    case O::kI16x8Q15mulrSatS: Q15MulrSat(); return true;
    case O::kI32x4DotI16x8S: Dot(); return true;
    case O::kI16x8ExtendLowI8x16S: Extend(I8x16(), I16x8(), false, true); return true;
    case O::kI16x8ExtendHighI8x16S: Extend(I8x16(), I16x8(), true, true); return true;
    case O::kI16x8ExtendLowI8x16U: Extend(I8x16(), I16x8(), false, false); return true;
    case O::kI16x8ExtendHighI8x16U: Extend(I8x16(), I16x8(), true, false); return true;
    case O::kI32x4ExtendLowI16x8S: Extend(I16x8(), I32x4(), false, true); return true;
    case O::kI32x4ExtendHighI16x8S: Extend(I16x8(), I32x4(), true, true); return true;
    case O::kI32x4ExtendLowI16x8U: Extend(I16x8(), I32x4(), false, false); return true;
    case O::kI32x4ExtendHighI16x8U: Extend(I16x8(), I32x4(), true, false); return true;
    case O::kI64x2ExtendLowI32x4S: Extend(I32x4(), I64x2(), false, true); return true;
    case O::kI64x2ExtendHighI32x4S: Extend(I32x4(), I64x2(), true, true); return true;
    case O::kI64x2ExtendLowI32x4U: Extend(I32x4(), I64x2(), false, false); return true;
    case O::kI64x2ExtendHighI32x4U: Extend(I32x4(), I64x2(), true, false); return true;
    case O::kI16x8ExtmulLowI8x16S: ExtMul(I8x16(), I16x8(), false, true); return true;
    case O::kI16x8ExtmulHighI8x16S: ExtMul(I8x16(), I16x8(), true, true); return true;
    case O::kI16x8ExtmulLowI8x16U: ExtMul(I8x16(), I16x8(), false, false); return true;
    case O::kI16x8ExtmulHighI8x16U: ExtMul(I8x16(), I16x8(), true, false); return true;
    case O::kI32x4ExtmulLowI16x8S: ExtMul(I16x8(), I32x4(), false, true); return true;
    case O::kI32x4ExtmulHighI16x8S: ExtMul(I16x8(), I32x4(), true, true); return true;
    case O::kI32x4ExtmulLowI16x8U: ExtMul(I16x8(), I32x4(), false, false); return true;
    case O::kI32x4ExtmulHighI16x8U: ExtMul(I16x8(), I32x4(), true, false); return true;
    case O::kI64x2ExtmulLowI32x4S: ExtMul(I32x4(), I64x2(), false, true); return true;
    case O::kI64x2ExtmulHighI32x4S: ExtMul(I32x4(), I64x2(), true, true); return true;
    case O::kI64x2ExtmulLowI32x4U: ExtMul(I32x4(), I64x2(), false, false); return true;
    case O::kI64x2ExtmulHighI32x4U: ExtMul(I32x4(), I64x2(), true, false); return true;
    // ---- float lanes
    case O::kF32x4Abs: Un(F32x4(), [&](Value* a) { return Intrinsic(I::fabs, {a}); }); return true;
    case O::kF64x2Abs: Un(F64x2(), [&](Value* a) { return Intrinsic(I::fabs, {a}); }); return true;
    case O::kF32x4Neg: Un(F32x4(), [&](Value* a) { return b_.CreateFNeg(a); }); return true;
    case O::kF64x2Neg: Un(F64x2(), [&](Value* a) { return b_.CreateFNeg(a); }); return true;
    case O::kF32x4Sqrt: FUn(F32x4(), in.op, I::sqrt); return true;
    case O::kF64x2Sqrt: FUn(F64x2(), in.op, I::sqrt); return true;
    case O::kF32x4Ceil: FUn(F32x4(), in.op, I::ceil); return true;
    case O::kF64x2Ceil: FUn(F64x2(), in.op, I::ceil); return true;
    case O::kF32x4Floor: FUn(F32x4(), in.op, I::floor); return true;
    case O::kF64x2Floor: FUn(F64x2(), in.op, I::floor); return true;
    case O::kF32x4Trunc: FUn(F32x4(), in.op, I::trunc); return true;
    case O::kF64x2Trunc: FUn(F64x2(), in.op, I::trunc); return true;
    case O::kF32x4Nearest: FUn(F32x4(), in.op, I::roundeven); return true;
    case O::kF64x2Nearest: FUn(F64x2(), in.op, I::roundeven); return true;
    case O::kF32x4Add: FBin(F32x4(), in.op, &SimdGen::FAdd); return true;
    case O::kF64x2Add: FBin(F64x2(), in.op, &SimdGen::FAdd); return true;
    case O::kF32x4Sub: FBin(F32x4(), in.op, &SimdGen::FSub); return true;
    case O::kF64x2Sub: FBin(F64x2(), in.op, &SimdGen::FSub); return true;
    case O::kF32x4Mul: FBin(F32x4(), in.op, &SimdGen::FMul); return true;
    case O::kF64x2Mul: FBin(F64x2(), in.op, &SimdGen::FMul); return true;
    case O::kF32x4Div: FBin(F32x4(), in.op, &SimdGen::FDiv); return true;
    case O::kF64x2Div: FBin(F64x2(), in.op, &SimdGen::FDiv); return true;
    case O::kF32x4Min: FBin(F32x4(), in.op, &SimdGen::FMin); return true;
    case O::kF64x2Min: FBin(F64x2(), in.op, &SimdGen::FMin); return true;
    case O::kF32x4Max: FBin(F32x4(), in.op, &SimdGen::FMax); return true;
    case O::kF64x2Max: FBin(F64x2(), in.op, &SimdGen::FMax); return true;
    case O::kF32x4Pmin: case O::kF64x2Pmin: {
      VectorType* t = in.op == O::kF32x4Pmin ? F32x4() : F64x2();
      Bin(t, [&](Value* a, Value* c) { return b_.CreateSelect(b_.CreateFCmpOLT(c, a), c, a); });
      return true;
    }
    case O::kF32x4Pmax: case O::kF64x2Pmax: {
      VectorType* t = in.op == O::kF32x4Pmax ? F32x4() : F64x2();
      Bin(t, [&](Value* a, Value* c) { return b_.CreateSelect(b_.CreateFCmpOLT(a, c), c, a); });
      return true;
    }
    // ---- conversions
    case O::kI32x4TruncSatF32x4S: TruncSat(F32x4(), I32x4(), true, false); return true;
    case O::kI32x4TruncSatF32x4U: TruncSat(F32x4(), I32x4(), false, false); return true;
    case O::kI32x4TruncSatF64x2SZero: TruncSat(F64x2(), Vec(I32(), 2), true, true); return true;
    case O::kI32x4TruncSatF64x2UZero: TruncSat(F64x2(), Vec(I32(), 2), false, true); return true;
    case O::kF32x4ConvertI32x4S: Un(I32x4(), [&](Value* a) { return b_.CreateSIToFP(a, F32x4()); }); return true;
    case O::kF32x4ConvertI32x4U: Un(I32x4(), [&](Value* a) { return b_.CreateUIToFP(a, F32x4()); }); return true;
    case O::kF64x2ConvertLowI32x4S:
      Un(I32x4(), [&](Value* a) { return b_.CreateSIToFP(Half(a, 0, 2), F64x2()); });
      return true;
    case O::kF64x2ConvertLowI32x4U:
      Un(I32x4(), [&](Value* a) { return b_.CreateUIToFP(Half(a, 0, 2), F64x2()); });
      return true;
    case O::kF32x4DemoteF64x2Zero:
      Un(F64x2(), [&](Value* a) {
        Value* r = b_.CreateFPTrunc(Opaque(a), Vec(F32(), 2));
        return Canon(Concat(r, llvm::Constant::getNullValue(r->getType())), in.op);
      });
      return true;
    case O::kF64x2PromoteLowF32x4:
      Un(F32x4(), [&](Value* a) { return Canon(b_.CreateFPExt(Half(Opaque(a), 0, 2), F64x2()), in.op); });
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsSimdOpcode(Opcode op) {
  return op >= Opcode::kV128Load && op <= Opcode::kF64x2ConvertLowI32x4U;
}

bool EmitSimd(SimdEmitContext& cx, const Instr& in) {
  SimdGen gen(cx);
  // pshufb (SSSE3) for swizzle when the code targets this machine and it has it.
  static const bool host_ssse3 = [] {
    return __builtin_cpu_supports("ssse3") != 0;
  }();
  gen.SetHostSsse3(host_ssse3);
  return gen.Emit(in);
}

}  // namespace nw::opt

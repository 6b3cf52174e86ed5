// The function-body decoder template (contract in body_decoder.h). Include this header only in
// the translation unit that instantiates DecodeFunctionBody for a consumer.
//
// The algorithm is the spec's validation algorithm (appendix "Validation Algorithm") with one
// twist required by the consumer contract: every instruction is first checked against the
// stacks WITHOUT changing them (operands are peeked, not popped), then reported to the
// consumer, and only then applied. Peeking below the current frame's height yields kBottom in
// unreachable code and "type mismatch" otherwise, which is exactly what popping would do.
//
// Nothing here allocates per instruction: the stacks live in a DecodeScratch that callers may
// reuse across functions (ValidateModule does), so capacity is reserved once per module.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/reader.h"
#include "base/result.h"
#include "format/instr_reader.h"
#include "format/module.h"
#include "format/opcode.h"
#include "validate/body_decoder.h"

namespace nw {

namespace body_decoder_detail {

// One open block (control frame).
struct Control {
  LabelKind kind;
  bool unreachable;
  uint32_t height;  // operand height at entry, below the block's params
  BlockSig sig;
};

// Storage for one-value block types, so BlockSig spans always point at static memory.
inline constexpr ValType kSingleTypes[] = {ValType::kI32,      ValType::kI64,  ValType::kF32,
                                           ValType::kF64,      ValType::kV128, ValType::kFuncRef,
                                           ValType::kExternRef, ValType::kExnRef};
inline std::span<const ValType> SingleType(ValType t) {
  for (const ValType& s : kSingleTypes)
    if (s == t)
      return {&s, 1};
  return {};
}

[[gnu::cold]] inline std::unexpected<Error> Unknown(size_t at,
                                                    std::string_view what,
                                                    uint64_t index) {
  return MakeError(at, "unknown " + std::string(what) + " " + std::to_string(index));
}

}  // namespace body_decoder_detail

// Reusable stacks for DecodeFunctionBody; keep one per thread/module to avoid re-allocation.
struct DecodeScratch {
  std::vector<StackType> stack;
  std::vector<body_decoder_detail::Control> ctrl;
  std::vector<ValType> locals;
  RawImm imm;
};

template <BodyConsumer C>
class BodyDecoder final : public DecoderView {
 public:
  using Control = body_decoder_detail::Control;

  BodyDecoder(const ModuleContext& ctx, DecodeScratch& scratch, C& consumer)
      : ctx_(ctx),
        m_(*ctx.module),
        stack_(scratch.stack),
        ctrl_(scratch.ctrl),
        locals_(scratch.locals),
        imm_(scratch.imm),
        consumer_(consumer) {}

  Status Decode(uint32_t defined_func_index) {
    const Function& fn = m_.functions[defined_func_index];
    if (fn.type_index >= m_.types.size()) [[unlikely]]
      return body_decoder_detail::Unknown(fn.code_offset, "type", fn.type_index);
    const FuncType& sig = m_.types[fn.type_index];
    NW_TRY(SetUpLocals(fn, sig));
    stack_.clear();
    ctrl_.clear();
    if (stack_.capacity() < 256)
      stack_.reserve(256);
    if (ctrl_.capacity() < 32)
      ctrl_.reserve(32);
    ctrl_.push_back(Control{LabelKind::kFunction, false, 0, BlockSig{{}, sig.results}});
    results_ = sig.results;
    consumer_.OnStart(sig, std::span<const ValType>(locals_));

    Reader r(fn.body, fn.body_offset);
    while (!ctrl_.empty()) {
      size_t at = r.offset();
      if (r.at_end()) [[unlikely]]
        return MakeError(at, "unexpected end of section or function");
      NW_TRY_ASSIGN(Opcode op, ReadOpcode(r));
      NW_TRY(ReadImmediates(r, op, imm_, m_.features));
      in_.op = op;
      in_.offset = at;
      in_.index = imm_.index;
      in_.index2 = imm_.index2;
      in_.value = imm_.value;
      in_.align = imm_.align;
      in_.memory = imm_.memory;
      NW_TRY(Step(op, at));
    }
    if (!r.at_end()) [[unlikely]]
      return MakeError(r.offset(), "operators remaining after end of function");
    consumer_.OnEnd();
    return Ok();
  }

  // --- DecoderView ----------------------------------------------------------------------------
  uint32_t Height() const override { return static_cast<uint32_t>(stack_.size()); }
  bool Unreachable() const override { return ctrl_.back().unreachable; }
  uint32_t ControlDepth() const override { return static_cast<uint32_t>(ctrl_.size()); }
  Label GetLabel(uint32_t depth) const override {
    const Control& c = ctrl_[ctrl_.size() - 1 - depth];
    return Label{c.kind, c.height, c.sig, BranchTypes(c)};
  }
  StackType TypeAt(uint32_t depth) const override {
    if (depth >= stack_.size())
      return StackType::kBottom;
    return stack_[stack_.size() - 1 - depth];
  }

 private:
  static std::span<const ValType> BranchTypes(const Control& c) {
    return c.kind == LabelKind::kLoop ? c.sig.params : c.sig.results;
  }

  Status SetUpLocals(const Function& fn, const FuncType& sig) {
    uint64_t declared = 0;
    for (const LocalDecl& d : fn.locals)
      declared += d.count;
    if (declared > kMaxLocals) [[unlikely]]
      return MakeError(fn.code_offset, "too many locals");
    locals_.clear();
    locals_.reserve(sig.params.size() + declared);
    locals_.insert(locals_.end(), sig.params.begin(), sig.params.end());
    for (const LocalDecl& d : fn.locals)
      locals_.insert(locals_.end(), d.count, d.type);
    return Ok();
  }

  // --- checking (no mutation) -----------------------------------------------------------------

  [[gnu::cold]] static std::unexpected<Error> Mismatch(size_t at) {
    return MakeError(at, "type mismatch");
  }

  // Type `depth` values below the top (0 = top) as popping would see it.
  bool Peek(uint32_t depth, StackType& out) const {
    const Control& c = ctrl_.back();
    size_t avail = stack_.size() - c.height;
    if (depth < avail) {
      out = stack_[stack_.size() - 1 - depth];
      return true;
    }
    out = StackType::kBottom;
    return c.unreachable;
  }

  static bool Matches(StackType actual, ValType expected) {
    return actual == StackType::kBottom || actual == static_cast<StackType>(expected);
  }

  // The `types.size()` values starting `skip` below the top have the given types.
  Status CheckTop(size_t at, std::span<const ValType> types, uint32_t skip = 0) const {
    const uint32_t n = static_cast<uint32_t>(types.size());
    const size_t avail = stack_.size() - ctrl_.back().height;
    if (avail >= size_t{n} + skip) [[likely]] {
      const StackType* base = stack_.data() + stack_.size() - skip - n;
      for (uint32_t i = 0; i < n; ++i) {
        if (!Matches(base[i], types[i])) [[unlikely]]
          return Mismatch(at);
      }
      return Ok();
    }
    for (uint32_t i = 0; i < n; ++i) {
      StackType t;
      if (!Peek(skip + i, t) || !Matches(t, types[n - 1 - i])) [[unlikely]]
        return Mismatch(at);
    }
    return Ok();
  }

  Status CheckOne(size_t at, ValType type, uint32_t skip = 0) const {
    StackType t;
    if (!Peek(skip, t) || !Matches(t, type)) [[unlikely]]
      return Mismatch(at);
    return Ok();
  }

  // At end/else: the frame's values are exactly `types`.
  Status CheckExact(size_t at, std::span<const ValType> types) const {
    const Control& c = ctrl_.back();
    if (stack_.size() - c.height > types.size()) [[unlikely]]
      return Mismatch(at);
    return CheckTop(at, types);
  }

  Result<uint32_t> CheckLabel(size_t at, uint32_t depth) const {
    if (depth >= ctrl_.size()) [[unlikely]]
      return body_decoder_detail::Unknown(at, "label", depth);
    return depth;
  }

  const Control& LabelAt(uint32_t depth) const { return ctrl_[ctrl_.size() - 1 - depth]; }

  Status CheckMemory(size_t at, uint32_t index) const {
    if (index >= ctx_.num_memories) [[unlikely]]
      return body_decoder_detail::Unknown(at, "memory", index);
    return Ok();
  }

  Result<ValType> CheckTable(size_t at, uint32_t index) const {
    if (index >= ctx_.table_types.size()) [[unlikely]]
      return body_decoder_detail::Unknown(at, "table", index);
    return ctx_.table_types[index].elem;
  }

  Result<ValType> CheckElem(size_t at, uint32_t index) const {
    if (index >= m_.elems.size()) [[unlikely]]
      return body_decoder_detail::Unknown(at, "elem segment", index);
    return m_.elems[index].type;
  }

  Status CheckData(size_t at, uint32_t index) const {
    // Bodies may name data segments only when the count is known up front (2.0 binary rule);
    // a module built from text has no section mask and counts its segments directly.
    if (!m_.data_count && m_.section_mask != 0) [[unlikely]]
      return MakeError(at, "data count section required");
    uint64_t count = m_.data_count ? *m_.data_count : m_.datas.size();
    if (index >= count) [[unlikely]]
      return body_decoder_detail::Unknown(at, "data segment", index);
    return Ok();
  }

  Result<const FuncType*> CheckType(size_t at, uint32_t index) const {
    if (index >= m_.types.size()) [[unlikely]]
      return body_decoder_detail::Unknown(at, "type", index);
    return &m_.types[index];
  }

  Result<const FuncType*> CheckFunc(size_t at, uint32_t index) const {
    if (index >= ctx_.func_types.size()) [[unlikely]]
      return body_decoder_detail::Unknown(at, "function", index);
    return CheckType(at, ctx_.func_types[index]);
  }

  Result<const FuncType*> CheckTag(size_t at, uint32_t index) const {
    if (index >= ctx_.tag_types.size()) [[unlikely]]
      return body_decoder_detail::Unknown(at, "tag", index);
    return CheckType(at, ctx_.tag_types[index]);
  }

  Result<BlockSig> ResolveBlockType(size_t at) const {
    switch (imm_.block.kind) {
      case RawBlockType::Kind::kEmpty:
        return BlockSig{};
      case RawBlockType::Kind::kValue:
        return BlockSig{{}, body_decoder_detail::SingleType(imm_.block.type)};
      case RawBlockType::Kind::kIndex: {
        NW_TRY_ASSIGN(const FuncType* ft, CheckType(at, imm_.block.index));
        return BlockSig{ft->params, ft->results};
      }
    }
    return BlockSig{};
  }

  // --- applying -------------------------------------------------------------------------------

  void Emit() { consumer_.OnInstr(in_, *this); }

  [[gnu::always_inline]] void Pop(size_t n) {
    size_t avail = stack_.size() - ctrl_.back().height;
    stack_.resize(stack_.size() - (n < avail ? n : avail));
  }
  [[gnu::always_inline]] void Push(ValType t) { stack_.push_back(static_cast<StackType>(t)); }
  void Push(std::span<const ValType> ts) {
    for (ValType t : ts)
      Push(t);
  }
  void SetUnreachable() {
    Control& c = ctrl_.back();
    stack_.resize(c.height);
    c.unreachable = true;
  }

  // --- instructions ---------------------------------------------------------------------------

  Status Step(Opcode op, size_t at) {
    using body_decoder_detail::Unknown;
    switch (op) {
      case Opcode::kUnreachable:
        Emit();
        SetUnreachable();
        return Ok();
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf: {
        NW_TRY_ASSIGN(BlockSig sig, ResolveBlockType(at));
        const uint32_t cond = op == Opcode::kIf ? 1 : 0;
        if (cond)
          NW_TRY(CheckOne(at, ValType::kI32));
        NW_TRY(CheckTop(at, sig.params, cond));
        if (ctrl_.size() >= kMaxBlockDepth) [[unlikely]]
          return MakeError(at, "block nesting too deep");
        in_.block = sig;
        Emit();
        Pop(cond + sig.params.size());
        LabelKind kind = op == Opcode::kBlock  ? LabelKind::kBlock
                         : op == Opcode::kLoop ? LabelKind::kLoop
                                               : LabelKind::kIf;
        ctrl_.push_back(Control{kind, false, static_cast<uint32_t>(stack_.size()), sig});
        Push(sig.params);
        return Ok();
      }
      case Opcode::kTryTable: {
        NW_TRY_ASSIGN(BlockSig sig, ResolveBlockType(at));
        NW_TRY(CheckTop(at, sig.params));
        if (ctrl_.size() >= kMaxBlockDepth) [[unlikely]]
          return MakeError(at, "block nesting too deep");
        // Catch labels are relative to the enclosing block (the try_table's own label is not
        // pushed yet); each label's branch types must be exactly what the clause delivers.
        for (const CatchClause& c : imm_.catches) {
          NW_TRY_ASSIGN(uint32_t d, CheckLabel(at, c.label));
          std::span<const ValType> tag_params;
          if (c.HasTag()) {
            NW_TRY_ASSIGN(const FuncType* ft, CheckTag(at, c.tag));
            tag_params = ft->params;
          }
          auto label_types = BranchTypes(LabelAt(d));
          const size_t n = tag_params.size() + (c.IsRef() ? 1 : 0);
          if (label_types.size() != n ||
              !std::ranges::equal(tag_params, label_types.first(tag_params.size())) ||
              (c.IsRef() && label_types.back() != ValType::kExnRef)) [[unlikely]]
            return Mismatch(at);
        }
        in_.block = sig;
        in_.catches = imm_.catches;
        Emit();
        Pop(sig.params.size());
        ctrl_.push_back(Control{LabelKind::kBlock, false, static_cast<uint32_t>(stack_.size()), sig});
        Push(sig.params);
        return Ok();
      }
      case Opcode::kThrow: {
        NW_TRY_ASSIGN(const FuncType* ft, CheckTag(at, imm_.index));
        NW_TRY(CheckTop(at, ft->params));
        Emit();
        SetUnreachable();
        return Ok();
      }
      case Opcode::kThrowRef: {
        NW_TRY(CheckOne(at, ValType::kExnRef));
        Emit();
        SetUnreachable();
        return Ok();
      }
      case Opcode::kElse: {
        Control& c = ctrl_.back();
        if (c.kind != LabelKind::kIf) [[unlikely]]
          return MakeError(at, "END opcode expected");
        NW_TRY(CheckExact(at, c.sig.results));
        Emit();
        stack_.resize(c.height);
        c.kind = LabelKind::kElse;
        c.unreachable = false;
        Push(c.sig.params);
        return Ok();
      }
      case Opcode::kEnd: {
        const Control& c = ctrl_.back();
        NW_TRY(CheckExact(at, c.sig.results));
        // An `if` without `else` passes its params through the missing branch.
        if (c.kind == LabelKind::kIf && !std::ranges::equal(c.sig.params, c.sig.results))
            [[unlikely]]
          return Mismatch(at);
        Emit();
        std::span<const ValType> results = c.sig.results;
        stack_.resize(c.height);
        ctrl_.pop_back();
        Push(results);
        return Ok();
      }
      case Opcode::kBr: {
        NW_TRY_ASSIGN(uint32_t d, CheckLabel(at, imm_.index));
        NW_TRY(CheckTop(at, BranchTypes(LabelAt(d))));
        Emit();
        SetUnreachable();
        return Ok();
      }
      case Opcode::kBrIf: {
        NW_TRY_ASSIGN(uint32_t d, CheckLabel(at, imm_.index));
        NW_TRY(CheckOne(at, ValType::kI32));
        auto types = BranchTypes(LabelAt(d));
        NW_TRY(CheckTop(at, types, 1));
        Emit();
        Pop(1 + types.size());
        Push(types);
        return Ok();
      }
      case Opcode::kBrTable: {
        const uint32_t def = imm_.targets.back();
        NW_TRY(CheckLabel(at, def));
        NW_TRY(CheckOne(at, ValType::kI32));
        const size_t arity = BranchTypes(LabelAt(def)).size();
        for (uint32_t t : imm_.targets) {
          NW_TRY(CheckLabel(at, t));
          auto types = BranchTypes(LabelAt(t));
          if (types.size() != arity) [[unlikely]]
            return Mismatch(at);
          NW_TRY(CheckTop(at, types, 1));
        }
        in_.targets = imm_.targets;
        Emit();
        SetUnreachable();
        return Ok();
      }
      case Opcode::kReturn:
        NW_TRY(CheckTop(at, results_));
        Emit();
        SetUnreachable();
        return Ok();
      case Opcode::kCall: {
        NW_TRY_ASSIGN(const FuncType* ft, CheckFunc(at, imm_.index));
        return Apply(at, ft->params, ft->results);
      }
      case Opcode::kCallIndirect: {
        NW_TRY_ASSIGN(ValType elem, CheckTable(at, imm_.index2));
        NW_TRY_ASSIGN(const FuncType* ft, CheckType(at, imm_.index));
        if (elem != ValType::kFuncRef) [[unlikely]]
          return Mismatch(at);
        NW_TRY(CheckOne(at, ValType::kI32));
        NW_TRY(CheckTop(at, ft->params, 1));
        Emit();
        Pop(1 + ft->params.size());
        Push(ft->results);
        return Ok();
      }
      case Opcode::kReturnCall:
      case Opcode::kReturnCallIndirect: {
        // Tail calls: the callee's results are the function's.
        const bool indirect = op == Opcode::kReturnCallIndirect;
        const FuncType* ft;
        if (indirect) {
          NW_TRY_ASSIGN(ValType elem, CheckTable(at, imm_.index2));
          NW_TRY_ASSIGN(ft, CheckType(at, imm_.index));
          if (elem != ValType::kFuncRef) [[unlikely]]
            return Mismatch(at);
          NW_TRY(CheckOne(at, ValType::kI32));
        } else {
          NW_TRY_ASSIGN(ft, CheckFunc(at, imm_.index));
        }
        if (!std::ranges::equal(ft->results, results_)) [[unlikely]]
          return Mismatch(at);
        NW_TRY(CheckTop(at, ft->params, indirect ? 1 : 0));
        Emit();
        SetUnreachable();
        return Ok();
      }
      case Opcode::kDrop: {
        StackType t;
        if (!Peek(0, t)) [[unlikely]]
          return Mismatch(at);
        Emit();
        Pop(1);
        return Ok();
      }
      case Opcode::kSelect: {
        NW_TRY(CheckOne(at, ValType::kI32));
        StackType t1, t2;
        if (!Peek(1, t1) || !Peek(2, t2)) [[unlikely]]
          return Mismatch(at);
        auto numeric_or_vec = [](StackType t) {
          return t == StackType::kBottom || IsNumType(static_cast<ValType>(t)) ||
                 t == StackType::kV128;
        };
        if (!numeric_or_vec(t1) || !numeric_or_vec(t2)) [[unlikely]]
          return Mismatch(at);
        if (t1 != t2 && t1 != StackType::kBottom && t2 != StackType::kBottom) [[unlikely]]
          return Mismatch(at);
        Emit();
        Pop(3);
        stack_.push_back(t1 == StackType::kBottom ? t2 : t1);
        return Ok();
      }
      case Opcode::kSelectT: {
        if (imm_.types.size() != 1) [[unlikely]]
          return MakeError(at, "invalid result arity");
        ValType t = imm_.types[0];
        in_.type = t;
        NW_TRY(CheckOne(at, ValType::kI32));
        NW_TRY(CheckOne(at, t, 1));
        NW_TRY(CheckOne(at, t, 2));
        Emit();
        Pop(3);
        Push(t);
        return Ok();
      }
      case Opcode::kLocalGet:
      case Opcode::kLocalSet:
      case Opcode::kLocalTee: {
        if (imm_.index >= locals_.size()) [[unlikely]]
          return Unknown(at, "local", imm_.index);
        ValType t = locals_[imm_.index];
        if (op == Opcode::kLocalGet)
          return Apply(at, {}, SingleResult(t));
        if (op == Opcode::kLocalSet)
          return Apply(at, SingleResult(t), {});
        return Apply(at, SingleResult(t), SingleResult(t));
      }
      case Opcode::kGlobalGet:
      case Opcode::kGlobalSet: {
        if (imm_.index >= ctx_.global_types.size()) [[unlikely]]
          return Unknown(at, "global", imm_.index);
        const GlobalType& g = ctx_.global_types[imm_.index];
        if (op == Opcode::kGlobalGet)
          return Apply(at, {}, SingleResult(g.type));
        if (!g.mut) [[unlikely]]
          return MakeError(at, "global is immutable");
        return Apply(at, SingleResult(g.type), {});
      }
      case Opcode::kTableGet: {
        NW_TRY_ASSIGN(ValType t, CheckTable(at, imm_.index));
        return Apply(at, SingleResult(ValType::kI32), SingleResult(t));
      }
      case Opcode::kTableSet: {
        NW_TRY_ASSIGN(ValType t, CheckTable(at, imm_.index));
        pair_[0] = ValType::kI32;
        pair_[1] = t;
        return Apply(at, pair_, {});
      }
      case Opcode::kTableGrow: {
        NW_TRY_ASSIGN(ValType t, CheckTable(at, imm_.index));
        pair_[0] = t;
        pair_[1] = ValType::kI32;
        return Apply(at, pair_, SingleResult(ValType::kI32));
      }
      case Opcode::kTableFill: {
        NW_TRY_ASSIGN(ValType t, CheckTable(at, imm_.index));
        triple_[0] = ValType::kI32;
        triple_[1] = t;
        triple_[2] = ValType::kI32;
        return Apply(at, triple_, {});
      }
      case Opcode::kRefNull:
        in_.type = imm_.type;
        return Apply(at, {}, SingleResult(imm_.type));
      case Opcode::kRefIsNull: {
        StackType t;
        if (!Peek(0, t)) [[unlikely]]
          return Mismatch(at);
        if (t != StackType::kBottom && !IsRefType(static_cast<ValType>(t))) [[unlikely]]
          return Mismatch(at);
        Emit();
        Pop(1);
        Push(ValType::kI32);
        return Ok();
      }
      case Opcode::kRefFunc: {
        NW_TRY(CheckFunc(at, imm_.index));
        if (!ctx_.declared_funcs[imm_.index]) [[unlikely]]
          return MakeError(at, "undeclared function reference");
        return Apply(at, {}, SingleResult(ValType::kFuncRef));
      }
      default:
        return StepFixed(op, at);
    }
  }

  // Instructions with a fixed operand signature; their immediates are checked by kind.
  Status StepFixed(Opcode op, size_t at) {
    using body_decoder_detail::Unknown;
    const OpcodeInfo& info = GetOpcodeInfo(op);
    switch (info.imm) {
      case Imm::MemArg:
      case Imm::MemArgLane: {
        NW_TRY(CheckMemory(at, imm_.memory));
        if (imm_.align > NaturalAlignLog2(op)) [[unlikely]]
          return MakeError(at, "alignment must not be larger than natural");
        if (info.imm == Imm::MemArgLane &&
            imm_.index >= LaneCount(op)) [[unlikely]]
          return MakeError(at, "invalid lane index");
        break;
      }
      case Imm::Lane:
        if (imm_.index >= LaneCount(op)) [[unlikely]]
          return MakeError(at, "invalid lane index");
        break;
      case Imm::Mem:
        NW_TRY(CheckMemory(at, imm_.memory));
        break;
      case Imm::MemCopy:
        NW_TRY(CheckMemory(at, imm_.memory));
        NW_TRY(CheckMemory(at, imm_.index2));
        break;
      case Imm::MemInit:
        NW_TRY(CheckMemory(at, imm_.memory));
        NW_TRY(CheckData(at, imm_.index));
        break;
      case Imm::Data:
        NW_TRY(CheckData(at, imm_.index));
        break;
      case Imm::Elem:
        NW_TRY(CheckElem(at, imm_.index));
        break;
      case Imm::Table:
        NW_TRY(CheckTable(at, imm_.index));
        break;
      case Imm::TableInit: {
        NW_TRY_ASSIGN(ValType table, CheckTable(at, imm_.index2));
        NW_TRY_ASSIGN(ValType elem, CheckElem(at, imm_.index));
        if (table != elem) [[unlikely]]
          return Mismatch(at);
        break;
      }
      case Imm::TableCopy: {
        NW_TRY_ASSIGN(ValType dst, CheckTable(at, imm_.index));
        NW_TRY_ASSIGN(ValType src, CheckTable(at, imm_.index2));
        if (dst != src) [[unlikely]]
          return Mismatch(at);
        break;
      }
      case Imm::V128:
      case Imm::Shuffle:
        if (info.imm == Imm::Shuffle)
          for (uint8_t lane : imm_.bytes)
            if (lane >= 32) [[unlikely]]
              return MakeError(at, "invalid lane index");
        std::copy(std::begin(imm_.bytes), std::end(imm_.bytes), in_.bytes);
        break;
      default:
        break;
    }
    if (!info.fixed_sig) [[unlikely]]
      return MakeError(at, "illegal opcode");  // an X-typed opcode without a case above
    return Apply(at, info.params, info.results);
  }

  [[gnu::always_inline]] Status Apply(size_t at,
                                      std::span<const ValType> params,
                                      std::span<const ValType> results) {
    NW_TRY(CheckTop(at, params));
    Emit();
    Pop(params.size());
    Push(results);
    return Ok();
  }

  static std::span<const ValType> SingleResult(ValType t) {
    return body_decoder_detail::SingleType(t);
  }

  const ModuleContext& ctx_;
  const ModuleDesc& m_;
  std::vector<StackType>& stack_;
  std::vector<Control>& ctrl_;
  std::vector<ValType>& locals_;
  RawImm& imm_;
  C& consumer_;
  Instr in_;
  std::span<const ValType> results_;
  ValType pair_[2] = {};
  ValType triple_[3] = {};
};

// Validate and deliver one function body, reusing `scratch` across calls.
template <BodyConsumer C>
Status DecodeFunctionBody(const ModuleContext& ctx,
                          uint32_t defined_func_index,
                          C& consumer,
                          DecodeScratch& scratch) {
  BodyDecoder<C> decoder(ctx, scratch, consumer);
  return decoder.Decode(defined_func_index);
}

template <BodyConsumer C>
Status DecodeFunctionBody(const ModuleContext& ctx, uint32_t defined_func_index, C& consumer) {
  DecodeScratch scratch;
  return DecodeFunctionBody(ctx, defined_func_index, consumer, scratch);
}

}  // namespace nw

// Translation of validated function bodies into the interpreter's code: a consumer of the one
// function-body decoder (validate/body_decoder.h), so validation and translation are one pass.
//
// The interpreter is a register machine over frame slots (8 bytes each):
//   [0, P)            parameters (and, on return, the results)
//   [P, P+L)          declared locals (zeroed at entry)
//   [locals_end, +C)  the function's constants (written at entry from CompiledFunc::init)
//   [stack_base, ...) the operand stack: each value at a fixed (canonical) slot
// v128 values take two consecutive slots everywhere (params, locals, constants, stack), so a
// slot's position is the sum of the widths of what lies below it.
// Each wasm operand-stack entry has a canonical slot (stack_base + height). While translating,
// an entry may instead still live where it came from (a local or a constant slot): local.get
// and t.const emit nothing, and the consumer of the value reads the local or constant directly.
// Such "lazy" entries are copied to their canonical slot (materialized) before anything could
// change their source (local.set/tee of that local) and at every control-flow boundary, so
// that at labels the stack is always canonical and all paths agree.
//
// Peepholes (only within straight-line code, never across a label):
//   - an instruction whose result is immediately stored by local.set/local.tee writes the local
//     directly (its dst operand is retargeted);
//   - an integer compare (or i32.eqz) followed by br_if / if becomes one compare-and-branch.
//
// Calls: the arguments are materialized at the caller's canonical slots; the callee's frame
// begins at the first argument, so parameters need no copy and the callee's results (written
// to its slots 0..R-1) land exactly where the caller's stack expects them.
#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>
#include <unordered_map>

#include "interp/code.h"
#include "interp/interp.h"
#include "validate/body_decoder_impl.h"

namespace nw {
namespace interp {
namespace {

// Distinct constants a function keeps in frame slots; beyond this they are written by Const
// instructions (keeps frame entry cheap for functions with huge constant pools).
constexpr size_t kMaxConstSlots = 64;
// Stack entries that may still live in a local or constant slot at once (see Push).
constexpr size_t kMaxLazy = 16;
// Frame size limit in slots (the value stack is shared; a bigger frame is a translation error).
constexpr uint64_t kMaxFrameSlots = 1u << 20;
// Branches and returns carrying more values than this move them with one CopyRange instead of
// a Copy per value, so the code one branch instruction emits does not grow with its arity
// (a br_if to a label of 1,000 results must not become 1,000 instructions: compile bomb).
constexpr uint32_t kMaxInlineMoves = 8;

// Wasm opcode -> interpreter operation for the generated families (same names in both lists).
enum class Family : uint8_t { kNone, kUn, kBin, kCmp, kLoad, kStore };
struct OpMap {
  Iop iop = Iop::kCount;
  Family family = Family::kNone;
};

constexpr std::array<OpMap, static_cast<size_t>(Opcode::kCount)> BuildOpMap() {
  std::array<OpMap, static_cast<size_t>(Opcode::kCount)> m{};
#define NW_SET(Name, fam) m[static_cast<size_t>(Opcode::k##Name)] = OpMap{Iop::k##Name, fam};
#define NW_IOP_UN(Name, T, R, expr) NW_SET(Name, Family::kUn)
#define NW_IOP_BIN(Name, T, R, expr) NW_SET(Name, Family::kBin)
#define NW_IOP_CMP(Name, T, expr) NW_SET(Name, Family::kCmp)
#define NW_IOP_UN_TRAP(Name, T, R, fn) NW_SET(Name, Family::kUn)
#define NW_IOP_BIN_TRAP(Name, T, fn) NW_SET(Name, Family::kBin)
#define NW_IOP_LOAD(Name, M, R) NW_SET(Name, Family::kLoad)
#define NW_IOP_STORE(Name, T, M) NW_SET(Name, Family::kStore)
#define NW_IOP(Name, n)
#define NW_IOP_ANY(Name)
#include "interp/ops.def"
#undef NW_IOP_ANY
#undef NW_SET
  return m;
}
constexpr auto kOpMap = BuildOpMap();

constexpr std::array<bool, static_cast<size_t>(Iop::kCount)> BuildIsCmp() {
  std::array<bool, static_cast<size_t>(Iop::kCount)> m{};
#define NW_IOP_CMP(Name, T, expr) m[static_cast<size_t>(Iop::k##Name)] = true;
#define NW_IOP_ANY(Name)
#include "interp/ops.def"
#undef NW_IOP_ANY
  return m;
}
constexpr auto kIsCmp = BuildIsCmp();

// Operations whose NaN results the spec leaves nondeterministic (WebAssembly 2.0 §4.3.3), and
// the canonicalization that follows them under Config::canonicalize_nans (kArithmetic: only
// add, sub, mul, div, min, max).
using NanMode = Config::NanCanonicalization;
constexpr Iop NanCanonOp(Opcode op, NanMode mode) {
  if (mode == NanMode::kNone) return Iop::kCount;
  const bool all = mode == NanMode::kAll;
  switch (op) {
    case Opcode::kF32Add: case Opcode::kF32Sub: case Opcode::kF32Mul: case Opcode::kF32Div:
    case Opcode::kF32Min: case Opcode::kF32Max:
      return Iop::kCanonNanF32;
    case Opcode::kF32Sqrt: case Opcode::kF32Ceil: case Opcode::kF32Floor: case Opcode::kF32Trunc:
    case Opcode::kF32Nearest: case Opcode::kF32DemoteF64:
      return all ? Iop::kCanonNanF32 : Iop::kCount;
    case Opcode::kF64Add: case Opcode::kF64Sub: case Opcode::kF64Mul: case Opcode::kF64Div:
    case Opcode::kF64Min: case Opcode::kF64Max:
      return Iop::kCanonNanF64;
    case Opcode::kF64Sqrt: case Opcode::kF64Ceil: case Opcode::kF64Floor: case Opcode::kF64Trunc:
    case Opcode::kF64Nearest: case Opcode::kF64PromoteF32:
      return all ? Iop::kCanonNanF64 : Iop::kCount;
    case Opcode::kF32x4Add: case Opcode::kF32x4Sub: case Opcode::kF32x4Mul:
    case Opcode::kF32x4Div: case Opcode::kF32x4Min: case Opcode::kF32x4Max:
      return Iop::kCanonNanF32x4;
    case Opcode::kF32x4Sqrt: case Opcode::kF32x4Ceil: case Opcode::kF32x4Floor:
    case Opcode::kF32x4Trunc: case Opcode::kF32x4Nearest: case Opcode::kF32x4DemoteF64x2Zero:
      return all ? Iop::kCanonNanF32x4 : Iop::kCount;
    case Opcode::kF64x2Add: case Opcode::kF64x2Sub: case Opcode::kF64x2Mul:
    case Opcode::kF64x2Div: case Opcode::kF64x2Min: case Opcode::kF64x2Max:
      return Iop::kCanonNanF64x2;
    case Opcode::kF64x2Sqrt: case Opcode::kF64x2Ceil: case Opcode::kF64x2Floor:
    case Opcode::kF64x2Trunc: case Opcode::kF64x2Nearest: case Opcode::kF64x2PromoteLowF32x4:
      return all ? Iop::kCanonNanF64x2 : Iop::kCount;
    default:
      return Iop::kCount;
  }
}

class Translator {
 public:
  struct Scratch {
    std::vector<uint32_t> local_slot;
    std::vector<bool> local_wide;
  };
  Translator(const ModuleDesc& m, const Config& config, CompiledFunc& out, Scratch& scratch)
      : m_(m), out_(out), fuel_(config.consume_fuel), epoch_(config.epoch_interruption),
        nan_mode_(config.canonicalize_nans), local_slot_(scratch.local_slot),
        local_wide_(scratch.local_wide) {}

  void OnStart(const FuncType& sig, std::span<const ValType> locals) {
    num_params_ = static_cast<uint32_t>(SlotCount(sig.params));
    num_results_ = static_cast<uint32_t>(sig.results.size());
    local_slot_.clear();
    local_wide_.clear();
    uint32_t slot = 0;
    for (ValType t : locals) {
      local_slot_.push_back(slot);
      local_wide_.push_back(t == ValType::kV128);
      slot += SlotWidth(t);
    }
    // Constants are only known after the body; their slots follow the locals (and the result
    // region), so the stack base is fixed now with room for kMaxConstSlots constant slots.
    locals_end_ = std::max(slot, static_cast<uint32_t>(SlotCount(sig.results)));
    const_base_ = locals_end_;
    stack_base_ = const_base_ + kMaxConstSlots;
    max_slot_ = stack_base_;
    ctrl_.clear();
    stack_.clear();
    lazy_.clear();
    ctrl_.emplace_back(LabelKind::kFunction, 0, std::span<const ValType>{}, sig.results, false);
    ctrl_.back().base = stack_base_;
    if (epoch_) EmitRaw(Iop::kEpoch, {}, 0);
    BeginFuelRegion();
    entry_fuel_op_ = fuel_op_;
  }

  void OnInstr(const Instr& in, const DecoderView& st) {
    if (!error_.empty()) return;
    // Dead code: after br/return/unreachable in this frame, or anywhere inside a frame that was
    // opened in dead code (the decoder sees a block with parameters opened after `unreachable`
    // as reachable, but nothing can ever enter it).
    if (st.Unreachable() || ctrl_.back().dead) {
      OnDeadInstr(in, st);
      return;
    }
    ++fuel_count_;
    if (out_.offsets.empty() || out_.offsets.back().second != in.offset)
      out_.offsets.emplace_back(static_cast<uint32_t>(Pos()), static_cast<uint32_t>(in.offset));
    Step(in, st);
  }

  void OnEnd() {
    EndFuelRegion();
    out_.num_params = num_params_;
    out_.num_results = num_results_;
    // Copied at entry: declared locals (zero), the rest of the result region (zero) and the
    // constants in use; then the stack area moves down next to those constants (Relocate).
    uint32_t used_consts = static_cast<uint32_t>(consts_.size());
    out_.zero_slots = const_base_ - num_params_;
    out_.zero_pairs = (out_.zero_slots + 1) / 2;
    out_.init.assign(consts_.begin(), consts_.begin() + used_consts);
    if (out_.init.size() % 2 != 0) out_.init.push_back(0);
    out_.init_pairs = static_cast<uint32_t>(out_.init.size() / 2);
    // Entering the function writes its locals and constants: charged at the bulk operations'
    // rate (1 unit per 64 bytes, interp/builtins.h), so a call of a function declaring 50,000
    // locals costs 6,250 units, not 1.
    if (fuel_ && entry_fuel_op_ != kNone)
      *OperandPtr(entry_fuel_op_, 0) += (out_.zero_slots + used_consts) / 8;
    // Catch slots are stack slots too: they move down with the stack area (see Relocate).
    if (const uint32_t unused = kMaxConstSlots - used_consts; unused != 0) {
      for (CatchEntry& e : out_.catches)
        if (e.slot >= Off(stack_base_)) e.slot -= Off(unused);
    }
    Relocate(used_consts);
    uint64_t frame = uint64_t{max_slot_} + 1;
    if (frame > kMaxFrameSlots) error_ = "function frame too large";
    out_.frame_slots = static_cast<uint32_t>(frame);
    out_.code = std::move(code_);
  }

  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  // ---- the shadow operand stack ---------------------------------------------------------------
  struct Entry {
    uint32_t loc;    // slot currently holding the value (canonical, a local or a constant)
    uint32_t canon;  // the value's own stack slot
    bool wide;       // v128 (two slots)
  };
  struct Ctrl {
    Ctrl(LabelKind k, uint32_t h, std::span<const ValType> p, std::span<const ValType> r, bool d)
        : kind(k), height(h), param_types(p), result_types(r),
          params(static_cast<uint32_t>(p.size())), results(static_cast<uint32_t>(r.size())),
          dead(d) {}
    LabelKind kind;
    uint32_t height;       // operand height at entry, below params
    std::span<const ValType> param_types, result_types;
    uint32_t params;
    uint32_t results;
    bool dead;             // opened in unreachable code: nothing is emitted inside
    uint32_t base = 0;     // canonical slot of the value at `height`
    size_t start = 0;      // loop: byte offset of the loop head
    std::vector<size_t> fixups;  // byte offsets of forward-branch operands to patch at end
    std::vector<size_t> instr_starts;  // instruction start for each fixup
    size_t else_fixup = kNone;         // if: operand of the branch to else
    size_t else_instr = kNone;
    // try_table: its clauses (begin/end filled at its end) and where its body starts.
    bool is_try = false;
    size_t try_begin = 0;
    std::vector<CatchEntry> catches;
  };
  static constexpr size_t kNone = static_cast<size_t>(-1);

  uint32_t Height() const { return static_cast<uint32_t>(stack_.size()); }
  static uint32_t Width(bool wide) { return wide ? 2 : 1; }
  // Canonical slot of the next value pushed.
  uint32_t NextCanon() const {
    return stack_.empty() ? stack_base_ : stack_.back().canon + Width(stack_.back().wide);
  }
  uint32_t Canon(uint32_t height) const {
    return height < Height() ? stack_[height].canon : NextCanon();
  }

  void Push(uint32_t loc, bool wide = false) {
    uint32_t canon = NextCanon();
    stack_.push_back(Entry{loc, canon, wide});
    max_slot_ = std::max(max_slot_, canon + Width(wide));
    if (loc != canon) {
      lazy_.push_back(Height() - 1);
      // Bounded laziness keeps every scan below O(kMaxLazy), so translation stays linear
      // whatever the stack depth.
      if (lazy_.size() > kMaxLazy) Materialize(lazy_.front());
    }
  }
  // Push the result of an instruction about to be emitted; returns its (canonical) slot.
  uint32_t PushResult(bool wide = false) {
    uint32_t slot = NextCanon();
    Push(slot, wide);
    return slot;
  }
  uint32_t PushResultOf(ValType t) { return PushResult(t == ValType::kV128); }
  uint32_t Pop() {
    uint32_t loc = stack_.back().loc;
    stack_.pop_back();
    if (!lazy_.empty() && lazy_.back() == Height()) lazy_.pop_back();
    return loc;
  }
  uint32_t Top(uint32_t depth = 0) const { return stack_[stack_.size() - 1 - depth].loc; }

  void Materialize(uint32_t index) {
    Entry& e = stack_[index];
    if (e.loc != e.canon) {
      Emit(e.wide ? Iop::kCopy128 : Iop::kCopy, {e.canon, e.loc});
      e.loc = e.canon;
      lazy_.erase(std::find(lazy_.begin(), lazy_.end(), index));
    }
  }
  void MaterializeTop(uint32_t n) {
    const uint32_t from = Height() - n;
    while (!lazy_.empty() && lazy_.back() >= from) Materialize(lazy_.back());
  }
  void MaterializeAll() {
    while (!lazy_.empty()) Materialize(lazy_.back());
  }
  // Before writing local `slot`: every entry still reading it is copied out first.
  void MaterializeReaders(uint32_t slot) {
    for (size_t k = lazy_.size(); k-- > 0;) {
      if (k < lazy_.size() && stack_[lazy_[k]].loc == slot) Materialize(lazy_[k]);
    }
  }

  // ---- emission -------------------------------------------------------------------------------
  static uint32_t Off(uint32_t slot) { return slot * 8; }

  size_t Pos() const { return code_.size() * 8; }

  // Emits op with slot/immediate operands (already byte offsets or immediates as given).
  // slot_mask: bit k set when operand k is a slot offset (see Relocate()).
  size_t EmitRaw(Iop op, std::initializer_list<uint32_t> ops, uint32_t slot_mask,
                 size_t extra_words = 0) {
    size_t start = Pos();
    if (slot_mask != 0) relocs_.push_back({static_cast<uint32_t>(start), slot_mask});
    code_.push_back(reinterpret_cast<uint64_t>(kHandlers[static_cast<size_t>(op)]));
    size_t n = ops.size() + extra_words;
    size_t words = (n + 1) / 2;
    code_.resize(code_.size() + words, 0);
    uint32_t* p = reinterpret_cast<uint32_t*>(code_.data() + start / 8 + 1);
    size_t i = 0;
    for (uint32_t v : ops) p[i++] = v;
    last_op_ = op;
    last_start_ = start;
    last_dst_height_ = kNone;
    return start;
  }
  // Emits op whose operands are all slots (converted to byte offsets).
  size_t Emit(Iop op, std::initializer_list<uint32_t> slots) {
    uint32_t buf[8];
    size_t n = 0;
    for (uint32_t s : slots) buf[n++] = Off(s);
    size_t start = Pos();
    relocs_.push_back({static_cast<uint32_t>(start), (1u << n) - 1});
    code_.push_back(reinterpret_cast<uint64_t>(kHandlers[static_cast<size_t>(op)]));
    code_.resize(code_.size() + (n + 1) / 2, 0);
    std::memcpy(code_.data() + start / 8 + 1, buf, n * 4);
    last_op_ = op;
    last_start_ = start;
    last_dst_height_ = kNone;
    return start;
  }
  uint32_t* OperandPtr(size_t instr_start, size_t k) {
    return reinterpret_cast<uint32_t*>(reinterpret_cast<uint8_t*>(code_.data()) + instr_start +
                                       8 + 4 * k);
  }
  // Records that the last instruction wrote operand 0 = the canonical slot of the current top.
  void MarkResult() { last_dst_height_ = Height() - 1; }
  // A label is bound here: no peephole may look back across it.
  void Barrier() {
    last_op_ = Iop::kCount;
    last_dst_height_ = kNone;
  }
  // True if the top entry was just produced by the last instruction (dst operand 0).
  bool TopJustProduced() const {
    return last_dst_height_ != kNone && last_dst_height_ == Height() - 1 &&
           stack_.back().loc == Canon(Height() - 1);
  }

  void Patch(size_t instr_start, size_t operand_pos, size_t target) {
    int32_t rel = static_cast<int32_t>(static_cast<int64_t>(target) - static_cast<int64_t>(instr_start));
    std::memcpy(reinterpret_cast<uint8_t*>(code_.data()) + operand_pos, &rel, 4);
  }

  // A constant of one slot (lo) or a v128 (lo, hi): reads come from a shared constant slot while
  // the constant area has room, else a Const instruction writes the value's own stack slot.
  void PushConst(uint64_t lo, uint64_t hi = 0, bool wide = false) {
    const uint32_t width = Width(wide);
    auto [it, added] = const_index_.try_emplace(std::make_tuple(lo, hi, wide), kNoSlot);
    if (added && consts_.size() + width <= kMaxConstSlots) {
      it->second = const_base_ + static_cast<uint32_t>(consts_.size());
      consts_.push_back(lo);
      if (wide) consts_.push_back(hi);
    }
    if (it->second != kNoSlot) {
      Push(it->second, wide);
      return;
    }
    uint32_t dst = PushResult(wide);
    const uint64_t words[2] = {lo, hi};
    for (uint32_t k = 0; k < width; ++k)
      EmitRaw(Iop::kConst,
              {Off(dst + k), static_cast<uint32_t>(words[k]), static_cast<uint32_t>(words[k] >> 32)},
              0b1);
    if (!wide) MarkResult();
  }
  static constexpr uint32_t kNoSlot = static_cast<uint32_t>(-1);

  void Unsupported(const Instr& in) {
    if (error_.empty()) {
      error_ = "instruction not supported by the interpreter: " + std::string(OpcodeName(in.op));
      error_offset_ = in.offset;
    }
  }

  // ---- branches -------------------------------------------------------------------------------
  Ctrl& Label(uint32_t depth) { return ctrl_[ctrl_.size() - 1 - depth]; }
  uint32_t Arity(const Ctrl& c) const { return c.kind == LabelKind::kLoop ? c.params : c.results; }

  // Whether a branch to `c` needs value moves from the current stack. The label's values start
  // at c.base; the branch values are the top Arity(c) entries.
  bool NeedsMoves(const Ctrl& c) const {
    uint32_t n = Arity(c);
    uint32_t h = Height();
    uint32_t dst = c.base;
    for (uint32_t i = 0; i < n; ++i) {
      const Entry& e = stack_[h - n + i];
      if (e.loc != dst) return true;
      dst += Width(e.wide);
    }
    return false;
  }
  // Moves the top Arity(c) values to the label's slots (ascending order is safe: sources are
  // canonical slots at or above the destinations, or locals/constants).
  // Reads the shadow stack only (it runs on one path of a conditional branch).
  void EmitMoves(const Ctrl& c) {
    uint32_t n = Arity(c);
    uint32_t h = Height();
    if (n > kMaxInlineMoves) {
      // The canonical slots in one copy (a lazy entry's slot is copied too, harmlessly), then
      // the entries still living in a local or constant (at most kMaxLazy; callers materialize
      // first, so there are usually none). Lazy sources lie below the stack, so the range copy
      // cannot clobber them.
      const uint32_t src = Canon(h - n);
      if (src != c.base)
        EmitRaw(Iop::kCopyRange, {Off(c.base), Off(src), Off(NextCanon() - src)}, 0b11);
      for (uint32_t k : lazy_) {
        const Entry& e = stack_[k];
        if (k >= h - n)
          Emit(e.wide ? Iop::kCopy128 : Iop::kCopy, {c.base + (e.canon - src), e.loc});
      }
      return;
    }
    uint32_t dst = c.base;
    for (uint32_t i = 0; i < n; ++i) {
      const Entry& e = stack_[h - n + i];
      if (e.loc != dst) Emit(e.wide ? Iop::kCopy128 : Iop::kCopy, {dst, e.loc});
      dst += Width(e.wide);
    }
  }
  // A branch whose arity takes the CopyRange path materializes its values first (before the
  // branch instruction, so on every path), leaving one instruction per later branch.
  void MaterializeForBulkMoves(uint32_t arity) {
    if (arity > kMaxInlineMoves) MaterializeTop(arity);
  }
  // Emits an unconditional jump (moves done by the caller) to label depth.
  void EmitJump(uint32_t depth) {
    Ctrl& c = Label(depth);
    size_t start = EmitRaw(Iop::kBr, {0}, 0);
    BindBranch(c, start, start + 8);
  }
  // Records the branch operand at `operand_pos` of the instruction at `start` as targeting c.
  void BindBranch(Ctrl& c, size_t start, size_t operand_pos) {
    if (c.kind == LabelKind::kLoop) {
      Patch(start, operand_pos, c.start);
    } else {
      c.fixups.push_back(operand_pos);
      c.instr_starts.push_back(start);
    }
  }
  // Whether EmitReturn needs the results materialized: sources may be locals that are also
  // destinations, so they are first copied to their stack slots (above the result region).
  bool ReturnCopiesResults() const {
    return num_results_ > 1 || (num_results_ == 1 && stack_.back().wide);
  }
  // Before a branch that may return on one path only (br_if, br_table), the materialization
  // must happen on both paths, i.e. before the branch instruction.
  void PrepareReturn() {
    if (ReturnCopiesResults()) MaterializeTop(num_results_);
  }
  // Return sequence: results to slots 0..R-1, then return. Reads the shadow stack only; the
  // caller has run PrepareReturn().
  void EmitReturn() {
    uint32_t n = num_results_;
    if (n == 0) {
      EmitRaw(Iop::kReturn0, {}, 0);
    } else if (!ReturnCopiesResults()) {
      Emit(Iop::kReturn1, {Top()});
    } else {
      uint32_t h = Height();
      const uint32_t src = Canon(h - n);
      if (n > kMaxInlineMoves) {
        EmitRaw(Iop::kCopyRange, {Off(0), Off(src), Off(NextCanon() - src)}, 0b11);
      } else {
        for (uint32_t i = 0, dst = 0; i < n; ++i) {
          const Entry& e = stack_[h - n + i];
          Emit(e.wide ? Iop::kCopy128 : Iop::kCopy, {dst, e.canon});
          dst += Width(e.wide);
        }
      }
      EmitRaw(Iop::kReturn, {}, 0);
    }
  }
  bool IsFunctionLabel(uint32_t depth) const { return depth + 1 == ctrl_.size(); }

  // try_table: a block whose clauses become landing pads placed before its body (jumped over on
  // entry). The unwinder writes the payload (and exnref) to the canonical slots at the
  // try_table's height; each pad is then a branch carrying those values to the clause's label.
  void TryTable(const Instr& in) {
    MaterializeAll();
    const uint32_t params = static_cast<uint32_t>(in.block.params.size());
    const uint32_t h = Height() - params;
    Ctrl c(LabelKind::kBlock, h, in.block.params, in.block.results, false);
    c.base = Canon(h);
    c.is_try = true;
    const size_t skip = EmitRaw(Iop::kBr, {0}, 0);
    const std::vector<Entry> saved = stack_;  // all canonical (MaterializeAll)
    for (const CatchClause& k : in.catches) {
      CatchEntry e;
      e.pad = static_cast<uint32_t>(Pos());
      e.slot = Off(c.base);
      e.tag = k.tag;
      e.kind = static_cast<uint8_t>(k.kind);
      std::span<const ValType> types;
      if (k.HasTag()) types = m_.types[m_.TagTypeIndex(k.tag)].params;
      ResetStack(h, types);
      if (k.IsRef()) PushResult();
      if (IsFunctionLabel(k.label)) {
        PrepareReturn();
        EmitReturn();
      } else {
        MaterializeForBulkMoves(Arity(Label(k.label)));
        EmitMoves(Label(k.label));
        EmitJump(k.label);
      }
      c.catches.push_back(e);
    }
    stack_ = saved;
    Barrier();
    Patch(skip, skip + 8, Pos());
    c.try_begin = Pos();
    ctrl_.push_back(std::move(c));
  }

  // ---- instructions ---------------------------------------------------------------------------
  void OnDeadInstr(const Instr& in, const DecoderView& st) {
    switch (in.op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf:
      case Opcode::kTryTable:
        ctrl_.emplace_back(LabelKind::kBlock, 0, std::span<const ValType>{},
                           std::span<const ValType>{}, true);
        return;
      case Opcode::kElse:
      case Opcode::kEnd:
        break;
      default:
        return;
    }
    Ctrl& c = ctrl_.back();
    if (c.dead) {
      if (in.op == Opcode::kEnd) ctrl_.pop_back();
      return;
    }
    // A live frame whose current arm ended unreachable.
    DecoderView::Label l = st.GetLabel(0);
    if (in.op == Opcode::kElse) {
      BindElse(c);
      ResetStack(l.height, c.param_types);
      return;
    }
    EndFrame(c, l);
  }

  // After a label: the values below `height` are untouched (and canonical), then `types`.
  void ResetStack(uint32_t height, std::span<const ValType> types) {
    stack_.resize(height, Entry{0, 0, false});
    while (!lazy_.empty() && lazy_.back() >= height) lazy_.pop_back();
    for (ValType t : types) PushResultOf(t);
    Barrier();
  }

  void BindElse(Ctrl& c) {
    if (c.else_fixup != kNone) {
      Patch(c.else_instr, c.else_fixup, Pos());
      c.else_fixup = kNone;
    }
    BeginFuelRegion();
  }

  // Fuel: every region between fuel points (function entry, loop heads, block ends, else)
  // starts with a Fuel op charging the wasm instructions translated in that region. A branch
  // out of the middle of a region still pays for the whole region: the charge is deterministic
  // (a function of the path through labels), not exact per instruction.
  void EndFuelRegion() {
    if (fuel_ && fuel_op_ != kNone) *OperandPtr(fuel_op_, 0) = fuel_count_;
    fuel_op_ = kNone;
    fuel_count_ = 0;
  }
  void BeginFuelRegion() {
    if (!fuel_) return;
    EndFuelRegion();
    fuel_op_ = EmitRaw(Iop::kFuel, {0}, 0);
  }

  void EndFrame(Ctrl& c, const DecoderView::Label& l) {
    if (ctrl_.size() == 1) {
      // The function's final end (reachable case handled by the caller).
      ctrl_.pop_back();
      return;
    }
    size_t here = Pos();
    if (c.is_try) {
      for (CatchEntry& e : c.catches) {
        e.begin = static_cast<uint32_t>(c.try_begin);
        e.end = static_cast<uint32_t>(here);
        out_.catches.push_back(e);
      }
    }
    for (size_t i = 0; i < c.fixups.size(); ++i) Patch(c.instr_starts[i], c.fixups[i], here);
    if (c.else_fixup != kNone) Patch(c.else_instr, c.else_fixup, here);
    std::span<const ValType> results = c.result_types;
    ctrl_.pop_back();
    BeginFuelRegion();
    ResetStack(l.height, results);
  }

  void Step(const Instr& in, const DecoderView& st) {
    const OpMap& om = kOpMap[static_cast<size_t>(in.op)];
    switch (om.family) {
      case Family::kUn: {
        uint32_t a = Pop();
        uint32_t dst = PushResult();
        Emit(om.iop, {dst, a});
        MarkResult();
        CanonicalizeNans(in.op, dst);
        return;
      }
      case Family::kBin:
      case Family::kCmp: {
        uint32_t b = Pop();
        uint32_t a = Pop();
        uint32_t dst = PushResult();
        Emit(om.iop, {dst, a, b});
        MarkResult();
        CanonicalizeNans(in.op, dst);
        return;
      }
      case Family::kLoad: {
        uint32_t addr = Pop();
        uint32_t dst = PushResult();
        if (in.memory != 0) EmitRaw(Iop::kUseMemory, {VMOffsets::memory(in.memory)}, 0);
        EmitRaw(om.iop, {Off(dst), Off(addr), static_cast<uint32_t>(in.value)}, 0b011);
        if (in.memory != 0) {
          EmitRaw(Iop::kUseMemory0, {}, 0);  // the access's dst is not retargeted then
          return;
        }
        MarkResult();
        return;
      }
      case Family::kStore: {
        uint32_t val = Pop();
        uint32_t addr = Pop();
        if (in.memory != 0) EmitRaw(Iop::kUseMemory, {VMOffsets::memory(in.memory)}, 0);
        EmitRaw(om.iop, {Off(addr), Off(val), static_cast<uint32_t>(in.value)}, 0b011);
        if (in.memory != 0) EmitRaw(Iop::kUseMemory0, {}, 0);
        return;
      }
      case Family::kNone:
        break;
    }
    switch (in.op) {
      case Opcode::kNop:
        return;
      case Opcode::kUnreachable:
        EmitRaw(Iop::kUnreachable, {}, 0);
        return;
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf: {
        uint32_t cond = 0;
        if (in.op == Opcode::kIf) cond = Pop();
        MaterializeAll();
        uint32_t params = static_cast<uint32_t>(in.block.params.size());
        LabelKind kind = in.op == Opcode::kLoop ? LabelKind::kLoop
                         : in.op == Opcode::kIf ? LabelKind::kIf
                                                : LabelKind::kBlock;
        Ctrl c(kind, Height() - params, in.block.params, in.block.results, false);
        c.base = Canon(Height() - params);
        if (in.op == Opcode::kIf) {
          EmitCondBranch(cond, /*branch_if_true=*/false, c.else_instr, c.else_fixup);
        }
        Barrier();
        if (in.op == Opcode::kLoop) {
          c.start = Pos();
          if (epoch_) EmitRaw(Iop::kEpoch, {}, 0);
          BeginFuelRegion();
        }
        ctrl_.push_back(std::move(c));
        return;
      }
      case Opcode::kTryTable:
        TryTable(in);
        return;
      case Opcode::kReturnCall:
      case Opcode::kReturnCallIndirect: {
        // The arguments are materialized at their canonical slots; the handler moves them to
        // the frame's start and replaces this activation by the callee's.
        const bool indirect = in.op == Opcode::kReturnCallIndirect;
        const FuncType& ft = indirect ? m_.types[in.index] : m_.FuncSig(in.index);
        uint32_t index_slot = 0;
        if (indirect) index_slot = Pop();
        const uint32_t p = static_cast<uint32_t>(ft.params.size());
        MaterializeTop(p);
        const uint32_t base = Canon(Height() - p);
        const auto slots = static_cast<uint32_t>(SlotCount(ft.params));
        if (indirect) {
          EmitRaw(Iop::kReturnCallIndirect,
                  {type_ids_[in.index], in.index2, Off(index_slot), Off(base), slots}, 0b01100);
        } else {
          EmitRaw(Iop::kReturnCall, {in.index, Off(base), slots}, 0b010);
        }
        return;
      }
      case Opcode::kThrow: {
        const FuncType& ft = m_.types[m_.TagTypeIndex(in.index)];
        const uint32_t n = static_cast<uint32_t>(ft.params.size());
        MaterializeTop(n);
        EmitRaw(Iop::kThrow,
                {in.index, Off(Canon(Height() - n)), static_cast<uint32_t>(SlotCount(ft.params))},
                0b010);
        return;
      }
      case Opcode::kThrowRef:
        Emit(Iop::kThrowRef, {Top()});
        return;
      case Opcode::kElse: {
        Ctrl& c = ctrl_.back();
        MaterializeTop(c.results);
        size_t start = EmitRaw(Iop::kBr, {0}, 0);
        c.fixups.push_back(start + 8);
        c.instr_starts.push_back(start);
        BindElse(c);
        ResetStack(st.GetLabel(0).height, c.param_types);
        return;
      }
      case Opcode::kEnd: {
        Ctrl& c = ctrl_.back();
        if (ctrl_.size() == 1) {
          PrepareReturn();
          EmitReturn();
          ctrl_.pop_back();
          return;
        }
        MaterializeTop(c.results);
        EndFrame(c, st.GetLabel(0));
        return;
      }
      case Opcode::kBr: {
        if (IsFunctionLabel(in.index)) {
          PrepareReturn();
          EmitReturn();
          return;
        }
        MaterializeForBulkMoves(Arity(Label(in.index)));
        EmitMoves(Label(in.index));
        EmitJump(in.index);
        return;
      }
      case Opcode::kBrIf: {
        uint32_t cond = Pop();
        if (IsFunctionLabel(in.index)) {
          PrepareReturn();
          size_t instr, operand;
          EmitCondBranch(cond, /*branch_if_true=*/false, instr, operand);
          EmitReturn();
          Patch(instr, operand, Pos());
          Barrier();
          return;
        }
        Ctrl& target = Label(in.index);
        MaterializeForBulkMoves(Arity(target));
        if (!NeedsMoves(target)) {
          size_t instr, operand;
          EmitCondBranch(cond, /*branch_if_true=*/true, instr, operand);
          BindBranch(target, instr, operand);
          return;
        }
        size_t instr, operand;
        EmitCondBranch(cond, /*branch_if_true=*/false, instr, operand);
        EmitMoves(target);
        EmitJump(in.index);
        Patch(instr, operand, Pos());
        Barrier();
        return;
      }
      case Opcode::kBrTable: {
        uint32_t index = Pop();
        size_t n = in.targets.size();  // default last
        // Materialization must precede the table: the stubs are separate paths.
        for (uint32_t depth : in.targets) {
          if (IsFunctionLabel(depth)) {
            PrepareReturn();
            break;
          }
        }
        MaterializeForBulkMoves(Arity(Label(in.targets.back())));
        size_t start = Pos();
        EmitRaw(Iop::kBrTable, {Off(index), static_cast<uint32_t>(n - 1)}, 0b1, n);
        // Targets needing value moves (or the function label) go through a stub after the table.
        std::vector<std::pair<size_t, uint32_t>> stubs;  // (operand pos, depth)
        for (size_t i = 0; i < n; ++i) {
          uint32_t depth = in.targets[i];
          size_t operand_pos = start + 16 + 4 * i;
          if (!IsFunctionLabel(depth) && !NeedsMoves(Label(depth))) {
            BindBranch(Label(depth), start, operand_pos);
          } else {
            stubs.emplace_back(operand_pos, depth);
          }
        }
        // One stub per distinct depth.
        std::unordered_map<uint32_t, size_t> stub_at;
        for (auto [operand_pos, depth] : stubs) {
          auto it = stub_at.find(depth);
          if (it == stub_at.end()) {
            size_t here = Pos();
            stub_at.emplace(depth, here);
            if (IsFunctionLabel(depth)) {
              EmitReturn();
            } else {
              EmitMoves(Label(depth));
              EmitJump(depth);
            }
            Patch(start, operand_pos, here);
          } else {
            Patch(start, operand_pos, it->second);
          }
        }
        return;
      }
      case Opcode::kReturn:
        PrepareReturn();
        EmitReturn();
        return;
      case Opcode::kCall:
      case Opcode::kCallIndirect: {
        const FuncType& ft = in.op == Opcode::kCall ? m_.FuncSig(in.index) : m_.types[in.index];
        uint32_t index_slot = 0;
        if (in.op == Opcode::kCallIndirect) index_slot = Pop();
        uint32_t p = static_cast<uint32_t>(ft.params.size());
        uint32_t r = static_cast<uint32_t>(ft.results.size());
        MaterializeTop(p);
        uint32_t base = Canon(Height() - p);  // the callee's slot 0
        if (in.op == Opcode::kCall) {
          EmitRaw(Iop::kCall, {in.index, Off(base)}, 0b10);
        } else {
          EmitRaw(Iop::kCallIndirect,
                  {type_ids_[in.index], in.index2, Off(index_slot), Off(base)}, 0b1100);
        }
        for (uint32_t i = 0; i < p; ++i) Pop();
        for (uint32_t i = 0; i < r; ++i) PushResultOf(ft.results[i]);
        // The callee's frame may extend past our stack: reserve nothing extra here (the callee
        // checks its own frame against the stack end).
        return;
      }
      case Opcode::kDrop:
        Pop();
        return;
      case Opcode::kSelect:
      case Opcode::kSelectT: {
        bool wide = st.TypeAt(1) == StackType::kV128 || st.TypeAt(2) == StackType::kV128;
        uint32_t cond = Pop();
        uint32_t b = Pop();
        uint32_t a = Pop();
        uint32_t dst = PushResult(wide);
        Emit(wide ? Iop::kSelect128 : Iop::kSelect, {dst, cond, a, b});
        MarkResult();
        return;
      }
      case Opcode::kLocalGet:
        Push(local_slot_[in.index], local_wide_[in.index]);
        return;
      case Opcode::kLocalSet:
      case Opcode::kLocalTee: {
        uint32_t x = local_slot_[in.index];
        bool wide = local_wide_[in.index];
        bool tee = in.op == Opcode::kLocalTee;
        if (TopJustProduced() && !HasReadersBelowTop(x)) {
          // Retarget the producer's dst to the local.
          *OperandPtr(last_start_, 0) = Off(x);
          Pop();
          if (tee) Push(x, wide);
          Barrier();
          return;
        }
        uint32_t src = Top();
        if (src == x) {
          if (!tee) Pop();
          return;
        }
        // Entries below the top that read x must keep the old value.
        Pop();
        MaterializeReaders(x);
        Emit(wide ? Iop::kCopy128 : Iop::kCopy, {x, src});
        if (tee) Push(x, wide);
        Barrier();
        return;
      }
      case Opcode::kGlobalGet: {
        bool wide = m_.GetGlobalType(in.index).type == ValType::kV128;
        uint32_t dst = PushResult(wide);
        EmitRaw(wide ? Iop::kGlobalGet128 : Iop::kGlobalGet, {Off(dst), offsets_.global(in.index)},
                0b01);
        MarkResult();
        return;
      }
      case Opcode::kGlobalSet: {
        bool wide = m_.GetGlobalType(in.index).type == ValType::kV128;
        uint32_t v = Pop();
        EmitRaw(wide ? Iop::kGlobalSet128 : Iop::kGlobalSet, {offsets_.global(in.index), Off(v)},
                0b10);
        return;
      }
      case Opcode::kTableGet: {
        uint32_t i = Pop();
        uint32_t dst = PushResult();
        EmitRaw(Iop::kTableGet, {Off(dst), Off(i), in.index}, 0b011);
        MarkResult();
        return;
      }
      case Opcode::kTableSet: {
        uint32_t v = Pop();
        uint32_t i = Pop();
        EmitRaw(Iop::kTableSet, {in.index, Off(i), Off(v)}, 0b110);
        return;
      }
      case Opcode::kTableSize: {
        uint32_t dst = PushResult();
        EmitRaw(Iop::kTableSize, {Off(dst), in.index}, 0b01);
        MarkResult();
        return;
      }
      case Opcode::kTableGrow: {
        uint32_t n = Pop();
        uint32_t init = Pop();
        uint32_t dst = PushResult();
        EmitRaw(Iop::kTableGrow, {Off(dst), Off(init), Off(n), in.index}, 0b0111);
        MarkResult();
        return;
      }
      case Opcode::kTableFill: {
        uint32_t n = Pop();
        uint32_t v = Pop();
        uint32_t i = Pop();
        EmitRaw(Iop::kTableFill, {in.index, Off(i), Off(v), Off(n)}, 0b1110);
        return;
      }
      case Opcode::kTableCopy: {
        uint32_t n = Pop();
        uint32_t s = Pop();
        uint32_t d = Pop();
        EmitRaw(Iop::kTableCopy, {in.index, in.index2, Off(d), Off(s), Off(n)}, 0b11100);
        return;
      }
      case Opcode::kTableInit: {
        uint32_t n = Pop();
        uint32_t s = Pop();
        uint32_t d = Pop();
        EmitRaw(Iop::kTableInit, {in.index, in.index2, Off(d), Off(s), Off(n)}, 0b11100);
        return;
      }
      case Opcode::kElemDrop:
        EmitRaw(Iop::kElemDrop, {in.index}, 0);
        return;
      // Memory 0 keeps its own operations; other memories (multi-memory) take the N forms.
      case Opcode::kMemorySize: {
        uint32_t dst = PushResult();
        if (in.memory == 0)
          Emit(Iop::kMemorySize, {dst});
        else
          EmitRaw(Iop::kMemorySizeN, {Off(dst), VMOffsets::memory(in.memory)}, 0b1);
        MarkResult();
        return;
      }
      case Opcode::kMemoryGrow: {
        uint32_t delta = Pop();
        uint32_t dst = PushResult();
        if (in.memory == 0)
          Emit(Iop::kMemoryGrow, {dst, delta});
        else
          EmitRaw(Iop::kMemoryGrowN, {Off(dst), Off(delta), in.memory}, 0b11);
        MarkResult();
        return;
      }
      case Opcode::kMemoryFill: {
        uint32_t n = Pop();
        uint32_t s = Pop();
        uint32_t d = Pop();
        if (in.memory == 0)
          Emit(Iop::kMemoryFill, {d, s, n});
        else
          EmitRaw(Iop::kMemoryFillN, {Off(d), Off(s), Off(n), in.memory}, 0b111);
        return;
      }
      case Opcode::kMemoryCopy: {
        uint32_t n = Pop();
        uint32_t s = Pop();
        uint32_t d = Pop();
        if (in.memory == 0 && in.index2 == 0)
          Emit(Iop::kMemoryCopy, {d, s, n});
        else
          EmitRaw(Iop::kMemoryCopyN, {Off(d), Off(s), Off(n), in.memory, in.index2}, 0b111);
        return;
      }
      case Opcode::kMemoryInit: {
        uint32_t n = Pop();
        uint32_t s = Pop();
        uint32_t d = Pop();
        if (in.memory == 0)
          EmitRaw(Iop::kMemoryInit, {in.index, Off(d), Off(s), Off(n)}, 0b1110);
        else
          EmitRaw(Iop::kMemoryInitN, {in.index, Off(d), Off(s), Off(n), in.memory}, 0b1110);
        return;
      }
      case Opcode::kDataDrop:
        EmitRaw(Iop::kDataDrop, {in.index}, 0);
        return;
      case Opcode::kI32Const:
        PushConst(static_cast<uint32_t>(in.value));
        return;
      case Opcode::kI64Const:
      case Opcode::kF64Const:
        PushConst(in.value);
        return;
      case Opcode::kF32Const:
        PushConst(static_cast<uint32_t>(in.value));
        return;
      case Opcode::kRefNull:
        PushConst(0);
        return;
      case Opcode::kRefIsNull: {
        uint32_t a = Pop();
        uint32_t dst = PushResult();
        Emit(Iop::kRefIsNull, {dst, a});
        MarkResult();
        return;
      }
      case Opcode::kRefFunc: {
        uint32_t dst = PushResult();
        EmitRaw(Iop::kRefFunc, {Off(dst), in.index}, 0b01);
        MarkResult();
        return;
      }
      case Opcode::kI32ReinterpretF32:
      case Opcode::kI64ReinterpretF64:
      case Opcode::kF32ReinterpretI32:
      case Opcode::kF64ReinterpretI64:
        return;  // same bits, same slot
      case Opcode::kV128Const:
        {
          uint64_t w[2];
          std::memcpy(w, in.bytes, 16);
          PushConst(w[0], w[1], /*wide=*/true);
        }
        return;
      default:
        if (static_cast<size_t>(in.op) >= kFirstSimdOpcode) {
          EmitSimd(in);
          return;
        }
        Unsupported(in);  // every other instruction of 2.0 is handled above
        return;
    }
  }

  // A SIMD operation: operands per SimdOperandCount (interp/code.h).
  void EmitSimd(const Instr& in) {
    const OpcodeInfo& info = GetOpcodeInfo(in.op);
    Handler h = kSimdHandlers[static_cast<size_t>(in.op) - kFirstSimdOpcode];
    uint32_t np = static_cast<uint32_t>(info.params.size());
    bool has_result = !info.results.empty();
    uint32_t ops[32];
    uint32_t n = 0;
    uint32_t args[4];
    for (uint32_t i = 0; i < np; ++i) args[np - 1 - i] = Pop();
    uint32_t dst = 0;
    if (has_result) {
      dst = PushResultOf(info.results[0]);
      ops[n++] = Off(dst);
    }
    for (uint32_t i = 0; i < np; ++i) ops[n++] = Off(args[i]);
    if (info.imm == Imm::MemArg || info.imm == Imm::MemArgLane) ops[n++] = static_cast<uint32_t>(in.value);
    if (info.imm == Imm::Lane || info.imm == Imm::MemArgLane) ops[n++] = in.index;
    if (info.imm == Imm::Shuffle) {
      std::memcpy(ops + n, in.bytes, 16);
      n += 4;
    }
    // A memory other than 0: switch the memory registers around the access (see kLoad).
    const bool other_memory =
        (info.imm == Imm::MemArg || info.imm == Imm::MemArgLane) && in.memory != 0;
    if (other_memory) EmitRaw(Iop::kUseMemory, {VMOffsets::memory(in.memory)}, 0);
    size_t start = Pos();
    relocs_.push_back({static_cast<uint32_t>(start), (1u << ((has_result ? 1 : 0) + np)) - 1});
    code_.push_back(reinterpret_cast<uint64_t>(h));
    code_.resize(code_.size() + (n + 1) / 2, 0);
    std::memcpy(code_.data() + start / 8 + 1, ops, n * 4);
    last_op_ = Iop::kCount;
    last_start_ = start;
    last_dst_height_ = kNone;
    if (other_memory) EmitRaw(Iop::kUseMemory0, {}, 0);
    if (has_result) {
      if (!other_memory) MarkResult();  // else the last instruction is UseMemory0
      CanonicalizeNans(in.op, dst);
    }
  }

  // Under Config::canonicalize_nans, a NaN written to `dst` by `op` becomes the canonical NaN.
  // The check is its own instruction on the result slot, so the producer cannot be retargeted
  // to a local afterwards (EmitRaw clears the peephole state): the value is checked in place.
  void CanonicalizeNans(Opcode op, uint32_t dst) {
    if (nan_mode_ == NanMode::kNone) return;
    Iop canon = NanCanonOp(op, nan_mode_);
    if (canon != Iop::kCount) EmitRaw(canon, {Off(dst)}, 0b1);
  }

  void SetRelocMask(size_t instr_start, uint32_t mask) {
    for (auto it = relocs_.rbegin(); it != relocs_.rend(); ++it) {
      if (it->pos == instr_start) {
        it->mask = mask;
        return;
      }
    }
  }

  // The constant area was reserved at its largest (kMaxConstSlots); now that the body is done,
  // the operand stack moves down next to the constants in use, so frames are as small as the
  // function needs (cheaper deep recursion, fewer cache lines per call).
  void Relocate(uint32_t used_consts) {
    const uint32_t unused = kMaxConstSlots - used_consts;
    if (unused == 0) return;
    const uint32_t stack_off = Off(stack_base_), delta = Off(unused);
    uint8_t* code = reinterpret_cast<uint8_t*>(code_.data());
    for (const Reloc& r : relocs_) {
      for (uint32_t k = 0, m = r.mask; m != 0; ++k, m >>= 1) {
        if ((m & 1) == 0) continue;
        uint32_t v;
        std::memcpy(&v, code + r.pos + 8 + 4 * k, 4);
        if (v >= stack_off) {
          v -= delta;
          std::memcpy(code + r.pos + 8 + 4 * k, &v, 4);
        }
      }
    }
    stack_base_ -= unused;
    max_slot_ -= unused;
  }

  bool HasReadersBelowTop(uint32_t slot) const {
    for (uint32_t i : lazy_)
      if (i + 1 < Height() && stack_[i].loc == slot) return true;
    return false;
  }

  // Emits a branch taken when cond != 0 (branch_if_true) or cond == 0, fusing a preceding
  // compare or i32.eqz that produced `cond`. Returns where to patch the target.
  void EmitCondBranch(uint32_t cond, bool branch_if_true, size_t& instr, size_t& operand) {
    // `cond` was popped already; the producer's result height is the current height.
    bool fuse = last_dst_height_ != kNone && last_dst_height_ == Height() &&
                cond == Canon(Height()) && last_op_ != Iop::kCount;
    if (fuse && kIsCmp[static_cast<size_t>(last_op_)]) {
      uint32_t* ops = OperandPtr(last_start_, 0);
      uint32_t a = ops[1], b = ops[2];
      Iop fused = static_cast<Iop>(static_cast<size_t>(last_op_) + (branch_if_true ? 1 : 2));
      code_[last_start_ / 8] = reinterpret_cast<uint64_t>(kHandlers[static_cast<size_t>(fused)]);
      ops[0] = a;
      ops[1] = b;
      ops[2] = 0;
      SetRelocMask(last_start_, 0b011);
      instr = last_start_;
      operand = last_start_ + 8 + 8;
      Barrier();
      return;
    }
    if (fuse && (last_op_ == Iop::kI32Eqz)) {
      uint32_t* ops = OperandPtr(last_start_, 0);
      uint32_t a = ops[1];
      Iop fused = branch_if_true ? Iop::kBrUnless : Iop::kBrIf;
      code_[last_start_ / 8] = reinterpret_cast<uint64_t>(kHandlers[static_cast<size_t>(fused)]);
      ops[0] = a;
      ops[1] = 0;
      SetRelocMask(last_start_, 0b01);
      instr = last_start_;
      operand = last_start_ + 8 + 4;
      Barrier();
      return;
    }
    instr = EmitRaw(branch_if_true ? Iop::kBrIf : Iop::kBrUnless, {Off(cond), 0}, 0b01);
    operand = instr + 8 + 4;
    Barrier();
  }

 public:
  std::span<const uint32_t> type_ids_;
  VMOffsets offsets_;

 private:
  const ModuleDesc& m_;
  CompiledFunc& out_;
  std::vector<uint64_t> code_;
  std::vector<Entry> stack_;
  std::vector<uint32_t> lazy_;  // indices of entries not in their canonical slot, ascending
  std::vector<Ctrl> ctrl_;
  struct Reloc {
    uint32_t pos;   // instruction start (bytes)
    uint32_t mask;  // operands that are slot offsets
  };
  std::vector<Reloc> relocs_;
  std::vector<uint64_t> consts_;
  std::map<std::tuple<uint64_t, uint64_t, bool>, uint32_t> const_index_;  // -> slot or kNoSlot
  uint32_t num_params_ = 0;  // parameter slots
  uint32_t num_results_ = 0;
  uint32_t locals_end_ = 0, const_base_ = 0, stack_base_ = 0, max_slot_ = 0;
  Iop last_op_ = Iop::kCount;
  size_t last_start_ = 0;
  size_t last_dst_height_ = kNone;
  std::string error_;
  size_t error_offset_ = kNoOffset;
  bool fuel_ = false, epoch_ = false;
  NanMode nan_mode_ = NanMode::kNone;
  size_t fuel_op_ = kNone;     // the current region's Fuel instruction
  size_t entry_fuel_op_ = kNone;  // the function entry's
  uint32_t fuel_count_ = 0;    // wasm instructions in the current region
  // Slot and width of each local (params first); the vectors are kept across the module's
  // functions so a function declaring 50,000 locals costs no allocation (and page faults).
  std::vector<uint32_t>& local_slot_;
  std::vector<bool>& local_wide_;
};

}  // namespace

Status TranslateModule(const ModuleDesc& m, std::span<const uint32_t> type_ids,
                       const VMOffsets& offsets, const Config& config,
                       std::vector<CompiledFunc>& out) {
  ModuleContext ctx = ModuleContext::Build(m);
  DecodeScratch scratch;
  interp::Translator::Scratch translate_scratch;
  out.clear();
  out.resize(m.functions.size());
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    Translator t(m, config, out[i], translate_scratch);
    t.type_ids_ = type_ids;
    t.offsets_ = offsets;
    NW_TRY(DecodeFunctionBody(ctx, i, t, scratch));
    if (!t.error().empty())
      return MakeError(t.error_offset() != kNoOffset ? t.error_offset() : m.functions[i].code_offset,
                       t.error());
    out[i].func_index = m.num_imported_funcs + i;
  }
  return Ok();
}

}  // namespace interp
}  // namespace nw

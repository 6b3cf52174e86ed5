// THE function-body decoder: one template that decodes and type-checks a function body (or a
// constant expression) and reports each validated instruction to a Consumer. The validator is
// the trivial consumer; the interpreter's translator is another; later tiers (JIT, LLVM) will be
// more. There is no other decoder of instruction streams in the project (the printer walks
// bytes with the same immediate readers, see instr_reader.h).
//
// ---------------------------------------------------------------------------------------------
// Consumer contract (stated as the concept BodyConsumer below):
//
//   void OnStart(const FuncType& sig, std::span<const ValType> locals)
//       Once, before the first instruction. `locals` = params followed by declared locals.
//
//   void OnInstr(const Instr& in, const DecoderView& st)
//       For EVERY instruction, reachable or not, after its immediates were decoded and it was
//       fully validated, but BEFORE its effect on the operand and control stacks is applied:
//         - st.Height() is the operand-stack height (number of values, whole function) before
//           the instruction; the instruction's operands are the top values.
//         - st.Unreachable() is true when the instruction is dead code (after br/return/
//           unreachable/br_table in the current block); types there may be kBottom.
//         - For `end` and `else` the frame being closed is st.Label(0).
//         - For br/br_if/br_table, st.Label(depth) describes the target.
//       The final `end` of the function is delivered too (st.ControlDepth() == 1 then).
//       The function's own frame (LabelKind::kFunction) has height 0, empty params (the
//       parameters are locals, not operands) and the function's results.
//
//   void OnEnd()
//       Once, after the final `end` validated.
//
// A consumer never sees an instruction that failed validation: if Decode() returns an error,
// whatever the consumer built must be discarded.
// ---------------------------------------------------------------------------------------------
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <vector>

#include "base/reader.h"
#include "base/result.h"
#include "format/limits.h"
#include "format/module.h"
#include "format/instr_reader.h"
#include "format/opcode.h"

namespace nw {

// Operand types in the validator: ValType plus kBottom (the unknown type of dead code).
enum class StackType : uint8_t {
  kI32 = 0x7f, kI64 = 0x7e, kF32 = 0x7d, kF64 = 0x7c, kV128 = 0x7b,
  kFuncRef = 0x70, kExternRef = 0x6f, kExnRef = 0x69, kBottom = 0x00,
};

// Block signature after resolving a blocktype immediate (empty, one value type, or type index).
struct BlockSig {
  std::span<const ValType> params;
  std::span<const ValType> results;
};

// One decoded instruction. Only the fields that its Imm kind uses are meaningful.
struct Instr {
  Opcode op = Opcode::kNop;
  size_t offset = 0;       // absolute offset of the opcode (prefix byte for prefixed ops)
  uint32_t index = 0;      // label depth, func/type/local/global/table/elem/data/tag index, lane
  uint32_t index2 = 0;     // call_indirect: table; table.copy: src table; table.init: table
  uint64_t value = 0;      // i32/i64 const (sign-extended, as bits), f32/f64 bits, memarg offset
  uint32_t align = 0;      // memarg alignment exponent
  uint32_t memory = 0;     // memory of a memarg / memory.*; memory.copy: dst (src: index2)
  BlockSig block;          // block/loop/if
  std::span<const uint32_t> targets;  // br_table: all targets, default last
  std::span<const CatchClause> catches;  // try_table (its block type is `block`)
  ValType type = ValType::kI32;       // select t (single type) / ref.null
  uint8_t bytes[16] = {};             // v128.const / i8x16.shuffle
};

enum class LabelKind : uint8_t { kFunction, kBlock, kLoop, kIf, kElse };

// What a consumer may ask about the decoder's state during OnInstr.
class DecoderView {
 public:
  virtual ~DecoderView() = default;  // queried at translation time only, never at run time
  virtual uint32_t Height() const = 0;
  virtual bool Unreachable() const = 0;
  virtual uint32_t ControlDepth() const = 0;   // number of open frames (function frame incl.)
  struct Label {
    LabelKind kind;
    uint32_t height;                        // operand height at frame entry (below params)
    BlockSig sig;                           // params / results of the block
    std::span<const ValType> branch_types;  // loop: params, else results
  };
  virtual Label GetLabel(uint32_t depth) const = 0;  // depth 0 = innermost
  virtual StackType TypeAt(uint32_t depth) const = 0;  // operand type, 0 = top
};

template <class C>
concept BodyConsumer = requires(C c, const FuncType& sig, std::span<const ValType> locals,
                                const Instr& in, const DecoderView& st) {
  c.OnStart(sig, locals);
  c.OnInstr(in, st);
  c.OnEnd();
};

// Limits (documented in docs/architecture.md; the robustness issue may tighten them).
inline constexpr uint32_t kMaxLocals = kMaxFunctionLocals;
inline constexpr uint32_t kMaxBlockDepth = 100000;

// Per-module context shared by all body decodes (built once; cheap index lookups).
struct ModuleContext {
  const ModuleDesc* module = nullptr;
  std::vector<uint32_t> func_types;      // type index per function (imports first)
  std::vector<GlobalType> global_types;  // imports first
  std::vector<TableType> table_types;
  std::vector<uint32_t> tag_types;       // type index per tag (imports first)
  uint32_t num_memories = 0;
  std::vector<bool> declared_funcs;      // functions that may be used by ref.func in bodies
  static ModuleContext Build(const ModuleDesc& m);
};

// Validate and deliver one function body. Defined in body_decoder_impl.h, instantiated by
// each consumer's translation unit. body_decoder_impl.h also offers an overload taking a
// DecodeScratch, which keeps the decoder's stacks allocated across functions.
template <BodyConsumer C>
Status DecodeFunctionBody(const ModuleContext& ctx, uint32_t defined_func_index, C& consumer);

// Trivial consumer: validation only.
struct NullConsumer {
  void OnStart(const FuncType&, std::span<const ValType>) {}
  void OnInstr(const Instr&, const DecoderView&) {}
  void OnEnd() {}
};

}  // namespace nw

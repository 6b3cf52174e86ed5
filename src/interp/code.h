// The interpreter's code format, shared by the translator and the handlers.
//
// An instruction is a handler address (8 bytes) followed by its u32 operands, padded to a
// multiple of 8 bytes. Slot operands are byte offsets from the frame pointer; branch operands
// are byte offsets relative to the start of the branching instruction. Handlers have one
// signature and end in a tail call of the next instruction's handler (direct threading): no
// central loop, no decoding at run time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/opcode.h"
#include "interp/state.h"

namespace nw::interp {

#define NW_HANDLER_CC __attribute__((preserve_none))

// ip: current instruction; fp: frame; mem/msz: memory 0 base and size in bytes of the running
// instance; ctx: the store's execution context. Returns a Status at the end of the chain.
using Handler = NW_HANDLER_CC uint64_t (*)(const uint8_t* ip, uint64_t* fp, uint8_t* mem,
                                           uint64_t msz, ExecCtx* ctx);

enum : uint64_t { kExitDone = 0, kExitTrap = 1 };

enum class Iop : uint16_t {
#define NW_IOP_ANY(Name) k##Name,
#define NW_IOP_CMP(Name, T, expr) k##Name, kBrIf##Name, kBrUnless##Name,
#include "interp/ops.def"
#undef NW_IOP_ANY
  kCount
};

extern const Handler kHandlers[static_cast<size_t>(Iop::kCount)];
extern const uint8_t kOperandCounts[static_cast<size_t>(Iop::kCount)];
const char* IopName(Iop op);

inline constexpr size_t InstrBytes(uint32_t operands) { return 8 + ((operands * 4 + 7) & ~7u); }

// SIMD operations: one handler per opcode of format/simd_opcodes.def (simd_handlers.cc), which
// follow the Opcode enumeration contiguously from v128.load. Operand layout, in u32 units:
//   [dst slot, if the opcode has a result] [one slot per stack operand, bottom first]
//   [memarg offset] [lane index] [16 shuffle bytes = 4 units]
// (v128.const has no handler: constants live in frame slots.)
inline constexpr size_t kFirstSimdOpcode = static_cast<size_t>(Opcode::kV128Load);
inline constexpr size_t kNumSimdOpcodes = static_cast<size_t>(Opcode::kCount) - kFirstSimdOpcode;
extern const Handler kSimdHandlers[kNumSimdOpcodes];

constexpr uint32_t SimdOperandCount(Imm imm, uint32_t stack_operands, bool has_result) {
  uint32_t n = stack_operands + (has_result ? 1 : 0);
  if (imm == Imm::MemArg) n += 1;
  if (imm == Imm::Lane) n += 1;
  if (imm == Imm::MemArgLane) n += 2;
  if (imm == Imm::Shuffle) n += 4;
  return n;
}

}  // namespace nw::interp

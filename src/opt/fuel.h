// Fuel accounting of the opt tier: where compiled code charges fuel and how much, computed so
// that it is the interpreter's charge (src/interp/translate.cc) unit for unit. The interpreter
// starts a region at the function entry, after each live `loop`, `else` and non-function `end`
// (a frame opened in live code), and charges at the region's start the number of live wasm
// instructions up to the next region start; the entry region also pays one unit per 8 frame
// slots the interpreter initialises (declared locals and result slots beyond the parameters,
// plus the constants of its constant area: up to 64 distinct slot values in first-use order).
// Mirroring that here makes fuel an observable the two tiers agree on: the same charges at the
// same points, so the same "all fuel consumed" trap before the same side effects and the same
// fuel left afterwards. The trap's offset is the one the interpreter reports (the last live
// instruction at the region's start; 0 at the entry).
// Not here: the IR the charge becomes (func_gen.cc) and bulk operations' charges by size
// (runtime/builtins.cc, the same rate as interp/builtins.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "format/module.h"
#include "runtime/vm.h"
#include "validate/body_decoder.h"

namespace nw::opt {

class FuelRegions {
 public:
  void Start(const FuncType& sig, std::span<const ValType> locals) {
    size_t slots = 0;
    for (ValType t : locals) slots += SlotWidth(t);
    zero_slots_ = std::max(slots, SlotCount(sig.results)) - SlotCount(sig.params);
    frame_dead_.assign(1, false);
    consts_.clear();
    const_slots_ = 0;
    count_ = 0;
    last_offset_ = 0;
  }

  // Called for every instruction before it is generated. True when a region starts after it
  // (the caller ends the current region and charges the next one there).
  bool OnInstr(const Instr& in, const DecoderView& st) {
    const bool live = !st.Unreachable() && !frame_dead_.back();
    if (live) {
      ++count_;
      last_offset_ = in.offset;
      CountConst(in);
    }
    switch (in.op) {
      case Opcode::kBlock:
      case Opcode::kIf:
        frame_dead_.push_back(!live);
        return false;
      case Opcode::kLoop:
        frame_dead_.push_back(!live);
        return live;
      case Opcode::kElse:
        return !frame_dead_.back();
      case Opcode::kEnd: {
        const bool dead = frame_dead_.back();
        frame_dead_.pop_back();
        return !dead && !frame_dead_.empty();  // the function's own end starts nothing
      }
      default:
        return false;
    }
  }

  // The live instructions counted since the last call (the region that just ended).
  uint64_t TakeCount() { return std::exchange(count_, 0); }
  // The wasm offset the interpreter reports for a fuel trap at the region starting now.
  size_t RegionOffset() const { return last_offset_; }
  // What the entry region pays on top of its instructions (known once the body is done).
  uint64_t EntryExtra() const { return (zero_slots_ + const_slots_) / 8; }

 private:
  static constexpr size_t kMaxConstSlots = 64;  // interp/translate.cc

  void CountConst(const Instr& in) {
    uint64_t lo = 0, hi = 0;
    bool wide = false;
    switch (in.op) {
      case Opcode::kI32Const:
      case Opcode::kF32Const: lo = static_cast<uint32_t>(in.value); break;
      case Opcode::kI64Const:
      case Opcode::kF64Const: lo = in.value; break;
      case Opcode::kRefNull: break;
      case Opcode::kV128Const:
        std::memcpy(&lo, in.bytes, 8);
        std::memcpy(&hi, in.bytes + 8, 8);
        wide = true;
        break;
      default: return;
    }
    // A value gets a slot on first use if the area has room; either way it is never retried.
    auto [it, added] = consts_.try_emplace(std::make_tuple(lo, hi, wide), true);
    const size_t width = wide ? 2 : 1;
    if (added && const_slots_ + width <= kMaxConstSlots) const_slots_ += width;
  }

  std::vector<bool> frame_dead_;  // per open frame: opened in dead code (nothing counts inside)
  std::map<std::tuple<uint64_t, uint64_t, bool>, bool> consts_;
  size_t zero_slots_ = 0, const_slots_ = 0;
  uint64_t count_ = 0;
  size_t last_offset_ = 0;
};

}  // namespace nw::opt

// The interpreter's own state, private to src/interp: the translated code of a function
// (CompiledFunc), the call-frame stack (CallFrame) and the per-store execution context the
// handlers keep in a register (ExecCtx, which extends the runtime's StoreContext). The runtime
// sees none of this: it holds a CompiledFunc only as the opaque `code` of a FuncEntry and an
// ExecCtx only as its StoreContext (runtime/tier.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <vector>

#include "runtime/vm.h"

namespace nw::interp {

// One catch clause of a try_table (exception handling), for the unwinder: a throw at a code
// position in [begin, end) whose exception matches lands at `pad` with the tag's payload (and
// the exnref for the _ref forms) written to frame slots from byte offset `slot` on. A
// function's entries are ordered innermost try_table first, clauses in their order.
struct CatchEntry {
  uint32_t begin = 0, end = 0;  // byte positions in CompiledFunc::code
  uint32_t pad = 0;             // byte position of the landing pad
  uint32_t slot = 0;            // byte offset in the frame
  uint32_t tag = 0;             // the module's tag index (kCatch / kCatchRef)
  uint8_t kind = 0;             // CatchClause::Kind
};

// The interpreter's code for one defined function (filled by translate.cc).
struct CompiledFunc {
  std::vector<uint64_t> code;  // handler words + operands; the entry is code.data()
  uint32_t num_params = 0;     // slots holding the arguments (frame slots 0..)
  uint32_t num_results = 0;
  uint32_t frame_slots = 0;    // slots the frame needs, from fp (args, locals, consts, stack)
  // Frame entry: slots [num_params, num_params + zero_slots) (declared locals and the rest of
  // the result region) are zeroed, then the function's constants are copied from `init` to
  // the slots that follow. Both are done two slots at a time: an odd zero region spills one
  // zero into the first constant slot (written next), and `init` is padded to an even length
  // (the padding lands in the first stack slot, which is scratch at entry). Locals cost no
  // memory here: a function declaring 50,000 locals keeps only its constants.
  uint32_t zero_slots = 0;
  uint32_t zero_pairs = 0;  // (zero_slots + 1) / 2
  std::vector<uint64_t> init;
  uint32_t init_pairs = 0;  // init.size() / 2
  uint32_t func_index = 0;  // in the module's function index space
  std::vector<CatchEntry> catches;  // read only when an exception unwinds through this function
  // Where each stretch of code came from: (byte position in `code`, byte offset of the wasm
  // instruction in the module), ascending; for backtraces only.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  // The module offset of the wasm instruction whose code contains byte position `pos`.
  size_t WasmOffsetAt(size_t pos) const {
    auto it = std::upper_bound(offsets.begin(), offsets.end(), pos,
                               [](size_t p, const auto& e) { return p < e.first; });
    return it == offsets.begin() ? 0 : std::prev(it)->second;
  }
};

// The CompiledFunc of a wasm function (its FuncEntry::code); null for host functions.
inline const CompiledFunc* CodeOf(const FuncObj* f) {
  return static_cast<const CompiledFunc*>(f->f.code);
}

// A wasm activation on the call-frame stack. The entry activation has ret_ip == nullptr.
struct CallFrame {
  const uint8_t* ret_ip;  // where the caller continues
  uint64_t* fp;           // the caller's frame
  FuncObj* func;          // the function running in this activation
};

// The per-store execution context: the handlers' `ctx` register. The StoreContext part (fuel,
// epoch deadline, limits) is the runtime's; the rest is the interpreter's.
struct ExecCtx : StoreContext {
  // Cache of the running instance (switched on cross-instance calls and returns).
  InstanceObj* inst = nullptr;
  FuncObj* const* funcs = nullptr;
  uint8_t* vmctx = nullptr;  // its VMContext (runtime/vm_offsets.h): globals, memory 0
  const VMMemoryDefinition* mem0_def = nullptr;  // memory 0's base and bound, from vmctx
  TableObj* const* tables = nullptr;
  MemoryObj* mem0 = nullptr;  // memory 0 as an object (grow, bulk operations)
  CallFrame* cf = nullptr;        // innermost activation
  CallFrame* cf_limit = nullptr;  // one past the last usable entry
  uint64_t* stack_end = nullptr;
  uint64_t* sp = nullptr;         // first free slot for a new entry from the host
  TrapKind trap_kind = TrapKind::kUnreachable;
  uint32_t trap_index = 0;        // kUninitializedElement: the table index (in the message)
  const uint8_t* trap_ip = nullptr;  // the instruction that trapped
  bool host_trapped = false;
  Trap host_trap;                 // set when a host function failed
  // The exception being thrown (exception handling); after an uncaught one left an entry
  // (trap kind kException), the exception that did, so that a wasm caller of the host
  // function that entered wasm can catch it when the host passes the trap on.
  ExnObj* pending_exn = nullptr;
  // Storage.
  std::unique_ptr<CallFrame[]> frames;
  uint64_t* stack_base = nullptr;
  size_t stack_bytes = 0;
};

// The store's context; valid only in stores whose engine runs the interpreter (instantiation
// refuses modules of another tier, so every wasm function in such a store is interpreted).
inline ExecCtx* ExecCtxOf(Store& store) { return static_cast<ExecCtx*>(store.impl().ctx); }

// Sets up a store's execution context (value stack, call-frame stack) from the engine config;
// the stack memory is released by FreeExecCtx. (Tier::NewStoreContext / DeleteStoreContext.)
void InitExecCtx(ExecCtx& ctx, const Config& config);
void FreeExecCtx(ExecCtx& ctx);

}  // namespace nw::interp

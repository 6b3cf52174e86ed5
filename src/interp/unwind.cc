// Exception handling in the interpreter (Features::exceptions): making an exception for
// `throw` and finding the catch clause that takes it. Runs only when something throws; the
// non-throwing path has no check for it (try_table's clauses live in a per-function table,
// CompiledFunc::catches, read here and nowhere else).
//
// Traps are not exceptions: they never come here (the spec's try_table catches no trap).
#include <algorithm>

#include "format/instr_reader.h"
#include "interp/builtins.h"

namespace nw::interp {

ExnObj* NewException(ExecCtx* ctx, uint32_t tag, const uint64_t* payload, uint32_t slots,
                     const uint64_t* fp) {
  // The live value stack of the store: every activation's frames lie below the running one's
  // end (nested host -> wasm entries start above their caller's values).
  const uint64_t* top = fp + CodeOf(ctx->cf->func)->frame_slots;
  std::span<const uint64_t> roots(ctx->stack_base, static_cast<size_t>(top - ctx->stack_base));
  return NewExnObj(*ctx->store, ctx->inst->tags[tag], std::span(payload, slots), roots,
                   ctx->pending_exn);
}

bool FindHandler(ExecCtx* ctx, const uint8_t*& ip, uint64_t*& fp) {
  const ExnObj* exn = ctx->pending_exn;
  CallFrame* cf = ctx->cf;
  const uint8_t* at = ip;
  uint64_t* frame = fp;
  for (;;) {
    FuncObj* f = cf->func;
    const CompiledFunc* c = CodeOf(f);
    const auto* code = reinterpret_cast<const uint8_t*>(c->code.data());
    const auto pos = static_cast<uint32_t>(at - code);
    for (const CatchEntry& e : c->catches) {
      if (pos < e.begin || pos >= e.end) continue;
      const bool tagged = e.kind == CatchClause::kCatch || e.kind == CatchClause::kCatchRef;
      if (tagged && f->f.instance->tags[e.tag] != exn->tag) continue;
      uint64_t* dst = frame + e.slot / 8;
      if (tagged) dst = std::copy(exn->payload.begin(), exn->payload.end(), dst);
      if (e.kind == CatchClause::kCatchRef || e.kind == CatchClause::kCatchAllRef)
        *dst = reinterpret_cast<uint64_t>(exn);
      ctx->cf = cf;
      if (f->f.instance != ctx->inst) SwitchInstance(ctx, f->f.instance);
      ip = code + e.pad;
      fp = frame;
      return true;
    }
    // Not caught in this function: on to its caller, unless it is the entry from the host.
    if (cf->ret_ip == nullptr) return false;
    at = cf->ret_ip - 1;  // inside the call instruction
    frame = cf->fp;
    --cf;
  }
}

}  // namespace nw::interp

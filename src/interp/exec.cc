// Entering and leaving the interpreter: the per-store execution context (value stack and
// call-frame stack), calls from the host into wasm (Invoke, the tier's ArrayCall), calls from
// wasm into host functions (CallHost), instance switching on cross-instance calls, and turning
// a trap into a Trap value with a backtrace. Nothing here runs per instruction.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "interp/builtins.h"
#include "interp/code.h"
#include "interp/interp.h"

namespace nw::interp {

void InitExecCtx(ExecCtx& ctx, const Config& config) {
  size_t depth = std::max<uint32_t>(config.max_call_depth, 16);
  // Default-initialized (not zeroed): a large block comes fresh from the kernel, so only the
  // frames a call stack reaches become resident (20,001 frames were 480 KB per store).
  ctx.frames.reset(new CallFrame[depth + 1]);
  ctx.cf = ctx.frames.get();  // frames[0] is a sentinel below the first entry
  ctx.cf->ret_ip = nullptr;
  ctx.cf->fp = nullptr;
  ctx.cf->func = nullptr;
  ctx.cf_limit = ctx.frames.get() + depth + 1;
  size_t slots = std::max<size_t>(config.value_stack_slots, 1024);
  ctx.stack_bytes = slots * 8;
  // Reserved lazily: only the pages a guest's frames touch become resident.
  void* p = mmap(nullptr, ctx.stack_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    ctx.stack_base = nullptr;
    ctx.stack_bytes = 0;
    ctx.sp = ctx.stack_end = nullptr;
    // No value stack: every entry fails Invoke's call-depth check (stack exhausted), so the
    // entry need not test the stack pointer for null.
    ctx.cf_limit = ctx.cf + 1;
    return;
  }
  ctx.stack_base = static_cast<uint64_t*>(p);
  ctx.sp = ctx.stack_base;
  ctx.stack_end = ctx.stack_base + slots;
}

void FreeExecCtx(ExecCtx& ctx) {
  if (ctx.stack_base != nullptr) munmap(ctx.stack_base, ctx.stack_bytes);
  ctx.stack_base = ctx.sp = ctx.stack_end = nullptr;
  ctx.frames.reset();
}

void SwitchInstance(ExecCtx* ctx, InstanceObj* inst) {
  ctx->inst = inst;
  ctx->funcs = inst->funcs.data();
  ctx->vmctx = inst->vmctx;
  std::memcpy(&ctx->mem0_def, inst->vmctx + VMOffsets::memory(0), sizeof ctx->mem0_def);
  ctx->tables = inst->tables.data();
  ctx->mem0 = inst->mem0;
}

bool CallHost(ExecCtx* ctx, FuncObj* f, uint64_t* args) {
  // A host function may call back into wasm: new entries start above this frame's values.
  uint64_t* saved_sp = ctx->sp;
  CallFrame* saved_cf = ctx->cf;
  InstanceObj* saved_inst = ctx->inst;
  ctx->sp = args + f->f.host_slots;
  ctx->pending_exn = nullptr;  // only an exception of an entry this host call makes passes on
  // A raw host function (a component's fused adapter) is called here directly.
  TrapResult<void> r = f->f.raw_host != nullptr
                           ? CallRawHostFunc(*ctx->store, saved_inst, f, args)
                           : CallHostFunc(*ctx->store, saved_inst, f, args);
  ctx->sp = saved_sp;
  ctx->cf = saved_cf;
  if (saved_inst != nullptr && ctx->inst != saved_inst) SwitchInstance(ctx, saved_inst);
  if (!r) {
    ctx->host_trapped = true;
    ctx->host_trap = std::move(r.error());
    ctx->trap_kind = ctx->host_trap.kind;
    return false;
  }
  return true;
}

namespace {

[[gnu::cold, gnu::noinline]] TrapResult<void> StackExhausted(FuncObj* f) {
  Trap t{TrapKind::kStackExhausted, std::string(TrapKindMessage(TrapKind::kStackExhausted)),
         {MakeFrame(f)}, 0};
  return std::unexpected(std::move(t));
}

// The trap of an activation that did not finish: the host function's trap, or the trap of the
// instruction, with the activation's wasm frames.
[[gnu::cold, gnu::noinline]] Trap ActivationTrap(ExecCtx* ctx, CallFrame* entry) {
  Trap t;
  if (ctx->host_trapped) {
    t = std::move(ctx->host_trap);
    ctx->host_trapped = false;
  } else {
    t.kind = ctx->trap_kind;
    t.message = std::string(TrapKindMessage(t.kind));
    if (t.kind == TrapKind::kUninitializedElement)
      t.message += " " + std::to_string(ctx->trap_index);
  }
  // Wasm frames of this activation, innermost first, appended below any frames the trap
  // already carries (from a nested activation inside a host call).
  // The innermost frame trapped at ctx->trap_ip; each caller is just after its call
  // (the callee frame's ret_ip), so ret_ip - 1 lies inside the call instruction.
  // (A failing host call traps at its call instruction, which is what trap_ip then holds.)
  // Frames are reached by index (the call-frame stack is an array), so only the frames the
  // bounded backtrace keeps are made, whatever the depth.
  CallFrame* const innermost = ctx->cf;
  const uint8_t* const trap_ip = ctx->trap_ip;
  AppendOuterFrames(t, static_cast<size_t>(innermost - entry) + 1, [&](size_t i) {
    CallFrame* cf = innermost - i;
    const uint8_t* ip = trap_ip;
    if (i != 0) ip = (cf + 1)->ret_ip != nullptr ? (cf + 1)->ret_ip - 1 : nullptr;
    return MakeFrame(cf->func, reinterpret_cast<uintptr_t>(ip));
  });
  return t;
}

}  // namespace

// Entered from the host, and again from host functions wasm called (a component's adapter
// calls realloc and the callee core function this way on every crossing): the frame set-up of
// NW_ENTER (handlers.cc) with the trap path out of line.
TrapResult<void> Invoke(Store& store, FuncObj* f, std::span<const uint64_t> args,
                        std::span<uint64_t> results) {
  ExecCtx* ctx = ExecCtxOf(store);
  const CompiledFunc* c = CodeOf(f);
  uint64_t* fp = ctx->sp;
  // The frame covers the results (the translator puts the result region below the locals'
  // end, so frame_slots > num_results, which is results.size() by the ArrayCall contract); a
  // context without a value stack has cf_limit == cf + 1 (InitExecCtx).
  if (ctx->cf + 1 >= ctx->cf_limit || fp + c->frame_slots > ctx->stack_end) [[unlikely]]
    return StackExhausted(f);
  {
    // Two slots at a time, as the frame's constants below.
    const uint64_t* a = args.data();
    const size_t n = args.size();
#pragma clang loop vectorize(disable) unroll(disable)
    for (size_t i = 0; i + 1 < n; i += 2) std::memcpy(fp + i, a + i, 16);
    if (n & 1) fp[n - 1] = a[n - 1];
  }
  {
    uint64_t* dst = fp + c->num_params;
    static constexpr uint64_t kZero2[2] = {0, 0};
#pragma clang loop vectorize(disable) unroll(disable)
    for (uint32_t i = 0, n = c->zero_pairs; i < n; ++i) std::memcpy(dst + 2 * i, kZero2, 16);
    dst += c->zero_slots;
    const uint64_t* src = c->init.data();
#pragma clang loop vectorize(disable) unroll(disable)
    for (uint32_t i = 0, n = c->init_pairs; i < n; ++i) std::memcpy(dst + 2 * i, src + 2 * i, 16);
  }

  CallFrame* entry = ctx->cf + 1;
  entry->ret_ip = nullptr;
  entry->fp = fp;
  entry->func = f;
  CallFrame* saved_cf = ctx->cf;
  InstanceObj* saved_inst = ctx->inst;
  ctx->cf = entry;
  // The cached instance state depends only on the instance (its function, table and memory
  // definitions never move), so a nested call into the running instance keeps it.
  if (f->f.instance != saved_inst) SwitchInstance(ctx, f->f.instance);
  ctx->host_trapped = false;

  const uint8_t* ip = reinterpret_cast<const uint8_t*>(c->code.data());
  Handler h = *reinterpret_cast<const Handler*>(ip);
  uint64_t exit = h(ip, fp, ctx->mem0_def->base, ctx->mem0_def->length, ctx);

  if (exit != kExitDone) [[unlikely]] {
    Trap t = ActivationTrap(ctx, entry);
    ctx->cf = saved_cf;
    if (saved_inst != nullptr) SwitchInstance(ctx, saved_inst);
    else ctx->inst = nullptr;
    return std::unexpected(std::move(t));
  }
#pragma clang loop vectorize(disable) unroll(disable)
  for (size_t i = 0; i < results.size(); ++i) results[i] = fp[i];
  ctx->cf = saved_cf;
  // A nested entry (from a host function wasm called) leaves the callee's instance cached:
  // CallHost switches back when the host function returns, so a host function making several
  // entries into one instance (a component adapter's realloc and callee) switches once.
  if (saved_inst == nullptr) ctx->inst = nullptr;
  return {};
}

}  // namespace nw::interp

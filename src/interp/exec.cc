// Entering and leaving the interpreter: the per-store execution context (value stack and
// call-frame stack), calls from the host into wasm (InvokeWords), calls from wasm into host
// functions (CallHost), instance switching on cross-instance calls, and turning a trap into a
// Trap value with a backtrace. Nothing here runs per instruction.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "base/inline_buffer.h"
#include "interp/builtins.h"
#include "interp/code.h"
#include "interp/interp.h"

namespace nw {
namespace {

// Host functions with at most this many params/results convert their values on the C++
// stack; more goes through a heap vector (rare: wasm→host calls stay allocation-free).
constexpr size_t kInlineVals = 16;

// `ip` is a position inside f's code (the trapping instruction, or just after a call).
Frame MakeFrame(const FuncObj* f, const uint8_t* ip = nullptr) {
  Frame fr;
  fr.func_index = f->f.func_index;
  if (ip != nullptr && f->f.code != nullptr) {
    const auto* base = reinterpret_cast<const uint8_t*>(f->f.code->code.data());
    size_t end = f->f.code->code.size() * 8;
    if (ip >= base && ip < base + end) fr.code_offset = f->f.code->WasmOffsetAt(ip - base);
  }
  if (f->f.instance != nullptr) {
    const ModuleDesc& d = f->f.instance->module->desc();
    fr.func_name = d.FuncName(f->f.func_index);
    if (fr.func_name.size() > Trap::kMaxFrameNameBytes) {
      fr.func_name.resize(Trap::kMaxFrameNameBytes);
      fr.func_name += "\u2026";
    }
    size_t defined = f->f.func_index - d.num_imported_funcs;
    if (fr.code_offset != 0 && f->f.func_index >= d.num_imported_funcs &&
        defined < d.functions.size() && d.functions[defined].start_offset != 0 &&
        fr.code_offset >= d.functions[defined].start_offset)
      fr.func_offset = fr.code_offset - d.functions[defined].start_offset;
    if (d.names.module) fr.module_name = *d.names.module;
  } else {
    fr.func_name = "<host>";
  }
  return fr;
}

}  // namespace

void InitExecCtx(ExecCtx& ctx, Store& store, const Config& config) {
  ctx.store = &store;
  ctx.consume_fuel = config.consume_fuel;
  ctx.epoch_interruption = config.epoch_interruption;
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

namespace interp {

void SwitchInstance(ExecCtx* ctx, InstanceObj* inst) {
  ctx->inst = inst;
  ctx->funcs = inst->funcs.data();
  ctx->globals = inst->globals.data();
  ctx->tables = inst->tables.data();
  ctx->mem0 = inst->mem0;
}

bool CallHost(ExecCtx* ctx, FuncObj* f, uint64_t* args) {
  const FuncType& type = *f->f.type;
  size_t np = type.params.size(), nr = type.results.size();
  InlineBuffer<Val, 2 * kInlineVals> vals(np + nr);
  Val* params = vals.data();
  Val* results = vals.data() + np;
  size_t slot = 0;
  for (size_t i = 0; i < np; ++i) {
    params[i] = SlotsToVal(type.params[i], args + slot);
    slot += SlotWidth(type.params[i]);
  }
  for (size_t i = 0; i < nr; ++i) results[i] = Val::Default(type.results[i]);

  // A host function may call back into wasm: new entries start above this frame's values.
  uint64_t* saved_sp = ctx->sp;
  CallFrame* saved_cf = ctx->cf;
  InstanceObj* saved_inst = ctx->inst;
  ctx->sp = args + std::max(SlotCount(type.params), SlotCount(type.results));
  Caller caller(*ctx->store, saved_inst);
  TrapResult<void> r;
  // No exception may unwind through the interpreter's frames: a host function that throws
  // (std::bad_alloc from an allocation a guest asked for, or anything else) traps instead.
  try {
    r = f->f.host(caller, std::span<const Val>(params, np), std::span<Val>(results, nr));
  } catch (const std::bad_alloc&) {
    r = std::unexpected(MakeHostTrap("host function ran out of memory"));
  } catch (...) {
    r = std::unexpected(MakeHostTrap("host function threw an exception"));
  }
  ctx->sp = saved_sp;
  ctx->cf = saved_cf;
  if (saved_inst != nullptr && ctx->inst != saved_inst) SwitchInstance(ctx, saved_inst);
  if (!r) {
    ctx->host_trapped = true;
    ctx->host_trap = std::move(r.error());
    ctx->trap_kind = ctx->host_trap.kind;
    return false;
  }
  slot = 0;
  for (size_t i = 0; i < nr; ++i) {
    if (results[i].type != type.results[i]) {
      ctx->host_trapped = true;
      ctx->host_trap = Trap{TrapKind::kHostError, "host function returned a value of the wrong type",
                            {}, 0};
      ctx->trap_kind = TrapKind::kHostError;
      return false;
    }
    slot += ValToSlots(results[i], args + slot);
  }
  return true;
}

}  // namespace interp

TrapResult<void> InvokeWords(Store& store, FuncObj* f, std::span<const uint64_t> args,
                             std::span<uint64_t> results) {
  ExecCtx* ctx = &store.impl().exec;
  if (f->f.code == nullptr) {
    // A host function called from the host: no wasm frame involved.
    InlineBuffer<uint64_t, kInlineVals> buf(std::max(args.size(), results.size()));
    uint64_t* words = buf.data();
    std::copy(args.begin(), args.end(), words);
    ctx->host_trapped = false;
    if (!interp::CallHost(ctx, f, words)) {
      ctx->host_trapped = false;
      return std::unexpected(std::move(ctx->host_trap));
    }
    std::copy(words, words + results.size(), results.begin());
    return {};
  }

  const CompiledFunc* c = f->f.code;
  uint64_t* fp = ctx->sp;
  if (fp == nullptr || ctx->cf + 1 >= ctx->cf_limit ||
      fp + std::max<size_t>(c->frame_slots, results.size()) > ctx->stack_end) {
    Trap t{TrapKind::kStackExhausted, std::string(TrapKindMessage(TrapKind::kStackExhausted)),
           {MakeFrame(f)}, 0};
    return std::unexpected(std::move(t));
  }
  std::copy(args.begin(), args.end(), fp);
  std::fill_n(fp + c->num_params, 2 * size_t{c->zero_pairs}, 0);
  std::copy(c->init.begin(), c->init.end(), fp + c->num_params + c->zero_slots);

  CallFrame* entry = ctx->cf + 1;
  entry->ret_ip = nullptr;
  entry->fp = fp;
  entry->func = f;
  CallFrame* saved_cf = ctx->cf;
  InstanceObj* saved_inst = ctx->inst;
  ctx->cf = entry;
  interp::SwitchInstance(ctx, f->f.instance);
  ctx->host_trapped = false;

  const uint8_t* ip = reinterpret_cast<const uint8_t*>(c->code.data());
  interp::Handler h = *reinterpret_cast<const interp::Handler*>(ip);
  uint64_t exit = h(ip, fp, ctx->mem0->data_, ctx->mem0->size_, ctx);

  TrapResult<void> out;
  if (exit == interp::kExitDone) {
    std::copy(fp, fp + results.size(), results.begin());
  } else {
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
      return MakeFrame(cf->func, ip);
    });
    out = std::unexpected(std::move(t));
  }
  ctx->cf = saved_cf;
  if (saved_inst != nullptr) interp::SwitchInstance(ctx, saved_inst);
  else ctx->inst = nullptr;
  return out;
}

}  // namespace nw

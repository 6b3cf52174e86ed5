// Running the opt tier's compiled code (opt_tier.h): OptCode, host→wasm entry (OptInvoke),
// trap unwinding, backtraces from frame-pointer chains, and the SIGSEGV/SIGBUS handler of
// guard-region memories. No LLVM here.
//
// Unwinding: every entry from the host (OptInvoke) pushes an Activation on a thread-local
// list and calls the array trampoline through nw_opt_enter, which saves the callee-saved
// registers on its own frame and records its stack pointer in the activation. A trap inside
// compiled code reaches StoreContext::unwind (from the Trap builtin or another builtin) or the
// signal handler, which records the compiled frames' return addresses (the rbp chain; compiled
// code keeps frame pointers) and resumes the innermost activation (nw_opt_resume: back on
// nw_opt_enter's frame, which returns 1 with the registers it saved). Nothing between holds
// resources: compiled frames own none, and builtins raise only at their outermost scope. Every
// entry, a nested one from a host function included, is its own activation: a trap in a
// nested entry returns to the host function that made it, as that entry's TrapResult.
//
// The signal handler acts only when the faulting pc lies in compiled code and an activation
// is live on the thread; any other fault goes to the handler that was installed before (or
// the default action), so the host's own crashes stay crashes.
#include <pthread.h>
#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "base/inline_buffer.h"
#include "base/stack.h"
#include "opt/opt_tier.h"
#include "runtime/vm.h"

namespace nw::opt {
namespace {

// ---- compiled-code registry (read by the signal handler: lock-free) ---------------------------

class OptCode;

struct CodeSlot {
  std::atomic<uintptr_t> begin{0}, end{0};
  std::atomic<const OptCode*> owner{nullptr};
};
constexpr size_t kMaxCodeSlots = 1 << 14;
CodeSlot g_slots[kMaxCodeSlots];
std::atomic<size_t> g_slots_used{0};  // slots [0, used) have ever been taken
std::mutex g_slots_mu;                // writers only

const OptCode* OwnerOf(uintptr_t pc) {
  const size_t used = g_slots_used.load(std::memory_order_acquire);
  for (size_t i = 0; i < used; ++i) {
    CodeSlot& s = g_slots[i];
    const OptCode* o = s.owner.load(std::memory_order_acquire);
    if (o && pc >= s.begin.load(std::memory_order_relaxed) &&
        pc < s.end.load(std::memory_order_relaxed))
      return o;
  }
  return nullptr;
}

// ---- the code of one module ------------------------------------------------------------------

using ArrayFn = void (*)(uint8_t* vmctx, uint64_t* words);

// A non-null `code` for defined functions that no funcref can reach (internal to the object):
// the runtime treats code == nullptr as a host function, and nothing calls through this.
const uint8_t kUnreachableEntry = 0;

TrapResult<void> OptInvoke(Store& store, FuncObj* f, std::span<const uint64_t> args,
                           std::span<uint64_t> results);

class OptCode final : public CompiledCode {
 public:
  // `identity`: the CompiledCode the module holds (this one, or the TieredOptCode of which
  // this is a tier): what backtraces compare with an instance's module.
  OptCode(const ModuleDesc& desc, std::unique_ptr<LoadedCode> code, CodeOffsetMaps maps,
          const CompiledCode* identity = nullptr)
      : code_(std::move(code)), maps_(std::move(maps)), num_imported_(desc.num_imported_funcs),
        identity_(identity ? identity : this) {
    const uint32_t n = static_cast<uint32_t>(desc.functions.size());
    entries_.resize(n);
    arrays_.resize(n);
    stubs_.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t index = desc.num_imported_funcs + i;
      entries_[i] = code_->Symbol(kFuncSymbolPrefix + std::to_string(index));
      arrays_[i] = reinterpret_cast<ArrayFn>(
          const_cast<void*>(code_->Symbol(kArraySymbolPrefix + std::to_string(index))));
      stubs_[i] = code_->Symbol(kStubSymbolPrefix + std::to_string(index));  // first tiers
    }
    std::lock_guard<std::mutex> lock(g_slots_mu);
    for (size_t i = 0; i < kMaxCodeSlots; ++i) {
      CodeSlot& s = g_slots[i];
      if (s.owner.load(std::memory_order_relaxed) != nullptr) continue;
      s.begin.store(code_->code_begin(), std::memory_order_relaxed);
      s.end.store(code_->code_end(), std::memory_order_relaxed);
      s.owner.store(this, std::memory_order_release);
      if (i + 1 > g_slots_used.load(std::memory_order_relaxed))
        g_slots_used.store(i + 1, std::memory_order_release);
      slot_ = &s;
      break;
    }
  }
  ~OptCode() override {
    if (slot_) {
      std::lock_guard<std::mutex> lock(g_slots_mu);
      slot_->owner.store(nullptr, std::memory_order_release);
    }
  }
  bool registered() const { return slot_ != nullptr; }

  FuncEntry Entry(uint32_t defined_index) const override {
    // A first tier's function objects hold the stub, which follows the entry pointer.
    const void* code = stubs_[defined_index] ? stubs_[defined_index] : entries_[defined_index];
    // array_data: the array trampoline, which OptInvoke calls (null: none, OptInvoke traps).
    return {&OptInvoke, code != nullptr ? code : &kUnreachableEntry,
            reinterpret_cast<const void*>(arrays_[defined_index])};
  }
  // From the code -> wasm offset maps (code_map.h): the offset in the function itself (for
  // code inlined into it, the call's).
  std::optional<size_t> WasmOffsetAt(uint32_t defined_index, uintptr_t pc) const override {
    if (defined_index >= entries_.size() || entries_[defined_index] == nullptr) return std::nullopt;
    const auto entry = reinterpret_cast<uintptr_t>(entries_[defined_index]);
    if (pc < entry) return std::nullopt;
    return maps_.Lookup(defined_index, pc - entry);
  }
  // The logical frames at `pc` of defined function `defined_index`, innermost first:
  // emit(module function index, wasm offset or 0), inlined functions' frames included.
  template <class Emit>
  void Frames(uint32_t defined_index, uint32_t num_imported, uintptr_t pc, Emit&& emit) const {
    const auto entry = defined_index < entries_.size()
                           ? reinterpret_cast<uintptr_t>(entries_[defined_index]) : 0;
    if (entry == 0 || pc < entry) return emit(num_imported + defined_index, uint32_t{0});
    maps_.Frames(defined_index, pc - entry, [&](int64_t func, uint32_t offset) {
      emit(func < 0 ? num_imported + defined_index : static_cast<uint32_t>(func), offset);
    });
  }

  ArrayFn array(uint32_t defined_index) const { return arrays_[defined_index]; }
  const void* entry(uint32_t defined_index) const { return entries_[defined_index]; }
  uint32_t num_imported() const { return num_imported_; }
  const LoadedCode& loaded() const { return *code_; }
  const CompiledCode* identity() const { return identity_; }
  bool Contains(uintptr_t pc) const { return pc >= code_->code_begin() && pc < code_->code_end(); }

 private:
  std::unique_ptr<LoadedCode> code_;
  CodeOffsetMaps maps_;
  uint32_t num_imported_ = 0;
  const CompiledCode* identity_;
  std::vector<const void*> entries_;
  std::vector<ArrayFn> arrays_;
  std::vector<const void*> stubs_;
  CodeSlot* slot_ = nullptr;
};

// ---- activations and traps -------------------------------------------------------------------

// The return addresses of a trap's compiled frames, innermost first: the first and last
// kBacktraceHead/Tail kept (fixed storage: filled inside the signal handler too).
struct RawTrace {
  static constexpr size_t kHead = Trap::kBacktraceHead, kTail = Trap::kBacktraceTail;
  uintptr_t head[kHead + 1];  // one more: TrapOf may drop the innermost frame
  uintptr_t tail[kTail];
  size_t n;  // set by the unwinders before Add
  void Add(uintptr_t pc) {
    if (n <= kHead) head[n] = pc;
    tail[n % kTail] = pc;
    ++n;
  }
  uintptr_t At(size_t i) const { return i <= kHead ? head[i] : tail[i % kTail]; }
};

// Host -> compiled code (x86-64 System V), in place of sigsetjmp/siglongjmp (which saved and
// mangled a whole jmp_buf and called __sigjmp_save on every entry: ~26 instructions, and made
// the entry's C++ frame returns_twice). nw_opt_enter(fn, vmctx, words, resume_sp) pushes rbp,
// rbx and r12-r15, stores its stack pointer in *resume_sp, calls fn(vmctx, words) and returns
// 0. nw_opt_resume(sp), with sp such a stored pointer whose nw_opt_enter has not returned,
// abandons the frames below it and makes that nw_opt_enter return 1 with the registers it
// saved: to its caller an ordinary return (no returns_twice, no signal mask: sigsetjmp was
// called with savemask 0 too). Called from the signal handler as siglongjmp was. The objects
// of nanowasm are not marked for shadow stacks (CET), so no process runs this with one.
extern "C" {
uint32_t nw_opt_enter(ArrayFn fn, uint8_t* vmctx, uint64_t* words, uintptr_t* resume_sp);
[[noreturn]] void nw_opt_resume(uintptr_t resume_sp);
}
asm(R"(
  .text
  .p2align 4
  .globl nw_opt_enter
  .hidden nw_opt_enter
  .type nw_opt_enter, @function
nw_opt_enter:
  .cfi_startproc
  pushq %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  movq %rsp, %rbp
  .cfi_def_cfa_register %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  .cfi_offset %rbx, -24
  .cfi_offset %r12, -32
  .cfi_offset %r13, -40
  .cfi_offset %r14, -48
  .cfi_offset %r15, -56
  subq $8, %rsp
  movq %rsp, (%rcx)
  movq %rdi, %rax
  movq %rsi, %rdi
  movq %rdx, %rsi
  callq *%rax
  xorl %eax, %eax
.Lnw_opt_leave:
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  .cfi_def_cfa %rsp, 8
  retq
  .cfi_endproc
  .size nw_opt_enter, .-nw_opt_enter

  .p2align 4
  .globl nw_opt_resume
  .hidden nw_opt_resume
  .type nw_opt_resume, @function
nw_opt_resume:
  .cfi_startproc
  .cfi_undefined %rip
  movq %rdi, %rsp
  movl $1, %eax
  jmp .Lnw_opt_leave
  .cfi_endproc
  .size nw_opt_resume, .-nw_opt_resume
)");

// Nothing is initialized here (an entry is on every host -> wasm call): RunActivation sets
// prev and entry_fp, nw_opt_enter resume_sp, and the unwinders fault and trace before TrapOf
// reads them.
struct Activation {
  uintptr_t resume_sp;  // nw_opt_enter's (see there)
  Activation* prev;
  uintptr_t entry_fp;   // OptInvoke's frame: compiled frames lie below it
  bool fault;           // a memory fault (else a trap from a builtin: pending_trap)
  RawTrace trace;
};

thread_local Activation* t_top = nullptr;

// Records the compiled frames from frame pointer `fp` up to the activation's entry.
void Walk(Activation& a, uintptr_t fp) {
  const OptCode* last = nullptr;  // frames of one module usually follow each other
  while (fp != 0 && (fp & 7) == 0 && fp < a.entry_fp) {
    uintptr_t next, ret;
    std::memcpy(&next, reinterpret_cast<const void*>(fp), 8);
    std::memcpy(&ret, reinterpret_cast<const void*>(fp + 8), 8);
    const OptCode* c = last && ret >= last->loaded().code_begin() && ret < last->loaded().code_end()
                           ? last : OwnerOf(ret);
    if (c) last = c;
    if (c && c->loaded().FuncIndexAt(ret - 1) >= 0) a.trace.Add(ret - 1);
    if (next <= fp) break;
    fp = next;
  }
}

// StoreContext::unwind: called (via a builtin) from compiled code of the innermost activation.
[[gnu::noinline]] void Unwind(StoreContext*) {
  Activation* a = t_top;
  a->fault = false;
  a->trace.n = 0;
  Walk(*a, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  nw_opt_resume(a->resume_sp);
}

struct sigaction g_prev_segv, g_prev_bus;

void ChainSignal(int sig, siginfo_t* info, void* uctx) {
  const struct sigaction& prev = sig == SIGSEGV ? g_prev_segv : g_prev_bus;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) return prev.sa_sigaction(sig, info, uctx);
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    return prev.sa_handler(sig);
  }
  // The default action: restore it; returning re-executes the faulting instruction.
  signal(sig, SIG_DFL);
}

void OnFault(int sig, siginfo_t* info, void* uctx) {
  auto* uc = static_cast<ucontext_t*>(uctx);
  const uintptr_t pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  Activation* a = t_top;
  if (a == nullptr || OwnerOf(pc) == nullptr) return ChainSignal(sig, info, uctx);
  a->fault = true;
  a->trace.n = 0;
  if (OwnerOf(pc)->loaded().FuncIndexAt(pc) >= 0) a->trace.Add(pc);
  Walk(*a, static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]));
  nw_opt_resume(a->resume_sp);
}

void InstallFaultHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = OnFault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_prev_segv);
    sigaction(SIGBUS, &sa, &g_prev_bus);
  });
}

// Compiled prologues trap below this: the thread's stack end plus room for builtins, host
// functions called from wasm and the signal handler.
constexpr uintptr_t kStackReserve = 256 * 1024;

uintptr_t StackLimit() {
  thread_local uintptr_t limit = ThreadStackEnd() + kStackReserve;  // base/stack.h
  return limit;
}

// The store's function object that runs function `func_index` (a module index) of the module
// whose code is `code` (a module's CompiledCode: OptCode::identity).
FuncObj* FindFunc(Store& store, const CompiledCode* code, uint32_t func_index) {
  for (const auto& inst : store.impl().instances) {
    if (inst->module->impl().code.get() != code) continue;
    if (func_index < inst->funcs.size()) return inst->funcs[func_index];
  }
  return nullptr;
}

// One frame of a backtrace before it is made: a wasm function of a compiled module (or none:
// code the maps do not know), at a wasm offset (0: unknown).
struct LogicalFrame {
  const CompiledCode* code = nullptr;  // the module's (OptCode::identity)
  uint32_t num_imported = 0;
  uint32_t func_index = 0;  // module function index
  uint32_t offset = 0;
  bool known = false;
};

// The frames at a recorded pc: those of the functions inlined there, then the physical one.
void Expand(uintptr_t pc, std::vector<LogicalFrame>& out) {
  const OptCode* code = OwnerOf(pc);
  const int64_t index = code ? code->loaded().FuncIndexAt(pc) : -1;  // a module index
  if (code == nullptr || index < int64_t{code->num_imported()}) {
    out.push_back(LogicalFrame{});
    return;
  }
  code->Frames(static_cast<uint32_t>(index) - code->num_imported(), code->num_imported(), pc,
               [&](uint32_t func, uint32_t offset) {
                 out.push_back({code->identity(), code->num_imported(), func, offset, true});
               });
}

Frame MakeLogicalFrame(Store& store, const LogicalFrame& lf) {
  FuncObj* f = nullptr;
  if (lf.known && lf.func_index >= lf.num_imported) f = FindFunc(store, lf.code, lf.func_index);
  if (f == nullptr) {
    Frame fr;
    fr.func_name = "<compiled>";
    return fr;
  }
  Frame fr = MakeFrame(f);
  fr.code_offset = lf.offset;
  const ModuleDesc& d = f->f.instance->module->desc();
  const Function& body = d.functions[f->f.func_index - d.num_imported_funcs];
  if (lf.offset != 0 && body.start_offset != 0 && lf.offset >= body.start_offset)
    fr.func_offset = lf.offset - body.start_offset;
  return fr;
}

// The trap of activation `a`, with its frames appended: per recorded pc, the frames of the
// functions inlined there (innermost first) and then the physical frame's own, with the wasm
// offsets of the maps (code_map.h) — the interpreter's backtrace. When a check trapped, the
// innermost frame is the function the check belongs to at the check's offset (the Trap
// builtin's arguments: exact even where trap blocks were merged); a stack-exhaustion check
// sits in the entry of the function being called, which the interpreter never entered: its
// frame is left out, so the call is innermost.
Trap TrapOf(Store& store, StoreContext& ctx, const Activation& a) {
  Trap t;
  const FuncObj* func = nullptr;
  uint32_t offset = 0;
  if (a.fault) {
    t = MakeTrap(TrapKind::kMemoryOutOfBounds);
  } else {
    t = std::move(ctx.pending_trap);
    ctx.pending_trap = Trap{};
    func = ctx.pending_trap_func;
    offset = ctx.pending_trap_offset;
    ctx.pending_trap_func = nullptr;
  }
  // The head and tail of the recorded pcs, expanded (the omitted middle counts one frame per
  // pc). One pc more than the head keeps: the stack-exhaustion case below may drop a frame.
  const size_t n = a.trace.n;
  const size_t head_pcs = std::min(n, RawTrace::kHead + 1);
  const size_t tail_from = std::max(head_pcs, n > RawTrace::kTail ? n - RawTrace::kTail : 0);
  std::vector<LogicalFrame> head, tail;
  for (size_t i = 0; i < head_pcs; ++i) Expand(a.trace.At(i), head);
  for (size_t i = tail_from; i < n; ++i) Expand(a.trace.At(i), tail);
  if (func != nullptr) {
    const Module::Impl& m = func->f.instance->module->impl();
    const CompiledCode* code = m.code.get();
    const bool stack = t.kind == TrapKind::kStackExhausted;
    if (!head.empty() && head[0].known && head[0].code == code && head[0].func_index == func->f.func_index) {
      head[0].offset = offset;
      if (stack && head.size() > 1) head.erase(head.begin());
    } else if (!stack || head.empty()) {
      head.insert(head.begin(), LogicalFrame{code, m.desc.num_imported_funcs, func->f.func_index,
                                             offset, true});
    }
  }
  const size_t total = head.size() + (tail_from - head_pcs) + tail.size();
  AppendOuterFrames(t, total, [&](size_t i) {
    if (i < head.size()) return MakeLogicalFrame(store, head[i]);
    const size_t from_end = total - i;  // the omitted middle is never asked for
    return from_end <= tail.size() ? MakeLogicalFrame(store, tail[tail.size() - from_end]) : Frame{};
  });
  return t;
}

// The words an entry keeps on its own stack (max(params, results) slots); more go to the heap.
constexpr size_t kInlineWords = 32;

// Calls `fn`, the array-call trampoline of `f`, on `words` as an activation: true when it
// returned, false when it trapped (its trap is then in `act`, for TrapOf). Inlined into each
// entry, whose frame is the activation's entry frame.
[[gnu::always_inline]] inline bool RunActivation(FuncObj* f, ArrayFn fn, uint64_t* words,
                                                 Activation& act) {
  // The limit compiled code checks is in the block the callee's VMContext points at (the
  // store's live block, not necessarily the current context's): this thread's for the call,
  // the outer one's again after it (a call made from another host thread, e.g. a component's
  // async task, returns to a thread that checks against its own).
  VMStoreLimits* limits;
  std::memcpy(&limits, f->f.vmctx + VMOffsets::limits(), sizeof limits);
  const uintptr_t outer_limit = limits->stack_limit;
  limits->stack_limit = StackLimit();
  act.prev = t_top;
  act.entry_fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  t_top = &act;
  const uint32_t trapped = nw_opt_enter(fn, f->f.vmctx, words, &act.resume_sp);
  t_top = act.prev;
  limits->stack_limit = outer_limit;
  return trapped == 0;
}

// The trap of an activation of `ctx` (the store's context when it was entered).
[[gnu::cold, gnu::noinline]] TrapResult<void> ActivationTrap(Store& store, StoreContext* ctx,
                                                            const Activation& act) {
  return std::unexpected(TrapOf(store, *ctx, act));
}

[[gnu::cold, gnu::noinline]] TrapResult<void> NoHostEntry() {
  return std::unexpected(MakeHostTrap("opt tier: function has no host entry"));
}

// InvokeArray for signatures of more than kInlineWords slots.
[[gnu::noinline]] TrapResult<void> InvokeArrayHeap(Store& store, FuncObj* f, ArrayFn fn,
                                                   std::span<const uint64_t> args,
                                                   std::span<uint64_t> results) {
  std::vector<uint64_t> words(std::max(args.size(), results.size()));
  std::copy(args.begin(), args.end(), words.begin());
  StoreContext* ctx = store.impl().ctx;
  Activation act;
  if (!RunActivation(f, fn, words.data(), act)) [[unlikely]]
    return ActivationTrap(store, ctx, act);
  std::copy_n(words.begin(), results.size(), results.begin());
  return {};
}

// Runs `fn`, the array-call trampoline of `f`, as an activation. Inlined into OptInvoke and
// TieredInvoke (each ArrayCall is one frame); the words live on this frame, copied one by one
// (signatures are small: no memcpy call), and the trap path is out of line.
[[gnu::always_inline]] inline TrapResult<void> InvokeArray(Store& store, FuncObj* f, ArrayFn fn,
                                                           std::span<const uint64_t> args,
                                                           std::span<uint64_t> results) {
  if (fn == nullptr) [[unlikely]] return NoHostEntry();
  if (args.size() > kInlineWords || results.size() > kInlineWords) [[unlikely]]
    return InvokeArrayHeap(store, f, fn, args, results);
  uint64_t words[kInlineWords];
  // The empty asm keeps these loops loops: a signature has a few slots, for which LLVM's
  // memcpy call (arguments) or vectorized copy with its set-up (results) cost more.
  for (size_t i = 0; i < args.size(); ++i) {
    words[i] = args[i];
    asm volatile("");
  }
  StoreContext* ctx = store.impl().ctx;
  Activation act;
  if (!RunActivation(f, fn, words, act)) [[unlikely]]
    return ActivationTrap(store, ctx, act);
  for (size_t i = 0; i < results.size(); ++i) {
    results[i] = words[i];
    asm volatile("");
  }
  return {};
}

// The ArrayCall of OptCode's functions: their trampoline is Func::Impl::array_data (Entry).
TrapResult<void> OptInvoke(Store& store, FuncObj* f, std::span<const uint64_t> args,
                           std::span<uint64_t> results) {
  return InvokeArray(store, f, reinterpret_cast<ArrayFn>(const_cast<void*>(f->f.array_data)),
                     args, results);
}

// ---- tiered modules (opt_tier.h, TieredOptCode) ------------------------------------------------

TrapResult<void> TieredInvoke(Store& store, FuncObj* f, std::span<const uint64_t> args,
                              std::span<uint64_t> results);

// A module's code in two tiers. The first is compiled with Options::first_tier: its direct
// calls load the entry pointer nw_eN, and its function objects hold the stubs nw_sN that jump
// through it. Promote stores the second tier's nw_fN into every nw_eN (a release store of an
// aligned pointer; compiled code loads it with an atomic 8-byte load, and the new code was
// made executable by mprotect, whose TLB shootdown serialises the other cores, before its
// address is published), then publishes the second tier for host calls (TieredInvoke) and
// for instances created later (Entry). A first-tier frame already running keeps running
// first-tier code until it returns (no on-stack replacement); what it calls is second tier.
// The first tier is never unmapped before this object dies (with its module, after every
// instance): a frame may still be in it, and stubs held by function objects jump through it.
class TieredCode final : public TieredOptCode {
 public:
  TieredCode(const ModuleDesc& desc, std::unique_ptr<LoadedCode> first, CodeOffsetMaps maps)
      : first_(desc, std::move(first), std::move(maps), this), num_imported_(desc.num_imported_funcs),
        num_defined_(static_cast<uint32_t>(desc.functions.size())) {
    current_.store(&first_, std::memory_order_release);
  }
  ~TieredCode() override {
    // The background compile first: it may still call Promote.
    job_.reset();
  }
  bool registered() const { return first_.registered(); }

  FuncEntry Entry(uint32_t defined_index) const override {
    FuncEntry e = current()->Entry(defined_index);
    e.array_call = &TieredInvoke;  // which looks up the current tier's trampoline
    e.array_data = nullptr;
    return e;
  }
  std::optional<size_t> WasmOffsetAt(uint32_t defined_index, uintptr_t pc) const override {
    const OptCode* second = second_.load(std::memory_order_acquire);
    if (second && second->Contains(pc)) return second->WasmOffsetAt(defined_index, pc);
    return first_.WasmOffsetAt(defined_index, pc);
  }

  Status Promote(const ModuleDesc& desc, std::unique_ptr<LoadedCode> code,
                 CodeOffsetMaps maps) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (second_.load(std::memory_order_relaxed) != nullptr)
      return MakeError("opt tier: the module was already promoted");
    auto second = std::make_unique<OptCode>(desc, std::move(code), std::move(maps), this);
    if (!second->registered()) return MakeError("opt tier: too many compiled modules in the process");
    for (uint32_t i = 0; i < num_defined_; ++i) {
      const void* target = second->entry(i);
      void* slot = const_cast<void*>(
          first_.loaded().Symbol(kEntrySymbolPrefix + std::to_string(num_imported_ + i)));
      // No slot: nothing calls the function directly. No target: the second tier has no
      // such function (never with Options::keep_func_symbols); the first tier's stays.
      if (slot == nullptr || target == nullptr) continue;
      std::atomic_ref<const void*>(*static_cast<const void**>(slot))
          .store(target, std::memory_order_release);
    }
    const OptCode* raw = second.get();
    second_owner_ = std::move(second);
    second_.store(raw, std::memory_order_release);
    current_.store(raw, std::memory_order_release);
    return {};
  }
  bool promoted() const override { return second_.load(std::memory_order_acquire) != nullptr; }
  void SetJob(std::unique_ptr<TierUpJob> job) const override { job_ = std::move(job); }
  Status FinishTierUp() const override {
    return job_ ? job_->Finish() : MakeError("opt tier: no tier-up job");
  }

  const OptCode* current() const { return current_.load(std::memory_order_acquire); }
  uint32_t num_imported() const { return num_imported_; }

 private:
  OptCode first_;
  uint32_t num_imported_, num_defined_;
  mutable std::mutex mu_;  // Promote
  mutable std::atomic<const OptCode*> current_{nullptr};
  mutable std::atomic<const OptCode*> second_{nullptr};
  mutable std::unique_ptr<const OptCode> second_owner_;
  mutable std::unique_ptr<TierUpJob> job_;
};

TrapResult<void> TieredInvoke(Store& store, FuncObj* f, std::span<const uint64_t> args,
                              std::span<uint64_t> results) {
  const auto* code = static_cast<const TieredCode*>(f->f.instance->module->impl().code.get());
  return InvokeArray(store, f, code->current()->array(f->f.func_index - code->num_imported()),
                     args, results);
}

}  // namespace

Result<std::unique_ptr<const CompiledCode>> MakeOptCode(const ModuleDesc& desc,
                                                        std::unique_ptr<LoadedCode> code,
                                                        CodeOffsetMaps maps) {
  auto out = std::make_unique<const OptCode>(desc, std::move(code), std::move(maps));
  if (!out->registered()) return MakeError("opt tier: too many compiled modules in the process");
  return std::unique_ptr<const CompiledCode>(std::move(out));
}

Result<std::unique_ptr<const TieredOptCode>> MakeTieredOptCode(const ModuleDesc& desc,
                                                                std::unique_ptr<LoadedCode> first,
                                                                CodeOffsetMaps maps) {
  auto out = std::make_unique<const TieredCode>(desc, std::move(first), std::move(maps));
  if (!out->registered()) return MakeError("opt tier: too many compiled modules in the process");
  return std::unique_ptr<const TieredOptCode>(std::move(out));
}

StoreContext* NewOptStoreContext(Store& store, const Config& config) {
  if (config.UsesGuardRegion()) InstallFaultHandler();
  auto* ctx = new StoreContext;
  ctx->store = &store;
  ctx->unwind = &Unwind;
  ctx->compiled_limits = true;  // compiled code reads the VMContext's limits block
  return ctx;
}

void DeleteOptStoreContext(StoreContext* ctx) { delete ctx; }

}  // namespace nw::opt

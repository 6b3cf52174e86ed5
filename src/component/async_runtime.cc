// The async canonical ABI at run time (see async_runtime.h and docs/component-async.md). The
// structure follows definitions.py section by section: continuations (host threads with strict
// hand-off, or for callback-lifted tasks a state machine run on the resumer's host thread),
// Thread, Task, Store.tick, canon_lift, canon_lower, waitables and waitable sets, the shared
// stream/future state and the built-ins.
#include "component/async_runtime.h"

#include <array>
#include <cstring>
#include <functional>
#include <optional>
#include <semaphore>
#include <thread>
#include <unordered_map>

#include "component/instantiate.h"

namespace nw::component {

namespace {

constexpr uint32_t kMaxBufferLength = (1u << 28) - 1;
constexpr uint32_t kBlocked = 0xffffffffu;
constexpr const char* kTrapCannotBlock = "cannot block a synchronous task before returning";

enum EventCode : uint32_t {
  kEventNone = 0, kEventSubtask = 1, kEventStreamRead = 2, kEventStreamWrite = 3,
  kEventFutureRead = 4, kEventFutureWrite = 5, kEventTaskCancelled = 6,
};
struct Event {
  uint32_t code = kEventNone, p1 = 0, p2 = 0;
};

struct AThread;
struct ATask;
struct CallbackLoop;

// A continuation's hand-off record for one resume (definitions.py's Handler).
struct Handler {
  std::binary_semaphore done{0};
  bool cont_valid = false;
  AThread* block_arg = nullptr;
};

thread_local AThread* tl_current = nullptr;

// The first trap of a thread's body ends the whole call: it is kept here and reported by
// whoever drives the event loop (the host's call takes it).
struct TrapBox {
  std::optional<Error> error;
};

}  // namespace

struct AsyncInstance {
  ComponentInstanceState* state = nullptr;
  AsyncStore* store = nullptr;
  int backpressure = 0;
  int num_waiting_to_enter = 0;
  AThread* exclusive = nullptr;
  // Calls of non-async-typed functions into this instance that have not returned yet: while one
  // is in progress, every thread of the instance runs inside its "cannot block before returning"
  // scope (only the call's own resume loop runs the instance's threads then).
  int sync_calls = 0;
  // Whether a core frame of this instance may block (it has a built-in or lower that can
  // suspend the calling thread: waitable-set.wait, thread.*, a sync copy or cancel, a sync lower
  // of an async-typed callee). When not, its callback-lifted tasks run without a host thread.
  bool frames_may_block = false;
  std::vector<AThread*> threads{nullptr};  // index 0 unused
  std::vector<uint32_t> free_threads;
};

namespace {

struct AThread {
  AsyncStore* as = nullptr;
  std::shared_ptr<ATask> task;
  std::function<void()> body;
  bool has_cont = true;  // not running
  std::function<bool()> ready_func;
  bool cancellable = false;
  uint32_t index = 0;
  uint64_t storage[2] = {0, 0};
  std::binary_semaphore wake{0};
  std::thread host;
  bool host_started = false;
  Handler* handler = nullptr;
  bool block_result = false;
  Store::ExecContext* exec = nullptr;
  // A callback-lifted task run without a host thread: its whole continuation is this state
  // machine (between callbacks no core frame is live), stepped on whichever host thread
  // resumes it, on that thread's execution context.
  struct LoopDeleter {
    void operator()(CallbackLoop* l) const;  // after CallbackLoop is complete
  };
  std::unique_ptr<CallbackLoop, LoopDeleter> loop;

  bool running() const { return !has_cont; }
  bool waiting() const { return has_cont && static_cast<bool>(ready_func); }
  bool suspended() const { return has_cont && !ready_func; }
  bool ready() const { return waiting() && ready_func(); }
};

}  // namespace

class AsyncStore {
 public:
  explicit AsyncStore(ComponentStore& cs) : cs_(cs) {}
  ~AsyncStore();
  ComponentStore& cs() { return cs_; }
  Store& store() { return cs_.store(); }

  std::vector<AThread*> waiting;
  int nesting_depth = 0;
  bool aborting = false;
  std::unordered_map<AThread*, std::unique_ptr<AThread>> threads;
  size_t loop_threads = 0;          // threads with a CallbackLoop (no host thread)
  uint64_t host_threads_started = 0;  // for the tests and the benchmark
  // Readable ends between lift and lower, by transfer id.
  std::unordered_map<uint32_t, std::shared_ptr<AsyncElem>> in_flight;
  uint32_t next_transfer = 1;
  std::shared_ptr<TrapBox> box = std::make_shared<TrapBox>();

 private:
  ComponentStore& cs_;
};

namespace {

// ---- continuations --------------------------------------------------------------------------

void ThreadBase(AThread* t) {
  t->wake.acquire();
  tl_current = t;
  if (!t->as->aborting) t->body();
  Handler* h = t->handler;
  h->cont_valid = false;
  h->block_arg = nullptr;
  tl_current = nullptr;
  h->done.release();
}

// resume(): runs t until it blocks or ends; returns (still has a continuation, switch_to).
std::pair<bool, AThread*> RawResume(AThread* t, bool cancelled) {
  Handler h;
  t->handler = &h;
  t->block_result = cancelled;
  Store& store = t->as->store();
  Store::ExecContext* prev = store.SwitchExecContext(t->exec);
  if (!t->host_started) {
    t->host_started = true;
    ++t->as->host_threads_started;
    t->host = std::thread(ThreadBase, t);
  }
  t->wake.release();
  h.done.acquire();
  store.SwitchExecContext(prev);
  return {h.cont_valid, h.block_arg};
}

// block(): the current thread hands control back to its resumer.
Result<bool> RawBlock(AThread* switch_to) {
  AThread* t = tl_current;
  // A callback task without a host thread has no stack to keep; its instance was judged unable
  // to block inside a core frame (frames_may_block), so only a built-in reached another way
  // (e.g. through a table filled later) gets here.
  if (t->loop) return Trap("a callback task run without a host thread cannot block inside a core call");
  Handler* h = t->handler;
  h->cont_valid = true;
  h->block_arg = switch_to;
  h->done.release();
  t->wake.acquire();
  tl_current = t;
  if (t->as->aborting) return Trap("component store destroyed while the task was suspended");
  return t->block_result;
}

void ForgetThread(AThread* t);

void FreeThread(AThread* t) {
  if (t->host.joinable()) t->host.join();
  ForgetThread(t);
  if (t->exec) t->as->store().DeleteExecContext(t->exec);
  t->exec = nullptr;
  if (t->loop) --t->as->loop_threads;
  t->as->threads.erase(t);
}

Result<AThread*> NewThread(AsyncStore& as, std::shared_ptr<ATask> task, std::function<void()> body) {
  if (as.threads.size() - as.loop_threads >= as.cs().max_async_threads()) return Trap("too many threads");
  auto p = std::make_unique<AThread>();
  AThread* t = p.get();
  t->as = &as;
  t->task = std::move(task);
  t->body = std::move(body);
  t->exec = as.store().NewExecContext();
  as.threads.emplace(t, std::move(p));
  return t;
}

CallbackLoop* MakeCallbackLoop();

Result<AThread*> NewLoopThread(AsyncStore& as, std::shared_ptr<ATask> task) {
  if (as.loop_threads >= as.cs().max_callback_tasks())
    return Trap("too many callback tasks (the component store's limit on live async tasks)");
  auto p = std::make_unique<AThread>();
  AThread* t = p.get();
  t->as = &as;
  t->task = std::move(task);
  t->loop.reset(MakeCallbackLoop());
  ++as.loop_threads;
  as.threads.emplace(t, std::move(p));
  return t;
}

std::pair<bool, AThread*> StepLoop(AThread* t, bool cancelled);

void StartWaiting(AThread* t, std::function<bool()> ready) {
  t->ready_func = std::move(ready);
  t->as->waiting.push_back(t);
}

void StopWaiting(AThread* t) {
  t->ready_func = nullptr;
  auto& w = t->as->waiting;
  for (size_t i = 0; i < w.size(); ++i)
    if (w[i] == t) {
      w.erase(w.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
}

// Thread.resume: runs t and every thread it switches to.
void ResumeThread(AThread* t, bool cancelled = false) {
  if (t->waiting()) StopWaiting(t);
  while (t != nullptr) {
    t->has_cont = false;
    auto [cont, switch_to] = t->loop ? StepLoop(t, cancelled) : RawResume(t, cancelled);
    t->has_cont = cont;
    if (!cont) FreeThread(t);
    t = switch_to;
    cancelled = false;
  }
}

Result<bool> BlockInternal(AThread* t, bool cancellable, AThread* switch_to = nullptr) {
  t->cancellable = cancellable;
  return RawBlock(switch_to);
}

}  // namespace

// ---- tasks ----------------------------------------------------------------------------------

namespace {

enum class TaskState { kInitial, kStarted, kPendingCancel, kCancelDelivered, kResolved };

using OnStart = std::function<Result<std::vector<ComponentValue>>()>;
using OnResolve = std::function<Status(std::optional<std::vector<ComponentValue>>)>;
using OnCancel = std::function<Status(ComponentInstanceState*)>;

struct ATask {
  const RtFunc* func = nullptr;
  AsyncInstance* inst = nullptr;
  OnStart on_start;
  OnResolve on_resolve;
  TaskState state = TaskState::kInitial;
  Task borrows;  // the borrow scope (num_borrows)
  AThread* implicit_thread = nullptr;
  std::vector<AThread*> threads;
  // Called by another component (an async call between components, not the host's): the
  // task's lifts and lowers are an adapter's (Side::adapter).
  bool from_component = false;

  ATask(const RtFunc* f, AsyncInstance* i) : func(f), inst(i), borrows(i->state) {}
  bool ft_async() const { return func->type_async; }
  bool opts_async() const { return func->opts->async; }
  bool needs_exclusive() const { return !opts_async() || func->opts->callback != nullptr; }
  bool DeliverPendingCancel(bool cancellable) {
    if (cancellable && state == TaskState::kPendingCancel) {
      state = TaskState::kCancelDelivered;
      return true;
    }
    return false;
  }
};

Status RegisterThread(ATask& task, AThread* t) {
  task.threads.push_back(t);
  AsyncInstance& in = *task.inst;
  if (!in.free_threads.empty()) {
    t->index = in.free_threads.back();
    in.free_threads.pop_back();
    in.threads[t->index] = t;
  } else {
    t->index = static_cast<uint32_t>(in.threads.size());
    in.threads.push_back(t);
  }
  return Ok();
}

Status UnregisterThread(ATask& task, AThread* t) {
  for (size_t i = 0; i < task.threads.size(); ++i)
    if (task.threads[i] == t) {
      task.threads.erase(task.threads.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
  task.inst->threads[t->index] = nullptr;
  task.inst->free_threads.push_back(t->index);
  if (task.threads.empty() && task.state != TaskState::kResolved)
    return Trap("task ended without resolving (task.return was not called)");
  return Ok();
}

// A thread that ended by a trap is still registered: no table may keep pointing at it.
void ForgetThread(AThread* t) {
  if (!t->task) return;
  ATask& task = *t->task;
  std::erase(task.threads, t);
  AsyncInstance& in = *task.inst;
  if (t->index != 0 && t->index < in.threads.size() && in.threads[t->index] == t) {
    in.threads[t->index] = nullptr;
    in.free_threads.push_back(t->index);
  }
  if (in.exclusive == t) in.exclusive = nullptr;
  if (task.implicit_thread == t) task.implicit_thread = nullptr;
  std::erase(t->as->waiting, t);
}

// Thread.wait_until. The spec may return at once when `ready` already holds (at random); the
// reference suite expects it to (as wasmtime does), so it does, except for a yield, which always
// lets the other ready threads run first.
Result<bool> WaitUntil(AThread* t, std::function<bool()> ready, bool cancellable, bool yield = false) {
  if (t->task->DeliverPendingCancel(cancellable)) return true;
  if (!yield && ready()) return false;
  StartWaiting(t, std::move(ready));
  return BlockInternal(t, cancellable);
}

Result<bool> Suspend(AThread* t, bool cancellable) {
  if (t->task->DeliverPendingCancel(cancellable)) return true;
  return BlockInternal(t, cancellable);
}

Status TaskReturn(ATask& task, std::optional<std::vector<ComponentValue>> result) {
  if (task.state == TaskState::kResolved) return Trap("task already returned or was cancelled");
  if (result) {
    if (task.borrows.num_borrows() > 0) return Trap("borrow handles still remain at the end of the call");
  } else {
    if (task.state != TaskState::kCancelDelivered) return Trap("task.cancel without a cancellation delivered");
    if (task.borrows.num_borrows() > 0) return Trap("borrow handles still remain at the end of the call");
  }
  Status s = task.on_resolve(std::move(result));
  task.state = TaskState::kResolved;
  return s;
}

Result<bool> EnterImplicitThread(const std::shared_ptr<ATask>& tp) {
  ATask& task = *tp;
  task.implicit_thread = tl_current;
  AsyncInstance& in = *task.inst;
  if (task.ft_async()) {
    auto has_backpressure = [&task, &in]() {
      return in.backpressure > 0 || (task.needs_exclusive() && in.exclusive != nullptr);
    };
    if (has_backpressure() || in.num_waiting_to_enter > 0) {
      ++in.num_waiting_to_enter;
      auto c = WaitUntil(task.implicit_thread, [has_backpressure]() { return !has_backpressure(); }, true);
      --in.num_waiting_to_enter;
      NW_TRY_ASSIGN(bool cancelled, c);
      if (cancelled) {
        task.state = TaskState::kCancelDelivered;
        NW_TRY(TaskReturn(task, std::nullopt));
        return false;
      }
    }
    if (task.needs_exclusive()) in.exclusive = task.implicit_thread;
  }
  NW_TRY(RegisterThread(task, task.implicit_thread));
  return true;
}

Status ExitImplicitThread(ATask& task) {
  NW_TRY(UnregisterThread(task, task.implicit_thread));
  if (task.ft_async() && task.needs_exclusive()) task.inst->exclusive = nullptr;
  return Ok();
}

Status RequestCancellation(const std::shared_ptr<ATask>& tp, ComponentInstanceState* caller) {
  ATask& task = *tp;
  if (task.state == TaskState::kInitial) {
    task.state = TaskState::kCancelDelivered;
    if (task.implicit_thread) ResumeThread(task.implicit_thread, true);
    return Ok();
  }
  std::vector<AThread*> candidates;
  for (AThread* t : task.threads)
    if (t->cancellable && !t->running()) candidates.push_back(t);
  if (task.needs_exclusive() && task.inst->exclusive != nullptr &&
      task.inst->exclusive != task.implicit_thread)
    std::erase(candidates, task.implicit_thread);
  ComponentInstanceState* st = task.inst->state;
  if (!candidates.empty() && st->MayEnterFrom(caller)) {
    task.state = TaskState::kCancelDelivered;
    st->EnterFrom(caller);
    ResumeThread(candidates.front(), true);
    st->LeaveTo(caller);
  } else {
    task.state = TaskState::kPendingCancel;
  }
  return Ok();
}

// ---- core calls -----------------------------------------------------------------------------

Status CallCoreFunc(Store& store, Func* f, std::span<const uint64_t> args, std::span<uint64_t> results) {
  auto r = f->CallUnchecked(store, args, results);
  if (!r) {
    std::string m = r.error().message;
    if (m.rfind("trap: ", 0) == 0) m = m.substr(6);
    return Trap(m);
  }
  return Ok();
}

Result<Event> WaitForEventAnd(AThread* t, AsyncElem* e, std::function<bool()> ready, bool cancellable);
// A waitable set (kind kWaitableSet) seen from the callback loop.
bool SetHasEvent(AsyncElem* ws);
Event SetTakeEvent(AsyncElem* ws);
void SetAddWaiting(AsyncElem* ws, int delta);


// A sync lift after its arguments are lowered: the core call, task.return of its results and
// post-return (the thread body and the callback state machine both end a sync lift this way).
Status SyncLiftCall(Store& store, const RtFunc& f, AsyncInstance& in, Side& cx, ATask& task,
                    std::span<const uint64_t> a) {
  const RtOptions& o = *f.opts;
  std::array<uint64_t, 1> r{};
  std::span<uint64_t> rs(r.data(), f.plan.lift_sig.results.size());
  NW_TRY(CallCoreFunc(store, f.core, a, rs));
  cx.Refresh();
  NW_TRY_ASSIGN(std::vector<ComponentValue> result, PlanLiftValues(f.plan.results, cx, rs));
  NW_TRY(TaskReturn(task, std::move(result)));
  if (o.post_return) {
    in.state->set_may_leave(false);
    NW_TRY(CallCoreFunc(store, o.post_return, rs, {}));
    in.state->set_may_leave(true);
  }
  return Ok();
}

// canon_lift's thread body.
Status LiftBody(const std::shared_ptr<ATask>& tp) {
  ATask& task = *tp;
  const RtFunc& f = *task.func;
  AsyncInstance& in = *task.inst;
  NW_TRY_ASSIGN(bool entered, EnterImplicitThread(tp));
  if (!entered) return Ok();
  Store& store = in.store->store();
  const RtOptions& o = *f.opts;
  Side cx{&o.opts, in.state, &task.borrows, nullptr, {}, nullptr, task.from_component};
  task.state = TaskState::kStarted;
  NW_TRY_ASSIGN(std::vector<ComponentValue> args, task.on_start());
  cx.Refresh();
  std::array<uint64_t, kMaxFlatParams + 1> flat;
  NW_TRY_ASSIGN(uint32_t nargs, PlanLowerValues(f.plan.params, *f.plan.types, cx, args, flat));
  std::span<const uint64_t> a(flat.data(), nargs);
  if (!o.async) {
    NW_TRY(SyncLiftCall(store, f, in, cx, task, a));
    return ExitImplicitThread(task);
  }
  if (!o.callback) {
    NW_TRY(CallCoreFunc(store, f.core, a, {}));
    return ExitImplicitThread(task);
  }
  std::array<uint64_t, 1> packed{};
  NW_TRY(CallCoreFunc(store, f.core, a, packed));
  AThread* thread = task.implicit_thread;
  for (;;) {
    uint32_t code = static_cast<uint32_t>(packed[0]) & 0xf;
    uint32_t si = static_cast<uint32_t>(packed[0]) >> 4;
    if (code > 2) return Trap("unsupported callback code");
    if (code == 0) break;
    in.exclusive = nullptr;
    Event event;
    if (code == 1) {  // YIELD
      NW_TRY_ASSIGN(bool cancelled, WaitUntil(thread, [&in]() { return in.exclusive == nullptr; }, true, true));
      event = cancelled ? Event{kEventTaskCancelled, 0, 0} : Event{kEventNone, 0, 0};
    } else {  // WAIT
      NW_TRY_ASSIGN(AsyncElem * ws, in.state->handles().GetAsync(si));
      if (!ws || ws->kind != AsyncElem::Kind::kWaitableSet)
        return Trap("callback WAIT on a handle that is not a waitable set");
      NW_TRY_ASSIGN(event, WaitForEventAnd(thread, ws, [&in]() { return in.exclusive == nullptr; }, true));
    }
    in.exclusive = thread;
    std::array<uint64_t, 3> ev{event.code, event.p1, event.p2};
    NW_TRY(CallCoreFunc(store, o.callback, ev, packed));
  }
  return ExitImplicitThread(task);
}

// canon_lift's callback loop as a state machine (a callback task without a host thread; a
// sync-lifted task runs the same way, its only wait being backpressure on entry). It makes
// exactly the calls and waits LiftBody makes for a callback or sync lift, in the same order: where
// LiftBody would block (backpressure on entry, YIELD, WAIT without a pending event), Step
// registers the same wait and returns; the resume that LiftBody would see arrives as the next
// Step with the same `cancelled` flag.
struct CallbackLoop {
  enum class Phase { kStart, kEnterWait, kYield, kWait };
  Phase phase = Phase::kStart;
  AsyncElem* ws = nullptr;  // kWait: the waitable set (num_waiting keeps it from being dropped)
  std::array<uint64_t, 1> packed{};

  // Ok(true): waiting (resume later); Ok(false): the thread ended.
  Result<bool> Step(AThread* t, bool cancelled);

 private:
  Result<bool> AfterEnter(AThread* t, bool cancelled);
  Result<bool> Begin(AThread* t);
  Result<bool> Dispatch(AThread* t);
  Result<bool> Deliver(AThread* t, Event event);
};

void AThread::LoopDeleter::operator()(CallbackLoop* l) const { delete l; }
CallbackLoop* MakeCallbackLoop() { return new CallbackLoop; }

Result<bool> CallbackLoop::Step(AThread* t, bool cancelled) {
  ATask& task = *t->task;
  AsyncInstance& in = *task.inst;
  switch (phase) {
    case Phase::kStart: {
      // EnterImplicitThread, with WaitUntil's two early returns.
      task.implicit_thread = t;
      if (!task.ft_async()) return Begin(t);
      auto has_backpressure = [&task, &in]() {
        return in.backpressure > 0 || (task.needs_exclusive() && in.exclusive != nullptr);
      };
      if (!has_backpressure() && in.num_waiting_to_enter == 0) return Begin(t);
      ++in.num_waiting_to_enter;
      if (task.DeliverPendingCancel(true)) return AfterEnter(t, true);
      if (!has_backpressure()) return AfterEnter(t, false);
      t->cancellable = true;
      StartWaiting(t, [has_backpressure]() { return !has_backpressure(); });
      phase = Phase::kEnterWait;
      return true;
    }
    case Phase::kEnterWait:
      return AfterEnter(t, cancelled);
    case Phase::kYield:
      return Deliver(t, cancelled ? Event{kEventTaskCancelled, 0, 0} : Event{kEventNone, 0, 0});
    case Phase::kWait: {
      Event ev = cancelled ? Event{kEventTaskCancelled, 0, 0} : SetTakeEvent(ws);
      SetAddWaiting(ws, -1);
      ws = nullptr;
      return Deliver(t, ev);
    }
  }
  return Trap("callback task in an unknown state");
}

Result<bool> CallbackLoop::AfterEnter(AThread* t, bool cancelled) {
  ATask& task = *t->task;
  --task.inst->num_waiting_to_enter;
  if (cancelled) {
    task.state = TaskState::kCancelDelivered;
    NW_TRY(TaskReturn(task, std::nullopt));
    return false;
  }
  return Begin(t);
}

Result<bool> CallbackLoop::Begin(AThread* t) {
  ATask& task = *t->task;
  AsyncInstance& in = *task.inst;
  if (task.ft_async() && task.needs_exclusive()) in.exclusive = t;
  NW_TRY(RegisterThread(task, t));
  const RtFunc& f = *task.func;
  const RtOptions& o = *f.opts;
  Side cx{&o.opts, in.state, &task.borrows, nullptr, {}, nullptr, task.from_component};
  task.state = TaskState::kStarted;
  NW_TRY_ASSIGN(std::vector<ComponentValue> args, task.on_start());
  cx.Refresh();
  std::array<uint64_t, kMaxFlatParams + 1> flat;
  NW_TRY_ASSIGN(uint32_t nargs, PlanLowerValues(f.plan.params, *f.plan.types, cx, args, flat));
  std::span<const uint64_t> a(flat.data(), nargs);
  Store& store = in.store->store();
  if (!o.async) {  // a sync lift: the core call, task.return of its results, post-return
    NW_TRY(SyncLiftCall(store, f, in, cx, task, a));
    NW_TRY(ExitImplicitThread(task));
    return false;
  }
  NW_TRY(CallCoreFunc(store, f.core, a, packed));
  return Dispatch(t);
}

// Interprets packed return codes until the task exits or must wait.
Result<bool> CallbackLoop::Dispatch(AThread* t) {
  ATask& task = *t->task;
  AsyncInstance& in = *task.inst;
  for (;;) {
    uint32_t code = static_cast<uint32_t>(packed[0]) & 0xf;
    uint32_t si = static_cast<uint32_t>(packed[0]) >> 4;
    if (code > 2) return Trap("unsupported callback code");
    if (code == 0) {  // EXIT
      NW_TRY(ExitImplicitThread(task));
      return false;
    }
    in.exclusive = nullptr;
    Event event;
    if (code == 1) {  // YIELD: always lets the other ready threads run first
      if (!task.DeliverPendingCancel(true)) {
        t->cancellable = true;
        StartWaiting(t, [&in]() { return in.exclusive == nullptr; });
        phase = Phase::kYield;
        return true;
      }
      event = {kEventTaskCancelled, 0, 0};
    } else {  // WAIT
      NW_TRY_ASSIGN(AsyncElem * e, in.state->handles().GetAsync(si));
      if (!e || e->kind != AsyncElem::Kind::kWaitableSet)
        return Trap("callback WAIT on a handle that is not a waitable set");
      SetAddWaiting(e, 1);
      if (task.DeliverPendingCancel(true)) {
        event = {kEventTaskCancelled, 0, 0};
      } else if (in.exclusive == nullptr && SetHasEvent(e)) {
        event = SetTakeEvent(e);
      } else {
        t->cancellable = true;
        StartWaiting(t, [&in, e]() { return in.exclusive == nullptr && SetHasEvent(e); });
        ws = e;
        phase = Phase::kWait;
        return true;
      }
      SetAddWaiting(e, -1);
    }
    in.exclusive = t;
    std::array<uint64_t, 3> ev{event.code, event.p1, event.p2};
    NW_TRY(CallCoreFunc(in.store->store(), task.func->opts->callback, ev, packed));
  }
}

Result<bool> CallbackLoop::Deliver(AThread* t, Event event) {
  AsyncInstance& in = *t->task->inst;
  in.exclusive = t;
  std::array<uint64_t, 3> ev{event.code, event.p1, event.p2};
  NW_TRY(CallCoreFunc(in.store->store(), t->task->func->opts->callback, ev, packed));
  return Dispatch(t);
}

// Native recursion of loop steps on one host thread (a step's core code may start or resume
// another callback task, whose step runs nested): past this depth the step runs on a fresh host
// thread (joined at once; strict hand-off as for any resume), so a guest's chain of nested
// calls costs host threads bounded by the task limits, never the native stack.
constexpr int kMaxLoopNesting = 48;
thread_local int tl_loop_nesting = 0;

Result<bool> RunStep(AThread* t, bool cancelled) {
  AThread* saved = tl_current;
  tl_current = t;
  ++tl_loop_nesting;
  Result<bool> r = t->loop->Step(t, cancelled);
  --tl_loop_nesting;
  tl_current = saved;
  return r;
}

std::pair<bool, AThread*> StepLoop(AThread* t, bool cancelled) {
  if (t->as->aborting) return {false, nullptr};
  std::optional<Result<bool>> r;
  if (tl_loop_nesting < kMaxLoopNesting) {
    r.emplace(RunStep(t, cancelled));
  } else {
    ++t->as->host_threads_started;
    std::thread([&r, t, cancelled]() { r.emplace(RunStep(t, cancelled)); }).join();
  }
  if (!*r) {
    if (!t->as->box->error) t->as->box->error = r->error();
    return {false, nullptr};
  }
  return {**r, nullptr};
}

// A thread of `in`, other than `self`, that is ready and may run while a non-async-typed call
// is in progress: never the exclusive thread, nor the implicit thread of an async-typed task that
// needs exclusive use of the stack (the suite's during-sync-call-no-exclusive-resume).
AThread* PickStackThread(AsyncInstance& in, AThread* self) {
  for (AThread* t : in.threads)
    if (t && t != self && t != in.exclusive && t->ready() &&
        !(t == t->task->implicit_thread && t->task->ft_async() && t->task->needs_exclusive()))
      return t;
  return nullptr;
}

// The check before a potentially blocking operation (a sync lower of an async-typed callee, the
// sync forms of waitable-set.wait, thread.suspend, subtask.cancel and the stream/future copies
// and cancels), made before it looks at its operands, as the reference suite (after wasmtime)
// expects. Code outside any task (a core start function: implicitly a sync `func()`) may never
// block. A thread inside a non-async-typed call's scope may block only when another thread of
// its instance is ready to run and may use the stack (test/async/during-sync-call-may-block-if-
// other-ready-threads.wast); otherwise the call could not return, and it traps now rather than
// after the operation (definitions.py traps later, at the end of canon_lift, when nothing is
// ready: same trap, but a forged handle or a trapping callee would be reported instead).
Status CheckMayBlock(AThread* t) {
  if (!t) return Trap(kTrapCannotBlock);
  AsyncInstance& in = *t->task->inst;
  if (in.sync_calls == 0) return Ok();
  if (PickStackThread(in, t)) return Ok();
  return Trap(kTrapCannotBlock);
}

// canon_lift through Store.lift's func_inst: returns on_cancel.
Result<OnCancel> LiftCall(AsyncStore& as, const RtFunc& f, OnStart on_start, OnResolve on_resolve,
                          ComponentInstanceState* caller, std::shared_ptr<TrapBox> box) {
  ComponentInstanceState* st = f.inst;
  AsyncInstance* in = st->async_state;
  if (!in) {
    MarkAsyncInstance(as.cs(), st);
    in = st->async_state;
  }
  if (!st->MayEnterFrom(caller)) return Trap(kTrapCannotEnter);
  st->EnterFrom(caller);
  auto task = std::make_shared<ATask>(&f, in);
  task->from_component = caller != nullptr;
  task->on_start = std::move(on_start);
  task->on_resolve = std::move(on_resolve);
  std::weak_ptr<ATask> weak = task;
  AThread* thread = nullptr;
  if ((!f.opts->async || f.opts->callback) && !in->frames_may_block && !st->frames_may_block) {
    NW_TRY_ASSIGN(thread, NewLoopThread(as, task));
  } else {
    NW_TRY_ASSIGN(thread, NewThread(as, task, [weak, box]() {
      auto tp = weak.lock();
      if (!tp) return;
      Status s = LiftBody(tp);
      if (!s && !box->error) box->error = s.error();
    }));
  }
  // A non-async-typed call's "cannot block before returning" scope (CheckMayBlock), left on
  // every path out.
  struct SyncScope {
    AsyncInstance* in;
    bool on;
    SyncScope(AsyncInstance* i, bool o) : in(i), on(o) {
      if (on) ++in->sync_calls;
    }
    ~SyncScope() {
      if (on) --in->sync_calls;
    }
  } scope(in, !f.type_async);
  ResumeThread(thread);
  if (box->error) return std::unexpected(*box->error);
  if (!f.type_async) {
    while (task->state != TaskState::kResolved) {
      AThread* pick = PickStackThread(*in, nullptr);
      if (!pick) return Trap(kTrapCannotBlock);
      ResumeThread(pick);
      if (box->error) return std::unexpected(*box->error);
    }
  }
  st->LeaveTo(caller);
  return OnCancel([task](ComponentInstanceState* c) { return RequestCancellation(task, c); });
}

}  // namespace

// ---- waitables ------------------------------------------------------------------------------

namespace {

struct WaitableSet;

struct Waitable : AsyncElem {
  using AsyncElem::AsyncElem;
  std::function<Event()> pending;
  WaitableSet* wset = nullptr;
  bool has_sync_waiter = false;
  bool has_pending_event() const { return static_cast<bool>(pending); }
  Event GetPendingEvent() {
    auto p = std::move(pending);
    pending = nullptr;
    return p();
  }
  void Join(WaitableSet* s);
  ~Waitable() override { Join(nullptr); }
};

struct WaitableSet : AsyncElem {
  WaitableSet() : AsyncElem(Kind::kWaitableSet) {}
  ~WaitableSet() override;  // (a handle table dies in any order: its members forget it)
  std::vector<Waitable*> elems;
  int num_waiting = 0;
  bool has_pending_event() const {
    for (Waitable* w : elems)
      if (w->has_pending_event()) return true;
    return false;
  }
  Event GetPendingEvent() {
    for (Waitable* w : elems)
      if (w->has_pending_event()) {
        // Rotate so every waitable gets its turn (the spec shuffles).
        std::erase(elems, w);
        elems.push_back(w);
        return w->GetPendingEvent();
      }
    return {};
  }
};

WaitableSet::~WaitableSet() {
  for (Waitable* w : elems) w->wset = nullptr;
}

void Waitable::Join(WaitableSet* s) {
  if (wset) std::erase(wset->elems, this);
  wset = s;
  if (s) s->elems.push_back(this);
}

Status WaitForPendingEvent(Waitable& w) {
  w.has_sync_waiter = true;
  AThread* t = tl_current;
  if (!t) return Trap("cannot block outside a task");
  auto r = WaitUntil(t, [&w]() { return w.has_pending_event(); }, false);
  w.has_sync_waiter = false;
  if (!r) return std::unexpected(r.error());
  return Ok();
}

bool SetHasEvent(AsyncElem* ws) { return static_cast<WaitableSet*>(ws)->has_pending_event(); }
Event SetTakeEvent(AsyncElem* ws) { return static_cast<WaitableSet*>(ws)->GetPendingEvent(); }
void SetAddWaiting(AsyncElem* ws, int delta) { static_cast<WaitableSet*>(ws)->num_waiting += delta; }

Result<Event> WaitForEventAnd(AThread* t, AsyncElem* e, std::function<bool()> ready, bool cancellable) {
  auto* ws = static_cast<WaitableSet*>(e);
  ++ws->num_waiting;
  auto r = WaitUntil(t, [ws, ready]() { return ready() && ws->has_pending_event(); }, cancellable);
  Event ev;
  if (r && *r) ev = {kEventTaskCancelled, 0, 0};
  else if (r) ev = ws->GetPendingEvent();
  --ws->num_waiting;
  if (!r) return std::unexpected(r.error());
  return ev;
}

enum class SubState : uint32_t { kStarting = 0, kStarted = 1, kReturned = 2, kCancelledBeforeStarted = 3, kCancelledBeforeReturned = 4 };

struct ASubtask : Waitable {
  ASubtask(ComponentInstanceState* caller) : Waitable(Kind::kSubtask), lends(caller) {}
  SubState state = SubState::kStarting;
  OnCancel on_cancel;
  Subtask lends;
  bool delivered = false;
  bool cancellation_requested = false;
  std::array<uint64_t, 1> flat_results{};
  bool resolved() const { return state != SubState::kStarting && state != SubState::kStarted; }
  void DeliverResolve() {
    lends.DeliverResolve();
    delivered = true;
  }
};

// ---- streams and futures ---------------------------------------------------------------------

struct Buffer {
  Side cx;
  CanonOptions opts;
  bool has_elem = false;
  uint32_t elem_size = 0;
  const ValuesPlan* elem_plan = nullptr;
  uint32_t ptr = 0, progress = 0, length = 0;
  uint32_t remain() const { return length - progress; }
  bool zero_length() const { return length == 0; }
};

struct Shared {
  bool future = false;
  std::string type;
  bool numeric = true;  // none_or_number_type
  bool dropped = false;
  ComponentInstanceState* pending_inst = nullptr;
  Buffer* pending_buffer = nullptr;
  std::function<void()> pending_on_copy;  // on_copy(reclaim = reset_pending)
  std::function<void(uint32_t)> pending_on_copy_done;
  void ResetPending() {
    pending_inst = nullptr;
    pending_buffer = nullptr;
    pending_on_copy = nullptr;
    pending_on_copy_done = nullptr;
  }
  void ResetAndNotifyPending(uint32_t result) {
    auto done = std::move(pending_on_copy_done);
    ResetPending();
    if (done) done(result);
  }
};

enum CopyResult : uint32_t { kCompleted = 0, kDropped = 1, kCancelled = 2 };
enum class CopyState { kIdle, kCopying, kCancelling, kDone };

struct CopyEnd : Waitable {
  CopyEnd(Kind k, std::shared_ptr<Shared> s) : Waitable(k), shared(std::move(s)) {}
  CopyState state = CopyState::kIdle;
  std::shared_ptr<Shared> shared;
  std::unique_ptr<Buffer> buffer;
  bool pending_from_copy = false;  // the pending event is a partial copy's (on_copy)
  bool copying() const { return state == CopyState::kCopying || state == CopyState::kCancelling; }
};

// n elements from the readable buffer `src` into the writable buffer `dst`.
Status CopyElems(Buffer& dst, Buffer& src, uint32_t n) {
  if (src.has_elem) {
    src.cx.Refresh();
    dst.cx.Refresh();
    // load_list then store_list: within one memory the ranges may overlap, so copy in the
    // direction that reads every element before it is overwritten (as a memmove).
    bool backward = src.cx.mem.data == dst.cx.mem.data && dst.ptr > src.ptr;
    for (uint32_t k = 0; k < n; ++k) {
      uint32_t i = backward ? n - 1 - k : k;
      uint32_t sp = src.ptr + i * src.elem_size;
      uint32_t dp = dst.ptr + i * dst.elem_size;
      std::array<uint64_t, 1> in{sp};
      NW_TRY(PlanCopyValues(*src.elem_plan, src.cx, dst.cx, in, {}, &dp));
    }
    src.ptr += n * src.elem_size;
    dst.ptr += n * dst.elem_size;
  }
  src.progress += n;
  dst.progress += n;
  return Ok();
}

// One side of a stream rendezvous (definitions.py's SharedStreamImpl.read and .write): `mine`
// is the reader's buffer when `reading`, else the writer's; the other side, when one waits, is
// s.pending_buffer.
Status StreamCopy(Shared& s, ComponentInstanceState* inst, Buffer* mine, bool reading,
                  std::function<void()> on_copy, std::function<void(uint32_t)> on_copy_done) {
  auto set_pending = [&] {
    s.pending_inst = inst;
    s.pending_buffer = mine;
    s.pending_on_copy = std::move(on_copy);
    s.pending_on_copy_done = std::move(on_copy_done);
  };
  if (s.dropped) {
    on_copy_done(kDropped);
  } else if (!s.pending_buffer) {
    set_pending();
  } else {
    if (inst == s.pending_inst && !s.numeric) return Trap("cannot read from and write to intra-component stream");
    Buffer& other = *s.pending_buffer;
    if (other.remain() > 0) {
      if (mine->remain() > 0) {
        uint32_t n = std::min(mine->remain(), other.remain());
        NW_TRY(reading ? CopyElems(*mine, other, n) : CopyElems(other, *mine, n));
        auto oc = s.pending_on_copy;
        if (oc) oc();
      }
      on_copy_done(kCompleted);
    } else if (!reading && mine->zero_length() && other.zero_length()) {
      on_copy_done(kCompleted);
    } else {
      s.ResetAndNotifyPending(kCompleted);
      set_pending();
    }
  }
  return Ok();
}

Status FutureRead(Shared& s, ComponentInstanceState* inst, Buffer* dst, std::function<void(uint32_t)> done) {
  if (!s.pending_buffer) {
    s.pending_inst = inst;
    s.pending_buffer = dst;
    s.pending_on_copy_done = std::move(done);
  } else {
    if (inst == s.pending_inst && !s.numeric) return Trap("cannot read from and write to intra-component future");
    NW_TRY(CopyElems(*dst, *s.pending_buffer, 1));
    s.ResetAndNotifyPending(kCompleted);
    done(kCompleted);
  }
  return Ok();
}

Status FutureWrite(Shared& s, ComponentInstanceState* inst, Buffer* src, std::function<void(uint32_t)> done) {
  if (s.dropped) {
    done(kDropped);
  } else if (!s.pending_buffer) {
    s.pending_inst = inst;
    s.pending_buffer = src;
    s.pending_on_copy_done = std::move(done);
  } else {
    if (inst == s.pending_inst && !s.numeric) return Trap("cannot read from and write to intra-component future");
    NW_TRY(CopyElems(*s.pending_buffer, *src, 1));
    s.ResetAndNotifyPending(kCompleted);
    done(kCompleted);
  }
  return Ok();
}

void SharedDrop(Shared& s) {
  if (!s.dropped) {
    s.dropped = true;
    if (s.pending_buffer) s.ResetAndNotifyPending(kDropped);
  }
}

struct ErrorContext : AsyncElem {
  ErrorContext() : AsyncElem(Kind::kErrorContext) {}
  std::string message;
};

}  // namespace

// ---- the async store ------------------------------------------------------------------------

AsyncStore::~AsyncStore() {
  // Every suspended thread is resumed once with `aborting` set: its blocking call returns a
  // trap, its core frames unwind, and its host thread ends.
  aborting = true;
  while (!threads.empty()) {
    AThread* t = threads.begin()->first;
    if (!t->host_started) {
      FreeThread(t);
      continue;
    }
    t->ready_func = nullptr;
    ResumeThread(t);
  }
}

AsyncStore& AsyncOf(ComponentStore& cs) {
  if (!cs.async_store()) cs.set_async_store(new AsyncStore(cs));
  return *cs.async_store();
}

void DestroyAsyncStore(AsyncStore* as) { delete as; }

void MarkAsyncInstance(ComponentStore& cs, ComponentInstanceState* inst) {
  if (inst->async_state) return;
  auto* a = cs.Make<AsyncInstance>();
  a->state = inst;
  a->store = &AsyncOf(cs);
  inst->async_state = a;
  static constexpr AsyncValueOps kOps{LiftAsyncValue, LowerAsyncValue};
  inst->async_ops = &kOps;
}

bool NeedsAsyncCall(const RtFunc& f) {
  if (f.host.call) return false;
  return f.type_async || (f.opts && f.opts->async) || (f.inst && f.inst->async_state);
}

// Store.tick until `done`; traps when nothing is ready.
static Status RunEventLoop(AsyncStore& as, const std::function<bool()>& done,
                           const std::shared_ptr<TrapBox>& box) {
  while (!done()) {
    AThread* pick = nullptr;
    // A thread of a trapped instance (never entered again) is not resumed.
    for (AThread* t : as.waiting)
      if (t->ready() && t->task->inst->state->MayEnterFrom(nullptr)) {
        pick = t;
        break;
      }
    if (!pick) return Trap("deadlock detected: event loop cannot make further progress");
    ComponentInstanceState* st = pick->task->inst->state;
    st->EnterFrom(nullptr);
    ++as.nesting_depth;
    ResumeThread(pick);
    --as.nesting_depth;
    st->LeaveTo(nullptr);
    if (box->error) return std::unexpected(*box->error);
  }
  return Ok();
}

Result<std::vector<ComponentValue>> AsyncCallFromHost(ComponentStore& cs, const RtFunc& f,
                                                      std::span<const ComponentValue> args) {
  AsyncStore& as = AsyncOf(cs);
  if (args.size() != f.plan.params.types.size()) return MakeError("wrong number of arguments");
  for (size_t i = 0; i < args.size(); ++i) NW_TRY(CheckValue(*f.plan.types, f.plan.params.types[i], args[i]));
  auto box = as.box;
  auto result = std::make_shared<std::optional<std::vector<ComponentValue>>>();
  auto resolved = std::make_shared<bool>(false);
  std::vector<ComponentValue> a(args.begin(), args.end());
  OnStart on_start = [a]() -> Result<std::vector<ComponentValue>> { return a; };
  OnResolve on_resolve = [result, resolved](std::optional<std::vector<ComponentValue>> r) -> Status {
    *result = std::move(r);
    *resolved = true;
    return Ok();
  };
  ++as.nesting_depth;
  auto on_cancel = LiftCall(as, f, on_start, on_resolve, nullptr, box);
  --as.nesting_depth;
  Status run = on_cancel ? RunEventLoop(as, [resolved]() { return *resolved; }, box)
                         : Status(std::unexpected(on_cancel.error()));
  if (box->error) {
    // The trap is reported once; the trapped instances stay closed (may_enter false).
    Error e = *box->error;
    box->error.reset();
    return std::unexpected(e);
  }
  NW_TRY(run);
  if (!*result) return MakeError("the call was cancelled");
  return std::move(**result);
}

// ---- canon lower ----------------------------------------------------------------------------

Result<LowerInfo*> PrepareLower(ComponentStore& cs, const RtFunc* callee, RtOptions* opts,
                                ComponentInstanceState* caller, bool async) {
  auto* li = cs.Make<LowerInfo>();
  li->callee = callee;
  li->opts = opts;
  li->caller = caller;
  li->async = async;
  // A sync lower of an async-typed callee blocks its caller until the callee returns.
  if (!async && callee->type_async) caller->frames_may_block = true;
  const FunctionPlan& fp = callee->plan;
  auto core = [](FlatType t) {
    switch (t) {
      case FlatType::kI32: return nw::ValType::kI32;
      case FlatType::kI64: return nw::ValType::kI64;
      case FlatType::kF32: return nw::ValType::kF32;
      case FlatType::kF64: return nw::ValType::kF64;
    }
    return nw::ValType::kI32;
  };
  if (!async) {
    for (FlatType t : fp.lower_sig.params) li->core_type.params.push_back(core(t));
    for (FlatType t : fp.lower_sig.results) li->core_type.results.push_back(core(t));
    return li;
  }
  li->async_params = CompileValues(*fp.types, fp.params.types, 4);
  li->async_results = CompileValues(*fp.types, fp.results.types, 0);
  if (li->async_params.in_memory) {
    li->core_type.params.push_back(nw::ValType::kI32);
  } else {
    for (FlatType t : fp.types->FlattenTypes(fp.params.types)) li->core_type.params.push_back(core(t));
  }
  if (!fp.results.types.empty()) li->core_type.params.push_back(nw::ValType::kI32);
  li->core_type.results.push_back(nw::ValType::kI32);
  return li;
}

Status AsyncLowerCall(ComponentStore& cs, const LowerInfo& li, std::span<const uint64_t> args,
                      std::span<uint64_t> results) {
  AsyncStore& as = AsyncOf(cs);
  ComponentInstanceState* caller = li.caller;
  if (!caller->may_leave()) return Trap(kTrapCannotLeave);
  const RtFunc& f = *li.callee;
  // An async-typed callee may block, and a sync lower then blocks its caller.
  if (!li.async && f.type_async) NW_TRY(CheckMayBlock(tl_current));
  auto subtask = std::make_shared<ASubtask>(caller);
  // The callee is another component's lift (a host callee is refused at instantiation).
  auto cx = std::make_shared<Side>(Side{&li.opts->opts, caller, nullptr, &subtask->lends, {}, nullptr, true});
  std::vector<uint64_t> flat(args.begin(), args.end());
  auto progress = std::make_shared<std::function<void()>>();
  const ValuesPlan& pplan = li.async ? li.async_params : f.plan.params;
  const ValuesPlan& rplan = li.async ? li.async_results : f.plan.results;
  uint32_t out_index = pplan.flat_count;
  ASubtask* sp = subtask.get();
  OnStart on_start = [sp, cx, flat, progress, &pplan]() -> Result<std::vector<ComponentValue>> {
    if (*progress) (*progress)();
    sp->state = SubState::kStarted;
    cx->Refresh();
    return PlanLiftValues(pplan, *cx, flat);
  };
  OnResolve on_resolve = [sp, cx, flat, progress, &rplan, out_index, &f](std::optional<std::vector<ComponentValue>> r) -> Status {
    if (*progress) (*progress)();
    if (!r) {
      sp->state = sp->state == SubState::kStarting ? SubState::kCancelledBeforeStarted
                                                   : SubState::kCancelledBeforeReturned;
      return Ok();
    }
    cx->Refresh();
    if (rplan.in_memory) {
      NW_TRY(PlanLowerValuesTo(rplan, *f.plan.types, *cx, *r, static_cast<uint32_t>(flat[out_index]), {}));
    } else {
      NW_TRY(PlanLowerValuesTo(rplan, *f.plan.types, *cx, *r, 0, sp->flat_results));
    }
    sp->state = SubState::kReturned;
    return Ok();
  };
  auto box = as.box;
  NW_TRY_ASSIGN(sp->on_cancel, LiftCall(as, f, on_start, on_resolve, caller, box));
  if (!li.async) {
    if (!sp->resolved()) {
      AThread* t = tl_current;
      if (!t) {
        NW_TRY(RunEventLoop(as, [sp]() { return sp->resolved(); }, box));
      } else {
        NW_TRY(WaitUntil(t, [sp]() { return sp->resolved(); }, false));
      }
    }
    sp->DeliverResolve();
    for (size_t i = 0; i < results.size(); ++i) results[i] = sp->flat_results[i];
    return Ok();
  }
  if (sp->resolved()) {
    sp->DeliverResolve();
    results[0] = static_cast<uint32_t>(SubState::kReturned);
    return Ok();
  }
  NW_TRY_ASSIGN(uint32_t i, caller->handles().AddAsync(subtask));
  *progress = [sp, i]() {
    sp->pending = [sp, i]() {
      if (sp->resolved() && !sp->delivered) sp->DeliverResolve();
      return Event{kEventSubtask, i, static_cast<uint32_t>(sp->state)};
    };
  };
  results[0] = static_cast<uint32_t>(sp->state) | (i << 4);
  return Ok();
}

// ---- lift/lower of stream and future values ----------------------------------------------------

Result<uint32_t> LiftAsyncValue(Side& src, uint32_t i, TypeKind kind, const std::string& type) {
  if (!src.inst || !src.inst->async_state) return Trap("unknown handle index");
  NW_TRY_ASSIGN(AsyncElem * el, src.inst->handles().GetAsync(i));
  auto want = kind == TypeKind::kStream ? AsyncElem::Kind::kReadableStream : AsyncElem::Kind::kReadableFuture;
  if (!el || el->kind != want) return Trap("handle is not the readable end of a stream or future");
  auto* e = static_cast<CopyEnd*>(el);
  if (e->shared->type != type) return Trap("stream or future of another type");
  if (e->state != CopyState::kIdle) return Trap(kind == TypeKind::kStream ? "cannot lift stream after being notified that the writable end dropped" : "cannot lift future after previous read succeeded");
  if (e->wset) return Trap(kind == TypeKind::kStream ? "cannot lift stream while it's in a waitable set" : "cannot lift future while it's in a waitable set");
  NW_TRY_ASSIGN(std::shared_ptr<AsyncElem> r, src.inst->handles().RemoveAsync(i));
  AsyncStore* as = src.inst->async_state->store;
  uint32_t id = as->next_transfer++;
  as->in_flight[id] = std::move(r);
  return id;
}

Result<uint32_t> LowerAsyncValue(Side& dst, uint32_t id) {
  if (!dst.inst || !dst.inst->async_state) return MakeError("stream or future lowered into an instance without async state");
  AsyncStore* as = dst.inst->async_state->store;
  auto it = as->in_flight.find(id);
  if (it == as->in_flight.end()) return Trap("unknown stream or future");
  auto* old = static_cast<CopyEnd*>(it->second.get());
  auto fresh = std::make_shared<CopyEnd>(old->kind, old->shared);
  as->in_flight.erase(it);
  return dst.inst->handles().AddAsync(std::move(fresh));
}


// ---- built-ins --------------------------------------------------------------------------------

namespace {

using BuiltinFn = std::function<Status(std::span<const uint64_t>, std::span<uint64_t>)>;

Func* MakeHost(ComponentStore& cs, std::vector<nw::ValType> params, std::vector<nw::ValType> results,
               BuiltinFn fn) {
  auto* held = cs.Make<BuiltinFn>(std::move(fn));
  nw::FuncType ct;
  ct.params = std::move(params);
  ct.results = std::move(results);
  return Func::CreateHost(
      cs.store(), ct,
      [held](Caller&, std::span<const Val> args, std::span<Val> results) -> TrapResult<void> {
        std::array<uint64_t, kMaxFlatParams + 1> in{};
        std::array<uint64_t, 2> out{};
        size_t n = std::min(args.size(), in.size());
        for (size_t i = 0; i < n; ++i) in[i] = args[i].bits;
        Status st = (*held)(std::span<const uint64_t>(in.data(), n),
                            std::span<uint64_t>(out.data(), results.size()));
        if (!st) {
          nw::Trap t;
          t.kind = TrapKind::kHostError;
          const std::string& m = st.error().message;
          t.message = m.rfind("trap: ", 0) == 0 ? m.substr(6) : m;
          return std::unexpected(t);
        }
        for (size_t i = 0; i < results.size(); ++i) results[i] = Val::Make(results[i].type, out[i]);
        return {};
      });
}

Result<AThread*> Current() {
  if (!tl_current) return Trap("async built-in called outside a task");
  return tl_current;
}

template <class T>
Result<T*> GetElem(ComponentInstanceState* inst, uint32_t i, std::initializer_list<AsyncElem::Kind> kinds,
                   const char* what) {
  NW_TRY_ASSIGN(AsyncElem * e, inst->handles().GetAsync(i));
  if (e)
    for (AsyncElem::Kind k : kinds)
      if (e->kind == k) return static_cast<T*>(e);
  return Trap(std::string("handle is not a ") + what);
}

constexpr std::initializer_list<AsyncElem::Kind> kWaitableKinds = {
    AsyncElem::Kind::kSubtask, AsyncElem::Kind::kReadableStream, AsyncElem::Kind::kWritableStream,
    AsyncElem::Kind::kReadableFuture, AsyncElem::Kind::kWritableFuture};

Status StoreU32(MemoryView m, uint32_t ptr, uint32_t v) {
  if (uint64_t{ptr} + 4 > m.size) return Trap("out of bounds memory access");
  std::memcpy(m.data + ptr, &v, 4);
  return Ok();
}

Status StoreEvent(Memory* mem, uint32_t ptr, const Event& e) {
  if (!mem) return Trap("waitable-set.wait without a memory");
  auto d = mem->data();
  MemoryView m{d.data(), d.size()};
  NW_TRY(StoreU32(m, ptr, e.p1));
  return StoreU32(m, ptr + 4, e.p2);
}

bool NumericOrNone(const TypeTable& types, const AbiType& t) {
  if (!t.has_elem) return true;
  switch (types.Get(t.elem).kind) {
    case TypeKind::kU8: case TypeKind::kU16: case TypeKind::kU32: case TypeKind::kU64:
    case TypeKind::kS8: case TypeKind::kS16: case TypeKind::kS32: case TypeKind::kS64:
    case TypeKind::kF32: case TypeKind::kF64: return true;
    default: return false;
  }
}

struct CopyInfo {
  bool future = false;
  bool readable = false;
  std::string type;
  bool has_elem = false;
  uint32_t elem_size = 0, elem_align = 1;
  ValuesPlan elem_plan;
  RtOptions* opts = nullptr;
  ComponentInstanceState* inst = nullptr;
  AsyncElem::Kind kind;
  uint32_t event_code = 0;
};

Result<uint32_t> CopyBuiltin(const CopyInfo& ci, uint32_t i, uint32_t ptr, uint32_t n) {
  ComponentInstanceState* inst = ci.inst;
  if (!inst->may_leave()) return Trap(kTrapCannotLeave);
  if (!ci.opts->async) NW_TRY(CheckMayBlock(tl_current));
  NW_TRY_ASSIGN(AThread * thread, Current());
  (void)thread;
  NW_TRY_ASSIGN(CopyEnd * e, GetElem<CopyEnd>(inst, i, {ci.kind}, ci.future ? "future end of this direction" : "stream end of this direction"));
  if (e->shared->type != ci.type) return Trap("stream or future of another type");
  if (e->state != CopyState::kIdle) {
    if (e->state == CopyState::kDone)
      return Trap(ci.future ? (ci.readable ? "cannot read from future after previous read succeeded"
                                           : "cannot write to future after previous write succeeded or readable end dropped")
                            : (ci.readable ? "cannot read from stream after being notified that the writable end dropped"
                                           : "cannot write to stream after being notified that the readable end dropped"));
    return Trap("cannot have concurrent operations active on a future/stream");
  }
  bool async = ci.opts->async;
  if (e->wset && !async) return Trap("waitable cannot be used synchronously while added to a waitable set");
  auto buf = std::make_unique<Buffer>();
  buf->opts = ci.opts->opts;
  buf->cx = Side{&ci.opts->opts, inst, nullptr, nullptr, {}, nullptr};
  buf->has_elem = ci.has_elem;
  buf->elem_size = ci.elem_size;
  buf->elem_plan = &ci.elem_plan;
  buf->ptr = ptr;
  buf->length = n;
  if (n > kMaxBufferLength) return Trap("buffer too long");
  if (ci.has_elem && n > 0) {
    buf->cx.Refresh();
    if (ptr % ci.elem_align != 0) return Trap("unaligned pointer");
    if (uint64_t{ptr} + uint64_t{n} * ci.elem_size > buf->cx.mem.size) return Trap("buffer out of bounds");
  }
  e->buffer = std::move(buf);
  Buffer* b = e->buffer.get();
  std::shared_ptr<Shared> shared = e->shared;
  uint32_t code = ci.event_code;
  bool future = ci.future;
  auto event = [e, b, i, code, future](uint32_t result) {
    if (future) {
      e->state = (result == kDropped || result == kCompleted) ? CopyState::kDone : CopyState::kIdle;
      return Event{code, i, result};
    }
    e->state = result == kDropped ? CopyState::kDone : CopyState::kIdle;
    return Event{code, i, result | (b->progress << 4)};
  };
  // Raw pointers: the end owns the shared state, and the shared state keeps these closures
  // while the copy is pending (a shared_ptr here would be a cycle).
  Shared* sh = shared.get();
  auto on_copy = [e, event, sh]() {
    e->pending_from_copy = true;
    e->pending = [event, sh]() {
      sh->ResetPending();
      return event(kCompleted);
    };
  };
  auto on_copy_done = [e, event](uint32_t result) {
    e->pending_from_copy = false;
    e->pending = [event, result]() { return event(result); };
  };
  e->state = CopyState::kCopying;
  if (future) {
    NW_TRY(ci.readable ? FutureRead(*shared, inst, b, on_copy_done) : FutureWrite(*shared, inst, b, on_copy_done));
  } else {
    NW_TRY(StreamCopy(*shared, inst, b, ci.readable, on_copy, on_copy_done));
  }
  if (!e->has_pending_event()) {
    if (!async) {
      NW_TRY(WaitForPendingEvent(*e));
    } else {
      return kBlocked;
    }
  }
  return e->GetPendingEvent().p2;
}

Result<uint32_t> CancelCopy(const CopyInfo& ci, bool async, uint32_t i) {
  ComponentInstanceState* inst = ci.inst;
  if (!inst->may_leave()) return Trap(kTrapCannotLeave);
  if (!async) NW_TRY(CheckMayBlock(tl_current));
  NW_TRY_ASSIGN(AThread * thread, Current());
  (void)thread;
  NW_TRY_ASSIGN(CopyEnd * e, GetElem<CopyEnd>(inst, i, {ci.kind}, "stream or future end of this direction"));
  if (e->shared->type != ci.type) return Trap("stream or future of another type");
  if (e->state != CopyState::kCopying || e->has_sync_waiter) return Trap("no copy in progress to cancel");
  if (e->wset && !async) return Trap("waitable cannot be used synchronously while added to a waitable set");
  e->state = CopyState::kCancelling;
  if (e->has_pending_event() && e->pending_from_copy && e->shared->pending_buffer == e->buffer.get()) {
    // A partial copy happened and the copy is still open: the reference suite expects the cancel
    // to report CANCELLED with the progress made (definitions.py would report COMPLETED).
    e->pending = nullptr;
    e->shared->ResetAndNotifyPending(kCancelled);
  }
  if (!e->has_pending_event()) {
    e->shared->ResetAndNotifyPending(kCancelled);
    if (!e->has_pending_event()) {
      if (!async) {
        NW_TRY(WaitForPendingEvent(*e));
      } else {
        return kBlocked;
      }
    }
  }
  return e->GetPendingEvent().p2;
}

Status DropEnd(const CopyInfo& ci, uint32_t i) {
  ComponentInstanceState* inst = ci.inst;
  if (!inst->may_leave()) return Trap(kTrapCannotLeave);
  NW_TRY_ASSIGN(CopyEnd * e, GetElem<CopyEnd>(inst, i, {ci.kind}, "stream or future end of this direction"));
  if (e->shared->type != ci.type) return Trap("stream or future of another type");
  if (ci.future && !ci.readable && e->state != CopyState::kDone)
    return Trap("cannot drop future write end without first writing a value");
  // The suite's wording: a busy readable end is "removed", a busy writable end "dropped".
  if (e->copying())
    return Trap(ci.readable ? (ci.future ? "cannot remove busy future" : "cannot remove busy stream")
                            : (ci.future ? "cannot drop busy future" : "cannot drop busy stream"));
  NW_TRY_ASSIGN(std::shared_ptr<AsyncElem> removed, inst->handles().RemoveAsync(i));
  SharedDrop(*e->shared);
  e->Join(nullptr);
  return Ok();
}

}  // namespace

namespace {

// Whether the built-in can suspend the thread that calls it (with the caller's core frames live).
bool BuiltinMayBlock(CanonKind k, bool flag, bool async_opts) {
  switch (k) {
    case CanonKind::kThreadYield: case CanonKind::kThreadSuspend:
    case CanonKind::kThreadSuspendThenResume: case CanonKind::kThreadYieldThenResume:
    case CanonKind::kThreadSuspendThenPromote: case CanonKind::kThreadYieldThenPromote:
    case CanonKind::kThreadNewIndirect: case CanonKind::kWaitableSetWait:
      return true;
    case CanonKind::kSubtaskCancel: case CanonKind::kStreamCancelRead: case CanonKind::kStreamCancelWrite:
    case CanonKind::kFutureCancelRead: case CanonKind::kFutureCancelWrite:
      return !flag;
    case CanonKind::kStreamRead: case CanonKind::kStreamWrite: case CanonKind::kFutureRead:
    case CanonKind::kFutureWrite:
      return !async_opts;
    default:
      return false;
  }
}

}  // namespace

uint64_t AsyncHostThreadsStarted(ComponentStore& cs) {
  return cs.async_store() ? cs.async_store()->host_threads_started : 0;
}

size_t AsyncLiveCallbackTasks(ComponentStore& cs) {
  return cs.async_store() ? cs.async_store()->loop_threads : 0;
}

Result<Func*> MakeAsyncBuiltin(ComponentStore& cs, const BuiltinSpec& spec) {
  const Canon& c = *spec.canon;
  ComponentInstanceState* inst = spec.inst;
  MarkAsyncInstance(cs, inst);
  AsyncInstance* ain = inst->async_state;
  using VT = nw::ValType;
  const VT I = VT::kI32;
  bool flag = c.flag;
  if (BuiltinMayBlock(c.kind, flag, spec.opts && spec.opts->async)) ain->frames_may_block = true;
  switch (c.kind) {
    case CanonKind::kContextGet:
    case CanonKind::kContextSet: {
      uint32_t slot = c.index;
      if (slot >= 2) return MakeError(c.offset, "context slot out of range");
      if (c.kind == CanonKind::kContextGet)
        return MakeHost(cs, {}, {c.core_type}, [slot](auto, auto r) -> Status {
          NW_TRY_ASSIGN(AThread * t, Current());
          r[0] = t->storage[slot];
          return Ok();
        });
      return MakeHost(cs, {c.core_type}, {}, [slot](auto a, auto) -> Status {
        NW_TRY_ASSIGN(AThread * t, Current());
        t->storage[slot] = a[0];
        return Ok();
      });
    }
    case CanonKind::kBackpressureInc:
      return MakeHost(cs, {}, {}, [ain](auto, auto) -> Status {
        if (++ain->backpressure >= (1 << 16)) return Trap("backpressure counter overflow");
        return Ok();
      });
    case CanonKind::kBackpressureDec:
      return MakeHost(cs, {}, {}, [ain](auto, auto) -> Status {
        if (--ain->backpressure < 0) return Trap("backpressure counter underflow");
        return Ok();
      });
    case CanonKind::kTaskReturn: {
      const TypeTable& types = cs.types();
      auto* plan = cs.Make<ValuesPlan>(CompileValues(types, spec.result, kMaxFlatParams));
      std::vector<VT> params;
      if (plan->in_memory) params.push_back(I);
      else
        for (FlatType t : types.FlattenTypes(spec.result))
          params.push_back(t == FlatType::kI32 ? VT::kI32 : t == FlatType::kI64 ? VT::kI64 : t == FlatType::kF32 ? VT::kF32 : VT::kF64);
      std::string desc;
      for (TypeId t : spec.result) desc += types.Describe(t) + ";";
      RtOptions* o = spec.opts;
      return MakeHost(cs, params, {}, [plan, desc, o, inst, &types](auto a, auto) -> Status {
        NW_TRY_ASSIGN(AThread * t, Current());
        ATask& task = *t->task;
        if (!task.inst->state->may_leave()) return Trap(kTrapCannotLeave);
        if (!task.opts_async()) return Trap("task.return of a task lifted without async");
        std::string want;
        for (TypeId r : task.func->type.results) want += types.Describe(r) + ";";
        if (want != desc) return Trap("task.return's result type does not match the task's");
        const RtOptions& to = *task.func->opts;
        // LiftOptions.equal; a task.return without a memory option names no memory to differ.
        if ((o->memory && to.memory != o->memory) || to.opts.string_encoding != o->opts.string_encoding)
          return Trap("task.return's options do not match the task's");
        Side cx{&o->opts, task.inst->state, &task.borrows, nullptr, {}, nullptr, task.from_component};
        cx.Refresh();
        NW_TRY_ASSIGN(std::vector<ComponentValue> result, PlanLiftValues(*plan, cx, a));
        (void)inst;
        return TaskReturn(task, std::move(result));
      });
    }
    case CanonKind::kTaskCancel:
      return MakeHost(cs, {}, {}, [](auto, auto) -> Status {
        NW_TRY_ASSIGN(AThread * t, Current());
        ATask& task = *t->task;
        if (!task.inst->state->may_leave()) return Trap(kTrapCannotLeave);
        if (!task.opts_async()) return Trap("task.cancel of a task lifted without async");
        return TaskReturn(task, std::nullopt);
      });
    case CanonKind::kThreadYield:
      return MakeHost(cs, {}, {I}, [flag](auto, auto r) -> Status {
        NW_TRY_ASSIGN(AThread * t, Current());
        if (!t->task->inst->state->may_leave()) return Trap(kTrapCannotLeave);
        NW_TRY_ASSIGN(bool cancelled, WaitUntil(t, []() { return true; }, flag, true));
        r[0] = cancelled;
        return Ok();
      });
    case CanonKind::kThreadIndex:
      return MakeHost(cs, {}, {I}, [](auto, auto r) -> Status {
        NW_TRY_ASSIGN(AThread * t, Current());
        if (!t->task->inst->state->may_leave()) return Trap(kTrapCannotLeave);
        r[0] = t->index;
        return Ok();
      });
    case CanonKind::kThreadSuspend:
      return MakeHost(cs, {}, {I}, [inst, flag](auto, auto r) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        NW_TRY(CheckMayBlock(tl_current));
        NW_TRY_ASSIGN(AThread * t, Current());
        NW_TRY_ASSIGN(bool cancelled, Suspend(t, flag));
        r[0] = cancelled;
        return Ok();
      });
    case CanonKind::kThreadResumeLater:
      return MakeHost(cs, {I}, {}, [ain](auto a, auto) -> Status {
        uint32_t i = static_cast<uint32_t>(a[0]);
        if (i == 0 || i >= ain->threads.size() || !ain->threads[i]) return Trap("unknown thread index");
        AThread* o = ain->threads[i];
        if (!o->suspended()) return Trap("thread is not suspended");
        StartWaiting(o, []() { return true; });
        return Ok();
      });
    case CanonKind::kThreadSuspendThenResume:
    case CanonKind::kThreadYieldThenResume:
    case CanonKind::kThreadSuspendThenPromote:
    case CanonKind::kThreadYieldThenPromote: {
      CanonKind k = c.kind;
      return MakeHost(cs, {I}, {I}, [ain, flag, k](auto a, auto r) -> Status {
        NW_TRY_ASSIGN(AThread * t, Current());
        if (!t->task->inst->state->may_leave()) return Trap(kTrapCannotLeave);
        uint32_t i = static_cast<uint32_t>(a[0]);
        if (i == 0 || i >= ain->threads.size() || !ain->threads[i]) return Trap("unknown thread index");
        AThread* o = ain->threads[i];
        bool promote = k == CanonKind::kThreadSuspendThenPromote || k == CanonKind::kThreadYieldThenPromote;
        bool yield = k == CanonKind::kThreadYieldThenResume || k == CanonKind::kThreadYieldThenPromote;
        if (!promote && !o->suspended()) return Trap("thread is not suspended");
        if (t->task->DeliverPendingCancel(flag)) {
          r[0] = 1;
          return Ok();
        }
        bool switch_to = true;
        if (promote) {
          if (o->ready()) StopWaiting(o);
          else switch_to = false;
        }
        if (yield) StartWaiting(t, []() { return true; });
        NW_TRY_ASSIGN(bool cancelled, BlockInternal(t, flag, switch_to ? o : nullptr));
        r[0] = cancelled;
        return Ok();
      });
    }
    case CanonKind::kThreadNewIndirect: {
      Table* table = spec.table;
      if (!table) return MakeError(c.offset, "thread.new-indirect without a table");
      return MakeHost(cs, {I, I}, {I}, [ain, table](auto a, auto r) -> Status {
        NW_TRY_ASSIGN(AThread * t, Current());
        std::shared_ptr<ATask> task = t->task;
        if (!task->inst->state->may_leave()) return Trap(kTrapCannotLeave);
        auto v = table->Get(static_cast<uint32_t>(a[0]));
        if (!v) return Trap("out of bounds table access");
        if (!v->func) return Trap("uninitialized element");
        Func* f = v->func;
        const nw::FuncType& ft = f->type();
        if (ft.params.size() != 1 || ft.params[0] != VT::kI32 || !ft.results.empty())
          return Trap("thread.new-indirect: function of the wrong type");
        uint64_t arg = a[1];
        AsyncStore* as = ain->store;
        auto slot = std::make_shared<AThread*>(nullptr);
        std::weak_ptr<ATask> weak = task;
        NW_TRY_ASSIGN(AThread * nt, NewThread(*as, task, [weak, f, arg, as, slot]() {
          auto tp = weak.lock();
          if (!tp) return;
          std::array<uint64_t, 1> args{arg};
          Status st = CallCoreFunc(as->store(), f, args, {});
          if (st) st = UnregisterThread(*tp, *slot);
          if (!st && !as->box->error) as->box->error = st.error();
        }));
        *slot = nt;
        NW_TRY(RegisterThread(*task, nt));
        r[0] = nt->index;
        return Ok();
      });
    }
    case CanonKind::kWaitableSetNew:
      return MakeHost(cs, {}, {I}, [inst](auto, auto r) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        NW_TRY_ASSIGN(r[0], inst->handles().AddAsync(std::make_shared<WaitableSet>()));
        return Ok();
      });
    case CanonKind::kWaitableSetWait:
    case CanonKind::kWaitableSetPoll: {
      bool poll = c.kind == CanonKind::kWaitableSetPoll;
      Memory* mem = spec.memory;
      return MakeHost(cs, {I, I}, {I}, [inst, poll, flag, mem](auto a, auto r) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        if (!poll) NW_TRY(CheckMayBlock(tl_current));
        NW_TRY_ASSIGN(AThread * t, Current());
        NW_TRY_ASSIGN(WaitableSet * ws, GetElem<WaitableSet>(inst, static_cast<uint32_t>(a[0]),
                                                             {AsyncElem::Kind::kWaitableSet}, "waitable set"));
        Event e;
        if (poll) {
          if (t->task->DeliverPendingCancel(flag)) e = {kEventTaskCancelled, 0, 0};
          else if (ws->has_pending_event()) e = ws->GetPendingEvent();
        } else {
          NW_TRY_ASSIGN(e, WaitForEventAnd(t, ws, []() { return true; }, flag));
        }
        NW_TRY(StoreEvent(mem, static_cast<uint32_t>(a[1]), e));
        r[0] = e.code;
        return Ok();
      });
    }
    case CanonKind::kWaitableSetDrop:
      return MakeHost(cs, {I}, {}, [inst](auto a, auto) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        uint32_t i = static_cast<uint32_t>(a[0]);
        NW_TRY_ASSIGN(WaitableSet * ws, GetElem<WaitableSet>(inst, i, {AsyncElem::Kind::kWaitableSet}, "waitable set"));
        if (!ws->elems.empty() || ws->num_waiting > 0) return Trap("cannot drop waitable set with waiters");
        NW_TRY_ASSIGN(std::shared_ptr<AsyncElem> removed, inst->handles().RemoveAsync(i));
        return Ok();
      });
    case CanonKind::kWaitableJoin:
      return MakeHost(cs, {I, I}, {}, [inst](auto a, auto) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        NW_TRY_ASSIGN(Waitable * w, GetElem<Waitable>(inst, static_cast<uint32_t>(a[0]), kWaitableKinds, "waitable"));
        if (w->has_sync_waiter) return Trap("waitable cannot be used synchronously while added to a waitable set");
        uint32_t si = static_cast<uint32_t>(a[1]);
        if (si == 0) {
          w->Join(nullptr);
          return Ok();
        }
        NW_TRY_ASSIGN(WaitableSet * ws, GetElem<WaitableSet>(inst, si, {AsyncElem::Kind::kWaitableSet}, "waitable set"));
        w->Join(ws);
        return Ok();
      });
    case CanonKind::kSubtaskDrop:
      return MakeHost(cs, {I}, {}, [inst](auto a, auto) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        uint32_t i = static_cast<uint32_t>(a[0]);
        NW_TRY_ASSIGN(ASubtask * s, GetElem<ASubtask>(inst, i, {AsyncElem::Kind::kSubtask}, "subtask"));
        if (!s->delivered) return Trap("cannot drop a subtask which has not yet resolved");
        NW_TRY_ASSIGN(std::shared_ptr<AsyncElem> removed, inst->handles().RemoveAsync(i));
        s->Join(nullptr);
        return Ok();
      });
    case CanonKind::kSubtaskCancel:
      return MakeHost(cs, {I}, {I}, [inst, flag](auto a, auto r) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        if (!flag) NW_TRY(CheckMayBlock(tl_current));
        NW_TRY_ASSIGN(AThread * t, Current());
        (void)t;
        uint32_t i = static_cast<uint32_t>(a[0]);
        NW_TRY_ASSIGN(ASubtask * s, GetElem<ASubtask>(inst, i, {AsyncElem::Kind::kSubtask}, "subtask"));
        if (s->delivered) return Trap("subtask already resolved");
        if (s->cancellation_requested) return Trap("subtask cancellation already requested");
        if (s->wset && !flag) return Trap("waitable cannot be used synchronously while added to a waitable set");
        if (!s->resolved()) {
          s->cancellation_requested = true;
          NW_TRY(s->on_cancel(inst));
          if (!s->resolved()) {
            if (!flag) {
              NW_TRY(WaitForPendingEvent(*s));
            } else {
              r[0] = kBlocked;
              return Ok();
            }
          }
        }
        Event e = s->GetPendingEvent();
        r[0] = e.p2;
        return Ok();
      });
    case CanonKind::kStreamNew:
    case CanonKind::kFutureNew: {
      bool future = c.kind == CanonKind::kFutureNew;
      const AbiType& at = cs.types().Get(spec.type);
      std::string type = cs.types().Describe(spec.type);
      bool numeric = NumericOrNone(cs.types(), at);
      return MakeHost(cs, {}, {VT::kI64}, [inst, future, type, numeric](auto, auto r) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        auto sh = std::make_shared<Shared>();
        sh->future = future;
        sh->type = type;
        sh->numeric = numeric;
        NW_TRY_ASSIGN(uint32_t ri, inst->handles().AddAsync(std::make_shared<CopyEnd>(
                                       future ? AsyncElem::Kind::kReadableFuture : AsyncElem::Kind::kReadableStream, sh)));
        NW_TRY_ASSIGN(uint32_t wi, inst->handles().AddAsync(std::make_shared<CopyEnd>(
                                       future ? AsyncElem::Kind::kWritableFuture : AsyncElem::Kind::kWritableStream, sh)));
        r[0] = uint64_t{ri} | (uint64_t{wi} << 32);
        return Ok();
      });
    }
    case CanonKind::kStreamRead: case CanonKind::kStreamWrite: case CanonKind::kFutureRead:
    case CanonKind::kFutureWrite: case CanonKind::kStreamCancelRead: case CanonKind::kStreamCancelWrite:
    case CanonKind::kFutureCancelRead: case CanonKind::kFutureCancelWrite:
    case CanonKind::kStreamDropReadable: case CanonKind::kStreamDropWritable:
    case CanonKind::kFutureDropReadable: case CanonKind::kFutureDropWritable: {
      CanonKind k = c.kind;
      auto* ci = cs.Make<CopyInfo>();
      ci->future = k == CanonKind::kFutureRead || k == CanonKind::kFutureWrite || k == CanonKind::kFutureCancelRead ||
                   k == CanonKind::kFutureCancelWrite || k == CanonKind::kFutureDropReadable ||
                   k == CanonKind::kFutureDropWritable;
      ci->readable = k == CanonKind::kStreamRead || k == CanonKind::kFutureRead || k == CanonKind::kStreamCancelRead ||
                     k == CanonKind::kFutureCancelRead || k == CanonKind::kStreamDropReadable ||
                     k == CanonKind::kFutureDropReadable;
      ci->kind = ci->future ? (ci->readable ? AsyncElem::Kind::kReadableFuture : AsyncElem::Kind::kWritableFuture)
                            : (ci->readable ? AsyncElem::Kind::kReadableStream : AsyncElem::Kind::kWritableStream);
      ci->event_code = ci->future ? (ci->readable ? kEventFutureRead : kEventFutureWrite)
                                  : (ci->readable ? kEventStreamRead : kEventStreamWrite);
      ci->type = cs.types().Describe(spec.type);
      const AbiType& at = cs.types().Get(spec.type);
      ci->has_elem = at.has_elem;
      if (at.has_elem) {
        const AbiType& et = cs.types().Get(at.elem);
        ci->elem_size = et.size;
        ci->elem_align = et.align;
        TypeId e = at.elem;
        ci->elem_plan = CompileValues(cs.types(), std::span<const TypeId>(&e, 1), 0);
      }
      ci->opts = spec.opts;
      ci->inst = inst;
      if (k == CanonKind::kStreamRead || k == CanonKind::kStreamWrite)
        return MakeHost(cs, {I, I, I}, {I}, [ci](auto a, auto r) -> Status {
          NW_TRY_ASSIGN(r[0], CopyBuiltin(*ci, static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]),
                                          static_cast<uint32_t>(a[2])));
          return Ok();
        });
      if (k == CanonKind::kFutureRead || k == CanonKind::kFutureWrite)
        return MakeHost(cs, {I, I}, {I}, [ci](auto a, auto r) -> Status {
          NW_TRY_ASSIGN(r[0], CopyBuiltin(*ci, static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]), 1));
          return Ok();
        });
      if (k == CanonKind::kStreamDropReadable || k == CanonKind::kStreamDropWritable ||
          k == CanonKind::kFutureDropReadable || k == CanonKind::kFutureDropWritable)
        return MakeHost(cs, {I}, {}, [ci](auto a, auto) -> Status { return DropEnd(*ci, static_cast<uint32_t>(a[0])); });
      return MakeHost(cs, {I}, {I}, [ci, flag](auto a, auto r) -> Status {
        NW_TRY_ASSIGN(r[0], CancelCopy(*ci, flag, static_cast<uint32_t>(a[0])));
        return Ok();
      });
    }
    case CanonKind::kErrorContextNew:
      return MakeHost(cs, {I, I}, {I}, [inst](auto, auto r) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        // The deterministic profile: the debug message is the empty string.
        NW_TRY_ASSIGN(r[0], inst->handles().AddAsync(std::make_shared<ErrorContext>()));
        return Ok();
      });
    case CanonKind::kErrorContextDebugMessage: {
      RtOptions* o = spec.opts;
      return MakeHost(cs, {I, I}, {}, [inst, o](auto a, auto) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        NW_TRY_ASSIGN(ErrorContext * ec, GetElem<ErrorContext>(inst, static_cast<uint32_t>(a[0]),
                                                              {AsyncElem::Kind::kErrorContext}, "error-context"));
        Side cx{&o->opts, inst, nullptr, nullptr, {}, nullptr};
        cx.Refresh();
        NW_TRY_ASSIGN(ComponentValue v, ComponentValue::String(ec->message));
        NW_TRY_ASSIGN(auto pl, StoreStringIntoRange(cx, HostStringSrc(v)));
        cx.Refresh();
        uint32_t ptr = static_cast<uint32_t>(a[1]);
        if (ptr % 4 != 0) return Trap("unaligned pointer");
        NW_TRY(StoreU32(cx.mem, ptr, pl.first));
        return StoreU32(cx.mem, ptr + 4, pl.second);
      });
    }
    case CanonKind::kErrorContextDrop:
      return MakeHost(cs, {I}, {}, [inst](auto a, auto) -> Status {
        if (!inst->may_leave()) return Trap(kTrapCannotLeave);
        uint32_t i = static_cast<uint32_t>(a[0]);
        NW_TRY(GetElem<ErrorContext>(inst, i, {AsyncElem::Kind::kErrorContext}, "error-context"));
        NW_TRY_ASSIGN(std::shared_ptr<AsyncElem> removed, inst->handles().RemoveAsync(i));
        return Ok();
      });
    default:
      return MakeError(c.offset, std::string("canon ") + CanonKindName(c.kind) +
                                     " (shared-everything threads) is not executed by nanowasm yet: instantiation refused");
  }
}

}  // namespace nw::component

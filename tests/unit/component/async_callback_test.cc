// Callback-lifted async tasks run without a host thread (docs/component-async.md, "Threads and
// suspension"): calls from the host and through async lowers start no host thread, 10,000
// concurrent callback tasks live in one store within a few hundred bytes each, the store's limit
// on them traps with a clear message, and an instance whose core code may block keeps host
// threads for its callback tasks.
#include <gtest/gtest.h>
#include <malloc.h>

#include <deque>
#include <memory>

#include "component/async_runtime.h"
#include "component/instantiate.h"
#include "component/text/component_wat.h"

namespace nw::component {
namespace {

// $C exports `ret` (task.return at once, EXIT), `yield1` (YIELD, then return from the callback)
// and `wait1` (an async future.read that blocks; WAIT on a waitable set of its own until the
// future is written). Its per-task state is in the context slots. $D starts n `wait1` subtasks
// and keeps them (`start`), then writes their futures and waits for each (`finish`); `run-ret`
// makes n async calls of `ret`.
constexpr const char* kPair = R"((component
  (component $C
    (core module $Memory (memory (export "mem") 4))
    (core instance $memory (instantiate $Memory))
    (core module $CM
      (import "" "mem" (memory 4))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "context.get0" (func $get0 (result i32)))
      (import "" "context.set0" (func $set0 (param i32)))
      (import "" "context.get1" (func $get1 (result i32)))
      (import "" "context.set1" (func $set1 (param i32)))
      (import "" "waitable-set.new" (func $ws.new (result i32)))
      (import "" "waitable-set.drop" (func $ws.drop (param i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
      (import "" "future.drop-readable" (func $future.drop-readable (param i32)))
      (func (export "ret") (result i32) (call $task.return (i32.const 7)) (i32.const 0))
      (func (export "yield1") (result i32) (i32.const 1))
      (func (export "yield1_cb") (param i32 i32 i32) (result i32)
        (call $task.return (i32.const 7)) (i32.const 0))
      (func (export "wait1") (param $fr i32) (result i32)
        (call $set0 (local.get $fr))
        (call $set1 (call $ws.new))
        (if (i32.ne (call $future.read (local.get $fr) (i32.mul (local.get $fr) (i32.const 4)))
                    (i32.const -1)) (then unreachable))
        (call $join (local.get $fr) (call $get1))
        (i32.or (i32.const 2) (i32.shl (call $get1) (i32.const 4))))
      (func (export "wait1_cb") (param $ev i32) (param i32 i32) (result i32)
        (if (i32.ne (local.get $ev) (i32.const 4)) (then unreachable))
        (call $join (call $get0) (i32.const 0))
        (call $task.return (i32.load (i32.mul (call $get0) (i32.const 4))))
        (call $future.drop-readable (call $get0))
        (call $ws.drop (call $get1))
        (i32.const 0))
      (func (export "unreachable_cb") (param i32 i32 i32) (result i32) unreachable))
    (type $FT (future u32))
    (canon task.return (result u32) (core func $task.return))
    (canon context.get i32 0 (core func $get0))
    (canon context.set i32 0 (core func $set0))
    (canon context.get i32 1 (core func $get1))
    (canon context.set i32 1 (core func $set1))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.drop (core func $ws.drop))
    (canon waitable.join (core func $join))
    (canon future.read $FT async (memory (core memory $memory "mem")) (core func $future.read))
    (canon future.drop-readable $FT (core func $future.drop-readable))
    (core instance $cm (instantiate $CM (with "" (instance
      (export "mem" (memory $memory "mem"))
      (export "task.return" (func $task.return))
      (export "context.get0" (func $get0)) (export "context.set0" (func $set0))
      (export "context.get1" (func $get1)) (export "context.set1" (func $set1))
      (export "waitable-set.new" (func $ws.new))
      (export "waitable-set.drop" (func $ws.drop))
      (export "waitable.join" (func $join))
      (export "future.read" (func $future.read))
      (export "future.drop-readable" (func $future.drop-readable))))))
    (func (export "ret") async (result u32)
      (canon lift (core func $cm "ret") async (callback (core func $cm "unreachable_cb"))))
    (func (export "yield1") async (result u32)
      (canon lift (core func $cm "yield1") async (callback (core func $cm "yield1_cb"))))
    (func (export "wait1") async (param "f" (future u32)) (result u32)
      (canon lift (core func $cm "wait1") async (callback (core func $cm "wait1_cb")))))

  (component $D
    (type $FT (future u32))
    (import "c" (instance $c
      (export "ret" (func async (result u32)))
      (export "wait1" (func async (param "f" (future u32)) (result u32)))))
    (core module $Memory (memory (export "mem") 4))
    (core instance $memory (instantiate $Memory))
    (core module $DM
      (import "" "mem" (memory 4))
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "ret" (func $ret (param i32) (result i32)))
      (import "" "wait1" (func $wait1 (param i32 i32) (result i32)))
      (import "" "future.new" (func $future.new (result i64)))
      (import "" "future.write" (func $future.write (param i32 i32) (result i32)))
      (import "" "future.drop-writable" (func $future.drop-writable (param i32)))
      (import "" "waitable-set.new" (func $ws.new (result i32)))
      (import "" "waitable-set.drop" (func $ws.drop (param i32)))
      (import "" "waitable-set.wait" (func $ws.wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask.drop (param i32)))
      (func (export "run-ret") (param $n i32) (result i32) (local $sum i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (if (i32.ne (call $ret (i32.const 0)) (i32.const 2)) (then unreachable))
          (local.set $sum (i32.add (local.get $sum) (i32.load (i32.const 0))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $sum))
      ;; Subtask i: its writable end at 1024 + 16i, its subtask handle at 1028 + 16i, its result
      ;; at 1032 + 16i.
      (func (export "start") (param $n i32) (result i32) (local $i i32) (local $f i64) (local $st i32)
        (block $done (loop $l
          (br_if $done (i32.eq (local.get $i) (local.get $n)))
          (local.set $f (call $future.new))
          (local.set $st (call $wait1 (i32.wrap_i64 (local.get $f))
                                    (i32.add (i32.const 1032) (i32.shl (local.get $i) (i32.const 4)))))
          (if (i32.ne (i32.and (local.get $st) (i32.const 0xf)) (i32.const 1)) (then unreachable))
          (i32.store (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 4)))
                     (i32.wrap_i64 (i64.shr_u (local.get $f) (i64.const 32))))
          (i32.store (i32.add (i32.const 1028) (i32.shl (local.get $i) (i32.const 4)))
                     (i32.shr_u (local.get $st) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $n))
      ;; Writes future i with i, then waits for every subtask; returns the sum of their results
      ;; (each returns the value its future carried).
      (func (export "finish") (param $n i32)
        (local $i i32) (local $ws i32) (local $sum i32) (local $sub i32)
        (local.set $ws (call $ws.new))
        (block $done (loop $l
          (br_if $done (i32.eq (local.get $i) (local.get $n)))
          (i32.store (i32.const 16) (local.get $i))
          (if (i32.ne (call $future.write (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 4))))
                                          (i32.const 16)) (i32.const 0)) (then unreachable))
          (call $join (i32.load (i32.add (i32.const 1028) (i32.shl (local.get $i) (i32.const 4)))) (local.get $ws))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.set $i (i32.const 0))
        (block $done (loop $l
          (br_if $done (i32.eq (local.get $i) (local.get $n)))
          (if (i32.ne (call $ws.wait (local.get $ws) (i32.const 32)) (i32.const 1)) (then unreachable))
          (if (i32.ne (i32.load (i32.const 36)) (i32.const 2)) (then unreachable))
          (local.set $sub (i32.load (i32.const 32)))
          (call $subtask.drop (local.get $sub))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.set $i (i32.const 0))
        (block $done (loop $l
          (br_if $done (i32.eq (local.get $i) (local.get $n)))
          (call $future.drop-writable (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 4)))))
          (local.set $sum (i32.add (local.get $sum)
            (i32.load (i32.add (i32.const 1032) (i32.shl (local.get $i) (i32.const 4))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (call $ws.drop (local.get $ws))
        (call $task.return (local.get $sum))))
    (canon task.return (result u32) (core func $task.return))
    (canon lower (func $c "ret") async (memory (core memory $memory "mem")) (core func $ret))
    (canon lower (func $c "wait1") async (memory (core memory $memory "mem")) (core func $wait1))
    (canon future.new $FT (core func $future.new))
    (canon future.write $FT async (memory (core memory $memory "mem")) (core func $future.write))
    (canon future.drop-writable $FT (core func $future.drop-writable))
    (canon waitable-set.new (core func $ws.new))
    (canon waitable-set.drop (core func $ws.drop))
    (canon waitable-set.wait (memory (core memory $memory "mem")) (core func $ws.wait))
    (canon waitable.join (core func $join))
    (canon subtask.drop (core func $subtask.drop))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "mem" (memory $memory "mem"))
      (export "task.return" (func $task.return))
      (export "ret" (func $ret)) (export "wait1" (func $wait1))
      (export "future.new" (func $future.new))
      (export "future.write" (func $future.write))
      (export "future.drop-writable" (func $future.drop-writable))
      (export "waitable-set.new" (func $ws.new))
      (export "waitable-set.drop" (func $ws.drop))
      (export "waitable-set.wait" (func $ws.wait))
      (export "waitable.join" (func $join))
      (export "subtask.drop" (func $subtask.drop))))))
    (func (export "run-ret") (param "n" u32) (result u32) (canon lift (core func $dm "run-ret")))
    (func (export "start") (param "n" u32) (result u32) (canon lift (core func $dm "start")))
    (func (export "finish") async (param "n" u32) (result u32)
      (canon lift (core func $dm "finish") async)))

  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "c" (instance $c))))
  (func (export "ret") (alias export $c "ret"))
  (func (export "yield1") (alias export $c "yield1"))
  (func (export "run-ret") (alias export $d "run-ret"))
  (func (export "start") (alias export $d "start"))
  (func (export "finish") (alias export $d "finish")))
)";

class AsyncCallbackTest : public ::testing::Test {
 protected:
  RtInstance* Make(ComponentStore& cs, const std::string& text) {
    auto c = ParseComponentText(text);
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c) return nullptr;
    asts_.push_back(std::move(*c));
    auto inst = cs.Instantiate(asts_.back());
    EXPECT_TRUE(inst) << inst.error().ToString();
    return inst ? *inst : nullptr;
  }
  Result<std::vector<ComponentValue>> Call(ComponentStore& cs, RtInstance* i, const std::string& name,
                                           std::vector<ComponentValue> args = {}) {
    const RtItem* it = i->Find(name);
    EXPECT_TRUE(it && it->sort == Sort::kFunc) << name;
    return cs.Call(*it->func, args);
  }
  uint64_t CallU32(ComponentStore& cs, RtInstance* i, const std::string& name, uint32_t n) {
    auto r = Call(cs, i, name, {ComponentValue::U32(n)});
    EXPECT_TRUE(r) << name << ": " << r.error().ToString();
    return r && r->size() == 1 ? (*r)[0].as_u64() : ~uint64_t{0};
  }

  Engine engine_;
  Store store_{engine_};
  std::deque<Component> asts_;
};

// From the host (return at once; YIELD then return from the callback) and through async
// lowers of another component: every callback task runs on the calling host thread.
TEST_F(AsyncCallbackTest, CallbackTasksStartNoHostThread) {
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, kPair);
  ASSERT_NE(i, nullptr);
  for (int k = 0; k < 100; ++k) {
    for (const char* name : {"ret", "yield1"}) {
      auto r = Call(cs, i, name);
      ASSERT_TRUE(r) << name << ": " << r.error().ToString();
      EXPECT_EQ((*r)[0].as_u64(), 7u);
    }
  }
  EXPECT_EQ(AsyncHostThreadsStarted(cs), 0u);
  // $D's own sync task keeps a host thread ($D imports waitable-set.wait, so its core frames may
  // block); its 1000 callback subtasks start none.
  EXPECT_EQ(CallU32(cs, i, "run-ret", 1000), 7000u);
  EXPECT_EQ(AsyncHostThreadsStarted(cs), 1u);
  EXPECT_EQ(AsyncLiveCallbackTasks(cs), 0u);
}

// 10,000 callback tasks suspended at once (each WAITing on its own waitable set for a future),
// then all resumed: no host thread for them, and a bounded host memory cost each.
TEST_F(AsyncCallbackTest, TenThousandConcurrentCallbackTasks) {
  constexpr uint32_t kTasks = 10000;
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, kPair);
  ASSERT_NE(i, nullptr);
  size_t before = mallinfo2().uordblks;
  ASSERT_EQ(CallU32(cs, i, "start", kTasks), kTasks);
  EXPECT_EQ(AsyncLiveCallbackTasks(cs), kTasks);
  size_t per_task = (mallinfo2().uordblks - before) / kTasks;
  EXPECT_LT(per_task, 4096u) << "host bytes per suspended callback task";
  std::printf("host heap per suspended callback task (with its subtask, future and set): %zu bytes\n", per_task);
  // `finish` is a stackful task (it blocks in waitable-set.wait): with `start`, the two host
  // threads of the test.
  EXPECT_EQ(CallU32(cs, i, "finish", kTasks), uint64_t{kTasks} * (kTasks - 1) / 2);
  EXPECT_EQ(AsyncLiveCallbackTasks(cs), 0u);
  EXPECT_EQ(AsyncHostThreadsStarted(cs), 2u);
}

// One task past the store's limit traps with the limit's name; the store stays usable after its
// tasks end with it.
TEST_F(AsyncCallbackTest, CallbackTaskLimitTraps) {
  auto cs = std::make_unique<ComponentStore>(store_);
  cs->set_max_callback_tasks(100);
  RtInstance* i = Make(*cs, kPair);
  ASSERT_NE(i, nullptr);
  auto r = Call(*cs, i, "start", {ComponentValue::U32(101)});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("too many callback tasks"), std::string::npos) << r.error().message;
  EXPECT_EQ(AsyncHostThreadsStarted(*cs), 1u);  // `start`'s own
  cs.reset();  // the 100 suspended tasks end with the store (ASan checks nothing leaks)
}

// A chain of 60 components, each a callback task that async-calls the next one and returns its
// result plus one: the steps nest on the calling host thread up to the nesting bound (48), and
// the deeper ones continue on one fresh host thread (a guest cannot make the host recurse
// without bound on one native stack).
TEST_F(AsyncCallbackTest, DeepChainMovesToAFreshHostThreadPastTheNestingBound) {
  constexpr int kLinks = 60;
  std::string text = R"((component
    (component $Leaf
      (core module $M
        (import "" "task.return" (func $ret (param i32)))
        (func (export "f") (result i32) (call $ret (i32.const 1000)) (i32.const 0))
        (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
      (canon task.return (result u32) (core func $ret))
      (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $ret))))))
      (func (export "f") async (result u32)
        (canon lift (core func $m "f") async (callback (core func $m "cb")))))
    (component $Link
      (import "next" (func $next async (result u32)))
      (core module $Memory (memory (export "mem") 1))
      (core instance $memory (instantiate $Memory))
      (core module $M
        (import "" "mem" (memory 1))
        (import "" "task.return" (func $ret (param i32)))
        (import "" "next" (func $next (param i32) (result i32)))
        (func (export "f") (result i32)
          (if (i32.ne (call $next (i32.const 0)) (i32.const 2)) (then unreachable))
          (call $ret (i32.add (i32.load (i32.const 0)) (i32.const 1)))
          (i32.const 0))
        (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
      (canon task.return (result u32) (core func $ret))
      (canon lower (func $next) async (memory (core memory $memory "mem")) (core func $next'))
      (core instance $m (instantiate $M (with "" (instance
        (export "mem" (memory $memory "mem"))
        (export "task.return" (func $ret)) (export "next" (func $next'))))))
      (func (export "f") async (result u32)
        (canon lift (core func $m "f") async (callback (core func $m "cb")))))
    (instance $i0 (instantiate $Leaf))
    (alias export $i0 "f" (func $f0))
)";
  for (int k = 1; k <= kLinks; ++k) {
    std::string prev = "$f" + std::to_string(k - 1), me = "$i" + std::to_string(k);
    text += "    (instance " + me + " (instantiate $Link (with \"next\" (func " + prev + "))))\n";
    text += "    (alias export " + me + " \"f\" (func $f" + std::to_string(k) + "))\n";
  }
  text += "    (export \"f\" (func $f" + std::to_string(kLinks) + ")))";
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, text);
  ASSERT_NE(i, nullptr);
  auto r = Call(cs, i, "f");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0].as_u64(), 1000u + kLinks);
  EXPECT_EQ(AsyncHostThreadsStarted(cs), 1u);
}

// An instance that can block inside a core frame (here: a thread.yield import) keeps a host
// thread per callback task, as before.
TEST_F(AsyncCallbackTest, InstanceThatMayBlockKeepsHostThreads) {
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, R"((component
    (core module $M
      (import "" "task.return" (func $ret (param i32)))
      (import "" "yield" (func $yield (result i32)))
      (func (export "run") (result i32)
        (drop (call $yield))
        (call $ret (i32.const 5))
        (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (canon task.return (result u32) (core func $ret))
    (canon thread.yield (core func $yield))
    (core instance $m (instantiate $M (with "" (instance
      (export "task.return" (func $ret)) (export "yield" (func $yield))))))
    (func (export "run") async (result u32)
      (canon lift (core func $m "run") async (callback (core func $m "cb"))))
  ))");
  ASSERT_NE(i, nullptr);
  auto r = Call(cs, i, "run");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0].as_u64(), 5u);
  EXPECT_EQ(AsyncHostThreadsStarted(cs), 1u);
}

}  // namespace
}  // namespace nw::component

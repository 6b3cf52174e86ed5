// The async canonical ABI at run time (component/async_runtime.h): a stackful task keeps its
// context slots across a yield, a partial stream copy within one component, a callback task
// waiting on nothing is a deadlock trap, a hostile component cannot create unbounded threads,
// a component store destroyed while tasks are suspended ends their host threads, and the
// "cannot block a synchronous task before returning" rule (sync callers, built-ins, start functions),
// and a lowering trap worded by path (between components or from the host).
#include <gtest/gtest.h>

#include <deque>
#include <memory>

#include "component/instantiate.h"
#include "component/text/component_wat.h"

namespace nw::component {
namespace {

class AsyncTest : public ::testing::Test {
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
  Result<std::vector<ComponentValue>> Call(ComponentStore& cs, RtInstance* i, const std::string& name) {
    const RtItem* it = i->Find(name);
    EXPECT_TRUE(it && it->sort == Sort::kFunc) << name;
    return cs.Call(*it->func, {});
  }

  Engine engine_;
  Store store_{engine_};
  std::deque<Component> asts_;
};

// A stackful async task (no callback) sets a context slot, yields (its host thread is suspended
// and resumed by the event loop), reads the slot back and returns it with task.return.
TEST_F(AsyncTest, StackfulTaskKeepsContextAcrossYield) {
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, R"((component
    (core module $M
      (import "" "task.return" (func $ret (param i32)))
      (import "" "context.get" (func $get (result i32)))
      (import "" "context.set" (func $set (param i32)))
      (import "" "yield" (func $yield (result i32)))
      (func (export "run")
        (call $set (i32.const 41))
        (drop (call $yield))
        (drop (call $yield))
        (call $ret (i32.add (call $get) (i32.const 1)))))
    (canon task.return (result u32) (core func $ret))
    (canon context.get i32 0 (core func $get))
    (canon context.set i32 0 (core func $set))
    (canon thread.yield (core func $yield))
    (core instance $m (instantiate $M (with "" (instance
      (export "task.return" (func $ret)) (export "context.get" (func $get))
      (export "context.set" (func $set)) (export "yield" (func $yield))))))
    (func (export "run") async (result u32) (canon lift (core func $m "run") async))
  ))");
  ASSERT_NE(i, nullptr);
  auto r = Call(cs, i, "run");
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].as_u64(), 42u);
}

// Within one component: an 8-byte write blocks, a 4-byte read takes half of it (COMPLETED with
// progress 4, packed 0x40), a second read takes the rest, and the bytes arrive in order.
TEST_F(AsyncTest, PartialStreamCopies) {
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, R"((component
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "stream.new" (func $new (result i64)))
      (import "" "stream.read" (func $read (param i32 i32 i32) (result i32)))
      (import "" "stream.write" (func $write (param i32 i32 i32) (result i32)))
      (func (export "run") (result i32)
        (local $s i64) (local $rx i32) (local $tx i32)
        (local.set $s (call $new))
        (local.set $rx (i32.wrap_i64 (local.get $s)))
        (local.set $tx (i32.wrap_i64 (i64.shr_u (local.get $s) (i64.const 32))))
        (i64.store (i32.const 16) (i64.const 0x0807060504030201))
        (if (i32.ne (call $write (local.get $tx) (i32.const 16) (i32.const 8)) (i32.const -1))
          (then unreachable))
        (if (i32.ne (call $read (local.get $rx) (i32.const 64) (i32.const 4)) (i32.const 0x40))
          (then unreachable))
        (if (i32.ne (call $read (local.get $rx) (i32.const 68) (i32.const 4)) (i32.const 0x40))
          (then unreachable))
        (i32.wrap_i64 (i64.shr_u (i64.load (i32.const 64)) (i64.const 32)))))
    (type $ST (stream u8))
    (canon stream.new $ST (core func $new))
    (canon stream.read $ST async (memory (core memory $mem "mem")) (core func $read))
    (canon stream.write $ST async (memory (core memory $mem "mem")) (core func $write))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "stream.new" (func $new))
      (export "stream.read" (func $read)) (export "stream.write" (func $write))))))
    (func (export "run") (result u32) (canon lift (core func $m "run")))
  ))");
  ASSERT_NE(i, nullptr);
  auto r = Call(cs, i, "run");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0].as_u64(), 0x08070605u);
}

// A callback task that waits on an empty waitable set can never be woken: the top-level call
// traps instead of hanging.
TEST_F(AsyncTest, WaitingOnNothingIsADeadlockTrap) {
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, R"((component
    (core module $M
      (import "" "waitable-set.new" (func $ws (result i32)))
      (func (export "run") (result i32)
        (i32.or (i32.const 2) (i32.shl (call $ws) (i32.const 4))))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (canon waitable-set.new (core func $ws))
    (core instance $m (instantiate $M (with "" (instance (export "waitable-set.new" (func $ws))))))
    (func (export "run") async (result u32)
      (canon lift (core func $m "run") async (callback (core func $m "cb"))))
  ))");
  ASSERT_NE(i, nullptr);
  auto r = Call(cs, i, "run");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("deadlock detected"), std::string::npos) << r.error().message;
}

// thread.new-indirect in a loop: each thread is a host thread, so their number is bounded; the
// loop traps instead of exhausting the host. Destroying the store ends the suspended threads.
TEST_F(AsyncTest, ThreadsAreBoundedAndEndWithTheStore) {
  auto cs = std::make_unique<ComponentStore>(store_);
  // A small bound: each yield hands off to every parked thread, so reaching the default 256
  // costs ~30,000 host thread switches (seconds on a loaded machine) and shows nothing more.
  cs->set_max_async_threads(16);
  RtInstance* i = Make(*cs, R"((component
    (core module $T (table (export "t") 1 funcref))
    (core instance $t (instantiate $T))
    (core module $M
      (import "" "t" (table 1 funcref))
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "resume-later" (func $later (param i32)))
      (import "" "yield" (func $yield (result i32)))
      (func $park (param i32) (loop $l (drop (call $yield)) (br $l)))
      (elem (i32.const 0) func $park)
      (func (export "run")
        (loop $l
          (call $later (call $new (i32.const 0) (i32.const 0)))
          (drop (call $yield))
          (br $l))))
    (core type $start (func (param i32)))
    (alias core export $t "t" (core table $tab))
    (core func $new (canon thread.new-indirect $start (core table $tab)))
    (canon thread.resume-later (core func $later))
    (canon thread.yield (core func $yield))
    (core instance $m (instantiate $M (with "" (instance
      (export "t" (table $tab)) (export "new" (func $new))
      (export "resume-later" (func $later)) (export "yield" (func $yield))))))
    (func (export "run") async (canon lift (core func $m "run") async))
  ))");
  ASSERT_NE(i, nullptr);
  auto r = Call(*cs, i, "run");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("too many threads"), std::string::npos) << r.error().message;
  cs.reset();  // every parked thread is unwound and joined here; a hang would time the test out
}


// A component $C exporting `f`: async-typed, lifted sync, returns 43 at once; then a sibling
// component $D importing it, whose body is `d_body`, instantiated with it (a parent may not call
// into its own child: the caller is a sibling, as in the suite).
std::string WithEagerAsyncCallee(const std::string& d_body, const std::string& exports) {
  return R"((component
    (component $C
      (core module $CM (func (export "f") (result i32) (i32.const 43)))
      (core instance $cm (instantiate $CM))
      (func (export "f") async (result u32) (canon lift (core func $cm "f"))))
    (component $D
      (import "c" (instance $c (export "f" (func async (result u32)))))
      )" + d_body + R"()
    (instance $c (instantiate $C))
    (instance $d (instantiate $D (with "c" (instance $c))))
    )" + exports + ")";
}

// A non-async-typed task may not block before it returns, so a sync lower of an async-typed
// callee traps at the call, before the callee runs, when nothing else of the instance could run
// meanwhile; with another thread of the instance ready, the same call goes ahead (and here
// completes at once).
TEST_F(AsyncTest, SyncTaskSyncCallingAsyncFunctionNeedsAnotherReadyThread) {
  std::string text = WithEagerAsyncCallee(R"(
    (core module $T (table (export "t") 1 funcref))
    (core instance $t (instantiate $T))
    (core module $M
      (import "" "t" (table 1 funcref))
      (import "" "f" (func $f (result i32)))
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "resume-later" (func $later (param i32)))
      (func $noop (param i32))
      (elem (i32.const 0) func $noop)
      (func (export "alone") (result i32) (call $f))
      (func (export "armed") (result i32)
        (call $later (call $new (i32.const 0) (i32.const 0)))
        (call $f)))
    (core type $start (func (param i32)))
    (alias core export $t "t" (core table $tab))
    (core func $new (canon thread.new-indirect $start (core table $tab)))
    (canon thread.resume-later (core func $later))
    (canon lower (func $c "f") (core func $f))
    (core instance $m (instantiate $M (with "" (instance
      (export "t" (table $tab)) (export "f" (func $f))
      (export "new" (func $new)) (export "resume-later" (func $later))))))
    (func (export "alone") (result u32) (canon lift (core func $m "alone")))
    (func (export "armed") (result u32) (canon lift (core func $m "armed"))))",
    R"((func (export "alone") (alias export $d "alone"))
    (func (export "armed") (alias export $d "armed")))");
  {
    ComponentStore cs(store_);
    RtInstance* i = Make(cs, text);
    ASSERT_NE(i, nullptr);
    auto r = Call(cs, i, "alone");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot block a synchronous task before returning"), std::string::npos)
        << r.error().message;
  }
  {
    ComponentStore cs(store_);
    RtInstance* i = Make(cs, text);
    ASSERT_NE(i, nullptr);
    auto r = Call(cs, i, "armed");
    ASSERT_TRUE(r) << r.error().ToString();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].as_u64(), 43u);
  }
}

// The sync forms of the blocking built-ins check that the task may block before they look at
// their operands: a forged stream handle from a non-async-typed task is "cannot block", the same
// call from an async-typed task reaches the handle lookup and traps on the handle.
TEST_F(AsyncTest, SyncBuiltinChecksMayBlockBeforeTheHandle) {
  const char* text = R"((component
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (type $ST (stream u8))
    (core module $M
      (import "" "read" (func $read (param i32 i32 i32) (result i32)))
      (import "" "cancel" (func $cancel (param i32) (result i32)))
      (func (export "read") (drop (call $read (i32.const 0xdead) (i32.const 0) (i32.const 1))))
      (func (export "cancel") (drop (call $cancel (i32.const 0xdead)))))
    (canon stream.read $ST (memory (core memory $mem "mem")) (core func $read))
    (canon subtask.cancel (core func $cancel))
    (core instance $m (instantiate $M (with "" (instance
      (export "read" (func $read)) (export "cancel" (func $cancel))))))
    (func (export "sync-read") (canon lift (core func $m "read")))
    (func (export "sync-cancel") (canon lift (core func $m "cancel")))
    (func (export "async-read") async (canon lift (core func $m "read") async))
  ))";
  for (const char* name : {"sync-read", "sync-cancel"}) {
    ComponentStore cs(store_);
    RtInstance* i = Make(cs, text);
    ASSERT_NE(i, nullptr);
    auto r = Call(cs, i, name);
    ASSERT_FALSE(r) << name;
    EXPECT_NE(r.error().message.find("cannot block a synchronous task before returning"), std::string::npos)
        << name << ": " << r.error().message;
  }
  ComponentStore cs(store_);
  RtInstance* i = Make(cs, text);
  ASSERT_NE(i, nullptr);
  auto r = Call(cs, i, "async-read");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("cannot block"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("handle"), std::string::npos) << r.error().message;
}

// A core start function runs as an implicit sync `func()` outside any task: it may not block,
// neither in a blocking built-in nor by a sync call of an async-typed function (which is not
// even entered).
TEST_F(AsyncTest, StartFunctionMayNotBlock) {
  const std::string wait = R"((component
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "new" (func $new (result i32)))
      (import "" "wait" (func $wait (param i32 i32) (result i32)))
      (func $start (drop (call $wait (call $new) (i32.const 0))))
      (start $start))
    (canon waitable-set.new (core func $new))
    (canon waitable-set.wait (memory (core memory $mem "mem")) (core func $wait))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "wait" (func $wait))))))
  ))";
  const std::string call = WithEagerAsyncCallee(R"(
    (core module $M
      (import "" "f" (func $f (result i32)))
      (func $start (drop (call $f)))
      (start $start))
    (canon lower (func $c "f") (core func $f))
    (core instance $m (instantiate $M (with "" (instance (export "f" (func $f)))))))", "");
  for (const std::string& text : {wait, call}) {
    ComponentStore cs(store_);
    auto c = ParseComponentText(text);
    ASSERT_TRUE(c) << c.error().ToString();
    asts_.push_back(std::move(*c));
    auto inst = cs.Instantiate(asts_.back());
    ASSERT_FALSE(inst);
    EXPECT_NE(inst.error().message.find("cannot block a synchronous task before returning"), std::string::npos)
        << inst.error().message;
  }
}

// The same check worded by path (docs/conformance.md, "Trap messages"): a callee whose realloc
// answers with a pointer misaligned for a list<u32> traps "unaligned pointer" when the list
// comes from another component through an async lower (a call between components, as
// wasmtime's adapter words it), and "realloc return: result not aligned" when the host passes
// the list (host-side lowering). Each call runs in a store of its own: a trap closes the callee.
TEST_F(AsyncTest, ReallocTrapIsWordedByPath) {
  const char* text = R"((component
    (component $C
      (core module $CM
        (memory (export "mem") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 2))
        (func (export "f") (param i32 i32)))
      (core instance $cm (instantiate $CM))
      (func (export "f") async (param "a" (list u32))
        (canon lift (core func $cm "f") (memory (core memory $cm "mem")) (realloc (core func $cm "realloc")))))
    (component $D
      (import "f" (func $f async (param "a" (list u32))))
      (core module $Memory (memory (export "mem") 1))
      (core instance $memory (instantiate $Memory))
      (core func $f' (canon lower (func $f) async (memory (core memory $memory "mem"))))
      (core module $DM
        (import "" "f" (func $f' (param i32 i32) (result i32)))
        (func (export "run") (drop (call $f' (i32.const 8) (i32.const 1)))))
      (core instance $dm (instantiate $DM (with "" (instance (export "f" (func $f'))))))
      (func (export "run") async (canon lift (core func $dm "run"))))
    (instance $c (instantiate $C))
    (instance $d (instantiate $D (with "f" (func $c "f"))))
    (func (export "run") (alias export $d "run"))
    (func (export "f") (alias export $c "f"))
  ))";
  {
    ComponentStore cs(store_);
    RtInstance* i = Make(cs, text);
    ASSERT_NE(i, nullptr);
    auto r = Call(cs, i, "run");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.rfind("trap: unaligned pointer", 0), 0u) << r.error().message;
  }
  {
    ComponentStore cs(store_);
    RtInstance* i = Make(cs, text);
    ASSERT_NE(i, nullptr);
    const RtItem* f = i->Find("f");
    ASSERT_TRUE(f && f->sort == Sort::kFunc);
    std::vector<ComponentValue> args = {ComponentValue::List({ComponentValue::U32(7)})};
    auto r = cs.Call(*f->func, args);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.rfind("trap: realloc return: result not aligned", 0), 0u)
        << r.error().message;
  }
}

}  // namespace
}  // namespace nw::component

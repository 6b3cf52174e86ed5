// The async canonical ABI at run time (component/async_runtime.h): a stackful task keeps its
// context slots across a yield, a partial stream copy within one component, a callback task
// waiting on nothing is a deadlock trap, a hostile component cannot create unbounded threads,
// and a component store destroyed while tasks are suspended ends their host threads.
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

}  // namespace
}  // namespace nw::component

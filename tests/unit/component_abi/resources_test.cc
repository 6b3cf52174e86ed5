// Resource handles, the resource built-ins and the reentrance rules, through the table API and
// through whole sync calls (CallLifted / CallLowered / CallAdapter): own transfer, borrow
// lending and scopes, destructors, and every trap of CanonicalABI.md's resource sections.
#include <functional>

#include "component/canon_call.h"
#include "harness.h"

namespace nw::component::testing {
namespace {

using CV = ComponentValue;

struct Dtor {
  std::vector<uint32_t> reps;
  static Status Call(void* c, uint32_t rep) {
    static_cast<Dtor*>(c)->reps.push_back(rep);
    return Ok();
  }
};

struct Fn {
  std::function<Status(std::span<const uint64_t>, std::span<uint64_t>)> f;
  CoreFunc Core() {
    return {this, [](void* c, std::span<const uint64_t> a, std::span<uint64_t> r) {
              return static_cast<Fn*>(c)->f(a, r);
            }};
  }
};

struct Host {
  std::function<Result<std::vector<CV>>(std::span<const CV>)> f;
  HostFunc Func() {
    return {this, [](void* c, std::span<const CV> a) { return static_cast<Host*>(c)->f(a); }};
  }
};

// task.return_ traps while a borrow lent to the task is held; a task that ends with one still
// held (a trapped call) orphans it, so dropping it later traps instead of touching the task.
TEST(Resources, TaskBorrowScope) {
  ComponentInstanceState inst;
  ResourceType rt{&inst, nullptr, nullptr};
  uint32_t held = 0;
  {
    Task task(&inst);
    EXPECT_TRUE(task.Return().has_value());
    auto h = inst.handles().Add(ResourceHandle{&rt, 7, /*own=*/false, &task, 0});
    ASSERT_TRUE(h.has_value());
    held = *h;
    task.AddBorrow();
    Status r = task.Return();
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("borrow handle outlives the call"), std::string::npos);
    auto h2 = inst.handles().Add(ResourceHandle{&rt, 8, /*own=*/false, &task, 0});
    ASSERT_TRUE(h2.has_value());
    task.AddBorrow();
    ASSERT_TRUE(ResourceDrop(inst, rt, *h2).has_value());  // dropped within the call
    EXPECT_EQ(task.num_borrows(), 1u);
  }
  Status d = ResourceDrop(inst, rt, held);
  ASSERT_FALSE(d.has_value());
  EXPECT_NE(d.error().message.find("borrow handle outlives the call"), std::string::npos);
}

TEST(Resources, NewRepDrop) {
  ComponentInstanceState inst;
  Dtor d;
  ResourceType rt{&inst, &Dtor::Call, &d};
  ResourceType other{&inst, nullptr, nullptr};
  auto h1 = ResourceNew(inst, rt, 42);
  auto h2 = ResourceNew(inst, rt, 43);
  ASSERT_TRUE(h1 && h2);
  EXPECT_EQ(*h1, 1u);  // index 0 is never handed out
  EXPECT_EQ(*h2, 2u);
  EXPECT_EQ(*ResourceRep(inst, rt, 2), 43u);
  EXPECT_TRAP(ResourceRep(inst, other, 2));  // rep of a foreign type
  EXPECT_TRAP(ResourceRep(inst, rt, 0));     // forged
  EXPECT_TRAP(ResourceRep(inst, rt, 99));    // forged
  EXPECT_TRAP(ResourceDrop(inst, other, 1)); // drop through another type
  ASSERT_TRUE(ResourceDrop(inst, rt, 1).has_value());
  EXPECT_EQ(d.reps, std::vector<uint32_t>{42});
  EXPECT_TRAP(ResourceDrop(inst, rt, 1));  // double drop
  EXPECT_TRAP(ResourceRep(inst, rt, 1));   // dropped
  EXPECT_EQ(*ResourceNew(inst, rt, 44), 1u);  // the freed index is reused
  // While may_leave is false (realloc or post-return running) new and drop trap.
  inst.set_may_leave(false);
  EXPECT_TRAP(ResourceNew(inst, rt, 1));
  EXPECT_TRAP(ResourceDrop(inst, rt, 1));
  EXPECT_TRUE(ResourceRep(inst, rt, 1).has_value());  // rep has no such check
}

// The traps are worded as the component model's reference tests expect (their assert_trap text
// begins the message): the handle index in "unknown handle index N", which kind of resource was
// expected and found, and the lent-out and may-leave rules.
TEST(Resources, TrapWording) {
  ComponentInstanceState inst;
  ResourceType guest{&inst, nullptr, nullptr};
  ResourceType other{&inst, nullptr, nullptr};
  ResourceType host{nullptr, nullptr, nullptr};
  uint32_t h = *ResourceNew(inst, guest, 7);
  EXPECT_EQ(ResourceRep(inst, guest, 5).error().message, "trap: unknown handle index 5");
  EXPECT_EQ(ResourceRep(inst, guest, 0).error().message, "trap: unknown handle index 0");
  EXPECT_EQ(ResourceDrop(inst, other, h).error().message,
            "trap: handle index 1 used with the wrong type, expected guest-defined resource but "
            "found a different guest-defined resource");
  EXPECT_EQ(ResourceRep(inst, host, h).error().message,
            "trap: handle index 1 used with the wrong type, expected host-defined resource but "
            "found a different guest-defined resource");
  (*inst.handles().Get(h))->num_lends = 1;
  EXPECT_EQ(ResourceDrop(inst, guest, h).error().message,
            "trap: cannot remove owned resource while borrowed");
  (*inst.handles().Get(h))->num_lends = 0;
  ASSERT_TRUE(ResourceDrop(inst, guest, h).has_value());
  EXPECT_EQ(ResourceRep(inst, guest, h).error().message, "trap: unknown handle index 1");
  inst.set_may_leave(false);
  EXPECT_EQ(ResourceNew(inst, guest, 1).error().message, "trap: cannot leave component instance");
}

TEST(Resources, HandleOfOneInstanceIsRefusedByAnother) {
  ComponentInstanceState a, b;
  ResourceType rt{&a, nullptr, nullptr};
  ResourceType rt_b{&b, nullptr, nullptr};
  ASSERT_EQ(*ResourceNew(a, rt, 7), 1u);
  EXPECT_TRAP(ResourceRep(b, rt, 1));    // b has no handle 1
  ASSERT_EQ(*ResourceNew(b, rt_b, 8), 1u);
  EXPECT_TRAP(ResourceRep(b, rt, 1));    // b's handle 1 is of another type
  EXPECT_TRAP(ResourceDrop(b, rt, 1));
}

TEST(Resources, DestructorReentrance) {
  ComponentInstanceState impl, user;
  Dtor d;
  ResourceType rt{&impl, &Dtor::Call, &d};
  uint32_t h = *user.handles().Add(ResourceHandle{&rt, 5, true, nullptr, 0});
  impl.EnterFrom(nullptr);  // impl is on the stack: its destructor cannot run
  EXPECT_TRAP(ResourceDrop(user, rt, h));
  EXPECT_TRUE(d.reps.empty());
  impl.LeaveTo(nullptr);
  uint32_t h2 = *user.handles().Add(ResourceHandle{&rt, 6, true, nullptr, 0});
  ASSERT_TRUE(ResourceDrop(user, rt, h2).has_value());
  EXPECT_EQ(d.reps, std::vector<uint32_t>{6});
  EXPECT_TRUE(impl.may_enter());
}

TEST(Reentrance, EnteringSets) {
  ComponentInstanceState parent, child(&parent), other;
  EXPECT_TRUE(child.MayEnterFrom(nullptr));
  parent.EnterFrom(nullptr);
  EXPECT_FALSE(child.MayEnterFrom(nullptr));  // the host would enter parent again
  EXPECT_TRUE(child.MayEnterFrom(&parent));   // entering set = {child}
  child.EnterFrom(&parent);
  EXPECT_FALSE(child.may_enter());
  EXPECT_TRUE(parent.MayEnterFrom(&child));   // entering set is empty
  EXPECT_FALSE(child.MayEnterFrom(&other));
  child.LeaveTo(&parent);
  parent.LeaveTo(nullptr);
  EXPECT_TRUE(parent.may_enter() && child.may_enter());
}

// ---- whole calls ----------------------------------------------------------------------------

struct World {
  TypeTable types;
  ComponentInstanceState caller, callee;
  FakeGuest caller_mem, callee_mem;
  Dtor dtor;
  ResourceType rt{&callee, &Dtor::Call, &dtor};  // defined by the callee
  ResourceType foreign{&caller, nullptr, nullptr};
  TypeId own = *types.Own(&rt);
  TypeId borrow = *types.Borrow(&rt);
};

TEST(Calls, OwnMovesBetweenTables) {
  World w;
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{w.own}, {w.own}});
  uint32_t h = *w.caller.handles().Add(ResourceHandle{&w.rt, 77, true, nullptr, 0});
  Fn callee{[&](std::span<const uint64_t> a, std::span<uint64_t> r) -> Status {
    // The callee sees its own new handle for rep 77 and hands it back.
    EXPECT_EQ(*ResourceRep(w.callee, w.rt, static_cast<uint32_t>(a[0])), 77u);
    r[0] = a[0];
    return Ok();
  }};
  uint64_t args[1] = {h}, results[1];
  ASSERT_TRUE(CallAdapter(fp, w.caller, w.caller_mem.opts, w.callee, w.callee_mem.opts, callee.Core(),
                          args, results).has_value());
  EXPECT_EQ(w.caller.handles().live_count(), 1u);  // the argument's handle left, the result's came
  EXPECT_EQ(*ResourceRep(w.caller, w.rt, static_cast<uint32_t>(results[0])), 77u);
  EXPECT_EQ(w.callee.handles().live_count(), 0u);
  EXPECT_TRUE(w.callee.may_enter());
  // A forged own index traps.
  uint64_t forged[1] = {99};
  EXPECT_TRAP(CallAdapter(fp, w.caller, w.caller_mem.opts, w.callee, w.callee_mem.opts, callee.Core(),
                          forged, results));
}

TEST(Calls, BorrowIsLentForTheCall) {
  World w;
  ComponentInstanceState third;  // the resource lives in neither side's implementation
  ResourceType rt3{&third, nullptr, nullptr};
  TypeId b3 = *w.types.Borrow(&rt3);
  TypeId o3 = *w.types.Own(&rt3);
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{b3}, {}});
  uint32_t h = *w.caller.handles().Add(ResourceHandle{&rt3, 9, true, nullptr, 0});
  bool drop_it = true;
  Fn callee{[&](std::span<const uint64_t> a, std::span<uint64_t>) -> Status {
    uint32_t bh = static_cast<uint32_t>(a[0]);
    // The caller's handle is lent: it cannot be dropped or moved meanwhile.
    EXPECT_EQ((*w.caller.handles().Get(h))->num_lends, 1u);
    EXPECT_TRAP(ResourceDrop(w.caller, rt3, h));
    EXPECT_EQ(*ResourceRep(w.callee, rt3, bh), 9u);
    if (drop_it) NW_TRY(ResourceDrop(w.callee, rt3, bh));  // a borrow drop runs no destructor
    return Ok();
  }};
  uint64_t args[1] = {h};
  ASSERT_TRUE(CallAdapter(fp, w.caller, w.caller_mem.opts, w.callee, w.callee_mem.opts, callee.Core(),
                          args, {}).has_value());
  EXPECT_EQ((*w.caller.handles().Get(h))->num_lends, 0u);
  // Passing the lent handle as own while lent: lift_own traps. Build that with a host callee.
  FunctionPlan both = *FunctionPlan::Compile(w.types, {{b3, o3}, {}});
  Host host{[&](std::span<const CV>) -> Result<std::vector<CV>> { return std::vector<CV>{}; }};
  uint64_t twice[2] = {h, h};
  EXPECT_TRAP(CallLowered(both, w.caller, w.caller_mem.opts, host.Func(), twice, {}));
  // A callee that keeps the borrow past its return traps (task.return_).
  World w2;
  uint32_t h2 = *w2.caller.handles().Add(ResourceHandle{&rt3, 10, true, nullptr, 0});
  drop_it = false;
  Fn keeper{[&](std::span<const uint64_t>, std::span<uint64_t>) -> Status { return Ok(); }};
  uint64_t args2[1] = {h2};
  EXPECT_TRAP(CallAdapter(fp, w2.caller, w2.caller_mem.opts, w2.callee, w2.callee_mem.opts, keeper.Core(),
                          args2, {}));
  // The borrow handle it kept names no live call any more: dropping it traps too.
  EXPECT_TRAP(ResourceDrop(w2.callee, rt3, 1));
  EXPECT_FALSE(w2.callee.may_enter());  // a trapped instance is not entered again
}

TEST(Calls, BorrowIntoTheImplementationIsTheRep) {
  World w;
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{w.borrow}, {w.types.U32()}});
  uint32_t h = *w.caller.handles().Add(ResourceHandle{&w.rt, 1234, true, nullptr, 0});
  Fn callee{[&](std::span<const uint64_t> a, std::span<uint64_t> r) -> Status {
    r[0] = a[0];  // lower_borrow into rt.impl passes the rep itself
    return Ok();
  }};
  uint64_t args[1] = {h}, results[1];
  ASSERT_TRUE(CallAdapter(fp, w.caller, w.caller_mem.opts, w.callee, w.callee_mem.opts, callee.Core(),
                          args, results).has_value());
  EXPECT_EQ(results[0], 1234u);
  EXPECT_EQ(w.callee.handles().live_count(), 0u);
  // A borrow of another resource type's handle traps.
  uint32_t f = *w.caller.handles().Add(ResourceHandle{&w.foreign, 1, true, nullptr, 0});
  uint64_t bad[1] = {f};
  EXPECT_TRAP(CallAdapter(fp, w.caller, w.caller_mem.opts, w.callee, w.callee_mem.opts, callee.Core(),
                          bad, results));
}

TEST(Calls, BorrowHandleCannotBePassedAsOwn) {
  World w;
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{w.own}, {}});
  uint32_t h = *w.caller.handles().Add(ResourceHandle{&w.rt, 3, false, nullptr, 0});
  Host host{[&](std::span<const CV>) -> Result<std::vector<CV>> { return std::vector<CV>{}; }};
  uint64_t args[1] = {h};
  EXPECT_TRAP(CallLowered(fp, w.caller, w.caller_mem.opts, host.Func(), args, {}));
}

TEST(Calls, ReentranceIsRefused) {
  World w;
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{w.types.U32()}, {w.types.U32()}});
  Fn inner{[&](std::span<const uint64_t> a, std::span<uint64_t> r) -> Status {
    r[0] = a[0] + 1;
    return Ok();
  }};
  int depth = 0;
  Fn outer{[&](std::span<const uint64_t> a, std::span<uint64_t> r) -> Status {
    // While running, the callee calls back into itself through the host: refused.
    ++depth;
    CV arg = CV::U32(1);
    auto again = CallLifted(fp, w.callee, w.callee_mem.opts, inner.Core(), nullptr, std::span<const CV>(&arg, 1));
    EXPECT_TRAP(again);
    r[0] = a[0];
    return Ok();
  }};
  CV arg = CV::U32(5);
  auto res = CallLifted(fp, w.callee, w.callee_mem.opts, outer.Core(), nullptr, std::span<const CV>(&arg, 1));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ((*res)[0], CV::U32(5));
  EXPECT_EQ(depth, 1);
  EXPECT_TRUE(w.callee.may_enter());
}

TEST(Calls, PostReturnRunsWithMayLeaveCleared) {
  World w;
  TypeId s = w.types.String();
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{}, {s}});
  // The callee returns a pointer to (ptr, len) of "hi" in its memory: results go through memory.
  w.callee_mem.Put(0x200, "hi", 2);
  w.callee_mem.PutU32(0x100, 0x200);
  w.callee_mem.PutU32(0x104, 2);
  Fn callee{[&](std::span<const uint64_t>, std::span<uint64_t> r) -> Status {
    r[0] = 0x100;
    return Ok();
  }};
  struct PR {
    World* w;
    std::vector<uint64_t> got;
    bool may_leave_seen = true;
    Status lowered_call;
  } pr{&w, {}, true, Ok()};
  CanonOptions opts = w.callee_mem.opts;
  opts.ctx = &pr;
  opts.memory = [](void* c) { auto* p = static_cast<PR*>(c); return MemoryView{p->w->callee_mem.mem.data(), p->w->callee_mem.mem.size()}; };
  opts.realloc = nullptr;
  opts.post_return = [](void* c, std::span<const uint64_t> flat) -> Status {
    auto* p = static_cast<PR*>(c);
    p->got.assign(flat.begin(), flat.end());
    p->may_leave_seen = p->w->callee.may_leave();
    // Calling out (canon lower) from post-return traps.
    FunctionPlan none = *FunctionPlan::Compile(p->w->types, {{}, {}});
    Host h{[](std::span<const CV>) -> Result<std::vector<CV>> { return std::vector<CV>{}; }};
    p->lowered_call = CallLowered(none, p->w->callee, p->w->callee_mem.opts, h.Func(), {}, {});
    return Ok();
  };
  auto res = CallLifted(fp, w.callee, opts, callee.Core(), nullptr, {});
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ((*res)[0].ToUtf8(), "hi");
  EXPECT_EQ(pr.got, std::vector<uint64_t>{0x100});
  EXPECT_FALSE(pr.may_leave_seen);
  EXPECT_TRAP(pr.lowered_call);
  EXPECT_TRUE(w.callee.may_leave());
}

TEST(Calls, LoweredHostFunctionWithOutParam) {
  World w;
  TypeId s = w.types.String();
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{s}, {s}});
  EXPECT_EQ(fp.lower_sig.params.size(), 3u);  // ptr, len, out-param
  w.caller_mem.Put(0x300, "abc", 3);
  Host host{[&](std::span<const CV> a) -> Result<std::vector<CV>> {
    return std::vector<CV>{*CV::String(a[0].ToUtf8() + "!")};
  }};
  uint64_t args[3] = {0x300, 3, 0x400};
  ASSERT_TRUE(CallLowered(fp, w.caller, w.caller_mem.opts, host.Func(), args, {}).has_value());
  uint32_t p = w.caller_mem.U32(0x400), n = w.caller_mem.U32(0x404);
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(w.caller_mem.Bytes(p, 4), B("abc!"));
  // A misaligned or out-of-bounds out-param traps.
  uint64_t bad[3] = {0x300, 3, 0x401};
  EXPECT_TRAP(CallLowered(fp, w.caller, w.caller_mem.opts, host.Func(), bad, {}));
  uint64_t oob[3] = {0x300, 3, (1u << 16) - 4};
  EXPECT_TRAP(CallLowered(fp, w.caller, w.caller_mem.opts, host.Func(), oob, {}));
  // A host result of the wrong shape is an error, not a trap.
  Host wrong{[&](std::span<const CV>) -> Result<std::vector<CV>> { return std::vector<CV>{CV::U32(1)}; }};
  auto r = CallLowered(fp, w.caller, w.caller_mem.opts, wrong.Func(), args, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_FALSE(IsTrap(r.error()));
}

TEST(Calls, BadHostArgumentsLeaveTheInstanceUsable) {
  World w;
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{w.types.U32()}, {}});
  Fn core{[](std::span<const uint64_t>, std::span<uint64_t>) -> Status { return Ok(); }};
  CV wrong = CV::Bool(true);
  auto r = CallLifted(fp, w.callee, w.callee_mem.opts, core.Core(), nullptr, std::span<const CV>(&wrong, 1));
  ASSERT_FALSE(r.has_value());
  EXPECT_FALSE(IsTrap(r.error()));
  EXPECT_TRUE(w.callee.may_enter());
  CV right = CV::U32(1);
  EXPECT_TRUE(CallLifted(fp, w.callee, w.callee_mem.opts, core.Core(), nullptr, std::span<const CV>(&right, 1)).has_value());
}

TEST(Calls, ListsOfHandles) {
  // list<own<R>> moves every handle, in order; list<borrow<R>> lends each for the call.
  World w;
  ComponentInstanceState third;
  ResourceType rt3{&third, nullptr, nullptr};
  TypeId owns = *w.types.List(*w.types.Own(&rt3));
  TypeId borrows = *w.types.List(*w.types.Borrow(&rt3));
  FunctionPlan fp = *FunctionPlan::Compile(w.types, {{owns, borrows}, {}});
  uint32_t o[3], b[2];
  for (uint32_t i = 0; i < 3; ++i) o[i] = *w.caller.handles().Add(ResourceHandle{&rt3, 100 + i, true, nullptr, 0});
  for (uint32_t i = 0; i < 2; ++i) b[i] = *w.caller.handles().Add(ResourceHandle{&rt3, 200 + i, true, nullptr, 0});
  // The caller's lists at 0x100 (three own indices) and 0x120 (two borrow indices).
  for (uint32_t i = 0; i < 3; ++i) w.caller_mem.PutU32(0x100 + 4 * i, o[i]);
  for (uint32_t i = 0; i < 2; ++i) w.caller_mem.PutU32(0x120 + 4 * i, b[i]);
  Fn core{[&](std::span<const uint64_t> a, std::span<uint64_t>) -> Status {
    EXPECT_EQ(a[1], 3u);
    EXPECT_EQ(a[3], 2u);
    for (uint32_t i = 0; i < 3; ++i) {
      uint32_t h = w.callee_mem.U32(static_cast<uint32_t>(a[0]) + 4 * i);
      EXPECT_EQ(*ResourceRep(w.callee, rt3, h), 100 + i);
    }
    for (uint32_t i = 0; i < 2; ++i) {
      EXPECT_EQ((*w.caller.handles().Get(b[i]))->num_lends, 1u);
      uint32_t h = w.callee_mem.U32(static_cast<uint32_t>(a[2]) + 4 * i);
      EXPECT_EQ(*ResourceRep(w.callee, rt3, h), 200 + i);
      NW_TRY(ResourceDrop(w.callee, rt3, h));
    }
    return Ok();
  }};
  uint64_t args[4] = {0x100, 3, 0x120, 2};
  auto r = CallAdapter(fp, w.caller, w.caller_mem.opts, w.callee, w.callee_mem.opts, core.Core(), args, {});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(w.caller.handles().live_count(), 2u);  // the borrowed two stay, the owned three moved
  EXPECT_EQ(w.callee.handles().live_count(), 3u);
  for (uint32_t i = 0; i < 2; ++i) EXPECT_EQ((*w.caller.handles().Get(b[i]))->num_lends, 0u);
}

TEST(Calls, ResultTypesWithBorrowsAreRejected) {
  World w;
  EXPECT_FALSE(FunctionPlan::Compile(w.types, {{}, {w.borrow}}).has_value());
}

}  // namespace
}  // namespace nw::component::testing

namespace nw::component::testing {
namespace {

TEST(Calls, AdapterCopiesStringsBothWays) {
  // (string, u32...x16) -> string: 18 flat params go through memory, the result through the
  // caller's out-param; the callee is UTF-16, the caller UTF-8.
  TypeTable t;
  std::vector<TypeId> params = {t.String()};
  for (int i = 0; i < 16; ++i) params.push_back(t.U32());
  FunctionPlan fp = *FunctionPlan::Compile(t, {params, {t.String()}});
  ASSERT_TRUE(fp.params.in_memory);
  ASSERT_TRUE(fp.results.in_memory);
  ComponentInstanceState caller, callee;
  FakeGuest cm(StringEncoding::kUtf8), ce(StringEncoding::kUtf16);
  // Caller's tuple at 0x100: (ptr 0x200, len 5, 0, 1, ..., 15); "h\xC3\xA9y!" is 5 bytes.
  cm.Put(0x200, "h\xC3\xA9y!", 5);
  cm.PutU32(0x100, 0x200);
  cm.PutU32(0x104, 5);
  for (uint32_t i = 0; i < 16; ++i) cm.PutU32(0x108 + 4 * i, i);
  Fn core{[&](std::span<const uint64_t> a, std::span<uint64_t> r) -> Status {
    uint32_t tup = static_cast<uint32_t>(a[0]);
    uint32_t p = ce.U32(tup), n = ce.U32(tup + 4);
    EXPECT_EQ(n, 4u);  // four UTF-16 code units
    EXPECT_EQ(ce.Bytes(p, 8), Utf16Le(u"h\u00e9y!"));
    EXPECT_EQ(ce.U32(tup + 8 + 4 * 15), 15u);
    // Return the same string: (p, n) stored at 0x300 of the callee.
    ce.PutU32(0x300, p);
    ce.PutU32(0x304, n);
    r[0] = 0x300;
    return Ok();
  }};
  CanonOptions ce_opts = ce.opts;
  ce_opts.post_return = [](void*, std::span<const uint64_t> flat) -> Status {
    return flat.size() == 1 && flat[0] == 0x300 ? Ok() : MakeError("bad post-return args");
  };
  uint64_t args[2] = {0x100, 0x180};  // tuple pointer, out-param
  auto r = CallAdapter(fp, caller, cm.opts, callee, ce_opts, core.Core(), args, {});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  uint32_t p = cm.U32(0x180), n = cm.U32(0x184);
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(cm.Bytes(p, 5), B("h\xC3\xA9y!"));
  // The callee's realloc allocated the tuple (align 4, 8 + 64 bytes) then the string.
  ASSERT_GE(ce.calls.size(), 2u);
  EXPECT_EQ(ce.calls[0], (ReallocCall{0, 0, 4, 72}));
  EXPECT_TRUE(caller.may_enter() && callee.may_enter());
}

TEST(Calls, HostCallIntoLiftedFunctionWithManyParams) {
  TypeTable t;
  std::vector<TypeId> params(17, t.Primitive(TypeKind::kU64));
  FunctionPlan fp = *FunctionPlan::Compile(t, {params, {t.Primitive(TypeKind::kU64)}});
  ComponentInstanceState inst;
  FakeGuest g;
  Fn core{[&](std::span<const uint64_t> a, std::span<uint64_t> r) -> Status {
    uint64_t sum = 0;
    for (int i = 0; i < 17; ++i) {
      uint64_t v;
      std::memcpy(&v, g.mem.data() + a[0] + 8 * i, 8);
      sum += v;
    }
    r[0] = sum;
    return Ok();
  }};
  std::vector<CV> args;
  for (uint64_t i = 1; i <= 17; ++i) args.push_back(CV::U64(i << 40));
  auto res = CallLifted(fp, inst, g.opts, core.Core(), nullptr, args);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ((*res)[0], CV::U64((17ull * 18 / 2) << 40));
  EXPECT_EQ(g.calls, (std::vector<ReallocCall>{{0, 0, 8, 136}}));
}

}  // namespace
}  // namespace nw::component::testing

// Instantiation and the typed call API (component/instantiate.h) on small components written for
// the isolation rules the issue names: a component cannot reach another's memory, a handle of one
// instance means nothing in another, forged/dropped/double-dropped handles trap, reentrance
// traps, a trapped instance stays unenterable, host functions satisfy imports.
#include <gtest/gtest.h>

#include <deque>

#include "component/instantiate.h"
#include "component/text/component_wat.h"
#include "component/validate.h"

namespace nw::component {
namespace {

class InstantiateTest : public ::testing::Test {
 protected:
  RtInstance* Make(const std::string& text,
                   const std::vector<std::pair<std::string, RtItem>>& args = {}) {
    auto c = ParseComponentText(text);
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c) return nullptr;
    Status st = ValidateComponent(*c);
    EXPECT_TRUE(st) << st.error().ToString();
    asts_.push_back(std::move(*c));
    auto inst = cs_.Instantiate(asts_.back(), args);
    EXPECT_TRUE(inst) << inst.error().ToString();
    return inst ? *inst : nullptr;
  }
  Result<std::vector<ComponentValue>> Call(RtInstance* i, const std::string& name,
                                           std::vector<ComponentValue> args = {}) {
    const RtItem* it = i->Find(name);
    EXPECT_TRUE(it && it->sort == Sort::kFunc) << name;
    return cs_.Call(*it->func, args);
  }
  static std::string TrapOf(const Result<std::vector<ComponentValue>>& r) {
    if (r) return "(no trap)";
    EXPECT_TRUE(IsTrap(r.error())) << r.error().ToString();
    return r.error().message;
  }

  Engine engine_;
  Store store_{engine_};
  ComponentStore cs_{store_};
  std::deque<Component> asts_;
};

// Two sibling components (a parent calling its own child traps: see ReentranceTraps). The
// callee B has a larger memory than the caller A. A passes a string whose pointer lies past
// A's memory but inside B's: the copy reads A's memory only, so it traps; a valid string arrives
// in B's own memory as a copy.
TEST_F(InstantiateTest, ComponentCannotReachAnotherMemory) {
  RtInstance* i = Make(R"((component
    (component $B
      (core module $M
        (memory (export "mem") 2)
        (global $next (mut i32) (i32.const 1024))
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (local $r i32) (local.set $r (global.get $next))
          (global.set $next (i32.add (global.get $next) (local.get 3))) (local.get $r))
        (func (export "len") (param i32 i32) (result i32)
          (i32.add (i32.mul (local.get 1) (i32.const 1000)) (i32.load8_u (local.get 0)))))
      (core instance $m (instantiate $M))
      (func (export "len") (param "s" string) (result u32)
        (canon lift (core func $m "len") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
    (component $A
      (import "len" (func $len (param "s" string) (result u32)))
      (core module $Mem (memory (export "mem") 1) (data (i32.const 16) "xyz"))
      (core instance $mem (instantiate $Mem))
      (canon lower (func $len) (memory (core memory $mem "mem")) (core func $len'))
      (core module $A
        (import "" "len" (func $len (param i32 i32) (result i32)))
        (func (export "ok") (result i32) (call $len (i32.const 16) (i32.const 3)))
        (func (export "beyond") (result i32) (call $len (i32.const 70000) (i32.const 3))))
      (core instance $a (instantiate $A (with "" (instance (export "len" (func $len'))))))
      (func (export "ok") (result u32) (canon lift (core func $a "ok")))
      (func (export "beyond") (result u32) (canon lift (core func $a "beyond"))))
    (instance $b (instantiate $B))
    (instance $a (instantiate $A (with "len" (func $b "len"))))
    (export "ok" (func $a "ok"))
    (export "beyond" (func $a "beyond"))
  ))");
  ASSERT_NE(i, nullptr);
  auto ok = Call(i, "ok");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ((*ok)[0], ComponentValue::U32(3000 + 'x'));
  // Worded as a component-to-component adapter words it (docs/conformance.md).
  EXPECT_NE(TrapOf(Call(i, "beyond")).find("string content out-of-bounds"), std::string::npos);
}

constexpr const char* kHandles = R"((component
  (type $R (resource (rep i32)))
  (canon resource.new $R (core func $new))
  (canon resource.drop $R (core func $drop))
  (canon resource.rep $R (core func $rep))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "rep") (param i32) (result i32) (call $rep (local.get 0)))
    (func (export "drop") (param i32) (call $drop (local.get 0))))
  (core instance $m (instantiate $M (with "" (instance
    (export "new" (func $new)) (export "drop" (func $drop)) (export "rep" (func $rep))))))
  (func (export "make") (param "rep" u32) (result u32) (canon lift (core func $m "make")))
  (func (export "rep") (param "h" u32) (result u32) (canon lift (core func $m "rep")))
  (func (export "drop") (param "h" u32) (canon lift (core func $m "drop")))
))";

TEST_F(InstantiateTest, HandleOfOneInstanceIsRefusedByAnother) {
  RtInstance* x = Make(kHandles);
  RtInstance* y = Make(kHandles);
  ASSERT_TRUE(x && y);
  auto h = Call(x, "make", {ComponentValue::U32(77)});
  ASSERT_TRUE(h);
  EXPECT_EQ((*h)[0], ComponentValue::U32(1));
  auto rep = Call(x, "rep", {ComponentValue::U32(1)});
  ASSERT_TRUE(rep);
  EXPECT_EQ((*rep)[0], ComponentValue::U32(77));
  // y's table is its own: index 1 names nothing there.
  EXPECT_NE(TrapOf(Call(y, "rep", {ComponentValue::U32(1)})), "(no trap)");
}

TEST_F(InstantiateTest, ForgedDroppedAndDoubleDroppedHandlesTrap) {
  RtInstance* forged = Make(kHandles);
  ASSERT_TRUE(forged);
  EXPECT_NE(TrapOf(Call(forged, "rep", {ComponentValue::U32(7)})), "(no trap)");
  RtInstance* dropped = Make(kHandles);
  ASSERT_TRUE(Call(dropped, "make", {ComponentValue::U32(5)}));
  ASSERT_TRUE(Call(dropped, "drop", {ComponentValue::U32(1)}));
  EXPECT_NE(TrapOf(Call(dropped, "rep", {ComponentValue::U32(1)})), "(no trap)");
  RtInstance* twice = Make(kHandles);
  ASSERT_TRUE(Call(twice, "make", {ComponentValue::U32(5)}));
  ASSERT_TRUE(Call(twice, "drop", {ComponentValue::U32(1)}));
  EXPECT_NE(TrapOf(Call(twice, "drop", {ComponentValue::U32(1)})), "(no trap)");
  // A trapped instance is not entered again.
  EXPECT_NE(TrapOf(Call(twice, "make", {ComponentValue::U32(6)})), "(no trap)");
}

TEST_F(InstantiateTest, ReentranceTraps) {
  RtInstance* i = Make(R"((component
    (core module $Inner (func (export "f")))
    (core instance $inner (instantiate $Inner))
    (func $f (canon lift (core func $inner "f")))
    (canon lower (func $f) (core func $f'))
    (core module $Outer (import "" "f" (func $f)) (func (export "g") (call $f)))
    (core instance $outer (instantiate $Outer (with "" (instance (export "f" (func $f'))))))
    (func (export "g") (canon lift (core func $outer "g")))
    (export "f" (func $f))
  ))");
  ASSERT_TRUE(i);
  EXPECT_TRUE(Call(i, "f"));  // from the host: fine
  EXPECT_NE(TrapOf(Call(i, "g")).find("cannot enter"), std::string::npos);
}

Result<std::vector<ComponentValue>> Length(void*, std::span<const ComponentValue> args) {
  return std::vector<ComponentValue>{ComponentValue::U32(static_cast<uint32_t>(args[0].ToUtf8().size()))};
}

TEST_F(InstantiateTest, HostFunctionSatisfiesImport) {
  TypeTable& tt = cs_.types();
  auto host = cs_.HostFunction(FuncType{{tt.String()}, {tt.U32()}}, HostFunc{nullptr, Length});
  ASSERT_TRUE(host);
  RtItem item;
  item.sort = Sort::kFunc;
  item.func = *host;
  RtInstance* i = Make(R"((component
    (import "len" (func $len (param "s" string) (result u32)))
    (core module $Mem (memory (export "mem") 1) (data (i32.const 8) "hello"))
    (core instance $mem (instantiate $Mem))
    (canon lower (func $len) (memory (core memory $mem "mem")) (core func $len'))
    (core module $A (import "" "len" (func $len (param i32 i32) (result i32)))
      (func (export "run") (result i32) (call $len (i32.const 8) (i32.const 5))))
    (core instance $a (instantiate $A (with "" (instance (export "len" (func $len'))))))
    (func (export "run") (result u32) (canon lift (core func $a "run")))
  ))", {{"len", item}});
  ASSERT_TRUE(i);
  auto r = Call(i, "run");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0], ComponentValue::U32(5));
}

TEST_F(InstantiateTest, MissingImportIsRefusedAsyncBuiltinsInstantiate) {
  auto c = ParseComponentText(R"((component (import "f" (func))))");
  ASSERT_TRUE(c);
  auto r = cs_.Instantiate(*c);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("missing import"), std::string::npos);
  RtItem not_a_func;
  not_a_func.sort = Sort::kInstance;
  not_a_func.instance = cs_.Make<RtInstance>();
  auto wrong = cs_.Instantiate(*c, {{"f", not_a_func}});
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("expected a func"), std::string::npos) << wrong.error().message;
  auto a = ParseComponentText(R"((component (canon backpressure.inc (core func $b))))");
  ASSERT_TRUE(a) << a.error().ToString();
  auto ra = cs_.Instantiate(*a);
  EXPECT_TRUE(ra) << ra.error().ToString();
}

// An instance's function types see the resources supplied at its instantiation: Sink takes
// own<its imported r>, which, instantiated with def, is def's r — so User (importing def and a
// sink taking own<def's r>) accepts it. Validation used to compare the unsubstituted types
// ("resource types are not the same"); the own handle then travels def -> user -> sink.
TEST_F(InstantiateTest, ExportedFunctionTypesSeeSuppliedResources) {
  RtInstance* i = Make(R"((component
    (component $Def
      (core module $M
        (global $c (mut i32) (i32.const 0))
        (func (export "dtor") (param i32) (global.set $c (i32.add (global.get $c) (local.get 0))))
        (func (export "count") (result i32) (global.get $c)))
      (core instance $m (instantiate $M))
      (type $R (resource (rep i32) (dtor (core func $m "dtor"))))
      (export $Re "r" (type $R))
      (core func $new (canon resource.new $R))
      (func (export "make") (param "rep" u32) (result (own $Re)) (canon lift (core func $new)))
      (func (export "count") (result u32) (canon lift (core func $m "count"))))
    (component $Sink
      (import "def" (instance $def (export "r" (type (sub resource)))))
      (alias export $def "r" (type $R))
      (core func $drop (canon resource.drop $R))
      (func (export "take") (param "h" (own $R)) (canon lift (core func $drop))))
    (component $User
      (import "def" (instance $def
        (export "r" (type $Rd (sub resource)))
        (export "make" (func (param "rep" u32) (result (own $Rd))))))
      (alias export $def "r" (type $R))
      (import "sink" (instance $sink
        (alias outer $User $R (type $Rs))
        (export "take" (func (param "h" (own $Rs))))))
      (core func $make (canon lower (func $def "make")))
      (core func $take (canon lower (func $sink "take")))
      (core module $M
        (import "e" "make" (func $make (param i32) (result i32)))
        (import "e" "take" (func $take (param i32)))
        (func (export "run") (param i32) (call $take (call $make (local.get 0)))))
      (core instance $m (instantiate $M (with "e" (instance
        (export "make" (func $make)) (export "take" (func $take))))))
      (func (export "run") (param "rep" u32) (canon lift (core func $m "run"))))
    (instance $def (instantiate $Def))
    (instance $sink (instantiate $Sink (with "def" (instance $def))))
    (instance $user (instantiate $User (with "def" (instance $def)) (with "sink" (instance $sink))))
    (func (export "run") (alias export $user "run"))
    (func (export "count") (alias export $def "count"))
  ))");
  ASSERT_TRUE(i);
  ASSERT_TRUE(Call(i, "run", {ComponentValue::U32(41)}));
  auto n = Call(i, "count");
  ASSERT_TRUE(n) << n.error().ToString();
  EXPECT_EQ((*n)[0], ComponentValue::U32(41));  // sink's drop ran def's destructor
}

}  // namespace
}  // namespace nw::component

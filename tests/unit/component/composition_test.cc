// Composition as wit-component and real toolchains write it: a provider instantiates a shim
// component with its resource (the shim imports `(sub resource)` and re-exports it with the
// functions that use it), exports the shim's instance, and a consumer importing that interface
// is instantiated with it. Found by tests/component-real's composed C+JS component: the
// validator kept the shim's imported (abstract) resource in the exported functions' types, so
// the consumer's import did not match ("resource types are not the same"), and then judged the
// provider's resource not exportable although the exported instance names it.
#include <gtest/gtest.h>

#include "component/instantiate.h"
#include "component/text/component_wat.h"
#include "component/validate.h"

namespace nw::component {
namespace {

constexpr const char* kComposed = R"((component
  (component $provider
    (type $r (resource (rep i32)))
    (core func $rnew (canon resource.new $r))
    (core module $M
      (import "" "new" (func $new (param i32) (result i32)))
      (func (export "ctor") (result i32) (call $new (i32.const 7)))
      (func (export "get") (param i32) (result i32) (local.get 0)))
    (core instance $i (instantiate $M (with "" (instance (export "new" (func $rnew))))))
    (type $own (own $r))
    (type $borrow (borrow $r))
    (func $ctor (result $own) (canon lift (core func $i "ctor")))
    (func $get (param "self" $borrow) (result u32) (canon lift (core func $i "get")))
    (component $shim
      (import "import-type-r" (type $ir (sub resource)))
      (import "import-ctor" (func $f (result (own $ir))))
      (import "import-get" (func $g (param "self" (borrow $ir)) (result u32)))
      (export $er "r" (type $ir))
      (export "[constructor]r" (func $f) (func (result (own $er))))
      (export "[method]r.get" (func $g) (func (param "self" (borrow $er)) (result u32))))
    (instance $s (instantiate $shim (with "import-type-r" (type $r)) (with "import-ctor" (func $ctor))
                                    (with "import-get" (func $get))))
    (export "iface" (instance $s)))
  (component $consumer
    (import "iface" (instance $x
      (export "r" (type $r (sub resource)))
      (export "[constructor]r" (func (result (own $r))))
      (export "[method]r.get" (func (param "self" (borrow $r)) (result u32)))))
    (alias export $x "[constructor]r" (func $ctor))
    (alias export $x "[method]r.get" (func $get))
    (alias export $x "r" (type $r))
    (core func $ctor' (canon lower (func $ctor)))
    (core func $get' (canon lower (func $get)))
    (core func $drop (canon resource.drop $r))
    (core module $C
      (import "" "ctor" (func $ctor (result i32)))
      (import "" "get" (func $get (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run") (result i32) (local $h i32) (local $v i32)
        (local.set $h (call $ctor))
        (local.set $v (call $get (local.get $h)))
        (call $drop (local.get $h))
        (local.get $v)))
    (core instance $c (instantiate $C (with "" (instance (export "ctor" (func $ctor'))
                                                         (export "get" (func $get'))
                                                         (export "drop" (func $drop))))))
    (func (export "run") (result u32) (canon lift (core func $c "run"))))
  (instance $p (instantiate $provider))
  (instance $c (instantiate $consumer (with "iface" (instance $p "iface"))))
  (export "run" (func $c "run"))
))";

TEST(Composition, ShimExportedResourceSatisfiesAConsumerImport) {
  auto c = ParseComponentText(kComposed);
  ASSERT_TRUE(c) << c.error().ToString();
  Status st = ValidateComponent(*c);
  ASSERT_TRUE(st) << st.error().ToString();
  Engine engine;
  Store store(engine);
  ComponentStore cs(store);
  auto inst = cs.Instantiate(*c);
  ASSERT_TRUE(inst) << inst.error().ToString();
  const RtItem* run = (*inst)->Find("run");
  ASSERT_TRUE(run && run->sort == Sort::kFunc);
  auto r = cs.Call(*run->func, {});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0], ComponentValue::U32(7));  // the rep the provider gave its resource
}

// The substitution reaches only the instantiation it belongs to: a consumer expecting a
// resource other than the one supplied is still refused.
TEST(Composition, AnotherResourceIsStillRefused) {
  std::string text = R"((component
    (component $provider
      (type $r (resource (rep i32)))
      (type $q (resource (rep i32)))
      (core module $M (func (export "ctor") (result i32) (i32.const 1)))
      (core instance $i (instantiate $M))
      (type $own (own $q))
      (func $ctor (result $own) (canon lift (core func $i "ctor")))
      (component $shim
        (import "import-type-r" (type $ir (sub resource)))
        (import "import-type-q" (type $iq (sub resource)))
        (import "import-ctor" (func $f (result (own $iq))))
        (export $er "r" (type $ir))
        (export $eq "q" (type $iq))
        (export "make" (func $f) (func (result (own $eq)))))
      (instance $s (instantiate $shim (with "import-type-r" (type $r)) (with "import-type-q" (type $q))
                                      (with "import-ctor" (func $ctor))))
      (export "iface" (instance $s)))
    (component $consumer
      (import "iface" (instance
        (export "r" (type $r (sub resource)))
        (export "q" (type $q (sub resource)))
        (export "make" (func (result (own $r)))))))
    (instance $p (instantiate $provider))
    (instance $c (instantiate $consumer (with "iface" (instance $p "iface"))))
  ))";
  auto c = ParseComponentText(text);
  ASSERT_TRUE(c) << c.error().ToString();
  Status st = ValidateComponent(*c);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("resource types are not the same"), std::string::npos)
      << st.error().message;
}

}  // namespace
}  // namespace nw::component

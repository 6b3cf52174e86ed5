// ComponentWit (component/wit.h) on small components written in the text format: each test
// states the WIT a reader of the component's imports and exports must get. The real components
// of tests/component-real check the same printer against jco (`jco wit` and a round trip).
#include <gtest/gtest.h>

#include "component/text/component_wat.h"
#include "component/validate.h"
#include "component/wit.h"

namespace nw::component {
namespace {

std::string Wit(const std::string& text) {
  auto c = ParseComponentText(text);
  EXPECT_TRUE(c) << c.error().ToString();
  if (!c) return "";
  Status st = ValidateComponent(*c);
  EXPECT_TRUE(st) << st.error().ToString();
  auto w = ComponentWit(*c);
  EXPECT_TRUE(w) << w.error().ToString();
  return w ? *w : "";
}

TEST(Wit, PrintsUsesTypesResourcesAndKeywords) {
  std::string w = Wit(R"((component
    (type (instance
      (type (record (field "seconds" u64) (field "nanos" u32)))
      (export "instant" (type (eq 0)))
      (type u64)
      (export "duration" (type (eq 2)))))
    (import "ex:clock/types@1.0.0" (instance $types (type 0)))
    (alias export $types "instant" (type $instant))
    (type (instance
      (alias outer 1 1 (type))
      (export "instant" (type (eq 0)))
      (type (func (result 1)))
      (export "now" (func (type 2)))
      (type (flags "a" "flags"))
      (export "mode" (type (eq 3)))
      (type (tuple u8 string))
      (type (option 1))
      (type (result 6 (error string)))
      (type (func (param "type" 4) (param "t" 5) (result 7)))
      (export "set" (func (type 8)))
      (export "file" (type (sub resource)))
      (type (own 9))
      (type (func (param "name" string) (result 10)))
      (export "[constructor]file" (func (type 11)))
      (type (borrow 9))
      (type (func (param "self" 12) (result u64)))
      (export "[method]file.size" (func (type 13)))
      (type (func (result 10)))
      (export "[static]file.open" (func (type 14)))))
    (import "ex:clock/api@1.0.0" (instance (type 2)))
    (import "tick" (func (param "n" u32) (result bool)))
  ))");
  EXPECT_EQ(w, R"(package root:component;

world root {
  import ex:clock/types@1.0.0;
  import ex:clock/api@1.0.0;
  import tick: func(n: u32) -> bool;
}

package ex:clock@1.0.0 {
  interface types {
    record instant {
      seconds: u64,
      nanos: u32,
    }
    type duration = u64;
  }
  interface api {
    use types.{instant};
    flags mode {
      a,
      %flags,
    }
    resource file {
      constructor(name: string);
      size: func() -> u64;
      open: static func() -> file;
    }

    now: func() -> instant;
    set: func(%type: mode, t: tuple<u8, string>) -> result<option<instant>, string>;
  }
}
)");
}

TEST(Wit, InlineInterfacesAndExportedFunctions) {
  std::string w = Wit(R"((component
    (import "host" (instance $h
      (export "log" (func (param "msg" string)))))
    (core module $M (func (export "f") (result i32) (i32.const 1)))
    (core instance $i (instantiate $M))
    (func $f (result (result)) (canon lift (core func $i "f")))
    (export "check" (func $f))
  ))");
  EXPECT_EQ(w, R"(package root:component;

world root {
  import host: interface {
    log: func(msg: string);
  }

  export check: func() -> result;
}
)");
}

TEST(Wit, AnonymousRecordIsAnErrorNamingWhere) {
  auto c = ParseComponentText(R"((component
    (import "f" (func (param "p" (record (field "a" u8)))))
  ))");
  ASSERT_TRUE(c) << c.error().ToString();
  auto w = ComponentWit(*c);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("anonymous record"), std::string::npos) << w.error().message;
  EXPECT_NE(w.error().message.find("the world"), std::string::npos) << w.error().message;
}

}  // namespace
}  // namespace nw::component

// The fused adapters of component-to-component calls (component/fused_adapter.h) against the
// generic CallAdapter: every case runs twice, once in a ComponentStore linking fused adapters
// (the default) and once with them switched off, and the two must give the same values, the
// same memory-visible results and the same traps with the same messages. Every test runs for
// both forms of the fused adapter (the parameter): the host function, and core wasm calling the
// callee itself with host leaves (wasm_adapter.h) wherever the call can be split, the latter on
// the interpreter and on the opt tier (where a host leaf is a native call). Covered: strings in
// every encoding pair, lists of records holding strings, plain lists, options, results, floats
// and chars, parameters passed in memory, forged pointers, bad UTF-8/UTF-16, bad lengths and
// case indices, reentrance, own and borrow handles moved between handle tables.
#include <gtest/gtest.h>

#include <deque>

#include "component/fused_adapter.h"
#include "component/instantiate.h"
#include "component/text/component_wat.h"
#include "component/validate.h"

namespace nw::component {
namespace {

using Form = ComponentStore::AdapterForm;
// The fused adapters' form and the tier in the test that runs (set by the fixture).
Form g_form = Form::kHost;
bool g_opt = false;
struct Variant {
  Form form;
  bool opt;
};
Config VariantConfig() {
  Config c;
  if (g_opt) {
    c.tier = Config::ExecutionTier::kOpt;
    c.opt_tiering = Config::OptTiering::kOff;  // O2 code from the start
  }
  return c;
}

}  // namespace
// For gtest's test names and messages.
void PrintTo(ComponentStore::AdapterForm f, std::ostream* os) {
  *os << (f == ComponentStore::AdapterForm::kWasm ? "core wasm" : "host function");
}
namespace {

// A store linking fused adapters (in the form under test) or the generic adapter.
struct TestStore {
  explicit TestStore(bool fused) {
    cs.set_fused_adapters(fused);
    cs.set_adapter_form(g_form);
  }
  Engine engine{VariantConfig()};
  Store store{engine};
  ComponentStore cs{store};
};

void PrintTo(const Variant& v, std::ostream* os) {
  *os << (v.form == Form::kWasm ? "core wasm" : "host function") << (v.opt ? " on the opt tier" : "");
}

class FusedAdapterTest : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override {
    g_form = GetParam().form;
    g_opt = GetParam().opt;
    if (g_opt && !Engine::TierBuiltIn(Config::ExecutionTier::kOpt))
      GTEST_SKIP() << "SKIPPED: the opt tier is not built (NANOWASM_ENABLE_LLVM OFF or no LLVM 19): "
                      "this variant did not run";
  }
};

// A callee `echo: func(x: T) -> T` and a caller whose `run: func(x: T) -> T` hands x to the
// imported echo through canon lower and returns what came back. `flat` is T's flattened core
// parameter list, `store` the callee's core code writing its params as a T at 16 (for a T
// returned through memory), `bad` core arguments for the caller's `bad` export (forged).
struct Case {
  std::string type;
  std::string flat;   // e.g. "i32 i32"
  std::string store;  // callee body leaving the result pointer on the stack
  std::string bad = "";
};

constexpr const char* kAlloc = R"(
    (global $next (mut i32) (i32.const 1024))
    ;; A bump allocator that keeps the old contents (the transcoders shrink and grow).
    (func (export "realloc") (param $op i32) (param $os i32) (param $al i32) (param $ns i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get $al) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $al))))
      (global.set $next (i32.add (local.get $r) (local.get $ns)))
      (if (local.get $os) (then (memory.copy (local.get $r) (local.get $op)
        (select (local.get $os) (local.get $ns) (i32.lt_u (local.get $os) (local.get $ns))))))
      (local.get $r)))";

// A realloc that answers with a pointer past the memory (or a misaligned one).
constexpr const char* kBadAlloc = R"(
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0x3fffe)))";

std::string Callee(const Case& c, const std::string& enc, const char* alloc = kAlloc) {
  return "(component\n  (type $t " + c.type + ")\n  (core module $M (memory (export \"mem\") 4)" + alloc +
         "\n    (func (export \"echo\") (param " + c.flat + ") (result i32) " + c.store + "))\n" +
         "  (core instance $m (instantiate $M))\n"
         "  (func (export \"echo\") (param \"x\" $t) (result $t)\n"
         "    (canon lift (core func $m \"echo\") (memory (core memory $m \"mem\")) (realloc (core func $m \"realloc\")) string-encoding=" +
         enc + ")))";
}

std::string Caller(const Case& c, const std::string& enc, size_t nflat) {
  std::string gets;
  for (size_t i = 0; i < nflat; ++i) gets += "(local.get " + std::to_string(i) + ") ";
  std::string bad = c.bad.empty() ? "" :
      "    (func (export \"bad\") (result i32) (call $echo " + c.bad + " (i32.const 16)) (i32.const 0))\n";
  return "(component\n  (type $t " + c.type + ")\n  (import \"echo\" (func $echo (param \"x\" $t) (result $t)))\n"
         "  (core module $Mem (memory (export \"mem\") 4)" + kAlloc + "\n"
         "    (data (i32.const 512) \"ok\\ff\\fe\"))\n"
         "  (core instance $mem (instantiate $Mem))\n"
         "  (alias core export $mem \"mem\" (core memory $cmem))\n"
         "  (alias core export $mem \"realloc\" (core func $crealloc))\n"
         "  (core func $echo' (canon lower (func $echo) (memory $cmem) (realloc $crealloc) string-encoding=" + enc + "))\n"
         "  (core module $M\n    (import \"\" \"echo\" (func $echo (param " + c.flat + " i32)))\n"
         "    (func (export \"run\") (param " + c.flat + ") (result i32) (call $echo " + gets + "(i32.const 16)) (i32.const 16))\n" +
         bad + "  )\n"
         "  (core instance $m (instantiate $M (with \"\" (instance (export \"echo\" (func $echo'))))))\n"
         "  (func (export \"run\") (param \"x\" $t) (result $t)\n"
         "    (canon lift (core func $m \"run\") (memory $cmem) (realloc $crealloc) string-encoding=" + enc + "))\n" +
         (c.bad.empty() ? "" : "  (func (export \"bad\") (result u32) (canon lift (core func $m \"bad\")))\n") + ")";
}

size_t CountWords(const std::string& s) {
  size_t n = 0;
  bool in = false;
  for (char ch : s) {
    if (ch == ' ') in = false;
    else if (!in) in = true, ++n;
  }
  return n;
}

// One linked pair in its own store; fused or generic.
class Pair {
 public:
  Pair(const Case& c, const std::string& caller_enc, const std::string& callee_enc, bool fused,
       const char* callee_alloc = kAlloc) {
    cs_.set_fused_adapters(fused);
    cs_.set_adapter_form(g_form);
    RtInstance* callee = Make(Callee(c, callee_enc, callee_alloc), {});
    if (!callee) return;
    RtItem echo = *callee->Find("echo");
    caller_ = Make(Caller(c, caller_enc, CountWords(c.flat)), {{"echo", echo}});
    // The lower of echo is the only component-to-component link.
    EXPECT_EQ(cs_.fused_adapters_linked(), fused ? 1u : 0u) << c.type;
  }
  bool ok() const { return caller_ != nullptr; }
  size_t wasm_adapters() const { return cs_.wasm_adapters_linked(); }
  Result<std::vector<ComponentValue>> Call(const std::string& name, std::vector<ComponentValue> args) {
    return cs_.Call(*caller_->Find(name)->func, args);
  }
  RtInstance* Make(const std::string& text, const std::vector<std::pair<std::string, RtItem>>& args) {
    auto c = ParseComponentText(text);
    EXPECT_TRUE(c) << c.error().ToString() << "\n" << text;
    if (!c) return nullptr;
    Status st = ValidateComponent(*c);
    EXPECT_TRUE(st) << st.error().ToString() << "\n" << text;
    if (!st) return nullptr;
    asts_.push_back(std::move(*c));
    auto inst = cs_.Instantiate(asts_.back(), args);
    EXPECT_TRUE(inst) << inst.error().ToString();
    return inst ? *inst : nullptr;
  }

 private:
  Engine engine_{VariantConfig()};
  Store store_{engine_};
  ComponentStore cs_{store_};
  std::deque<Component> asts_;
  RtInstance* caller_ = nullptr;
};

std::string Describe(const Result<std::vector<ComponentValue>>& r) {
  if (!r) return "error: " + r.error().message;
  std::string s;
  for (const auto& v : *r) s += v.ToString() + " ";
  return s;
}

const char* kEncodings[] = {"utf8", "utf16", "latin1+utf16"};

ComponentValue Str(std::string_view s) { return *ComponentValue::String(s); }

// A string or list T returned through memory: (ptr, len) stored at 16.
const char* kStorePtrLen = "(i32.store (i32.const 16) (local.get 0)) (i32.store (i32.const 20) (local.get 1)) (i32.const 16)";

TEST_P(FusedAdapterTest, StringsInEveryEncodingPair) {
  Case c{"string", "i32 i32", kStorePtrLen};
  std::vector<std::string> strings = {"", "hello", "h\xc3\xa9llo w\xc3\xb6rld \xc3\xbf", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
                                      "emoji \xf0\x9f\x98\x80 and more", std::string(700, 'a') + "\xc3\xa9",
                                      // 1 KiB and more: the 256-byte ASCII steps of the UTF-8 check,
                                      // with the first non-ASCII byte in a late step or the tail.
                                      std::string(1024, 'b'), std::string(600, 'c') + "\xe6\x97\xa5" + std::string(500, 'd'),
                                      std::string(1030, 'e') + "\xf0\x9f\x98\x80"};
  for (const char* from : kEncodings) {
    for (const char* to : kEncodings) {
      Pair fused(c, from, to, true), generic(c, from, to, false);
      ASSERT_TRUE(fused.ok() && generic.ok());
      // The split form takes a UTF-8 to UTF-8 copy; a transcoding one stays a host function.
      const bool split = std::string_view(from) == "utf8" && std::string_view(to) == "utf8";
      EXPECT_EQ(fused.wasm_adapters(), GetParam().form == Form::kWasm && split ? 1u : 0u) << from << "->" << to;
      for (const std::string& s : strings) {
        auto a = fused.Call("run", {Str(s)});
        auto b = generic.Call("run", {Str(s)});
        ASSERT_TRUE(a) << from << "->" << to << ": " << a.error().message;
        EXPECT_EQ(Describe(a), Describe(b)) << from << "->" << to;
        EXPECT_EQ((*a)[0].ToUtf8(), s) << from << "->" << to;
      }
    }
  }
}

TEST_P(FusedAdapterTest, ValuesOfManyShapes) {
  std::vector<std::pair<Case, std::vector<ComponentValue>>> cases;
  auto rec = [](uint8_t a, std::string_view s, uint64_t b) {
    return ComponentValue::Record({ComponentValue::U8(a), Str(s), ComponentValue::U64(b)});
  };
  cases.push_back({{"(list (tuple u8 string u64))", "i32 i32", kStorePtrLen},
                   {ComponentValue::List({rec(1, "one", 10), rec(2, "\xc3\xa9t\xc3\xa9", ~0ull), rec(255, "", 0)})}});
  cases.push_back({{"(list u32)", "i32 i32", kStorePtrLen},
                   {ComponentValue::List({ComponentValue::U32(1), ComponentValue::U32(0xffffffff), ComponentValue::U32(7)})}});
  cases.push_back({{"(option string)", "i32 i32 i32",
                    "(i32.store8 (i32.const 16) (local.get 0)) (i32.store (i32.const 20) (local.get 1)) "
                    "(i32.store (i32.const 24) (local.get 2)) (i32.const 16)"},
                   {ComponentValue::Variant(1, Str("some")), ComponentValue::Variant(0)}});
  cases.push_back({{"(result string (error char))", "i32 i32 i32",
                    "(i32.store8 (i32.const 16) (local.get 0)) (i32.store (i32.const 20) (local.get 1)) "
                    "(i32.store (i32.const 24) (local.get 2)) (i32.const 16)"},
                   {ComponentValue::Variant(0, Str("fine")), ComponentValue::Variant(1, *ComponentValue::Char(0x1F600))}});
  cases.push_back({{"(tuple f32 f64 char bool s8 (option u16))",
                    "f32 f64 i32 i32 i32 i32 i32",
                    "(f32.store (i32.const 16) (local.get 0)) (f64.store (i32.const 24) (local.get 1)) "
                    "(i32.store (i32.const 32) (local.get 2)) (i32.store8 (i32.const 36) (local.get 3)) "
                    "(i32.store8 (i32.const 37) (local.get 4)) (i32.store8 (i32.const 38) (local.get 5)) "
                    "(i32.store16 (i32.const 40) (local.get 6)) (i32.const 16)"},
                   {ComponentValue::Record({ComponentValue::F32(1.5f), ComponentValue::F64(-2.25),
                                            *ComponentValue::Char(0xE9), ComponentValue::Bool(true),
                                            ComponentValue::S8(-5), ComponentValue::Variant(1, ComponentValue::U16(513))})}});
  // 18 flat values: the parameters travel in memory (a tuple the callee's realloc holds).
  std::string nine = "(tuple string string string string string string string string string)";
  std::vector<ComponentValue> strs;
  for (int i = 0; i < 9; ++i) strs.push_back(Str(std::string(static_cast<size_t>(i) * 3, static_cast<char>('a' + i))));
  cases.push_back({{nine, "i32", "(local.get 0)"}, {ComponentValue::Record(strs)}});
  for (auto& [c, values] : cases) {
    for (const char* to : {"utf8", "utf16"}) {
      Pair fused(c, "utf8", to, true), generic(c, "utf8", to, false);
      ASSERT_TRUE(fused.ok() && generic.ok()) << c.type;
      for (const ComponentValue& v : values) {
        auto a = fused.Call("run", {v});
        auto b = generic.Call("run", {v});
        ASSERT_TRUE(a) << c.type << ": " << a.error().message;
        EXPECT_EQ(Describe(a), Describe(b)) << c.type;
        EXPECT_EQ((*a)[0], v) << c.type << ": " << (*a)[0].ToString() << " vs " << v.ToString();
      }
    }
  }
}

// Forged arguments trap in both with the same message (the caller's memory holds "ok\xff\xfe"
// at 512).
TEST_P(FusedAdapterTest, BadArgumentsTrapAsTheGenericPath) {
  struct Bad {
    Case c;
    const char* from;
    const char* to;
    const char* expect;
  };
  std::vector<Bad> bads = {
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 262140) (i32.const 8)"}, "utf8", "utf8", "string content out-of-bounds"},
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 512) (i32.const 3)"}, "utf8", "utf8", "invalid utf-8"},
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 512) (i32.const 3)"}, "utf8", "utf16", "invalid utf-8"},
      // 600 bytes: zeros (valid), then "ok\xff\xfe" at 512, inside the third 256-byte step.
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 0) (i32.const 600)"}, "utf8", "utf8", "invalid utf-8"},
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 0) (i32.const 0x10000000)"}, "utf8", "utf8", "longer than"},
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 513) (i32.const 1)"}, "utf16", "utf8", "unaligned pointer"},
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 262142) (i32.const 2)"}, "utf16", "utf8", "string content out-of-bounds"},
      {{"string", "i32 i32", kStorePtrLen, "(i32.const 0x11) (i32.const 0x80000005)"}, "latin1+utf16", "utf8", "unaligned pointer"},
      {{"(list u64)", "i32 i32", kStorePtrLen, "(i32.const 4) (i32.const 1)"}, "utf8", "utf8", "unaligned pointer"},
      {{"(list u64)", "i32 i32", kStorePtrLen, "(i32.const 262136) (i32.const 2)"}, "utf8", "utf8", "list content out-of-bounds"},
      {{"(list string)", "i32 i32", kStorePtrLen, "(i32.const 256) (i32.const 0x10000000)"}, "utf8", "utf8", "longer than"},
      {{"(option string)", "i32 i32 i32", kStorePtrLen, "(i32.const 7) (i32.const 0) (i32.const 0)"}, "utf8", "utf8", "invalid variant discriminant"},
      {{"(tuple char u32)", "i32 i32", kStorePtrLen, "(i32.const 0xD800) (i32.const 0)"}, "utf8", "utf8", "invalid `char` bit pattern"},
      {{"(tuple char u32)", "i32 i32", kStorePtrLen, "(i32.const 0x110000) (i32.const 0)"}, "utf8", "utf8", "invalid `char` bit pattern"},
  };
  for (const Bad& b : bads) {
    std::string type = b.c.type;
    const Case& c = b.c;
    Pair fused(c, b.from, b.to, true), generic(c, b.from, b.to, false);
    ASSERT_TRUE(fused.ok() && generic.ok()) << type;
    auto x = fused.Call("bad", {});
    auto y = generic.Call("bad", {});
    ASSERT_FALSE(x) << type << " " << b.c.bad;
    ASSERT_FALSE(y);
    EXPECT_TRUE(IsTrap(x.error())) << x.error().message;
    EXPECT_EQ(x.error().message, y.error().message) << type << " " << b.c.bad;
    EXPECT_NE(x.error().message.find(b.expect), std::string::npos) << x.error().message;
    // The trapped callee is never entered again, in both.
    EXPECT_EQ(Describe(fused.Call("bad", {})), Describe(generic.Call("bad", {})));
  }
}

// A trap inside the callee's core function (or its realloc) ends the call with the core trap's
// message in both, and the trapped callee is not entered again.
TEST_P(FusedAdapterTest, TrapsInsideTheCalleeAsTheGenericPath) {
  const char* kTrapAlloc = R"(
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.div_u (i32.const 1) (i32.const 0))))";
  struct T {
    Case c;
    const char* alloc;
    const char* expect;
  };
  std::vector<T> ts = {
      {{"string", "i32 i32", "(unreachable)"}, kAlloc, "unreachable"},
      {{"string", "i32 i32", kStorePtrLen}, kTrapAlloc, "divide by zero"},
  };
  for (const T& t : ts) {
    Pair fused(t.c, "utf8", "utf8", true, t.alloc), generic(t.c, "utf8", "utf8", false, t.alloc);
    ASSERT_TRUE(fused.ok() && generic.ok());
    auto x = fused.Call("run", {Str(std::string(300, 'x'))});
    auto y = generic.Call("run", {Str(std::string(300, 'x'))});
    ASSERT_FALSE(x);
    ASSERT_FALSE(y);
    EXPECT_EQ(x.error().message, y.error().message);
    EXPECT_NE(x.error().message.find(t.expect), std::string::npos) << x.error().message;
    auto again = fused.Call("run", {Str("a")});
    ASSERT_FALSE(again);
    EXPECT_EQ(Describe(again), Describe(generic.Call("run", {Str("a")})));
    EXPECT_NE(again.error().message.find("cannot enter"), std::string::npos) << again.error().message;
  }
}

// A callee realloc answering out of bounds or misaligned traps the same way in both, worded as
// a component-to-component adapter words it (the host-side lift says "realloc return: ...":
// ByteListTest.BadReallocResultsTrap). 0x3fffe is 2-aligned and 2 bytes before the end of
// memory: a string's units do not fit; a list of 4-aligned elements, or the 4-aligned tuple of
// parameters passed in memory, is misaligned.
TEST_P(FusedAdapterTest, BadReallocTrapsAsTheGenericPath) {
  struct Bad {
    Case c;
    ComponentValue v;
    const char* expect;
  };
  std::vector<Bad> cases = {
      {{"string", "i32 i32", kStorePtrLen}, Str("abc"), "string content out-of-bounds"},
      {{"(list u8)", "i32 i32", kStorePtrLen}, ComponentValue::Bytes("abc"), "list content out-of-bounds"},
      {{"(list u32)", "i32 i32", kStorePtrLen}, ComponentValue::List({ComponentValue::U32(1)}),
       "unaligned pointer"},
      {{"(list (tuple u8 string))", "i32 i32", kStorePtrLen},
       ComponentValue::List({ComponentValue::Record({ComponentValue::U8(1), Str("x")})}), "unaligned pointer"},
      {{"(tuple string string string string string string string string string)", "i32", "(local.get 0)"},
       ComponentValue::Record(std::vector<ComponentValue>(9, Str("y"))), "unaligned pointer"},
  };
  for (const Bad& b : cases) {
    const Case& c = b.c;
    for (const char* to : {"utf8", "utf16"}) {
      Pair fused(c, "utf8", to, true, kBadAlloc), generic(c, "utf8", to, false, kBadAlloc);
      ASSERT_TRUE(fused.ok() && generic.ok()) << c.type;
      auto x = fused.Call("run", {b.v});
      auto y = generic.Call("run", {b.v});
      ASSERT_FALSE(x) << c.type;
      ASSERT_FALSE(y) << c.type;
      EXPECT_EQ(x.error().message, y.error().message) << c.type << " " << to;
      EXPECT_EQ(x.error().message.rfind(std::string("trap: ") + b.expect, 0), 0u)
          << c.type << " " << to << ": " << x.error().message;
    }
  }
}

// A parent calling its own child through canon lower traps; so does a callee reaching back
// into its caller (through a host function the callee imports).
// A host function `() -> u32` that calls export `name` (`() -> u32`) of *target, an instance
// made after it (set before the call); for re-entry through the host.
struct HostBack {
  ComponentStore* cs;
  RtInstance** target;
  const char* name;
};
RtItem HostCallingBack(ComponentStore& cs, HostBack& back) {
  FuncType ft;
  ft.results = {cs.types().U32()};
  auto host = cs.HostFunction(ft, HostFunc{&back, [](void* p, std::span<const ComponentValue>) {
                                             auto* x = static_cast<HostBack*>(p);
                                             return x->cs->Call(*(*x->target)->Find(x->name)->func, {});
                                           }});
  EXPECT_TRUE(host);
  RtItem item;
  item.sort = Sort::kFunc;
  item.func = host ? *host : nullptr;
  return item;
}

TEST_P(FusedAdapterTest, ReentranceIsRefused) {
  for (bool fused : {true, false}) {
    TestStore ts(fused);
    ComponentStore& cs = ts.cs;
    auto c = ParseComponentText(R"((component
      (component $Child
        (core module $I (func (export "f") (param i32) (result i32) (local.get 0)))
        (core instance $i (instantiate $I))
        (func (export "f") (param "x" u32) (result u32) (canon lift (core func $i "f"))))
      (instance $child (instantiate $Child))
      (canon lower (func $child "f") (core func $f'))
      (core module $Outer (import "" "f" (func $f (param i32) (result i32)))
        (func (export "g") (result i32) (call $f (i32.const 3))))
      (core instance $outer (instantiate $Outer (with "" (instance (export "f" (func $f'))))))
      (func (export "g") (result u32) (canon lift (core func $outer "g")))))");
    ASSERT_TRUE(c) << c.error().ToString();
    ASSERT_TRUE(ValidateComponent(*c));
    auto inst = cs.Instantiate(*c);
    ASSERT_TRUE(inst) << inst.error().ToString();
    EXPECT_EQ(cs.fused_adapters_linked(), fused ? 1u : 0u);
    auto r = cs.Call(*(*inst)->Find("g")->func, {});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot enter component instance"), std::string::npos) << r.error().message;
  }

  // Siblings: A calls B, B's core calls a host function that calls A again.
  std::vector<std::string> msgs;
  for (bool fused : {true, false}) {
    TestStore ts(fused);
    ComponentStore& cs = ts.cs;
    auto b = ParseComponentText(R"((component
      (import "back" (func $back (result u32)))
      (canon lower (func $back) (core func $back'))
      (core module $M (import "" "back" (func $back (result i32)))
        (func (export "f") (result i32) (call $back)))
      (core instance $m (instantiate $M (with "" (instance (export "back" (func $back'))))))
      (func (export "f") (result u32) (canon lift (core func $m "f")))))");
    auto a = ParseComponentText(R"((component
      (import "f" (func $f (result u32)))
      (canon lower (func $f) (core func $f'))
      (core module $M (import "" "f" (func $f (result i32)))
        (func (export "g") (result i32) (call $f))
        (func (export "h") (result i32) (i32.const 5)))
      (core instance $m (instantiate $M (with "" (instance (export "f" (func $f'))))))
      (func (export "g") (result u32) (canon lift (core func $m "g")))
      (func (export "h") (result u32) (canon lift (core func $m "h")))))");
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(ValidateComponent(*a) && ValidateComponent(*b));
    RtInstance* a_inst = nullptr;
    HostBack ctx{&cs, &a_inst, "h"};
    auto bi = cs.Instantiate(*b, {{"back", HostCallingBack(cs, ctx)}});
    ASSERT_TRUE(bi) << bi.error().ToString();
    auto ai = cs.Instantiate(*a, {{"f", *(*bi)->Find("f")}});
    ASSERT_TRUE(ai) << ai.error().ToString();
    a_inst = *ai;
    auto r = cs.Call(*a_inst->Find("g")->func, {});
    ASSERT_FALSE(r);
    msgs.push_back(r.error().message);
  }
  EXPECT_EQ(msgs[0], msgs[1]);
  EXPECT_NE(msgs[0].find("cannot enter"), std::string::npos) << msgs[0];
}

// Own handles move from the callee's table to the caller's and back; borrows are lent for the
// call; a moved handle is gone from the table it left.
TEST_P(FusedAdapterTest, HandlesMoveBetweenTables) {
  constexpr const char* kProvider = R"((component
    (type $r (resource (rep i32)))
    (core func $new (canon resource.new $r))
    (core func $rep (canon resource.rep $r))
    (core module $M
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "rep" (func $rep (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      ;; A borrow of its own resource arrives as the rep itself.
      (func (export "peek") (param i32) (result i32) (local.get 0))
      (func (export "take") (param i32) (result i32) (i32.add (call $rep (local.get 0)) (i32.const 1000))))
    (core instance $m (instantiate $M (with "" (instance (export "new" (func $new)) (export "rep" (func $rep))))))
    (export $R "r" (type $r))
    (func (export "make") (param "v" u32) (result (own $R)) (canon lift (core func $m "make")))
    (func (export "peek") (param "h" (borrow $R)) (result u32) (canon lift (core func $m "peek")))
    (func (export "take") (param "h" (own $R)) (result u32) (canon lift (core func $m "take")))))";
  constexpr const char* kUser = R"((component
    (import "r" (type $R (sub resource)))
    (import "make" (func $make (param "v" u32) (result (own $R))))
    (import "peek" (func $peek (param "h" (borrow $R)) (result u32)))
    (import "take" (func $take (param "h" (own $R)) (result u32)))
    (core func $make' (canon lower (func $make)))
    (core func $peek' (canon lower (func $peek)))
    (core func $take' (canon lower (func $take)))
    (core module $M
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "peek" (func $peek (param i32) (result i32)))
      (import "" "take" (func $take (param i32) (result i32)))
      (func (export "flow") (result i32) (local $h i32) (local $sum i32)
        (local.set $h (call $make (i32.const 42)))
        (local.set $sum (call $peek (local.get $h)))
        (local.set $sum (i32.add (local.get $sum) (call $peek (local.get $h))))
        (i32.add (local.get $sum) (call $take (local.get $h))))
      (func (export "twice") (result i32) (local $h i32)
        (local.set $h (call $make (i32.const 1)))
        (drop (call $take (local.get $h)))
        (call $take (local.get $h)))
      (func (export "forged") (result i32) (call $peek (i32.const 9))))
    (core instance $m (instantiate $M (with "" (instance
      (export "make" (func $make')) (export "peek" (func $peek')) (export "take" (func $take'))))))
    (func (export "flow") (result u32) (canon lift (core func $m "flow")))
    (func (export "twice") (result u32) (canon lift (core func $m "twice")))
    (func (export "forged") (result u32) (canon lift (core func $m "forged")))))";
  std::vector<std::string> outcomes[2];
  for (bool fused : {true, false}) {
    for (const char* fn : {"flow", "twice", "forged"}) {
      TestStore ts(fused);
      ComponentStore& cs = ts.cs;
      auto p = ParseComponentText(kProvider);
      auto u = ParseComponentText(kUser);
      ASSERT_TRUE(p) << p.error().ToString();
      ASSERT_TRUE(u) << u.error().ToString();
      ASSERT_TRUE(ValidateComponent(*p) && ValidateComponent(*u));
      auto pi = cs.Instantiate(*p);
      ASSERT_TRUE(pi) << pi.error().ToString();
      std::vector<std::pair<std::string, RtItem>> args;
      for (const char* n : {"r", "make", "peek", "take"}) args.push_back({n, *(*pi)->Find(n)});
      auto ui = cs.Instantiate(*u, args);
      ASSERT_TRUE(ui) << ui.error().ToString();
      EXPECT_EQ(cs.fused_adapters_linked(), fused ? 3u : 0u);
      auto r = cs.Call(*(*ui)->Find(fn)->func, {});
      outcomes[fused ? 0 : 1].push_back(Describe(r));
      if (std::string(fn) == "flow") {
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ((*r)[0], ComponentValue::U32(42 + 42 + 1042));
      } else {
        ASSERT_FALSE(r) << fn;
        EXPECT_TRUE(IsTrap(r.error())) << r.error().message;
      }
    }
  }
  EXPECT_EQ(outcomes[0], outcomes[1]);
}

// The adapter compiler covers everything but streams and futures; adjacent integers in memory
// become one block copy.
TEST_P(FusedAdapterTest, CompilesOnceIntoFewSteps) {
  TypeTable types;
  auto point = types.Record({{"a", types.U32()}, {"b", types.U32()}, {"c", types.U32()}});
  ASSERT_TRUE(point);
  FuncType ft;
  ft.params = {types.String()};
  ft.results = {*point};
  auto fp = FunctionPlan::Compile(types, ft);
  ASSERT_TRUE(fp);
  ComponentInstanceState a, b;
  CanonOptions oa, ob;
  auto ad = FusedAdapter::Compile(*fp, a, oa, b, ob,
                                  CoreFunc{nullptr, [](void*, std::span<const uint64_t>, std::span<uint64_t>) { return Ok(); }});
  ASSERT_TRUE(ad);
  EXPECT_EQ(ad->step_count(), 2u);  // the string; the record as one 12-byte block
}

// The direct form (wasm_adapter.h: the generated wasm checks and copies the allocation and the
// results itself): a string or a list of u16 and a u32 in, a tuple of integers back through
// memory, against the generic adapter — values, and every check the wasm makes: the
// destination's bounds and alignment from a bad realloc, both return areas, plus the checks
// Enter keeps (forged pointer, bad UTF-8), traps inside the callee and its realloc, and the
// trapped callee staying closed (its flags live in core globals now).
TEST_P(FusedAdapterTest, DirectFormAsTheGenericPath) {
  auto callee = [](const std::string& t, const std::string& alloc, const std::string& ret) {
    return "(component\n  (core module $M (memory (export \"mem\") 4)" + alloc +
           "\n    (func (export \"f\") (param $p i32) (param $n i32) (param $k i32) (result i32)\n"
           "      (i32.store (i32.const 16) (local.get $n)) (i32.store (i32.const 20) (local.get $k))\n"
           "      (i64.store (i32.const 24) (i64.load8_u (local.get $p))) " + ret + "))\n"
           "  (core instance $m (instantiate $M))\n"
           "  (func (export \"f\") (param \"s\" " + t + ") (param \"k\" u32) (result (tuple u32 u32 u64))\n"
           "    (canon lift (core func $m \"f\") (memory (core memory $m \"mem\")) (realloc (core func $m \"realloc\")))))";
  };
  auto caller = [](const std::string& t) {
    return "(component\n  (import \"f\" (func $f (param \"s\" " + t + ") (param \"k\" u32) (result (tuple u32 u32 u64))))\n"
           "  (core module $Mem (memory (export \"mem\") 4)" + std::string(kAlloc) + "\n"
           "    (data (i32.const 512) \"ok\\ff\\fe\") (data (i32.const 520) \"ok\\e2\\82\"))\n"
           "  (core instance $mem (instantiate $Mem))\n"
           "  (alias core export $mem \"mem\" (core memory $cmem))\n"
           "  (alias core export $mem \"realloc\" (core func $crealloc))\n"
           "  (core func $f' (canon lower (func $f) (memory $cmem) (realloc $crealloc)))\n"
           "  (core module $M (import \"\" \"f\" (func $f (param i32 i32 i32 i32)))\n"
           "    (func (export \"run\") (param i32 i32 i32) (result i32)\n"
           "      (call $f (local.get 0) (local.get 1) (local.get 2) (i32.const 64)) (i32.const 64))\n"
           "    (func (export \"bad\") (param i32 i32 i32 i32) (result i32)\n"
           "      (call $f (local.get 0) (local.get 1) (local.get 2) (local.get 3)) (i32.const 64)))\n"
           "  (core instance $m (instantiate $M (with \"\" (instance (export \"f\" (func $f'))))))\n"
           "  (func (export \"run\") (param \"s\" " + t + ") (param \"k\" u32) (result (tuple u32 u32 u64))\n"
           "    (canon lift (core func $m \"run\") (memory $cmem) (realloc $crealloc)))\n"
           "  (func (export \"bad\") (param \"p\" u32) (param \"n\" u32) (param \"k\" u32) (param \"r\" u32)\n"
           "    (result (tuple u32 u32 u64)) (canon lift (core func $m \"bad\") (memory $cmem) (realloc $crealloc))))";
  };
  const std::string kTrapAlloc = R"(
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.div_u (i32.const 1) (i32.const 0))))";
  const std::string kOddAlloc = R"(
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1025)))";
  auto u32 = [](uint32_t v) { return ComponentValue::U32(v); };
  auto list16 = [](std::initializer_list<uint16_t> xs) {
    std::vector<ComponentValue> v;
    for (uint16_t x : xs) v.push_back(ComponentValue::U16(x));
    return ComponentValue::List(std::move(v));
  };
  struct Run {
    std::string export_name;
    std::vector<ComponentValue> args;
    const char* expect;  // a trap's text, or null for a value
  };
  struct Shape {
    std::string type, alloc, ret;
    std::vector<Run> runs;
  };
  const std::vector<Shape> shapes = {
      // A shape's runs stop at the first trap (the callee is closed then), so each trapping
      // run comes after values only.
      {"string", kAlloc, "(i32.const 16)",
       {{"run", {Str("hello"), u32(7)}, nullptr},
        {"run", {Str(std::string(1024, 'q')), u32(1)}, nullptr},
        {"run", {Str(""), u32(0)}, nullptr},
        {"bad", {u32(514), u32(2), u32(1), u32(64)}, "invalid utf-8"}}},
      {"string", kAlloc, "(i32.const 16)", {{"bad", {u32(520), u32(4), u32(1), u32(64)}, "incomplete utf-8"}}},
      {"string", kAlloc, "(i32.const 16)",
       {{"bad", {u32(0x3ffff), u32(10), u32(1), u32(64)}, "string content out-of-bounds"}}},
      {"string", kAlloc, "(i32.const 16)",
       {{"bad", {u32(0), u32(0x10000000), u32(1), u32(64)}, "string longer than 2^28-1 bytes"}}},
      {"string", kAlloc, "(i32.const 16)", {{"bad", {u32(512), u32(2), u32(1), u32(66)}, "unaligned pointer"}}},
      {"string", kAlloc, "(i32.const 16)",
       {{"bad", {u32(512), u32(2), u32(1), u32(0x3fff8)}, "values pointer out of bounds"}}},
      {"(list u16)", kAlloc, "(i32.const 16)",
       {{"run", {list16({1, 2, 0xffff}), u32(9)}, nullptr},
        {"run", {list16({}), u32(3)}, nullptr},
        {"bad", {u32(513), u32(1), u32(1), u32(64)}, "unaligned pointer"}}},
      {"(list u16)", kAlloc, "(i32.const 16)",
       {{"bad", {u32(0x3fffe), u32(2), u32(1), u32(64)}, "list content out-of-bounds"}}},
      {"(list u16)", kAlloc, "(i32.const 16)",
       {{"bad", {u32(0), u32(0x08000000), u32(1), u32(64)}, "list longer than 2^28-1 bytes"}}},
      {"string", kAlloc, "(i32.const 20)", {{"run", {Str("x"), u32(1)}, "unaligned pointer"}}},
      {"string", kAlloc, "(i32.const 0x3fff8)", {{"run", {Str("x"), u32(1)}, "values pointer out of bounds"}}},
      {"string", kBadAlloc, "(i32.const 16)", {{"run", {Str("abc"), u32(1)}, "string content out-of-bounds"}}},
      {"(list u16)", kBadAlloc, "(i32.const 16)", {{"run", {list16({1, 2}), u32(1)}, "list content out-of-bounds"}}},
      {"(list u16)", kOddAlloc, "(i32.const 16)", {{"run", {list16({1}), u32(1)}, "unaligned pointer"}}},
      {"string", kTrapAlloc, "(i32.const 16)", {{"run", {Str("abc"), u32(1)}, "divide by zero"}}},
      {"string", kAlloc, "(unreachable)", {{"run", {Str("abc"), u32(1)}, "unreachable"}}},
  };
  for (const Shape& sh : shapes) {
    std::vector<std::string> outcomes[2];
    for (bool fused : {true, false}) {
      TestStore ts(fused);
      ComponentStore& cs = ts.cs;
      auto a = ParseComponentText(callee(sh.type, sh.alloc, sh.ret));
      auto b = ParseComponentText(caller(sh.type));
      ASSERT_TRUE(a) << a.error().ToString();
      ASSERT_TRUE(b) << b.error().ToString();
      ASSERT_TRUE(ValidateComponent(*a) && ValidateComponent(*b)) << sh.type;
      auto ai = cs.Instantiate(*a);
      ASSERT_TRUE(ai) << ai.error().ToString();
      auto bi = cs.Instantiate(*b, {{"f", *(*ai)->Find("f")}});
      ASSERT_TRUE(bi) << bi.error().ToString();
      EXPECT_EQ(cs.direct_adapters_linked(), fused && GetParam().form == Form::kWasm ? 1u : 0u) << sh.type;
      for (const Run& r : sh.runs) {
        auto x = cs.Call(*(*bi)->Find(r.export_name)->func, r.args);
        outcomes[fused ? 0 : 1].push_back(Describe(x));
        if (r.expect) {
          ASSERT_FALSE(x) << sh.type << " " << sh.ret;
          EXPECT_NE(x.error().message.find(r.expect), std::string::npos) << x.error().message;
          // The trapped callee stays closed.
          std::vector<ComponentValue> args = {sh.type == "string" ? Str("a") : list16({1}), u32(1)};
          auto again = cs.Call(*(*bi)->Find("run")->func, args);
          outcomes[fused ? 0 : 1].push_back(Describe(again));
          break;
        }
        ASSERT_TRUE(x) << sh.type << ": " << x.error().message;
      }
    }
    EXPECT_EQ(outcomes[0], outcomes[1]) << sh.type << " " << sh.alloc << " " << sh.ret;
  }
}

// The flags the direct form's wasm checks itself (the core globals of BindFlags), with a
// string argument so that the call takes the direct form: a call into an instance entered
// already, through the host (may_enter: the host calls D.f, whose core calls the host, which
// calls A.g, whose core calls D.h), and a callee's realloc calling out of its instance
// (may_leave: A calls B, whose realloc calls C).
TEST_P(FusedAdapterTest, DirectFormChecksTheFlags) {
  const std::string alloc = kAlloc;
  const std::string d_text = R"((component
    (import "back" (func $back (result u32)))
    (core func $back' (canon lower (func $back)))
    (core module $M (import "" "back" (func $back (result i32))) (memory (export "mem") 1))" + alloc + R"(
      (func (export "f") (result i32) (call $back))
      (func (export "h") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M (with "" (instance (export "back" (func $back'))))))
    (func (export "f") (result u32) (canon lift (core func $m "f")))
    (func (export "h") (param "s" string) (result u32)
      (canon lift (core func $m "h") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))))";
  const std::string c_text = R"((component
    (core module $M (memory (export "mem") 1))" + alloc + R"(
      (func (export "c") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "c") (param "s" string) (result u32)
      (canon lift (core func $m "c") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))))";
  const std::string b_text = R"((component
    (import "c" (func $c (param "s" string) (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $cmem))
    (core func $c' (canon lower (func $c) (memory $cmem)))
    (core module $M (import "" "c" (func $c (param i32 i32) (result i32)))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (drop (call $c (i32.const 0) (i32.const 1))) (i32.const 64))
      (func (export "f") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M (with "" (instance (export "c" (func $c'))))))
    (func (export "f") (param "s" string) (result u32)
      (canon lift (core func $m "f") (memory $cmem) (realloc (core func $m "realloc"))))))";
  const std::string a_text = R"((component
    (import "f" (func $f (param "s" string) (result u32)))
    (core module $Mem (memory (export "mem") 1) (data (i32.const 0) "abc"))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $cmem))
    (core func $f' (canon lower (func $f) (memory $cmem)))
    (core module $M (import "" "f" (func $f (param i32 i32) (result i32)))
      (func (export "g") (result i32) (call $f (i32.const 0) (i32.const 3))))
    (core instance $m (instantiate $M (with "" (instance (export "f" (func $f'))))))
    (func (export "g") (result u32) (canon lift (core func $m "g")))))";
  std::vector<std::string> outcomes[2];
  for (bool fused : {true, false}) {
    TestStore ts(fused);
    ComponentStore& cs = ts.cs;
    auto d = ParseComponentText(d_text);
    auto a = ParseComponentText(a_text);
    auto b = ParseComponentText(b_text);
    auto c = ParseComponentText(c_text);
    ASSERT_TRUE(d && a && b && c);
    ASSERT_TRUE(ValidateComponent(*d) && ValidateComponent(*a) && ValidateComponent(*b) && ValidateComponent(*c));
    // The host's "back" calls A2.g (A's text with "f" bound to D.h).
    RtInstance* a2 = nullptr;
    HostBack ctx{&cs, &a2, "g"};
    auto di = cs.Instantiate(*d, {{"back", HostCallingBack(cs, ctx)}});
    ASSERT_TRUE(di) << di.error().ToString();
    auto a2i = cs.Instantiate(*a, {{"f", *(*di)->Find("h")}});
    ASSERT_TRUE(a2i) << a2i.error().ToString();
    a2 = *a2i;
    auto ci = cs.Instantiate(*c);
    ASSERT_TRUE(ci) << ci.error().ToString();
    auto bi = cs.Instantiate(*b, {{"c", *(*ci)->Find("c")}});
    ASSERT_TRUE(bi) << bi.error().ToString();
    auto ai = cs.Instantiate(*a, {{"f", *(*bi)->Find("f")}});
    ASSERT_TRUE(ai) << ai.error().ToString();
    // A2 -> D, B -> C and A -> B each take the direct form.
    EXPECT_EQ(cs.direct_adapters_linked(), fused && GetParam().form == Form::kWasm ? 3u : 0u);
    auto r = cs.Call(*(*di)->Find("f")->func, {});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot enter component instance"), std::string::npos) << r.error().message;
    outcomes[fused ? 0 : 1].push_back(Describe(r));
    r = cs.Call(*(*ai)->Find("g")->func, {});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cannot leave component instance"), std::string::npos) << r.error().message;
    outcomes[fused ? 0 : 1].push_back(Describe(r));
  }
  EXPECT_EQ(outcomes[0], outcomes[1]);
}

INSTANTIATE_TEST_SUITE_P(Forms, FusedAdapterTest,
                         ::testing::Values(Variant{Form::kHost, false}, Variant{Form::kWasm, false},
                                           Variant{Form::kWasm, true}),
                         [](const ::testing::TestParamInfo<Variant>& i) {
                           return i.param.form == Form::kHost ? "HostFunction"
                                                              : (i.param.opt ? "CoreWasmOpt" : "CoreWasm");
                         });

}  // namespace
}  // namespace nw::component

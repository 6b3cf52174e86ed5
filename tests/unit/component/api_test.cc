// The public component API (include/nanowasm/component.hpp): every value kind crosses both
// directions (host -> guest export -> guest's import -> host function -> back), dynamic and
// typed; misuse is refused as kError before anything runs; core, ABI and host traps are told
// apart; resources are host handles the guest can drop (once); a trapped instance stays closed.
// The tests that instantiate run on both tiers (/interp, /opt): components are above the tiers,
// so their core modules compiled by the opt tier (LLVM) must behave the same; /opt skips with a
// message in builds without the tier.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "nanowasm/component.hpp"

struct Point {
  uint32_t a = 0;
  std::string b;
  bool operator==(const Point&) const = default;
};
NW_COMPONENT_RECORD(Point, a, b);

namespace nw {

// The tier a parametrized test runs on, by name in test listings (ctest shows GetParam()).
void PrintTo(Config::ExecutionTier tier, std::ostream* os) {
  *os << (tier == Config::ExecutionTier::kOpt ? "opt" : "interp");
}

namespace {

// One echo case: a component-level type, its flattened core params, and whether its single
// result fits one core value (else it goes through memory at a return pointer).
struct EchoCase {
  const char* name;
  const char* type;
  const char* flat;  // core param types
  bool flat_result;
};

const EchoCase kCases[] = {
    {"bool", "bool", "i32", true},
    {"s8", "s8", "i32", true},
    {"u8", "u8", "i32", true},
    {"s16", "s16", "i32", true},
    {"u16", "u16", "i32", true},
    {"s32", "s32", "i32", true},
    {"u32", "u32", "i32", true},
    {"s64", "s64", "i64", true},
    {"u64", "u64", "i64", true},
    {"f32", "f32", "f32", true},
    {"f64", "f64", "f64", true},
    {"char", "char", "i32", true},
    {"string", "string", "i32 i32", false},
    {"list", "(list u32)", "i32 i32", false},
    {"bytes", "(list u8)", "i32 i32", false},
    {"record", "(record (field \"a\" u32) (field \"b\" string))", "i32 i32 i32", false},
    {"tuple", "(tuple u8 f64)", "i32 f64", false},
    {"variant", "(variant (case \"a\" u32) (case \"b\" string) (case \"c\"))", "i32 i32 i32", false},
    {"enum", "(enum \"x\" \"y\" \"z\")", "i32", true},
    {"option", "(option string)", "i32 i32 i32", false},
    {"result", "(result u32 (error string))", "i32 i32 i32", false},
    {"flags", "(flags \"a\" \"b\" \"c\")", "i32", true},
    {"own", "(own $r)", "i32", true},
    {"nested", "(list (option (tuple s8 (list string))))", "i32 i32", false},
    {"lf32", "(list f32)", "i32 i32", false},
    {"lf64", "(list f64)", "i32 i32", false},
    {"lbool", "(list bool)", "i32 i32", false},
    {"lchar", "(list char)", "i32 i32", false},
};

std::string Params(const std::string& flat, bool with_retptr) {
  std::string s = "(param " + flat + (with_retptr ? " i32)" : ")");
  return s;
}

// The echo component: for each case T, an import "f-T: func(x: T) -> T" lowered into core
// code, and an export "g-T: func(x: T) -> T" lifted from core code that calls the lowered
// import and returns what it returned. Also "drop" (resource.drop of an own<r>), "use"
// (passes a borrow<r> to the host), "boom" (unreachable) and "call-f" (calls f-u32).
std::string EchoComponent() {
  std::string imports, lowers, core_imports, core_funcs, with, lifts;
  for (const EchoCase& k : kCases) {
    EchoCase c = k;
    std::string n = c.name, flat = c.flat;
    // Records, variants, enums and flags in an import's or export's signature must be named:
    // imported here as (eq) type imports.
    std::string type = c.type;
    if (n == "record" || n == "variant" || n == "enum" || n == "flags") {
      imports += "(type $T-" + n + " " + type + ")\n(import \"t-" + n + "\" (type $t-" + n +
                 " (eq $T-" + n + ")))\n";
      type = "$t-" + n;
    }
    c.type = type.c_str();
    size_t nflat = 1 + std::count(flat.begin(), flat.end(), ' ');
    imports += "(import \"f-" + n + "\" (func $f-" + n + " (param \"x\" " + c.type + ") (result " +
               c.type + ")))\n";
    lowers += "(canon lower (func $f-" + n + ") (memory (core memory $mem \"mem\")) (realloc (core func $mem \"realloc\")) (core func $lf-" + n + "))\n";
    std::string gets;
    for (size_t i = 0; i < nflat; ++i) gets += " (local.get " + std::to_string(i) + ")";
    std::string result_type = flat.substr(0, flat.find(' '));
    if (c.flat_result) {
      core_imports += "(import \"\" \"f-" + n + "\" (func $f-" + n + " " + Params(flat, false) +
                      " (result " + result_type + ")))\n";
      core_funcs += "(func (export \"g-" + n + "\") " + Params(flat, false) + " (result " +
                    result_type + ") (call $f-" + n + gets + "))\n";
    } else {
      core_imports += "(import \"\" \"f-" + n + "\" (func $f-" + n + " " + Params(flat, true) + "))\n";
      core_funcs += "(func (export \"g-" + n + "\") " + Params(flat, false) + " (result i32) (call $f-" +
                    n + gets + " (i32.const 64)) (i32.const 64))\n";
    }
    with += "(export \"f-" + n + "\" (func $lf-" + n + "))";
    lifts += "(func (export \"g-" + n + "\") (param \"x\" " + c.type + ") (result " + c.type +
             ") (canon lift (core func $m \"g-" + n + "\") (memory (core memory $mem \"mem\")) (realloc (core func $mem \"realloc\"))))\n";
  }
  return R"((component
  (import "r" (type $r (sub resource)))
  (import "take-borrow" (func $take-borrow (param "x" (borrow $r)) (result u32)))
)" + imports + R"(
  (core module $Mem
    (memory (export "mem") 64)  ;; room for the 1 MiB byte lists
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
)" + lowers + R"(
  (canon resource.drop $r (core func $drop))
  (canon lower (func $take-borrow) (core func $tb))
  (core module $M
)" + core_imports + R"(
    (import "" "drop" (func $drop (param i32)))
    (import "" "take-borrow" (func $tb (param i32) (result i32)))
)" + core_funcs + R"(
    (func (export "drop") (param i32) (call $drop (local.get 0)))
    (func (export "drop-twice") (param i32) (call $drop (local.get 0)) (call $drop (local.get 0)))
    (func (export "drop-then-use") (param i32) (result i32)
      (call $drop (local.get 0)) (call $tb (local.get 0)))
    (func (export "use") (param i32) (result i32) (local $r i32)
      (local.set $r (call $tb (local.get 0))) (call $drop (local.get 0)) (local.get $r))
    (func (export "boom") (unreachable)))
  (core instance $m (instantiate $M (with "" (instance )" + with +
         R"( (export "drop" (func $drop)) (export "take-borrow" (func $tb))))))
)" + lifts + R"(
  (func (export "drop") (param "x" (own $r)) (canon lift (core func $m "drop")))
  (func (export "drop-twice") (param "x" (own $r)) (canon lift (core func $m "drop-twice")))
  (func (export "drop-then-use") (param "x" (own $r)) (result u32) (canon lift (core func $m "drop-then-use")))
  (func (export "use") (param "x" (own $r)) (result u32) (canon lift (core func $m "use")))
  (func (export "boom") (canon lift (core func $m "boom")))
))";
}

// The engine configuration of a tier: the opt tier compiles at O2 before anything runs.
Config TierConfig(Config::ExecutionTier tier) {
  Config c;
  c.tier = tier;
  if (tier == Config::ExecutionTier::kOpt) c.opt_tiering = Config::OptTiering::kOff;
  return c;
}

std::string TierName(const ::testing::TestParamInfo<Config::ExecutionTier>& info) {
  return info.param == Config::ExecutionTier::kOpt ? "opt" : "interp";
}

constexpr Config::ExecutionTier kTiers[] = {Config::ExecutionTier::kInterp,
                                            Config::ExecutionTier::kOpt};

#define NW_SKIP_IF_TIER_NOT_BUILT(tier)                                                         \
  do {                                                                                          \
    if (!Engine::TierBuiltIn(tier))                                                             \
      GTEST_SKIP() << "SKIPPED: the opt tier is not built (NANOWASM_ENABLE_LLVM OFF or no LLVM " \
                      "19): this test did not run on it";                                       \
  } while (0)

class ComponentApiTest : public ::testing::TestWithParam<Config::ExecutionTier> {
 protected:
  void SetUp() override {
    NW_SKIP_IF_TIER_NOT_BUILT(GetParam());
    auto c = ComponentModule::FromText(EchoComponent());
    ASSERT_TRUE(c) << c.error().ToString();
    module_ = *c;
    for (const EchoCase& k : kCases) {
      std::string n = k.name;
      linker_.DefineFunc("f-" + n, [this, n](std::span<const ComponentVal> args)
                                       -> Result<std::vector<ComponentVal>> {
        received_[n] = args[0];
        return std::vector<ComponentVal>{args[0]};
      });
    }
    linker_.DefineResource("r", [this](uint32_t rep) { dropped_.push_back(rep); });
    linker_.DefineFunc("take-borrow", [](BorrowHandle h) -> uint32_t { return h.rep * 10; });
  }

  CallResult<ComponentInstance> Instantiate() { return linker_.Instantiate(cs_, *module_); }

  Engine engine_{TierConfig(GetParam())};
  Store store_{engine_};
  ComponentStore cs_{store_};
  std::shared_ptr<const ComponentModule> module_;
  ComponentLinker linker_;
  std::map<std::string, ComponentVal> received_;
  std::vector<uint32_t> dropped_;
};

using V = ComponentVal;

TEST_P(ComponentApiTest, EveryValueKindCrossesBothWays) {
  auto inst = Instantiate();
  ASSERT_TRUE(inst) << inst.error().message;
  std::vector<std::pair<std::string, V>> values = {
      {"bool", V::Bool(true)},
      {"s8", V::S8(-128)},
      {"u8", V::U8(255)},
      {"s16", V::S16(-32768)},
      {"u16", V::U16(65535)},
      {"s32", V::S32(-7)},
      {"u32", V::U32(0xFFFFFFFF)},
      {"s64", V::S64(INT64_MIN)},
      {"u64", V::U64(UINT64_MAX)},
      {"f32", V::F32(1.5f)},
      {"f64", V::F64(-2.25)},
      {"char", V::Char(U'\U0001F600')},
      {"string", V::String("héllo, wörld — 1 KiB? no: short")},
      {"list", V::List({V::U32(1), V::U32(2), V::U32(3)})},
      {"bytes", V::Bytes(std::string("\x00\x01\xfe\xff", 4))},
      {"record", V::Record({V::U32(9), V::String("nine")})},
      {"tuple", V::Tuple({V::U8(7), V::F64(0.5)})},
      {"variant", V::Variant(1, V::String("b-case"))},
      {"enum", V::Enum(2)},
      {"option", V::Some(V::String("some"))},
      {"result", V::Err(V::String("bad"))},
      {"flags", V::Flags(0b101)},
      {"own", V::Own(42)},
      {"nested", V::List({V::None(), V::Some(V::Tuple({V::S8(-1), V::List({V::String("a"), V::String("")})}))})},
      {"lf32", V::List({V::F32(1.5f), V::F32(-0.0f)})},
      {"lf64", V::Packed(ComponentValKind::kF64, std::string("\0\0\0\0\0\0\xf0\x3f", 8))},  // 1.0
      {"lbool", V::List({V::Bool(true), V::Bool(false)})},
      {"lchar", V::List({V::Char(U'x'), V::Char(U'\U0010FFFF')})},
  };
  for (const auto& [name, v] : values) {
    auto f = inst->GetFunc("g-" + name);
    ASSERT_TRUE(f) << f.error().message;
    auto r = f->Call({v});
    ASSERT_TRUE(r) << name << ": " << r.error().message;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0], v) << name << ": " << (*r)[0].ToString() << " vs " << v.ToString();
    EXPECT_EQ(received_[name], v) << name << " as the host function received it";
  }
  // The other cases of the cased types.
  for (const auto& [name, v] : std::vector<std::pair<std::string, V>>{
           {"variant", V::Variant(2)}, {"variant", V::Variant(0, V::U32(5))}, {"option", V::None()},
           {"result", V::Ok(V::U32(3))}, {"list", V::List({})}, {"string", V::String("")},
           {"bytes", V::List({V::U8(1), V::U8(200)})}, {"bytes", V::Bytes("")}}) {
    auto r = inst->GetFunc("g-" + name)->Call({v});
    ASSERT_TRUE(r) << name << ": " << r.error().message;
    EXPECT_EQ((*r)[0], v) << name;
  }
}

enum class Xyz { kX, kY, kZ };

TEST_P(ComponentApiTest, TypedCallsAndTypedHostFunctions) {
  // Typed host functions replace some dynamic ones; their C++ types are checked at instantiation.
  linker_.DefineFunc("f-string", [](std::string s) { return s + "!"; });
  linker_.DefineFunc("f-bytes", [](std::vector<uint8_t> b) {
    std::reverse(b.begin(), b.end());
    return b;
  });
  linker_.DefineFunc("f-record", [](Point p) { return Point{p.a + 1, p.b + "?"}; });
  linker_.DefineFunc("f-variant", [](std::variant<uint32_t, std::string, std::monostate> v) { return v; });
  linker_.DefineFunc("f-result", [](std::expected<uint32_t, std::string> r) -> Result<std::expected<uint32_t, std::string>> {
    if (r && *r == 13) return MakeError("unlucky");
    return r;
  });
  auto inst = Instantiate();
  ASSERT_TRUE(inst) << inst.error().message;

  auto s = TypedComponentFunc<std::string(std::string)>::Make(*inst->GetFunc("g-string"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*s->Call("hi"), "hi!");
  // list<u8> as std::vector<uint8_t>: bytes both ways; a dynamic call asks for bytes or elements.
  auto b = TypedComponentFunc<std::vector<uint8_t>(std::vector<uint8_t>)>::Make(*inst->GetFunc("g-bytes"));
  ASSERT_TRUE(b) << b.error().message;
  std::vector<uint8_t> big(1 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> rev(big.rbegin(), big.rend());
  auto big_r = b->Call(big);
  ASSERT_TRUE(big_r) << big_r.error().message;
  EXPECT_EQ(*big_r, rev);
  auto as_bytes = inst->GetFunc("g-bytes")->Call(std::vector<V>{V::Bytes("abc")}, ComponentFunc::ByteLists::kBytes);
  ASSERT_TRUE(as_bytes) << as_bytes.error().message;
  ASSERT_TRUE((*as_bytes)[0].is_bytes());
  EXPECT_EQ((*as_bytes)[0].as_bytes(), "cba");
  auto as_elems = inst->GetFunc("g-bytes")->Call({V::Bytes("abc")});
  ASSERT_TRUE(as_elems) << as_elems.error().message;
  EXPECT_FALSE((*as_elems)[0].is_bytes());
  EXPECT_EQ((*as_elems)[0].elems().size(), 3u);
  EXPECT_EQ((*as_elems)[0], V::Bytes("cba"));
  auto wrong = inst->GetFunc("g-list")->Call({V::Bytes("abcd")});  // list<u32>: refused
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ComponentError::Kind::kError);
  auto p = TypedComponentFunc<Point(Point)>::Make(*inst->GetFunc("g-record"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(*p->Call(Point{1, "x"}), (Point{2, "x?"}));
  using Var = std::variant<uint32_t, std::string, std::monostate>;
  auto v = TypedComponentFunc<Var(Var)>::Make(*inst->GetFunc("g-variant"));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v->Call(Var(std::string("s"))), Var(std::string("s")));
  EXPECT_EQ(*v->Call(Var(std::monostate{})), Var(std::monostate{}));
  using Res = std::expected<uint32_t, std::string>;
  auto r = TypedComponentFunc<Res(Res)>::Make(*inst->GetFunc("g-result"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r->Call(Res(std::unexpect, "e")), Res(std::unexpect, "e"));
  EXPECT_EQ(*r->Call(Res(4)), Res(4));
  auto trapped = r->Call(Res(13));  // the host function fails: a host trap
  ASSERT_FALSE(trapped);
  EXPECT_EQ(trapped.error().kind, ComponentError::Kind::kHostTrap);
  EXPECT_NE(trapped.error().message.find("unlucky"), std::string::npos);

  // The remaining mappings, through the dynamic host echo (a fresh instance: the one above trapped).
  auto i2 = Instantiate();
  ASSERT_TRUE(i2) << i2.error().message;
  auto o = TypedComponentFunc<std::optional<std::string>(std::optional<std::string>)>::Make(*i2->GetFunc("g-option"));
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(*o->Call(std::nullopt), std::nullopt);
  EXPECT_EQ(*o->Call("x"), std::optional<std::string>("x"));
  auto l = TypedComponentFunc<std::vector<uint32_t>(std::vector<uint32_t>)>::Make(*i2->GetFunc("g-list"));
  ASSERT_TRUE(l);
  EXPECT_EQ(*l->Call({4, 5}), (std::vector<uint32_t>{4, 5}));
  auto t = TypedComponentFunc<std::tuple<uint8_t, double>(std::tuple<uint8_t, double>)>::Make(*i2->GetFunc("g-tuple"));
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->Call({1, 2.5}), std::make_tuple(uint8_t{1}, 2.5));
  auto e = TypedComponentFunc<Xyz(Xyz)>::Make(*i2->GetFunc("g-enum"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->Call(Xyz::kZ), Xyz::kZ);
  auto fl = TypedComponentFunc<ComponentFlags(ComponentFlags)>::Make(*i2->GetFunc("g-flags"));
  ASSERT_TRUE(fl);
  EXPECT_EQ(fl->Call(ComponentFlags{6})->bits, 6u);
  auto ch = TypedComponentFunc<char32_t(char32_t)>::Make(*i2->GetFunc("g-char"));
  ASSERT_TRUE(ch);
  EXPECT_EQ(*ch->Call(U'λ'), U'λ');
  auto own = TypedComponentFunc<OwnHandle(OwnHandle)>::Make(*i2->GetFunc("g-own"));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->Call(OwnHandle{77})->rep, 77u);
  auto f64 = TypedComponentFunc<double(double)>::Make(*i2->GetFunc("g-f64"));
  ASSERT_TRUE(f64);
  EXPECT_EQ(*f64->Call(3.25), 3.25);
  auto s64 = TypedComponentFunc<int64_t(int64_t)>::Make(*i2->GetFunc("g-s64"));
  ASSERT_TRUE(s64);
  EXPECT_EQ(*s64->Call(-5), -5);
}

// Lists of f32, f64, bool and char cross packed (one copy each way): typed as std::vector of
// float/double/bool/char32_t, dynamic as ComponentVal::Packed (results packed with kPacked),
// with NaNs canonical on the way back and invalid bools/chars refused as misuse.
TEST_P(ComponentApiTest, PackedScalarListsRoundTrip) {
  linker_.DefineFunc("f-lf64", [](std::vector<double> v) {
    std::reverse(v.begin(), v.end());
    return v;
  });
  linker_.DefineFunc("f-lbool", [](std::vector<bool> v) {
    v.flip();
    return v;
  });
  linker_.DefineFunc("f-lchar", [](std::vector<char32_t> v) {
    std::reverse(v.begin(), v.end());
    return v;
  });
  bool host_saw_packed = false;
  linker_.DefineFunc("f-lf32", [&](std::span<const ComponentVal> a) -> Result<std::vector<ComponentVal>> {
    host_saw_packed = a[0].is_packed();  // a dynamic host function gets elements
    return std::vector<ComponentVal>{a[0]};
  });
  auto inst = Instantiate();
  ASSERT_TRUE(inst) << inst.error().message;

  auto f64 = TypedComponentFunc<std::vector<double>(std::vector<double>)>::Make(*inst->GetFunc("g-lf64"));
  ASSERT_TRUE(f64) << f64.error().message;
  std::vector<double> big(1 << 16);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<double>(i) * 0.5 - 7.0;
  auto rb = f64->Call(big);
  ASSERT_TRUE(rb) << rb.error().message;
  EXPECT_EQ(*rb, std::vector<double>(big.rbegin(), big.rend()));
  // A NaN with a payload comes back as the canonical NaN.
  double nan_payload;
  uint64_t bits = 0x7ff0000000000042ull;
  std::memcpy(&nan_payload, &bits, 8);
  auto rn = f64->Call({nan_payload, 1.0});
  ASSERT_TRUE(rn) << rn.error().message;
  uint64_t got;
  std::memcpy(&got, &rn->at(1), 8);
  EXPECT_EQ(got, 0x7ff8000000000000ull);

  auto bools = TypedComponentFunc<std::vector<bool>(std::vector<bool>)>::Make(*inst->GetFunc("g-lbool"));
  ASSERT_TRUE(bools) << bools.error().message;
  EXPECT_EQ(*bools->Call({true, false, false, true, true}), (std::vector<bool>{false, true, true, false, false}));
  auto chars = TypedComponentFunc<std::vector<char32_t>(std::vector<char32_t>)>::Make(*inst->GetFunc("g-lchar"));
  ASSERT_TRUE(chars) << chars.error().message;
  EXPECT_EQ(*chars->Call({U'a', U'\U0001F600', U'\u00e9'}), (std::vector<char32_t>{U'\u00e9', U'\U0001F600', U'a'}));
  auto f32 = TypedComponentFunc<std::vector<float>(std::vector<float>)>::Make(*inst->GetFunc("g-lf32"));
  ASSERT_TRUE(f32) << f32.error().message;
  EXPECT_EQ(*f32->Call({1.0f, -2.5f}), (std::vector<float>{1.0f, -2.5f}));
  EXPECT_FALSE(host_saw_packed);

  // Dynamic: a packed argument, results packed only when asked for.
  std::string two_f32("\x00\x00\xc0\x3f\x00\x00\x20\xc0", 8);  // 1.5, -2.5
  auto p = inst->GetFunc("g-lf32")->Call(std::vector<V>{V::Packed(ComponentValKind::kF32, two_f32)},
                                         ComponentFunc::ByteLists::kPacked);
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE((*p)[0].is_packed());
  EXPECT_EQ((*p)[0].packed_elem(), ComponentValKind::kF32);
  EXPECT_EQ((*p)[0].packed_bytes(), two_f32);
  EXPECT_EQ((*p)[0].list_elem(1), V::F32(-2.5f));
  auto e = inst->GetFunc("g-lf32")->Call({V::Packed(ComponentValKind::kF32, two_f32)});
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_FALSE((*e)[0].is_packed());
  EXPECT_EQ((*e)[0], V::List({V::F32(1.5f), V::F32(-2.5f)}));
  EXPECT_EQ((*e)[0].ToString(), (*p)[0].ToString());

  // Misuse: nothing runs.
  auto bad_bool = inst->GetFunc("g-lbool")->Call({V::Packed(ComponentValKind::kBool, "\x01\x02")});
  ASSERT_FALSE(bad_bool);
  EXPECT_EQ(bad_bool.error().kind, ComponentError::Kind::kError);
  std::string surrogate("\x00\xd8\x00\x00", 4);
  auto bad_char = inst->GetFunc("g-lchar")->Call({V::Packed(ComponentValKind::kChar, surrogate)});
  ASSERT_FALSE(bad_char);
  EXPECT_EQ(bad_char.error().kind, ComponentError::Kind::kError);
  auto wrong_kind = inst->GetFunc("g-lf64")->Call({V::Packed(ComponentValKind::kF32, two_f32)});
  ASSERT_FALSE(wrong_kind);
  EXPECT_EQ(wrong_kind.error().kind, ComponentError::Kind::kError);
  auto not_scalar = inst->GetFunc("g-lf64")->Call({V::Packed(ComponentValKind::kString, "12345678")});
  ASSERT_FALSE(not_scalar);
  EXPECT_EQ(not_scalar.error().kind, ComponentError::Kind::kError);
}

TEST_P(ComponentApiTest, TypedSignatureMismatchesAreRefused) {
  auto inst = Instantiate();
  ASSERT_TRUE(inst);
  EXPECT_FALSE(TypedComponentFunc<uint32_t(std::string)>::Make(*inst->GetFunc("g-string")));
  EXPECT_FALSE(TypedComponentFunc<int32_t(int32_t)>::Make(*inst->GetFunc("g-u32")));
  EXPECT_FALSE(TypedComponentFunc<uint8_t(uint8_t)>::Make(*inst->GetFunc("g-u16")));
  EXPECT_FALSE((TypedComponentFunc<std::tuple<uint8_t, float>(std::tuple<uint8_t, float>)>::Make(
      *inst->GetFunc("g-tuple"))));
  EXPECT_FALSE(TypedComponentFunc<void(uint32_t)>::Make(*inst->GetFunc("g-u32")));
  auto bad = TypedComponentFunc<uint32_t(uint32_t, uint32_t)>::Make(*inst->GetFunc("g-u32"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("func(u32) -> u32"), std::string::npos) << bad.error().message;

  // A typed host function whose C++ signature does not fit the import: instantiation fails.
  linker_.DefineFunc("f-string", [](uint32_t x) { return x; });
  auto r = Instantiate();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ComponentError::Kind::kError);
  EXPECT_NE(r.error().message.find("f-string"), std::string::npos) << r.error().message;
}

TEST_P(ComponentApiTest, MisuseIsAnErrorAndRunsNothing) {
  auto inst = Instantiate();
  ASSERT_TRUE(inst);
  auto f = *inst->GetFunc("g-u32");
  auto wrong_arity = f.Call({});
  ASSERT_FALSE(wrong_arity);
  EXPECT_EQ(wrong_arity.error().kind, ComponentError::Kind::kError);
  auto wrong_kind = f.Call({V::String("3")});
  ASSERT_FALSE(wrong_kind);
  EXPECT_EQ(wrong_kind.error().kind, ComponentError::Kind::kError);
  EXPECT_NE(wrong_kind.error().message.find("expected a u32"), std::string::npos);
  auto bad_utf8 = inst->GetFunc("g-string")->Call({V::String("\xff\xfe")});
  ASSERT_FALSE(bad_utf8);
  EXPECT_EQ(bad_utf8.error().kind, ComponentError::Kind::kError);
  auto bad_case = inst->GetFunc("g-variant")->Call({V::Variant(7)});
  ASSERT_FALSE(bad_case);
  EXPECT_EQ(bad_case.error().kind, ComponentError::Kind::kError);
  auto missing_payload = inst->GetFunc("g-variant")->Call({V::Variant(0)});
  ASSERT_FALSE(missing_payload);
  auto surrogate = inst->GetFunc("g-char")->Call({V::Char(0xD800)});
  ASSERT_FALSE(surrogate);
  EXPECT_EQ(surrogate.error().kind, ComponentError::Kind::kError);
  auto record_arity = inst->GetFunc("g-record")->Call({V::Record({V::U32(1)})});
  ASSERT_FALSE(record_arity);
  EXPECT_FALSE(inst->GetFunc("no-such-export"));
  // Nothing above entered the instance: it still works.
  auto ok = f.Call({V::U32(5)});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ((*ok)[0], V::U32(5));
}

// The store's limits are the embedder's: read back as set, and the host-value bound holds on
// both paths (a host function's argument, Call's result), in bytes of host memory: 100 bytes
// pass a 64 KiB bound, 100 KiB do not.
TEST_P(ComponentApiTest, StoreLimitsBoundHostValues) {
  const ComponentLimits defaults = cs_.limits();
  EXPECT_EQ(defaults.max_async_threads, 256u);
  EXPECT_EQ(defaults.max_callback_tasks, 65536u);
  EXPECT_EQ(defaults.max_host_value_bytes, uint64_t{512} << 20);
  cs_.SetLimits(ComponentLimits{16, 100, 65536});
  const ComponentLimits set = cs_.limits();
  EXPECT_EQ(set.max_async_threads, 16u);
  EXPECT_EQ(set.max_callback_tasks, 100u);
  EXPECT_EQ(set.max_host_value_bytes, 65536u);

  auto inst = Instantiate();
  ASSERT_TRUE(inst) << inst.error().message;
  auto f = inst->GetFunc("g-bytes");
  ASSERT_TRUE(f);
  auto small = f->Call({V::Bytes(std::string(100, 'x'))});
  ASSERT_TRUE(small) << small.error().message;
  EXPECT_EQ(received_["bytes"], V::Bytes(std::string(100, 'x')));
  received_.clear();
  // The guest passes the 100 KiB on to its host import f-bytes: lifting them for the host traps
  // before the host function runs.
  auto big = f->Call({V::Bytes(std::string(102400, 'y'))});
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("exceed 65536 bytes of host memory"), std::string::npos)
      << big.error().message;
  EXPECT_TRUE(received_.empty()) << "the host function never ran";

  // A fresh instance linked under the default bound passes 100 KiB through the host function;
  // Call's result then traps once the bound is lowered.
  ComponentStore cs2(store_);
  auto inst2 = linker_.Instantiate(cs2, *module_);
  ASSERT_TRUE(inst2) << inst2.error().message;
  ComponentLimits lower = cs2.limits();
  lower.max_host_value_bytes = 65536;
  cs2.SetLimits(lower);
  auto result = inst2->GetFunc("g-bytes")->Call({V::Bytes(std::string(102400, 'z'))});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("exceed 65536 bytes of host memory"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(received_["bytes"], V::Bytes(std::string(102400, 'z')))
      << "the host function got the 100 KiB under the bound it was linked with";
}

TEST_P(ComponentApiTest, HostResultOfTheWrongTypeIsAHostTrap) {
  linker_.DefineFunc("f-u32", [](std::span<const ComponentVal>) -> Result<std::vector<ComponentVal>> {
    return std::vector<ComponentVal>{V::String("not a u32")};
  });
  auto inst = Instantiate();
  ASSERT_TRUE(inst);
  auto r = inst->GetFunc("g-u32")->Call({V::U32(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ComponentError::Kind::kHostTrap);
  EXPECT_NE(r.error().message.find("f-u32"), std::string::npos) << r.error().message;
}

TEST_P(ComponentApiTest, CoreTrapKeepsItsKindAndTheInstanceStaysClosed) {
  auto inst = Instantiate();
  ASSERT_TRUE(inst);
  auto r = inst->GetFunc("boom")->Call({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ComponentError::Kind::kTrap);
  EXPECT_EQ(r.error().trap_kind, TrapKind::kUnreachable);
  EXPECT_NE(r.error().message.find("unreachable"), std::string::npos) << r.error().message;
  auto again = inst->GetFunc("g-u32")->Call({V::U32(1)});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ComponentError::Kind::kAbiTrap);
  EXPECT_NE(again.error().message.find("cannot enter"), std::string::npos) << again.error().message;
}

TEST_P(ComponentApiTest, HostResourcesAreDroppedOnceAndDroppedHandlesTrap) {
  auto inst = Instantiate();
  ASSERT_TRUE(inst);
  ASSERT_TRUE(inst->GetFunc("drop")->Call({V::Own(5)}));
  EXPECT_EQ(dropped_, std::vector<uint32_t>{5});
  // A borrow of a live handle reaches the host as its rep; the guest then drops it.
  auto used = inst->GetFunc("use")->Call({V::Own(6)});
  ASSERT_TRUE(used) << used.error().message;
  EXPECT_EQ((*used)[0], V::U32(60));
  EXPECT_EQ(dropped_, (std::vector<uint32_t>{5, 6}));

  auto twice = inst->GetFunc("drop-twice")->Call({V::Own(7)});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, ComponentError::Kind::kAbiTrap) << twice.error().message;
  EXPECT_EQ(dropped_, (std::vector<uint32_t>{5, 6, 7}));  // the destructor ran once

  auto i2 = Instantiate();
  ASSERT_TRUE(i2);
  auto use_after_drop = i2->GetFunc("drop-then-use")->Call({V::Own(8)});
  ASSERT_FALSE(use_after_drop);
  EXPECT_EQ(use_after_drop.error().kind, ComponentError::Kind::kAbiTrap) << use_after_drop.error().message;
}

TEST_P(ComponentApiTest, MissingImportIsALinkError) {
  ComponentLinker empty;
  auto r = empty.Instantiate(cs_, *module_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ComponentError::Kind::kError);
  EXPECT_NE(r.error().message.find("missing import"), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(, ComponentApiTest, ::testing::ValuesIn(kTiers), TierName);

TEST(ComponentApiLoad, MalformedBinaryHasAnOffset) {
  const uint8_t bytes[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07, 0x05};
  auto c = ComponentModule::FromBinary(bytes);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().offset, kNoOffset) << c.error().ToString();
}

}  // namespace
}  // namespace nw

namespace nw {
namespace {

#include "component_pair.inc"

// Component-to-component and host-to-component links, on each tier.
class ComponentApiLink : public ::testing::TestWithParam<Config::ExecutionTier> {
 protected:
  void SetUp() override { NW_SKIP_IF_TIER_NOT_BUILT(GetParam()); }
  Engine engine{TierConfig(GetParam())};
};

// Two components linked through an instance: the caller's import is the callee's export
// (DefineInstance), and a string crosses from one memory to the other.
TEST_P(ComponentApiLink, InstanceOfOneComponentSatisfiesAnother) {
  Store store(engine);
  ComponentStore cs(store);
  auto callee = ComponentModule::FromText(kCallee);
  ASSERT_TRUE(callee) << callee.error().ToString();
  auto caller = ComponentModule::FromText(kCaller);
  ASSERT_TRUE(caller) << caller.error().ToString();
  ComponentLinker l1;
  auto svc = l1.Instantiate(cs, **callee);
  ASSERT_TRUE(svc) << svc.error().message;
  auto process = svc->GetFunc("local:demo/api#process");
  ASSERT_TRUE(process) << process.error().message;
  auto direct = process->Call({V::String("abc")});
  ASSERT_TRUE(direct) << direct.error().message;
  EXPECT_EQ((*direct)[0], V::Record({V::U32(3), V::U32('a'), V::U32('c')}));

  ComponentLinker l2;
  auto api = svc->GetInstance("local:demo/api");
  ASSERT_TRUE(api) << api.error().message;
  l2.DefineInstance("local:demo/api", *api);
  auto user = l2.Instantiate(cs, **caller);
  ASSERT_TRUE(user) << user.error().message;
  auto run = TypedComponentFunc<uint32_t(uint32_t)>::Make(*user->GetFunc("run"));
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(*run->Call(3), 3u * (1024 + 'a' + 'z'));
}

// The callee of the pair copies a string into its one-page memory at 4096 (its realloc's fixed
// arena): a string that ends at the memory's last byte arrives whole, one byte more traps with
// the canonical ABI's message (the bound is the memory's size, whichever tier made it), and
// the instance then refuses to be entered again.
TEST_P(ComponentApiLink, PairCalleeTrapsAtItsMemoryEnd) {
  Store store(engine);
  ComponentStore cs(store);
  auto callee = ComponentModule::FromText(kCallee);
  ASSERT_TRUE(callee) << callee.error().ToString();
  ComponentLinker l;
  auto svc = l.Instantiate(cs, **callee);
  ASSERT_TRUE(svc) << svc.error().message;
  auto process = svc->GetFunc("local:demo/api#process");
  ASSERT_TRUE(process) << process.error().message;
  constexpr uint32_t kRoom = 65536 - 4096;
  std::string s(kRoom, 'm');
  s.front() = 'a';
  s.back() = 'z';
  auto fits = process->Call({V::String(s)});
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ((*fits)[0], V::Record({V::U32(kRoom), V::U32('a'), V::U32('z')}));
  auto over = process->Call({V::String(s + "!")});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().kind, ComponentError::Kind::kAbiTrap) << over.error().message;
  EXPECT_NE(over.error().message.find("realloc return: beyond end of memory"), std::string::npos)
      << over.error().message;
  auto again = process->Call({V::String("abc")});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("cannot enter"), std::string::npos) << again.error().message;
}

// The host drops an own handle of a guest-defined resource it received: the guest's
// destructor runs with the rep.
TEST_P(ComponentApiLink, HostDropsAGuestResource) {
  Store store(engine);
  ComponentStore cs(store);
  auto c = ComponentModule::FromText(R"((component
    (core module $M
      (global $c (mut i32) (i32.const 0))
      (func (export "dtor") (param i32) (global.set $c (i32.add (global.get $c) (local.get 0))))
      (func (export "count") (result i32) (global.get $c)))
    (core instance $m (instantiate $M))
    (type $R (resource (rep i32) (dtor (core func $m "dtor"))))
    (export $Re "r" (type $R))
    (core func $new (canon resource.new $R))
    (func (export "make") (param "rep" u32) (result (own $Re)) (canon lift (core func $new)))
    (func (export "count") (result u32) (canon lift (core func $m "count")))
  ))");
  ASSERT_TRUE(c) << c.error().ToString();
  ComponentLinker l;
  auto inst = l.Instantiate(cs, **c);
  ASSERT_TRUE(inst) << inst.error().message;
  auto make = TypedComponentFunc<OwnHandle(uint32_t)>::Make(*inst->GetFunc("make"));
  ASSERT_TRUE(make) << make.error().message;
  auto h = make->Call(7);
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->rep, 7u);  // the host holds the rep; the guest's handle moved out
  auto r = inst->GetResource("r");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->Drop(*h));
  EXPECT_EQ((*inst->GetFunc("count")->Call({}))[0], V::U32(7));
  EXPECT_FALSE(inst->GetResource("make"));
}

// An instance supplied for an instance import must fit the import's instance type.
TEST_P(ComponentApiLink, SuppliedInstanceOfTheWrongTypeIsRefused) {
  Store store(engine);
  ComponentStore cs(store);
  auto other = ComponentModule::FromText(R"((component
    (core module $M (func (export "process") (param i32 i32) (result i32) (local.get 1))
                    (memory (export "mem") 1)
                    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (type $point (record (field "len" u32) (field "first" u32) (field "last" u32)))
    (export $p "point" (type $point))
    (func $process (param "s" string) (result u32)
      (canon lift (core func $m "process") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (instance $api (export "point" (type $p)) (export "process" (func $process)))
    (export "local:demo/api" (instance $api))
  ))");
  ASSERT_TRUE(other) << other.error().ToString();
  auto caller = ComponentModule::FromText(kCaller);
  ASSERT_TRUE(caller);
  ComponentLinker l1;
  auto svc = l1.Instantiate(cs, **other);
  ASSERT_TRUE(svc) << svc.error().message;
  ComponentLinker l2;
  l2.DefineInstance("local:demo/api", *svc->GetInstance("local:demo/api"));
  auto user = l2.Instantiate(cs, **caller);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().kind, ComponentError::Kind::kError);
  // Its process returns u32, not the record.
  EXPECT_NE(user.error().message.find("local:demo/api#process"), std::string::npos) << user.error().message;
  EXPECT_NE(user.error().message.find("not of the declared type"), std::string::npos) << user.error().message;
  ComponentLinker l3;
  l3.DefineInstance("local:demo/api", *svc);  // the whole component instance: no "process"
  auto user2 = l3.Instantiate(cs, **caller);
  ASSERT_FALSE(user2);
  EXPECT_NE(user2.error().message.find("no export"), std::string::npos) << user2.error().message;
}

// An imported instance supplied by the host: its functions are "iface#name".
TEST_P(ComponentApiLink, HostInstanceImport) {
  Store store(engine);
  ComponentStore cs(store);
  auto caller = ComponentModule::FromText(kCaller);
  ASSERT_TRUE(caller) << caller.error().ToString();
  struct HostPoint {
    uint32_t len, first, last;
  };
  ComponentLinker l;
  l.DefineFunc("local:demo/api#process", [](std::string s) {
    return std::make_tuple(uint32_t(s.size()), uint32_t(s.front()), uint32_t(s.back()));
  });
  auto bad = l.Instantiate(cs, **caller);  // a tuple is not the declared record
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("local:demo/api#process"), std::string::npos) << bad.error().message;
  l.DefineFunc("local:demo/api#process", [](std::span<const ComponentVal> a) -> Result<std::vector<ComponentVal>> {
    const std::string& s = a[0].as_string();
    return std::vector<ComponentVal>{V::Record({V::U32(uint32_t(s.size())), V::U32(uint8_t(s.front())), V::U32(uint8_t(s.back()))})};
  });
  auto user = l.Instantiate(cs, **caller);
  ASSERT_TRUE(user) << user.error().message;
  auto r = user->GetFunc("run")->Call({V::U32(2)});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0], V::U32(2 * (1024 + 'a' + 'z')));
}

INSTANTIATE_TEST_SUITE_P(, ComponentApiLink, ::testing::ValuesIn(kTiers), TierName);

}  // namespace
}  // namespace nw

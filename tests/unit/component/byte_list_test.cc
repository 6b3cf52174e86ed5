// Packed lists (ComponentValue::Packed / Bytes: list<u8> and other lists of scalars held as
// their memory bytes) through a host function and back: what the host receives and returns,
// the canonical ABI's checks on the one-copy path (a range past the end of memory, a pointer
// misaligned for the element, realloc results misaligned or out of bounds), its rules for
// f32/f64 (NaNs canonical), bool (nonzero is true, stored 0/1) and char (surrogates and values
// past U+10FFFF trap), and the store's bound on host values in bytes. The per-value path is
// tested by tests/unit/component_abi.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>

#include "component/instantiate.h"
#include "component/text/component_wat.h"

namespace nw::component {
namespace {

// Host functions: each returns its list argument reversed (element order), and records it.
struct Seen {
  std::vector<ComponentValue> args;
};

std::string ReverseElems(const std::string& bytes, size_t width) {
  std::string out(bytes.size(), '\0');
  size_t n = bytes.size() / width;
  for (size_t i = 0; i < n; ++i) std::memcpy(out.data() + (n - 1 - i) * width, bytes.data() + i * width, width);
  return out;
}

Result<std::vector<ComponentValue>> Reverse(void* ctx, std::span<const ComponentValue> args) {
  static_cast<Seen*>(ctx)->args.push_back(args[0]);
  const ComponentValue& v = args[0];
  if (!v.packed()) return MakeError("expected a packed list");
  return std::vector<ComponentValue>{ComponentValue::PackedUnchecked(
      v.packed_elem(), ReverseElems(v.packed_bytes(), ComponentValue::PackedWidth(v.packed_elem())))};
}

// 64 pages of memory; realloc bumps from 1024 and grows memory as needed. $mode: 0 as asked,
// 1 a pointer one past an aligned one, 2 four bytes before the end of memory.
constexpr const char* kComponent = R"((component
  (import "rev8" (func $rev8 (param "b" (list u8)) (result (list u8))))
  (import "rev32" (func $rev32 (param "b" (list u32)) (result (list u32))))
  (core module $Mem
    (memory (export "mem") 64)
    (global $n (mut i32) (i32.const 1024))
    (global $mode (export "mode") (mut i32) (i32.const 0))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32) (local $end i32)
      (if (i32.eq (global.get $mode) (i32.const 2))
        (then (return (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))))
      (local.set $r (i32.and (i32.add (global.get $n) (i32.const 7)) (i32.const -8)))
      (global.set $n (i32.add (local.get $r) (local.get 3)))
      (local.set $end (i32.mul (memory.size) (i32.const 65536)))
      (if (i32.gt_u (global.get $n) (local.get $end))
        (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $n) (local.get $end))
                                                    (i32.const 16)) (i32.const 1))))))
      (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.add (local.get $r) (i32.const 1)))))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
  (core func $rev8' (canon lower (func $rev8) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $rev32' (canon lower (func $rev32) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core module $M
    (import "" "rev8" (func $rev8 (param i32 i32 i32)))
    (import "" "rev32" (func $rev32 (param i32 i32 i32)))
    (import "" "mode" (global $mode (mut i32)))
    (func (export "pass8") (param i32 i32) (result i32) (call $rev8 (local.get 0) (local.get 1) (i32.const 16)) (i32.const 16))
    (func (export "pass32") (param i32 i32) (result i32) (call $rev32 (local.get 0) (local.get 1) (i32.const 16)) (i32.const 16))
    (func (export "set-mode") (param i32) (global.set $mode (local.get 0))))
  (core instance $m (instantiate $M (with "" (instance
    (export "rev8" (func $rev8')) (export "rev32" (func $rev32')) (export "mode" (global $mem "mode"))))))
  (func (export "pass8") (param "b" (list u8)) (result (list u8))
    (canon lift (core func $m "pass8") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func (export "pass32") (param "b" (list u32)) (result (list u32))
    (canon lift (core func $m "pass32") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func (export "raw8") (param "p" u32) (param "n" u32) (result (list u8))
    (canon lift (core func $m "pass8") (memory (core memory $mem "mem"))))
  (func (export "raw32") (param "p" u32) (param "n" u32) (result (list u32))
    (canon lift (core func $m "pass32") (memory (core memory $mem "mem"))))
  (func (export "set-mode") (param "m" u32) (canon lift (core func $m "set-mode")))
))";

class ByteListTest : public ::testing::Test {
 protected:
  // Defines the host functions (with the store's bound as it is now) and instantiates.
  RtInstance* Make() {
    TypeTable& tt = cs_.types();
    auto l8 = tt.List(tt.U8());
    auto l32 = tt.List(tt.U32());
    EXPECT_TRUE(l8 && l32);
    auto rev8 = cs_.HostFunction(FuncType{{*l8}, {*l8}}, HostFunc{&seen_, Reverse});
    auto rev32 = cs_.HostFunction(FuncType{{*l32}, {*l32}}, HostFunc{&seen_, Reverse});
    EXPECT_TRUE(rev8 && rev32);
    RtItem a, b;
    a.func = *rev8;
    b.func = *rev32;
    auto c = ParseComponentText(kComponent);
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c) return nullptr;
    asts_.push_back(std::move(*c));
    auto inst = cs_.Instantiate(asts_.back(), {{"rev8", a}, {"rev32", b}});
    EXPECT_TRUE(inst) << inst.error().ToString();
    return inst ? *inst : nullptr;
  }
  Result<std::vector<ComponentValue>> Call(RtInstance* i, const std::string& name,
                                           std::vector<ComponentValue> args = {}) {
    const RtItem* it = i->Find(name);
    EXPECT_TRUE(it && it->sort == Sort::kFunc) << name;
    if (!it) return MakeError("no export " + name);
    return cs_.Call(*it->func, args);
  }
  static std::string TrapOf(const Result<std::vector<ComponentValue>>& r) {
    if (r) return "(no trap)";
    EXPECT_TRUE(IsTrap(r.error())) << r.error().ToString();
    return r.error().message;
  }
  static std::string Pattern(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 256) & 0xff);
    return s;
  }

  Engine engine_;
  Store store_{engine_};
  ComponentStore cs_{store_};
  std::deque<Component> asts_;
  Seen seen_;
};

TEST_F(ByteListTest, EmptyListCrossesBothWays) {
  RtInstance* i = Make();
  ASSERT_TRUE(i);
  auto r = Call(i, "pass8", {ComponentValue::Bytes("")});
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(seen_.args.size(), 1u);
  EXPECT_TRUE(seen_.args[0].packed());
  EXPECT_EQ(seen_.args[0].list_size(), 0u);
  ASSERT_TRUE((*r)[0].packed());
  EXPECT_EQ((*r)[0].packed_bytes(), "");
  // An unpacked empty list is the same value.
  EXPECT_EQ((*r)[0], ComponentValue::List({}));
}

// 8 MiB host -> guest (lowered with one copy into realloc'd memory) -> host function (lifted
// as bytes) -> reversed back into the guest -> host again: every byte where it belongs.
TEST_F(ByteListTest, LargeListRoundTripsThroughGuestAndHost) {
  RtInstance* i = Make();
  ASSERT_TRUE(i);
  std::string data = Pattern(size_t{8} << 20);
  auto r = Call(i, "pass8", {ComponentValue::Bytes(data)});
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(seen_.args.size(), 1u);
  EXPECT_EQ(seen_.args[0].packed_bytes(), data);
  ASSERT_TRUE((*r)[0].packed());
  EXPECT_EQ((*r)[0].packed_bytes(), ReverseElems(data, 1));
}

// A host list given element by element is lowered the same way and lifted back packed; u32
// elements keep their order and values.
TEST_F(ByteListTest, UnpackedHostListAndWiderElements) {
  RtInstance* i = Make();
  ASSERT_TRUE(i);
  std::vector<ComponentValue> es;
  for (uint32_t k = 0; k < 1000; ++k) es.push_back(ComponentValue::U32(k * 0x01010101u));
  auto r = Call(i, "pass32", {ComponentValue::List(es)});
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_TRUE(seen_.args[0].packed());
  EXPECT_EQ(seen_.args[0].packed_elem(), TypeKind::kU32);
  EXPECT_EQ(seen_.args[0], ComponentValue::List(es));
  std::reverse(es.begin(), es.end());
  EXPECT_EQ((*r)[0], ComponentValue::List(es));
  EXPECT_EQ((*r)[0].list_elem(0), ComponentValue::U32(999 * 0x01010101u));
}

// A range that ends exactly at the end of memory is fine; one byte more traps, as does a
// pointer misaligned for u32 elements.
TEST_F(ByteListTest, GuestRangeAtMemoryEndAndMisalignedPointerTrap) {
  RtInstance* i = Make();
  ASSERT_TRUE(i);
  uint32_t end = 64 * 65536;
  auto ok = Call(i, "raw8", {ComponentValue::U32(end - 10), ComponentValue::U32(10)});
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ((*ok)[0].list_size(), 10u);
  EXPECT_EQ(seen_.args.back().packed_bytes(), std::string(10, '\0'));
  EXPECT_NE(TrapOf(Call(i, "raw8", {ComponentValue::U32(end - 10), ComponentValue::U32(11)}))
                .find("list pointer/length out of bounds of memory"),
            std::string::npos);
  RtInstance* j = Make();  // a trapped instance is not entered again
  ASSERT_TRUE(j);
  EXPECT_NE(TrapOf(Call(j, "raw32", {ComponentValue::U32(1026), ComponentValue::U32(2)}))
                .find("unaligned pointer"),
            std::string::npos);
}

// The guest's realloc, asked for room for the host's bytes, answers with a misaligned pointer
// or a range past the end of memory: both trap before anything is copied.
TEST_F(ByteListTest, BadReallocResultsTrap) {
  RtInstance* i = Make();
  ASSERT_TRUE(i);
  ASSERT_TRUE(Call(i, "set-mode", {ComponentValue::U32(1)}));
  std::string four_u32(16, '\x01');
  EXPECT_NE(TrapOf(Call(i, "pass32", {*ComponentValue::Packed(TypeKind::kU32, four_u32)}))
                .find("realloc return: result not aligned"),
            std::string::npos);
  RtInstance* j = Make();
  ASSERT_TRUE(j);
  ASSERT_TRUE(Call(j, "set-mode", {ComponentValue::U32(2)}));
  EXPECT_NE(TrapOf(Call(j, "pass8", {ComponentValue::Bytes(std::string(16, 'x'))}))
                .find("realloc return: beyond end of memory"),
            std::string::npos);
  EXPECT_TRUE(seen_.args.empty()) << "the host function never ran";
}

// The bound is in bytes: with 1 MiB allowed, a 2 MiB list<u8> to a host function traps while
// it is lifted (the host function does not run), and so does a 2 MiB result to Call.
TEST_F(ByteListTest, HostValueBoundInBytesTraps) {
  cs_.set_max_host_value_bytes(uint64_t{1} << 20);
  RtInstance* i = Make();
  ASSERT_TRUE(i);
  EXPECT_TRUE(Call(i, "raw8", {ComponentValue::U32(0), ComponentValue::U32(1000 * 1000)}));
  EXPECT_NE(TrapOf(Call(i, "raw8", {ComponentValue::U32(0), ComponentValue::U32(2 << 20)}))
                .find("1 MiB of host memory"),
            std::string::npos);
  EXPECT_EQ(seen_.args.size(), 1u);

  // Host functions defined under the default bound, Call under 1 MiB: the host function gets
  // the 2 MiB, the result back to the host traps.
  ComponentStore cs2(store_);
  Seen seen2;
  TypeTable& tt = cs2.types();
  auto l8 = tt.List(tt.U8());
  ASSERT_TRUE(l8);
  auto rev8 = cs2.HostFunction(FuncType{{*l8}, {*l8}}, HostFunc{&seen2, Reverse});
  auto rev32 = cs2.HostFunction(FuncType{{*tt.List(tt.U32())}, {*tt.List(tt.U32())}}, HostFunc{&seen2, Reverse});
  ASSERT_TRUE(rev8 && rev32);
  RtItem a, b;
  a.func = *rev8;
  b.func = *rev32;
  auto c = ParseComponentText(kComponent);
  ASSERT_TRUE(c);
  auto inst = cs2.Instantiate(*c, {{"rev8", a}, {"rev32", b}});
  ASSERT_TRUE(inst) << inst.error().ToString();
  cs2.set_max_host_value_bytes(uint64_t{1} << 20);
  std::vector<ComponentValue> big{ComponentValue::Bytes(Pattern(2 << 20))};
  auto r = cs2.Call(*(*inst)->Find("pass8")->func, big);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("1 MiB of host memory"), std::string::npos) << r.error().message;
  ASSERT_EQ(seen2.args.size(), 1u);
  EXPECT_EQ(seen2.args[0].list_size(), size_t{2} << 20);
}

TEST(PackedValueTest, ElementsEqualityAndShapeChecks) {
  // s16 elements sign-extend; u16 do not.
  std::string b = {'\xff', '\xff', '\x02', '\x00'};
  auto s16 = ComponentValue::Packed(TypeKind::kS16, b);
  auto u16 = ComponentValue::Packed(TypeKind::kU16, b);
  ASSERT_TRUE(s16 && u16);
  EXPECT_EQ(s16->list_size(), 2u);
  EXPECT_EQ(s16->list_elem(0), ComponentValue::S16(-1));
  EXPECT_EQ(u16->list_elem(0), ComponentValue::U16(0xffff));
  EXPECT_EQ(*s16, ComponentValue::List({ComponentValue::S16(-1), ComponentValue::S16(2)}));
  EXPECT_FALSE(*s16 == *u16);
  EXPECT_EQ(s16->Unpacked().elems().size(), 2u);
  EXPECT_EQ(s16->ToString(), "list[s16(-1), s16(2)]");
  EXPECT_FALSE(ComponentValue::Packed(TypeKind::kU32, "abc")) << "not a whole element";
  EXPECT_FALSE(ComponentValue::Packed(TypeKind::kString, "abcd")) << "strings are not packed";

  TypeTable tt;
  auto l8 = tt.List(tt.U8());
  auto fixed = tt.List(tt.U8(), 2);
  ASSERT_TRUE(l8 && fixed);
  EXPECT_TRUE(CheckValue(tt, *l8, ComponentValue::Bytes("xy")));
  EXPECT_FALSE(CheckValue(tt, *l8, *s16)) << "elements of another kind";
  EXPECT_FALSE(CheckValue(tt, *fixed, ComponentValue::Bytes("xy"))) << "fixed-length lists are not packed";
}

// ---- lists of f32, f64, bool and char -------------------------------------------------------

// For each element kind K of f32/f64/bool/char: an import "rev-K" (the host reverses), an
// export "pass-K" (the guest hands its argument to rev-K and returns what it gives back), an
// export "ret-K" lifting a list the guest names by pointer and length, and poke/peek of
// memory. realloc bumps from 1024 (8-aligned), so a fresh instance's first list is at 1024.
std::string ScalarListComponent() {
  const char* kinds[] = {"f32", "f64", "bool", "char"};
  std::string imports, lowers, core_imports, core_funcs, with, lifts;
  for (const char* k : kinds) {
    std::string n = k;
    imports += "(import \"rev-" + n + "\" (func $rev-" + n + " (param \"b\" (list " + n + ")) (result (list " + n + "))))\n";
    lowers += "(core func $rev-" + n + "' (canon lower (func $rev-" + n +
              ") (memory (core memory $mem \"mem\")) (realloc (core func $mem \"realloc\"))))\n";
    core_imports += "(import \"\" \"rev-" + n + "\" (func $rev-" + n + " (param i32 i32 i32)))\n";
    core_funcs += "(func (export \"pass-" + n + "\") (param i32 i32) (result i32) (call $rev-" + n +
                  " (local.get 0) (local.get 1) (i32.const 16)) (i32.const 16))\n";
    with += "(export \"rev-" + n + "\" (func $rev-" + n + "'))";
    lifts += "(func (export \"pass-" + n + "\") (param \"b\" (list " + n + ")) (result (list " + n +
             ")) (canon lift (core func $m \"pass-" + n +
             "\") (memory (core memory $mem \"mem\")) (realloc (core func $mem \"realloc\"))))\n";
    lifts += "(func (export \"ret-" + n + "\") (param \"p\" u32) (param \"n\" u32) (result (list " + n +
             ")) (canon lift (core func $m \"ret\") (memory (core memory $mem \"mem\"))))\n";
  }
  return "(component\n" + imports + R"(
  (core module $Mem
    (memory (export "mem") 64)
    (global $n (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $n) (i32.const 7)) (i32.const -8)))
      (global.set $n (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $Mem))
)" + lowers + R"(
  (core module $M
    (import "" "mem" (memory 1))
)" + core_imports + core_funcs + R"(
    (func (export "ret") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0)) (i32.store (i32.const 20) (local.get 1)) (i32.const 16))
    (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))
  (core instance $m (instantiate $M (with "" (instance (export "mem" (memory $mem "mem")) )" + with + R"())))
)" + lifts + R"(
  (func (export "poke") (param "a" u32) (param "v" u32) (canon lift (core func $m "poke")))
  (func (export "peek") (param "a" u32) (result u32) (canon lift (core func $m "peek")))
))";
}

class ScalarListTest : public ByteListTest {
 protected:
  RtInstance* MakeScalar() {
    TypeTable& tt = cs_.types();
    std::vector<std::pair<std::string, RtItem>> imports;
    for (auto [name, elem] : {std::pair{"f32", tt.Primitive(TypeKind::kF32)}, std::pair{"f64", tt.Primitive(TypeKind::kF64)},
                              std::pair{"bool", tt.Bool()}, std::pair{"char", tt.Primitive(TypeKind::kChar)}}) {
      auto l = tt.List(elem);
      EXPECT_TRUE(l);
      auto f = cs_.HostFunction(FuncType{{*l}, {*l}}, HostFunc{&seen_, Reverse});
      EXPECT_TRUE(f);
      RtItem it;
      it.func = *f;
      imports.push_back({std::string("rev-") + name, it});
    }
    auto c = ParseComponentText(ScalarListComponent());
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c) return nullptr;
    asts_.push_back(std::move(*c));
    auto inst = cs_.Instantiate(asts_.back(), imports);
    EXPECT_TRUE(inst) << inst.error().ToString();
    return inst ? *inst : nullptr;
  }
  uint32_t Peek(RtInstance* i, uint32_t a) {
    auto r = Call(i, "peek", {ComponentValue::U32(a)});
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? static_cast<uint32_t>((*r)[0].bits()) : 0;
  }
  void Poke(RtInstance* i, uint32_t a, uint32_t v) {
    auto r = Call(i, "poke", {ComponentValue::U32(a), ComponentValue::U32(v)});
    EXPECT_TRUE(r) << r.error().ToString();
  }
  template <class T>
  static std::string Raw(const std::vector<T>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
};

// Each kind round trips host -> guest -> host function -> guest -> host, packed at every
// crossing, in element order, and equal to the same list given element by element.
TEST_F(ScalarListTest, EachKindRoundTripsPacked) {
  RtInstance* i = MakeScalar();
  ASSERT_TRUE(i);
  std::vector<float> f32s = {1.5f, -0.0f, 3.0e38f, -1.0e-45f, 0.0f};
  std::vector<double> f64s = {2.25, -0.0, 1.0e308, 4.9e-324, -7.0};
  std::vector<uint32_t> chars = {'a', 0xE9, 0xD7FF, 0xE000, 0x1F600, 0x10FFFF};
  struct Kind { const char* name; TypeKind k; std::string bytes; size_t w; };
  for (const Kind& k : {Kind{"f32", TypeKind::kF32, Raw(f32s), 4}, Kind{"f64", TypeKind::kF64, Raw(f64s), 8},
                        Kind{"bool", TypeKind::kBool, std::string("\x01\x00\x00\x01\x01", 5), 1},
                        Kind{"char", TypeKind::kChar, Raw(chars), 4}}) {
    auto v = ComponentValue::Packed(k.k, k.bytes);
    ASSERT_TRUE(v) << k.name << ": " << v.error().ToString();
    seen_.args.clear();
    auto r = Call(i, std::string("pass-") + k.name, {*v});
    ASSERT_TRUE(r) << k.name << ": " << r.error().ToString();
    ASSERT_EQ(seen_.args.size(), 1u);
    ASSERT_TRUE(seen_.args[0].packed()) << k.name;
    EXPECT_EQ(seen_.args[0].packed_elem(), k.k);
    EXPECT_EQ(seen_.args[0].packed_bytes(), k.bytes) << k.name;
    ASSERT_TRUE((*r)[0].packed()) << k.name;
    EXPECT_EQ((*r)[0].packed_bytes(), ReverseElems(k.bytes, k.w)) << k.name;
    // The unpacked form of the argument lowers the same and equals the packed result reversed.
    ComponentValue un = v->Unpacked();
    EXPECT_FALSE(un.packed());
    auto r2 = Call(i, std::string("pass-") + k.name, {un});
    ASSERT_TRUE(r2) << k.name << ": " << r2.error().ToString();
    EXPECT_EQ((*r2)[0], (*r)[0]) << k.name;
  }
  EXPECT_EQ(ComponentValue::Packed(TypeKind::kF64, Raw(f64s))->list_elem(3), ComponentValue::F64(4.9e-324));
  EXPECT_EQ(ComponentValue::Packed(TypeKind::kChar, Raw(chars))->list_elem(4), *ComponentValue::Char(0x1F600));
  EXPECT_EQ(ComponentValue::Packed(TypeKind::kBool, std::string("\x00\x01", 2))->Unpacked(),
            ComponentValue::List({ComponentValue::Bool(false), ComponentValue::Bool(true)}));
}

// Lifting canonicalises NaNs (canonicalize_nan32/64), whatever their sign and payload; other
// bits, infinities included, pass unchanged.
TEST_F(ScalarListTest, LiftCanonicalisesNaNs) {
  RtInstance* i = MakeScalar();
  ASSERT_TRUE(i);
  const uint32_t f32_bits[] = {0x7fc00001, 0xffc00000, 0x7f800001, 0x7f800000, 0xff800000, 0x3fc00000};
  const uint32_t f32_want[] = {0x7fc00000, 0x7fc00000, 0x7fc00000, 0x7f800000, 0xff800000, 0x3fc00000};
  for (uint32_t k = 0; k < 6; ++k) Poke(i, 4096 + 4 * k, f32_bits[k]);
  auto r = Call(i, "ret-f32", {ComponentValue::U32(4096), ComponentValue::U32(6)});
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_TRUE((*r)[0].packed());
  EXPECT_EQ((*r)[0].packed_bytes(), std::string(reinterpret_cast<const char*>(f32_want), sizeof f32_want));
  // f64: a signalling NaN with a payload, a negative quiet NaN, infinity.
  const uint64_t f64_bits[] = {0x7ff0000000000001ull, 0xfff8000000000abcull, 0x7ff0000000000000ull};
  const uint64_t f64_want[] = {0x7ff8000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000000ull};
  for (uint32_t k = 0; k < 3; ++k) {
    Poke(i, 8192 + 8 * k, static_cast<uint32_t>(f64_bits[k]));
    Poke(i, 8192 + 8 * k + 4, static_cast<uint32_t>(f64_bits[k] >> 32));
  }
  auto r64 = Call(i, "ret-f64", {ComponentValue::U32(8192), ComponentValue::U32(3)});
  ASSERT_TRUE(r64) << r64.error().ToString();
  EXPECT_EQ((*r64)[0].packed_bytes(), std::string(reinterpret_cast<const char*>(f64_want), sizeof f64_want));
}

// Lowering a host list stores canonical NaNs (as lowering one f32/f64 does); a host list<bool>
// holding a byte other than 0/1 is refused before anything runs (an error, not a trap).
TEST_F(ScalarListTest, LowerCanonicalisesNaNsAndBools) {
  RtInstance* i = MakeScalar();
  ASSERT_TRUE(i);
  const uint64_t nan = 0x7ff4000000000123ull;
  auto r = Call(i, "pass-f64", {*ComponentValue::Packed(TypeKind::kF64, std::string(reinterpret_cast<const char*>(&nan), 8))});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(Peek(i, 1024), 0u);  // the first realloc'd list: the host's argument as lowered
  EXPECT_EQ(Peek(i, 1028), 0x7ff80000u);
  RtInstance* j = MakeScalar();
  ASSERT_TRUE(j);
  seen_.args.clear();
  auto rb = Call(j, "pass-bool", {ComponentValue::PackedUnchecked(TypeKind::kBool, std::string("\x02\x00\xff\x01", 4))});
  ASSERT_FALSE(rb);
  EXPECT_FALSE(IsTrap(rb.error())) << rb.error().ToString();
  EXPECT_TRUE(seen_.args.empty());
  auto ok = Call(j, "pass-bool", {*ComponentValue::Packed(TypeKind::kBool, std::string("\x01\x00\x00\x01", 4))});
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(Peek(j, 1024), 0x01000001u);
}

// Lifting a bool takes any nonzero byte as true; the host sees 0/1.
TEST_F(ScalarListTest, LiftedBoolsAreZeroOrOne) {
  RtInstance* i = MakeScalar();
  ASSERT_TRUE(i);
  Poke(i, 4096, 0x80ff0200);
  auto r = Call(i, "ret-bool", {ComponentValue::U32(4096), ComponentValue::U32(4)});
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_TRUE((*r)[0].packed());
  EXPECT_EQ((*r)[0].packed_bytes(), std::string("\x00\x01\x01\x01", 4));
  EXPECT_EQ((*r)[0].list_elem(1), ComponentValue::Bool(true));
}

// A char that is a surrogate or past U+10FFFF traps on lift, with the suite's wording; so in
// a list passed to a host function (which does not run). The host's own invalid chars are
// refused as errors (its bug, not the guest's).
TEST_F(ScalarListTest, InvalidCharsTrapOnLiftAndAreRefusedFromTheHost) {
  for (uint32_t bad : {0xD800u, 0xDFFFu, 0x110000u, 0xFFFFFFFFu}) {
    RtInstance* i = MakeScalar();
    ASSERT_TRUE(i);
    Poke(i, 4096, 'a');
    Poke(i, 4100, bad);
    EXPECT_NE(TrapOf(Call(i, "ret-char", {ComponentValue::U32(4096), ComponentValue::U32(2)}))
                  .find("invalid `char` bit pattern"),
              std::string::npos) << std::hex << bad;
  }
  RtInstance* ok = MakeScalar();
  ASSERT_TRUE(ok);
  Poke(ok, 4096, 0x10FFFF);
  auto r = Call(ok, "ret-char", {ComponentValue::U32(4096), ComponentValue::U32(1)});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0].list_elem(0), *ComponentValue::Char(0x10FFFF));

  const uint32_t surrogate = 0xDC00;
  std::string raw(reinterpret_cast<const char*>(&surrogate), 4);
  EXPECT_FALSE(ComponentValue::Packed(TypeKind::kChar, raw));
  EXPECT_FALSE(ComponentValue::Packed(TypeKind::kBool, "\x02"));
  RtInstance* j = MakeScalar();
  ASSERT_TRUE(j);
  seen_.args.clear();
  auto bad = Call(j, "pass-char", {ComponentValue::PackedUnchecked(TypeKind::kChar, raw)});
  ASSERT_FALSE(bad);
  EXPECT_FALSE(IsTrap(bad.error())) << bad.error().ToString();
  EXPECT_TRUE(seen_.args.empty());
  TypeTable tt;
  auto lc = tt.List(tt.Primitive(TypeKind::kChar));
  ASSERT_TRUE(lc);
  EXPECT_FALSE(CheckValue(tt, *lc, ComponentValue::PackedUnchecked(TypeKind::kChar, raw)));
}

// The host-value bound counts a packed list's bytes: 2 MiB of f64 under a 1 MiB bound traps.
TEST_F(ScalarListTest, HostValueBoundCountsPackedBytes) {
  cs_.set_max_host_value_bytes(uint64_t{1} << 20);
  RtInstance* i = MakeScalar();
  ASSERT_TRUE(i);
  auto small = Call(i, "ret-f64", {ComponentValue::U32(0), ComponentValue::U32(100000)});
  ASSERT_TRUE(small) << small.error().ToString();
  EXPECT_EQ((*small)[0].list_size(), 100000u);
  EXPECT_NE(TrapOf(Call(i, "ret-f64", {ComponentValue::U32(0), ComponentValue::U32(1u << 18)}))
                .find("1 MiB of host memory"),
            std::string::npos);
}

}  // namespace
}  // namespace nw::component

// Lifting and lowering of every non-string value type, flat and through memory, with values
// worked out by hand from CanonicalABI.md; each case also checks the compiled plan against the
// per-type reference (harness.h).
#include <cmath>
#include <cstring>

#include "harness.h"

namespace nw::component::testing {
namespace {

using CV = ComponentValue;

uint32_t F32Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST(Values, LowerFlatScalars) {
  TypeTable t;
  auto P = [&](TypeKind k) { return t.Primitive(k); };
  auto out = LowerBoth(t,
                       {P(TypeKind::kBool), P(TypeKind::kS8), P(TypeKind::kU8), P(TypeKind::kS16),
                        P(TypeKind::kS32), P(TypeKind::kS64), P(TypeKind::kU64), P(TypeKind::kF32),
                        P(TypeKind::kF64), P(TypeKind::kChar)},
                       {CV::Bool(true), CV::S8(-1), CV::U8(200), CV::S16(-2), CV::S32(-3), CV::S64(-4),
                        CV::U64(~0ull), CV::F32(1.5f), CV::F64(std::nan("")), *CV::Char(0x1F600)});
  ASSERT_TRUE(out.flat.has_value());
  // lower_flat_signed(v, 32) adds 2^32 to negatives; 64-bit ones add 2^64.
  std::vector<uint64_t> want = {1, 0xffffffff, 200, 0xfffffffe, 0xfffffffd, 0xfffffffffffffffcull,
                                ~0ull, F32Bits(1.5f), 0x7ff8000000000000ull, 0x1F600};
  EXPECT_EQ(*out.flat, want);
  EXPECT_TRUE(out.calls.empty());
}

TEST(Values, LiftFlatScalarsWrapAndCanonicalize) {
  TypeTable t;
  auto P = [&](TypeKind k) { return t.Primitive(k); };
  // u8 of 0x1ff is 0x1ff mod 256; s8 of 0x80 is -128; bool of 2 is true; NaNs canonical.
  auto r = LiftBoth(t,
                    {P(TypeKind::kU8), P(TypeKind::kS8), P(TypeKind::kBool), P(TypeKind::kBool),
                     P(TypeKind::kU16), P(TypeKind::kS16), P(TypeKind::kF32), P(TypeKind::kF64)},
                    {0x1ff, 0x80, 2, 0, 0x12345, 0xffff8000, 0x7f800001, 0xfff0000000000001ull},
                    NoSetup());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0], CV::U8(0xff));
  EXPECT_EQ((*r)[1], CV::S8(-128));
  EXPECT_EQ((*r)[2], CV::Bool(true));
  EXPECT_EQ((*r)[3], CV::Bool(false));
  EXPECT_EQ((*r)[4], CV::U16(0x2345));
  EXPECT_EQ((*r)[5], CV::S16(-32768));
  EXPECT_EQ((*r)[6].bits(), 0x7fc00000u);
  EXPECT_EQ((*r)[7].bits(), 0x7ff8000000000000ull);
}

TEST(Values, CharTraps) {
  TypeTable t;
  TypeId c = t.Primitive(TypeKind::kChar);
  EXPECT_TRAP(LiftBoth(t, {c}, {0xD800}, NoSetup()));
  EXPECT_TRAP(LiftBoth(t, {c}, {0xDFFF}, NoSetup()));
  EXPECT_TRAP(LiftBoth(t, {c}, {0x110000}, NoSetup()));
  auto ok = LiftBoth(t, {c}, {0x10FFFF}, NoSetup());
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0].bits(), 0x10FFFFu);
  EXPECT_TRUE(LiftBoth(t, {c}, {0xE000}, NoSetup()).has_value());
  // Through memory too: a char field of a tuple passed by pointer (max_flat 0).
  EXPECT_TRAP(LiftBoth(t, {c}, {0x100}, [](FakeGuest& g) { g.PutU32(0x100, 0xD900); },
                       StringEncoding::kUtf8, 0));
}

TEST(Values, RecordInMemoryLeavesPaddingAlone) {
  TypeTable t;
  TypeId r = *t.Record({{"a", t.U8()}, {"b", t.U32()}, {"c", t.U8()}});
  // max_flat 0 forces the tuple into memory: allocate(4, 12), fields at 0, 4, 8.
  auto out = LowerBoth(t, {r}, {CV::Record({CV::U8(0xAB), CV::U32(0x01020304), CV::U8(7)})},
                       StringEncoding::kUtf8, 0);
  ASSERT_TRUE(out.flat.has_value());
  ASSERT_EQ(out.calls.size(), 1u);
  EXPECT_EQ(out.calls[0], (ReallocCall{0, 0, 4, 12}));
  uint32_t p = static_cast<uint32_t>((*out.flat)[0]);
  std::vector<uint8_t> want = {0xAB, 0xEE, 0xEE, 0xEE, 4, 3, 2, 1, 7, 0xEE, 0xEE, 0xEE};
  EXPECT_EQ(std::vector<uint8_t>(out.mem.begin() + p, out.mem.begin() + p + 12), want);
  // And back.
  auto back = LiftBoth(t, {r}, {0x200}, [&](FakeGuest& g) { g.Put(0x200, want.data(), 12); },
                       StringEncoding::kUtf8, 0);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ((*back)[0], CV::Record({CV::U8(0xAB), CV::U32(0x01020304), CV::U8(7)}));
}

TEST(Values, TupleInMemoryTraps) {
  TypeTable t;
  TypeId u = t.U32();
  // Misaligned and out-of-bounds tuple pointers (lift_flat_values).
  EXPECT_TRAP(LiftBoth(t, {u}, {0x102}, NoSetup(), StringEncoding::kUtf8, 0));
  EXPECT_TRAP(LiftBoth(t, {u}, {(1u << 16) - 2}, NoSetup(), StringEncoding::kUtf8, 0));
  EXPECT_TRUE(LiftBoth(t, {u}, {(1u << 16) - 4}, NoSetup(), StringEncoding::kUtf8, 0).has_value());
}

TEST(Values, SeventeenParamsGoThroughMemory) {
  TypeTable t;
  std::vector<TypeId> ts(17, t.U32());
  std::vector<CV> vs;
  for (uint32_t i = 0; i < 17; ++i) vs.push_back(CV::U32(i * 3));
  auto out = LowerBoth(t, ts, vs);
  ASSERT_TRUE(out.flat.has_value());
  ASSERT_EQ(out.flat->size(), 1u);
  EXPECT_EQ(out.calls, (std::vector<ReallocCall>{{0, 0, 4, 68}}));
  uint32_t p = static_cast<uint32_t>((*out.flat)[0]);
  for (uint32_t i = 0; i < 17; ++i) {
    uint32_t v;
    std::memcpy(&v, out.mem.data() + p + 4 * i, 4);
    EXPECT_EQ(v, i * 3);
  }
  // Sixteen stay flat.
  ts.pop_back();
  vs.pop_back();
  auto flat = LowerBoth(t, ts, vs);
  EXPECT_EQ(flat.flat->size(), 16u);
  EXPECT_TRUE(flat.calls.empty());
}

TEST(Values, VariantsFlat) {
  TypeTable t;
  TypeId r = *t.ResultOf(t.Primitive(TypeKind::kU64), t.Primitive(TypeKind::kF32));
  // err(1.5): [1, f32 bits widened to the joined i64].
  auto out = LowerBoth(t, {r}, {CV::Variant(1, CV::F32(1.5f))});
  EXPECT_EQ(*out.flat, (std::vector<uint64_t>{1, F32Bits(1.5f)}));
  // ok(u64) and the narrowing on lift: i64 slot wrapped to i32 then read as f32.
  auto l = LiftBoth(t, {r}, {1, 0xFFFFFFFF00000000ull | F32Bits(1.5f)}, NoSetup());
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ((*l)[0], CV::Variant(1, CV::F32(1.5f)));
  EXPECT_TRAP(LiftBoth(t, {r}, {2, 0}, NoSetup()));
  // A case without payload pads the rest with zeros.
  TypeId o = *t.Option(t.String());
  auto none = LowerBoth(t, {o}, {CV::Variant(0)});
  EXPECT_EQ(*none.flat, (std::vector<uint64_t>{0, 0, 0}));
  // enum of 3 in memory: u8 discriminant; 3 traps.
  std::string labels[] = {"a", "b", "c"};
  TypeId e = *t.Enum(labels);
  EXPECT_TRAP(LiftBoth(t, {e}, {0x100}, [](FakeGuest& g) { g.mem[0x100] = 3; }, StringEncoding::kUtf8, 0));
  auto ok = LiftBoth(t, {e}, {0x100}, [](FakeGuest& g) { g.mem[0x100] = 2; }, StringEncoding::kUtf8, 0);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0], CV::Variant(2));
}

TEST(Values, VariantInMemory) {
  TypeTable t;
  // variant { a(u8), b(u64) }: discriminant at 0, payload at 8, size 16.
  TypeId v = *t.Variant({{"a", t.U8()}, {"b", t.Primitive(TypeKind::kU64)}});
  auto out = LowerBoth(t, {v}, {CV::Variant(1, CV::U64(0x1122334455667788ull))}, StringEncoding::kUtf8, 0);
  ASSERT_TRUE(out.flat.has_value());
  EXPECT_EQ(out.calls, (std::vector<ReallocCall>{{0, 0, 8, 16}}));
  uint32_t p = static_cast<uint32_t>((*out.flat)[0]);
  EXPECT_EQ(out.mem[p], 1);
  EXPECT_EQ(out.mem[p + 1], 0xEE);  // padding untouched
  uint64_t payload;
  std::memcpy(&payload, out.mem.data() + p + 8, 8);
  EXPECT_EQ(payload, 0x1122334455667788ull);
  // 257 cases: a u16 discriminant.
  std::vector<std::string> labels;
  for (int i = 0; i < 257; ++i) labels.push_back("c" + std::to_string(i));
  TypeId big = *t.Enum(labels);
  auto b = LowerBoth(t, {big}, {CV::Variant(256)}, StringEncoding::kUtf8, 0);
  uint32_t bp = static_cast<uint32_t>((*b.flat)[0]);
  EXPECT_EQ(b.mem[bp], 0);
  EXPECT_EQ(b.mem[bp + 1], 1);
  EXPECT_TRAP(LiftBoth(t, {big}, {0x100}, [](FakeGuest& g) { g.mem[0x100] = 1; g.mem[0x101] = 1; },
                       StringEncoding::kUtf8, 0));
}

TEST(Values, Flags) {
  TypeTable t;
  std::vector<std::string> nine;
  for (int i = 0; i < 9; ++i) nine.push_back("f" + std::to_string(i));
  TypeId f = *t.Flags(nine);
  // Memory: two bytes, little-endian.
  auto out = LowerBoth(t, {f}, {CV::Flags(0x101)}, StringEncoding::kUtf8, 0);
  uint32_t p = static_cast<uint32_t>((*out.flat)[0]);
  EXPECT_EQ(out.calls, (std::vector<ReallocCall>{{0, 0, 2, 2}}));
  EXPECT_EQ(out.mem[p], 1);
  EXPECT_EQ(out.mem[p + 1], 1);
  // Lifting ignores bits past the last label.
  auto l = LiftBoth(t, {f}, {0xFFFF}, NoSetup());
  EXPECT_EQ((*l)[0], CV::Flags(0x1FF));
}

TEST(Values, Lists) {
  TypeTable t;
  TypeId l = *t.List(t.Primitive(TypeKind::kU16));
  auto out = LowerBoth(t, {l}, {CV::List({CV::U16(1), CV::U16(2), CV::U16(0x303)})});
  ASSERT_TRUE(out.flat.has_value());
  EXPECT_EQ(out.calls, (std::vector<ReallocCall>{{0, 0, 2, 6}}));
  uint32_t p = static_cast<uint32_t>((*out.flat)[0]);
  EXPECT_EQ((*out.flat)[1], 3u);
  EXPECT_EQ(std::vector<uint8_t>(out.mem.begin() + p, out.mem.begin() + p + 6),
            (std::vector<uint8_t>{1, 0, 2, 0, 3, 3}));
  // Lift traps: misaligned, out of bounds, longer than 2^28-1 bytes.
  EXPECT_TRAP(LiftBoth(t, {l}, {0x101, 1}, NoSetup()));
  EXPECT_TRAP(LiftBoth(t, {l}, {(1u << 16) - 4, 3}, NoSetup()));
  TypeId bytes = *t.List(t.U8());
  EXPECT_TRAP(LiftBoth(t, {bytes}, {0, 1u << 28}, NoSetup()));
  auto empty = LiftBoth(t, {bytes}, {(1u << 16), 0}, NoSetup());  // empty at the very end is fine
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ((*empty)[0], CV::List({}));
  // Nested: list<list<u8>>.
  TypeId ll = *t.List(bytes);
  auto nested = LowerBoth(t, {ll}, {CV::List({CV::List({CV::U8(1)}), CV::List({CV::U8(2), CV::U8(3)})})});
  EXPECT_EQ(nested.calls, (std::vector<ReallocCall>{{0, 0, 4, 16}, {0, 0, 1, 1}, {0, 0, 1, 2}}));
}

TEST(Values, FixedLengthLists) {
  TypeTable t;
  TypeId f = *t.List(t.U8(), 3);
  auto out = LowerBoth(t, {f}, {CV::List({CV::U8(1), CV::U8(2), CV::U8(3)})});
  EXPECT_EQ(*out.flat, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE(out.calls.empty());
  auto mem = LowerBoth(t, {f}, {CV::List({CV::U8(1), CV::U8(2), CV::U8(3)})}, StringEncoding::kUtf8, 0);
  EXPECT_EQ(mem.calls, (std::vector<ReallocCall>{{0, 0, 1, 3}}));
  auto l = LiftBoth(t, {f}, {7, 8, 0x109}, NoSetup());
  EXPECT_EQ((*l)[0], CV::List({CV::U8(7), CV::U8(8), CV::U8(9)}));
  // A host list of the wrong length is the embedder's error, not a trap.
  auto bad = LowerBoth(t, {f}, {CV::List({CV::U8(1)})});
  ASSERT_FALSE(bad.flat.has_value());
  EXPECT_FALSE(IsTrap(bad.flat.error()));
}

TEST(Values, HostShapeErrors) {
  TypeTable t;
  TypeId r = *t.Record({{"a", t.U8()}});
  auto out = LowerBoth(t, {r}, {CV::U8(1)});
  ASSERT_FALSE(out.flat.has_value());
  EXPECT_FALSE(IsTrap(out.flat.error()));
  TypeId o = *t.Option(t.U8());
  EXPECT_FALSE(LowerBoth(t, {o}, {CV::Variant(1)}).flat.has_value());  // some without payload
  EXPECT_FALSE(LowerBoth(t, {o}, {CV::Variant(2)}).flat.has_value());
  EXPECT_FALSE(CV::Char(0xD800).has_value());
  EXPECT_FALSE(CV::String("\xC0\x80").has_value());
}

}  // namespace
}  // namespace nw::component::testing

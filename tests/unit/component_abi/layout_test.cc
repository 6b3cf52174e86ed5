// Type layout of the canonical ABI: alignment, elem_size, flattening, discriminant and flags
// sizes. Every expected value is worked out by hand from CanonicalABI.md's definitions
// (comments give the arithmetic).
#include <gtest/gtest.h>

#include "component/abi_types.h"

namespace nw::component {
namespace {

using F = FlatType;

TEST(Layout, Primitives) {
  TypeTable t;
  struct Row { TypeKind k; uint32_t align, size; FlatType flat; };
  const Row rows[] = {
      {TypeKind::kBool, 1, 1, F::kI32}, {TypeKind::kS8, 1, 1, F::kI32},  {TypeKind::kU8, 1, 1, F::kI32},
      {TypeKind::kS16, 2, 2, F::kI32},  {TypeKind::kU16, 2, 2, F::kI32}, {TypeKind::kS32, 4, 4, F::kI32},
      {TypeKind::kU32, 4, 4, F::kI32},  {TypeKind::kS64, 8, 8, F::kI64}, {TypeKind::kU64, 8, 8, F::kI64},
      {TypeKind::kF32, 4, 4, F::kF32},  {TypeKind::kF64, 8, 8, F::kF64}, {TypeKind::kChar, 4, 4, F::kI32},
  };
  for (const Row& r : rows) {
    const AbiType& a = t.Get(t.Primitive(r.k));
    EXPECT_EQ(a.align, r.align);
    EXPECT_EQ(a.size, r.size);
    EXPECT_EQ(a.flat, std::vector<FlatType>{r.flat});
  }
  const AbiType& s = t.Get(t.String());
  EXPECT_EQ(s.align, 4u);
  EXPECT_EQ(s.size, 8u);  // 2 * ptr_size
  EXPECT_EQ(s.flat, (std::vector<FlatType>{F::kI32, F::kI32}));
}

TEST(Layout, Records) {
  TypeTable t;
  // {u8, u32, u8}: 0 -> 1, align 4 -> 4..8, 8 -> 9, align_to(9, 4) = 12.
  auto r = *t.Record({{"a", t.U8()}, {"b", t.U32()}, {"c", t.U8()}});
  EXPECT_EQ(t.Get(r).align, 4u);
  EXPECT_EQ(t.Get(r).size, 12u);
  EXPECT_EQ(t.Get(r).flat.size(), 3u);
  // {u8, u16}: 0 -> 1, align 2 -> 2..4.
  auto r2 = *t.Record({{"a", t.U8()}, {"b", t.Primitive(TypeKind::kU16)}});
  EXPECT_EQ(t.Get(r2).size, 4u);
  EXPECT_EQ(t.Get(r2).align, 2u);
  // tuple<u64, u8>: 8 + 1 = 9, align 8 -> 16.
  TypeId ts[] = {t.Primitive(TypeKind::kU64), t.U8()};
  auto tu = *t.Tuple(ts);
  EXPECT_EQ(t.Get(tu).size, 16u);
  EXPECT_EQ(t.Get(tu).align, 8u);
  EXPECT_EQ(t.Get(tu).flat, (std::vector<FlatType>{F::kI64, F::kI32}));
  EXPECT_EQ(t.Get(tu).source, SourceKind::kTuple);
  EXPECT_FALSE(t.Record({}).has_value());
}

TEST(Layout, Variants) {
  TypeTable t;
  // option<u8>: u8 discriminant, payload at align_to(1, 1) = 1, size 2.
  auto o = *t.Option(t.U8());
  EXPECT_EQ(t.Get(o).size, 2u);
  EXPECT_EQ(t.Get(o).align, 1u);
  EXPECT_EQ(t.Get(o).payload_offset, 1u);
  EXPECT_EQ(t.Get(o).flat, (std::vector<FlatType>{F::kI32, F::kI32}));
  // result<u64, f32>: payload at align_to(1, 8) = 8, 8 + 8 = 16; flat [i32, join(i64, f32)].
  auto r = *t.ResultOf(t.Primitive(TypeKind::kU64), t.Primitive(TypeKind::kF32));
  EXPECT_EQ(t.Get(r).payload_offset, 8u);
  EXPECT_EQ(t.Get(r).size, 16u);
  EXPECT_EQ(t.Get(r).align, 8u);
  EXPECT_EQ(t.Get(r).flat, (std::vector<FlatType>{F::kI32, F::kI64}));
  // join(f32, s32) = i32; join(f32, f64) = i64; join(i32, i32) = i32.
  auto v1 = *t.Variant({{"a", t.Primitive(TypeKind::kF32)}, {"b", t.Primitive(TypeKind::kS32)}});
  EXPECT_EQ(t.Get(v1).flat, (std::vector<FlatType>{F::kI32, F::kI32}));
  auto v2 = *t.Variant({{"a", t.Primitive(TypeKind::kF32)}, {"b", t.Primitive(TypeKind::kF64)}, {"c", std::nullopt}});
  EXPECT_EQ(t.Get(v2).flat, (std::vector<FlatType>{F::kI32, F::kI64}));
  // Position-wise joins: tuple<f32, u32> vs tuple<u32, f32, u64> -> [i32, i32, i32, i64].
  TypeId a[] = {t.Primitive(TypeKind::kF32), t.U32()};
  TypeId b[] = {t.U32(), t.Primitive(TypeKind::kF32), t.Primitive(TypeKind::kU64)};
  auto v3 = *t.Variant({{"a", *t.Tuple(a)}, {"b", *t.Tuple(b)}});
  EXPECT_EQ(t.Get(v3).flat, (std::vector<FlatType>{F::kI32, F::kI32, F::kI32, F::kI64}));
  // option<string>: payload at 4, 4 + 8 = 12.
  auto os = *t.Option(t.String());
  EXPECT_EQ(t.Get(os).size, 12u);
  EXPECT_EQ(t.Get(os).flat.size(), 3u);
  EXPECT_FALSE(t.Variant({}).has_value());
}

TEST(Layout, DiscriminantSizes) {
  // ceil(log2(n) / 8) bytes rounded up to 1, 2, 4.
  EXPECT_EQ(DiscriminantSize(1), 1u);
  EXPECT_EQ(DiscriminantSize(2), 1u);
  EXPECT_EQ(DiscriminantSize(256), 1u);
  EXPECT_EQ(DiscriminantSize(257), 2u);
  EXPECT_EQ(DiscriminantSize(65536), 2u);
  EXPECT_EQ(DiscriminantSize(65537), 4u);
  TypeTable t;
  std::vector<std::string> labels;
  for (int i = 0; i < 257; ++i) labels.push_back("c" + std::to_string(i));
  auto e = *t.Enum(labels);
  EXPECT_EQ(t.Get(e).size, 2u);
  EXPECT_EQ(t.Get(e).align, 2u);
  EXPECT_EQ(t.Get(e).flat, std::vector<FlatType>{F::kI32});
}

TEST(Layout, Flags) {
  TypeTable t;
  auto mk = [&](int n) {
    std::vector<std::string> l;
    for (int i = 0; i < n; ++i) l.push_back("f" + std::to_string(i));
    return t.Flags(l);
  };
  EXPECT_EQ(t.Get(*mk(1)).size, 1u);
  EXPECT_EQ(t.Get(*mk(8)).size, 1u);
  EXPECT_EQ(t.Get(*mk(9)).size, 2u);
  EXPECT_EQ(t.Get(*mk(16)).size, 2u);
  EXPECT_EQ(t.Get(*mk(17)).size, 4u);
  EXPECT_EQ(t.Get(*mk(32)).align, 4u);
  EXPECT_EQ(t.Get(*mk(32)).flat, std::vector<FlatType>{F::kI32});
  EXPECT_FALSE(mk(33).has_value());
  EXPECT_FALSE(mk(0).has_value());
}

TEST(Layout, Lists) {
  TypeTable t;
  auto l = *t.List(t.U8());
  EXPECT_EQ(t.Get(l).size, 8u);
  EXPECT_EQ(t.Get(l).align, 4u);
  // list<u16, 3>: like tuple<u16, u16, u16>: size 6, align 2, three i32.
  auto f = *t.List(t.Primitive(TypeKind::kU16), 3);
  EXPECT_EQ(t.Get(f).size, 6u);
  EXPECT_EQ(t.Get(f).align, 2u);
  EXPECT_EQ(t.Get(f).flat.size(), 3u);
  EXPECT_FALSE(t.List(t.U8(), 0).has_value());
  // map<string, u8> is list<tuple<string, u8>>: element size align_to(8 + 1, 4) = 12.
  auto m = *t.Map(t.String(), t.U8());
  EXPECT_EQ(t.Get(m).kind, TypeKind::kList);
  EXPECT_EQ(t.Get(t.Get(m).elem).size, 12u);
  EXPECT_EQ(t.Describe(m), "map<string, u8>");
  // A fixed list too large for 32-bit sizes is refused, not wrapped.
  EXPECT_FALSE(t.List(t.Primitive(TypeKind::kU64), 1u << 30).has_value());
}

TEST(Layout, NestingDepthIsBounded) {
  TypeTable t;
  TypeId id = t.U8();
  for (int i = 1; i < 100; ++i) id = *t.Option(id);  // depth 100
  EXPECT_EQ(t.Get(id).depth, 100u);
  EXPECT_FALSE(t.Option(id).has_value());
  EXPECT_FALSE(t.List(id).has_value());
  EXPECT_FALSE(t.Record({{"a", id}}).has_value());
}

TEST(Layout, FlattenFuncType) {
  TypeTable t;
  FuncType ft;
  ft.params.assign(16, t.U32());
  ft.results = {t.U32()};
  FlatSignature s = FlattenFuncType(t, ft, FlattenContext::kLift);
  EXPECT_EQ(s.params.size(), 16u);
  EXPECT_FALSE(s.params_in_memory);
  EXPECT_EQ(s.results.size(), 1u);
  ft.params.push_back(t.U32());  // 17 > MAX_FLAT_PARAMS
  ft.results = {t.String()};     // 2 > MAX_FLAT_RESULTS
  s = FlattenFuncType(t, ft, FlattenContext::kLift);
  EXPECT_EQ(s.params, std::vector<FlatType>{F::kI32});
  EXPECT_TRUE(s.params_in_memory);
  EXPECT_EQ(s.results, std::vector<FlatType>{F::kI32});
  s = FlattenFuncType(t, ft, FlattenContext::kLower);
  EXPECT_EQ(s.params, (std::vector<FlatType>{F::kI32, F::kI32}));  // tuple pointer + out-param
  EXPECT_TRUE(s.results.empty());
}

}  // namespace
}  // namespace nw::component

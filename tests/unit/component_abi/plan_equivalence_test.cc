// Compiled plans against the per-type reference on randomly generated types and values (fixed
// seeds): lowering (memory bytes, realloc calls, flat values), lifting back (values equal to
// the originals), lifting corrupted memory (same value or same trap), and the fused
// core-to-core copy against the reference's lift-then-lower between two guests.
#include <random>

#include "harness.h"

namespace nw::component::testing {
namespace {

using CV = ComponentValue;

struct Gen {
  std::mt19937 rng;
  TypeTable& t;

  uint32_t Below(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng); }

  TypeId Type(int depth) {
    uint32_t pick = Below(depth > 0 ? 19 : 13);
    if (pick <= 12) return t.Primitive(static_cast<TypeKind>(pick));
    switch (pick) {
      case 13: return *t.List(Type(depth - 1));
      case 14: return *t.List(Type(depth - 1), 1 + Below(3));
      case 15: {
        std::vector<Field> f;
        for (uint32_t i = 0, n = 1 + Below(4); i < n; ++i) f.push_back({"f" + std::to_string(i), Type(depth - 1)});
        return *t.Record(f);
      }
      case 16: {
        std::vector<Case> c;
        for (uint32_t i = 0, n = 1 + Below(4); i < n; ++i)
          c.push_back({"c" + std::to_string(i), Below(3) ? std::optional<TypeId>(Type(depth - 1)) : std::nullopt});
        return *t.Variant(c);
      }
      case 17: return Below(2) ? *t.Option(Type(depth - 1))
                               : *t.ResultOf(Below(3) ? std::optional<TypeId>(Type(depth - 1)) : std::nullopt,
                                             Below(3) ? std::optional<TypeId>(Type(depth - 1)) : std::nullopt);
      default: {
        std::vector<std::string> l;
        for (uint32_t i = 0, n = 1 + Below(32); i < n; ++i) l.push_back("l" + std::to_string(i));
        return *t.Flags(l);
      }
    }
  }

  std::string Text() {
    static const uint32_t kPool[] = {'a', 'Z', ' ', 0xE9, 0xFF, 0x100, 0x20AC, 0xFFFD, 0x1F600, 0x10FFFF};
    std::string s;
    for (uint32_t i = 0, n = Below(12); i < n; ++i) {
      uint32_t c = kPool[Below(Below(2) ? 3 : 10)];
      if (c < 0x80) s += static_cast<char>(c);
      else if (c < 0x800) { s += static_cast<char>(0xC0 | (c >> 6)); s += static_cast<char>(0x80 | (c & 0x3F)); }
      else if (c < 0x10000) {
        s += static_cast<char>(0xE0 | (c >> 12)); s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (c & 0x3F));
      } else {
        s += static_cast<char>(0xF0 | (c >> 18)); s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); s += static_cast<char>(0x80 | (c & 0x3F));
      }
    }
    return s;
  }

  CV Value(TypeId id) {
    const AbiType& a = t.Get(id);
    uint64_t r = (uint64_t{rng()} << 32) | rng();
    switch (a.kind) {
      case TypeKind::kBool: return CV::Bool(r & 1);
      case TypeKind::kS8: return CV::S8(static_cast<int8_t>(r));
      case TypeKind::kU8: return CV::U8(static_cast<uint8_t>(r));
      case TypeKind::kS16: return CV::S16(static_cast<int16_t>(r));
      case TypeKind::kU16: return CV::U16(static_cast<uint16_t>(r));
      case TypeKind::kS32: return CV::S32(static_cast<int32_t>(r));
      case TypeKind::kU32: return CV::U32(static_cast<uint32_t>(r));
      case TypeKind::kS64: return CV::S64(static_cast<int64_t>(r));
      case TypeKind::kU64: return CV::U64(r);
      // Random bits; a NaN is made canonical, as lifting returns it (checked in values_test).
      case TypeKind::kF32: {
        uint32_t b = static_cast<uint32_t>(r);
        if ((b & 0x7f800000) == 0x7f800000 && (b & 0x7fffff)) b = 0x7fc00000;
        return CV::FromBits(TypeKind::kF32, Below(4) ? b : 0x7fc00000u);
      }
      case TypeKind::kF64: {
        if ((r & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (r & 0xfffffffffffffull))
          r = 0x7ff8000000000000ull;
        return CV::FromBits(TypeKind::kF64, Below(4) ? r : 0x7ff8000000000000ull);
      }
      case TypeKind::kChar: {
        uint32_t c = static_cast<uint32_t>(r % 0x110000);
        if (c >= 0xD800 && c <= 0xDFFF) c = 'x';
        return *CV::Char(c);
      }
      case TypeKind::kString: return *CV::String(Text());
      case TypeKind::kList: {
        std::vector<CV> e;
        uint32_t n = a.fixed_length ? *a.fixed_length : Below(4);
        for (uint32_t i = 0; i < n; ++i) e.push_back(Value(a.elem));
        return CV::List(std::move(e));
      }
      case TypeKind::kRecord: {
        std::vector<CV> f;
        for (const Field& fd : a.fields) f.push_back(Value(fd.type));
        return CV::Record(std::move(f));
      }
      case TypeKind::kVariant: {
        uint32_t c = Below(static_cast<uint32_t>(a.cases.size()));
        return a.cases[c].type ? CV::Variant(c, Value(*a.cases[c].type)) : CV::Variant(c);
      }
      case TypeKind::kFlags: {
        uint32_t n = static_cast<uint32_t>(a.labels.size());
        return CV::Flags(static_cast<uint32_t>(r & (n == 32 ? 0xffffffffu : ((1u << n) - 1))));
      }
      default: return CV::U32(0);
    }
  }
};

constexpr StringEncoding kEncs[] = {StringEncoding::kUtf8, StringEncoding::kUtf16, StringEncoding::kLatin1Utf16};

TEST(PlanEquivalence, RandomTypesAndValues) {
  int lowered = 0, trapped_corrupt = 0, copied = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    TypeTable t;
    Gen g{std::mt19937(seed), t};
    std::vector<TypeId> ts;
    std::vector<CV> vs;
    for (uint32_t i = 0, n = 1 + g.Below(4); i < n; ++i) ts.push_back(g.Type(3));
    for (TypeId id : ts) vs.push_back(g.Value(id));
    StringEncoding enc = kEncs[g.Below(3)];
    size_t max_flat = std::array<size_t, 3>{kMaxFlatParams, kMaxFlatResults, 0}[g.Below(3)];
    SCOPED_TRACE("seed " + std::to_string(seed));

    // 1. Lowering: plan == reference (checked inside LowerBoth).
    LowerOutcome low = LowerBoth(t, ts, vs, enc, max_flat);
    ASSERT_TRUE(low.flat.has_value()) << low.flat.error().message;
    ++lowered;

    // 2. Lifting the result gives the values back.
    auto setup = [&](FakeGuest& fg) { fg.mem = low.mem; };
    auto back = LiftBoth(t, ts, *low.flat, setup, enc, max_flat);
    ASSERT_TRUE(back.has_value()) << back.error().message;
    ASSERT_EQ(back->size(), vs.size());
    for (size_t i = 0; i < vs.size(); ++i)
      EXPECT_TRUE((*back)[i] == vs[i]) << (*back)[i].ToString() << " vs " << vs[i].ToString();

    // 3. Corrupted memory: both agree on the value or the trap.
    for (int k = 0; k < 4; ++k) {
      std::vector<uint8_t> bad = low.mem;
      for (int j = 0; j < 3; ++j) bad[0x1000 + g.Below(256)] ^= static_cast<uint8_t>(1 + g.Below(255));
      auto r = LiftBoth(t, ts, *low.flat, [&](FakeGuest& fg) { fg.mem = bad; }, enc, max_flat);
      if (!r) ++trapped_corrupt;
    }

    // 4. Fused copy into a guest with another encoding == reference lift then lower.
    StringEncoding enc2 = kEncs[g.Below(3)];
    ValuesPlan vp = CompileValues(t, ts, max_flat);
    FakeGuest a(enc), b1(enc2), b2(enc2);
    a.mem = low.mem;
    ComponentInstanceState ia, ib1, ib2;
    Side sa = a.MakeSide(&ia), sb1 = b1.MakeSide(&ib1), sb2 = b2.MakeSide(&ib2);
    std::vector<uint64_t> out1(std::max<uint32_t>(vp.flat_count, 1));
    auto n1 = PlanCopyValues(vp, sa, sb1, *low.flat, out1, nullptr);
    ASSERT_TRUE(n1.has_value()) << n1.error().message;
    out1.resize(*n1);
    Side sa2 = a.MakeSide(&ia);
    auto lifted = reference::LiftFlatValues(t, sa2, max_flat, *low.flat, ts);
    ASSERT_TRUE(lifted.has_value());
    auto out2 = reference::LowerFlatValues(t, sb2, max_flat, *lifted, ts);
    ASSERT_TRUE(out2.has_value());
    EXPECT_EQ(out1, *out2);
    EXPECT_TRUE(b1.mem == b2.mem) << "fused copy wrote different memory";
    EXPECT_TRUE(b1.calls == b2.calls) << "fused copy called realloc differently";
    ++copied;
  }
  EXPECT_EQ(lowered, 400);
  EXPECT_EQ(copied, 400);
  EXPECT_GT(trapped_corrupt, 0);  // the corruption does reach traps
}

}  // namespace
}  // namespace nw::component::testing

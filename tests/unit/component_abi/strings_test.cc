// Strings: loading with its traps and storing with the realloc sequence of each transcoding
// (store_string_into_range), for every source form and destination encoding. Expected realloc
// calls are worked out by hand from definitions.py's store_* functions (comments give the
// steps) and were cross-checked by running definitions.py.
#include "harness.h"

namespace nw::component::testing {
namespace {

using CV = ComponentValue;
constexpr uint32_t kTag = 1u << 31;

// Lowers one string (plan and reference agree) and returns (flat, memory, calls).
LowerOutcome LowerString(const CV& v, StringEncoding enc) {
  TypeTable t;
  return LowerBoth(t, {t.String()}, {v}, enc);
}

std::vector<uint8_t> At(const LowerOutcome& o, uint32_t n) {
  uint32_t p = static_cast<uint32_t>((*o.flat)[0]);
  return std::vector<uint8_t>(o.mem.begin() + p, o.mem.begin() + p + n);
}

CV Lifted(std::vector<uint8_t> bytes, StringForm form) {
  return CV::StringUnchecked(std::string(bytes.begin(), bytes.end()), form);
}

// ValidUtf8 decides long strings in 256-byte ASCII steps before its byte-wise loop: wherever
// the first non-ASCII byte falls (any step, a step boundary, the tail), the answer is the same
// as for a short string holding the same sequence.
TEST(Strings, ValidUtf8OfLongStringsAtEveryPosition) {
  for (size_t n : {size_t{255}, size_t{256}, size_t{1024}, size_t{1100}}) {
    std::vector<uint8_t> s(n, 'a');
    EXPECT_TRUE(ValidUtf8(s.data(), n)) << n;
    for (size_t at = 0; at < n; ++at) {
      s.assign(n, 'a');
      s[at] = 0x80;  // a lone continuation byte
      ASSERT_FALSE(ValidUtf8(s.data(), n)) << n << " " << at;
      s[at] = 0xff;
      ASSERT_FALSE(ValidUtf8(s.data(), n)) << n << " " << at;
      s[at] = 0xc3;  // a two-byte sequence, cut at the end
      ASSERT_EQ(ValidUtf8(s.data(), n), false) << n << " " << at;
      if (at + 1 < n) {
        s[at + 1] = 0xa9;
        ASSERT_TRUE(ValidUtf8(s.data(), n)) << n << " " << at;
        s[at + 1] = 0x41;  // not a continuation byte
        ASSERT_FALSE(ValidUtf8(s.data(), n)) << n << " " << at;
      }
    }
  }
}

TEST(Strings, Utf8ToUtf8IsOneAllocation) {
  auto o = LowerString(*CV::String("hello"), StringEncoding::kUtf8);
  EXPECT_EQ(o.calls, (std::vector<ReallocCall>{{0, 0, 1, 5}}));
  EXPECT_EQ((*o.flat)[1], 5u);
  EXPECT_EQ(At(o, 5), B("hello"));
  auto e = LowerString(*CV::String(""), StringEncoding::kUtf8);
  EXPECT_EQ(e.calls, (std::vector<ReallocCall>{{0, 0, 1, 0}}));  // even an empty string allocates
}

TEST(Strings, Utf8ToUtf16ShrinksToFit) {
  // "héllo" is 6 UTF-8 bytes: allocate(2, 12), 5 code units = 10 bytes < 12 -> realloc to 10.
  auto o = LowerString(*CV::String("h\xC3\xA9llo"), StringEncoding::kUtf16);
  EXPECT_EQ(o.calls.size(), 2u);
  EXPECT_EQ(o.calls[0], (ReallocCall{0, 0, 2, 12}));
  EXPECT_EQ(o.calls[1], (ReallocCall{static_cast<uint32_t>((*o.flat)[0]), 12, 2, 10}));
  EXPECT_EQ((*o.flat)[1], 5u);
  EXPECT_EQ(At(o, 10), Utf16Le(u"h\u00e9llo"));
  // All ASCII: exactly 2 * bytes, no shrink.
  auto a = LowerString(*CV::String("abc"), StringEncoding::kUtf16);
  EXPECT_EQ(a.calls, (std::vector<ReallocCall>{{0, 0, 2, 6}}));
  // A supplementary character: 4 UTF-8 bytes -> 2 code units (8 -> 4 bytes).
  auto s = LowerString(*CV::String("\xF0\x9F\x98\x80"), StringEncoding::kUtf16);
  EXPECT_EQ((*s.flat)[1], 2u);
  EXPECT_EQ(At(s, 4), Utf16Le(u"\U0001F600"));
}

TEST(Strings, Utf8ToLatin1OrUtf16) {
  // "héllo": allocate(2, 6); all code points < 256, 5 bytes < 6 -> realloc(ptr, 6, 2, 5).
  auto o = LowerString(*CV::String("h\xC3\xA9llo"), StringEncoding::kLatin1Utf16);
  ASSERT_EQ(o.calls.size(), 2u);
  EXPECT_EQ(o.calls[0], (ReallocCall{0, 0, 2, 6}));
  EXPECT_EQ(o.calls[1].old_size, 6u);
  EXPECT_EQ(o.calls[1].new_size, 5u);
  EXPECT_EQ((*o.flat)[1], 5u);  // untagged: latin1
  EXPECT_EQ(At(o, 5), (std::vector<uint8_t>{'h', 0xE9, 'l', 'l', 'o'}));
  // "h€" (4 UTF-8 bytes): allocate(2, 4); 'h'; '€' >= 256 -> realloc(ptr, 4, 2, 8), inflate,
  // UTF-16 is 4 bytes < 8 -> realloc(ptr, 8, 2, 4); length 2 tagged.
  auto u = LowerString(*CV::String("h\xE2\x82\xAC"), StringEncoding::kLatin1Utf16);
  ASSERT_EQ(u.calls.size(), 3u);
  EXPECT_EQ(u.calls[0], (ReallocCall{0, 0, 2, 4}));
  EXPECT_EQ(u.calls[1].old_size, 4u);
  EXPECT_EQ(u.calls[1].new_size, 8u);
  EXPECT_EQ(u.calls[2].old_size, 8u);
  EXPECT_EQ(u.calls[2].new_size, 4u);
  EXPECT_EQ((*u.flat)[1], 2u | kTag);
  EXPECT_EQ(At(u, 4), Utf16Le(u"h\u20ac"));
  // All ASCII, exact: one allocation.
  auto a = LowerString(*CV::String("ab"), StringEncoding::kLatin1Utf16);
  EXPECT_EQ(a.calls, (std::vector<ReallocCall>{{0, 0, 2, 2}}));
}

TEST(Strings, Utf16ToUtf8) {
  // utf16 "h€" (2 units): worst 6; allocate(1, 2), 'h', then realloc(ptr, 2, 1, 6), 4 < 6 -> shrink.
  auto o = LowerString(Lifted(Utf16Le(u"h\u20ac"), StringForm::kUtf16), StringEncoding::kUtf8);
  ASSERT_EQ(o.calls.size(), 3u);
  EXPECT_EQ(o.calls[0], (ReallocCall{0, 0, 1, 2}));
  EXPECT_EQ(o.calls[1].old_size, 2u);
  EXPECT_EQ(o.calls[1].new_size, 6u);
  EXPECT_EQ(o.calls[2].old_size, 6u);
  EXPECT_EQ(o.calls[2].new_size, 4u);
  EXPECT_EQ((*o.flat)[1], 4u);
  EXPECT_EQ(At(o, 4), B("h\xE2\x82\xAC"));
  // ASCII only: one allocation of the code unit count.
  auto a = LowerString(Lifted(Utf16Le(u"hi"), StringForm::kUtf16), StringEncoding::kUtf8);
  EXPECT_EQ(a.calls, (std::vector<ReallocCall>{{0, 0, 1, 2}}));
  EXPECT_EQ(At(a, 2), B("hi"));
}

TEST(Strings, Latin1ToUtf8) {
  // latin1 "é" (1 unit): worst 2; allocate(1, 1); é -> realloc(ptr, 1, 1, 2); 2 == worst, no shrink.
  auto o = LowerString(Lifted({0xE9}, StringForm::kCompactLatin1), StringEncoding::kUtf8);
  ASSERT_EQ(o.calls.size(), 2u);
  EXPECT_EQ(o.calls[0], (ReallocCall{0, 0, 1, 1}));
  EXPECT_EQ(o.calls[1].new_size, 2u);
  EXPECT_EQ(At(o, 2), B("\xC3\xA9"));
}

TEST(Strings, CopiesBetweenUtf16AndCompact) {
  // latin1 -> utf16: store_string_copy(2, 2).
  auto a = LowerString(Lifted({'a', 0xE9}, StringForm::kCompactLatin1), StringEncoding::kUtf16);
  EXPECT_EQ(a.calls, (std::vector<ReallocCall>{{0, 0, 2, 4}}));
  EXPECT_EQ(At(a, 4), Utf16Le(u"a\u00e9"));
  // latin1 -> latin1+utf16: store_string_copy(1, 2), untagged.
  auto b = LowerString(Lifted({'a', 0xE9}, StringForm::kCompactLatin1), StringEncoding::kLatin1Utf16);
  EXPECT_EQ(b.calls, (std::vector<ReallocCall>{{0, 0, 2, 2}}));
  EXPECT_EQ((*b.flat)[1], 2u);
  // compact utf16 -> utf16: a copy.
  auto c = LowerString(Lifted(Utf16Le(u"\u20ac"), StringForm::kCompactUtf16), StringEncoding::kUtf16);
  EXPECT_EQ(c.calls, (std::vector<ReallocCall>{{0, 0, 2, 2}}));
  // plain utf16 -> latin1+utf16 goes through store_string_to_latin1_or_utf16: allocate(2, 2).
  auto d = LowerString(Lifted(Utf16Le(u"ab"), StringForm::kUtf16), StringEncoding::kLatin1Utf16);
  EXPECT_EQ(d.calls, (std::vector<ReallocCall>{{0, 0, 2, 2}}));
  EXPECT_EQ(At(d, 2), B("ab"));
}

TEST(Strings, ProbablyUtf16ToLatin1OrUtf16) {
  // compact utf16 "ab": allocate(2, 4), no unit >= 256 -> compact, realloc(ptr, 4, 1, 2).
  auto a = LowerString(Lifted(Utf16Le(u"ab"), StringForm::kCompactUtf16), StringEncoding::kLatin1Utf16);
  ASSERT_EQ(a.calls.size(), 2u);
  EXPECT_EQ(a.calls[0], (ReallocCall{0, 0, 2, 4}));
  EXPECT_EQ(a.calls[1].old_size, 4u);
  EXPECT_EQ(a.calls[1].align, 1u);
  EXPECT_EQ(a.calls[1].new_size, 2u);
  EXPECT_EQ((*a.flat)[1], 2u);
  EXPECT_EQ(At(a, 2), B("ab"));
  // "a€": stays UTF-16, tagged, one allocation.
  auto b = LowerString(Lifted(Utf16Le(u"a\u20ac"), StringForm::kCompactUtf16), StringEncoding::kLatin1Utf16);
  EXPECT_EQ(b.calls, (std::vector<ReallocCall>{{0, 0, 2, 4}}));
  EXPECT_EQ((*b.flat)[1], 2u | kTag);
  // Empty: allocate(2, 0) then the unconditional realloc(ptr, 0, 1, 0).
  auto e = LowerString(Lifted({}, StringForm::kCompactUtf16), StringEncoding::kLatin1Utf16);
  EXPECT_EQ(e.calls.size(), 2u);
}

TEST(Strings, LoadDecodesEachEncoding) {
  TypeTable t;
  TypeId s = t.String();
  auto u8 = LiftBoth(t, {s}, {0x100, 3}, [](FakeGuest& g) { g.Put(0x100, "a\xC3\xA9", 3); });
  ASSERT_TRUE(u8.has_value());
  EXPECT_EQ((*u8)[0].ToUtf8(), "a\xC3\xA9");
  auto bytes16 = Utf16Le(u"a\U0001F600");
  auto u16 = LiftBoth(t, {s}, {0x100, 3}, [&](FakeGuest& g) { g.Put(0x100, bytes16.data(), 6); },
                      StringEncoding::kUtf16);
  ASSERT_TRUE(u16.has_value());
  EXPECT_EQ((*u16)[0].ToUtf8(), "a\xF0\x9F\x98\x80");
  EXPECT_EQ((*u16)[0].string_form(), StringForm::kUtf16);
  auto l1 = LiftBoth(t, {s}, {0x100, 1}, [](FakeGuest& g) { g.mem[0x100] = 0xE9; },
                     StringEncoding::kLatin1Utf16);
  ASSERT_TRUE(l1.has_value());
  EXPECT_EQ((*l1)[0].ToUtf8(), "\xC3\xA9");
  auto tagged = LiftBoth(t, {s}, {0x100, 1u | kTag}, [](FakeGuest& g) { g.mem[0x100] = 0xAC; g.mem[0x101] = 0x20; },
                         StringEncoding::kLatin1Utf16);
  ASSERT_TRUE(tagged.has_value());
  EXPECT_EQ((*tagged)[0].ToUtf8(), "\xE2\x82\xAC");
  EXPECT_EQ((*tagged)[0].string_form(), StringForm::kCompactUtf16);
}

TEST(Strings, LoadTraps) {
  TypeTable t;
  TypeId s = t.String();
  auto put = [](const char* b, size_t n) { return [=](FakeGuest& g) { g.Put(0x100, b, n); }; };
  // Invalid UTF-8: overlong, encoded surrogate, past U+10FFFF, truncated, bare continuation.
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 2}, put("\xC0\x80", 2)));
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 3}, put("\xED\xA0\x80", 3)));
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 4}, put("\xF4\x90\x80\x80", 4)));
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 2}, put("\xE2\x82", 2)));
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 1}, put("\x80", 1)));
  // Invalid UTF-16: lone high surrogate at the end, lone low surrogate.
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 1}, put("\x00\xD8", 2), StringEncoding::kUtf16));
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 2}, put("\x00\xDC\x41\x00", 4), StringEncoding::kUtf16));
  EXPECT_TRAP(LiftBoth(t, {s}, {0x100, 1u | kTag}, put("\x00\xDC", 2), StringEncoding::kLatin1Utf16));
  // Alignment: utf16 and latin1+utf16 need 2 (even for the latin1 half).
  EXPECT_TRAP(LiftBoth(t, {s}, {0x101, 1}, put("", 0), StringEncoding::kUtf16));
  EXPECT_TRAP(LiftBoth(t, {s}, {0x101, 1}, put("", 0), StringEncoding::kLatin1Utf16));
  EXPECT_TRUE(LiftBoth(t, {s}, {0x101, 1}, [](FakeGuest& g) { g.mem[0x101] = 'a'; }).has_value());
  // Bounds and the 2^28-1 byte limit (utf16 doubles the count).
  EXPECT_TRAP(LiftBoth(t, {s}, {(1u << 16) - 1, 2}, put("", 0)));
  EXPECT_TRAP(LiftBoth(t, {s}, {0, 1u << 28}, put("", 0)));
  EXPECT_TRAP(LiftBoth(t, {s}, {0, 1u << 27}, put("", 0), StringEncoding::kUtf16));
  EXPECT_TRAP(LiftBoth(t, {s}, {0, 0xFFFFFFFFu}, put("", 0), StringEncoding::kUtf16));
}

TEST(Strings, ReallocMisbehaving) {
  TypeTable t;
  ValuesPlan vp = CompileValues(t, std::vector<TypeId>{t.String()}, kMaxFlatParams);
  CV v = *CV::String("hello");
  auto run = [&](StringEncoding enc, auto knob) {
    FakeGuest g(enc);
    knob(g);
    ComponentInstanceState inst;
    Side s = g.MakeSide(&inst);
    uint64_t flat[2];
    auto r = PlanLowerValues(vp, t, s, std::span<const CV>(&v, 1), flat);
    EXPECT_TRUE(inst.may_leave());  // restored after realloc either way
    return r;
  };
  EXPECT_TRAP(run(StringEncoding::kUtf16, [](FakeGuest& g) { g.force_ptr = 0x1001; }));
  EXPECT_TRAP(run(StringEncoding::kLatin1Utf16, [](FakeGuest& g) { g.force_ptr = 0x1001; }));
  EXPECT_TRAP(run(StringEncoding::kUtf8, [](FakeGuest& g) { g.force_ptr = (1u << 16) - 4; }));
  EXPECT_TRAP(run(StringEncoding::kUtf8, [](FakeGuest& g) { g.force_ptr = 0xFFFFFFFF; }));
  EXPECT_TRAP(run(StringEncoding::kUtf8, [](FakeGuest& g) { g.fail = true; }));
  EXPECT_TRUE(run(StringEncoding::kUtf8, [](FakeGuest& g) { g.force_ptr = (1u << 16) - 5; }).has_value());
  // realloc runs with may_leave cleared.
  FakeGuest g;
  ComponentInstanceState inst;
  Side s = g.MakeSide(&inst);
  uint64_t flat[2];
  ASSERT_TRUE(PlanLowerValues(vp, t, s, std::span<const CV>(&v, 1), flat).has_value());
  EXPECT_FALSE(g.saw_may_leave);
  // No realloc option at all: a trap, not a crash.
  FakeGuest n;
  n.opts.realloc = nullptr;
  Side ns = n.MakeSide(&inst);
  EXPECT_TRAP(PlanLowerValues(vp, t, ns, std::span<const CV>(&v, 1), flat));
}

TEST(Strings, RoundTripEveryEncodingPair) {
  // Text with ASCII, Latin-1, BMP and supplementary characters, through each encoding and back.
  const char* texts[] = {"", "plain", "caf\xC3\xA9", "\xE2\x82\xAC uro", "\xF0\x9F\x98\x80!"};
  StringEncoding encs[] = {StringEncoding::kUtf8, StringEncoding::kUtf16, StringEncoding::kLatin1Utf16};
  TypeTable t;
  ValuesPlan vp = CompileValues(t, std::vector<TypeId>{t.String()}, kMaxFlatParams);
  for (const char* text : texts) {
    for (StringEncoding a : encs) {
      for (StringEncoding b : encs) {
        // Host -> guest A -> host -> guest B -> host.
        FakeGuest ga(a), gb(b);
        ComponentInstanceState ia, ib;
        Side sa = ga.MakeSide(&ia), sb = gb.MakeSide(&ib);
        CV v = *CV::String(text);
        uint64_t flat[2];
        ASSERT_TRUE(PlanLowerValues(vp, t, sa, std::span<const CV>(&v, 1), flat).has_value());
        auto la = PlanLiftValues(vp, sa, flat);
        ASSERT_TRUE(la.has_value());
        ASSERT_TRUE(PlanLowerValues(vp, t, sb, *la, flat).has_value());
        auto lb = PlanLiftValues(vp, sb, flat);
        ASSERT_TRUE(lb.has_value());
        EXPECT_EQ((*lb)[0].ToUtf8(), text);
        // And the same guest-to-guest with the fused copy.
        FakeGuest gc(b);
        ComponentInstanceState ic;
        Side sc = gc.MakeSide(&ic);
        ASSERT_TRUE(PlanLowerValues(vp, t, sa, std::span<const CV>(&v, 1), flat).has_value());
        uint64_t out[2];
        ASSERT_TRUE(PlanCopyValues(vp, sa, sc, flat, out, nullptr).has_value());
        auto lc = PlanLiftValues(vp, sc, out);
        ASSERT_TRUE(lc.has_value());
        EXPECT_EQ((*lc)[0].ToUtf8(), text);
      }
    }
  }
}

}  // namespace
}  // namespace nw::component::testing

namespace nw::component::testing {
namespace {

// The bulk paths (16- and 64-byte ASCII scans, widening) at every alignment of the first
// non-ASCII byte, against the byte-at-a-time behaviour.
TEST(Strings, LongStringsAtEveryPosition) {
  TypeTable t;
  ValuesPlan vp = CompileValues(t, std::vector<TypeId>{t.String()}, kMaxFlatParams);
  const char* specials[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  StringEncoding encs[] = {StringEncoding::kUtf8, StringEncoding::kUtf16, StringEncoding::kLatin1Utf16};
  for (size_t pos = 0; pos <= 140; pos += 1) {
    for (const char* sp : specials) {
      std::string text(140, 'x');
      for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
      text.insert(pos, sp);
      for (StringEncoding a : encs) {
        for (StringEncoding b : encs) {
          FakeGuest ga(a), gb(b);
          ComponentInstanceState ia, ib;
          Side sa = ga.MakeSide(&ia), sb = gb.MakeSide(&ib);
          CV v = *CV::String(text);
          uint64_t flat[2], out[2];
          ASSERT_TRUE(PlanLowerValues(vp, t, sa, std::span<const CV>(&v, 1), flat).has_value());
          ASSERT_TRUE(PlanCopyValues(vp, sa, sb, flat, out, nullptr).has_value());
          auto l = PlanLiftValues(vp, sb, out);
          ASSERT_TRUE(l.has_value());
          ASSERT_EQ((*l)[0].ToUtf8(), text) << "pos " << pos;
        }
      }
    }
  }
  // The UTF-8 trap tells a sequence cut off by the end of the string ("incomplete utf-8 byte
  // sequence") from an ill-formed one (the reference tests' wording).
  struct Utf8Case {
    std::string bytes;
    const char* message;
  };
  const Utf8Case utf8_cases[] = {
      {"\xC3", "trap: incomplete utf-8 byte sequence"},
      {"ab\xE2\x82", "trap: incomplete utf-8 byte sequence"},
      {"\xF0\x9F\x98", "trap: incomplete utf-8 byte sequence"},
      {"\xFF", "trap: invalid utf-8 byte sequence"},
      {"\xC3(", "trap: invalid utf-8 byte sequence"},
      {"\xE0\x80", "trap: invalid utf-8 byte sequence"},  // overlong even before its end
      {"\xED\xA0", "trap: invalid utf-8 byte sequence"},  // a surrogate even before its end
      {"\xC3x\xC3", "trap: invalid utf-8 byte sequence"},  // the first bad sequence decides
  };
  for (const Utf8Case& c : utf8_cases) {
    FakeGuest g;
    g.Put(0x100, c.bytes.data(), c.bytes.size());
    ComponentInstanceState inst;
    Side s = g.MakeSide(&inst);
    uint64_t flat[2] = {0x100, c.bytes.size()};
    auto r = PlanLiftValues(vp, s, flat);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, c.message);
  }
  // An invalid byte anywhere in a long UTF-8 string traps; a lone surrogate anywhere in UTF-16.
  for (size_t pos = 0; pos < 200; ++pos) {
    FakeGuest g;
    std::string text(200, 'q');
    text[pos] = '\xFF';
    g.Put(0x100, text.data(), text.size());
    ComponentInstanceState inst;
    Side s = g.MakeSide(&inst);
    uint64_t flat[2] = {0x100, 200};
    EXPECT_TRAP(PlanLiftValues(vp, s, flat));
    FakeGuest g16(StringEncoding::kUtf16);
    std::u16string u(100, u'q');
    u[pos / 2] = 0xDC00;
    auto bytes = Utf16Le(u);
    g16.Put(0x100, bytes.data(), bytes.size());
    Side s16 = g16.MakeSide(&inst);
    uint64_t flat16[2] = {0x100, 100};
    EXPECT_TRAP(PlanLiftValues(vp, s16, flat16));
  }
}

}  // namespace
}  // namespace nw::component::testing

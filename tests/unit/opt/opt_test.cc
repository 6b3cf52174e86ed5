// The opt tier's own behaviour beyond the spec scripts: what it refuses (unsupported
// instructions, configurations), traps that need the runtime's cooperation (stack exhaustion),
// multi-value, NaN canonicalization, and the loader's handling of damaged objects.
#include <gtest/gtest.h>

#include "opt_harness.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

ModuleDesc Wat(std::string_view text) {
  auto d = ParseWat(text);
  EXPECT_TRUE(d) << d.error().ToString();
  return d ? std::move(*d) : ModuleDesc{};
}

struct Compiled {
  explicit Compiled(const Options& o) : store(o) {}
  OptStore store;
  OptInstance* inst = nullptr;
};

std::unique_ptr<Compiled> Instantiate(std::string_view text, const Options& options = {}) {
  auto c = std::make_unique<Compiled>(options);
  ModuleDesc desc = Wat(text);
  auto m = Module::FromDesc(c->store.engine(), desc);
  EXPECT_TRUE(m) << m.error().ToString();
  if (!m) return nullptr;
  auto inst = c->store.Instantiate(*m);
  EXPECT_TRUE(inst) << inst.error();
  if (!inst) return nullptr;
  c->inst = *inst;
  return c;
}

TEST(OptCompile, UnsupportedInstructionIsAClearErrorWithItsOffset) {
  ModuleDesc d = Wat(R"((module (func (export "f") (result i32)
      (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4)))))");
  auto r = CompileModule(d, Options{});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("opt tier: unsupported")) << r.error().message;
  EXPECT_NE(r.error().message.find("v128.const"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().offset, kNoOffset);
}


TEST(OptCompile, FuelAndEpochConfigurationsAreRefused) {
  ModuleDesc d = Wat(R"((module (func (export "f"))))");
  Options o;
  o.consume_fuel = true;
  EXPECT_FALSE(CompileModule(d, o));
  o.consume_fuel = false;
  o.epoch_interruption = true;
  EXPECT_FALSE(CompileModule(d, o));
}

TEST(OptCompile, InvalidBodyIsAValidationError) {
  ModuleDesc d = Wat(R"((module (func (export "f") (result i32) (i64.const 1))))");
  auto r = CompileModule(d, Options{});
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().message.starts_with("opt tier")) << r.error().message;
}

TEST(OptCompile, GuardPageModeCompiles) {
  ModuleDesc d = Wat(R"((module (memory 1) (func (export "f") (param i32) (result i32)
      (i32.add (i32.load offset=8 (local.get 0)) (i32.load offset=0xffffff00 (local.get 0))))))");
  Options o;
  o.bounds = BoundsMode::kGuardPages;
  EXPECT_TRUE(CompileModule(d, o));
}

TEST(OptRun, DeepRecursionTrapsAsStackExhausted) {
  auto c = Instantiate(R"((module (func $f (export "f") (param i32) (result i32)
      (i32.add (call $f (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))))");
  ASSERT_TRUE(c);
  auto r = c->store.CallExport(*c->inst, "f", std::vector<uint64_t>{0});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::kStackExhausted);
  // The store stays usable after the unwind.
  auto again = c->store.CallExport(*c->inst, "f", std::vector<uint64_t>{0});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, TrapKind::kStackExhausted);
}

TEST(OptRun, MultiValueBlocksCallsAndReturns) {
  auto c = Instantiate(R"((module
    (func $swap (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
    (func (export "f") (param i32) (result i32 i64 i32)
      (local.get 0) (i64.const 7)
      (block (param i32 i64) (result i64 i32) (call $swap))
      (if (param i64 i32) (result i32 i64 i32) (local.get 0)
        (then (drop) (i32.wrap_i64) (i64.const 1) (i32.const 2))
        (else (drop) (drop) (i32.const -1) (i64.const -2) (i32.const -3))))))");
  ASSERT_TRUE(c);
  auto r = c->store.CallExport(*c->inst, "f", std::vector<uint64_t>{5});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ(static_cast<uint32_t>((*r)[0]), 7u);
  EXPECT_EQ((*r)[1], 1u);
  EXPECT_EQ(static_cast<uint32_t>((*r)[2]), 2u);
  r = c->store.CallExport(*c->inst, "f", std::vector<uint64_t>{0});
  ASSERT_TRUE(r);
  EXPECT_EQ(static_cast<int32_t>((*r)[0]), -1);
  EXPECT_EQ(static_cast<int64_t>((*r)[1]), -2);
  EXPECT_EQ(static_cast<int32_t>((*r)[2]), -3);
}

// The loop shape C-to-wasm compilers emit (an i32 index counted from -n up to 0, the address
// `base + index` wrapping in 32 bits) is the one the opt tier keeps narrow so that it
// vectorizes; the vector code must keep wasm's semantics: sums agree, a loop that runs off the
// end of memory traps after exactly the in-bounds stores, and a wrapped address is no alias
// of low memory.
constexpr const char* kCountUpKernels = R"((module (memory 1)
  (func (export "fill16") (param $base i32) (param $n i32) (local $i i32)
    (local.set $i (i32.sub (i32.const 0) (local.get $n)))
    (loop $l
      (i32.store16 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 1))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i))))
  (func (export "sum16") (param $base i32) (param $n i32) (result i32) (local $i i32) (local $s i32)
    (local.set $i (i32.sub (i32.const 0) (local.get $n)))
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.load16_s (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i)))
    (local.get $s))
  (func (export "set8") (param $base i32) (param $n i32) (local $i i32)
    (local.set $i (i32.sub (i32.const 0) (local.get $n)))
    (loop $l
      (i32.store8 (i32.add (local.get $base) (local.get $i)) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i))))
  (func (export "get8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store_top") (param i32) (i32.store offset=1 (local.get 0) (i32.const -1)))))";

TEST(OptRun, CountUpToZeroLoopsKeepWasmSemantics) {
  auto c = Instantiate(kCountUpKernels);
  ASSERT_TRUE(c);
  auto call = [&](const char* name, std::vector<uint64_t> args) {
    return c->store.CallExport(*c->inst, name, std::move(args));
  };
  ASSERT_TRUE(call("fill16", {8192, 1000}));
  auto sum = call("sum16", {8192, 1000});
  ASSERT_TRUE(sum);
  EXPECT_EQ(static_cast<int32_t>((*sum)[0]), -1000 * 1001 / 2);
  // base 10, n 1000: the first address wraps to 0xFFFFF81A, far out of bounds: a trap, not a
  // read of low memory.
  auto wrapped = call("sum16", {10, 1000});
  ASSERT_FALSE(wrapped);
  EXPECT_EQ(wrapped.error().kind, TrapKind::kMemoryOutOfBounds);
  // Bytes 65446..65545: the 90 in bounds are written, then the store at 65536 traps.
  auto off_end = call("set8", {65546, 100});
  ASSERT_FALSE(off_end);
  EXPECT_EQ(off_end.error().kind, TrapKind::kMemoryOutOfBounds);
  for (uint64_t a : {65445u, 65446u, 65500u, 65535u}) {
    auto v = call("get8", {a});
    ASSERT_TRUE(v);
    EXPECT_EQ(static_cast<uint32_t>((*v)[0]), a == 65445u ? 0u : 1u) << a;
  }
  // 0xFFFFFFFF + offset 1 is 2^32 as a 33-bit sum: out of bounds, not address 0.
  auto top = call("store_top", {0xFFFFFFFFu});
  ASSERT_FALSE(top);
  EXPECT_EQ(top.error().kind, TrapKind::kMemoryOutOfBounds);
  auto low = call("get8", {0});
  ASSERT_TRUE(low);
  EXPECT_EQ(static_cast<uint32_t>((*low)[0]), 0u);
}

TEST(OptRun, NanCanonicalizationWhenConfigured) {
  const char* text = R"((module (func (export "f") (param f32 f32) (result f32)
      (f32.div (local.get 0) (local.get 1)))))";
  const uint64_t neg_nan = 0xffc00001u;  // a NaN with sign and payload
  Options o;
  auto plain = Instantiate(text, o);
  ASSERT_TRUE(plain);
  auto r = plain->store.CallExport(*plain->inst, "f", std::vector<uint64_t>{neg_nan, 0x3f800000u});
  ASSERT_TRUE(r);
  EXPECT_EQ(static_cast<uint32_t>((*r)[0]), 0xffc00001u);  // x86 propagates the operand NaN
  o.canonicalize_nans = Config::NanCanonicalization::kAll;
  auto canon = Instantiate(text, o);
  ASSERT_TRUE(canon);
  r = canon->store.CallExport(*canon->inst, "f", std::vector<uint64_t>{neg_nan, 0x3f800000u});
  ASSERT_TRUE(r);
  EXPECT_EQ(static_cast<uint32_t>((*r)[0]), 0x7fc00000u);
}

TEST(OptRun, SameObjectLoadsTwiceAtDifferentAddresses) {
  ModuleDesc d = Wat(R"((module (memory 1) (data (i32.const 0) "\2a")
      (func $g (result i32) (i32.load8_u (i32.const 0)))
      (func (export "f") (param i32) (result i32)
        (block (block (block (local.get 0) (br_table 0 1 2))
          (return (i32.const 10))) (return (call $g))) (f64.const 2.5) (f64.mul (f64.const 3.0))
        (i32.trunc_f64_s))))");
  auto obj = CompileModule(d, Options{});
  ASSERT_TRUE(obj) << obj.error().ToString();
  for (int i = 0; i < 2; ++i) {
    auto code = LoadedCode::Load(obj->elf);
    ASSERT_TRUE(code) << code.error().ToString();
    auto mc = MakeOptCode(d, std::move(*code));
    ASSERT_TRUE(mc) << mc.error().ToString();
    OptStore store;
    auto m = Module::FromDesc(store.engine(), d);
    ASSERT_TRUE(m);
    auto inst = store.Instantiate(*m);
    ASSERT_TRUE(inst);
    for (auto [arg, want] : {std::pair{0u, 10u}, {1u, 42u}, {2u, 7u}, {9u, 7u}}) {
      auto r = store.CallExport(**inst, "f", std::vector<uint64_t>{arg});
      ASSERT_TRUE(r);
      EXPECT_EQ(static_cast<uint32_t>((*r)[0]), want) << "arg " << arg;
    }
  }
}

TEST(OptLoader, TruncatedOrDamagedObjectsAreRefusedNotRun) {
  ModuleDesc d = Wat(R"((module (func (export "f") (param i32) (result i32)
      (i32.mul (local.get 0) (i32.const 3)))))");
  auto obj = CompileModule(d, Options{});
  ASSERT_TRUE(obj);
  const std::vector<uint8_t>& elf = obj->elf;
  for (size_t n = 0; n < elf.size(); n += 13) {
    auto r = LoadedCode::Load(std::span(elf.data(), n));
    // A prefix may still hold every section it needs only if it reaches past the last one.
    if (r) EXPECT_NE((*r)->Symbol("nw_a0"), nullptr);
  }
  EXPECT_FALSE(LoadedCode::Load(std::span(elf.data(), size_t{10})));
  std::vector<uint8_t> bad = elf;
  bad[18] ^= 0xff;  // e_machine
  auto r = LoadedCode::Load(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("x86-64"), std::string::npos);
  // Every single-byte corruption of the header and section table is either refused or loads
  // within bounds (the loader never reads outside the object); none crashes.
  for (size_t i = 0; i < 64; ++i) {
    bad = elf;
    bad[i] ^= 0x5a;
    (void)LoadedCode::Load(bad);
  }
}

}  // namespace
}  // namespace nw::opt::test

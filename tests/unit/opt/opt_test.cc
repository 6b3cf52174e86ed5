// The opt tier's own behaviour beyond the spec scripts: what it refuses (unsupported
// instructions, configurations), traps that need the runtime's cooperation (stack exhaustion),
// multi-value, NaN canonicalization, v128 across calls, imports, globals and blocks, and the
// loader's handling of damaged objects.
#include <gtest/gtest.h>

#include "opt_harness.h"
#include <bit>
#include <chrono>
#include <thread>

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

TEST(OptCompile, FuelAndEpochCompile) {
  ModuleDesc d = Wat(R"((module (func (export "f"))))");
  Options o;
  o.consume_fuel = true;
  EXPECT_TRUE(CompileModule(d, o));
  o.consume_fuel = false;
  o.epoch_interruption = true;
  EXPECT_TRUE(CompileModule(d, o));
  // Through the runtime (fuel_test.cc compares the charges with the interpreter's).
  Config config;
  config.tier = Config::ExecutionTier::kOpt;
  config.consume_fuel = true;
  Engine engine(config, OptTier());
  auto m = Module::FromDesc(engine, d);
  EXPECT_TRUE(m) << m.error().message;
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
  // The backtrace is bounded (head and tail of the recursion) and names every frame.
  EXPECT_EQ(r.error().backtrace.size(), Trap::kBacktraceHead + Trap::kBacktraceTail);
  EXPECT_GT(r.error().frames_omitted, 0u);
  for (const Frame& f : r.error().backtrace) EXPECT_EQ(f.func_name, "f");
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

// The matmul loop shape (`c[j] += a * b[j]` unrolled by 2: one address per row advanced by
// 16, the odd elements 8 bytes further, here as `offset=8`), the loop whose vectorization
// docs/performance.md discusses: whatever the vectorizer does with it, both bounds modes must
// keep wasm's semantics: exact results, overlapping rows computed in order, a loop running off
// the end traps after exactly the in-bounds stores, and `0xFFFFFFF8 offset=8` is 2^32 (out of
// bounds), not address 0.
constexpr const char* kOffsetPairKernels = R"((module (memory 1)
  (func (export "axpy2") (param $c i32) (param $b i32) (param $n i32) (param $a f64) (local $j i32)
    (loop $l
      (f64.store (local.get $c) (f64.add (f64.load (local.get $c))
        (f64.mul (local.get $a) (f64.load (local.get $b)))))
      (f64.store offset=8 (local.get $c) (f64.add (f64.load offset=8 (local.get $c))
        (f64.mul (local.get $a) (f64.load offset=8 (local.get $b)))))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br_if $l (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 2))) (local.get $n)))))
  (func (export "put64") (param i32 f64) (f64.store (local.get 0) (local.get 1)))
  (func (export "get64") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "get64_8") (param i32) (result f64) (f64.load offset=8 (local.get 0)))))";

TEST(OptRun, StaticOffsetsKeepWasmSemanticsInBothBoundsModes) {
  constexpr uint32_t kPage = 65536;
  for (BoundsMode mode : {BoundsMode::kExplicit, BoundsMode::kGuardPages}) {
    SCOPED_TRACE(mode == BoundsMode::kExplicit ? "explicit" : "guard pages");
    Options o;
    o.bounds = mode;
    auto c = Instantiate(kOffsetPairKernels, o);
    ASSERT_TRUE(c);
    auto call = [&](const char* name, std::vector<uint64_t> args) {
      return c->store.CallExport(*c->inst, name, std::move(args));
    };
    auto bits = [](double d) { return std::bit_cast<uint64_t>(d); };
    // A model of the memory (doubles at every 8-byte address) and the same loop over it.
    std::vector<double> model(kPage / 8);
    auto put = [&](uint32_t addr, double v) {
      ASSERT_TRUE(call("put64", {addr, bits(v)}));
      model[addr / 8] = v;
    };
    auto run_model = [&](uint32_t cc, uint32_t bb, uint32_t n, double a) {
      for (uint32_t j = 0; j != n; j += 2, cc += 16, bb += 16) {
        for (uint32_t k = 0; k < 2; ++k) {
          if (cc + 8 * k + 8 > kPage || bb + 8 * k + 8 > kPage) return;  // the trap
          model[(cc + 8 * k) / 8] += a * model[(bb + 8 * k) / 8];
        }
      }
    };
    auto check_model = [&] {
      for (uint32_t i = 0; i < kPage / 8; ++i) {
        auto v = call("get64", {i * 8});
        ASSERT_TRUE(v);
        ASSERT_EQ((*v)[0], bits(model[i])) << "address " << i * 8;
      }
    };
    for (uint32_t i = 0; i < 1024; ++i) put(i * 8, static_cast<double>(i % 37) - 18.0);
    for (uint32_t i = 0; i < 64; ++i) put(kPage - 8 - i * 8, static_cast<double>(i % 11) + 0.5);
    // Disjoint rows of 256 elements.
    ASSERT_TRUE(call("axpy2", {0, 4096, 256, bits(2.0)}));
    run_model(0, 4096, 256, 2.0);
    // Overlapping rows: b is c shifted by one element, so each store feeds a later load.
    ASSERT_TRUE(call("axpy2", {2048, 2056, 128, bits(-1.5)}));
    run_model(2048, 2056, 128, -1.5);
    ASSERT_TRUE(call("axpy2", {3000, 2992, 64, bits(0.25)}));
    run_model(3000, 2992, 64, 0.25);
    check_model();
    // Running off the end of memory: the in-bounds updates happen, then a trap.
    auto off_end = call("axpy2", {kPage - 200, 0, 64, bits(3.0)});
    ASSERT_FALSE(off_end);
    EXPECT_EQ(off_end.error().kind, TrapKind::kMemoryOutOfBounds);
    run_model(kPage - 200, 0, 64, 3.0);
    // The odd element of a pair alone crossing the end (c = end - 8: c[j] in bounds, c[j+1]
    // not): the even store happens, then the trap.
    auto odd_end = call("axpy2", {kPage - 8, 16, 2, bits(1.0)});
    ASSERT_FALSE(odd_end);
    run_model(kPage - 8, 16, 2, 1.0);
    check_model();
    // 0xFFFFFFF8 + offset 8 is 2^32, out of bounds, not address 0; same for a loop starting
    // just below 2^32 (its first store is out of bounds: nothing is written).
    auto top = call("get64_8", {0xFFFFFFF8u});
    ASSERT_FALSE(top);
    EXPECT_EQ(top.error().kind, TrapKind::kMemoryOutOfBounds);
    auto wrap = call("axpy2", {0xFFFFFFF0u, 0, 4, bits(1.0)});
    ASSERT_FALSE(wrap);
    EXPECT_EQ(wrap.error().kind, TrapKind::kMemoryOutOfBounds);
    auto last = call("get64_8", {kPage - 16});
    ASSERT_TRUE(last);
    EXPECT_EQ((*last)[0], bits(model[kPage / 8 - 1]));
    check_model();
  }
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

// i8x16.swizzle has two code paths (pshufb when compiling for this machine, a per-lane
// expansion for generic x86-64); both give 0 for indices >= 16, including those >= 128.
TEST(OptRun, SwizzleOutOfRangeLanesAreZeroOnBothPaths) {
  const char* text = R"((module (func (export "f") (param v128 v128) (result v128)
      (i8x16.swizzle (local.get 0) (local.get 1)))))";
  // a = bytes 0x10..0x1f; indices 0, 15, 16, 127, 128, 255, 1, 14, then 3 x 8.
  const uint64_t a_lo = 0x1716151413121110ull, a_hi = 0x1f1e1d1c1b1a1918ull;
  const uint64_t s_lo = 0x0e01ff807f100f00ull, s_hi = 0x0303030303030303ull;
  for (bool host : {true, false}) {
    Options o;
    o.host_cpu = host;
    auto c = Instantiate(text, o);
    ASSERT_TRUE(c);
    auto r = c->store.CallExport(*c->inst, "f", std::vector<uint64_t>{a_lo, a_hi, s_lo, s_hi});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0], 0x1e11000000001f10ull) << "host_cpu " << host;
    EXPECT_EQ((*r)[1], 0x1313131313131313ull) << "host_cpu " << host;
  }
}

TEST(OptRun, SimdNanCanonicalizationPerLane) {
  const char* text = R"((module (func (export "f") (param v128 v128) (result v128)
      (f32x4.div (local.get 0) (local.get 1)))))";
  // Lanes: a negative NaN with payload, 1.0 / 1.0, 0 / 0, -2 / 1.
  const uint64_t a_lo = 0x3f800000ffc00001ull, a_hi = 0xc000000000000000ull;
  const uint64_t b_lo = 0x3f8000003f800000ull, b_hi = 0x3f80000000000000ull;
  Options o;
  o.canonicalize_nans = Config::NanCanonicalization::kArithmetic;
  auto c = Instantiate(text, o);
  ASSERT_TRUE(c);
  auto r = c->store.CallExport(*c->inst, "f", std::vector<uint64_t>{a_lo, a_hi, b_lo, b_hi});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0], 0x3f8000007fc00000ull);
  EXPECT_EQ((*r)[1], 0xc00000007fc00000ull);
}

// v128 values crossing every boundary the scalar types do: block params and results, calls
// (direct, indirect, imported from another compiled instance), globals, select, locals.
TEST(OptRun, V128AcrossCallsGlobalsAndBlocks) {
  const char* text = R"((module
      (type $t (func (param v128 i32) (result v128 i32)))
      (global $g (mut v128) (v128.const i64x2 0x1111 0x2222))
      (table 1 funcref) (elem (i32.const 0) $swap)
      (func $swap (type $t) (i32x4.splat (local.get 1)) (i32.const 7))
      (func (export "f") (param v128) (result v128 v128 i32)
        (local $v v128)
        local.get 0
        block (param v128) (result v128)
          i32.const 5
          call $swap
          drop
          local.set $v
          local.get $v
          global.get $g
          i32.const 3
          i32.const 0
          call_indirect (type $t)
          drop
          i32x4.add
        end
        global.set $g
        (global.get $g)
        (select (local.get $v) (local.get 0) (i32.const 1))
        (i32.const 9))))";
  auto c = Instantiate(text);
  ASSERT_TRUE(c);
  auto r = c->store.CallExport(*c->inst, "f", std::vector<uint64_t>{0xaaaa, 0xbbbb});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 5u);
  // $swap(a, 5) returns splat(5) (and 7, dropped); call_indirect returns splat(3).
  EXPECT_EQ((*r)[0], 0x0000000800000008ull);
  EXPECT_EQ((*r)[1], 0x0000000800000008ull);
  EXPECT_EQ((*r)[2], 0x0000000500000005ull);
  EXPECT_EQ((*r)[3], 0x0000000500000005ull);
  EXPECT_EQ(static_cast<uint32_t>((*r)[4]), 9u);
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

constexpr const char* kSpin = R"((module
  (func (export "spin") (loop $l (br $l)))
  (func (export "id") (param i32) (result i32) (local.get 0))))";

TEST(OptRun, EpochDeadlineInterruptsAtEntryAndLoopHeads) {
  Options o;
  o.epoch_interruption = true;
  auto c = Instantiate(kSpin, o);
  ASSERT_TRUE(c);
  Store& store = c->store.store();
  // A deadline already reached: the entry check traps before anything runs.
  store.SetEpochDeadline(0);
  auto r = c->store.CallExport(*c->inst, "id", std::vector<uint64_t>{1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::kInterrupted);
  // One tick ahead: the loop runs until another thread bumps the epoch (loop-head check).
  store.SetEpochDeadline(1);
  std::thread ticker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const_cast<Engine&>(c->store.engine()).IncrementEpoch();
  });
  r = c->store.CallExport(*c->inst, "spin", {});
  ticker.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::kInterrupted);
  store.SetEpochDeadline(10);
  r = c->store.CallExport(*c->inst, "id", std::vector<uint64_t>{7});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0] & 0xffffffffu, 7u);
}

// Traps from compiled code carry the same backtrace as the interpreter's: function names
// (name section) innermost first, the innermost frame's wasm offset when a check trapped.
TEST(OptRun, TrapBacktraceNamesCompiledFrames) {
  const char* text = R"((module (memory 1)
    (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
    (func $middle (param i32) (result i32) (i32.add (call $inner (local.get 0)) (i32.const 1)))
    (func $outer (export "outer") (param i32) (result i32) (i32.mul (call $middle (local.get 0)) (i32.const 3)))
    (func $oob (export "oob") (param i32) (result i32) (i32.load (local.get 0)))))";
  for (BoundsMode mode : {BoundsMode::kExplicit, BoundsMode::kGuardPages}) {
    Options o;
    o.bounds = mode;
    auto c = Instantiate(text, o);
    ASSERT_TRUE(c);
    auto r = c->store.CallExport(*c->inst, "outer", std::vector<uint64_t>{0});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, TrapKind::kIntegerDivideByZero);
    // Innermost: the function whose check trapped, at the division's offset, even though O2
    // inlines it; then the physical frames ($middle is inlined into $outer: no frame of its own).
    const auto& bt = r.error().backtrace;
    ASSERT_GE(bt.size(), 2u) << r.error().ToString();
    EXPECT_EQ(bt[0].func_name, "inner");
    EXPECT_NE(bt[0].code_offset, 0u) << r.error().ToString();
    EXPECT_EQ(bt.back().func_name, "outer") << r.error().ToString();
    r = c->store.CallExport(*c->inst, "oob", std::vector<uint64_t>{0xfffffff0u});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, TrapKind::kMemoryOutOfBounds);
    ASSERT_GE(r.error().backtrace.size(), 1u) << r.error().ToString();
    EXPECT_EQ(r.error().backtrace[0].func_name, "oob");
  }
}

// Host functions reached from compiled code directly (an import) and through a table
// (call_indirect): arguments and results cross as slot words; a host trap unwinds the
// compiled frames and keeps its message.
TEST(OptRun, HostFunctionsThroughImportsAndTables) {
  OptStore s;
  Func* add = Func::CreateHost(s.store(), FuncType{{ValType::kI32, ValType::kI64}, {ValType::kI64}},
                               [](Caller&, std::span<const Val> a, std::span<Val> r) -> TrapResult<void> {
                                 if (a[0].bits == 13) return std::unexpected(MakeHostTrap("thirteen"));
                                 r[0] = Val::I64(static_cast<int64_t>(a[0].bits) + static_cast<int64_t>(a[1].bits));
                                 return {};
                               });
  s.linker().Define("host", "add", add);
  ModuleDesc d = Wat(R"((module
    (type $t (func (param i32 i64) (result i64)))
    (import "host" "add" (func $add (type $t)))
    (table 2 funcref) (elem (i32.const 0) $add $wasm_add)
    (func $wasm_add (type $t) (i64.sub (i64.extend_i32_u (local.get 0)) (local.get 1)))
    (func (export "direct") (param i32) (result i64) (call $add (local.get 0) (i64.const 100)))
    (func (export "indirect") (param i32 i32) (result i64)
      (call_indirect (type $t) (local.get 0) (i64.const 100) (local.get 1)))))");
  auto m = Module::FromDesc(s.engine(), d);
  ASSERT_TRUE(m) << m.error().ToString();
  auto inst = s.Instantiate(*m);
  ASSERT_TRUE(inst) << inst.error();
  auto r = s.CallExport(**inst, "direct", std::vector<uint64_t>{5});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0], 105u);
  r = s.CallExport(**inst, "indirect", std::vector<uint64_t>{5, 0});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0], 105u);
  r = s.CallExport(**inst, "indirect", std::vector<uint64_t>{5, 1});
  ASSERT_TRUE(r);
  EXPECT_EQ(static_cast<int64_t>((*r)[0]), -95);
  r = s.CallExport(**inst, "indirect", std::vector<uint64_t>{13, 0});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "thirteen");
  r = s.CallExport(**inst, "indirect", std::vector<uint64_t>{5, 2});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::kUndefinedElement);
}

// The fault handler turns faults in compiled code into traps and nothing else: a fault in the
// host's own code (after an opt store installed the handler) still kills the process.
TEST(OptRunDeathTest, HostCrashesAreNotTurnedIntoTraps) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        OptStore s(Options{BoundsMode::kGuardPages});
        auto c = Instantiate(kSpin);
        volatile int* p = nullptr;
        *p = 1;
      },
      "");
}

TEST(OptRun, ExplicitModeReservesOnlyWhatTheMemoryCanReach) {
  OptStore explicit_store(Options{BoundsMode::kExplicit});
  OptStore guard_store(Options{BoundsMode::kGuardPages});
  MemoryType t;
  t.limits.min = 1;
  t.limits.max = 2;
  auto* small = static_cast<MemoryObj*>(Memory::Create(explicit_store.store(), t));
  auto* big = static_cast<MemoryObj*>(Memory::Create(guard_store.store(), t));
  ASSERT_TRUE(small && big);
  EXPECT_LT(small->reserved_, uint64_t{1} << 20);
  EXPECT_EQ(big->reserved_, kGuardRegionReservation);
}

}  // namespace
}  // namespace nw::opt::test

// Multi-memory (WebAssembly 3.0) on the opt tier, against the interpreter: every memory
// instruction with a memory index other than 0 (scalar and SIMD loads and stores, lane
// accesses, memory.size/grow/fill/copy/init, memory.copy between two memories), in both bounds
// modes, at in-bounds and out-of-bounds addresses: results, traps and both memories must agree
// after each call. Also: a trap in memory 1 has the interpreter's backtrace (compiled and from
// an AOT artifact), growing memory 1 while memory 0's base and bound are cached (and the
// reverse) is seen by the next access, and loop versioning handles a loop over memory 1 and
// leaves a loop over two memories alone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "format/decode.h"
#include "format/encode.h"
#include "opt/loop_version.h"
#include "opt_harness.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

constexpr uint32_t kPage = 65536;

Features MultiMemory() {
  Features f;
  f.multi_memory = true;
  return f;
}

// Every function is (param $p i32) (result i32); $p is the address under test. Memory 1 has
// room to grow (maximum 4 pages) so that the grow tests run the same in both bounds modes.
constexpr std::string_view kModule = R"(
(module
  (memory $m0 (export "mem0") 1)
  (memory $m1 (export "mem1") 1 4)
  (data $d "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (func (export "load1") (param $p i32) (result i32)
    (i32.add (i32.load $m1 offset=4 (local.get $p))
      (i32.add (i32.load8_s $m1 (local.get $p)) (i32.load16_u $m1 offset=2 (local.get $p)))))
  (func (export "load64_1") (param $p i32) (result i32)
    (i32.wrap_i64 (i64.add (i64.load $m1 (local.get $p))
      (i64.add (i64.load32_s $m1 offset=1 (local.get $p)) (i64.load8_u $m1 offset=7 (local.get $p))))))
  (func (export "float1") (param $p i32) (result i32)
    (f64.store $m1 offset=8 (local.get $p) (f64.promote_f32 (f32.load $m1 (local.get $p))))
    (i32.trunc_sat_f64_s (f64.load $m1 offset=8 (local.get $p))))
  (func (export "store1") (param $p i32) (result i32)
    (i64.store $m1 offset=8 (local.get $p) (i64.const 0x0102030405060708))
    (i32.store16 $m1 (local.get $p) (i32.const 0xbeef))
    (i64.store32 $m1 offset=4 (local.get $p) (i64.const -2))
    (i32.store8 $m0 (local.get $p) (i32.const 0x5a))
    (i32.const 1))
  ;; Memory 0 and memory 1 at the same address: the two are different memories.
  (func (export "same_address") (param $p i32) (result i32)
    (i32.store $m0 (local.get $p) (i32.const 111))
    (i32.store $m1 (local.get $p) (i32.const 222))
    (i32.sub (i32.load $m1 (local.get $p)) (i32.load $m0 (local.get $p))))
  (func (export "simd1") (param $p i32) (result i32)
    (v128.store $m1 offset=16 (local.get $p)
      (i32x4.add (v128.load $m1 (local.get $p)) (v128.load $m0 (local.get $p))))
    (i32x4.extract_lane 3 (v128.load $m1 offset=16 (local.get $p))))
  (func (export "simd_lanes1") (param $p i32) (result i32)
    (v128.store32_lane $m1 offset=32 2 (local.get $p)
      (v128.load16_lane $m1 offset=2 1 (local.get $p) (v128.const i32x4 1 2 3 4)))
    (v128.store8_lane $m1 offset=40 0 (local.get $p) (v128.load32_zero $m1 offset=4 (local.get $p)))
    (i32.add (i32x4.extract_lane 1 (v128.load8x8_s $m1 (local.get $p)))
      (i32x4.extract_lane 2 (v128.load32_splat $m1 offset=8 (local.get $p)))))
  (func (export "copy_0_to_1") (param $p i32) (result i32)
    (memory.copy $m1 $m0 (local.get $p) (i32.const 64) (i32.const 256)) (i32.const 2))
  (func (export "copy_1_to_0") (param $p i32) (result i32)
    (memory.copy $m0 $m1 (i32.const 128) (local.get $p) (i32.const 100)) (i32.const 3))
  (func (export "copy_1_to_1") (param $p i32) (result i32)
    (memory.copy $m1 $m1 (i32.add (local.get $p) (i32.const 3)) (local.get $p) (i32.const 200))
    (i32.const 4))
  (func (export "fill1") (param $p i32) (result i32)
    (memory.fill $m1 (local.get $p) (i32.const 0xab) (i32.const 300)) (i32.const 5))
  (func (export "init1") (param $p i32) (result i32)
    (memory.init $m1 $d (local.get $p) (i32.const 2) (i32.const 10)) (i32.const 6))
  (func (export "sizes") (param $p i32) (result i32)
    (i32.add (i32.mul (memory.size $m0) (i32.const 100)) (memory.size $m1)))
  ;; A loop over memory 1 alone (loop versioning may give it a fast copy).
  (func (export "loop1") (param $p i32) (result i32) (local $i i32)
    (loop $l
      (i32.store $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
        (i32.add (local.get $i) (i32.mul (i32.const 3)
          (i32.load $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 200))))
    (i32.const 7))
  ;; A loop from memory 0 to memory 1 (two memories: no fast copy); the stores made before a
  ;; trap must be there after it.
  (func (export "loop_0_to_1") (param $p i32) (result i32) (local $i i32)
    (loop $l
      (i32.store $m1 (i32.shl (local.get $i) (i32.const 2))
        (i32.add (i32.const 1)
          (i32.load $m0 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 256))))
    (i32.const 8))
  (func (export "loop_1_to_0") (param $p i32) (result i32) (local $i i32)
    (loop $l
      (i64.store $m0 (i32.shl (local.get $i) (i32.const 3))
        (i64.load $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 128))))
    (i32.const 9))
)
)";

constexpr const char* kFunctions[] = {
    "load1",      "load64_1",    "float1",      "store1",      "same_address", "simd1",
    "simd_lanes1", "copy_0_to_1", "copy_1_to_0", "copy_1_to_1", "fill1",        "init1",
    "sizes",      "loop1",       "loop_0_to_1", "loop_1_to_0"};

// In bounds, straddling the end of one page, just past it, far past it, and near 2^32.
constexpr uint32_t kAddresses[] = {0,         100,       4096,       kPage - 1024, kPage - 508,
                                   kPage - 100, kPage - 6, kPage - 2, kPage,        kPage + 12,
                                   0x7FFFFFF0u, 0xFFFFFFFCu};

struct Outcome {
  bool trapped = false;
  TrapKind kind{};
  std::vector<uint32_t> results;
  std::vector<uint8_t> mem0, mem1;
};

class Runner {
 public:
  Runner(Config::ExecutionTier tier, const Options& o, std::string_view wat = kModule)
      : store_(tier, o, MultiMemory()) {
    auto desc = ParseWat(wat);
    EXPECT_TRUE(desc) << desc.error().ToString();
    if (!desc) return;
    auto m = Module::FromDesc(store_.engine(), *desc);
    EXPECT_TRUE(m) << m.error().ToString();
    if (!m) return;
    auto inst = store_.Instantiate(*m);
    EXPECT_TRUE(inst) << inst.error();
    if (inst) inst_ = *inst;
  }
  bool ok() const { return inst_ != nullptr; }

  // `fill`: both memories are first set to fixed (different) patterns.
  Outcome Run(const char* name, uint32_t p, bool fill = true) {
    std::span<uint8_t> m0 = inst_->inst->GetMemory("mem0")->data();
    std::span<uint8_t> m1 = inst_->inst->GetMemory("mem1")->data();
    if (fill) {
      for (size_t i = 0; i < m0.size(); ++i) m0[i] = static_cast<uint8_t>(i * 7 + 3);
      for (size_t i = 0; i < m1.size(); ++i) m1[i] = static_cast<uint8_t>(i * 13 + 5);
    }
    Outcome out;
    auto r = store_.CallExport(*inst_, name, std::vector<uint64_t>{p});
    if (r) {
      // i32 results: the upper half of a slot word is not part of the value (the interpreter
      // may leave other bits there).
      for (uint64_t w : *r) out.results.push_back(static_cast<uint32_t>(w));
    } else {
      out.trapped = true;
      out.kind = r.error().kind;
    }
    std::span<uint8_t> a = inst_->inst->GetMemory("mem0")->data();
    std::span<uint8_t> b = inst_->inst->GetMemory("mem1")->data();
    out.mem0.assign(a.begin(), a.end());
    out.mem1.assign(b.begin(), b.end());
    return out;
  }

 private:
  OptStore store_;
  OptInstance* inst_ = nullptr;
};

void ExpectSameMemory(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want,
                      const char* which) {
  ASSERT_EQ(got.size(), want.size()) << which;
  size_t i = 0;
  while (i < want.size() && got[i] == want[i]) ++i;
  EXPECT_EQ(i, want.size()) << which << " differs from the interpreter's at address " << i
                            << ": " << int{got[i]} << " instead of " << int{want[i]};
}

void ExpectSame(const Outcome& got, const Outcome& want) {
  EXPECT_EQ(got.trapped, want.trapped) << (want.trapped ? "the opt tier did not trap"
                                                        : "the opt tier trapped");
  if (want.trapped) EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.results, want.results);
  ExpectSameMemory(got.mem0, want.mem0, "memory 0");
  ExpectSameMemory(got.mem1, want.mem1, "memory 1");
}

void ExpectSameAsInterpreter(BoundsMode bounds) {
  Options o;
  o.bounds = bounds;
  Runner interp(Config::ExecutionTier::kInterp, o);
  Runner opt(Config::ExecutionTier::kOpt, o);
  ASSERT_TRUE(interp.ok() && opt.ok());
  size_t traps = 0;
  for (const char* name : kFunctions) {
    for (uint32_t p : kAddresses) {
      SCOPED_TRACE(std::string(name) + "(" + std::to_string(p) + ")");
      Outcome want = interp.Run(name, p);
      ExpectSame(opt.Run(name, p), want);
      traps += want.trapped;
    }
  }
  // The addresses reach both outcomes: out-of-bounds traps in memory 1 are part of the test.
  EXPECT_GT(traps, 0u);
  EXPECT_LT(traps, std::size(kFunctions) * std::size(kAddresses));
}

TEST(OptMultiMemory, EveryInstructionMatchesTheInterpreterWithGuardRegions) {
  ExpectSameAsInterpreter(BoundsMode::kGuardPages);
}

TEST(OptMultiMemory, EveryInstructionMatchesTheInterpreterWithExplicitBounds) {
  ExpectSameAsInterpreter(BoundsMode::kExplicit);
}

// memory.copy between the memories, checked against values worked out by hand (not only
// against the interpreter): memory 1's bytes [10, 14) copied to memory 0 at 20 and back to
// memory 1 at 1000, an out-of-bounds source in memory 1 traps and writes nothing.
TEST(OptMultiMemory, CopyBetweenMemories) {
  for (BoundsMode bounds : {BoundsMode::kGuardPages, BoundsMode::kExplicit}) {
    SCOPED_TRACE(bounds == BoundsMode::kGuardPages ? "guard pages" : "explicit");
    Options o;
    o.bounds = bounds;
    OptStore store(Config::ExecutionTier::kOpt, o, MultiMemory());
    auto desc = ParseWat(R"((module
      (memory $a (export "a") 1)
      (memory $b (export "b") 1)
      (data (memory $b) (i32.const 10) "\aa\bb\cc\dd")
      (func (export "b_to_a") (param $d i32) (param $s i32) (param $n i32)
        (memory.copy $a $b (local.get $d) (local.get $s) (local.get $n)))
      (func (export "a_to_b") (param $d i32) (param $s i32) (param $n i32)
        (memory.copy $b $a (local.get $d) (local.get $s) (local.get $n)))))");
    ASSERT_TRUE(desc) << desc.error().ToString();
    auto m = Module::FromDesc(store.engine(), *desc);
    ASSERT_TRUE(m) << m.error().ToString();
    auto inst = store.Instantiate(*m);
    ASSERT_TRUE(inst) << inst.error();
    std::span<uint8_t> a = (*inst)->inst->GetMemory("a")->data();
    std::span<uint8_t> b = (*inst)->inst->GetMemory("b")->data();
    ASSERT_TRUE(store.CallExport(**inst, "b_to_a", std::vector<uint64_t>{20, 10, 4}));
    EXPECT_EQ(std::vector<uint8_t>(a.begin() + 19, a.begin() + 25),
              (std::vector<uint8_t>{0, 0xaa, 0xbb, 0xcc, 0xdd, 0}));
    EXPECT_EQ(b[20], 0);  // the copy went to memory 0, not into memory 1
    ASSERT_TRUE(store.CallExport(**inst, "a_to_b", std::vector<uint64_t>{1000, 20, 4}));
    EXPECT_EQ(std::vector<uint8_t>(b.begin() + 1000, b.begin() + 1004),
              (std::vector<uint8_t>{0xaa, 0xbb, 0xcc, 0xdd}));
    EXPECT_EQ(a[1000], 0);
    // Source range past memory 1's end: a trap, nothing written to memory 0.
    auto r = store.CallExport(**inst, "b_to_a", std::vector<uint64_t>{0, kPage - 2, 4});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, TrapKind::kMemoryOutOfBounds);
    EXPECT_EQ(a[0], 0);
    // Destination range past memory 1's end.
    r = store.CallExport(**inst, "a_to_b", std::vector<uint64_t>{kPage - 1, 20, 2});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, TrapKind::kMemoryOutOfBounds);
    EXPECT_EQ(b[kPage - 1], 0);
  }
}

// Growing one memory while the other's base and bound are loaded (and kept in registers by
// LLVM): the next access to the grown memory sees its new bound, the other memory is
// unchanged. Each call grows by one page (memory 1 up to its maximum of 4 pages, then
// memory.grow fails and the access past the end traps), the same on both tiers.
constexpr std::string_view kGrowModule = R"(
(module
  (memory $m0 (export "mem0") 1 4)
  (memory $m1 (export "mem1") 1 4)
  ;; Memory 0 and memory 1's size are read first; memory 1 grows; then $p (just past memory 1's
  ;; old end) is stored and loaded in memory 1, and memory 0 read again.
  (func (export "grow1") (param $p i32) (result i32) (local $s i32)
    (local.set $s (i32.add (i32.load $m0 (i32.and (local.get $p) (i32.const 0xfff)))
                           (memory.size $m1)))
    (local.set $s (i32.add (local.get $s) (memory.grow $m1 (i32.const 1))))
    (i32.store $m1 (local.get $p) (local.get $s))
    (i32.add (i32.load $m0 (i32.and (local.get $p) (i32.const 0xfff)))
      (i32.add (memory.size $m1) (i32.load $m1 (local.get $p)))))
  ;; The reverse: memory 1 is read, memory 0 grows, then $p is accessed in memory 0.
  (func (export "grow0") (param $p i32) (result i32) (local $s i32)
    (local.set $s (i32.load $m1 (i32.and (local.get $p) (i32.const 0xfff))))
    (local.set $s (i32.add (local.get $s) (memory.grow $m0 (i32.const 1))))
    (i32.store $m0 (local.get $p) (local.get $s))
    (i32.add (i32.load $m1 (i32.and (local.get $p) (i32.const 0xfff))) (i32.load $m0 (local.get $p))))
  ;; A loop over memory 0 (its base and bound hoisted), growing memory 1 once in the middle,
  ;; then storing into memory 1's new page.
  (func (export "loop_grow1") (param $p i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.load $m0 (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.eq (local.get $i) (i32.const 50))
        (then (drop (memory.grow $m1 (i32.const 1)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))
    (i32.store $m1 (local.get $p) (local.get $s))
    (i32.load $m1 (local.get $p)))
)
)";

TEST(OptMultiMemory, GrowingOneMemoryWhileTheOtherIsCached) {
  for (BoundsMode bounds : {BoundsMode::kGuardPages, BoundsMode::kExplicit}) {
    SCOPED_TRACE(bounds == BoundsMode::kGuardPages ? "guard pages" : "explicit");
    for (const char* name : {"grow1", "grow0", "loop_grow1"}) {
      Options o;
      o.bounds = bounds;
      Runner interp(Config::ExecutionTier::kInterp, o, kGrowModule);
      Runner opt(Config::ExecutionTier::kOpt, o, kGrowModule);
      ASSERT_TRUE(interp.ok() && opt.ok());
      size_t traps = 0;
      // Round r: the memory has 1 + r pages; $p lies in the page the call adds (round 3: the
      // maximum is reached, the grow fails and the access traps).
      for (uint32_t round = 0; round < 4; ++round) {
        const uint32_t p = (round + 1) * kPage + 100;
        SCOPED_TRACE(std::string(name) + " round " + std::to_string(round));
        Outcome want = interp.Run(name, p, false);
        ExpectSame(opt.Run(name, p, false), want);
        traps += want.trapped;
      }
      EXPECT_EQ(traps, 1u);
    }
  }
}

// A trap in memory 1, inside a callee and from a builtin (memory.fill): the same trap and the
// same frames as the interpreter, compiled and through an AOT artifact, in both bounds modes.
constexpr std::string_view kTrapModule = R"((module
  (memory $m0 1)
  (memory $m1 1)
  (func $load1 (param i32) (result i32) (i32.load $m1 offset=4 (local.get 0)))
  (func $mid (param i32) (result i32) (i32.xor (call $load1 (local.get 0)) (i32.const 5)))
  (func $fill1 (param i32) (memory.fill $m1 (local.get 0) (i32.const 1) (i32.const 16)))
  (func $store1 (param i32) (v128.store $m1 (local.get 0) (v128.const i64x2 1 2)))
  (func (export "load") (param i32) (result i32)
    (i32.add (i32.load $m0 (i32.const 0)) (call $mid (local.get 0))))
  (func (export "fill") (param i32) (result i32) (call $fill1 (local.get 0)) (i32.const 0))
  (func (export "store") (param i32) (result i32) (call $store1 (local.get 0)) (i32.const 1))))";

struct TrapOutcome {
  TrapKind kind{};
  std::vector<Frame> frames;
};

TrapOutcome RunTrap(Config::ExecutionTier tier, BoundsMode bounds, const std::vector<uint8_t>& binary,
                    const char* name, uint32_t arg, bool via_artifact) {
  TrapOutcome out;
  Options o;
  o.bounds = bounds;
  OptStore store(tier, o, MultiMemory());
  auto desc = DecodeModule(binary, MultiMemory());
  EXPECT_TRUE(desc) << desc.error().ToString();
  if (!desc) return out;
  auto m = Module::FromDesc(store.engine(), std::move(*desc));
  EXPECT_TRUE(m) << m.error().ToString();
  if (!m) return out;
  if (via_artifact) {
    auto art = (*m)->Serialize();
    EXPECT_TRUE(art) << art.error().ToString();
    if (!art) return out;
    m = Module::Deserialize(store.engine(), *art);
    EXPECT_TRUE(m) << m.error().ToString();
    if (!m) return out;
  }
  auto inst = store.Instantiate(*m);
  EXPECT_TRUE(inst) << inst.error();
  if (!inst) return out;
  auto r = store.CallExport(**inst, name, std::vector<uint64_t>{arg});
  EXPECT_FALSE(r) << name << " did not trap";
  if (r) return out;
  out.kind = r.error().kind;
  out.frames = r.error().backtrace;
  return out;
}

TEST(OptMultiMemory, TrapsInMemoryOneHaveTheInterpretersBacktrace) {
  auto desc = ParseWat(kTrapModule);
  ASSERT_TRUE(desc) << desc.error().ToString();
  const std::vector<uint8_t> binary = EncodeModule(*desc);
  for (BoundsMode bounds : {BoundsMode::kGuardPages, BoundsMode::kExplicit}) {
    for (bool via_artifact : {false, true}) {
      for (const char* name : {"load", "fill", "store"}) {
        SCOPED_TRACE(std::string(name) + (bounds == BoundsMode::kGuardPages ? " guard" : " explicit") +
                     (via_artifact ? " artifact" : " jit"));
        // Address 65534: in bounds of nothing that is accessed (memory 1 has one page).
        TrapOutcome want =
            RunTrap(Config::ExecutionTier::kInterp, bounds, binary, name, kPage - 2, false);
        TrapOutcome got = RunTrap(Config::ExecutionTier::kOpt, bounds, binary, name, kPage - 2,
                                  via_artifact);
        EXPECT_EQ(want.kind, TrapKind::kMemoryOutOfBounds);
        EXPECT_EQ(got.kind, TrapKind::kMemoryOutOfBounds);
        ASSERT_GE(want.frames.size(), 2u);
        ASSERT_EQ(got.frames.size(), want.frames.size());
        for (size_t i = 0; i < want.frames.size(); ++i) {
          SCOPED_TRACE("frame " + std::to_string(i));
          EXPECT_EQ(got.frames[i].func_index, want.frames[i].func_index);
          EXPECT_EQ(got.frames[i].code_offset, want.frames[i].code_offset);
          EXPECT_EQ(got.frames[i].func_offset, want.frames[i].func_offset);
          EXPECT_NE(got.frames[i].code_offset, 0u);
        }
      }
    }
  }
}

// Loop versioning: a loop over memory 1 alone is analysed like one over memory 0 (and
// versioned: its accesses are affine and it calls nothing); a loop over two memories is not
// versioned. Exactness of both is EveryInstructionMatchesTheInterpreter*'s; this checks which
// path the pass took (the compile happens in this process: the counts are its).
TEST(OptMultiMemory, LoopVersioningTakesOneMemoryAtATime) {
  auto compile = [](std::string_view wat) {
    Options o;
    o.bounds = BoundsMode::kGuardPages;
    OptStore store(Config::ExecutionTier::kOpt, o, MultiMemory());
    auto desc = ParseWat(wat);
    EXPECT_TRUE(desc) << desc.error().ToString();
    if (!desc) return LoopVersionCounts{};
    const LoopVersionCounts before = LoopVersionCountsSoFar();
    auto m = Module::FromDesc(store.engine(), *desc);
    EXPECT_TRUE(m) << m.error().ToString();
    const LoopVersionCounts after = LoopVersionCountsSoFar();
    return LoopVersionCounts{after.versioned - before.versioned, after.rejected - before.rejected};
  };
  if (!LoopVersioningEnabled()) GTEST_SKIP() << "NANOWASM_OPT_LOOP_VERSION=0";
  const LoopVersionCounts one = compile(R"((module
    (memory $m0 1) (memory $m1 1)
    (func (export "f") (param $p i32) (param $n i32) (local $i i32)
      (loop $l
        (i32.store $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add (i32.const 1)
            (i32.load $m1 offset=4096 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))))");
  EXPECT_EQ(one.versioned, 1u);
  EXPECT_EQ(one.rejected, 0u);
  const LoopVersionCounts two = compile(R"((module
    (memory $m0 1) (memory $m1 1)
    (func (export "f") (param $p i32) (param $n i32) (local $i i32)
      (loop $l
        (i32.store $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add (i32.const 1)
            (i32.load $m0 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))))");
  EXPECT_EQ(two.versioned, 0u);
  EXPECT_EQ(two.rejected, 1u);
}

}  // namespace
}  // namespace nw::opt::test

namespace nw::opt::test {
namespace {

// Code compiled for guard regions leaves out the checks the reservation makes unneeded, in
// every memory: a memory without the reservation (from an engine with explicit checks) is
// refused at instantiation, as memory 1 (an import) and as the store's own memories (a store
// of such an engine). The reverse, code with explicit checks over a reserved memory, runs and
// traps at the memory's end.
TEST(OptMultiMemory, GuardRegionCodeRefusesMemoriesWithoutTheReservation) {
  constexpr std::string_view kImporter = R"((module
    (import "env" "mem0" (memory $m0 1))
    (import "env" "mem" (memory $m1 1))
    (func (export "load1") (param i32) (result i32) (i32.load $m1 (local.get 0)))))";
  auto desc = ParseWat(kImporter);
  ASSERT_TRUE(desc) << desc.error().ToString();
  Options guard;
  guard.bounds = BoundsMode::kGuardPages;
  Options explicit_checks;
  explicit_checks.bounds = BoundsMode::kExplicit;
  MemoryType one;
  one.limits.min = 1;
  {
    OptStore plain(Config::ExecutionTier::kOpt, explicit_checks, MultiMemory());
    OptStore reserved(Config::ExecutionTier::kOpt, guard, MultiMemory());
    reserved.linker().Define("env", "mem0", Memory::Create(reserved.store(), one));
    reserved.linker().Define("env", "mem", Memory::Create(plain.store(), one));
    auto m = Module::FromDesc(reserved.engine(), *desc);
    ASSERT_TRUE(m) << m.error().ToString();
    auto inst = reserved.Instantiate(*m);
    ASSERT_FALSE(inst);
    EXPECT_NE(inst.error().find("memory import \"env\" \"mem\" has no guard region"),
              std::string::npos)
        << inst.error();
  }
  {
    OptStore plain(Config::ExecutionTier::kOpt, explicit_checks, MultiMemory());
    OptStore reserved(Config::ExecutionTier::kOpt, guard, MultiMemory());
    plain.linker().Define("env", "mem0", Memory::Create(reserved.store(), one));
    plain.linker().Define("env", "mem", Memory::Create(reserved.store(), one));
    auto m = Module::FromDesc(plain.engine(), *desc);
    ASSERT_TRUE(m) << m.error().ToString();
    auto inst = plain.Instantiate(*m);
    ASSERT_TRUE(inst) << inst.error();
    auto ok = plain.CallExport(**inst, "load1", std::vector<uint64_t>{kPage - 4});
    ASSERT_TRUE(ok);
    auto r = plain.CallExport(**inst, "load1", std::vector<uint64_t>{kPage - 3});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, TrapKind::kMemoryOutOfBounds);
  }
  {
    // One tier, two engines: the module compiled by the guard-region engine, instantiated in a
    // store of the explicit one (whose memories have no reservation).
    Config gc;
    gc.tier = Config::ExecutionTier::kOpt;
    gc.features = MultiMemory();
    gc.bounds_checks = Config::BoundsChecks::kGuardRegion;
    Config ec = gc;
    ec.bounds_checks = Config::BoundsChecks::kExplicit;
    Engine guard_engine(gc, OptTier());
    Engine explicit_engine(ec, OptTier());
    auto m = Module::FromDesc(guard_engine, *ParseWat("(module (memory 1) (memory 1))"));
    ASSERT_TRUE(m) << m.error().ToString();
    Store store(explicit_engine);
    Linker linker;
    auto inst = linker.Instantiate(store, *m);
    ASSERT_FALSE(inst);
    EXPECT_NE(inst.error().message.find("compiled for guard-region memories"), std::string::npos)
        << inst.error().message;
  }
}

}  // namespace
}  // namespace nw::opt::test

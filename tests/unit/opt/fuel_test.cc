// Fuel on the opt tier against the interpreter: for each program and each amount of fuel from
// 0 to what a call needs, both tiers run the same call on a fresh instance and must agree on
// everything fuel makes observable: the result or the trap (kind and the innermost frame's
// function and offset), the fuel left, and the memory (so a charge happens before the same
// side effects). Also: no fuel code when fuel is off, and --canonical-nans on both tiers.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "nanowasm/runtime.h"
#include "opt/compiler.h"
#include "text/wat.h"

namespace nw::opt {
namespace {

struct Outcome {
  bool ok = false;
  std::vector<uint64_t> results;  // value bits
  TrapKind kind = TrapKind::kUnreachable;
  uint32_t func = 0;
  size_t offset = 0;
  uint64_t fuel_left = 0;
  std::vector<uint8_t> memory;

  std::string Describe() const {
    std::string s = ok ? "ok" : "trap " + std::to_string(static_cast<int>(kind)) + " in func " +
                                    std::to_string(func) + " @" + std::to_string(offset);
    for (uint64_t r : results) s += " " + std::to_string(r);
    return s + ", fuel left " + std::to_string(fuel_left);
  }
  bool operator==(const Outcome&) const = default;
};

class Tiers {
 public:
  explicit Tiers(std::string_view wat, bool fuel = true,
                 Config::NanCanonicalization nans = Config::NanCanonicalization::kNone) {
    for (auto tier : {Config::ExecutionTier::kInterp, Config::ExecutionTier::kOpt}) {
      Config config;
      config.tier = tier;
      config.consume_fuel = fuel;
      config.canonicalize_nans = nans;
      auto engine = std::make_unique<Engine>(config);
      auto desc = ParseWat(wat);
      EXPECT_TRUE(desc) << desc.error().ToString();
      auto m = Module::FromDesc(*engine, std::move(*desc));
      EXPECT_TRUE(m) << m.error().ToString();
      modules_.push_back(*m);
      engines_.push_back(std::move(engine));
    }
  }

  // Runs `name` with `fuel` on a fresh instance of tier t (0 interp, 1 opt).
  Outcome Run(int t, std::string_view name, uint64_t fuel, const std::vector<Val>& args = {}) {
    Store store(*engines_[t]);
    store.SetFuel(fuel);
    Linker linker;
    auto inst = linker.Instantiate(store, modules_[t]);
    EXPECT_TRUE(inst);
    Outcome o;
    if (!inst) return o;
    auto r = (*inst)->GetFunc(name)->Call(store, args);
    o.ok = r.has_value();
    if (r) {
      for (const Val& v : *r) o.results.push_back(v.bits);
    } else {
      o.kind = r.error().kind;
      if (!r.error().backtrace.empty()) {
        o.func = r.error().backtrace[0].func_index;
        o.offset = r.error().backtrace[0].code_offset;
      }
    }
    if (auto f = store.GetFuel()) o.fuel_left = *f;
    if (Memory* mem = (*inst)->GetMemory("mem")) {
      auto d = mem->data();
      o.memory.assign(d.begin(), d.end());
    }
    return o;
  }

  // Every amount of fuel from 0 to what the call needs (and one more): both tiers agree.
  // Returns what the call needs.
  // `offsets`: compare the trap's offset too.
  uint64_t SweepAgree(std::string_view name, const std::vector<Val>& args = {},
                      uint64_t max_steps = 300, bool offsets = true) {
    constexpr uint64_t kPlenty = 1'000'000'000;
    Outcome full0 = Run(0, name, kPlenty, args), full1 = Run(1, name, kPlenty, args);
    EXPECT_EQ(full0, full1) << name << ": interp " << full0.Describe() << " / opt "
                            << full1.Describe();
    const uint64_t needed = kPlenty - full0.fuel_left;
    const uint64_t step = needed / max_steps + 1;
    for (uint64_t f = 0; f <= needed + 1; f += step) {
      Outcome a = Run(0, name, f, args), b = Run(1, name, f, args);
      if (!offsets) a.offset = b.offset = 0;
      EXPECT_EQ(a, b) << name << " with fuel " << f << ": interp " << a.Describe() << " / opt "
                      << b.Describe();
      if (a != b) break;
    }
    return needed;
  }

 private:
  std::vector<std::unique_ptr<Engine>> engines_;
  std::vector<std::shared_ptr<const Module>> modules_;
};

// The sweeps step through at most ~300 amounts of fuel per call (every amount when the call
// needs fewer), each on fresh instances of both tiers.
// Loops, nested blocks, if with and without else, br_if/br_table out of the middle of regions,
// dead code after br (and a block opened in it), constants (the entry's extra charge counts the
// interpreter's constant slots), memory stores between charges, and calls.
constexpr const char* kControl = R"((module
  (memory (export "mem") 1)
  (func $sum (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $acc))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $acc (i32.add (local.get $acc) (local.get $i))))
          (else (local.set $acc (i32.sub (local.get $acc) (i32.const 3)))))
        (if (i32.eq (local.get $i) (i32.const 7))
          (then (local.set $acc (i32.mul (local.get $acc) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)
        (i32.const 99) (drop) (block (nop))))
    (local.get $acc))
  (func $tab (export "tab") (result i32) (local $i i32) (local $r i32)
    (loop $l
      (block $a (block $b (block $c
        (br_table $a $b $c (i32.rem_u (local.get $i) (i32.const 3))))
        (local.set $r (i32.add (local.get $r) (i32.const 1))))
        (local.set $r (i32.add (local.get $r) (i32.const 10))))
      (i32.store8 (local.get $i) (local.get $r))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 20))))
    (call $sum (local.get $r)))
  (func (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call 2 (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "after_dead") (result i32)
    (block $b (result i32)
      (i32.const 5) (br $b) (i32.const 6) (loop (br 0)))
    (f64.const 1.5) (drop) (v128.const i64x2 1 2) (drop)))
)";

TEST(OptFuel, ControlFlowChargesAgreeWithTheInterpreter) {
  Tiers t(kControl);
  EXPECT_GT(t.SweepAgree("sum", {Val::I32(12)}), 100u);
  EXPECT_GT(t.SweepAgree("tab"), 100u);
  EXPECT_GT(t.SweepAgree("rec", {Val::I32(15)}), 40u);
  t.SweepAgree("after_dead");
}

// The entry's extra charge: 1 unit per 8 slots the interpreter initialises (declared locals,
// v128 as two; 64 distinct constants at most).
TEST(OptFuel, EntryChargeCountsLocalsAndConstants) {
  std::string consts;
  for (int i = 0; i < 80; ++i) consts += "(drop (i64.const " + std::to_string(i * 7) + "))";
  std::string wat = R"((module
    (func $many (export "many") (param i32) (local v128 v128 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64
                                     f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64) )" +
                    consts + R"()
    (func (export "caller") (call $many (i32.const 1)) (call $many (i32.const 2))))
  )";
  Tiers t(wat);
  EXPECT_GT(t.SweepAgree("many", {Val::I32(0)}), 80u);
  t.SweepAgree("caller");
}

// Bulk operations charge by size in the runtime's builtins, the same rate on both tiers; a host
// function's ConsumeFuel too.
TEST(OptFuel, BulkMemoryChargesAgree) {
  Tiers t(R"((module (memory (export "mem") 2)
    (func (export "fill") (memory.fill (i32.const 16) (i32.const 7) (i32.const 100000))
                          (memory.copy (i32.const 0) (i32.const 50000) (i32.const 60000))
                          (i32.store (i32.const 8) (i32.const 1)))))");
  // (Out of fuel inside a builtin: the compiled frame's offset is its call's, from the maps.)
  EXPECT_GT(t.SweepAgree("fill", {}, 200), 2000u);
}

TEST(OptFuel, OutOfFuelTrapsWithTheInterpretersOffset) {
  Tiers t(kControl);
  // Spot checks (the sweep compares every amount): no fuel traps at the entry, offset 0.
  Outcome a = t.Run(1, "sum", 0, {Val::I32(3)});
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.kind, TrapKind::kOutOfFuel);
  EXPECT_EQ(a.fuel_left, 0u);
  // Fuel left after a completed call is exactly the interpreter's.
  EXPECT_EQ(t.Run(0, "sum", 100000, {Val::I32(3)}), t.Run(1, "sum", 100000, {Val::I32(3)}));
}

// Fuel code exists only when fuel is on (func_gen.cc emits none otherwise): the object with
// fuel is larger, the one without is deterministic.
TEST(OptFuel, NoFuelCodeWhenOff) {
  auto desc = ParseWat(kControl);
  ASSERT_TRUE(desc);
  Options off, on;
  on.consume_fuel = true;
  off.threads = on.threads = 1;
  // Loop versioning duplicates the loops it can prove trap-free, which fuel checks can change:
  // the sizes compared here are those of the fuel code alone.
  off.loop_versioning = on.loop_versioning = false;
  auto a = CompileModule(*desc, off);
  auto b = CompileModule(*desc, on);
  ASSERT_TRUE(a) << a.error().ToString();
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_LT(a->elf.size(), b->elf.size());
  Options off2 = off;
  auto c = CompileModule(*desc, off2);
  ASSERT_TRUE(c);
  EXPECT_EQ(a->elf, c->elf);
}

// --canonical-nans (Config::canonicalize_nans = kAll) on the opt tier: NaN results are the
// canonical NaN, as the interpreter gives them (and without it x86's NaN can carry a payload).
TEST(OptFuel, CanonicalNansOnBothTiers) {
  constexpr const char* kNans = R"((module
    (func (export "f32") (result i32)
      (i32.reinterpret_f32 (f32.add (f32.reinterpret_i32 (i32.const 0x7fa00001)) (f32.const 1))))
    (func (export "f64") (result i64)
      (i64.reinterpret_f64 (f64.sqrt (f64.reinterpret_i64 (i64.const 0xfff8000000000123)))))
    (func (export "v") (result i32)
      (i32x4.extract_lane 2 (f32x4.mul (v128.const i32x4 0 0 0x7f800001 0) (v128.const f32x4 1 1 1 1)))))
  )";
  Tiers canon(kNans, false, Config::NanCanonicalization::kAll);
  for (const char* f : {"f32", "f64", "v"}) {
    Outcome a = canon.Run(0, f, 0), b = canon.Run(1, f, 0);
    EXPECT_EQ(a, b) << f << ": interp " << a.Describe() << " / opt " << b.Describe();
    ASSERT_TRUE(b.ok);
    const uint64_t want = std::string(f) == "f64" ? 0x7ff8000000000000u : 0x7fc00000u;
    EXPECT_EQ(b.results[0] & (std::string(f) == "f64" ? ~0ull : 0xffffffffull), want) << f;
  }
  // Without canonicalization the payload survives on x86 (so the test above tests something).
  Tiers raw(kNans, false);
  Outcome r = raw.Run(1, "f32", 0);
  ASSERT_TRUE(r.ok);
  EXPECT_NE(r.results[0] & 0xffffffffu, 0x7fc00000u);
}

// Found by the loop versioning fuzzer (tests/fuzz/loop_version_fuzz.cc --fuel): with
// guard regions a linear-memory access traps by faulting, and once loop versioning had run
// (with LICM after it), the original loop's fuel charges were kept in a register and stored at
// the loop's exits only, so a faulting load left the fuel of the loop's start: more than the
// interpreter's. The charge is now stored before the access (func_gen.cc, OrderedStateStores).
TEST(OptFuel, ChargesBeforeAFaultingLoadAreKept) {
  constexpr std::string_view kWat = R"(
    (module
      (memory (export "mem") 1)
      (func (export "sum") (param $p i32) (result i32) (local $i i32) (local $s i32)
        (loop $l
          (local.set $s (i32.add (local.get $s)
            (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))
        (local.get $s)))
  )";
  Tiers tiers(kWat);
  for (uint32_t p : {65536u - 40, 65536u - 2, 65536u + 4, 1000u}) {
    SCOPED_TRACE(p);
    const std::vector<Val> args = {Val::Make(ValType::kI32, p)};
    const Outcome want = tiers.Run(0, "sum", 1u << 20, args);
    const Outcome got = tiers.Run(1, "sum", 1u << 20, args);
    EXPECT_EQ(got.Describe(), want.Describe());
  }
}

}  // namespace
}  // namespace nw::opt

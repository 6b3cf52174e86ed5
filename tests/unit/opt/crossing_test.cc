// Host <-> compiled-code crossings of the opt tier, each against the interpreter running the
// same module: raw host functions (Func::CreateHostRaw, the component model's fused adapters)
// called from compiled code, their traps and exceptions; host functions that enter wasm again
// (nested activations) where the nested entry traps (unreachable, a guard-region memory fault,
// stack exhaustion) and the host function either gets the trap back as its entry's TrapResult
// or passes it on, with the backtraces of every activation; entries whose signature has more
// slots than the entry keeps on its stack.
#include <gtest/gtest.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "opt_harness.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

constexpr Config::ExecutionTier kTiers[] = {Config::ExecutionTier::kInterp,
                                            Config::ExecutionTier::kOpt};

const char* TierName(Config::ExecutionTier t) {
  return t == Config::ExecutionTier::kOpt ? "opt" : "interp";
}

std::shared_ptr<const Module> Compile(OptStore& s, std::string_view wat) {
  auto d = ParseWat(wat);
  EXPECT_TRUE(d) << d.error().ToString();
  if (!d) return nullptr;
  auto m = Module::FromDesc(s.engine(), std::move(*d));
  EXPECT_TRUE(m) << m.error().ToString();
  return m ? *m : nullptr;
}

// "name@offset" per frame, innermost first: what both tiers must agree on.
std::vector<std::string> FramesOf(const Trap& t) {
  std::vector<std::string> out;
  for (const Frame& f : t.backtrace)
    out.push_back(f.func_name + "@" + std::to_string(f.code_offset));
  return out;
}

// ---- raw host functions called from compiled code -----------------------------------------------

constexpr const char* kRawCaller = R"((module
  (type $t (func (param i32 i64 f64) (result i64 f64 i32)))
  (import "host" "raw" (func $raw (type $t)))
  (table 1 funcref) (elem (i32.const 0) $raw)
  (func $direct (export "direct") (param i32 i64 f64) (result i64 f64 i32)
    (call $raw (local.get 0) (local.get 1) (local.get 2)))
  (func $indirect (export "indirect") (param i32 i64 f64) (result i64 f64 i32)
    (call_indirect (type $t) (local.get 0) (local.get 1) (local.get 2) (i32.const 0)))
  (func (export "outer") (param i32) (result i64)
    (call $direct (local.get 0) (i64.const 5) (f64.const 0.5)) (drop) (drop)))
)";

// Returns (b + a, c * 2, a + 1); traps on a == 13, throws on a == 14 (an exception) and a == 15
// (std::bad_alloc).
TrapResult<void> RawMix(void*, Caller&, uint64_t* words) {
  const auto a = static_cast<uint32_t>(words[0]);
  if (a == 13) return std::unexpected(MakeHostTrap("raw says no"));
  if (a == 14) throw std::runtime_error("raw threw");
  if (a == 15) throw std::bad_alloc();
  double c;
  std::memcpy(&c, &words[2], 8);
  c *= 2;
  words[0] = words[1] + a;
  std::memcpy(&words[1], &c, 8);
  words[2] = a + 1;
  return {};
}

struct RawRun {
  TrapResult<std::vector<uint64_t>> direct, indirect;
};

// kRawCaller compiled for `s`, with RawMix defined as its import "host" "raw".
std::shared_ptr<const Module> LinkRawCaller(OptStore& s) {
  s.linker().Define("host", "raw",
                    Func::CreateHostRaw(s.store(),
                                        FuncType{{ValType::kI32, ValType::kI64, ValType::kF64},
                                                 {ValType::kI64, ValType::kF64, ValType::kI32}},
                                        RawMix, nullptr));
  return Compile(s, kRawCaller);
}

TEST(OptCrossing, RawHostFunctionsFromCompiledCode) {
  for (auto tier : kTiers) {
    SCOPED_TRACE(TierName(tier));
    OptStore s(tier);
    auto m = LinkRawCaller(s);
    ASSERT_TRUE(m);
    auto inst = s.Instantiate(m);
    ASSERT_TRUE(inst) << inst.error();
    const double half = 0.25;
    uint64_t half_bits;
    std::memcpy(&half_bits, &half, 8);
    for (const char* entry : {"direct", "indirect"}) {
      SCOPED_TRACE(entry);
      for (int i = 0; i < 3; ++i) {  // repeated: each call is a fresh activation
        auto r = s.CallExport(**inst, entry, std::vector<uint64_t>{7, 100, half_bits});
        ASSERT_TRUE(r) << r.error().ToString();
        ASSERT_EQ(r->size(), 3u);
        EXPECT_EQ((*r)[0], 107u);
        double c;
        std::memcpy(&c, &(*r)[1], 8);
        EXPECT_EQ(c, 0.5);
        EXPECT_EQ(static_cast<uint32_t>((*r)[2]), 8u);
      }
    }
  }
}

// ---- host leaves (Func::CreateHostLeaf) ------------------------------------------------------

// Which entry of a leaf ran, and with what.
struct LeafLog {
  int native = 0, raw = 0;
  uint64_t last_a = 0;
};
double LeafNative(void* ctx, uint32_t a, uint64_t b, float c, double d) {
  auto* log = static_cast<LeafLog*>(ctx);
  ++log->native;
  log->last_a = a;
  return static_cast<double>(a) + static_cast<double>(b) + static_cast<double>(c) + d;
}
TrapResult<void> LeafRaw(void* ctx, Caller&, uint64_t* words) {
  auto* log = static_cast<LeafLog*>(ctx);
  ++log->raw;
  log->last_a = static_cast<uint32_t>(words[0]);
  float c;
  double d;
  const auto cw = static_cast<uint32_t>(words[2]);
  std::memcpy(&c, &cw, 4);
  std::memcpy(&d, &words[3], 8);
  const double r = static_cast<double>(static_cast<uint32_t>(words[0])) + static_cast<double>(words[1]) +
                   static_cast<double>(c) + d;
  std::memcpy(&words[0], &r, 8);
  return {};
}
void VoidLeafNative(void* ctx, uint32_t a) { static_cast<LeafLog*>(ctx)->last_a = a + 1000; }
TrapResult<void> VoidLeafRaw(void* ctx, Caller&, uint64_t* words) {
  static_cast<LeafLog*>(ctx)->last_a = static_cast<uint32_t>(words[0]) + 1000;
  ++static_cast<LeafLog*>(ctx)->raw;
  return {};
}
// Two results: no native entry (RawMix's type), so the raw callback always.
constexpr const char* kLeafCaller = R"((module
  (type $t (func (param i32 i64 f32 f64) (result f64)))
  (import "host" "leaf" (func $leaf (type $t)))
  (import "host" "void" (func $void (param i32)))
  (import "host" "two" (func $two (param i32 i64 f64) (result i64 f64 i32)))
  (table 1 funcref) (elem (i32.const 0) $leaf)
  (func (export "direct") (param i32 i64 f32 f64) (result f64)
    (call $leaf (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "indirect") (param i32 i64 f32 f64) (result f64)
    (call_indirect (type $t) (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 0)))
  (func (export "void") (param i32) (call $void (local.get 0)))
  (func (export "two") (param i32) (result i64 f64 i32)
    (call $two (local.get 0) (i64.const 1) (f64.const 2))))
)";

// A leaf is called as its C function from compiled code (directly and through a table), with
// every argument type and the full unsigned range of an i32; the interpreter and the host call
// the raw callback; a leaf whose type a C function cannot have always takes the raw callback.
TEST(OptCrossing, HostLeavesFromCompiledCode) {
  for (auto tier : kTiers) {
    SCOPED_TRACE(TierName(tier));
    OptStore s(tier);
    LeafLog log, void_log, two_log;
    Func* leaf = Func::CreateHostLeaf(
        s.store(), FuncType{{ValType::kI32, ValType::kI64, ValType::kF32, ValType::kF64}, {ValType::kF64}},
        reinterpret_cast<const void*>(&LeafNative), LeafRaw, &log);
    s.linker().Define("host", "leaf", leaf);
    s.linker().Define("host", "void",
                      Func::CreateHostLeaf(s.store(), FuncType{{ValType::kI32}, {}},
                                           reinterpret_cast<const void*>(&VoidLeafNative), VoidLeafRaw,
                                           &void_log));
    s.linker().Define("host", "two",
                      Func::CreateHostLeaf(s.store(),
                                           FuncType{{ValType::kI32, ValType::kI64, ValType::kF64},
                                                    {ValType::kI64, ValType::kF64, ValType::kI32}},
                                           nullptr, RawMix, &two_log));
    auto m = Compile(s, kLeafCaller);
    ASSERT_TRUE(m);
    auto inst = s.Instantiate(m);
    ASSERT_TRUE(inst) << inst.error();
    const bool native = tier == Config::ExecutionTier::kOpt;
    const float c = 0.5f;
    uint32_t c_bits;
    std::memcpy(&c_bits, &c, 4);
    const double d = 0.25;
    uint64_t d_bits;
    std::memcpy(&d_bits, &d, 8);
    int calls = 0;
    for (const char* entry : {"direct", "indirect"}) {
      SCOPED_TRACE(entry);
      auto r = s.CallExport(**inst, entry, std::vector<uint64_t>{0xffffffffu, uint64_t{1} << 40, c_bits, d_bits});
      ASSERT_TRUE(r) << r.error().ToString();
      ++calls;
      ASSERT_EQ(r->size(), 1u);
      double got;
      std::memcpy(&got, &(*r)[0], 8);
      EXPECT_EQ(got, 4294967295.0 + 1099511627776.0 + 0.75);
      EXPECT_EQ(log.last_a, 0xffffffffu);
      EXPECT_EQ(log.native, native ? calls : 0);
      EXPECT_EQ(log.raw, native ? 0 : calls);
    }
    // From the host: the raw callback on every tier.
    const float half_f = 0.5f;
    uint32_t half_f_bits;
    std::memcpy(&half_f_bits, &half_f, 4);
    auto hr = leaf->Call(s.store(), std::vector<Val>{Val::I32(3), Val::I64(4), Val::F32Bits(half_f_bits),
                                                     Val::F64Bits(d_bits)});
    ASSERT_TRUE(hr) << hr.error().ToString();
    double host_got;
    std::memcpy(&host_got, &(*hr)[0].bits, 8);
    EXPECT_EQ(host_got, 7.75);
    EXPECT_EQ(log.raw, native ? 1 : calls + 1);
    auto v = s.CallExport(**inst, "void", std::vector<uint64_t>{41});
    ASSERT_TRUE(v) << v.error().ToString();
    EXPECT_EQ(void_log.last_a, 1041u);
    EXPECT_EQ(void_log.raw, native ? 0 : 1);
    auto t = s.CallExport(**inst, "two", std::vector<uint64_t>{7});
    ASSERT_TRUE(t) << t.error().ToString();
    ASSERT_EQ(t->size(), 3u);
    EXPECT_EQ((*t)[0], 8u);                          // RawMix's b + a
    EXPECT_EQ(static_cast<uint32_t>((*t)[2]), 8u);  // and a + 1
  }
}

// A raw host function's trap, and its C++ exceptions (which must not unwind through compiled
// frames), become the call's trap with the compiled callers' frames, as on the interpreter.
TEST(OptCrossing, RawHostTrapsAndExceptionsHaveTheInterpretersBacktrace) {
  struct Case {
    const char* entry;
    uint32_t arg;
    const char* message;
  };
  const Case cases[] = {
      {"direct", 13, "raw says no"},
      {"indirect", 13, "raw says no"},
      {"direct", 14, "host function threw an exception"},
      {"indirect", 15, "host function ran out of memory"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.entry) + " " + std::to_string(c.arg));
    std::vector<std::string> frames[2];
    for (int t = 0; t < 2; ++t) {
      OptStore s(kTiers[t]);
      auto m = LinkRawCaller(s);
      ASSERT_TRUE(m);
      auto inst = s.Instantiate(m);
      ASSERT_TRUE(inst) << inst.error();
      auto r = s.CallExport(**inst, c.entry, std::vector<uint64_t>{c.arg, 1, 0});
      ASSERT_FALSE(r) << TierName(kTiers[t]);
      EXPECT_EQ(r.error().kind, TrapKind::kHostError);
      EXPECT_EQ(r.error().message, c.message);
      frames[t] = FramesOf(r.error());
      ASSERT_FALSE(frames[t].empty());
      EXPECT_EQ(r.error().backtrace[0].func_name, c.entry);
      // The store still works after the unwind.
      auto ok = s.CallExport(**inst, "outer", std::vector<uint64_t>{2});
      ASSERT_TRUE(ok) << ok.error().ToString();
      EXPECT_EQ((*ok)[0], 7u);
      // Through one more compiled frame.
      auto deep = s.CallExport(**inst, "outer", std::vector<uint64_t>{c.arg});
      ASSERT_FALSE(deep);
      EXPECT_EQ(deep.error().message, c.message);
      ASSERT_EQ(deep.error().backtrace.size(), 2u) << deep.error().ToString();
      EXPECT_EQ(deep.error().backtrace[0].func_name, "direct");
      EXPECT_EQ(deep.error().backtrace[1].func_name, "outer");
    }
    EXPECT_EQ(frames[0], frames[1]);
  }
}

// ---- nested entries ---------------------------------------------------------------------------

// inner(d): traps (unreachable) at d == 0, else 1 + host(d - 1), where the host function enters
// the export its context names (inner again, or one that faults or exhausts the stack).
constexpr const char* kNested = R"((module
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (memory 1)
  (func $inner (export "inner") (param $d i32) (result i32)
    (if (i32.eqz (local.get $d)) (then unreachable))
    (i32.add (call $reenter (i32.sub (local.get $d) (i32.const 1))) (i32.const 1)))
  (func (export "outer") (param i32) (result i32) (call $inner (local.get 0)))
  (func (export "oob") (param i32) (result i32) (i32.load (i32.const 70000)))
  (func $rec (export "rec") (param i32) (result i32)
    (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
)";

struct Reenter {
  Func* target = nullptr;
  bool catch_traps = false;      // return 1000 on a trap of the entry, else pass it on
  std::vector<Trap> seen;        // the traps the entries returned, in order
};

TrapResult<void> RawReenter(void* ctx, Caller& caller, uint64_t* words) {
  auto* r = static_cast<Reenter*>(ctx);
  uint64_t in[1] = {words[0]}, out[1] = {0};
  auto res = r->target->CallUnchecked(caller.store(), in, out);
  if (!res) {
    r->seen.push_back(res.error());
    if (!r->catch_traps) return std::unexpected(std::move(res.error()));
    words[0] = 1000;
    return {};
  }
  words[0] = out[0];
  return {};
}

struct NestedRun {
  TrapResult<std::vector<uint64_t>> result;
  std::vector<Trap> seen;
  TrapResult<std::vector<uint64_t>> after;  // a plain call afterwards
};

NestedRun RunNested(Config::ExecutionTier tier, const char* target, bool catch_traps,
                    uint32_t depth) {
  NestedRun out{std::unexpected(Trap{}), {}, std::unexpected(Trap{})};
  OptStore s(tier);
  Reenter ctx;
  ctx.catch_traps = catch_traps;
  s.linker().Define("host", "reenter",
                    Func::CreateHostRaw(s.store(), FuncType{{ValType::kI32}, {ValType::kI32}},
                                        RawReenter, &ctx));
  auto m = Compile(s, kNested);
  if (!m) return out;
  auto inst = s.Instantiate(m);
  EXPECT_TRUE(inst) << inst.error();
  if (!inst) return out;
  ctx.target = (*inst)->inst->GetFunc(target);
  out.result = s.CallExport(**inst, "outer", std::vector<uint64_t>{depth});
  out.seen = ctx.seen;
  ctx.target = (*inst)->inst->GetFunc("inner");
  ctx.catch_traps = true;
  out.after = s.CallExport(**inst, "outer", std::vector<uint64_t>{2});
  return out;
}

// The nested entry's trap comes back to the host function that made it, which goes on: the
// outer activations finish normally.
TEST(OptCrossing, NestedEntryTrapReturnsToTheHostFunction) {
  std::vector<std::string> frames[2];
  for (int t = 0; t < 2; ++t) {
    SCOPED_TRACE(TierName(kTiers[t]));
    NestedRun r = RunNested(kTiers[t], "inner", /*catch_traps=*/true, 3);
    ASSERT_TRUE(r.result) << r.result.error().ToString();
    EXPECT_EQ((*r.result)[0], 1003u);
    ASSERT_EQ(r.seen.size(), 1u);
    EXPECT_EQ(r.seen[0].kind, TrapKind::kUnreachable);
    // Only the nested activation's frame: the host function and the frames outside it are not
    // part of that entry.
    ASSERT_EQ(r.seen[0].backtrace.size(), 1u) << r.seen[0].ToString();
    EXPECT_EQ(r.seen[0].backtrace[0].func_name, "inner");
    frames[t] = FramesOf(r.seen[0]);
    ASSERT_TRUE(r.after) << r.after.error().ToString();
    EXPECT_EQ((*r.after)[0], 1002u);
  }
  EXPECT_EQ(frames[0], frames[1]);
}

// Passed on by every host function, the trap reaches the outermost entry with the frames of
// every activation, innermost first, as on the interpreter.
TEST(OptCrossing, NestedTrapPassedOnKeepsEveryActivationsFrames) {
  std::vector<std::string> frames[2];
  for (int t = 0; t < 2; ++t) {
    SCOPED_TRACE(TierName(kTiers[t]));
    NestedRun r = RunNested(kTiers[t], "inner", /*catch_traps=*/false, 3);
    ASSERT_FALSE(r.result);
    EXPECT_EQ(r.result.error().kind, TrapKind::kUnreachable);
    ASSERT_EQ(r.seen.size(), 3u);  // each of the three host functions saw it
    EXPECT_EQ(r.seen[0].backtrace.size(), 1u);
    EXPECT_EQ(r.seen[1].backtrace.size(), 2u);
    EXPECT_EQ(r.seen[2].backtrace.size(), 3u);
    frames[t] = FramesOf(r.result.error());
    const std::vector<std::string> names = [&] {
      std::vector<std::string> n;
      for (const Frame& f : r.result.error().backtrace) n.push_back(f.func_name);
      return n;
    }();
    EXPECT_EQ(names, (std::vector<std::string>{"inner", "inner", "inner", "inner", "outer"}))
        << r.result.error().ToString();
    ASSERT_TRUE(r.after) << r.after.error().ToString();
    EXPECT_EQ((*r.after)[0], 1002u);
  }
  EXPECT_EQ(frames[0], frames[1]);
}

// A memory fault in a nested entry (the opt tier's signal handler resumes the nested
// activation) and stack exhaustion in one: both come back to the host function.
TEST(OptCrossing, NestedFaultAndStackExhaustionReturnToTheHostFunction) {
  struct Case {
    const char* target;
    TrapKind kind;
  };
  for (const Case& c : {Case{"oob", TrapKind::kMemoryOutOfBounds},
                        Case{"rec", TrapKind::kStackExhausted}}) {
    for (auto tier : kTiers) {
      SCOPED_TRACE(std::string(TierName(tier)) + " " + c.target);
      NestedRun r = RunNested(tier, c.target, /*catch_traps=*/true, 2);
      ASSERT_TRUE(r.result) << r.result.error().ToString();
      EXPECT_EQ((*r.result)[0], 1001u);  // inner(2) = 1 + the host's 1000
      ASSERT_EQ(r.seen.size(), 1u);
      EXPECT_EQ(r.seen[0].kind, c.kind) << r.seen[0].ToString();
      ASSERT_FALSE(r.seen[0].backtrace.empty());
      EXPECT_EQ(r.seen[0].backtrace[0].func_name, c.target);
      ASSERT_TRUE(r.after) << r.after.error().ToString();
      EXPECT_EQ((*r.after)[0], 1002u);
    }
  }
}

// ---- entries with many slots ------------------------------------------------------------------

// 40 parameters and 34 results: more slots than an entry keeps on its stack.
std::string ManySlotsWat() {
  std::string params, results, sum = "(local.get 0)", res;
  for (int i = 0; i < 40; ++i) params += " i64";
  for (int i = 1; i < 40; ++i) sum = "(i64.add " + sum + " (local.get " + std::to_string(i) + "))";
  for (int i = 0; i < 34; ++i) {
    results += " i64";
    res += " (i64.add (local.get " + std::to_string(i) + ") (i64.const 1))";
  }
  return "(module\n"
         "  (func (export \"sum\") (param" + params + ") (result i64)\n"
         "    (if (i64.eqz (local.get 0)) (then unreachable))\n    " + sum + ")\n"
         "  (func (export \"many\") (param" + params + ") (result" + results + ")" + res + "))";
}

TEST(OptCrossing, EntriesWithMoreSlotsThanTheStackBuffer) {
  const std::string wat = ManySlotsWat();
  for (auto tier : kTiers) {
    SCOPED_TRACE(TierName(tier));
    OptStore s(tier);
    auto m = Compile(s, wat);
    ASSERT_TRUE(m);
    auto inst = s.Instantiate(m);
    ASSERT_TRUE(inst) << inst.error();
    std::vector<uint64_t> args(40);
    for (size_t i = 0; i < args.size(); ++i) args[i] = i + 1;
    auto r = s.CallExport(**inst, "sum", args);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ((*r)[0], 40u * 41u / 2u);
    r = s.CallExport(**inst, "many", args);
    ASSERT_TRUE(r) << r.error().ToString();
    ASSERT_EQ(r->size(), 34u);
    for (size_t i = 0; i < 34; ++i) EXPECT_EQ((*r)[i], i + 2);
    args[0] = 0;
    r = s.CallExport(**inst, "sum", args);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, TrapKind::kUnreachable);
    ASSERT_EQ(r.error().backtrace.size(), 1u);
    EXPECT_EQ(r.error().backtrace[0].func_name, "sum");
  }
}

}  // namespace
}  // namespace nw::opt::test

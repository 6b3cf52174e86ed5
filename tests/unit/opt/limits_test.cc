// Compile bombs against the opt tier (compiler.h: kOptMaxFunctionBytes, kOptMaxDepth;
// func_gen.cc: the IR budget): small or pathological inputs must compile in bounded time and
// memory, each case in a forked child bounded in address space (../bounded.h). A function too
// large or too deeply nested to optimize is compiled at O0 and must still compute what the
// interpreter computes; one whose IR would outgrow its body is refused as unsupported.
#include <gtest/gtest.h>

#include <string>

#include "../bounded.h"
#include "format/decode.h"
#include "opt_harness.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

using namespace testing_bounded;

// Generous for a loaded 2-core machine and ASan; each case takes well under a second of CPU
// in a quiet release build.
constexpr double kMaxSeconds = 60.0;
// Peak RSS growth allowed while compiling: release builds use ~25-65 MB here; ASan's allocator
// keeps up to 256 MB of freed memory in quarantine (LLVM frees much of what it allocates).
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NW_OPT_LIMITS_ASAN 1
#endif
#endif
#ifdef NW_OPT_LIMITS_ASAN
constexpr size_t kMaxPeakGrowth = size_t{640} << 20;
#else
constexpr size_t kMaxPeakGrowth = size_t{256} << 20;
#endif

// Calls "f" with `arg` in the interpreter and in compiled code; both must return.
bool SameAsInterpreter(const ModuleDesc& desc, uint32_t arg, const Options& o, size_t* unoptimized) {
  auto obj = CompileModule(desc, o);
  if (!obj) {
    std::fprintf(stderr, "  compile: %s\n", obj.error().ToString().c_str());
    return false;
  }
  *unoptimized = obj->stats.unoptimized_functions;
  OptStore opt(o);
  auto m = Module::FromDesc(opt.engine(), desc);
  if (!m) return false;
  auto inst = opt.Instantiate(*m);
  if (!inst) {
    std::fprintf(stderr, "  instantiate: %s\n", inst.error().c_str());
    return false;
  }
  auto r = opt.CallExport(**inst, "f", std::vector<uint64_t>{arg});
  Engine engine;
  auto mi = Module::FromDesc(engine, desc);
  Store store(engine);
  auto ii = Linker().Instantiate(store, *mi);
  std::vector<Val> args{Val::I32(static_cast<int32_t>(arg))};
  auto ri = (*ii)->GetFunc("f")->Call(store, args);
  if (!r || !ri) {
    std::fprintf(stderr, "  call failed: opt %s, interpreter %s\n", r ? "ok" : r.error().message.c_str(),
                 ri ? "ok" : ri.error().message.c_str());
    return false;
  }
  std::fprintf(stderr, "  opt %u, interpreter %u, unoptimized functions %zu\n",
               static_cast<uint32_t>((*r)[0]), static_cast<uint32_t>((*ri)[0].i32()), *unoptimized);
  return static_cast<uint32_t>((*r)[0]) == static_cast<uint32_t>((*ri)[0].i32());
}

// 200 functions declaring 50,000 i64 locals each (a few KB of module): slots are made only for
// locals a body uses, so the IR does not grow with the declarations.
TEST(OptLimits, LocalsBombCompilesInBoundedTimeAndMemory) {
  std::vector<uint8_t> m = Header();
  PutSection(m, 1, {0x01, 0x60, 0x00, 0x00});
  const uint32_t funcs = 200;
  std::vector<uint8_t> fsec;
  PutLeb(fsec, funcs);
  fsec.insert(fsec.end(), funcs, 0x00);
  PutSection(m, 3, fsec);
  std::vector<uint8_t> body = {0x01};
  PutLeb(body, 50'000);
  body.insert(body.end(), {0x7e, 0x0b});
  std::vector<uint8_t> code;
  PutLeb(code, funcs);
  for (uint32_t i = 0; i < funcs; ++i) {
    PutLeb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  PutSection(m, 10, code);
  Measured r = RunMeasured([&] {
    auto d = DecodeModule(m);
    if (!d) return false;
    auto obj = CompileModule(*d, Options{});
    if (!obj) std::fprintf(stderr, "  %s\n", obj.error().ToString().c_str());
    return obj.has_value();
  });
  std::fprintf(stderr, "  %.2f s, peak RSS growth %zu MB\n", r.seconds, r.peak_rss_growth >> 20);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_LT(r.seconds, kMaxSeconds);
  EXPECT_LT(r.peak_rss_growth, kMaxPeakGrowth);
}

// One straight-line function of ~64 KB (over kOptMaxFunctionBytes; at O2 a 256 KB one took
// ~550 s of code generation): compiled at O0, same result as the interpreter.
TEST(OptLimits, HugeFunctionIsCompiledUnoptimizedAndCorrect) {
  std::string t = "(module (memory 1) (func (export \"f\") (param i32) (result i32) (local i32 i32 i32 i32)\n";
  for (int i = 0; i < 5000; ++i) {
    t += "(local.set " + std::to_string(1 + i % 4) + " (i32.add (i32.mul (local.get " +
         std::to_string((i + 1) % 5) + ") (i32.const " + std::to_string(i | 1) + ")) (i32.load offset=" + std::to_string((i * 4) % 60000) + " (i32.and (local.get " +
         std::to_string((i + 2) % 5) + ") (i32.const 255)))))\n";
    if (i % 7 == 0)
      t += "(i32.store offset=" + std::to_string((i * 8) % 60000) + " (i32.and (local.get " +
           std::to_string((i + 3) % 5) + ") (i32.const 255)) (local.get 1))\n";
  }
  t += "(local.get 1)))";
  auto d = ParseWat(t);
  ASSERT_TRUE(d) << d.error().ToString();
  ASSERT_GT(d->functions[0].body.size(), kOptMaxFunctionBytes);
  // Compiling is what is bounded; running needs the runtime's memory reservation, which the
  // child's address-space bound would refuse.
  Outcome o = RunBounded([&] {
    auto obj = CompileModule(*d, Options{});
    return obj && obj->stats.unoptimized_functions == 1;
  });
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_LT(o.seconds, kMaxSeconds);
  size_t unoptimized = 0;
  EXPECT_TRUE(SameAsInterpreter(*d, 12345, Options{}, &unoptimized));
  EXPECT_EQ(unoptimized, 1u);
}

// 5,000 nested blocks (over kOptMaxDepth; 20,000 took ~48 s of O2 passes) with a branch out of
// the innermost: compiled at O0, same result as the interpreter.
TEST(OptLimits, DeepNestingIsCompiledUnoptimizedAndCorrect) {
  const int depth = 5000;
  std::string t = "(module (func (export \"f\") (param i32) (result i32) (local i32)\n";
  for (int i = 0; i < depth; ++i) t += "(block ";
  t += "(br_if 0 (i32.and (local.get 0) (i32.const 1)))";
  for (int i = 0; i < depth; ++i) t += "(local.set 1 (i32.add (local.get 1) (i32.const 3))))";
  t += "(local.get 1)))";
  auto d = ParseWat(t);
  ASSERT_TRUE(d) << d.error().ToString();
  Outcome o = RunBounded([&] {
    size_t unoptimized = 0;
    return SameAsInterpreter(*d, 12345, Options{}, &unoptimized) && unoptimized == 1;
  });
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_LT(o.seconds, kMaxSeconds);
}

// A block of 1,000 results and 20,000 `br_if`s to it: each 3-byte branch would add 1,000 phi
// inputs (20 million from 60 KB). Refused as unsupported (the engine can run it in the
// interpreter), with the offending instruction's offset, in bounded time and memory.
TEST(OptLimits, WideBranchBombIsRefusedNotCompiled) {
  std::string results;
  for (int i = 0; i < 1000; ++i) results += " i32";
  std::string t = "(module (type $w (func (result" + results + ")))\n"
                  "(func (export \"f\") (param i32) (result i32) (block (type $w)\n";
  for (int i = 0; i < 1000; ++i) t += "(i32.const " + std::to_string(i) + ")";
  for (int i = 0; i < 20000; ++i) t += "(br_if 0 (local.get 0))";
  t += ")";
  for (int i = 0; i < 999; ++i) t += "(drop)";
  t += "))";
  auto d = ParseWat(t);
  ASSERT_TRUE(d) << d.error().ToString();
  Measured r = RunMeasured([&] {
    auto obj = CompileModule(*d, Options{});
    if (obj) return false;
    std::fprintf(stderr, "  %s\n", obj.error().ToString().c_str());
    return obj.error().message.starts_with("opt tier: unsupported") && obj.error().offset != kNoOffset;
  });
  std::fprintf(stderr, "  %.2f s, peak RSS growth %zu MB\n", r.seconds, r.peak_rss_growth >> 20);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_LT(r.seconds, kMaxSeconds);
  EXPECT_LT(r.peak_rss_growth, kMaxPeakGrowth);
}

}  // namespace
}  // namespace nw::opt::test

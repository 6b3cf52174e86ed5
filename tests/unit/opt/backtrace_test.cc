// Backtraces of traps in compiled code against the interpreter's for the same module, frame by
// frame (function index, name, wasm offset, offset in the function): nested calls, functions
// LLVM inlined, memory faults of guard-page memories and explicit checks, stack exhaustion, a
// host function's trap deep in the stack, and the same from an AOT artifact. The offsets come
// from the compiler's code -> wasm offset maps (code_map.h, code_map_builder.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aot/artifact.h"
#include "format/decode.h"
#include "format/encode.h"
#include "opt_harness.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

std::vector<uint8_t> Binary(std::string_view wat) {
  auto desc = ParseWat(wat);
  EXPECT_TRUE(desc) << desc.error().ToString();
  return desc ? EncodeModule(*desc) : std::vector<uint8_t>{};
}

std::string Show(const std::vector<Frame>& bt) {
  std::string s;
  for (const Frame& f : bt)
    s += "  " + std::to_string(f.func_index) + " " + f.func_name + " @" +
         std::to_string(f.code_offset) + " (+" + std::to_string(f.func_offset) + ")\n";
  return s;
}

struct Outcome {
  TrapKind kind = TrapKind::kUnreachable;
  std::vector<Frame> frames;
  size_t omitted = 0;
};

// Runs export `name` of the module `binary` (decoded: offsets are the binary's) on `store`;
// through an artifact when `via_artifact` (the engine must be the opt tier's). Defines
// "host" "boom" (traps on argument 7, else returns it) first.
Outcome RunTrap(OptStore& store, const std::vector<uint8_t>& binary, std::string_view name,
                std::vector<uint64_t> args, bool via_artifact = false) {
  Outcome out;
  Func* boom = Func::CreateHost(store.store(), FuncType{{ValType::kI32}, {ValType::kI32}},
                                [](Caller&, std::span<const Val> a, std::span<Val> r) -> TrapResult<void> {
                                  if (a[0].bits == 7) return std::unexpected(MakeHostTrap("boom"));
                                  r[0] = a[0];
                                  return {};
                                });
  store.linker().Define("host", "boom", boom);
  auto desc = DecodeModule(binary);
  EXPECT_TRUE(desc);
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
  auto r = store.CallExport(**inst, name, args);
  EXPECT_FALSE(r) << name << " did not trap";
  if (r) return out;
  out.kind = r.error().kind;
  out.frames = r.error().backtrace;
  out.omitted = r.error().frames_omitted;
  return out;
}

void ExpectSameFrames(const std::vector<Frame>& interp, const std::vector<Frame>& opt, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    EXPECT_EQ(opt[i].func_index, interp[i].func_index);
    EXPECT_EQ(opt[i].func_name, interp[i].func_name);
    EXPECT_EQ(opt[i].code_offset, interp[i].code_offset);
    EXPECT_EQ(opt[i].func_offset, interp[i].func_offset);
  }
}

constexpr std::string_view kNested = R"((module
  (import "host" "boom" (func $boom (param i32) (result i32)))
  (memory 1)
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $far_load $far_div)
  ;; small: inlined by O2 into their callers
  (func $div (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $mid (param i32) (result i32) (i32.add (i32.const 1) (call $div (local.get 0))))
  (func $top (param i32) (result i32) (i32.mul (i32.const 3) (call $mid (local.get 0))))
  (func $load (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func $load_mid (param i32) (result i32) (i32.xor (call $load (local.get 0)) (i32.const 5)))
  (func $unreach (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const 9)) (then unreachable)) (local.get 0))
  ;; through a table: never inlined, real frames
  (func $far_load (param i32) (result i32) (i32.add (i32.load (local.get 0)) (i32.const 2)))
  (func $far_div (param i32) (result i32) (i32.rem_s (i32.const 7) (local.get 0)))
  (func $host_mid (param i32) (result i32) (i32.sub (call $boom (local.get 0)) (i32.const 1)))
  (func (export "inlined_div") (param i32) (result i32) (i32.add (call $top (local.get 0)) (i32.const 4)))
  (func (export "inlined_load") (param i32) (result i32) (i32.add (call $load_mid (local.get 0)) (i32.const 4)))
  (func (export "two_sites") (param i32) (result i32)
    (i32.add (call $mid (i32.const 1)) (call $mid (local.get 0))))
  (func (export "unreachable") (param i32) (result i32)
    (i32.add (call $unreach (i32.const 1)) (call $unreach (local.get 0))))
  (func (export "indirect_load") (param i32) (result i32)
    (i32.add (call_indirect (type $t) (local.get 0) (i32.const 0)) (i32.const 6)))
  (func (export "indirect_div") (param i32) (result i32)
    (i32.mul (call_indirect (type $t) (local.get 0) (i32.const 1)) (call $top (i32.const 1))))
  (func (export "host") (param i32) (result i32)
    (i32.add (call $host_mid (local.get 0)) (call $top (local.get 0))))
  (func (export "table_oob") (param i32) (result i32)
    (call_indirect (type $t) (i32.const 1) (local.get 0))))
)";

struct Case {
  const char* name;
  uint64_t arg;
  TrapKind kind;
};
constexpr Case kCases[] = {
    {"inlined_div", 0, TrapKind::kIntegerDivideByZero},
    {"inlined_load", 0xfffffff0u, TrapKind::kMemoryOutOfBounds},
    {"two_sites", 0, TrapKind::kIntegerDivideByZero},
    {"unreachable", 9, TrapKind::kUnreachable},
    {"indirect_load", 70000, TrapKind::kMemoryOutOfBounds},
    {"indirect_div", 0, TrapKind::kIntegerDivideByZero},
    {"host", 7, TrapKind::kHostError},
    {"table_oob", 5, TrapKind::kUndefinedElement},
};

class OptBacktrace : public ::testing::TestWithParam<std::tuple<BoundsMode, bool>> {};

TEST_P(OptBacktrace, SameFramesAsTheInterpreter) {
  const auto [mode, via_artifact] = GetParam();
  const std::vector<uint8_t> binary = Binary(kNested);
  Options o;
  o.bounds = mode;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    OptStore interp(Config::ExecutionTier::kInterp, o);
    OptStore opt(o);
    Outcome want = RunTrap(interp, binary, c.name, {c.arg});
    Outcome got = RunTrap(opt, binary, c.name, {c.arg}, via_artifact);
    EXPECT_EQ(want.kind, c.kind);
    EXPECT_EQ(got.kind, c.kind);
    ASSERT_EQ(got.frames.size(), want.frames.size()) << "interpreter:\n"
                                                     << Show(want.frames) << "opt:\n"
                                                     << Show(got.frames);
    ASSERT_GE(want.frames.size(), 1u) << Show(want.frames);
    ExpectSameFrames(want.frames, got.frames, want.frames.size());
    for (const Frame& f : got.frames)
      if (f.func_name != "<host>") EXPECT_NE(f.code_offset, 0u) << Show(got.frames);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, OptBacktrace,
                         ::testing::Combine(::testing::Values(BoundsMode::kExplicit,
                                                              BoundsMode::kGuardPages),
                                            ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == BoundsMode::kExplicit
                                                  ? "Explicit" : "GuardPages") +
                                  (std::get<1>(info.param) ? "Artifact" : "Jit");
                         });

// Stack exhaustion: the depths differ (compiled frames are smaller), so the innermost frames
// and the outermost ones are compared: every frame is the recursive call, at the call's offset,
// then the entry, as the interpreter shows them; the callee whose entry check trapped (never
// entered, in the interpreter's terms) is not a frame.
TEST(OptBacktraceStack, ExhaustionShowsTheCallsLikeTheInterpreter) {
  const std::vector<uint8_t> binary = Binary(R"((module
    (func $rec (param i32) (result i32)
      (i32.add (i32.const 1) (call $rec (i32.add (local.get 0) (i32.const 1)))))
    (func $start (export "start") (param i32) (result i32) (i32.mul (call $rec (local.get 0)) (i32.const 2)))))");
  for (bool via_artifact : {false, true}) {
    SCOPED_TRACE(via_artifact ? "artifact" : "jit");
    OptStore interp(Config::ExecutionTier::kInterp);
    OptStore opt;
    Outcome want = RunTrap(interp, binary, "start", {0});
    Outcome got = RunTrap(opt, binary, "start", {0}, via_artifact);
    ASSERT_EQ(want.kind, TrapKind::kStackExhausted);
    ASSERT_EQ(got.kind, TrapKind::kStackExhausted);
    ASSERT_EQ(got.frames.size(), Trap::kBacktraceHead + Trap::kBacktraceTail);
    ASSERT_EQ(want.frames.size(), got.frames.size());
    EXPECT_GT(got.omitted, 0u);
    ExpectSameFrames(want.frames, got.frames, Trap::kBacktraceHead);
    // The outermost: the same frames, counted from the end.
    std::vector<Frame> want_tail(want.frames.end() - 3, want.frames.end());
    std::vector<Frame> got_tail(got.frames.end() - 3, got.frames.end());
    ExpectSameFrames(want_tail, got_tail, 3);
    EXPECT_EQ(got.frames.back().func_name, "start");
  }
}

// The maps stay compact: only positions that change are recorded, and a function LLVM did not
// inline anything into has no inline frames.
TEST(OptBacktraceMaps, CompilerFillsTheMaps) {
  auto desc = DecodeModule(Binary(kNested));
  ASSERT_TRUE(desc);
  auto compiled = CompileModule(*desc, Options{});
  ASSERT_TRUE(compiled) << compiled.error().ToString();
  const CodeOffsetMaps& maps = compiled->offset_maps;
  ASSERT_EQ(maps.begin.size(), desc->functions.size() + 1);
  EXPECT_FALSE(maps.entries.empty());
  EXPECT_FALSE(maps.inlines.empty());  // $div into $mid into $top, at least
  for (size_t f = 0; f < desc->functions.size(); ++f)
    for (uint32_t i = maps.begin[f] + 1; i < maps.begin[f + 1]; ++i) {
      const auto& a = maps.entries[i - 1];
      const auto& b = maps.entries[i];
      EXPECT_LT(a.code_offset, b.code_offset);
      EXPECT_FALSE(a.wasm_offset == b.wasm_offset && a.inline_id == b.inline_id);
    }
  for (size_t i = 0; i < maps.inlines.size(); ++i) EXPECT_LE(maps.inlines[i].parent, i);
}

}  // namespace
}  // namespace nw::opt::test

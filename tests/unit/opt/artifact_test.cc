// AOT artifacts of real compiled code (src/opt/artifact.h, Module::Serialize/Deserialize):
// write, read back, map and run through the runtime with no compiling; and every truncation
// and single-byte change of such an artifact is refused before anything of it runs.
#include <gtest/gtest.h>

#include "aot/artifact.h"
#include "format/decode.h"
#include "format/encode.h"
#include "opt/artifact.h"
#include "opt_harness.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

constexpr std::string_view kFib = R"((module
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))))";

struct Built {
  std::vector<uint8_t> wasm, artifact;
};

Built Build(std::string_view text, const Options& options = {}) {
  Built b;
  auto desc = ParseWat(text);
  EXPECT_TRUE(desc) << desc.error().ToString();
  b.wasm = EncodeModule(*desc);
  auto compiled = CompileModule(*desc, options);
  EXPECT_TRUE(compiled) << compiled.error().ToString();
  auto art = BuildArtifact(b.wasm, desc->num_imported_funcs, *compiled, options);
  EXPECT_TRUE(art) << art.error().ToString();
  if (art) b.artifact = std::move(*art);
  return b;
}

TEST(OptArtifact, TableAgreesWithTheObjectsSymbols) {
  Built b = Build(kFib);
  auto loaded = LoadArtifact(b.artifact, CodeConfigOf(Options{}));
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_TRUE(std::equal(loaded->artifact.module.begin(), loaded->artifact.module.end(),
                         b.wasm.begin(), b.wasm.end()));
  ASSERT_EQ(loaded->entries.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(loaded->entries[i], loaded->code->Symbol(kFuncSymbolPrefix + std::to_string(i)));
    EXPECT_EQ(loaded->array_entries[i],
              loaded->code->Symbol(kArraySymbolPrefix + std::to_string(i)));
  }
}

// An object of several chunks has one code section per chunk: the table holds offsets into the
// loader's code image, so functions of every chunk are found (it once required one .text).
TEST(OptArtifact, FunctionsOfEveryChunkAreInTheTable) {
  Options options;
  options.chunk_bytes = 16;  // a chunk per function or two
  Built b = Build(kFib, options);
  ASSERT_FALSE(b.artifact.empty());
  auto loaded = LoadArtifact(b.artifact, CodeConfigOf(options));
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_EQ(loaded->entries.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i)
    EXPECT_EQ(loaded->entries[i], loaded->code->Symbol(kFuncSymbolPrefix + std::to_string(i)));
}

// A function nothing can call may be dropped by the optimizer; the artifact records no entry
// for it instead of refusing the module (the JIT runs such modules).
TEST(OptArtifact, UncallableFunctionNeedsNoCode) {
  Built b = Build(R"((module (func $unused (param i32) (result i32) (local.get 0))
                             (func (export "f") (result i32) (i32.const 7))))");
  ASSERT_FALSE(b.artifact.empty());
  auto loaded = LoadArtifact(b.artifact, CodeConfigOf(Options{}));
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_EQ(loaded->entries.size(), 2u);
  EXPECT_EQ(loaded->entries[0], loaded->code->Symbol(kFuncSymbolPrefix + std::string("0")));
  EXPECT_NE(loaded->entries[1], nullptr);
}

// Module::Serialize in one engine, Module::Deserialize in another of the same configuration:
// the module runs, traps as the freshly compiled one does, and nothing is compiled on the way.
TEST(OptArtifact, DeserializedModuleRunsWithoutCompiling) {
  std::vector<uint8_t> art;
  Trap jit_trap;
  {
    OptStore s;
    auto desc = ParseWat(kFib);
    ASSERT_TRUE(desc);
    auto m = Module::FromDesc(s.engine(), std::move(*desc));
    ASSERT_TRUE(m) << m.error().ToString();
    auto a = (*m)->Serialize();
    ASSERT_TRUE(a) << a.error().ToString();
    auto again = (*m)->Serialize();
    ASSERT_TRUE(again);
    EXPECT_EQ(*a, *again) << "serializing is deterministic";
    art = std::move(*a);
    auto inst = s.Instantiate(*m);
    ASSERT_TRUE(inst) << inst.error();
    auto r = s.CallExport(**inst, "load", std::vector<uint64_t>{70000});
    ASSERT_FALSE(r);
    jit_trap = r.error();
  }
  const uint64_t compiles = CompileCount();
  OptStore s;
  auto m = Module::Deserialize(s.engine(), art);
  ASSERT_TRUE(m) << m.error().ToString();
  art.assign(art.size(), 0);  // the module does not keep pointers into the artifact
  auto inst = s.Instantiate(*m);
  ASSERT_TRUE(inst) << inst.error();
  auto r = s.CallExport(**inst, "fib", std::vector<uint64_t>{20});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0], 6765u);
  ASSERT_TRUE(s.CallExport(**inst, "store", std::vector<uint64_t>{64, 0xabcdef}));
  r = s.CallExport(**inst, "load", std::vector<uint64_t>{64});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0], 0xabcdefu);
  r = s.CallExport(**inst, "load", std::vector<uint64_t>{70000});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::kMemoryOutOfBounds);
  // The same trap as the freshly compiled module's, backtrace included.
  EXPECT_EQ(r.error().ToString(), jit_trap.ToString());
  EXPECT_EQ(CompileCount(), compiles);
}

// The artifact's code -> wasm offset maps (code_map.h) reach the backtrace: a memory access
// out of bounds in $inner, called through a table (so not inlined) by $outer. The outer frame
// gets its offset from the map by its return address; the innermost, with guard regions (a
// fault), by the faulting pc, and with explicit checks from the check itself (the real offset
// of the i32.load), maps or not. The maps here are written into the artifact by the test (in
// place of the compiler's, backtrace_test.cc tests those); without them the outer frame has no
// offset.
TEST(OptArtifact, OffsetMapsGiveCompiledFramesTheirOffsets) {
  constexpr std::string_view kWat = R"((module
    (memory 1)
    (type $t (func (param i32) (result i32)))
    (table 1 funcref)
    (elem (i32.const 0) $inner)
    (func $inner (type $t) (i32.load (local.get 0)))
    (func $outer (export "outer") (param i32) (result i32)
      (i32.add (i32.const 1) (call_indirect (type $t) (local.get 0) (i32.const 0))))))";
  auto text = ParseWat(kWat);
  ASSERT_TRUE(text);
  const std::vector<uint8_t> binary = EncodeModule(*text);
  for (BoundsMode mode : {BoundsMode::kGuardPages, BoundsMode::kExplicit}) {
    SCOPED_TRACE(mode == BoundsMode::kGuardPages ? "guard pages" : "explicit checks");
    Options options;
    options.bounds = mode;
    OptStore s(options);
    auto desc = DecodeModule(binary);  // binary offsets in frames, not the text's
    ASSERT_TRUE(desc);
    const uint32_t inner_start = static_cast<uint32_t>(desc->functions[0].start_offset);
    const uint32_t outer_start = static_cast<uint32_t>(desc->functions[1].start_offset);
    ASSERT_NE(inner_start, 0u);
    auto m = Module::FromDesc(s.engine(), std::move(*desc));
    ASSERT_TRUE(m) << m.error().ToString();
    auto art = (*m)->Serialize();
    ASSERT_TRUE(art) << art.error().ToString();
    auto expect = s.engine().tier().ArtifactExpectations(s.engine().config());
    ASSERT_TRUE(expect);
    auto a = aot::ReadArtifact(*art, *expect);
    ASSERT_TRUE(a) << a.error().ToString();

    auto trap_frames = [&](std::span<const uint8_t> bytes) {
      auto mod = Module::Deserialize(s.engine(), bytes);
      EXPECT_TRUE(mod) << mod.error().ToString();
      auto inst = s.Instantiate(*mod);
      EXPECT_TRUE(inst) << inst.error();
      auto r = s.CallExport(**inst, "outer", std::vector<uint64_t>{70000});
      EXPECT_FALSE(r);
      EXPECT_EQ(r.error().kind, TrapKind::kMemoryOutOfBounds);
      return r.error().backtrace;
    };
    aot::Artifact unmapped = *a;
    unmapped.offset_map_begin.assign(3, 0);
    unmapped.offset_maps.clear();
    unmapped.inline_frames.clear();
    std::vector<Frame> none = trap_frames(aot::WriteArtifact(unmapped));
    ASSERT_EQ(none.size(), 2u);
    EXPECT_EQ(none[1].code_offset, 0u);
    // The i32.load's own offset: its body is one local count byte, then local.get 0.
    const uint32_t load_at = inner_start + 3;
    EXPECT_EQ(none[0].code_offset, mode == BoundsMode::kExplicit ? load_at : 0u);

    // $inner: all its code at body offset 2; $outer: offset 3 up to code byte 1, then 5.
    aot::Artifact mapped = unmapped;
    mapped.offset_map_begin = {0, 1, 3};
    mapped.offset_maps = {{0, inner_start + 2}, {0, outer_start + 3}, {1, outer_start + 5}};
    std::vector<Frame> frames = trap_frames(aot::WriteArtifact(mapped));
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].func_index, 0u);
    EXPECT_EQ(frames[0].code_offset, mode == BoundsMode::kExplicit ? load_at : inner_start + 2);
    EXPECT_EQ(frames[1].func_index, 1u);
    EXPECT_EQ(frames[1].code_offset, outer_start + 5);  // the return address is past code byte 1
    EXPECT_EQ(frames[1].func_offset, 5u);
  }
}

TEST(OptArtifact, OtherBoundsModeIsRefused) {
  OptStore explicit_store;  // Options{}: explicit bounds checks
  auto desc = ParseWat(kFib);
  ASSERT_TRUE(desc);
  auto m = Module::FromDesc(explicit_store.engine(), std::move(*desc));
  ASSERT_TRUE(m);
  auto art = (*m)->Serialize();
  ASSERT_TRUE(art) << art.error().ToString();
  Options guard;
  guard.bounds = BoundsMode::kGuardPages;
  OptStore guard_store(guard);
  auto r = Module::Deserialize(guard_store.engine(), *art);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "artifact: compiled with bounds checks explicit, this engine uses guard-pages");
  // The interpreter runs no artifacts, and says so.
  OptStore interp(Config::ExecutionTier::kInterp);
  r = Module::Deserialize(interp.engine(), *art);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "artifact: the interp tier runs no AOT code");
}

// Relaxed guard-region code (Options::relaxed_traps) is not the exact mode's: an artifact of
// one is refused by an engine of the other, both ways.
TEST(OptArtifact, RelaxedTrapsAndExactGuardCodeAreNotInterchangeable) {
  Options exact;
  exact.bounds = BoundsMode::kGuardPages;
  Options relaxed = exact;
  relaxed.relaxed_traps = true;
  OptStore exact_store(exact), relaxed_store(relaxed);
  auto serialize = [&](OptStore& s) {
    auto desc = ParseWat(kFib);
    EXPECT_TRUE(desc);
    auto m = Module::FromDesc(s.engine(), std::move(*desc));
    EXPECT_TRUE(m);
    auto art = (*m)->Serialize();
    EXPECT_TRUE(art) << art.error().ToString();
    return *art;
  };
  auto from_exact = serialize(exact_store);
  auto from_relaxed = serialize(relaxed_store);
  auto r = Module::Deserialize(relaxed_store.engine(), from_exact);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "artifact: compiled with bounds checks guard-pages, this engine "
                               "uses guard-pages, relaxed traps");
  r = Module::Deserialize(exact_store.engine(), from_relaxed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "artifact: compiled with bounds checks guard-pages, relaxed "
                               "traps, this engine uses guard-pages");
  EXPECT_TRUE(Module::Deserialize(relaxed_store.engine(), from_relaxed));
  EXPECT_TRUE(Module::Deserialize(exact_store.engine(), from_exact));
}

TEST(OptArtifact, RecordsTheCompilersTarget) {
  Options o;
  o.host_cpu = false;
  Built b = Build(kFib, o);
  auto loaded = LoadArtifact(b.artifact, CodeConfigOf(o));
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->artifact.cpu, "x86-64");
  Built host = Build(kFib);
  auto lh = LoadArtifact(host.artifact, CodeConfigOf(Options{}));
  ASSERT_TRUE(lh) << lh.error().ToString();
  EXPECT_NE(lh->artifact.features.find("+sse2"), std::string::npos) << lh->artifact.features;
}

TEST(OptArtifact, ConfigurationMismatchIsRefused) {
  Built b = Build(kFib);
  Options nans;
  nans.canonicalize_nans = Config::NanCanonicalization::kAll;
  auto r = LoadArtifact(b.artifact, CodeConfigOf(nans));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "artifact: compiled with NaN canonicalization off, this engine uses all");
}

TEST(OptArtifact, EveryTruncationAndByteChangeIsRefused) {
  Built b = Build(kFib);
  OptStore s;  // Options{}: the configuration Build compiled for
  ASSERT_TRUE(Module::Deserialize(s.engine(), b.artifact));
  for (size_t n = 0; n < b.artifact.size(); ++n) {
    auto r = Module::Deserialize(s.engine(), std::span(b.artifact).first(n));
    ASSERT_FALSE(r) << "truncated to " << n;
    EXPECT_TRUE(r.error().message.starts_with("artifact: ")) << r.error().message;
  }
  for (size_t i = 0; i < b.artifact.size(); ++i) {
    std::vector<uint8_t> bad = b.artifact;
    bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
    ASSERT_FALSE(Module::Deserialize(s.engine(), bad)) << "byte " << i << " changed";
  }
}

}  // namespace
}  // namespace nw::opt::test

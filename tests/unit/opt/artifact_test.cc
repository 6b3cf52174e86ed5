// AOT artifacts of real compiled code (src/opt/artifact.h): compile, write, read back, map and
// run through the harness; and every truncation and single-byte change of such an artifact is
// refused before anything of it runs.
#include <gtest/gtest.h>

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

TEST(OptArtifact, LoadedArtifactRunsWithoutCompiling) {
  Built b = Build(kFib);
  auto loaded = LoadArtifact(b.artifact, CodeConfigOf(Options{}));
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_TRUE(std::equal(loaded->artifact.module.begin(), loaded->artifact.module.end(),
                         b.wasm.begin(), b.wasm.end()));
  ASSERT_EQ(loaded->entries.size(), 3u);
  // The function table agrees with the object's symbols.
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(loaded->entries[i], loaded->code->Symbol(kFuncSymbolPrefix + std::to_string(i)));
    EXPECT_EQ(loaded->array_entries[i],
              loaded->code->Symbol(kArraySymbolPrefix + std::to_string(i)));
  }
  // The module is rebuilt from the artifact's bytes, and the mapped code runs.
  auto desc = DecodeModule(loaded->artifact.module);
  ASSERT_TRUE(desc) << desc.error().ToString();
  OptStore store;
  auto m = Module::FromDesc(store.engine(), std::move(*desc));
  ASSERT_TRUE(m) << m.error().ToString();
  auto inst = store.Instantiate(*m, loaded->code);
  ASSERT_TRUE(inst) << inst.error();
  auto r = store.CallExport(**inst, "fib", std::vector<uint64_t>{20});
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ((*r)[0], 6765u);
  ASSERT_TRUE(store.CallExport(**inst, "store", std::vector<uint64_t>{64, 0xabcdef}));
  r = store.CallExport(**inst, "load", std::vector<uint64_t>{64});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0], 0xabcdefu);
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
  const aot::CodeConfig config = CodeConfigOf(Options{});
  for (size_t n = 0; n < b.artifact.size(); ++n)
    ASSERT_FALSE(LoadArtifact(std::span(b.artifact).first(n), config)) << "truncated to " << n;
  for (size_t i = 0; i < b.artifact.size(); ++i) {
    std::vector<uint8_t> bad = b.artifact;
    bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
    ASSERT_FALSE(LoadArtifact(bad, config)) << "byte " << i << " changed";
  }
}

}  // namespace
}  // namespace nw::opt::test

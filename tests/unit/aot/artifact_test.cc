// The AOT artifact container (src/aot): round trips, and refusal of every truncated, corrupted,
// wrong-version or mismatched artifact with one message. No LLVM: the container is tested with
// a synthetic object (bytes it does not interpret); tests/unit/opt repeats the corruption tests
// on artifacts of real compiled code and runs them.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "aot/artifact.h"
#include "aot/cpu_features.h"
#include "aot/xxhash64.h"
#include "opt/artifact.h"

namespace nw::aot {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Xxh64, KnownValues) {
  // Reference values of the XXH64 specification's implementation (seed 0).
  EXPECT_EQ(Xxh64(Bytes("")), 0xEF46DB3751D8E999ull);
  EXPECT_EQ(Xxh64(Bytes("abc")), 0x44BC2CF5AD770999ull);
}

TEST(Xxh64, EveryLengthAndSeedMatters) {
  std::string s(100, 'x');
  for (size_t n = 0; n < s.size(); ++n) {
    EXPECT_NE(Xxh64(Bytes(std::string_view(s).substr(0, n))),
              Xxh64(Bytes(std::string_view(s).substr(0, n + 1))));
    EXPECT_NE(Xxh64(Bytes(std::string_view(s).substr(0, n)), 1),
              Xxh64(Bytes(std::string_view(s).substr(0, n)), 2));
  }
}

struct Fixture {
  std::vector<uint8_t> module, object;
  Artifact a;
  Expectations expect;
  Fixture() {
    for (int i = 0; i < 300; ++i) module.push_back(static_cast<uint8_t>(i * 7));
    for (int i = 0; i < 500; ++i) object.push_back(static_cast<uint8_t>(i * 13 + 1));
    a.engine_version = std::string(EngineVersion());
    a.abi_hash = 0x1234;
    a.config = {0, false, false, 0};
    a.opt_level = 2;
    a.cpu = "x86-64";
    a.features = "+sse2,-avx512f";
    a.module = module;
    a.object = object;
    a.funcs = {{0, 40, 40}, {64, FuncCode::kNoEntry, 100}};
    a.offset_map_begin = {0, 2, 3};
    a.offset_maps = {{0, 20}, {8, 25, 2}, {4, 60, 1}};
    a.inline_frames = {{3, 22, 0}, {4, 120, 1}};
    expect.abi_hash = 0x1234;
  }
};

TEST(Artifact, RoundTrip) {
  Fixture f;
  std::vector<uint8_t> bytes = WriteArtifact(f.a);
  ASSERT_TRUE(HasArtifactMagic(bytes));
  Result<Artifact> r = ReadArtifact(bytes, f.expect);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->engine_version, EngineVersion());
  EXPECT_EQ(r->cpu, "x86-64");
  EXPECT_EQ(r->features, "+sse2,-avx512f");
  EXPECT_EQ(r->opt_level, 2);
  EXPECT_TRUE(std::equal(r->module.begin(), r->module.end(), f.module.begin(), f.module.end()));
  EXPECT_TRUE(std::equal(r->object.begin(), r->object.end(), f.object.begin(), f.object.end()));
  ASSERT_EQ(r->funcs.size(), 2u);
  EXPECT_EQ(r->funcs[1].entry, 64u);
  EXPECT_EQ(r->funcs[1].array_entry, FuncCode::kNoEntry);
  EXPECT_EQ(r->funcs[0].array_entry, 40u);
  ASSERT_EQ(r->offset_map_begin, (std::vector<uint32_t>{0, 2, 3}));
  EXPECT_EQ(r->offset_maps[1].code_offset, 8u);
  EXPECT_EQ(r->offset_maps[2].wasm_offset, 60u);
  EXPECT_EQ(r->offset_maps[1].inline_id, 2u);
  ASSERT_EQ(r->inline_frames.size(), 2u);
  EXPECT_EQ(r->inline_frames[1].func_index, 4u);
  EXPECT_EQ(r->inline_frames[1].call_offset, 120u);
  EXPECT_EQ(r->inline_frames[1].parent, 1u);
  // Sections sit at 16-byte aligned offsets, so the object can be read in place.
  EXPECT_EQ((r->object.data() - bytes.data()) % 16, 0);
  // Writing is deterministic.
  EXPECT_EQ(WriteArtifact(f.a), bytes);
}

TEST(Artifact, EveryTruncationIsRefused) {
  Fixture f;
  std::vector<uint8_t> bytes = WriteArtifact(f.a);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Result<Artifact> r = ReadArtifact(std::span(bytes).first(n), f.expect);
    ASSERT_FALSE(r.has_value()) << "accepted a truncation to " << n << " bytes";
    EXPECT_NE(r.error().message.find("artifact: "), std::string::npos);
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  Result<Artifact> r = ReadArtifact(longer, f.expect);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("trailing bytes"), std::string::npos) << r.error().message;
}

TEST(Artifact, EverySingleByteChangeIsRefused) {
  Fixture f;
  const std::vector<uint8_t> bytes = WriteArtifact(f.a);
  for (uint8_t mask : {0x01, 0x80, 0xff}) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::vector<uint8_t> bad = bytes;
      bad[i] ^= mask;
      Result<Artifact> r = ReadArtifact(bad, f.expect);
      ASSERT_FALSE(r.has_value()) << "accepted byte " << i << " ^ " << int(mask);
    }
  }
}

TEST(Artifact, MessagesNameTheCause) {
  auto refused = [](const std::vector<uint8_t>& bytes, const Expectations& e) {
    Result<Artifact> r = ReadArtifact(bytes, e);
    return r ? std::string("accepted") : r.error().message;
  };
  Fixture f;
  std::vector<uint8_t> good = WriteArtifact(f.a);
  std::vector<uint8_t> wasm = {0, 'a', 's', 'm', 1, 0, 0, 0};
  EXPECT_EQ(refused(wasm, f.expect), "artifact: not a nanowasm artifact (bad magic)");

  // Version 1 (before inline frames) and a future version.
  std::vector<uint8_t> v1 = good;
  v1[8] = 1;
  EXPECT_EQ(refused(v1, f.expect),
            "artifact: format version 1; this nanowasm reads version 2 (recompile with "
            "`nanowasm compile`)");
  std::vector<uint8_t> v3 = good;
  v3[8] = 3;
  EXPECT_EQ(refused(v3, f.expect),
            "artifact: format version 3; this nanowasm reads version 2 (recompile with "
            "`nanowasm compile`)");

  std::vector<uint8_t> cut(good.begin(), good.end() - 10);
  EXPECT_NE(refused(cut, f.expect).find("(truncated)"), std::string::npos);

  std::vector<uint8_t> flipped = good;
  flipped[good.size() - 3] ^= 4;
  EXPECT_EQ(refused(flipped, f.expect), "artifact: checksum mismatch: the artifact is corrupt");
  flipped = good;
  flipped[20] ^= 4;
  EXPECT_EQ(refused(flipped, f.expect),
            "artifact: header checksum mismatch: the artifact is corrupt");

  Fixture other;
  other.a.engine_version = "0.0.1-old";
  EXPECT_EQ(refused(WriteArtifact(other.a), f.expect),
            "artifact: compiled by nanowasm 0.0.1-old, this is nanowasm " +
                std::string(EngineVersion()) + " (recompile with `nanowasm compile`)");

  other = Fixture();
  other.a.abi_hash = 99;
  EXPECT_NE(refused(WriteArtifact(other.a), f.expect).find("another code ABI"), std::string::npos);

  other = Fixture();
  other.a.config.consume_fuel = true;
  EXPECT_EQ(refused(WriteArtifact(other.a), f.expect),
            "artifact: compiled with fuel on, this engine has it off");
  other = Fixture();
  other.a.config.canonicalize_nans = 1;
  EXPECT_EQ(refused(WriteArtifact(other.a), f.expect),
            "artifact: compiled with NaN canonicalization all, this engine uses off");
  other = Fixture();
  other.a.config.bounds = 1;
  EXPECT_EQ(refused(WriteArtifact(other.a), f.expect),
            "artifact: compiled with bounds checks guard-pages, this engine uses explicit");
  other = Fixture();
  other.a.config.epoch_interruption = true;
  EXPECT_EQ(refused(WriteArtifact(other.a), f.expect),
            "artifact: compiled with epoch interruption on, this engine has it off");

  other = Fixture();
  other.a.features = "+sse2,+quantum-ops";
  EXPECT_EQ(refused(WriteArtifact(other.a), f.expect),
            "artifact: compiled for CPU x86-64: needs CPU feature 'quantum-ops', which this "
            "loader cannot check");
}

TEST(Artifact, MissingHostCpuFeatureIsRefused) {
  // A feature this host lacks: AMD-only or Intel-only ones, one of which every CPU is missing.
  std::string absent;
  for (const char* name : {"xop", "fma4", "tbm", "avx512fp16", "amx-tile", "sse4a", "avx512f"})
    if (HostHasCpuFeature(name) == false) absent = name;
  if (absent.empty()) GTEST_SKIP() << "this host has every candidate feature";
  Fixture f;
  f.a.features = "+sse2,+" + absent;
  Result<Artifact> r = ReadArtifact(WriteArtifact(f.a), f.expect);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "artifact: compiled for CPU x86-64: needs CPU feature '" + absent +
                                   "', which this host lacks");
}

TEST(CpuFeatures, BaselineIsPresentAndDisabledFeaturesAreNotRequired) {
  EXPECT_EQ(HostHasCpuFeature("sse2"), true);
  EXPECT_EQ(HostHasCpuFeature("64bit"), true);
  EXPECT_EQ(HostHasCpuFeature("no-such-feature"), std::nullopt);
  EXPECT_EQ(MissingCpuFeature("+sse2,+cx8,-quantum-ops,-avx512f"), "");
}

TEST(Artifact, StructuralLiesWithValidChecksumsAreRefused) {
  // An artifact whose checksums are right but whose tables are not (a buggy or hostile
  // writer): the function table pointing past the object, offset maps out of order.
  Fixture f;
  f.a.funcs[1].entry = f.object.size() + 1;
  Result<Artifact> r = ReadArtifact(WriteArtifact(f.a), f.expect);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("outside the object"), std::string::npos) << r.error().message;
  f = Fixture();
  f.a.offset_maps[1].code_offset = 0;  // below its predecessor's 0? equal is allowed; make it
  f.a.offset_maps[0].code_offset = 9;  // out of order
  r = ReadArtifact(WriteArtifact(f.a), f.expect);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("out of order"), std::string::npos) << r.error().message;
  // An inline frame whose parent is itself or later (a cycle), an entry naming no frame.
  f = Fixture();
  f.a.inline_frames[0].parent = 1;
  r = ReadArtifact(WriteArtifact(f.a), f.expect);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("inline frame out of order"), std::string::npos) << r.error().message;
  f = Fixture();
  f.a.offset_maps[0].inline_id = 3;
  r = ReadArtifact(WriteArtifact(f.a), f.expect);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("names no inline frame"), std::string::npos) << r.error().message;
}

TEST(OptArtifact, AbiHashIsStableAndConfigMapsOptions) {
  EXPECT_EQ(opt::CodeAbiHash(), opt::CodeAbiHash());
  opt::Options o;
  o.canonicalize_nans = Config::NanCanonicalization::kArithmetic;
  o.bounds = opt::BoundsMode::kGuardPages;
  CodeConfig c = opt::CodeConfigOf(o);
  EXPECT_EQ(c.canonicalize_nans, 2);
  EXPECT_EQ(c.bounds, 1);
  EXPECT_NE(c.Hash(), CodeConfig{}.Hash());
}

}  // namespace
}  // namespace nw::aot

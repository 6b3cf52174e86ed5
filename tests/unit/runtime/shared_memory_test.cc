// Shared memories (Features::shared_memory, the threads proposal's memory types) are decoded
// and validated but never run: Module::FromBinary/FromDesc refuse a module that defines or
// imports one before the tier compiles it (a tier that records what it is given sees none),
// Memory::Create refuses a shared type, and without the feature the 2.0 errors are unchanged.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "interp/interp.h"
#include "runtime/tier.h"
#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

// The interpreter, counting the modules it compiles and those among them with a shared memory.
struct Seen {
  int compiles = 0, shared = 0;
};
Seen g_seen;

class RecordingTier final : public Tier {
 public:
  std::string_view Name() const override { return "recording"; }
  Result<std::unique_ptr<const CompiledCode>> Compile(const ModuleEnv& env) const override {
    ++g_seen.compiles;
    for (const Import& im : env.desc.imports)
      if (im.kind == ExternKind::kMemory && im.memory.shared) ++g_seen.shared;
    for (const MemoryType& t : env.desc.memories)
      if (t.shared) ++g_seen.shared;
    return interp::InterpTier().Compile(env);
  }
  StoreContext* NewStoreContext(Store& store, const Config& config) const override {
    return interp::InterpTier().NewStoreContext(store, config);
  }
  void DeleteStoreContext(StoreContext* ctx) const override {
    interp::InterpTier().DeleteStoreContext(ctx);
  }
};

Config Threads() {
  Config c;
  c.features.shared_memory = true;
  return c;
}

std::vector<uint8_t> Bytes(std::initializer_list<uint8_t> sections) {
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  m.insert(m.end(), sections);
  return m;
}

// (memory 1 2 shared), at 0xb; (import "" "m" (memory 1 2 shared)), the entry at 0xb.
const std::vector<uint8_t> kDefines = Bytes({0x05, 0x04, 0x01, 0x03, 0x01, 0x02});
const std::vector<uint8_t> kImports =
    Bytes({0x02, 0x08, 0x01, 0x00, 0x01, 'm', 0x02, 0x03, 0x01, 0x02});

class SharedMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override { g_seen = {}; }
  RecordingTier tier_;
};

TEST_F(SharedMemoryTest, BinaryModuleRefusedBeforeTheTier) {
  Engine engine(Threads(), tier_);
  auto d = Module::FromBinary(engine, kDefines);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().message, "shared memories (threads) are not supported: memory 0 is shared");
  EXPECT_EQ(d.error().offset, 0xbu);
  auto i = Module::FromBinary(engine, kImports);
  ASSERT_FALSE(i.has_value());
  EXPECT_EQ(i.error().message,
            "shared memories (threads) are not supported: memory 0 (import \"\" \"m\") is shared");
  EXPECT_EQ(i.error().offset, 0xbu);
  EXPECT_EQ(g_seen.compiles, 0);
  // The same engine compiles a module whose memory is not shared.
  auto plain = Module::FromBinary(engine, Bytes({0x05, 0x04, 0x01, 0x01, 0x01, 0x02}));
  ASSERT_TRUE(plain.has_value()) << plain.error().ToString();
  EXPECT_EQ(g_seen.compiles, 1);
  EXPECT_EQ(g_seen.shared, 0);
}

TEST_F(SharedMemoryTest, WithoutTheFeatureTheFlagIsMalformed) {
  Engine engine(Config{}, tier_);
  auto d = Module::FromBinary(engine, kDefines);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().message, "integer too large");
  EXPECT_EQ(d.error().offset, 0xbu);
  auto i = Module::FromBinary(engine, kImports);
  ASSERT_FALSE(i.has_value());
  EXPECT_EQ(i.error().message, "integer too large");
  EXPECT_EQ(i.error().offset, 0xfu);
  EXPECT_EQ(g_seen.compiles, 0);
}

TEST_F(SharedMemoryTest, TextModuleRefused) {
  // From text, the description's own features (or the engine's) decide whether `shared` is
  // valid; valid or not, nothing reaches the tier.
  auto desc = ParseWat(R"((module (memory 1 1 shared) (func (export "f"))))");
  ASSERT_TRUE(desc.has_value()) << desc.error().ToString();
  {
    Engine engine(Config{}, tier_);
    auto m = Module::FromDesc(engine, *desc);
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(m.error().message, "shared memory needs the threads proposal (Features::shared_memory)");
    desc->features.shared_memory = true;  // as the component loader's descriptions are
    m = Module::FromDesc(engine, *desc);
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(m.error().message, "shared memories (threads) are not supported: memory 0 is shared");
  }
  {
    Engine engine(Threads(), tier_);
    auto no_max = ParseWat(R"((module (import "env" "mem" (memory 1 shared))))");
    ASSERT_TRUE(no_max.has_value()) << no_max.error().ToString();
    auto m = Module::FromDesc(engine, std::move(*no_max));
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(m.error().message, "shared memory must have maximum");  // invalid first
  }
  EXPECT_EQ(g_seen.compiles, 0);
}

TEST_F(SharedMemoryTest, HostMemoryCannotBeShared) {
  Engine engine(Threads(), tier_);
  Store store(engine);
  EXPECT_EQ(Memory::Create(store, MemoryType{Limits{1, 2}, true}), nullptr);
  Memory* m = Memory::Create(store, MemoryType{Limits{1, 2}, false});
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->type().shared);
}

}  // namespace
}  // namespace nw

// The opt tier never compiles a module with a shared memory (threads proposal types,
// Features::shared_memory): an engine on the opt tier refuses it in Module::FromDesc, and
// CompileModule, which `nanowasm compile` calls directly, refuses it too.
#include <gtest/gtest.h>

#include "opt/compiler.h"
#include "runtime/vm.h"
#include "text/wat.h"

namespace nw::opt::test {
namespace {

constexpr std::string_view kShared = R"((module
  (memory (export "m") 1 1 shared)
  (func (export "f") (result i32) (i32.load (i32.const 0)))))";
constexpr std::string_view kMessage =
    "shared memories (threads) are not supported: memory 0 is shared";

TEST(OptSharedMemory, EngineRefusesBeforeCompiling) {
  Config c;
  c.tier = Config::ExecutionTier::kOpt;
  c.features.shared_memory = true;
  Engine engine(c);
  auto desc = ParseWat(kShared);
  ASSERT_TRUE(desc) << desc.error().ToString();
  auto m = Module::FromDesc(engine, std::move(*desc));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, kMessage);
}

TEST(OptSharedMemory, CompileModuleRefuses) {
  auto desc = ParseWat(kShared);
  ASSERT_TRUE(desc) << desc.error().ToString();
  desc->features.shared_memory = true;
  auto compiled = CompileModule(*desc, Options{});
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().message, kMessage);
}

}  // namespace
}  // namespace nw::opt::test

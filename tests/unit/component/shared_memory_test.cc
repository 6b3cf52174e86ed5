// Shared memories (the threads proposal's memory types) in components: core modules of
// components are decoded with Features::shared_memory on, so `(memory 1 2 shared)` parses,
// prints, encodes and decodes (in core modules and in core module types); core import matching
// checks the shared flag before the limits (the reference suite's "mismatch in the shared flag
// for memories"); a shared memory needs a maximum; and instantiating a component whose core
// module defines or imports one is refused with a message, since threads are not implemented.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "component/binary_reader.h"
#include "component/encode.h"
#include "component/instantiate.h"
#include "component/text/component_printer.h"
#include "component/text/component_wat.h"
#include "component/validate.h"

namespace nw::component {
namespace {

// The validation error of component `text` ("valid" when it validates).
std::string ValidationOf(const std::string& text) {
  auto c = ParseComponentText(text);
  if (!c) return "parse: " + c.error().message;
  Status st = ValidateComponent(*c);
  return st ? std::string("valid") : st.error().message;
}

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// Module $m1 imports memory `import_type`, instantiated with module $m2's memory `export_type`.
std::string Linking(std::string_view import_type, std::string_view export_type) {
  return "(component (core module $m1 (import \"\" \"m\" (memory " + std::string(import_type) +
         "))) (core module $m2 (memory (export \"m\") " + std::string(export_type) +
         ")) (core instance $i (instantiate $m2)) (core instance (instantiate $m1 (with \"\" "
         "(instance $i)))))";
}

TEST(ComponentSharedMemory, ImportMatchingChecksTheSharedFlag) {
  EXPECT_TRUE(Contains(ValidationOf(Linking("1 2 shared", "1")),
                       "mismatch in the shared flag for memories"));
  EXPECT_TRUE(Contains(ValidationOf(Linking("1 2", "1 2 shared")),
                       "mismatch in the shared flag for memories"));
  // The flag is checked before the limits (the limits here would not match either).
  EXPECT_TRUE(Contains(ValidationOf(Linking("2 2 shared", "1")),
                       "mismatch in the shared flag for memories"));
  EXPECT_EQ(ValidationOf(Linking("1 2 shared", "1 2 shared")), "valid");
  EXPECT_EQ(ValidationOf(Linking("1 4 shared", "2 3 shared")), "valid");
  EXPECT_TRUE(Contains(ValidationOf(Linking("1 2 shared", "1 3 shared")),
                       "mismatch in memory limits"));
}

TEST(ComponentSharedMemory, NeedsAMaximum) {
  EXPECT_TRUE(Contains(ValidationOf("(component (core module (memory 1 shared)))"),
                       "shared memory must have maximum"));
  EXPECT_TRUE(Contains(
      ValidationOf("(component (core type (module (import \"\" \"m\" (memory 1 shared)))))"),
      "shared memory must have maximum"));
}

// A core module type with a shared memory: text -> AST -> binary -> decode -> print -> parse
// -> binary, the same bytes; and the declared type is what an instantiation is matched against.
TEST(ComponentSharedMemory, ModuleTypeRoundTripsAndMatches) {
  const std::string text =
      "(component (core type $t (module (import \"\" \"m\" (memory 1 2 shared)) "
      "(export \"e\" (memory 0 1 shared)))))";
  auto c = ParseComponentText(text);
  ASSERT_TRUE(c) << c.error().ToString();
  ASSERT_TRUE(ValidateComponent(*c));
  std::vector<uint8_t> b1 = EncodeComponent(*c);
  auto decoded = DecodeComponent(b1);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  auto printed = PrintComponentText(*decoded);
  ASSERT_TRUE(printed) << printed.error().ToString();
  EXPECT_TRUE(Contains(*printed, "(memory 1 2 shared)")) << *printed;
  EXPECT_TRUE(Contains(*printed, "(memory 0 1 shared)")) << *printed;
  auto back = ParseComponentText(*printed);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(EncodeComponent(*back), b1);

  // An imported module of that type takes only a shared memory.
  const std::string importing =
      "(component (import \"m\" (core module $M (import \"\" \"m\" (memory 1 2 shared)))) "
      "(core module $plain (memory (export \"m\") 1 2)) "
      "(core instance $i (instantiate $plain)) "
      "(core instance (instantiate $M (with \"\" (instance $i)))))";
  EXPECT_TRUE(Contains(ValidationOf(importing), "mismatch in the shared flag for memories"));
}

// In the binary form of a core module type, memory limits flags 2 and 3 are the shared ones;
// above 3 is malformed, as are 2 and 3 for a table.
TEST(ComponentSharedMemory, BinaryModuleTypeFlags) {
  auto c = ParseComponentText(
      "(component (core type (module (import \"\" \"m\" (memory 1 2 shared)))))");
  ASSERT_TRUE(c) << c.error().ToString();
  std::vector<uint8_t> bytes = EncodeComponent(*c);
  // The memory's limits: flags 03, min 01, max 02, the last three bytes of the import.
  ASSERT_GE(bytes.size(), 3u);
  size_t flags_at = bytes.size() - 3;
  ASSERT_EQ(bytes[flags_at], 0x03);
  ASSERT_TRUE(DecodeComponent(bytes));
  bytes[flags_at] = 0x07;
  auto bad = DecodeComponent(bytes);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().offset, flags_at) << bad.error().ToString();
  EXPECT_TRUE(Contains(bad.error().message, "limits")) << bad.error().ToString();
}

class ComponentSharedMemoryRun : public ::testing::Test {
 protected:
  // Parses and validates `text`, then instantiates it: the instantiation's error.
  std::string InstantiationError(const std::string& text) {
    auto c = ParseComponentText(text);
    EXPECT_TRUE(c) << c.error().ToString();
    if (!c) return "";
    Status st = ValidateComponent(*c);
    EXPECT_TRUE(st) << st.error().ToString();
    components_.push_back(std::move(*c));
    auto inst = cs_.Instantiate(components_.back(), {});
    EXPECT_FALSE(inst);
    return inst ? std::string("(instantiated)") : inst.error().message;
  }

  std::deque<Component> components_;  // outlive the store, as Instantiate requires
  Engine engine_;
  Store store_{engine_};
  ComponentStore cs_{store_};
};

TEST_F(ComponentSharedMemoryRun, InstantiationIsRefused) {
  std::string defines = InstantiationError(
      "(component (core module $m (memory (export \"m\") 1 2 shared)) "
      "(core instance (instantiate $m)))");
  EXPECT_TRUE(Contains(defines, "shared memories (threads) are not supported: memory 0 is shared"))
      << defines;
  std::string imports = InstantiationError(Linking("1 2 shared", "1 2 shared"));
  EXPECT_TRUE(Contains(imports, "shared memories (threads) are not supported")) << imports;
}

}  // namespace
}  // namespace nw::component

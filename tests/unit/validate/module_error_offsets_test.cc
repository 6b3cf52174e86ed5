// Validation errors outside function bodies point at the entry that caused them in the binary
// (table, memory, import, export, start), so `nanowasm validate x.wasm` prints `x.wasm:0xOFF:`;
// modules built otherwise (from text) have no offsets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "format/decode.h"
#include "validate/validate.h"

namespace nw {
namespace {

struct Case {
  const char* what;
  std::vector<uint8_t> bytes;
  size_t offset;
  const char* message;
};

std::vector<uint8_t> Module(std::initializer_list<uint8_t> sections) {
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  m.insert(m.end(), sections);
  return m;
}

TEST(ModuleErrorOffsets, PointAtTheEntry) {
  const Case cases[] = {
      // table section: count 1 at 0xa, the table at 0xb: funcref, min 20,000,000
      {"table", Module({0x04, 0x07, 0x01, 0x70, 0x00, 0x80, 0xda, 0xc4, 0x09}), 0xb,
       "table initial size (20000000) exceeds the implementation limit of 10000000"},
      // memory section: 70,000 pages at 0xb
      {"memory", Module({0x05, 0x05, 0x01, 0x00, 0xf0, 0xa2, 0x04}), 0xb,
       "memory size must be at most 65536 pages (4GiB)"},
      // two memories: the second at 0xd
      {"second memory", Module({0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01}), 0xd,
       "multiple memories"},
      // import "m" "f" of type 5 (no types): the import entry at 0xb
      {"import", Module({0x02, 0x07, 0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x05}), 0xb,
       "unknown type 5"},
      // export "a" of function 3 (no functions) at 0xb
      {"export", Module({0x07, 0x05, 0x01, 0x01, 'a', 0x00, 0x03}), 0xb, "unknown function 3"},
      // start function 2 (no functions): the index at 0xa
      {"start", Module({0x08, 0x01, 0x02}), 0xa, "unknown function 2"},
  };
  for (const Case& c : cases) {
    auto m = DecodeModule(c.bytes);
    ASSERT_TRUE(m.has_value()) << c.what << ": " << m.error().ToString();
    Status st = ValidateModule(*m);
    ASSERT_FALSE(st.has_value()) << c.what;
    EXPECT_EQ(st.error().offset, c.offset) << c.what << ": " << st.error().ToString();
    EXPECT_EQ(st.error().message, c.message) << c.what;
  }
}

// Shared memories (Features::shared_memory) without a maximum: the memory entry, and the
// import entry for an imported one.
TEST(ModuleErrorOffsets, SharedMemoryWithoutMaximum) {
  Features threads;
  threads.shared_memory = true;
  const Case cases[] = {
      // memory section: flags 2 (shared, no max) at 0xb
      {"memory", Module({0x05, 0x03, 0x01, 0x02, 0x01}), 0xb, "shared memory must have maximum"},
      // import "" "m" memory flags 2: the import entry at 0xb
      {"import", Module({0x02, 0x07, 0x01, 0x00, 0x01, 'm', 0x02, 0x02, 0x01}), 0xb,
       "shared memory must have maximum"},
  };
  for (const Case& c : cases) {
    auto m = DecodeModule(c.bytes, threads);
    ASSERT_TRUE(m.has_value()) << c.what << ": " << m.error().ToString();
    Status st = ValidateModule(*m);
    ASSERT_FALSE(st.has_value()) << c.what;
    EXPECT_EQ(st.error().offset, c.offset) << c.what << ": " << st.error().ToString();
    EXPECT_EQ(st.error().message, c.message) << c.what;
  }
}

TEST(ModuleErrorOffsets, DuplicateExportPointsAtTheSecond) {
  // type () -> (); func 0; exports "a" (0x15) and "a" (0x19); code
  std::vector<uint8_t> bytes =
      Module({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x09, 0x02,
              0x01, 'a', 0x00, 0x00, 0x01, 'a', 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b});
  auto m = DecodeModule(bytes);
  ASSERT_TRUE(m.has_value()) << m.error().ToString();
  Status st = ValidateModule(*m);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().message, "duplicate export name");
  EXPECT_EQ(st.error().offset, 0x19u);
}

TEST(ModuleErrorOffsets, ModulesNotFromABinaryHaveNone) {
  ModuleDesc m;  // as the text parser builds it: no offsets recorded
  m.memories.resize(2);
  Status st = ValidateModule(m);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().message, "multiple memories");
  EXPECT_EQ(st.error().offset, kNoOffset);
}

}  // namespace
}  // namespace nw

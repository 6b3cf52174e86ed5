// Encoder tests and decode/encode round trips: modules built in code, truncation of a valid
// module at every byte, and every `(module binary ...)` of the spec testsuite.
#include <gtest/gtest.h>

#include <filesystem>

#include "format/binary_reader.h"
#include "format/decode.h"
#include "format/encode.h"
#include "test_util.h"

namespace nw {
namespace {

using test::Hex;
using test::Mod;

ConstExpr Expr(std::string_view hex) {
  return ConstExpr{Hex(hex), 0};
}

// A module description built without any binary: the encoder must choose canonical forms.
ModuleDesc BuildModule() {
  ModuleDesc m;
  m.types.push_back({{ValType::kI32, ValType::kF64}, {ValType::kExternRef}});
  m.types.push_back({});
  Import im;
  im.module = "env";
  im.name = "g\xc3\xa9";  // UTF-8
  im.kind = ExternKind::kGlobal;
  im.global = {ValType::kF32, false};
  m.imports.push_back(im);
  Function f;
  f.type_index = 1;
  f.locals = {{3, ValType::kI64}, {1, ValType::kFuncRef}};
  f.body = Hex("01 0b");
  m.functions.push_back(f);
  m.tables.push_back({ValType::kFuncRef, {1, 300}});
  m.memories.push_back({{1, std::nullopt}});
  m.globals.push_back({{ValType::kI32, true}, Expr("41 c0 00 0b")});
  m.exports.push_back({"run", ExternKind::kFunc, 1});
  m.exports.push_back({"mem", ExternKind::kMemory, 0});
  m.start = 1;
  ElemSegment active;  // flags left at 0 but table 1: the encoder must pick variant 2
  active.table_index = 1;
  active.offset = Expr("41 00 0b");
  active.func_indices = {1, 1};
  m.elems.push_back(active);
  ElemSegment declared;
  declared.mode = SegmentMode::kDeclarative;
  declared.flags = 3;
  declared.func_indices = {1};
  m.elems.push_back(declared);
  DataSegment d;
  d.offset = Expr("41 10 0b");
  d.bytes = {1, 2, 3};
  m.datas.push_back(d);
  DataSegment passive;
  passive.mode = SegmentMode::kPassive;
  passive.flags = 1;
  m.datas.push_back(passive);
  m.data_count = 2;
  m.customs.push_back({"first", {9}, 0, 0});
  m.customs.push_back({"after-memory", {}, 5, 0});
  m.names.functions[1] = "run";
  m.names.locals[1][0] = "a";
  m.CountImports();
  return m;
}

TEST(Encode, BuiltModuleDecodesBack) {
  ModuleDesc m = BuildModule();
  auto bytes = EncodeModule(m);
  auto r = DecodeModule(bytes);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->types, m.types);
  ASSERT_EQ(r->imports.size(), 1u);
  EXPECT_EQ(r->imports[0].name, m.imports[0].name);
  EXPECT_EQ(r->imports[0].global, m.imports[0].global);
  EXPECT_EQ(r->num_imported_globals, 1u);
  ASSERT_EQ(r->functions.size(), 1u);
  EXPECT_EQ(r->functions[0].body, m.functions[0].body);
  ASSERT_EQ(r->functions[0].locals.size(), 2u);
  EXPECT_EQ(r->functions[0].locals[1].type, ValType::kFuncRef);
  EXPECT_EQ(r->tables, m.tables);
  EXPECT_EQ(r->memories, m.memories);
  EXPECT_EQ(r->globals[0].init.bytes, m.globals[0].init.bytes);
  EXPECT_EQ(r->exports.size(), 2u);
  EXPECT_EQ(r->start, 1u);
  ASSERT_EQ(r->elems.size(), 2u);
  EXPECT_EQ(r->elems[0].flags, 2u);
  EXPECT_EQ(r->elems[0].table_index, 1u);
  EXPECT_EQ(r->elems[0].func_indices, m.elems[0].func_indices);
  EXPECT_EQ(r->elems[1].mode, SegmentMode::kDeclarative);
  ASSERT_EQ(r->datas.size(), 2u);
  EXPECT_EQ(r->datas[0].bytes, m.datas[0].bytes);
  EXPECT_EQ(r->datas[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(r->data_count, 2u);
  // Customs in place: "first" before everything, "after-memory" right after section 5,
  // and a name section generated from `names` at the end.
  ASSERT_EQ(r->customs.size(), 3u);
  EXPECT_EQ(r->customs[0].name, "first");
  EXPECT_EQ(r->customs[0].after, 0);
  EXPECT_EQ(r->customs[0].bytes, (std::vector<uint8_t>{9}));
  EXPECT_EQ(r->customs[1].name, "after-memory");
  EXPECT_EQ(r->customs[1].after, 5);
  EXPECT_EQ(r->customs[2].name, "name");
  EXPECT_EQ(r->names.functions, m.names.functions);
  EXPECT_EQ(r->names.locals, m.names.locals);
  // Re-encoding the decoded module is a fixpoint.
  EXPECT_EQ(EncodeModule(*r), bytes);
}

TEST(Encode, EmptySectionsSurviveOnlyWhenPresent) {
  auto bytes = Mod("01 01 00 03 01 00 0a 01 00 0b 01 00");
  auto r = DecodeModule(bytes);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(EncodeModule(*r), bytes);
  EXPECT_EQ(EncodeModule(ModuleDesc{}), Mod());
}

TEST(Encode, CanonicalisesInconsistentFlags) {
  ModuleDesc m;
  DataSegment d;  // memory 1 but flags 0: must be written as variant 2
  d.memory_index = 1;
  d.offset = Expr("41 00 0b");
  m.datas.push_back(d);
  EXPECT_EQ(EncodeModule(m), Mod("0b 07 01 02 01 41 00 0b 00"));
}

// Where a module's sections begin and end (offsets at which a prefix is itself a module).
std::vector<size_t> SectionBoundaries(const std::vector<uint8_t>& bytes) {
  struct Bounds : BinaryDelegate {
    std::vector<size_t> starts;
    Status OnSectionStart(SectionId, size_t offset, uint32_t) override {
      starts.push_back(offset);
      return Ok();
    }
  } b;
  EXPECT_TRUE(ReadBinary(bytes, b));
  b.starts.push_back(bytes.size());
  return b.starts;
}

TEST(RoundTrip, TruncationAtEveryByteFailsCleanly) {
  auto bytes = EncodeModule(BuildModule());
  auto bounds = SectionBoundaries(bytes);
  size_t errors = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    // A copy of exactly n bytes, so a read past the end is visible to sanitizers.
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
    auto r = DecodeModule(prefix);
    bool boundary = std::find(bounds.begin(), bounds.end(), n) != bounds.end();
    if (!boundary) {
      ASSERT_FALSE(r) << "prefix of " << n << " bytes decoded";
    }
    if (!r) {
      ++errors;
      EXPECT_LE(r.error().offset, n) << r.error().ToString();
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_GT(errors, bytes.size() / 2);
}

// Every binary module of the spec testsuite: each well-formed one must re-encode to a
// binary that decodes to the same re-encoding (a fixpoint), and byte-identically when the
// original used minimal encodings; each assert_malformed one the reader rejects must be
// rejected with the spec's message.
TEST(RoundTrip, SpecTestsuiteBinaries) {
  auto dir = test::TestsuiteDir() / "core-2.0";
  if (!std::filesystem::exists(dir)) {
    GTEST_SKIP() << "*** SPEC TESTSUITE NOT FOUND at " << dir
                 << " (set NANOWASM_TESTSUITE): round trips over it SKIPPED ***";
  }
  size_t decoded = 0, identical = 0, rejected = 0, left_to_validator = 0;
  const bool verbose = std::getenv("NW_FORMAT_VERBOSE") != nullptr;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".wast")
      continue;
    std::string text = test::ReadFile(entry.path());
    for (const auto& b : test::ExtractBinaryModules(text)) {
      std::string where = entry.path().filename().string() + ":" + std::to_string(b.line);
      auto r = DecodeModule(b.bytes);
      if (b.malformed) {
        if (r) {
          ++left_to_validator;  // malformed inside a function body: the body decoder's job
          if (verbose)
            std::printf("left to validator: %s %s\n", where.c_str(), b.expected_message.c_str());
        } else {
          ++rejected;
          EXPECT_TRUE(r.error().message.starts_with(b.expected_message))
              << where << ": expected \"" << b.expected_message << "\", got "
              << r.error().ToString();
        }
        continue;
      }
      ASSERT_TRUE(r) << where << ": " << r.error().ToString();
      ++decoded;
      auto again = EncodeModule(*r);
      if (again == b.bytes) {
        ++identical;
        continue;
      }
      if (verbose)
        std::printf("not identical: %s\n", where.c_str());
      // Only non-minimal encodings may differ, and minimal ones are strictly shorter.
      EXPECT_LT(again.size(), b.bytes.size()) << where;
      auto r2 = DecodeModule(again);
      ASSERT_TRUE(r2) << where << ": re-encoding does not decode: " << r2.error().ToString();
      EXPECT_EQ(EncodeModule(*r2), again) << where << ": encoding is not a fixpoint";
      EXPECT_EQ(r2->functions.size(), r->functions.size()) << where;
      EXPECT_EQ(r2->customs.size(), r->customs.size()) << where;
    }
  }
  std::printf(
      "spec binaries: %zu decoded, %zu byte-identical round trips, %zu malformed "
      "rejected, %zu malformed left to the body decoder\n",
      decoded, identical, rejected, left_to_validator);
  EXPECT_GE(decoded, 60u);
  EXPECT_GE(identical, 35u);
  EXPECT_GE(rejected, 700u);
  // What stays for the body decoder: reserved zero bytes and memarg flags.
  EXPECT_LE(left_to_validator, 15u);
}

}  // namespace
}  // namespace nw

namespace nw {
namespace {

// Random byte flips of a valid module: never a crash, and whatever decodes re-encodes to a
// binary that decodes again.
TEST(RoundTrip, MutatedModulesNeverCrash) {
  const auto base = EncodeModule(BuildModule());
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  size_t ok = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    auto bytes = base;
    int flips = 1 + static_cast<int>(next() % 3);
    for (int k = 0; k < flips; ++k) {
      bytes[8 + next() % (bytes.size() - 8)] = static_cast<uint8_t>(next());
    }
    auto r = DecodeModule(bytes);
    if (!r) {
      EXPECT_LE(r.error().offset, bytes.size());
      continue;
    }
    ++ok;
    auto again = DecodeModule(EncodeModule(*r));
    EXPECT_TRUE(again) << again.error().ToString();
  }
  EXPECT_GT(ok, 0u);
}

}  // namespace
}  // namespace nw

namespace nw {
namespace {

// SIMD is not in the opcode list yet: its binaries must still decode or fail cleanly.
TEST(RoundTrip, SimdBinariesNeverCrash) {
  auto dir = test::TestsuiteDir() / "core-2.0" / "simd";
  if (!std::filesystem::exists(dir)) {
    GTEST_SKIP() << "*** SPEC TESTSUITE NOT FOUND at " << dir << ": SKIPPED ***";
  }
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".wast") continue;
    for (const auto& b : test::ExtractBinaryModules(test::ReadFile(entry.path()))) {
      ++seen;
      auto r = DecodeModule(b.bytes);
      if (!r) EXPECT_LE(r.error().offset, b.bytes.size());
    }
  }
  EXPECT_GT(seen, 0u);
}

}  // namespace
}  // namespace nw

// Decoding of every section kind and every malformed case the binary reader reports, with
// the exact offsets.
#include <gtest/gtest.h>

#include "format/binary_reader.h"
#include "format/decode.h"
#include "format/encode.h"
#include "test_util.h"

namespace nw {
namespace {

using test::Hex;
using test::Mod;

// A module with every section kind (and two custom sections), hand-assembled.
const char* const kAllSections =
    "01 09 02 60 01 7f 01 7e 60 00 00"  // types: (i32)->(i64), ()->()
    "00 03 02 63 31"                    // custom "c1", empty payload
    "02 20 04"                          // imports
    "  01 6d 01 66 00 01"               //   m.f func type 1
    "  01 6d 01 74 01 70 01 01 02"      //   m.t table funcref 1..2
    "  01 6d 03 6d 65 6d 02 00 01"      //   m.mem memory 1
    "  01 6d 01 67 03 7f 01"            //   m.g global mut i32
    "03 03 02 01 00"                    // functions: type 1, type 0
    "04 04 01 6f 00 00"                 // table externref 0
    "05 04 01 01 01 02"                 // memory 1..2
    "06 06 01 7e 00 42 7f 0b"           // global i64 = i64.const -1
    "07 05 01 01 66 00 02"              // export "f" func 2
    "08 01 01"                          // start func 1
    "09 11 02"                          // elems
    "  00 41 00 0b 02 01 02"            //   active table 0 offset 0: funcs 1 2
    "  05 70 02 d2 01 0b d0 70 0b"      //   passive funcref exprs: ref.func 1, ref.null func
    "0c 01 02"                          // data count 2
    "0a 0b 02"                          // code
    "  04 01 02 7f 0b"                  //   2 x i32 locals; end
    "  04 00 42 00 0b"                  //   i64.const 0; end
    "0b 0b 02"                          // data
    "  00 41 08 0b 02 68 69"            //   active offset 8: "hi"
    "  01 01 78"                        //   passive "x"
    "00 17 04 6e 61 6d 65"              // custom "name"
    "  00 02 01 4d"                     //   module "M"
    "  01 04 01 01 01 67"               //   func 1 "g"
    "  02 06 01 01 01 00 01 78";        //   func 1 local 0 "x"

TEST(Decode, EmptyModule) {
  auto m = DecodeModule(Mod());
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_TRUE(m->types.empty());
  EXPECT_TRUE(m->functions.empty());
  EXPECT_EQ(m->section_mask, 0u);
}

TEST(Decode, AllSections) {
  auto bytes = Mod(kAllSections);
  auto r = DecodeModule(bytes);
  ASSERT_TRUE(r) << r.error().ToString();
  const ModuleDesc& m = *r;

  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0], (FuncType{{ValType::kI32}, {ValType::kI64}}));
  EXPECT_EQ(m.types[1], FuncType{});

  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[0].module, "m");
  EXPECT_EQ(m.imports[0].name, "f");
  EXPECT_EQ(m.imports[0].kind, ExternKind::kFunc);
  EXPECT_EQ(m.imports[0].func_type, 1u);
  EXPECT_EQ(m.imports[1].kind, ExternKind::kTable);
  EXPECT_EQ(m.imports[1].table, (TableType{ValType::kFuncRef, Limits{1, 2}}));
  EXPECT_EQ(m.imports[2].kind, ExternKind::kMemory);
  EXPECT_EQ(m.imports[2].name, "mem");
  EXPECT_EQ(m.imports[2].memory.limits, (Limits{1, std::nullopt}));
  EXPECT_EQ(m.imports[3].kind, ExternKind::kGlobal);
  EXPECT_EQ(m.imports[3].global, (GlobalType{ValType::kI32, true}));
  EXPECT_EQ(m.num_imported_funcs, 1u);
  EXPECT_EQ(m.num_imported_tables, 1u);
  EXPECT_EQ(m.num_imported_memories, 1u);
  EXPECT_EQ(m.num_imported_globals, 1u);

  ASSERT_EQ(m.functions.size(), 2u);
  EXPECT_EQ(m.functions[0].type_index, 1u);
  EXPECT_EQ(m.functions[1].type_index, 0u);
  ASSERT_EQ(m.functions[0].locals.size(), 1u);
  EXPECT_EQ(m.functions[0].locals[0].count, 2u);
  EXPECT_EQ(m.functions[0].locals[0].type, ValType::kI32);
  EXPECT_EQ(m.functions[0].body, Hex("0b"));
  EXPECT_TRUE(m.functions[1].locals.empty());
  EXPECT_EQ(m.functions[1].body, Hex("42 00 0b"));
  for (const auto& f : m.functions) {
    // Offsets point at the same bytes in the input.
    ASSERT_LT(f.body_offset + f.body.size(), bytes.size() + 1);
    EXPECT_TRUE(std::equal(f.body.begin(), f.body.end(), bytes.begin() + f.body_offset));
    EXPECT_EQ(bytes[f.code_offset], 0x04);  // the entry size
  }

  ASSERT_EQ(m.tables.size(), 1u);
  EXPECT_EQ(m.tables[0], (TableType{ValType::kExternRef, Limits{0, std::nullopt}}));
  ASSERT_EQ(m.memories.size(), 1u);
  EXPECT_EQ(m.memories[0].limits, (Limits{1, 2}));

  ASSERT_EQ(m.globals.size(), 1u);
  EXPECT_EQ(m.globals[0].type, (GlobalType{ValType::kI64, false}));
  EXPECT_EQ(m.globals[0].init.bytes, Hex("42 7f 0b"));
  EXPECT_EQ(bytes[m.globals[0].init.offset], 0x42);

  ASSERT_EQ(m.exports.size(), 1u);
  EXPECT_EQ(m.exports[0].name, "f");
  EXPECT_EQ(m.exports[0].kind, ExternKind::kFunc);
  EXPECT_EQ(m.exports[0].index, 2u);
  EXPECT_EQ(m.start, 1u);

  ASSERT_EQ(m.elems.size(), 2u);
  EXPECT_EQ(m.elems[0].mode, SegmentMode::kActive);
  EXPECT_EQ(m.elems[0].flags, 0u);
  EXPECT_EQ(m.elems[0].table_index, 0u);
  EXPECT_EQ(m.elems[0].offset.bytes, Hex("41 00 0b"));
  EXPECT_EQ(m.elems[0].func_indices, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(m.elems[0].Size(), 2u);
  EXPECT_EQ(m.elems[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(m.elems[1].flags, 5u);
  EXPECT_EQ(m.elems[1].type, ValType::kFuncRef);
  ASSERT_EQ(m.elems[1].exprs.size(), 2u);
  EXPECT_EQ(m.elems[1].exprs[0].bytes, Hex("d2 01 0b"));
  EXPECT_EQ(m.elems[1].exprs[1].bytes, Hex("d0 70 0b"));

  EXPECT_EQ(m.data_count, 2u);
  ASSERT_EQ(m.datas.size(), 2u);
  EXPECT_EQ(m.datas[0].mode, SegmentMode::kActive);
  EXPECT_EQ(m.datas[0].offset.bytes, Hex("41 08 0b"));
  EXPECT_EQ(m.datas[0].bytes, Hex("68 69"));
  EXPECT_EQ(m.datas[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(m.datas[1].flags, 1u);
  EXPECT_EQ(m.datas[1].bytes, Hex("78"));

  ASSERT_EQ(m.customs.size(), 2u);
  EXPECT_EQ(m.customs[0].name, "c1");
  EXPECT_TRUE(m.customs[0].bytes.empty());
  EXPECT_EQ(m.customs[0].after, 1);  // after the type section
  EXPECT_EQ(m.customs[1].name, "name");
  EXPECT_EQ(m.customs[1].after, 11);  // after the data section
  EXPECT_EQ(m.customs[1].bytes.size(), 18u);
  EXPECT_EQ(bytes[m.customs[1].offset], 0x00);  // first subsection id

  EXPECT_EQ(m.names.module, "M");
  EXPECT_EQ(m.names.functions, (std::map<uint32_t, std::string>{{1, "g"}}));
  ASSERT_EQ(m.names.locals.count(1), 1u);
  EXPECT_EQ(m.names.locals.at(1).at(0), "x");
  EXPECT_EQ(m.FuncName(1), "g");

  // Round trip, byte for byte.
  EXPECT_EQ(EncodeModule(m), bytes);
}

TEST(Decode, ElemSegmentVariants) {
  // One segment per flags value 0..7.
  auto r =
      DecodeModule(Mod("09 32 08"
                       "  00 41 00 0b 01 00"        // 0: active table 0, funcs
                       "  01 00 01 00"              // 1: passive, elemkind, funcs
                       "  02 01 41 00 0b 00 01 00"  // 2: active table 1, elemkind, funcs
                       "  03 00 01 00"              // 3: declarative, funcs
                       "  04 41 00 0b 01 d2 00 0b"  // 4: active table 0, exprs
                       "  05 6f 01 d0 6f 0b"        // 5: passive externref exprs
                       "  06 02 41 00 0b 70 00"     // 6: active table 2 funcref, no exprs
                       "  07 70 01 d2 00 0b"));     // 7: declarative exprs
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->elems.size(), 8u);
  const SegmentMode modes[] = {
      SegmentMode::kActive, SegmentMode::kPassive, SegmentMode::kActive, SegmentMode::kDeclarative,
      SegmentMode::kActive, SegmentMode::kPassive, SegmentMode::kActive, SegmentMode::kDeclarative};
  for (uint32_t i = 0; i < 8; ++i) {
    EXPECT_EQ(r->elems[i].flags, i);
    EXPECT_EQ(r->elems[i].mode, modes[i]) << i;
  }
  EXPECT_EQ(r->elems[2].table_index, 1u);
  EXPECT_EQ(r->elems[6].table_index, 2u);
  EXPECT_EQ(r->elems[5].type, ValType::kExternRef);
  EXPECT_EQ(r->elems[4].exprs.size(), 1u);
  EXPECT_EQ(r->elems[6].exprs.size(), 0u);
  EXPECT_EQ(
      EncodeModule(*r),
      Mod("09 32 08 00 41 00 0b 01 00 01 00 01 00 02 01 41 00 0b 00 01 00 03 00 01 00"
          "04 41 00 0b 01 d2 00 0b 05 6f 01 d0 6f 0b 06 02 41 00 0b 70 00 07 70 01 d2 00 0b"));
}

TEST(Decode, DataSegmentWithMemoryIndexAndV128Const) {
  auto r =
      DecodeModule(Mod("06 16 01 7b 00 fd 0c 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 0b"
                       "0b 07 01 02 01 41 00 0b 00"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->globals[0].init.bytes.size(), 19u);
  ASSERT_EQ(r->datas.size(), 1u);
  EXPECT_EQ(r->datas[0].flags, 2u);
  EXPECT_EQ(r->datas[0].memory_index, 1u);
  EXPECT_TRUE(r->datas[0].bytes.empty());
}

TEST(Decode, ConstExprStepsOverNestedBlocksAndAnyOpcode) {
  // Not constant, but well formed: the reader must find the right `end`; the validator
  // rejects it later.
  auto r = DecodeModule(Mod("06 0c 01 7f 00 02 40 41 01 0b 23 00 6a 0b"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->globals[0].init.bytes, Hex("02 40 41 01 0b 23 00 6a 0b"));
}

TEST(Decode, LocalsSplitFromBody) {
  auto r =
      DecodeModule(Mod("01 04 01 60 00 00 03 02 01 00"
                       "0a 0a 01 08 03 00 7f 00 7e 02 7d 0b"));
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->functions[0].locals.size(), 3u);
  EXPECT_EQ(r->functions[0].locals[2].count, 2u);
  EXPECT_EQ(r->functions[0].locals[2].type, ValType::kF32);
  EXPECT_EQ(r->functions[0].body, Hex("0b"));
  EXPECT_EQ(r->functions[0].body_offset, 8u + 10 + 11);
  EXPECT_EQ(r->functions[0].code_offset, 8u + 10 + 3);
}

TEST(Decode, NonMinimalLebsAccepted) {
  auto r = DecodeModule(Mod("05 07 01 00 82 80 80 80 00"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->memories[0].limits.min, 2u);
}

TEST(Decode, MalformedNameSectionIsIgnored) {
  // Function names out of order: the names are dropped, the raw section kept.
  auto r = DecodeModule(Mod("00 0d 04 6e 61 6d 65 01 06 02 01 01 61 00 01"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->names.functions.empty());
  ASSERT_EQ(r->customs.size(), 1u);
  EXPECT_EQ(r->customs[0].name, "name");
  // Truncated subsection, bad UTF-8: still a valid module.
  EXPECT_TRUE(DecodeModule(Mod("00 08 04 6e 61 6d 65 01 05 01")));
  EXPECT_TRUE(DecodeModule(Mod("00 09 04 6e 61 6d 65 00 02 01 ff")));
}

TEST(Decode, NameSectionReader) {
  auto names = ReadNameSection(Hex("00 02 01 4d 01 07 02 00 01 61 05 01 62 03 00"));
  ASSERT_TRUE(names) << names.error().ToString();
  EXPECT_EQ(names->module, "M");
  EXPECT_EQ(names->functions, (std::map<uint32_t, std::string>{{0, "a"}, {5, "b"}}));
  auto dup = ReadNameSection(Hex("01 01 00 01 01 00"), 100);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().offset, 103u);
  EXPECT_EQ(dup.error().message, "out-of-order name subsection");
}

TEST(Decode, Utf8Checker) {
  EXPECT_EQ(FindInvalidUtf8("plain"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\x80"), 2u);                // stray continuation
  EXPECT_EQ(FindInvalidUtf8("\xc0\x80"), 0u);              // overlong NUL
  EXPECT_EQ(FindInvalidUtf8("\xe0\x80\x80"), 0u);          // overlong
  EXPECT_EQ(FindInvalidUtf8("x\xed\xa0\x80"), 1u);         // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);      // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xe2\x82"), 0u);              // truncated
  EXPECT_EQ(FindInvalidUtf8("\xf8\x88\x80\x80\x80"), 0u);  // 5-byte form
}

// A delegate error stops the reader and comes back unchanged.
TEST(Decode, DelegateErrorsPropagate) {
  struct Refuser : BinaryDelegate {
    int types = 0;
    Status OnType(uint32_t, FuncType&&) override {
      ++types;
      return MakeError(42, "refused");
    }
  } d;
  auto st = ReadBinary(Mod("01 07 02 60 00 00 60 00 00"), d);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().offset, 42u);
  EXPECT_EQ(st.error().message, "refused");
  EXPECT_EQ(d.types, 1);
}

// --- malformed inputs: exact offset and message ---------------------------------------------

struct BadCase {
  const char* what;
  std::vector<uint8_t> bytes;
  size_t offset;
  const char* message;
};

class Malformed : public testing::TestWithParam<BadCase> {};

TEST_P(Malformed, ReportsOffsetAndMessage) {
  const BadCase& c = GetParam();
  auto r = DecodeModule(c.bytes);
  ASSERT_FALSE(r) << c.what;
  EXPECT_EQ(r.error().message, c.message) << c.what;
  EXPECT_EQ(r.error().offset, c.offset) << c.what << ": " << r.error().ToString();
}

const BadCase kBadCases[] = {
    {"empty", {}, 0, "unexpected end"},
    {"short magic", Hex("00 61 73"), 3, "unexpected end"},
    {"bad magic", Hex("00 41 53 4d 01 00 00 00"), 0, "magic header not detected"},
    {"no version", Hex("00 61 73 6d"), 4, "unexpected end"},
    {"short version", Hex("00 61 73 6d 01 00 00"), 7, "unexpected end"},
    {"bad version", Hex("00 61 73 6d 02 00 00 00"), 4, "unknown binary version"},
    {"section id 13", Mod("0d 01 00"), 8, "malformed section id"},
    {"section id as LEB", Mod("80 01 00 01 01 00"), 8, "malformed section id"},
    {"no section size", Mod("01"), 9, "unexpected end"},
    {"section size beyond input", Mod("01 07 02 60 00 00"), 9, "length out of bounds"},
    {"section size too long LEB", Mod("01 80 80 80 80 80 00"), 14,
     "integer representation too long"},
    {"section longer than content", Mod("01 07 01 60 00 00 60 00 00"), 14, "section size mismatch"},
    {"entry cut short", Mod("04 01 01"), 11, "unexpected end of section or function"},
    {"count beyond input", Mod("01 02 05 60"), 10, "length out of bounds"},
    {"duplicate section", Mod("01 01 00 01 01 00"), 11, "unexpected content after last section"},
    {"section out of order", Mod("03 01 00 01 01 00"), 11, "unexpected content after last section"},
    {"data count after code", Mod("0a 01 00 0c 01 00"), 11,
     "unexpected content after last section"},
    {"bad func type form", Mod("01 04 01 61 00 00"), 11, "malformed function type"},
    {"bad value type", Mod("01 05 01 60 01 40 00"), 13, "malformed value type"},
    {"value type as LEB", Mod("01 06 01 60 01 ff 7f 00"), 14, "integer representation too long"},
    {"bad import kind", Mod("02 04 01 00 00 04"), 13, "malformed import kind"},
    {"bad import kind 0x80", Mod("02 05 01 00 00 80 00"), 13, "malformed import kind"},
    {"bad mutability", Mod("06 06 01 7f 02 41 00 0b"), 12, "malformed mutability"},
    {"bad table reftype", Mod("04 04 01 7f 00 00"), 11, "malformed reference type"},
    {"limits flag 2", Mod("05 02 01 02"), 11, "integer too large"},
    {"limits flag as LEB", Mod("05 05 01 81 00 00 00"), 12, "integer representation too long"},
    {"memory min too large", Mod("05 07 01 00 80 80 80 80 10"), 16, "integer too large"},
    {"bad export kind", Mod("07 05 01 01 66 04 00"), 13, "malformed export kind"},
    {"name beyond input", Mod("07 05 01 09 66 00 00"), 11, "length out of bounds"},
    {"bad UTF-8 export name", Mod("07 06 01 02 66 ff 00 00"), 13, "malformed UTF-8 encoding"},
    {"bad UTF-8 import module", Mod("02 07 01 02 c0 80 00 00 00"), 12, "malformed UTF-8 encoding"},
    {"bad UTF-8 custom name", Mod("00 02 01 ed"), 11, "malformed UTF-8 encoding"},
    {"custom: only id", Mod("00"), 9, "unexpected end"},
    {"custom: empty, no name", Mod("00 00"), 10, "unexpected end of section or function"},
    {"custom: name past section", Mod("00 01 05 61 62 63 64 65"), 11,
     "unexpected end of section or function"},
    {"custom: size beyond input", Mod("00 06 01 61 62"), 9, "length out of bounds"},
    {"global init: illegal opcode", Mod("06 05 01 7f 00 41 00 0a 04 01 02 00 0b"), 15,
     "illegal opcode 0a"},
    {"global init: illegal prefixed opcode", Mod("06 07 01 7f 00 fc 20 0b"), 13,
     "illegal opcode fc 20"},
    {"global init: no end", Mod("06 05 01 7f 00 41 00"), 15,
     "unexpected end of section or function"},
    {"global init: i32.const too large", Mod("06 09 01 7f 00 41 80 80 80 80 70 0b"), 18,
     "integer too large"},
    {"elem flags 8", Mod("09 02 01 08"), 11, "malformed elements segment kind"},
    {"elem kind 1", Mod("09 05 01 01 01 01 00"), 12, "malformed element kind"},
    {"elem exprs reftype i32", Mod("09 07 01 05 7f 01 d2 00 0b"), 12, "malformed reference type"},
    {"elem expr illegal opcode", Mod("09 07 01 05 70 01 f3 00 0b"), 14, "illegal opcode f3"},
    {"data flags 3", Mod("0b 02 01 03"), 11, "malformed data segment kind"},
    {"data bytes cut short", Mod("0b 0c 01 00 41 03 0b 07 61 62 63 64 65 66"), 16,
     "unexpected end of section or function"},
    {"data bytes beyond input", Mod("0b 0b 01 00 41 03 0b 09 61 62 63 64 65"), 15,
     "length out of bounds"},
    {"too many locals", Mod("01 04 01 60 00 00 03 02 01 00 0a 0a 01 08 02 01 7f d1 86 03 7e 0b"),
     25, "too many locals"},
    {"local count too large",
     Mod("01 04 01 60 00 00 03 02 01 00 0a 0c 01 0a 02 80 80 80 80 10 7f"
         "02 7e 0b"),
     27, "integer too large"},
    {"local type bad", Mod("01 04 01 60 00 00 03 02 01 00 0a 05 01 03 01 01 40"), 24,
     "malformed value type"},
    {"locals past body", Mod("01 04 01 60 00 00 03 02 01 00 0a 05 01 03 02 01 7f 0b"), 26,
     "unexpected end of section or function"},
    {"code body beyond input", Mod("01 04 01 60 00 00 03 02 01 00 0a 04 01 07 00 0b"), 21,
     "length out of bounds"},
    {"functions without code", Mod("01 04 01 60 00 00 03 03 02 00 00"), 19,
     "function and code section have inconsistent lengths"},
    {"code without functions", Mod("0a 04 01 02 00 0b"), 10,
     "function and code section have inconsistent lengths"},
    {"fewer bodies than functions", Mod("01 04 01 60 00 00 03 03 02 00 00 0a 04 01 02 00 0b"), 21,
     "function and code section have inconsistent lengths"},
    {"data count without data", Mod("0c 01 01"), 11,
     "data count and data section have inconsistent lengths"},
    {"data count too small", Mod("0c 01 01 0b 05 02 01 00 01 00"), 13,
     "data count and data section have inconsistent lengths"},
    {"body without end at EOF", Mod("01 04 01 60 00 00 03 02 01 00 0a 06 01 04 00 41 01 1a"), 26,
     "unexpected end of section or function"},
    {"body without end before data section",
     Mod("01 04 01 60 00 00 03 02 01 00 0a 06 01 04 00 41 01 1a 0b 03 01 01 00"), 27,
     "section size mismatch"},
    {"body too long", Mod("01 04 01 60 00 00 03 02 01 00 0a 05 01 03 00 0b 01"), 24,
     "section size mismatch"},
    {"else at function level", Mod("01 04 01 60 00 00 03 02 01 00 0a 04 01 02 00 05"), 23,
     "END opcode expected"},
    {"illegal opcode in body", Mod("01 04 01 60 00 00 03 02 01 00 0a 05 01 03 00 ff 0b"), 23,
     "illegal opcode ff"},
    {"body LEB too long past its size",
     Mod("01 04 01 60 00 00 03 02 01 00 0a 0a 01 05 00 41 80 80 80 80 80 00 0b"), 29,
     "integer representation too long"},
    {"memory.init without data count",
     Mod("01 04 01 60 00 00 03 02 01 00 05 03 01 00 00 0a 0e 01 0c 00 41 00 41 00 41 00 fc 08 00 "
         "00 0b"
         "0b 03 01 01 00"),
     34, "data count section required"},
    {"data.drop without data count",
     Mod("01 04 01 60 00 00 03 02 01 00 05 03 01 00 00 0a 07 01 05 00 fc 09 00 0b 0b 03 01 01 00"),
     28, "data count section required"},
    {"start index too long", Mod("08 06 80 80 80 80 80 00"), 15, "integer representation too long"},
};

INSTANTIATE_TEST_SUITE_P(Format,
                         Malformed,
                         testing::ValuesIn(kBadCases),
                         [](const testing::TestParamInfo<BadCase>& info) {
                           std::string name;
                           for (const char* p = info.param.what; *p; ++p) {
                             name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
                           }
                           return name + "_" + std::to_string(info.index);
                         });

// Shared memories (Features::shared_memory): a memory's limits flags widen to 2 bits, bit 1
// the shared flag; a table's stay 1 bit. Without the feature the 2.0 errors are unchanged
// (the "limits flag 2" case above).
TEST(Decode, SharedMemoryFlags) {
  Features threads;
  threads.shared_memory = true;
  // Defined: flags 3 (shared, max), 1 (max), 2 (shared, no max: decoded; the validator says
  // "shared memory must have maximum").
  auto bytes = Mod("05 09 03 03 01 02 01 01 02 02 01");
  auto r = DecodeModule(bytes, threads);
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->memories.size(), 3u);
  EXPECT_EQ(r->memories[0], (MemoryType{Limits{1, 2}, true}));
  EXPECT_EQ(r->memories[1], (MemoryType{Limits{1, 2}, false}));
  EXPECT_EQ(r->memories[2], (MemoryType{Limits{1, std::nullopt}, true}));
  EXPECT_EQ(EncodeModule(*r), bytes);  // the flag survives the encoder byte for byte
  // Imported: (import "" "m" (memory 1 2 shared)).
  auto imp = Mod("02 08 01 00 01 6d 02 03 01 02");
  auto ri = DecodeModule(imp, threads);
  ASSERT_TRUE(ri) << ri.error().ToString();
  ASSERT_EQ(ri->imports.size(), 1u);
  EXPECT_EQ(ri->imports[0].memory, (MemoryType{Limits{1, 2}, true}));
  EXPECT_EQ(EncodeModule(*ri), imp);
}

TEST(Decode, SharedMemoryFlagErrors) {
  Features threads;
  threads.shared_memory = true;
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    Features features;
    size_t offset;
    const char* message;
  };
  const Case cases[] = {
      // Without the feature, 2.0: flags are one bit, whatever follows.
      {"flags 3, 2.0", Mod("05 04 01 03 01 02"), Features{}, 11, "integer too large"},
      {"import flags 3, 2.0", Mod("02 08 01 00 01 6d 02 03 01 02"), Features{}, 15,
       "integer too large"},
      // With it: bits above the shared flag, the 2.0 LEB rules, truncation.
      {"flags 4", Mod("05 04 01 04 01 02"), threads, 11, "integer too large"},
      {"flags as LEB", Mod("05 05 01 83 00 01 02"), threads, 12,
       "integer representation too long"},
      {"shared, max missing", Mod("05 03 01 03 00"), threads, 13,
       "unexpected end of section or function"},
      {"table flags 2", Mod("04 04 01 70 02 00"), threads, 12, "integer too large"},
      {"imported table flags 3", Mod("02 09 01 00 01 74 01 70 03 01 02"), threads, 16,
       "integer too large"},
  };
  for (const Case& c : cases) {
    auto r = DecodeModule(c.bytes, c.features);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().message, c.message) << c.what;
    EXPECT_EQ(r.error().offset, c.offset) << c.what << ": " << r.error().ToString();
  }
}

}  // namespace
}  // namespace nw

// Unit tests of the WAT printer's pieces: literal formatting (every float class parses back to
// the same bits through the text parser's own number reader), string quoting, identifiers,
// natural alignments, and printing of hand-built module descriptions, including the errors
// for malformed bodies.
#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "format/opcode.h"
#include "text/lexer.h"
#include "text/printer.h"
#include "text/wat.h"

namespace nw {
namespace {

TEST(PrinterLiterals, F32Specials) {
  EXPECT_EQ(FormatF32(0x00000000), "0");
  EXPECT_EQ(FormatF32(0x80000000), "-0");
  EXPECT_EQ(FormatF32(0x3f800000), "1");
  EXPECT_EQ(FormatF32(0xbfc00000), "-1.5");
  EXPECT_EQ(FormatF32(0x3dcccccd), "0.1");
  EXPECT_EQ(FormatF32(0x7f800000), "inf");
  EXPECT_EQ(FormatF32(0xff800000), "-inf");
  EXPECT_EQ(FormatF32(0x7fc00000), "nan");
  EXPECT_EQ(FormatF32(0xffc00000), "-nan");
  EXPECT_EQ(FormatF32(0x7f800001), "nan:0x1");
  EXPECT_EQ(FormatF32(0xffa00000), "-nan:0x200000");
  EXPECT_EQ(FormatF32(0x7fffffff), "nan:0x7fffff");
}

TEST(PrinterLiterals, F64Specials) {
  EXPECT_EQ(FormatF64(0), "0");
  EXPECT_EQ(FormatF64(0x8000000000000000ull), "-0");
  EXPECT_EQ(FormatF64(0x3ff0000000000000ull), "1");
  EXPECT_EQ(FormatF64(0x7ff0000000000000ull), "inf");
  EXPECT_EQ(FormatF64(0xfff0000000000000ull), "-inf");
  EXPECT_EQ(FormatF64(0x7ff8000000000000ull), "nan");
  EXPECT_EQ(FormatF64(0xfff8000000000000ull), "-nan");
  EXPECT_EQ(FormatF64(0x7ff0000000000001ull), "nan:0x1");
  EXPECT_EQ(FormatF64(0x7ff4000000000000ull), "nan:0x4000000000000");
  EXPECT_EQ(FormatF64(std::bit_cast<uint64_t>(0.1)), "0.1");
}

// Bit patterns from every class: zeros, subnormals, normals near the edges, NaNs, random.
template <class Bits>
std::vector<Bits> InterestingBits(unsigned exp_bits, unsigned mant_bits) {
  std::vector<Bits> v;
  const Bits sign = Bits{1} << (exp_bits + mant_bits);
  const Bits exp_mask = ((Bits{1} << exp_bits) - 1) << mant_bits;
  const Bits mant_mask = (Bits{1} << mant_bits) - 1;
  for (Bits s : {Bits{0}, sign}) {
    for (Bits e : {Bits{0}, Bits{1} << mant_bits, exp_mask - (Bits{1} << mant_bits), exp_mask}) {
      for (Bits m : {Bits{0}, Bits{1}, Bits{2}, mant_mask, mant_mask >> 1, (mant_mask >> 1) + 1})
        v.push_back(s | e | m);
    }
  }
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 20000; ++i)
    v.push_back(static_cast<Bits>(rng()));
  return v;
}

TEST(PrinterLiterals, F32RoundTripsThroughParser) {
  for (uint32_t bits : InterestingBits<uint32_t>(8, 23)) {
    std::string text = FormatF32(bits);
    auto parsed = ParseF32(text);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, bits) << text;
  }
}

TEST(PrinterLiterals, F64RoundTripsThroughParser) {
  for (uint64_t bits : InterestingBits<uint64_t>(11, 52)) {
    std::string text = FormatF64(bits);
    auto parsed = ParseF64(text);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, bits) << text;
  }
}

TEST(PrinterLiterals, Strings) {
  EXPECT_EQ(QuoteWatString(std::string_view("hi there")), "\"hi there\"");
  EXPECT_EQ(QuoteWatString(std::string_view("a\"b\\c\n")), "\"a\\22b\\5cc\\0a\"");
  const uint8_t bytes[] = {0x00, 0x7f, 0xff, 0x41};
  EXPECT_EQ(QuoteWatString(std::span<const uint8_t>(bytes)), "\"\\00\\7f\\ffA\"");
  // Quoted text decodes back to the same bytes with the lexer's own decoder.
  std::string all;
  for (int b = 0; b < 256; ++b)
    all += static_cast<char>(b);
  EXPECT_EQ(DecodeString(QuoteWatString(all)), all);
}

TEST(PrinterLiterals, Identifiers) {
  EXPECT_TRUE(IsValidWatId("f"));
  EXPECT_TRUE(IsValidWatId("a.b/c:d!#$%&'*+-<=>?@\\^_`|~09AZ"));
  EXPECT_FALSE(IsValidWatId(""));
  EXPECT_FALSE(IsValidWatId("has space"));
  EXPECT_FALSE(IsValidWatId("paren("));
  EXPECT_FALSE(IsValidWatId("quote\""));
  EXPECT_FALSE(IsValidWatId("comma,"));
  EXPECT_FALSE(IsValidWatId("semi;"));
  EXPECT_FALSE(IsValidWatId("\xc3\xa9"));
  EXPECT_FALSE(IsValidWatId(std::string_view("nul\0", 4)));
}

// The one natural-alignment table (format/opcode.h) that parser, printer and validator use.
TEST(PrinterLiterals, NaturalAlignment) {
  auto align = [](std::string_view text) { return NaturalAlignLog2(*OpcodeFromText(text)); };
  EXPECT_EQ(align("i32.load"), 2u);
  EXPECT_EQ(align("i64.load"), 3u);
  EXPECT_EQ(align("f32.store"), 2u);
  EXPECT_EQ(align("f64.store"), 3u);
  EXPECT_EQ(align("i32.load8_s"), 0u);
  EXPECT_EQ(align("i64.load16_u"), 1u);
  EXPECT_EQ(align("i64.load32_s"), 2u);
  EXPECT_EQ(align("i64.store32"), 2u);
  EXPECT_EQ(align("v128.load"), 4u);
  EXPECT_EQ(align("v128.load8x8_s"), 3u);
  EXPECT_EQ(align("v128.load32_splat"), 2u);
  EXPECT_EQ(align("v128.load64_zero"), 3u);
  EXPECT_EQ(align("v128.store16_lane"), 1u);
}

// A module with one type [i32] -> [i32] and one function with `body`.
ModuleDesc OneFunc(std::vector<uint8_t> body) {
  ModuleDesc m;
  m.types.push_back(FuncType{{ValType::kI32}, {ValType::kI32}});
  Function f;
  f.type_index = 0;
  f.body = std::move(body);
  m.functions.push_back(std::move(f));
  m.CountImports();
  return m;
}

TEST(PrinterModule, Empty) {
  ModuleDesc m;
  auto text = PrintWat(m);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "(module)\n");
}

TEST(PrinterModule, FlatBodyWithIndentation) {
  // local.get 0; if (result i32); i32.const -1; else; i32.const 2147483647; end; end
  ModuleDesc m = OneFunc(
      {0x20, 0x00, 0x04, 0x7f, 0x41, 0x7f, 0x05, 0x41, 0xff, 0xff, 0xff, 0xff, 0x07, 0x0b, 0x0b});
  m.functions[0].locals.push_back({2, ValType::kI64});
  auto text = PrintWat(m);
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(*text,
            "(module\n"
            "  (type (;0;) (func (param i32) (result i32)))\n"
            "  (func (;0;) (type 0) (param i32) (result i32)\n"
            "    (local i64 i64)\n"
            "    local.get 0\n"
            "    if (result i32)\n"
            "      i32.const -1\n"
            "    else\n"
            "      i32.const 2147483647\n"
            "    end\n"
            "  )\n"
            ")\n");
}

TEST(PrinterModule, NamesValidUniqueOnly) {
  ModuleDesc m = OneFunc({0x20, 0x00, 0x10, 0x01, 0x0b});
  m.functions.push_back(m.functions[0]);
  m.functions.push_back(m.functions[0]);
  m.functions[2].locals.push_back({2, ValType::kI32});
  m.names.functions = {{0, "good"}, {1, "good"}, {2, "bad name"}, {7, "out_of_range"}};
  m.names.locals[2] = {{0, "p"}, {1, "x"}, {2, "x"}};
  auto text = PrintWat(m);
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_NE(text->find("(func $good (;0;) (type 0) (param i32) (result i32)\n    local.get 0\n"
                       "    call 1\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("(func (;1;) (type 0)"), std::string::npos) << *text;
  EXPECT_NE(text->find("(func (;2;) (type 0) (param $p i32) (result i32)\n"
                       "    (local $x i32) (local i32)\n"
                       "    local.get $p\n"),
            std::string::npos)
      << *text;
  EXPECT_EQ(text->find("out_of_range"), std::string::npos);
}

TEST(PrinterModule, MalformedBodiesAreErrors) {
  // Missing the final end.
  EXPECT_FALSE(PrintWat(OneFunc({0x20, 0x00})).has_value());
  // Missing the end of an inner block.
  EXPECT_FALSE(PrintWat(OneFunc({0x02, 0x40, 0x0b})).has_value());
  // Truncated immediate.
  EXPECT_FALSE(PrintWat(OneFunc({0x41})).has_value());
  // Illegal opcode.
  auto r = PrintWat(OneFunc({0xff, 0x0b}));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("illegal opcode"), std::string::npos) << r.error().message;
  // Bytes after the function's end.
  EXPECT_FALSE(PrintWat(OneFunc({0x0b, 0x01})).has_value());
  // else at function level.
  EXPECT_FALSE(PrintWat(OneFunc({0x05, 0x0b})).has_value());
  // Malformed constant expression in a global.
  ModuleDesc g;
  g.globals.push_back(GlobalDecl{GlobalType{ValType::kI32, false}, ConstExpr{{0x41, 0x00}, 0}});
  EXPECT_FALSE(PrintWat(g).has_value());
}

TEST(PrinterModule, SegmentsAndImmediates) {
  ModuleDesc m = OneFunc({0x28, 0x00, 0x04,              // i32.load align=1 offset=4
                          0x29, 0x03, 0x00,              // i64.load (natural)
                          0x1c, 0x01, 0x7e,              // select (result i64)
                          0xfc, 0x0c, 0x02, 0x01,        // table.init 1 2
                          0xfc, 0x0e, 0x03, 0x04,        // table.copy 3 4
                          0x11, 0x00, 0x01,              // call_indirect 1 (type 0)
                          0x0e, 0x02, 0x00, 0x01, 0x02,  // br_table 0 1 2
                          0xd0, 0x6f,                    // ref.null extern
                          0x44, 0,    0,    0,    0,    0, 0, 0xf0, 0x7f,  // f64.const inf
                          0x0b});
  ElemSegment e;
  e.mode = SegmentMode::kActive;
  e.flags = 6;
  e.table_index = 1;
  e.offset.bytes = {0x41, 0x05, 0x0b};
  e.type = ValType::kExternRef;
  e.exprs.push_back(ConstExpr{{0xd0, 0x6f, 0x0b}, 0});
  m.elems.push_back(e);
  ElemSegment d;
  d.mode = SegmentMode::kDeclarative;
  d.flags = 3;
  d.func_indices = {0};
  m.elems.push_back(d);
  DataSegment data;
  data.mode = SegmentMode::kActive;
  data.flags = 2;
  data.memory_index = 1;
  data.offset.bytes = {0x23, 0x00, 0x0b};
  data.bytes = {'o', 'k', 0};
  m.datas.push_back(data);
  auto text = PrintWat(m);
  ASSERT_TRUE(text.has_value()) << text.error().message;
  for (std::string_view want :
       {"i32.load offset=4 align=1\n", "i64.load\n", "select (result i64)\n", "table.init 1 2\n",
        "table.copy 3 4\n", "call_indirect 1 (type 0)\n", "br_table 0 1 2\n", "ref.null extern\n",
        "f64.const inf\n", "(elem (;0;) (table 1) (i32.const 5) externref (ref.null extern))",
        "(elem (;1;) declare func 0)", "(data (;0;) (memory 1) (global.get 0) \"ok\\00\")"}) {
    EXPECT_NE(text->find(want), std::string::npos) << want << " not in\n" << *text;
  }
}

// Shared memories (threads proposal) print `shared` after the limits, in memory fields and
// memory imports, and read back the same.
TEST(PrinterModule, SharedMemoryRoundTrip) {
  ModuleDesc m;
  Import im;
  im.module = "env";
  im.name = "mem";
  im.kind = ExternKind::kMemory;
  im.memory = MemoryType{Limits{1, 2}, true};
  m.imports.push_back(im);
  m.CountImports();
  m.memories.push_back(MemoryType{Limits{0, 0}, true});
  m.memories.push_back(MemoryType{Limits{3, std::nullopt}, false});
  auto text = PrintWat(m);
  ASSERT_TRUE(text.has_value()) << text.error().message;
  for (std::string_view want : {"(import \"env\" \"mem\" (memory (;0;) 1 2 shared))",
                                "(memory (;1;) 0 0 shared)", "(memory (;2;) 3)"}) {
    EXPECT_NE(text->find(want), std::string::npos) << want << " not in\n" << *text;
  }
  auto back = ParseWat(*text);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  ASSERT_EQ(back->imports.size(), 1u);
  EXPECT_EQ(back->imports[0].memory, m.imports[0].memory);
  EXPECT_EQ(back->memories, m.memories);
}

// SIMD immediates (the parser does not read SIMD yet, so only the text is checked here).
TEST(PrinterModule, SimdImmediates) {
  std::vector<uint8_t> body = {0xfd, 0x0c};  // v128.const
  for (uint8_t b = 0; b < 16; ++b)
    body.push_back(b);
  body.insert(body.end(), {0xfd, 0x0d});  // i8x16.shuffle
  for (uint8_t b = 0; b < 16; ++b)
    body.push_back(static_cast<uint8_t>(31 - b));
  body.insert(body.end(), {0xfd, 0x15, 0x07,              // i8x16.extract_lane_s 7
                           0xfd, 0x54, 0x00, 0x02, 0x03,  // v128.load8_lane offset=2 3
                           0xfd, 0x00, 0x03, 0x00,        // v128.load align=8
                           0xfd, 0x01, 0x03, 0x00,        // v128.load8x8_s
                           0x0b});
  auto text = PrintWat(OneFunc(body));
  ASSERT_TRUE(text.has_value()) << text.error().message;
  for (std::string_view want : {"v128.const i32x4 0x03020100 0x07060504 0x0b0a0908 0x0f0e0d0c\n",
                                "i8x16.shuffle 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17 16\n",
                                "i8x16.extract_lane_s 7\n", "v128.load8_lane offset=2 3\n",
                                "v128.load align=8\n", "v128.load8x8_s\n"}) {
    EXPECT_NE(text->find(want), std::string::npos) << want << " not in\n" << *text;
  }
}

}  // namespace
}  // namespace nw

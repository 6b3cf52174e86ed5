// Component decoding and validation on hand-built binaries: every section, every defvaltype,
// every canon opcode, and exact error offsets for malformed input. The binaries are written with
// the small encoder below, so each test says what it encodes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "component/binary_reader.h"
#include "component/dump.h"
#include "component/encode.h"
#include "component/text/component_printer.h"
#include "component/validate.h"

namespace nw::component {
namespace {

// A byte builder for component binaries.
class Enc {
 public:
  Enc& U8(uint8_t b) { bytes.push_back(b); return *this; }
  Enc& Raw(std::initializer_list<uint8_t> bs) { bytes.insert(bytes.end(), bs); return *this; }
  Enc& U32(uint32_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      bytes.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
    return *this;
  }
  Enc& Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
    return *this;
  }
  Enc& Append(const Enc& e) { bytes.insert(bytes.end(), e.bytes.begin(), e.bytes.end()); return *this; }
  // A section: id, size, then `body`.
  Enc& Section(uint8_t id, const Enc& body) {
    U8(id).U32(static_cast<uint32_t>(body.bytes.size()));
    return Append(body);
  }
  std::vector<uint8_t> bytes;
};

Enc Preamble() { return Enc().Raw({0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}); }
Enc CorePreamble() { return Enc().Raw({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}); }

// A core module exporting func "f" ()->(), memory "mem", and func "realloc" (i32 x4)->i32.
Enc CoreModuleBytes() {
  Enc m = CorePreamble();
  m.Section(1, Enc().U8(2).Raw({0x60, 0, 0}).Raw({0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f}));
  m.Section(3, Enc().U8(2).U8(0).U8(1));
  m.Section(5, Enc().U8(1).U8(0).U8(1));
  m.Section(7, Enc().U8(3).Str("f").U8(0).U8(0).Str("mem").U8(2).U8(0).Str("realloc").U8(0).U8(1));
  m.Section(10, Enc().U8(2).Raw({2, 0, 0x0b}).Raw({4, 0, 0x41, 0, 0x0b}));
  return m;
}

Result<Component> Decode(const Enc& e) { return DecodeComponent(e.bytes); }

Status DecodeValidate(const Enc& e) {
  NW_TRY_ASSIGN(Component c, Decode(e));
  return ValidateComponent(c);
}

void ExpectError(const Enc& e, size_t offset, std::string_view message) {
  Status st = DecodeValidate(e);
  ASSERT_FALSE(st) << "accepted; expected " << message;
  EXPECT_EQ(st.error().offset, offset) << st.error().ToString();
  EXPECT_NE(st.error().message.find(message), std::string::npos) << st.error().ToString();
}

TEST(ComponentDecode, DetectsLayer) {
  EXPECT_TRUE(IsComponentBinary(Preamble().bytes));
  EXPECT_FALSE(IsComponentBinary(CorePreamble().bytes));
  EXPECT_FALSE(IsComponentBinary(std::vector<uint8_t>{0, 0x61, 0x73}));
}

TEST(ComponentDecode, EmptyComponent) {
  auto c = Decode(Preamble());
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_TRUE(c->sections.empty());
  EXPECT_TRUE(ValidateComponent(*c));
}

TEST(ComponentDecode, CoreModuleInstanceAliasCanonExport) {
  Enc e = Preamble();
  e.Section(1, CoreModuleBytes());
  e.Section(2, Enc().U8(1).Raw({0x00, 0x00, 0x00}));  // instantiate module 0
  // aliases: core func f, core memory mem, core func realloc
  e.Section(6, Enc().U8(3).Raw({0x00, 0x00, 0x01, 0x00}).Str("f")
                   .Raw({0x00, 0x02, 0x01, 0x00}).Str("mem")
                   .Raw({0x00, 0x00, 0x01, 0x00}).Str("realloc"));
  e.Section(7, Enc().U8(1).Raw({0x40, 0x00, 0x01, 0x00}));  // (func)
  // lift f with (memory 0) (realloc 1) utf16, type 0
  e.Section(8, Enc().U8(1).Raw({0x00, 0x00, 0x00, 0x03, 0x01, 0x03, 0x00, 0x04, 0x01, 0x00}));
  e.Section(11, Enc().U8(1).U8(0).Str("run").Raw({0x01, 0x00, 0x00}));
  auto c = Decode(e);
  ASSERT_TRUE(c) << c.error().ToString();
  ASSERT_EQ(c->sections.size(), 6u);
  EXPECT_EQ(c->sections[0].kind, SectionKind::kCoreModule);
  EXPECT_EQ(c->core_modules[0].offset, 10u);
  EXPECT_EQ(c->core_modules[0].module.exports.size(), 3u);
  ASSERT_EQ(c->aliases.size(), 3u);
  EXPECT_EQ(c->aliases[1].sort, Sort::kCoreMemory);
  EXPECT_EQ(c->aliases[1].target, Alias::Target::kCoreExport);
  EXPECT_EQ(c->aliases[1].name, "mem");
  ASSERT_EQ(c->canons.size(), 1u);
  EXPECT_EQ(c->canons[0].kind, CanonKind::kLift);
  ASSERT_EQ(c->canons[0].opts.size(), 3u);
  EXPECT_EQ(c->canons[0].opts[0].kind, CanonOpt::Kind::kUtf16);
  EXPECT_EQ(c->canons[0].opts[2].index, 1u);
  EXPECT_EQ(c->exports[0].name.name, "run");
  EXPECT_EQ(c->exports[0].item.sort, Sort::kFunc);
  Status st = ValidateComponent(*c);
  EXPECT_TRUE(st) << st.error().ToString();
}

TEST(ComponentDecode, EveryDefValType) {
  Enc types;
  types.U8(17);
  types.Raw({0x3f, 0x7f, 0x00});                                     // 0 resource
  types.U8(0x72).U8(1).Str("a").U8(0x7f);                            // 1 record
  types.U8(0x71).U8(2).Str("x").Raw({1, 0x7e, 0}).Str("y").Raw({0, 0});  // 2 variant
  types.Raw({0x70, 0x73});                                           // 3 list string
  types.Raw({0x67, 0x7d, 0x04});                                     // 4 list u8 4
  types.Raw({0x6f, 0x02, 0x7c, 0x01});                               // 5 tuple s16 <1>
  types.U8(0x6e).U8(2).Str("r").Str("w");                            // 6 flags
  types.U8(0x6d).U8(1).Str("e");                                     // 7 enum
  types.Raw({0x6b, 0x74});                                           // 8 option char
  types.Raw({0x6a, 0x01, 0x77, 0x01, 0x64});                         // 9 result u64 error-context
  types.Raw({0x69, 0x00});                                           // 10 own 0
  types.Raw({0x68, 0x00});                                           // 11 borrow 0
  types.Raw({0x66, 0x01, 0x7d});                                     // 12 stream u8
  types.Raw({0x65, 0x00});                                           // 13 future
  types.Raw({0x63, 0x73, 0x79});                                     // 14 map string u32
  types.Raw({0x76});                                                 // 15 f32
  types.U8(0x43).U8(1).Str("p").U8(0x0a).Raw({0x00, 0x0b});          // 16 async func
  Enc e = Preamble();
  e.Section(7, types);
  auto c = Decode(e);
  ASSERT_TRUE(c) << c.error().ToString();
  ASSERT_EQ(c->types.size(), 17u);
  const auto& t = c->types;
  EXPECT_EQ(t[0].kind, TypeDef::Kind::kResource);
  EXPECT_FALSE(t[0].resource.dtor);
  EXPECT_EQ(t[1].val.kind, DefValKind::kRecord);
  EXPECT_EQ(t[1].val.fields[0].label, "a");
  EXPECT_EQ(t[2].val.kind, DefValKind::kVariant);
  EXPECT_TRUE(t[2].val.fields[0].type);
  EXPECT_FALSE(t[2].val.fields[1].type);
  EXPECT_EQ(t[3].val.kind, DefValKind::kList);
  EXPECT_EQ(t[4].val.kind, DefValKind::kFixedList);
  EXPECT_EQ(t[4].val.length, 4u);
  EXPECT_EQ(t[5].val.kind, DefValKind::kTuple);
  EXPECT_TRUE(t[5].val.types[1].is_index);
  EXPECT_EQ(t[5].val.types[1].index, 1u);
  EXPECT_EQ(t[6].val.labels.size(), 2u);
  EXPECT_EQ(t[7].val.kind, DefValKind::kEnum);
  EXPECT_EQ(t[8].val.a->prim, PrimType::kChar);
  EXPECT_EQ(t[9].val.b->prim, PrimType::kErrorContext);
  EXPECT_EQ(t[10].val.kind, DefValKind::kOwn);
  EXPECT_EQ(t[11].val.kind, DefValKind::kBorrow);
  EXPECT_EQ(t[12].val.kind, DefValKind::kStream);
  EXPECT_FALSE(t[13].val.a);
  EXPECT_EQ(t[14].val.kind, DefValKind::kMap);
  EXPECT_EQ(t[15].val.prim, PrimType::kF32);
  EXPECT_TRUE(t[16].func.async);
  ASSERT_TRUE(t[16].func.result);
  EXPECT_EQ(t[16].func.result->index, 11u);
  // A borrow in a result is invalid.
  Status st = ValidateComponent(*c);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "function result cannot contain a `borrow` type");
}

TEST(ComponentDecode, ComponentAndInstanceTypesImportsNested) {
  Enc inst;  // (instance (export "t" (type (sub resource))) (export "f" (func (type 0))))
  inst.U8(0x42).U8(3);
  inst.U8(0x01).Raw({0x40, 0x00, 0x01, 0x00});
  inst.U8(0x04).U8(0).Str("t").Raw({0x03, 0x01});
  inst.U8(0x04).U8(0).Str("get").Raw({0x01, 0x00});
  Enc comp;  // (component (import "i" (instance (type 0))))
  comp.U8(0x41).U8(2);
  comp.U8(0x02).Raw({0x03, 0x02, 0x01, 0x00});  // alias outer 1 type 0
  comp.U8(0x03).U8(0).Str("i").Raw({0x05, 0x00});
  Enc e = Preamble();
  e.Section(7, Enc().U8(2).Append(inst).Append(comp));
  e.Section(10, Enc().U8(1).U8(0).Str("wasi:io/streams@0.2.0").Raw({0x05, 0x00}));
  e.Section(6, Enc().U8(1).Raw({0x03, 0x00, 0x00}).Str("t"));  // alias export instance 0 "t"
  Enc nested = Preamble();
  nested.Section(10, Enc().U8(1).U8(0).Str("x").Raw({0x05, 0x00}));
  e.Section(4, Enc().Append(nested).Section(7, Enc()));  // trailing junk makes it fail below
  auto c = Decode(e);
  ASSERT_FALSE(c);
  // Without the junk.
  Enc ok = Preamble();
  ok.Section(7, Enc().U8(2).Append(inst).Append(comp));
  ok.Section(10, Enc().U8(1).U8(0).Str("wasi:io/streams@0.2.0").Raw({0x05, 0x00}));
  ok.Section(6, Enc().U8(1).Raw({0x03, 0x00, 0x00}).Str("t"));
  Enc nested_types = Preamble();
  nested_types.Section(7, Enc().U8(1).Raw({0x42, 0x00}));
  nested_types.Section(10, Enc().U8(1).U8(0).Str("x").Raw({0x05, 0x00}));
  ok.Section(4, nested_types);
  ok.Section(5, Enc().U8(1).Raw({0x00, 0x00, 0x01}).Str("x").Raw({0x05, 0x00}));
  c = Decode(ok);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->types[0].kind, TypeDef::Kind::kInstance);
  ASSERT_EQ(c->types[0].decls.size(), 3u);
  EXPECT_EQ(c->types[0].decls[1].extern_type.kind, ExternKindC::kType);
  EXPECT_FALSE(c->types[0].decls[1].extern_type.bound_eq);
  EXPECT_EQ(c->types[1].decls[0].alias.target, Alias::Target::kOuter);
  EXPECT_EQ(c->components.size(), 1u);
  EXPECT_EQ(c->instances[0].args[0].name, "x");
  Status st = ValidateComponent(*c);
  EXPECT_TRUE(st) << st.error().ToString();
}

TEST(ComponentDecode, EveryCanonOpcode) {
  // Core module with a memory and an (i32)->() func, a table; types: resource, stream, future.
  Enc m = CorePreamble();
  m.Section(1, Enc().U8(1).Raw({0x60, 1, 0x7f, 0}));
  m.Section(3, Enc().U8(1).U8(0));
  m.Section(4, Enc().U8(1).Raw({0x70, 0x00, 0x01}));
  m.Section(5, Enc().U8(1).U8(0).U8(1));
  m.Section(7, Enc().U8(3).Str("d").U8(0).U8(0).Str("m").U8(2).U8(0).Str("t").U8(1).U8(0));
  m.Section(10, Enc().U8(1).Raw({2, 0, 0x0b}));
  Enc e = Preamble();
  e.Section(1, m);
  e.Section(2, Enc().U8(1).Raw({0, 0, 0}));
  e.Section(6, Enc().U8(3).Raw({0, 0, 1, 0}).Str("d").Raw({0, 2, 1, 0}).Str("m")
                   .Raw({0, 1, 1, 0}).Str("t"));
  e.Section(3, Enc().U8(1).Raw({0x60, 1, 0x7f, 0}));
  // types: resource, stream, future, (func (param "x" u32)) matching core func "d" (i32)->().
  e.Section(7, Enc().U8(4).Raw({0x3f, 0x7f, 0x01, 0x00}).Raw({0x66, 0x00}).Raw({0x65, 0x00})
                   .Raw({0x40, 0x01}).Str("x").Raw({0x79, 0x01, 0x00}));
  Enc canons;
  std::vector<std::vector<uint8_t>> entries = {
      {0x02, 0}, {0x03, 0}, {0x04, 0}, {0x05}, {0x06, 1}, {0x09, 0x01, 0x00, 0x00},
      {0x0a, 0x7f, 0}, {0x0b, 0x7f, 1}, {0x0c, 0}, {0x0d}, {0x0e, 1}, {0x0f, 1, 1, 0x03, 0},
      {0x10, 1, 0}, {0x11, 1, 0}, {0x12, 1, 1}, {0x13, 1}, {0x14, 1}, {0x15, 2},
      {0x16, 2, 0}, {0x17, 2, 0}, {0x18, 2, 0}, {0x19, 2, 0}, {0x1a, 2}, {0x1b, 2},
      {0x1c, 0}, {0x1d, 0}, {0x1e}, {0x1f}, {0x20, 0, 0}, {0x21, 1, 0}, {0x22}, {0x23},
      {0x24}, {0x25}, {0x26}, {0x27, 0, 0}, {0x28}, {0x29, 1}, {0x2a, 0}, {0x2b, 0},
      {0x2c, 0}, {0x2d, 1}, {0x40, 0, 0}, {0x41, 0, 0, 0}, {0x42, 0},
      {0x00, 0x00, 0x00, 0x00, 0x03}, {0x01, 0x00, 0x00, 0x00}};
  canons.U32(static_cast<uint32_t>(entries.size()));
  for (const auto& en : entries) canons.bytes.insert(canons.bytes.end(), en.begin(), en.end());
  e.Section(8, canons);
  auto c = Decode(e);
  ASSERT_TRUE(c) << c.error().ToString();
  ASSERT_EQ(c->canons.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i)
    EXPECT_EQ(static_cast<uint8_t>(c->canons[i].kind), entries[i][0]) << i;
  EXPECT_STREQ(CanonKindName(c->canons[11].kind), "stream.read");
  EXPECT_EQ(c->canons[11].opts[0].kind, CanonOpt::Kind::kMemory);
  EXPECT_TRUE(c->canons[4].flag);
  EXPECT_EQ(c->canons[7].index, 1u);
  Status st = ValidateComponent(*c);
  EXPECT_TRUE(st) << st.error().ToString();
}

TEST(ComponentDecode, StartImportValueCustomNames) {
  Enc payload;
  payload.Str("component-name");
  payload.U8(0).U32(4).Str("abc");
  Enc sortnames;
  sortnames.Raw({0x03}).U8(1).U8(0).Str("t0");
  payload.U8(1).U32(static_cast<uint32_t>(sortnames.bytes.size())).Append(sortnames);
  Enc e = Preamble();
  e.Section(7, Enc().U8(2).Raw({0x73}).Raw({0x40, 0x01}).Str("v").Raw({0x00, 0x01, 0x00}));
  e.Section(10, Enc().U8(1).U8(0).Str("f").Raw({0x01, 0x01}));
  e.Section(12, Enc().U8(1).U8(0x73).U8(3).Str("hi"));
  e.Section(9, Enc().U8(0).U8(1).U8(0).U8(0));  // start func 0 (value 0) -> 0 results
  e.Section(0, payload);
  auto c = Decode(e);
  ASSERT_TRUE(c) << c.error().ToString();
  ASSERT_EQ(c->values.size(), 1u);
  EXPECT_EQ(c->values[0].bytes.size(), 3u);
  ASSERT_EQ(c->starts.size(), 1u);
  EXPECT_EQ(c->starts[0].args.size(), 1u);
  ASSERT_TRUE(c->names);
  EXPECT_EQ(c->names->component, "abc");
  ASSERT_EQ(c->names->sorts.size(), 1u);
  EXPECT_EQ(c->names->sorts[0].sort, Sort::kType);
  EXPECT_EQ(c->names->sorts[0].names[0].second, "t0");
  Status st = ValidateComponent(*c);
  EXPECT_TRUE(st) << st.error().ToString();
}

TEST(ComponentDecode, MalformedNameSectionIsIgnored) {
  Enc e = Preamble();
  e.Section(0, Enc().Str("component-name").Raw({0x00, 0x7f}));
  auto c = Decode(e);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_FALSE(c->names);
}

TEST(ComponentDecode, ErrorOffsets) {
  // Preamble: 8 bytes; a section starts at 8, its contents at 10.
  ExpectError(Enc().Raw({0, 0x61, 0x73}), 3, "unexpected end-of-file");
  ExpectError(Preamble().Raw({0x0d, 0x00}), 8, "malformed section id");
  ExpectError(Preamble().Section(7, Enc().U8(1).U8(0x62)), 11,
              "invalid leading byte (0x62) for component defined type");
  // Type section of 2 bytes declaring 2 types, with room for one: the second read fails at 12.
  ExpectError(Preamble().Raw({7, 2, 2, 0x73}), 12, "unexpected end-of-file");
  ExpectError(Preamble().Section(8, Enc().U8(1).U8(0x07)), 11,
              "invalid leading byte (0x7) for canonical function");
  // Embedded core module errors are shifted to the component's offsets: the module starts at 10,
  // its bad section id at 18.
  ExpectError(Preamble().Section(1, CorePreamble().Raw({0x0e, 0x00})), 18, "malformed section id");
  // Validation errors carry the entry's offset.
  ExpectError(Preamble().Section(7, Enc().U8(1).Raw({0x70, 0x05})), 11,
              "type index out of bounds");
  ExpectError(Preamble().Section(10, Enc().U8(1).U8(0).Str("aBc").Raw({0x01, 0x00})), 11,
              "`aBc` is not in kebab case");
  // Nesting is bounded.
  Enc deep;
  for (int i = 0; i < 200; ++i) deep.Raw({0x42, 0x01, 0x01});
  deep.Raw({0x42, 0x00});
  Status st = DecodeValidate(Preamble().Section(7, Enc().U8(1).Append(deep)));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("too deep"), std::string::npos) << st.error().ToString();
}

TEST(ComponentValidate, Rules) {
  auto types = [](Enc body) { return Preamble().Section(7, body); };
  ExpectError(types(Enc().U8(1).Raw({0x67, 0x7d, 0x00})), 11, "length above 0");
  ExpectError(types(Enc().U8(1).Raw({0x67, 0x77, 0x80, 0x80, 0x80, 0x10})), 11,
              "exceeds maximum byte size");
  ExpectError(types(Enc().U8(1).U8(0x72).U8(2).Str("a").U8(0x7f).Str("A").U8(0x7f)), 11,
              "record field name `A` conflicts with previous field name `a`");
  ExpectError(types(Enc().U8(2).Raw({0x73, 0x69, 0x00})), 12, "is not a resource type");
  ExpectError(types(Enc().U8(2).Raw({0x40, 0x00, 0x01, 0x00}).Raw({0x70, 0x00})), 15,
              "type index 0 is not a defined type");
  // Duplicate import names, compared case-insensitively.
  Enc dup = Preamble();
  dup.Section(7, Enc().U8(1).Raw({0x40, 0x00, 0x01, 0x00}));
  dup.Section(10, Enc().U8(2).U8(0).Str("a").Raw({1, 0}).U8(0).Str("A").Raw({1, 0}));
  ExpectError(dup, 23, "import name `A` conflicts with previous name `a`");
  // A core instantiation missing its import.
  Enc m = CorePreamble();
  m.Section(2, Enc().U8(1).Str("env").Str("f").Raw({0x02, 0x00, 0x01}));
  Enc missing = Preamble().Section(1, m).Section(2, Enc().U8(1).Raw({0, 0, 0}));
  ExpectError(missing, 33, "missing module instantiation argument named `env`");
}

}  // namespace
}  // namespace nw::component

namespace nw::component {
namespace {

// The decoded sections print as component text (the printer's own tests are print_test.cc).
TEST(ComponentDecode, PrintsAsText) {
  Enc e = Preamble();
  e.Section(7, Enc().U8(2).Raw({0x40, 0x00, 0x01, 0x00}).U8(0x72).U8(1).Str("a").U8(0x73));
  e.Section(10, Enc().U8(1).U8(0).Str("f").Raw({0x01, 0x00}));
  e.Section(11, Enc().U8(1).U8(0).Str("g").Raw({0x01, 0x00, 0x00}));
  auto c = DecodeComponent(e.bytes);
  ASSERT_TRUE(c) << c.error().ToString();
  auto text = PrintComponentText(*c);
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_EQ(*text,
            "(component\n"
            "  (type (;0;) (func))\n"
            "  (type (;1;) (record (field \"a\" string)))\n"
            "  (import \"f\" (func (;0;) (type 0)))\n"
            "  (export (;1;) \"g\" (func 0)))\n");
  EXPECT_EQ(EncodeComponent(*c), e.bytes);
  EXPECT_TRUE(ValidateComponentBinary(e.bytes));
}

}  // namespace
}  // namespace nw::component

// The component text printer (component/text/component_printer.h) and the component encoder
// (component/encode.h), checked by round trips:
//  - every component definition of the component-model reference suite that our parser reads:
//    text -> AST -> binary B1 -> decode -> print -> parse -> binary B2, and B1 == B2; the suite's
//    binary forms: decode -> encode gives the very bytes, and print -> parse -> encode too;
//  - an AST with every canon kind, every defvaltype and every extern kind (the suite does not
//    use them all), through the same round trip;
//  (the real jco/componentize-js components are round tripped by tests/component-real's
//  print_roundtrip.cc: they take seconds each);
//  - truncated binaries: decode fails with an offset or the result prints, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "component/binary_reader.h"
#include "component/encode.h"
#include "component/text/component_printer.h"
#include "component/text/component_wat.h"
#include "component/validate.h"
#include "component_normalize.h"
#include "wast_script.h"

namespace nw::component {
namespace {

using testing::Script;
using testing::Strip;

const std::string kSuiteDir = testing::ComponentSuiteDir();

std::span<const uint8_t> Bytes(const std::string& s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// print(c) -> parse -> encode; an error names the stage.
Result<std::vector<uint8_t>> Reprint(const Component& c, std::string* text_out = nullptr) {
  auto text = PrintComponentText(c);
  if (!text) return MakeError("print: " + text.error().ToString());
  if (text_out) *text_out = *text;
  auto back = ParseComponentText(*text);
  if (!back) return MakeError("parse of the printed text: " + back.error().ToString());
  return EncodeComponent(*back);
}

// A parsed component validates, and its encoding (B1) decodes, prints, parses and encodes again
// to the same bytes; the printed text is returned through `printed` for further checks.
void ExpectValidAndRoundTrips(const Component& c, std::string* printed) {
  auto st = ValidateComponent(c);
  EXPECT_TRUE(st) << st.error().ToString();
  std::vector<uint8_t> b1 = EncodeComponent(c);
  auto decoded = DecodeComponent(b1);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  auto b2 = Reprint(*decoded, printed);
  ASSERT_TRUE(b2) << b2.error().ToString() << "\n" << *printed;
  EXPECT_EQ(b1, *b2) << *printed;
}

// The component forms of one script: top-level definitions and those of assert_* commands,
// as (kind, text or bytes).
struct Form {
  bool binary = false;
  bool in_assert = false;  // inside an assert_* command (often malformed or invalid on purpose)
  std::string text;
  size_t line = 0;
};

std::vector<Form> ComponentForms(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  Script s(ss.str());
  std::vector<Form> out;
  auto read_form = [&](size_t at, bool in_assert) {
    s.set_pos(at);
    s.Expect('(');
    if (s.Atom() != "component") return;
    std::string a = s.Atom();
    if (a == "instance") return;  // `(component instance $i $def)` is a command
    if (!a.empty() && a[0] == '$') a = s.Atom();
    if (a == "definition") a = s.Atom();
    Form f;
    f.line = s.Line(at);
    f.in_assert = in_assert;
    if (a == "binary" || a == "quote") {
      while (s.Peek('"')) {
        f.text += s.String();
        if (a == "quote") f.text += ' ';
      }
      if (a == "quote") f.text = "(component " + f.text + ")";
      f.binary = a == "binary";
    } else {
      s.set_pos(at);
      s.SkipSexpr();
      f.text = s.text().substr(at, s.pos() - at);
    }
    out.push_back(std::move(f));
  };
  while (!s.AtEnd()) {
    s.SkipSpace();
    size_t at = s.pos();
    s.Expect('(');
    std::string head = s.Atom();
    size_t inner = s.pos();
    s.set_pos(at);
    s.SkipSexpr();
    size_t end = s.pos();
    if (head == "component") {
      read_form(at, false);
    } else if (head.rfind("assert_", 0) == 0) {
      s.set_pos(inner);
      if (s.Peek('(')) read_form(s.pos(), true);
    }
    s.set_pos(end);
  }
  return out;
}

TEST(ComponentPrint, ReferenceSuiteRoundTrips) {
  NW_REQUIRE_COMPONENT_SUITE(kSuiteDir);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(kSuiteDir))
    if (e.path().extension() == ".wast") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  size_t forms = 0, not_read = 0, round_trips = 0, binary_identical = 0, binaries = 0;
  size_t with_customs = 0;  // compared normalised (Strip)
  size_t defs_not_read = 0;  // top-level definitions (not assert_* forms) the parser does not read
  for (const std::string& path : files) {
    for (const Form& f : ComponentForms(path)) {
      ++forms;
      std::string where = path.substr(kSuiteDir.size()) + ":" + std::to_string(f.line);
      std::vector<uint8_t> b1;
      if (f.binary) {
        auto c = DecodeComponent(Bytes(f.text));
        if (!c) { ++not_read; continue; }  // the suite's malformed binaries
        b1 = EncodeComponent(*c);
        ++binaries;
        // Each binary of the suite is canonical except where sections of one kind follow each
        // other (the encoder merges them); count the identical ones.
        if (b1 == std::vector<uint8_t>(f.text.begin(), f.text.end())) ++binary_identical;
      } else {
        auto c = ParseComponentText(f.text);
        if (!c) {  // forms our parser does not read (or malformed ones)
          ++not_read;
          if (!f.in_assert) {
            ++defs_not_read;
            if (std::getenv("NW_COMPONENT_PRINT_VERBOSE"))
              std::printf("  %s: not read: %s\n", where.c_str(), c.error().ToString().c_str());
          }
          continue;
        }
        b1 = EncodeComponent(*c);
      }
      auto decoded = DecodeComponent(b1);
      ASSERT_TRUE(decoded) << where << ": the encoding does not decode: " << decoded.error().ToString();
      // A binary form's own name section may hold names no $id spells (the suite tests odd
      // ones): binary forms are compared without names; text forms keep the names of their $ids.
      bool no_names = f.binary;
      std::vector<uint8_t> stripped = EncodeComponent(Strip(*decoded, no_names));
      if (stripped != b1) {
        ++with_customs;
        b1 = std::move(stripped);
      }
      auto text = PrintComponentText(*decoded);
      ASSERT_TRUE(text) << where << ": print: " << text.error().ToString();
      auto back = ParseComponentText(*text);
      ASSERT_TRUE(back) << where << ": parse of the printed text: " << back.error().ToString()
                        << "\n" << *text;
      std::vector<uint8_t> b2 = EncodeComponent(no_names ? Strip(*back, true) : *back);
      EXPECT_EQ(b1, b2) << where << ": printed text:\n" << *text;
      if (b1 == b2) ++round_trips;
    }
  }
  std::printf("%zu component forms in %zu scripts: %zu round trip byte for byte (%zu of them "
              "normalised: no custom sections but component-name ones (binary forms: none), no empty "
              "sections, 0x00 name prefixes), %zu not read by our parser/decoder "
              "(malformed, or forms the parser lacks; %zu of them top-level definitions, "
              "NW_COMPONENT_PRINT_VERBOSE=1 lists those); %zu of %zu binary forms re-encode to "
              "their own bytes\n",
              forms, files.size(), round_trips, with_customs, not_read, defs_not_read,
              binary_identical, binaries);
  EXPECT_EQ(round_trips, forms - not_read);
  // A ratchet on what the parser reads: fewer would mean the round trip covers less.
  EXPECT_GE(round_trips, 663u);
}

// Every canon kind, defvaltype, extern kind, alias target and name attribute, round tripped.
// Indices are not checked by the printer, the parser or the encoder, so the AST need not be valid.
Component EveryForm() {
  Component c;
  auto add = [&](auto& vec, SectionKind k, auto item) {
    c.sections.push_back({k, static_cast<uint32_t>(vec.size()), 1, 0});
    vec.push_back(std::move(item));
  };
  ValType u8{false, PrimType::kU8, 0}, t0{true, PrimType::kBool, 0}, big{true, PrimType::kBool, 200};
  auto defval = [&](DefValType v) {
    TypeDef t;
    t.val = std::move(v);
    add(c.types, SectionKind::kType, std::move(t));
  };
  for (uint8_t p : {0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x7a, 0x79, 0x78, 0x77, 0x76, 0x75, 0x74, 0x73, 0x64}) {
    DefValType v;
    v.prim = static_cast<PrimType>(p);
    defval(v);
  }
  DefValType v;
  v.kind = DefValKind::kRecord;
  v.fields = {{"a", u8}, {"b-c", big}};
  defval(v);
  v.kind = DefValKind::kVariant;
  v.fields = {{"x", std::nullopt}, {"y", t0}};
  defval(v);
  v = {};
  v.kind = DefValKind::kList, v.a = u8;
  defval(v);
  v.kind = DefValKind::kFixedList, v.length = 7;
  defval(v);
  v = {};
  v.kind = DefValKind::kTuple, v.types = {u8, t0, big};
  defval(v);
  v = {};
  v.kind = DefValKind::kFlags, v.labels = {"a", "b"};
  defval(v);
  v.kind = DefValKind::kEnum;
  defval(v);
  v = {};
  v.kind = DefValKind::kOption, v.a = t0;
  defval(v);
  for (int r = 0; r < 4; ++r) {
    v = {};
    v.kind = DefValKind::kResult;
    if (r & 1) v.a = u8;
    if (r & 2) v.b = t0;
    defval(v);
  }
  for (DefValKind k : {DefValKind::kOwn, DefValKind::kBorrow}) {
    v = {};
    v.kind = k, v.index = 3;
    defval(v);
  }
  for (DefValKind k : {DefValKind::kStream, DefValKind::kFuture}) {
    v = {};
    v.kind = k;
    defval(v);
    v.a = u8;
    defval(v);
  }
  v = {};
  v.kind = DefValKind::kMap, v.a = u8, v.b = big;
  defval(v);
  TypeDef f;
  f.kind = TypeDef::Kind::kFunc;
  f.func.params = {{"a", u8}, {"b", t0}};
  f.func.result = u8;
  add(c.types, SectionKind::kType, f);
  f.func.async = true;
  f.func.result.reset();
  add(c.types, SectionKind::kType, f);
  TypeDef res;
  res.kind = TypeDef::Kind::kResource;
  add(c.types, SectionKind::kType, res);
  res.resource.dtor = 4;
  res.resource.rep = nw::ValType::kI64;
  add(c.types, SectionKind::kType, res);
  // An instance type and a component type with every declarator and extern kind.
  TypeDef it;
  it.kind = TypeDef::Kind::kInstance;
  Decl d;
  d.kind = Decl::Kind::kType;
  d.type = {f};
  it.decls.push_back(d);
  d.kind = Decl::Kind::kAlias;
  d.alias.target = Alias::Target::kOuter;
  d.alias.sort = Sort::kType;
  d.alias.count = 1;
  d.alias.index = 5;
  it.decls.push_back(d);
  d.kind = Decl::Kind::kCoreType;
  CoreTypeDef mt;
  mt.kind = CoreTypeDef::Kind::kModule;
  CoreModuleDecl md;
  md.kind = CoreModuleDecl::Kind::kType;
  CoreTypeDef cf;
  cf.func.params = {nw::ValType::kI32, nw::ValType::kF64};
  cf.func.results = {nw::ValType::kExternRef};
  md.def = {cf};
  mt.decls.push_back(md);
  md = {};
  md.kind = CoreModuleDecl::Kind::kAlias, md.outer_count = 1, md.outer_index = 0;
  mt.decls.push_back(md);
  md = {};
  md.kind = CoreModuleDecl::Kind::kImport, md.module = "m", md.name = "f";
  mt.decls.push_back(md);
  md.type.kind = ExternKind::kTable;
  md.type.table.limits = {1, 10};
  md.name = "t";
  mt.decls.push_back(md);
  md.type.kind = ExternKind::kMemory;
  md.type.memory.limits = {2, std::nullopt};
  md.name = "m";
  mt.decls.push_back(md);
  md = {};
  md.kind = CoreModuleDecl::Kind::kExport, md.name = "g";
  md.type.kind = ExternKind::kGlobal;
  md.type.global = {nw::ValType::kI64, true};
  mt.decls.push_back(md);
  md.type = {};
  md.type.is_tag = true;
  md.name = "e";
  mt.decls.push_back(md);
  d.core_type = {mt};
  it.decls.push_back(d);
  TypeDef ct = it;
  ct.kind = TypeDef::Kind::kComponent;
  auto decl_extern = [&](Decl::Kind k, std::string name, ExternTypeC et) {
    Decl e;
    e.kind = k;
    e.name.name = std::move(name);
    e.extern_type = et;
    return e;
  };
  std::vector<ExternTypeC> externs = {
      {ExternKindC::kModule, 0, true, {}},     {ExternKindC::kFunc, 0, true, {}},
      {ExternKindC::kValue, 1, true, {}},      {ExternKindC::kValue, 0, false, u8},
      {ExternKindC::kType, 2, true, {}},       {ExternKindC::kType, 0, false, {}},
      {ExternKindC::kComponent, 3, true, {}},  {ExternKindC::kInstance, 4, true, {}}};
  for (size_t i = 0; i < externs.size(); ++i) {
    it.decls.push_back(decl_extern(Decl::Kind::kExport, "e" + std::to_string(i), externs[i]));
    ct.decls.push_back(decl_extern(Decl::Kind::kImport, "i" + std::to_string(i), externs[i]));
    ct.decls.push_back(decl_extern(Decl::Kind::kExport, "e" + std::to_string(i), externs[i]));
  }
  add(c.types, SectionKind::kType, it);
  add(c.types, SectionKind::kType, ct);
  add(c.core_types, SectionKind::kCoreType, mt);
  add(c.core_types, SectionKind::kCoreType, cf);
  // Imports with name attributes and every extern kind.
  for (size_t i = 0; i < externs.size(); ++i) {
    Import im;
    im.name.name = "ns:pkg/i" + std::to_string(i) + "@1.0.0";
    if (i % 2) {
      im.name.prefix = 0x02;
      im.name.attributes = {{NameAttribute::Kind::kImplements, "a:b/c"},
                            {NameAttribute::Kind::kVersionSuffix, "-rc"},
                            {NameAttribute::Kind::kExternalId, "x"}};
    }
    im.type = externs[i];
    add(c.imports, SectionKind::kImport, im);
  }
  // Aliases of all three targets.
  Alias a;
  a.target = Alias::Target::kExport, a.sort = Sort::kFunc, a.instance = 0, a.name = "f";
  add(c.aliases, SectionKind::kAlias, a);
  a.target = Alias::Target::kCoreExport, a.sort = Sort::kCoreMemory, a.name = "mem";
  add(c.aliases, SectionKind::kAlias, a);
  for (Sort s : {Sort::kCoreFunc, Sort::kCoreTable, Sort::kCoreGlobal, Sort::kCoreTag}) {
    a.sort = s;
    add(c.aliases, SectionKind::kAlias, a);
  }
  a = {};
  a.target = Alias::Target::kOuter, a.count = 1, a.index = 2;
  for (Sort s : {Sort::kType, Sort::kCoreType, Sort::kCoreModule, Sort::kComponent}) {
    a.sort = s;
    add(c.aliases, SectionKind::kAlias, a);
  }
  // Instances.
  CoreInstance ci;
  ci.module = 1;
  ci.args = {{"env", 0}, {"x", 2}};
  add(c.core_instances, SectionKind::kCoreInstance, ci);
  ci = {};
  ci.kind = CoreInstance::Kind::kExports;
  ci.exports = {{"f", {Sort::kCoreFunc, 1}}, {"t", {Sort::kCoreTable, 0}}, {"m", {Sort::kCoreMemory, 0}},
                {"g", {Sort::kCoreGlobal, 2}}, {"e", {Sort::kCoreTag, 0}}};
  add(c.core_instances, SectionKind::kCoreInstance, ci);
  Instance in;
  in.component = 0;
  in.args = {{"a", {Sort::kFunc, 1}}, {"b", {Sort::kCoreModule, 0}}, {"c", {Sort::kValue, 0}},
             {"d", {Sort::kType, 2}}, {"e", {Sort::kInstance, 0}}, {"f", {Sort::kComponent, 0}}};
  add(c.instances, SectionKind::kInstance, in);
  in = {};
  in.kind = Instance::Kind::kExports;
  InlineExport ie;
  ie.name.name = "f";
  ie.item = {Sort::kFunc, 0};
  in.exports.push_back(ie);
  ie.name.prefix = 0x02;
  ie.name.attributes = {{NameAttribute::Kind::kVersionSuffix, "-x"}};
  ie.item = {Sort::kCoreModule, 0};
  in.exports.push_back(ie);
  add(c.instances, SectionKind::kInstance, in);
  // Every canon kind (with options where it takes them).
  std::vector<CanonOpt> opts = {{CanonOpt::Kind::kUtf8, 0, 0},     {CanonOpt::Kind::kUtf16, 0, 0},
                                {CanonOpt::Kind::kLatin1Utf16, 0, 0}, {CanonOpt::Kind::kMemory, 1, 0},
                                {CanonOpt::Kind::kRealloc, 2, 0},  {CanonOpt::Kind::kPostReturn, 3, 0},
                                {CanonOpt::Kind::kAsync, 0, 0},    {CanonOpt::Kind::kCallback, 4, 0}};
  for (int k = 0; k <= 0x42; ++k) {
    CanonKind kind = static_cast<CanonKind>(k);
    if (std::string_view(CanonKindName(kind)) == "?") continue;
    for (bool flag : {false, true}) {
      Canon cn;
      cn.kind = kind;
      cn.func = 5, cn.type = 6, cn.index = 7, cn.flag = flag;
      cn.core_type = flag ? nw::ValType::kI64 : nw::ValType::kI32;
      cn.opts = opts;
      if (kind == CanonKind::kTaskReturn && flag) cn.result = t0;
      // Encode, decode: the AST then holds exactly what the binary keeps of this kind.
      Component one;
      one.sections.push_back({SectionKind::kCanon, 0, 1, 0});
      one.canons.push_back(cn);
      auto back = DecodeComponent(EncodeComponent(one));
      if (!back) ADD_FAILURE() << CanonKindName(kind) << ": " << back.error().ToString();
      else add(c.canons, SectionKind::kCanon, back->canons[0]);
    }
  }
  // Exports, with and without an ascribed type.
  Export ex;
  ex.name.name = "run";
  ex.item = {Sort::kFunc, 0};
  add(c.exports, SectionKind::kExport, ex);
  ex.type = ExternTypeC{ExternKindC::kFunc, 1, true, {}};
  ex.item = {Sort::kFunc, 1};
  add(c.exports, SectionKind::kExport, ex);
  ex.type = ExternTypeC{ExternKindC::kType, 0, false, {}};
  ex.item = {Sort::kType, 1};
  add(c.exports, SectionKind::kExport, ex);
  // A nested component with its own core module.
  Component nested;
  auto m = ParseComponentText("(component (core module (func (export \"f\") (result i32) i32.const 7)))");
  if (m) nested = std::move(*m);
  else ADD_FAILURE() << m.error().ToString();
  add(c.components, SectionKind::kComponent, nested);
  return c;
}

TEST(ComponentPrint, EveryFormRoundTrips) {
  Component c = EveryForm();
  std::vector<uint8_t> b1 = EncodeComponent(c);
  auto decoded = DecodeComponent(b1);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(EncodeComponent(*decoded), b1);
  std::string text;
  auto b2 = Reprint(*decoded, &text);
  ASSERT_TRUE(b2) << b2.error().ToString() << "\n" << text;
  EXPECT_EQ(b1, *b2) << text;
  // Spot checks of the forms (the full text is printed on failure above).
  for (const char* want : {"(type (;17;) (list u8 7))", "(canon lift (core func 5)",
                           "(canon thread.spawn-indirect shared 6 (core table 7) (core func",
                           "(canon waitable-set.wait cancellable (memory 7)", "(type (sub resource))",
                           "(resource (rep i64) (dtor (func 4)))", "(implements \"a:b/c\")",
                           "(alias outer 1 2 (core module", "(func async (param \"a\" u8)"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
}

TEST(ComponentPrint, NamesBecomeIds) {
  auto c = ParseComponentText(R"((component
    (core module $m (func (export "f")))
    (core instance $i (instantiate $m))
    (type $t (func (result u32)))
    (import "g" (func $g (type $t)))
    (export $e "h" (func $g))))");
  ASSERT_TRUE(c) << c.error().ToString();
  // The parser keeps no names: give the AST a name section as a binary would carry one.
  ComponentNames names;
  names.component = "top";
  names.sorts = {{Sort::kCoreModule, {{0, "m"}}},
                 {Sort::kType, {{0, "t"}}},
                 {Sort::kFunc, {{0, "g"}, {1, "dup"}}},
                 {Sort::kCoreInstance, {{0, "not valid"}}}};
  c->names = names;
  auto text = PrintComponentText(*c);
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_EQ(*text,
            "(component $top\n"
            "  (core module $m\n"
            "    (type (;0;) (func))\n"
            "    (func (;0;) (type 0)\n"
            "    )\n"
            "    (export \"f\" (func 0)))\n"
            "  (core instance (;0;) (instantiate $m))\n"
            "  (type $t (func (result u32)))\n"
            "  (import \"g\" (func $g (type $t)))\n"
            "  (export $dup \"h\" (func $g)))\n")
      << *text;
  auto back = ParseComponentText(*text);
  ASSERT_TRUE(back) << back.error().ToString();
  // The parser records the $ids it read: the valid, unique names come back, the others do not.
  ASSERT_TRUE(back->names);
  EXPECT_EQ(back->names->component, "top");
  std::vector<std::pair<Sort, std::vector<std::pair<uint32_t, std::string>>>> got;
  for (const NameMap& m : back->names->sorts) got.emplace_back(m.sort, m.names);
  decltype(got) want = {{Sort::kCoreModule, {{0, "m"}}},
                        {Sort::kType, {{0, "t"}}},
                        {Sort::kFunc, {{0, "g"}, {1, "dup"}}}};
  EXPECT_EQ(got, want);
  back->names.reset();
  c->names.reset();
  EXPECT_EQ(EncodeComponent(*back), EncodeComponent(*c));
}

// A parsed text's $ids are encoded in a component-name section, which decodes and prints them.
TEST(ComponentPrint, ParsedIdsAreEncodedAsNames) {
  auto c = ParseComponentText(R"((component $top (type $t (func)) (import "f" (func $f (type $t)))
    (component $inner (type $u u8))))");
  ASSERT_TRUE(c) << c.error().ToString();
  auto bytes = EncodeComponent(*c);
  auto d = DecodeComponent(bytes);
  ASSERT_TRUE(d) << d.error().ToString();
  ASSERT_TRUE(d->names);
  auto text = PrintComponentText(*d);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text,
            "(component $top\n"
            "  (type $t (func))\n"
            "  (import \"f\" (func $f (type $t)))\n"
            "  (component $inner\n"
            "    (type $u u8)))\n");
  auto back = ParseComponentText(*text);
  ASSERT_TRUE(back);
  EXPECT_EQ(EncodeComponent(*back), bytes);
}

// `(start ...)` (Explainer.md "Start definitions"): the parser reads what the printer writes,
// with value arguments, results that define new values (with or without an $id) and a function
// given by index, by $id or as `(func $i "name")`; the text is validated, and text → binary →
// text → binary gives the same bytes.
TEST(ComponentPrint, StartParsesAndRoundTrips) {
  const char* texts[] = {
      "(component (import \"f\" (func $f)) (start $f))",
      "(component (import \"f\" (func)) (start 0))",
      "(component (import \"i\" (instance $i (export \"g\" (func)))) (start (func $i \"g\")))",
      "(component\n"
      "  (import \"v\" (value $v u32))\n"
      "  (import \"w\" (value $w string))\n"
      "  (import \"f\" (func $f (param \"a\" u32) (param \"b\" string) (result u32)))\n"
      "  (start $f (value $v) (value 1) (result (value $r)))\n"
      "  (export \"r\" (value $r)))",
      "(component\n"
      "  (import \"f\" (func $f (result u8)))\n"
      "  (start $f (result (value)))\n"
      "  (export \"r\" (value 0)))",
  };
  for (const char* text : texts) {
    auto c = ParseComponentText(text);
    ASSERT_TRUE(c) << c.error().ToString() << "\n" << text;
    ASSERT_EQ(c->starts.size(), 1u) << text;
    std::string printed;
    SCOPED_TRACE(text);
    ASSERT_NO_FATAL_FAILURE(ExpectValidAndRoundTrips(*c, &printed));
    EXPECT_NE(printed.find("(start "), std::string::npos) << printed;
  }
  auto c = ParseComponentText(
      "(component (import \"v\" (value $v u32)) (import \"f\" (func $f (param \"a\" u32) (result u32)))"
      " (start $f (value $v) (result (value $r))) (export \"r\" (value $r)))");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->starts[0].func, 0u);
  EXPECT_EQ(c->starts[0].args, std::vector<uint32_t>{0});
  EXPECT_EQ(c->starts[0].results, 1u);
  EXPECT_EQ(c->exports[0].item.index, 1u);  // $r is the second value
  // Malformed forms fail with an offset.
  for (const char* bad : {"(component (start))", "(component (import \"f\" (func $f)) (start $g))",
                          "(component (import \"f\" (func $f)) (start $f (result)))",
                          "(component (import \"f\" (func $f)) (start $f (value $nope)))",
                          "(component (import \"f\" (func $f)) (start $f (result (value $r $s))))"}) {
    auto b = ParseComponentText(bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_NE(b.error().offset, kNoOffset) << bad;
  }
}

// Custom sections other than component-name have no text form: they are left as comments.
TEST(ComponentPrint, CustomSectionsAreComments) {
  Component c;
  c.sections.push_back({SectionKind::kCustom, 0, 1, 8});
  c.customs.push_back({"producers", {1, 2, 3}, 8});
  c.sections.push_back({SectionKind::kCustom, 1, 1, 8});
  c.customs.push_back({"a;)b", {}, 8});
  auto text = PrintComponentText(c);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "(component\n  (; custom section \"producers\" (3 bytes) is not printed ;)\n"
                   "  (; custom section \"a\\3b)b\" (0 bytes) is not printed ;))\n");
  EXPECT_TRUE(ParseComponentText(*text));
}

// 🪙 Component values print in Explainer.md's `(value $id? <valtype> (binary "..."))` form (the
// value's own bytes, whatever its type) and parse back to the same binary; a value can be used
// by a start function and exported. The literal forms are refused with an offset.
TEST(ComponentPrint, ValuesRoundTripInTheBinaryForm) {
  // Bytes that no literal reads back to (a string that is not UTF-8, an overlong LEB128, a
  // non-canonical NaN, a bool byte 2) stay in the binary form; valid bytes print as literals.
  Component c;
  c.sections.push_back({SectionKind::kValue, 0, 6, 20});
  c.values.push_back({ValType{false, PrimType::kU32, 0}, {5}, 22});
  c.values.push_back({ValType{false, PrimType::kString, 0}, {2, 'h', 0xff}, 30});
  c.values.push_back({ValType{false, PrimType::kU32, 0}, {0x85, 0x00}, 40});
  c.values.push_back({ValType{false, PrimType::kF32, 0}, {1, 0, 0xc0, 0x7f}, 50});
  c.values.push_back({ValType{false, PrimType::kBool, 0}, {2}, 60});
  c.values.push_back({ValType{false, PrimType::kU32, 0}, {5, 0}, 70});  // a byte too many
  auto text = PrintComponentText(c);
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_EQ(*text, "(component\n  (value (;0;) u32 5)\n"
                   "  (value (;1;) string (binary \"\\02h\\ff\"))\n"
                   "  (value (;2;) u32 (binary \"\\85\\00\"))\n"
                   "  (value (;3;) f32 (binary \"\\01\\00\\c0\\7f\"))\n"
                   "  (value (;4;) bool (binary \"\\02\"))\n"
                   "  (value (;5;) u32 (binary \"\\05\\00\")))\n");
  auto back = ParseComponentText(*text);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(EncodeComponent(*back), EncodeComponent(c));
  const char* used =
      "(component\n"
      "  (value $v u32 (binary \"\\07\"))\n"
      "  (type $r (record (field \"a\" u8)))\n"
      "  (value $w $r (binary \"\\01\" \"\"))\n"
      "  (import \"f\" (func $f (param \"a\" u32) (result u32)))\n"
      "  (start $f (value $v) (result (value $out)))\n"
      "  (export \"out\" (value $out))\n"
      "  (export \"w\" (value $w)))";
  auto u = ParseComponentText(used);
  ASSERT_TRUE(u) << u.error().ToString();
  ASSERT_EQ(u->values.size(), 2u);
  EXPECT_EQ(u->values[1].bytes, std::vector<uint8_t>{1});
  std::string printed;
  ASSERT_NO_FATAL_FAILURE(ExpectValidAndRoundTrips(*u, &printed));
  EXPECT_NE(printed.find("(value $v u32 7)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(value $w $r (record 1))"), std::string::npos) << printed;
  for (const char* bad : {"(component (value u32 (binary 7)))", "(component (value (binary \"\")))"}) {
    auto b = ParseComponentText(bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_NE(b.error().offset, kNoOffset) << bad;
  }
}

// Explainer.md's value literal forms: each reads into Binary.md's val(t) bytes, prints back as
// the same literal, and print -> parse -> encode gives the same bytes.
TEST(ComponentPrint, ValueLiteralsReadPrintAndRoundTrip) {
  const char* text = R"((component
  (value $a bool true)
  (value $b u8 1)
  (value $c u16 300)
  (value $d u32 4294967295)
  (value $e u64 18446744073709551615)
  (value $f s8 -128)
  (value $g s16 -2)
  (value $h s32 -2147483648)
  (value $i s64 -9223372036854775808)
  (value $j f32 9.1)
  (value $k f64 -9.2e300)
  (value $l char 'a')
  (value $m string "hello")
  (value $n (record (field "a" bool) (field "b" u8)) (record true 1))
  (value $o (variant (case "a" bool) (case "b" u8) (case "c")) (variant "b" 1))
  (value $o2 (variant (case "a" bool) (case "c")) (variant "c"))
  (value $p (list (result (option u8))) (list error (ok (some 1)) (ok none) error (ok (some 2))))
  (value $q (tuple u8 u16 u32) (tuple 1 2 3))
  (type $abc (flags "a" "b" "c"))
  (value $r $abc (flags "a" "c"))
  (value $s (enum "a" "b" "c") (enum "b"))
  (value $t bool (binary "\00"))
  (value $u string (binary "\07example"))
  (type $complex (tuple (record (field "a" (option string)) (field "b" (tuple (option u8) string)))
                        (list char) $abc string))
  (value $complex1 $complex (tuple (record none (tuple none "empty")) (list) (flags) ""))
  (value $complex2 $complex (tuple (record (some "example") (tuple (some 42) "hello"))
                                   (list 'a' 'b' 'c') (flags "b" "a") "hi"))
  (value $nan f32 nan)
  (value $nan64 f64 -nan)
  (value $inf f64 -inf)
  (value $z f64 -0)
  (value $hex u32 0xff)
  (value $ch1 char '\u{1F600}')
  (value $ch2 char '\n')
  (value $ch3 char 'é')
  (value $ch4 char '\'')
  (value $ch5 char '\u{20}')
  (value $res1 (result) ok)
  (value $res2 (result u8 (error string)) (error "no"))
  (value $res3 (result (error u8)) ok)
  (type $t-exported (record (field "x" s16)))
  (export $t-alias "t" (type $t-exported))
  (value $via-export $t-alias (record -5))
))";
  auto c = ParseComponentText(text);
  ASSERT_TRUE(c) << c.error().ToString();
  auto at = [&](size_t i) { return c->values.at(i).bytes; };
  using B = std::vector<uint8_t>;
  EXPECT_EQ(at(0), B{1});
  EXPECT_EQ(at(2), (B{0xac, 0x02}));                      // u16 300: unsigned LEB128
  EXPECT_EQ(at(3), (B{0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(at(5), B{0x80});                              // s8 -128: a byte
  EXPECT_EQ(at(6), B{0x7e});                              // s16 -2: signed LEB128
  EXPECT_EQ(at(9), (B{0x9a, 0x99, 0x11, 0x41}));          // f32 9.1
  EXPECT_EQ(at(11), B{'a'});
  EXPECT_EQ(at(12), (B{5, 'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(at(13), (B{1, 1}));
  EXPECT_EQ(at(14), (B{1, 1}));                           // case index 1, payload u8 1
  EXPECT_EQ(at(15), B{1});
  EXPECT_EQ(at(16), (B{5, 1, 0, 1, 1, 0, 0, 1, 0, 1, 2}));
  EXPECT_EQ(at(18), B{0b101});
  EXPECT_EQ(at(19), B{1});
  EXPECT_EQ(at(24), (B{0x00, 0x00, 0xc0, 0x7f}));         // the canonical NaN
  EXPECT_EQ(at(25), (B{0, 0, 0, 0, 0, 0, 0xf8, 0x7f}));   // -nan is the canonical NaN too
  EXPECT_EQ(at(29), (B{0xf0, 0x9f, 0x98, 0x80}));         // U+1F600 as UTF-8
  EXPECT_EQ(at(33), B{' '});
  EXPECT_EQ(at(35), (B{1, 2, 'n', 'o'}));
  EXPECT_EQ(at(37), B{0x7b});                             // s16 -5 in the exported type
  std::string printed;
  ASSERT_NO_FATAL_FAILURE(ExpectValidAndRoundTrips(*c, &printed));
  EXPECT_NE(printed.find("(value $a bool true)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(list error (ok (some 1)) (ok none) error (ok (some 2)))"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(list 'a' 'b' 'c') (flags \"a\" \"b\") \"hi\")"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(value $t bool false)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(value $u string \"example\")"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(value $nan64 f64 nan)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(value $inf f64 -inf)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("'\\u{1f600}'"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(value $ch4 char '\\u{27}')"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(record -5)"), std::string::npos) << printed;
  // The printed text parses back to the same bytes, value by value.
  auto again = ParseComponentText(printed);
  ASSERT_TRUE(again) << again.error().ToString() << "\n" << printed;
  ASSERT_EQ(again->values.size(), c->values.size());
  for (size_t i = 0; i < c->values.size(); ++i) EXPECT_EQ(again->values[i].bytes, c->values[i].bytes) << i;
}

// Malformed literals: `file:offset: message` at the offending part, nothing accepted.
TEST(ComponentPrint, MalformedValueLiteralsHaveOffsets) {
  struct Bad {
    const char* text;
    const char* at;       // the error's offset is where this substring starts
    const char* message;  // a substring of the message
  };
  const Bad kBad[] = {
      {"(component (value u8 256))", "256", "out of range for u8"},
      {"(component (value u8 -1))", "-1", "out of range for u8"},
      {"(component (value s8 128))", "128", "out of range for s8"},
      {"(component (value s64 -9223372036854775809))", "-9223", "out of range for s64"},
      {"(component (value u32 1.5))", "1.5", "malformed integer"},
      {"(component (value bool 1))", "1", "expected true or false"},
      {"(component (value f32 nan:0x1))", "nan:", "NaN payloads"},
      {"(component (value f64 \"x\"))", "\"x\"", "expected a number"},
      {"(component (value char 'ab'))", "'ab'", "malformed character literal"},
      {"(component (value char '\\u{d800}'))", "'\\u", "not a Unicode scalar value"},
      {"(component (value char \"a\"))", "\"a\"", "expected a character literal"},
      {"(component (value string \"\\ff\"))", "\"\\ff\"", "malformed UTF-8"},
      {"(component (value (record (field \"a\" u8) (field \"b\" u8)) (record 1)))", "(record 1)",
       "has 1 values, expected 2"},
      {"(component (value (variant (case \"a\" u8)) (variant \"z\" 1)))", "\"z\"", "unknown label \"z\""},
      {"(component (value (variant (case \"a\" u8)) (variant \"a\")))", "(variant \"a\")", "needs a payload"},
      {"(component (value (enum \"a\") (enum \"b\")))", "\"b\"", "unknown label"},
      {"(component (value (flags \"a\") (flags a)))", "a))", "expected a quoted label"},
      {"(component (value (option u8) (some)))", "(some)", "expected 1"},
      {"(component (value (option u8) 1))", "1))", "none or (some v)"},
      {"(component (value (result u8) ok))", "ok", "needs a payload"},
      {"(component (value (result) (ok 1)))", "(ok 1)", "has no payload"},
      {"(component (value (list u8) (tuple 1)))", "(tuple 1)", "expected (list ...)"},
      {"(component (value (list u8 2) (list 1 2)))", "(list 1 2))", "fixed-length list"},
      {"(component (type $r (resource (rep i32))) (value (own $r) 1))", "1))", "own values have no literal"},
      {"(component (import \"t\" (type $t (sub resource))) (value u32 (list)))", "(list)", "expected an integer"},
  };
  for (const Bad& b : kBad) {
    auto r = ParseComponentText(b.text);
    ASSERT_FALSE(r) << b.text;
    std::string_view t = b.text;
    size_t want = t.find(b.at, t.find("(value") + 6);
    EXPECT_EQ(r.error().offset, want) << b.text << ": " << r.error().ToString();
    EXPECT_NE(r.error().message.find(b.message), std::string::npos) << b.text << ": " << r.error().ToString();
  }
  // A type known only through an alias has no literal here: the message says to use binary.
  auto r = ParseComponentText(
      "(component (import \"i\" (instance $i (type $x (record (field \"a\" u8)))"
      " (export \"t\" (type (eq $x))))) (alias export $i \"t\" (type $t)) (value $v $t (record 1)))");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("(binary"), std::string::npos) << r.error().ToString();
}

// Truncated and corrupted component binaries (of EveryForm): decoding fails with an offset inside
// the input, and whatever decodes prints (and its text parses or fails with a message).
TEST(ComponentPrint, TruncatedAndCorruptedBinaries) {
  std::vector<uint8_t> whole = EncodeComponent(EveryForm());
  size_t failed = 0;
  for (size_t n = 0; n < whole.size(); ++n) {
    std::span<const uint8_t> prefix(whole.data(), n);
    auto c = DecodeComponent(prefix);
    if (!c) {
      ++failed;
      EXPECT_NE(c.error().offset, kNoOffset) << n;
      EXPECT_LE(c.error().offset, n) << n;
      continue;
    }
    EXPECT_TRUE(PrintComponentText(*c)) << n;
  }
  EXPECT_GT(failed, whole.size() / 2);
  // Corrupted bytes: whatever still decodes prints, and the text parses or fails with a message.
  size_t printed = 0;
  for (size_t n = 8; n < whole.size(); n += 3) {  // every third byte: ~1 s under ASan
    for (uint8_t b : {0x00, 0xff}) {
      std::vector<uint8_t> bad = whole;
      bad[n] = b;
      auto c = DecodeComponent(bad);
      if (!c) {
        EXPECT_LE(c.error().offset, bad.size()) << n;
        continue;
      }
      auto text = PrintComponentText(*c);
      if (!text) continue;
      ++printed;
      (void)ParseComponentText(*text);
    }
  }
  EXPECT_GT(printed, 0u);
}

}  // namespace
}  // namespace nw::component

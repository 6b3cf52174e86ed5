// WAT -> ModuleDesc: each module field and abbreviation, instruction encoding (plain, folded,
// labels, immediates), implicit types, names, and the parse errors of the text format.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/wat.h"

namespace nw {
namespace {

using Bytes = std::vector<uint8_t>;

ModuleDesc Parse(std::string_view text) {
  auto r = ParseWat(text);
  EXPECT_TRUE(r.has_value()) << text << "\n -> " << (r ? "" : r.error().message);
  return r ? std::move(*r) : ModuleDesc{};
}

std::string ErrorOf(std::string_view text) {
  auto r = ParseWat(text);
  return r ? std::string("<parsed>") : r.error().message;
}

// Body bytes of the only function of `(module (func <func>))`.
Bytes Body(std::string_view func, std::string_view extra = "") {
  ModuleDesc m = Parse(std::string("(module ") + std::string(extra) + " (func " +
                       std::string(func) + "))");
  if (m.functions.empty()) return {};
  return m.functions.back().body;
}

TEST(Wat, EmptyModuleAndBareFields) {
  ModuleDesc m = Parse("(module)");
  EXPECT_TRUE(m.types.empty());
  EXPECT_TRUE(m.functions.empty());
  ModuleDesc bare = Parse("(func) (memory 1)");
  EXPECT_EQ(bare.functions.size(), 1u);
  EXPECT_EQ(bare.memories.size(), 1u);
  ModuleDesc named = Parse("(module $m)");
  EXPECT_EQ(named.names.module, "m");
}

TEST(Wat, TypesAndImplicitTypeUses) {
  ModuleDesc m = Parse(R"((module
    (type $a (func (param i32) (result i64)))
    (func (param i64))                         ;; new type appended: 1
    (func (type $a) (param $x i32) (result i64) (i64.const 0))
    (func (param i32) (result i64) (i64.const 1))  ;; matches $a
    (type $b (func))                           ;; explicit types come before implicit ones
    (func (call_indirect (param f32) (i32.const 0)))))");
  ASSERT_EQ(m.types.size(), 4u);
  EXPECT_EQ(m.types[0], (FuncType{{ValType::kI32}, {ValType::kI64}}));
  EXPECT_EQ(m.types[1], (FuncType{{}, {}}));
  EXPECT_EQ(m.types[2], (FuncType{{ValType::kI64}, {}}));
  EXPECT_EQ(m.types[3], (FuncType{{ValType::kF32}, {}}));
  ASSERT_EQ(m.functions.size(), 4u);
  EXPECT_EQ(m.functions[0].type_index, 2u);
  EXPECT_EQ(m.functions[1].type_index, 0u);
  EXPECT_EQ(m.functions[2].type_index, 0u);
  EXPECT_EQ(m.functions[3].type_index, 1u);
  EXPECT_EQ(m.functions[3].body, (Bytes{0x41, 0x00, 0x11, 0x03, 0x00, 0x0B}));
  EXPECT_EQ(ErrorOf("(type (func (param i32))) (func (type 0) (param i64))"),
            "inline function type");
  EXPECT_EQ(ErrorOf("(type (func)) (func (type 0) (result i32) (i32.const 0))"),
            "inline function type");
  EXPECT_EQ(ErrorOf("(func (type 3) (param i32))"), "unknown type");
  // Without inline types an out-of-range index is left to the validator.
  EXPECT_EQ(Parse("(func (type 7))").functions[0].type_index, 7u);
}

TEST(Wat, ImportsAndExports) {
  ModuleDesc m = Parse(R"((module
    (import "m" "f" (func $f (param i32)))
    (import "m" "t" (table 1 2 funcref))
    (import "m" "mem" (memory 1))
    (import "m" "g" (global $g (mut i64)))
    (func $h (export "h1") (export "h2") (import "m" "h") (result i32))
    (global (export "g2") (import "m" "g2") f32)
    (func $own (export "own"))
    (export "f" (func $f))
    (export "g" (global $g))
    (export "t" (table 0))
    (export "mem" (memory 0))))");
  ASSERT_EQ(m.imports.size(), 6u);
  EXPECT_EQ(m.imports[0].kind, ExternKind::kFunc);
  EXPECT_EQ(m.imports[1].table, (TableType{ValType::kFuncRef, Limits{1, 2}}));
  EXPECT_EQ(m.imports[2].memory.limits, (Limits{1, std::nullopt}));
  EXPECT_EQ(m.imports[3].global, (GlobalType{ValType::kI64, true}));
  EXPECT_EQ(m.imports[4].name, "h");
  EXPECT_EQ(m.imports[5].global, (GlobalType{ValType::kF32, false}));
  EXPECT_EQ(m.num_imported_funcs, 2u);
  EXPECT_EQ(m.num_imported_globals, 2u);
  ASSERT_EQ(m.exports.size(), 8u);
  EXPECT_EQ(m.exports[0].name, "h1");
  EXPECT_EQ(m.exports[0].index, 1u);
  EXPECT_EQ(m.exports[1].name, "h2");
  EXPECT_EQ(m.exports[2].kind, ExternKind::kGlobal);
  EXPECT_EQ(m.exports[2].index, 1u);
  EXPECT_EQ(m.exports[3].name, "own");
  EXPECT_EQ(m.exports[3].index, 2u);
  EXPECT_EQ(m.exports[4].index, 0u);
  EXPECT_EQ(m.exports[5].kind, ExternKind::kGlobal);
  EXPECT_EQ(m.names.functions.at(0), "f");
  EXPECT_EQ(m.names.functions.at(1), "h");
  EXPECT_EQ(m.names.functions.at(2), "own");
  EXPECT_EQ(ErrorOf("(func) (import \"\" \"\" (func))"), "import after function");
  EXPECT_EQ(ErrorOf("(global i32 (i32.const 0)) (import \"\" \"\" (memory 1))"),
            "import after global");
  EXPECT_EQ(ErrorOf("(memory 0) (func (import \"\" \"\"))"), "import after memory");
  EXPECT_EQ(ErrorOf("(import \"\\ff\" \"\" (func))"), "malformed UTF-8 encoding");
  EXPECT_EQ(ErrorOf("(export \"\\c0\\80\" (func 0)) (func)"), "malformed UTF-8 encoding");
}

TEST(Wat, TablesMemoriesGlobals) {
  ModuleDesc m = Parse(R"((module
    (table $t 2 10 externref)
    (table funcref (elem $f $f $f))
    (memory $m 1 2)
    (memory (data "ab" "c"))
    (global $g i32 (i32.const -1))
    (global (mut f64) (f64.const 1.5))
    (func $f)))");
  ASSERT_EQ(m.tables.size(), 2u);
  EXPECT_EQ(m.tables[0], (TableType{ValType::kExternRef, Limits{2, 10}}));
  EXPECT_EQ(m.tables[1], (TableType{ValType::kFuncRef, Limits{3, 3}}));
  ASSERT_EQ(m.elems.size(), 1u);
  EXPECT_EQ(m.elems[0].mode, SegmentMode::kActive);
  EXPECT_EQ(m.elems[0].table_index, 1u);
  EXPECT_EQ(m.elems[0].flags, 2u);
  EXPECT_EQ(m.elems[0].func_indices, (std::vector<uint32_t>{0, 0, 0}));
  EXPECT_EQ(m.elems[0].offset.bytes, (Bytes{0x41, 0x00, 0x0B}));
  ASSERT_EQ(m.memories.size(), 2u);
  EXPECT_EQ(m.memories[0].limits, (Limits{1, 2}));
  EXPECT_EQ(m.memories[1].limits, (Limits{1, 1}));
  ASSERT_EQ(m.datas.size(), 1u);
  EXPECT_EQ(m.datas[0].bytes, (Bytes{'a', 'b', 'c'}));
  EXPECT_EQ(m.datas[0].memory_index, 1u);
  EXPECT_EQ(m.datas[0].flags, 2u);
  ASSERT_EQ(m.globals.size(), 2u);
  EXPECT_EQ(m.globals[0].init.bytes, (Bytes{0x41, 0x7f, 0x0B}));
  EXPECT_EQ(m.globals[1].type, (GlobalType{ValType::kF64, true}));
  EXPECT_EQ(m.globals[1].init.bytes,
            (Bytes{0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x0B}));
  EXPECT_EQ(Parse("(memory (data))").memories[0].limits, (Limits{0, 0}));
}

// `shared` after a memory's limits (threads proposal; Features::shared_memory): in a memory
// field, an inline import and an import field. The parser reads it whatever the features; the
// validator checks them and the maximum.
TEST(Wat, SharedMemories) {
  ModuleDesc m = Parse(R"((module
    (import "" "a" (memory 1 2 shared))
    (memory (import "" "b") 0 0 shared)
    (memory $m 1 4 shared)
    (memory 1 shared)
    (memory 2 3)))");
  ASSERT_EQ(m.imports.size(), 2u);
  EXPECT_EQ(m.imports[0].memory, (MemoryType{Limits{1, 2}, true}));
  EXPECT_EQ(m.imports[1].memory, (MemoryType{Limits{0, 0}, true}));
  ASSERT_EQ(m.memories.size(), 3u);
  EXPECT_EQ(m.memories[0], (MemoryType{Limits{1, 4}, true}));
  EXPECT_EQ(m.memories[1], (MemoryType{Limits{1, std::nullopt}, true}));  // invalid, not malformed
  EXPECT_EQ(m.memories[2], (MemoryType{Limits{2, 3}, false}));
  // Only `shared`, only after the limits, and not on tables.
  EXPECT_NE(ErrorOf("(memory 1 2 unshared)"), "<parsed>");
  EXPECT_NE(ErrorOf("(memory shared 1 2)"), "<parsed>");
  EXPECT_NE(ErrorOf("(table 1 2 shared funcref)"), "<parsed>");
}

TEST(Wat, ElemSegments) {
  ModuleDesc m = Parse(R"((module
    (table $t 10 funcref)
    (table $u 10 externref)
    (func $f) (func $g)
    (elem (i32.const 0) $f $g)                          ;; 0: legacy active
    (elem $p func $g)                                   ;; 1: passive indices
    (elem declare func $f)                              ;; 3: declarative
    (elem (table $t) (offset (i32.const 1)) func $f)    ;; 0: explicit table 0
    (elem funcref (ref.func $f) (item ref.null func))   ;; 5: passive exprs
    (elem (table $u) (i32.const 2) externref (ref.null extern))  ;; 6
    (elem (i32.const 3) funcref (ref.func $g))          ;; 4
    (elem declare funcref (item (ref.func $g)))         ;; 7
    (func (elem.drop $p) (table.init $u $p (i32.const 0) (i32.const 0) (i32.const 0)))))");
  ASSERT_EQ(m.elems.size(), 8u);
  std::vector<uint32_t> flags;
  for (const auto& e : m.elems) flags.push_back(e.flags);
  EXPECT_EQ(flags, (std::vector<uint32_t>{0, 1, 3, 0, 5, 6, 4, 7}));
  EXPECT_EQ(m.elems[0].func_indices, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(m.elems[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(m.elems[2].mode, SegmentMode::kDeclarative);
  EXPECT_EQ(m.elems[3].offset.bytes, (Bytes{0x41, 0x01, 0x0B}));
  ASSERT_EQ(m.elems[4].exprs.size(), 2u);
  EXPECT_EQ(m.elems[4].exprs[0].bytes, (Bytes{0xD2, 0x00, 0x0B}));
  EXPECT_EQ(m.elems[4].exprs[1].bytes, (Bytes{0xD0, 0x70, 0x0B}));
  EXPECT_EQ(m.elems[5].table_index, 1u);
  EXPECT_EQ(m.elems[5].type, ValType::kExternRef);
  EXPECT_EQ(m.elems[7].exprs[0].bytes, (Bytes{0xD2, 0x01, 0x0B}));
  EXPECT_EQ(m.functions[2].body,
            (Bytes{0xFC, 0x0D, 0x01, 0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 0x0C, 0x01, 0x01, 0x0B}));
}

TEST(Wat, DataSegmentsAndDataCount) {
  ModuleDesc m = Parse(R"((module
    (memory $a 1) (memory $b 1)
    (data (i32.const 8) "x\01")
    (data $p "passive")
    (data (memory $b) (offset (i32.const 0)) "y")))");
  ASSERT_EQ(m.datas.size(), 3u);
  EXPECT_EQ(m.datas[0].flags, 0u);
  EXPECT_EQ(m.datas[0].bytes, (Bytes{'x', 1}));
  EXPECT_EQ(m.datas[0].offset.bytes, (Bytes{0x41, 0x08, 0x0B}));
  EXPECT_EQ(m.datas[1].flags, 1u);
  EXPECT_EQ(m.datas[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(m.datas[2].flags, 2u);
  EXPECT_EQ(m.datas[2].memory_index, 1u);
  EXPECT_FALSE(m.data_count.has_value());
  ModuleDesc d = Parse("(memory 1) (data $d \"a\") (func (data.drop $d))");
  EXPECT_EQ(d.data_count, 1u);
  EXPECT_EQ(d.functions[0].body, (Bytes{0xFC, 0x09, 0x00, 0x0B}));
}

TEST(Wat, PlainAndFoldedInstructions) {
  EXPECT_EQ(Body("(result i32) (i32.add (i32.const 1) (i32.const 2))"),
            (Bytes{0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B}));
  EXPECT_EQ(Body("(result i32) i32.const 1 i32.const 2 i32.add"),
            (Bytes{0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B}));
  EXPECT_EQ(Body("(param $x i32) (local $y i64) (local f32 f32) (local.set 0 (local.get $x))"
                 " local.get $y drop local.get 3 drop"),
            (Bytes{0x20, 0x00, 0x21, 0x00, 0x20, 0x01, 0x1A, 0x20, 0x03, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(drop (i64.const -0x8000000000000000))"),
            (Bytes{0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F, 0x1A,
                   0x0B}));
  EXPECT_EQ(Body("(drop (i32.const 0xffffffff))"), (Bytes{0x41, 0x7F, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(drop (f32.const -0x1p-1))"), (Bytes{0x43, 0, 0, 0, 0xBF, 0x1A, 0x0B}));
  ModuleDesc m = Parse("(func (param i32 i64) (local $a f32) (local $b i32) (local f32))");
  ASSERT_EQ(m.functions[0].locals.size(), 3u);
  EXPECT_EQ(m.functions[0].locals[0].type, ValType::kF32);
  EXPECT_EQ(m.functions[0].locals[1].type, ValType::kI32);
  EXPECT_EQ(m.functions[0].locals[2].count, 1u);
  ModuleDesc runs = Parse("(func (local i32 i32) (local i32) (local $z i64))");
  ASSERT_EQ(runs.functions[0].locals.size(), 2u);
  EXPECT_EQ(runs.functions[0].locals[0].count, 3u);
  EXPECT_EQ(runs.names.locals.at(0).at(3), "z");
}

TEST(Wat, BlocksLabelsAndBranches) {
  EXPECT_EQ(Body("(block $outer (loop $inner (br_if $outer (i32.const 1)) (br $inner)))"),
            (Bytes{0x02, 0x40, 0x03, 0x40, 0x41, 0x01, 0x0D, 0x01, 0x0C, 0x00, 0x0B, 0x0B,
                   0x0B}));
  EXPECT_EQ(Body("block $l block $l br $l end $l br $l end br 0"),  // shadowing
            (Bytes{0x02, 0x40, 0x02, 0x40, 0x0C, 0x00, 0x0B, 0x0C, 0x00, 0x0B, 0x0C, 0x00,
                   0x0B}));
  EXPECT_EQ(Body("(block $a (block $b (br_table $a $b 0 (i32.const 0))))"),
            (Bytes{0x02, 0x40, 0x02, 0x40, 0x41, 0x00, 0x0E, 0x02, 0x01, 0x00, 0x00, 0x0B,
                   0x0B, 0x0B}));
  EXPECT_EQ(Body("(result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) "
                 "(else (i32.const 3)))"),
            (Bytes{0x41, 0x01, 0x04, 0x7F, 0x41, 0x02, 0x05, 0x41, 0x03, 0x0B, 0x0B}));
  EXPECT_EQ(Body("i32.const 0 if $l nop else $l br $l end $l"),
            (Bytes{0x41, 0x00, 0x04, 0x40, 0x01, 0x05, 0x0C, 0x00, 0x0B, 0x0B}));
  // Multi-value block types become (implicit) type indices.
  ModuleDesc m = Parse("(func (i32.const 1) (block (param i32) (result i32 i32) (i32.const 2)) "
                       "drop drop)");
  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[1], (FuncType{{ValType::kI32}, {ValType::kI32, ValType::kI32}}));
  EXPECT_EQ(m.functions[0].body,
            (Bytes{0x41, 0x01, 0x02, 0x01, 0x41, 0x02, 0x0B, 0x1A, 0x1A, 0x0B}));
  EXPECT_EQ(ErrorOf("(func block $a end $b)"), "mismatching label");
  EXPECT_EQ(ErrorOf("(func block end $b)"), "mismatching label");
  EXPECT_EQ(ErrorOf("(func (br $nowhere))"), "unknown label $nowhere");
  EXPECT_EQ(ErrorOf("(func (block (param $x i32)))").substr(0, 16), "unexpected token");
}

TEST(Wat, Immediates) {
  const char* mem = "(memory 1) (table $t2 1 funcref) (table $t 1 funcref) (global $g (mut i32) "
                    "(i32.const 0)) (type $sig (func (param i32)))";
  EXPECT_EQ(Body("(drop (i64.load offset=8 align=4 (i32.const 0)))", mem),
            (Bytes{0x41, 0x00, 0x29, 0x02, 0x08, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(drop (i32.load8_u (i32.const 0)))", mem),
            (Bytes{0x41, 0x00, 0x2D, 0x00, 0x00, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(i64.store32 offset=0xffffffff (i32.const 0) (i64.const 0))", mem),
            (Bytes{0x41, 0x00, 0x42, 0x00, 0x3E, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x0B}));
  EXPECT_EQ(Body("(drop (f64.load (i32.const 0)))", mem),
            (Bytes{0x41, 0x00, 0x2B, 0x03, 0x00, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(drop (memory.grow (memory.size)))", mem),
            (Bytes{0x3F, 0x00, 0x40, 0x00, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(global.set $g (global.get 0))", mem),
            (Bytes{0x23, 0x00, 0x24, 0x00, 0x0B}));
  EXPECT_EQ(Body("(call_indirect $t (type $sig) (param i32) (i32.const 1) (i32.const 0))", mem),
            (Bytes{0x41, 0x01, 0x41, 0x00, 0x11, 0x00, 0x01, 0x0B}));
  EXPECT_EQ(Body("(call_indirect (type $sig) (i32.const 1) (i32.const 0))", mem),
            (Bytes{0x41, 0x01, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0B}));
  EXPECT_EQ(Body("(drop (select (result i64) (i64.const 1) (i64.const 2) (i32.const 0)))"),
            (Bytes{0x42, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1C, 0x01, 0x7E, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(drop (select (i32.const 1) (i32.const 2) (i32.const 0)))"),
            (Bytes{0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(drop (ref.null extern)) (drop (ref.is_null (ref.null func)))"),
            (Bytes{0xD0, 0x6F, 0x1A, 0xD0, 0x70, 0xD1, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(drop (table.get $t (i32.const 0))) (drop (table.size))", mem),
            (Bytes{0x41, 0x00, 0x25, 0x01, 0x1A, 0xFC, 0x10, 0x00, 0x1A, 0x0B}));
  EXPECT_EQ(Body("(table.copy (i32.const 0) (i32.const 0) (i32.const 0)) "
                 "(table.copy $t $t2 (i32.const 0) (i32.const 0) (i32.const 0))", mem),
            (Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 0x0E, 0x00, 0x00, 0x41, 0, 0x41, 0, 0x41, 0,
                   0xFC, 0x0E, 0x01, 0x00, 0x0B}));
  EXPECT_EQ(Body("(memory.copy (i32.const 0) (i32.const 0) (i32.const 0))", mem),
            (Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 0x0A, 0x00, 0x00, 0x0B}));
  EXPECT_EQ(Body("(memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))",
                 "(memory 1) (data $d \"\")"),
            (Bytes{0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 0x08, 0x00, 0x00, 0x0B}));
  EXPECT_EQ(Body("(drop (ref.func $self))", "(func $self) (elem declare func $self)"),
            (Bytes{0xD2, 0x00, 0x1A, 0x0B}));
  EXPECT_EQ(ErrorOf("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))"),
            "alignment must be a power of two");
  EXPECT_EQ(ErrorOf("(func (drop (i32.const 0x1_0000_0000)))"), "constant out of range");
  EXPECT_EQ(ErrorOf("(func (drop (f32.const 0x1p128)))"), "constant out of range");
  EXPECT_EQ(ErrorOf("(func (i32.const0))"), "unknown operator i32.const0");
  EXPECT_EQ(ErrorOf("(func get_local 0)"), "unknown operator get_local");
  EXPECT_EQ(ErrorOf("(func br 0drop)"), "unknown operator");
}

TEST(Wat, IdentifiersAcrossIndexSpaces) {
  ModuleDesc m = Parse(R"((module
    (func $a (call $b))            ;; forward reference
    (func $b (call $a))
    (global $x i32 (i32.const 0))
    (start $b)))");
  EXPECT_EQ(m.functions[0].body, (Bytes{0x10, 0x01, 0x0B}));
  EXPECT_EQ(m.start, 1u);
  EXPECT_EQ(ErrorOf("(func $f) (func $f)"), "duplicate func $f");
  EXPECT_EQ(ErrorOf("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))"),
            "duplicate global $g");
  EXPECT_EQ(ErrorOf("(func (param $p i32) (local $p i32))"), "duplicate local $p");
  EXPECT_EQ(ErrorOf("(type $t (func)) (type $t (func))"), "duplicate type $t");
  EXPECT_EQ(ErrorOf("(memory $m 1) (memory $m 1)"), "duplicate memory $m");
  EXPECT_EQ(ErrorOf("(func (call $nope))"), "unknown function $nope");
  EXPECT_EQ(ErrorOf("(func (local.get $nope))"), "unknown local $nope");
  EXPECT_EQ(ErrorOf("(func (global.get $nope))"), "unknown global $nope");
  EXPECT_EQ(ErrorOf("(func (data.drop $nope))"), "unknown data segment $nope");
  EXPECT_EQ(ErrorOf("(func (elem.drop $nope))"), "unknown elem segment $nope");
  EXPECT_EQ(ErrorOf("(func (type $nope))"), "unknown type $nope");
  EXPECT_EQ(ErrorOf("(start 0) (start 0) (func)"), "multiple start sections");
}

TEST(Wat, SyntaxErrorsCarryOffsets) {
  auto r = ParseWat("(module\n  (func (nop))\n  (bogus))");
  ASSERT_FALSE(r.has_value());
  LineCol lc = LineColAt("(module\n  (func (nop))\n  (bogus))", r.error().offset);
  EXPECT_EQ(lc.line, 3u);
  EXPECT_EQ(lc.column, 4u);
  EXPECT_FALSE(ParseWat("(module (func)").has_value());
  EXPECT_FALSE(ParseWat("(module) (func)").has_value());
  EXPECT_FALSE(ParseWat("(func))").has_value());
  EXPECT_FALSE(ParseWat("(func (result i32) (param i32))").has_value());
  EXPECT_FALSE(ParseWat("(type (func (result $x i32)))").has_value());
  EXPECT_FALSE(ParseWat("(func (i32.const))").has_value());
  EXPECT_FALSE(ParseWat("(data \"a\"\"b\")").has_value());
  EXPECT_FALSE(ParseWat("(func (if (i32.const 1) (i32.const 2)))").has_value());  // no then
  EXPECT_FALSE(ParseWat("(func nop)x").has_value());
}

TEST(Wat, DeepNestingUsesNoCStack) {
  // Folded and plain nesting are parsed with an explicit stack: depth costs heap only.
  const int n = 100000;
  std::string deep = "(func ";
  for (int i = 0; i < n; ++i) deep += "(block (i32.eqz ";
  deep += "(i32.const 0)";
  for (int i = 0; i < n; ++i) deep += ") drop)";
  for (int i = 0; i < n; ++i) deep += " loop";
  for (int i = 0; i < n; ++i) deep += " end";
  deep += ")";
  auto r = ParseWat(deep);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const Bytes& body = r->functions[0].body;
  ASSERT_EQ(body.size(), size_t{n} * 2 + 2 + size_t{n} * 3 + size_t{n} * 3 + 1);
  EXPECT_EQ(body[0], 0x02);
  EXPECT_EQ(body[2 * n], 0x41);
  EXPECT_EQ(body[2 * n + 2], 0x45);  // innermost i32.eqz right after its operand
  EXPECT_EQ(body.back(), 0x0B);
}

TEST(Wat, LargeModuleParses) {
  std::string text = "(module (memory 1)\n";
  for (int f = 0; f < 2000; ++f) {
    text += "(func $f" + std::to_string(f) + " (param $a i32) (result i32)\n";
    for (int i = 0; i < 50; ++i)
      text += "  (local.set $a (i32.add (local.get $a) (i32.load offset=4 (i32.const 8))))\n";
    text += "  (local.get $a))\n";
  }
  text += ")";
  auto r = ParseWat(text);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->functions.size(), 2000u);
  EXPECT_EQ(r->types.size(), 1u);
  EXPECT_EQ(r->names.functions.at(1999), "f1999");
}

}  // namespace
}  // namespace nw

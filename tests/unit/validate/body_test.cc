// Function-body validation: representative valid bodies and one invalid body per rule, each
// checked for the spec's message. Bodies are hex bytes in a fixed module (see Standard()).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_module.h"
#include "validate/body_decoder.h"
#include "validate/validate.h"

namespace nw {
namespace {

using namespace nw::test;

// Types 1..4 and functions 1..2 are available to bodies:
//   type 1 = [i32]->[i32], 2 = []->[], 3 = [i32 i64]->[f32], 4 = [i32]->[i32 i32]
//   func 1 : type 1 (declared for ref.func), func 2 : type 2 (not declared)
//   table 0 funcref, table 1 externref; memory 0; global 0 mut i32, global 1 immutable i64
//   data 0 passive (data count 1); elem 0 declarative funcref, elem 1 passive externref
TestModule Standard(std::vector<ValType> params,
                    std::vector<ValType> results,
                    std::string_view body,
                    std::vector<LocalDecl> locals = {}) {
  TestModule t;
  t.Type(std::move(params), std::move(results));
  t.Type({I32}, {I32});
  t.Type({}, {});
  t.Type({I32, I64}, {F32});
  t.Type({I32}, {I32, I32});
  t.Func(0, body, std::move(locals));
  t.Func(1, "20 00 0b");
  t.Func(2, "0b");
  t.Table(FuncRef, 2);
  t.Table(ExternRef, 1);
  t.Memory(1);
  t.Global(I32, true, "41 00 0b");
  t.Global(I64, false, "42 00 0b");
  t.PassiveData();
  t.Declare({1});
  ElemSegment ext;
  ext.mode = SegmentMode::kPassive;
  ext.flags = 5;
  ext.type = ExternRef;
  ext.exprs.push_back(Expr("d0 6f 0b"));
  t.m.elems.push_back(ext);
  return t;
}

std::string V(std::vector<ValType> params,
              std::vector<ValType> results,
              std::string_view body,
              std::vector<LocalDecl> locals = {}) {
  return Message(
      Standard(std::move(params), std::move(results), body, std::move(locals)).Validate());
}

struct Case {
  const char* name;
  std::vector<ValType> params, results;
  const char* body;
  const char* expected;  // "ok" or message prefix
};

class Body : public ::testing::TestWithParam<Case> {};

TEST_P(Body, Validates) {
  const Case& c = GetParam();
  std::string got = V(c.params, c.results, c.body);
  EXPECT_TRUE(got.starts_with(c.expected))
      << c.name << ": expected \"" << c.expected << "\", got \"" << got << "\"";
}

const Case kCases[] = {
    // --- valid ---------------------------------------------------------------------------------
    {"empty", {}, {}, "0b", "ok"},
    {"add", {I32, I32}, {I32}, "20 00 20 01 6a 0b", "ok"},
    {"block_type_index_params", {}, {F32}, "41 01 42 02 02 03 1a 1a 43 00 00 00 00 0b 0b", "ok"},
    {"loop_params_br_if", {}, {}, "41 00 03 01 41 01 0d 00 0b 1a 0b", "ok"},
    {"if_else_result", {I32}, {I32}, "20 00 04 7f 41 01 05 41 02 0b 0b", "ok"},
    {"if_no_else_same_params_results", {I32}, {}, "41 05 20 00 04 01 0b 1a 0b", "ok"},
    {"multi_value_block", {I32}, {I32}, "20 00 02 04 20 00 0b 6a 0b", "ok"},
    {"br_table", {I32}, {I32}, "02 7f 41 07 20 00 0e 01 00 00 0b 0b", "ok"},
    {"br_table_unreachable_any_types",
     {},
     {},
     "02 7f 03 7e 00 0e 01 00 01 0b 0b 1a 0b",
     "type mismatch"},  // arity 0 vs 1 still checked
    {"unreachable_polymorphic", {}, {I32}, "00 6a 0b", "ok"},
    {"unreachable_drop_bottom", {}, {}, "00 1a 1a 0b", "ok"},
    {"unreachable_select_bottom", {}, {}, "00 41 00 1b 1a 0b", "ok"},
    {"br_leaves_dead_code", {}, {I32}, "41 01 0c 00 6a 0b", "ok"},
    {"return_in_block", {}, {I32}, "02 40 41 01 0f 0b 41 02 0b", "ok"},
    {"select_numeric", {}, {I32}, "41 01 41 02 41 00 1b 0b", "ok"},
    {"select_t_funcref", {}, {FuncRef}, "d0 70 d0 70 41 00 1c 01 70 0b", "ok"},
    {"ref_func_declared", {}, {FuncRef}, "d2 01 0b", "ok"},
    {"ref_is_null", {}, {I32}, "d0 6f d1 0b", "ok"},
    {"call", {}, {}, "41 05 10 01 1a 0b", "ok"},
    {"call_indirect", {}, {}, "41 05 41 00 11 01 00 1a 0b", "ok"},
    {"global_get_set", {}, {}, "41 01 24 00 23 01 1a 0b", "ok"},
    {"table_get_set_size", {}, {}, "41 00 25 00 1a 41 00 d0 6f 26 01 fc 10 01 1a 0b", "ok"},
    {"table_grow_fill", {}, {}, "d0 6f 41 01 fc 0f 01 1a 41 00 d0 70 41 01 fc 11 00 0b", "ok"},
    {"table_copy_init_drop",
     {},
     {},
     "41 00 41 00 41 00 fc 0e 00 00 41 00 41 00 41 00 fc 0c 01 01 fc 0d 00 0b",
     "ok"},
    {"memory_load_store",
     {},
     {},
     "41 00 28 02 00 1a 41 00 42 00 37 03 08 41 00 31 00 00 1a 0b",
     "ok"},
    {"memory_size_grow", {}, {}, "3f 00 40 00 1a 0b", "ok"},
    {"memory_bulk",
     {},
     {},
     "41 00 41 00 41 00 fc 08 00 00 fc 09 00 41 00 41 00 41 00 fc 0a 00 00 "
     "41 00 41 00 41 00 fc 0b 00 0b",
     "ok"},
    {"v128_local_block_select", {V128}, {V128}, "02 7b 20 00 20 00 41 00 1b 0b 0b", "ok"},
    {"sat_trunc", {}, {I32}, "43 00 00 00 00 fc 00 0b", "ok"},
    // --- invalid: operand types ----------------------------------------------------------------
    {"add_empty_stack", {}, {}, "6a 0b", "type mismatch"},
    {"add_wrong_type", {}, {}, "41 00 42 00 6a 1a 0b", "type mismatch"},
    {"missing_result", {}, {I32}, "0b", "type mismatch"},
    {"extra_value", {}, {}, "41 00 0b", "type mismatch"},
    {"block_cannot_see_outer", {}, {}, "41 00 02 40 1a 0b 1a 0b", "type mismatch"},
    {"block_param_missing", {}, {}, "42 00 02 03 1a 0b 0b", "type mismatch"},
    {"if_without_else_results", {}, {}, "41 00 04 7f 41 00 0b 1a 0b", "type mismatch"},
    {"else_branch_wrong", {}, {I32}, "41 00 04 7f 41 00 05 42 00 0b 0b", "type mismatch"},
    {"br_value_missing", {}, {}, "02 7f 0c 00 0b 1a 0b", "type mismatch"},
    {"br_table_arity", {}, {}, "02 7f 41 00 41 00 0e 01 00 01 0b 1a 0b", "type mismatch"},
    {"return_missing", {}, {I32}, "0f 0b", "type mismatch"},
    {"select_refs_untyped", {}, {}, "d0 70 d0 70 41 00 1b 1a 0b", "type mismatch"},
    {"select_mixed", {}, {}, "41 00 42 00 41 00 1b 1a 0b", "type mismatch"},
    {"select_t_arity_2", {}, {}, "41 00 41 00 41 00 1c 02 7f 7f 1a 0b", "invalid result arity"},
    {"select_t_arity_0", {}, {}, "41 00 41 00 41 00 1c 00 1a 0b", "invalid result arity"},
    {"ref_is_null_i32", {}, {}, "41 00 d1 1a 0b", "type mismatch"},
    {"call_indirect_externref_table", {}, {}, "41 00 41 00 11 01 01 1a 0b", "type mismatch"},
    {"table_init_type", {}, {}, "41 00 41 00 41 00 fc 0c 01 00 0b", "type mismatch"},
    {"table_copy_type", {}, {}, "41 00 41 00 41 00 fc 0e 00 01 0b", "type mismatch"},
    {"table_set_type", {}, {}, "41 00 d0 70 26 01 0b", "type mismatch"},
    {"unreachable_then_wrong_type", {}, {}, "00 42 00 6a 1a 0b", "type mismatch"},
    // --- invalid: indices and other rules ------------------------------------------------------
    {"unknown_local", {I32}, {}, "20 05 1a 0b", "unknown local 5"},
    {"unknown_global", {}, {}, "23 09 1a 0b", "unknown global 9"},
    {"global_immutable", {}, {}, "42 00 24 01 0b", "global is immutable"},
    {"unknown_function", {}, {}, "10 63 0b", "unknown function 99"},
    {"unknown_type_call_indirect", {}, {}, "41 00 11 63 00 0b", "unknown type"},
    {"unknown_table_call_indirect", {}, {}, "41 00 11 01 05 0b", "unknown table"},
    {"unknown_table_get", {}, {}, "41 00 25 07 1a 0b", "unknown table 7"},
    {"unknown_label", {}, {}, "0c 01 0b", "unknown label"},
    {"unknown_label_br_table", {}, {}, "41 00 0e 01 00 03 0b", "unknown label"},
    {"unknown_block_type", {}, {}, "02 09 0b 0b", "unknown type"},
    {"ref_func_undeclared", {}, {}, "d2 02 1a 0b", "undeclared function reference"},
    {"ref_func_unknown", {}, {}, "d2 09 1a 0b", "unknown function"},
    {"alignment", {}, {}, "41 00 28 03 00 1a 0b", "alignment must not be larger than natural"},
    {"alignment_narrow",
     {},
     {},
     "41 00 2c 01 00 1a 0b",
     "alignment must not be larger than natural"},
    {"unknown_data", {}, {}, "41 00 41 00 41 00 fc 08 05 00 0b", "unknown data segment"},
    {"unknown_data_drop", {}, {}, "fc 09 01 0b", "unknown data segment 1"},
    {"unknown_elem", {}, {}, "fc 0d 07 0b", "unknown elem segment 7"},
    {"else_in_block", {}, {}, "02 40 05 0b 0b", "END opcode expected"},
    // --- malformed encodings caught while decoding the body ------------------------------------
    {"zero_byte_memory_size", {}, {}, "3f 01 1a 0b", "zero byte expected"},
    {"zero_byte_memory_copy", {}, {}, "41 00 41 00 41 00 fc 0a 00 01 0b", "zero byte expected"},
    {"memop_flags", {}, {}, "41 00 28 20 00 1a 0b", "malformed memop flags"},
    {"illegal_opcode", {}, {}, "ff 0b", "illegal opcode ff"},
    {"illegal_prefixed_opcode", {}, {}, "fc 63 0b", "illegal opcode fc 63"},
    {"missing_end", {}, {}, "41 00 1a", "unexpected end"},
    {"trailing_bytes", {}, {}, "0b 01", "operators remaining after end of function"},
    {"ref_null_bad_type", {}, {}, "d0 7f 1a 0b", "malformed reference type"},
    {"select_t_bad_type", {}, {}, "1c 01 01 0b", "malformed value type"},
};

INSTANTIATE_TEST_SUITE_P(Validate, Body, ::testing::ValuesIn(kCases), [](const auto& info) {
  return std::string(info.param.name);
});

TEST(BodyRules, ErrorOffsetIsTheInstruction) {
  auto st = Standard({}, {}, "41 00 41 00 42 00 6a 1a 0b").Validate();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().offset, kBodyBase + 6);  // the i32.add
  st = Standard({}, {}, "01 01 23 09 1a 0b").Validate();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().offset, kBodyBase + 2);
}

TEST(BodyRules, LocalsCountAndTypes) {
  EXPECT_EQ(V({I32}, {I64}, "20 01 0b", {{2, I64}}), "ok");
  EXPECT_EQ(V({I32}, {}, "42 01 22 02 1a 0b", {{2, I64}}), "ok");
  EXPECT_EQ(V({I32}, {}, "20 03 1a 0b", {{2, I64}}), "unknown local 3");
  EXPECT_EQ(V({}, {}, "43 00 00 00 00 21 00 0b", {{1, I64}}), "type mismatch");
  EXPECT_EQ(V({}, {}, "0b", {{kMaxLocals, I32}}), "ok");
  EXPECT_EQ(V({}, {}, "0b", {{kMaxLocals, I32}, {1, I32}}), "too many locals");
}

TEST(BodyRules, NestingDepthIsBounded) {
  std::string deep;
  for (uint32_t i = 0; i < kMaxBlockDepth; ++i)
    deep += "02 40 ";
  EXPECT_EQ(V({}, {}, deep + "0b"), "block nesting too deep");
}

TEST(BodyRules, MemoryInstructionsNeedAMemory) {
  TestModule t;
  t.Type({}, {});
  t.Func(0, "41 00 28 02 00 1a 0b");
  EXPECT_EQ(Message(t.Validate()), "unknown memory 0");
  t.m.functions[0].body = Hex("3f 00 1a 0b");
  EXPECT_EQ(Message(t.Validate()), "unknown memory 0");
  t.m.functions[0].body = Hex("41 00 41 00 41 00 fc 0b 00 0b");
  EXPECT_EQ(Message(t.Validate()), "unknown memory 0");
}

TEST(BodyRules, DataIndicesNeedTheDataCountInBinaries) {
  TestModule t = Standard({}, {}, "fc 09 00 0b");
  t.m.section_mask = 1u << 10;  // decoded from a binary
  t.m.data_count.reset();
  EXPECT_EQ(Message(t.Validate()), "data count section required");
  t.m.section_mask = 0;  // built from text: the segments themselves count
  EXPECT_EQ(Message(t.Validate()), "ok");
}

TEST(BodyRules, FunctionTypeIndexIsChecked) {
  TestModule t;
  t.Type({}, {});
  t.Func(3, "0b");
  EXPECT_EQ(Message(t.Validate()), "unknown type 3");
}

TEST(BodyRules, ImportedFunctionsComeFirst) {
  TestModule t;
  t.Type({I64}, {});
  t.Type({}, {});
  t.ImportFunc(0);
  t.Func(1, "42 00 10 00 0b");
  EXPECT_EQ(Message(t.Validate()), "ok");
  t.m.functions[0].body = Hex("41 00 10 00 0b");
  EXPECT_EQ(Message(t.Validate()), "type mismatch");
}

}  // namespace
}  // namespace nw

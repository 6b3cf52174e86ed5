// The consumer contract of body_decoder.h: OnStart/OnInstr/OnEnd order, the state seen by
// OnInstr (height and types before the instruction, unreachable flag, labels), and that the
// decoded immediates arrive in Instr.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_module.h"
#include "validate/body_decoder_impl.h"

namespace nw {
namespace {

using namespace nw::test;

struct Seen {
  Opcode op;
  size_t offset;
  uint32_t height;
  bool unreachable;
  uint32_t depth;
  LabelKind label0;
  uint32_t label0_height;
  size_t label0_branch_arity;
  StackType top;
};

struct Recorder {
  std::vector<ValType> locals;
  std::vector<Seen> seen;
  std::vector<Instr> instrs;
  std::vector<std::vector<uint32_t>> targets;
  int starts = 0, ends = 0;

  void OnStart(const FuncType&, std::span<const ValType> l) {
    ++starts;
    locals.assign(l.begin(), l.end());
  }
  void OnInstr(const Instr& in, const DecoderView& st) {
    auto label = st.GetLabel(0);
    seen.push_back(Seen{in.op, in.offset, st.Height(), st.Unreachable(), st.ControlDepth(),
                        label.kind, label.height, label.branch_types.size(), st.TypeAt(0)});
    instrs.push_back(in);
    targets.emplace_back(in.targets.begin(), in.targets.end());
  }
  void OnEnd() { ++ends; }
};

Recorder Decode(TestModule& t, uint32_t func = 0) {
  ModuleContext ctx = ModuleContext::Build(t.m);
  Recorder rec;
  auto st = DecodeFunctionBody(ctx, func, rec);
  EXPECT_TRUE(st) << st.error().ToString();
  return rec;
}

TEST(Consumer, HeightsLabelsAndDeadCode) {
  TestModule t;
  t.Type({I32}, {I32});
  //  0: i32.const 1   2: block (result i32)   4: i32.const 2   6: br 0
  //  8: i32.const 3 (dead)   10: end   11: i32.add   12: end
  t.Func(0, "41 01 02 7f 41 02 0c 00 41 03 0b 6a 0b", {{1, F64}});
  Recorder r = Decode(t);
  EXPECT_EQ(r.starts, 1);
  EXPECT_EQ(r.ends, 1);
  EXPECT_EQ(r.locals, (std::vector<ValType>{I32, F64}));
  ASSERT_EQ(r.seen.size(), 8u);
  const auto& s = r.seen;
  EXPECT_EQ(s[0].op, Opcode::kI32Const);
  EXPECT_EQ(s[0].offset, kBodyBase);
  EXPECT_EQ(s[0].height, 0u);
  EXPECT_EQ(s[0].depth, 1u);
  EXPECT_EQ(s[0].label0, LabelKind::kFunction);
  EXPECT_EQ(s[0].label0_branch_arity, 1u);

  EXPECT_EQ(s[1].op, Opcode::kBlock);
  EXPECT_EQ(s[1].height, 1u);
  EXPECT_EQ(r.instrs[1].block.results.size(), 1u);
  EXPECT_EQ(r.instrs[1].block.results[0], I32);

  EXPECT_EQ(s[2].depth, 2u);
  EXPECT_EQ(s[2].label0, LabelKind::kBlock);
  EXPECT_EQ(s[2].label0_height, 1u);
  EXPECT_EQ(s[2].height, 1u);

  EXPECT_EQ(s[3].op, Opcode::kBr);
  EXPECT_EQ(s[3].height, 2u);
  EXPECT_FALSE(s[3].unreachable);
  EXPECT_EQ(s[3].top, StackType::kI32);

  EXPECT_EQ(s[4].op, Opcode::kI32Const);  // dead code: still delivered
  EXPECT_TRUE(s[4].unreachable);
  EXPECT_EQ(s[4].height, 1u);  // br dropped the frame's operands
  EXPECT_EQ(r.instrs[4].value, 3u);

  EXPECT_EQ(s[5].op, Opcode::kEnd);  // closes the block; frame is still Label(0)
  EXPECT_TRUE(s[5].unreachable);
  EXPECT_EQ(s[5].label0, LabelKind::kBlock);
  EXPECT_EQ(s[5].depth, 2u);

  EXPECT_EQ(s[6].op, Opcode::kI32Add);
  EXPECT_FALSE(s[6].unreachable);
  EXPECT_EQ(s[6].height, 2u);

  EXPECT_EQ(s[7].op, Opcode::kEnd);  // the function's end
  EXPECT_EQ(s[7].depth, 1u);
  EXPECT_EQ(s[7].height, 1u);
  EXPECT_EQ(s[7].offset, kBodyBase + 12);
}

TEST(Consumer, IfElseAndLoopLabels) {
  TestModule t;
  t.Type({I32}, {I32});
  t.Type({I32}, {I64});
  //  0: local.get 0  2: if (type 0: [i32]->[i32])... uses a param: push one first.
  //  0: i32.const 7  2: local.get 0  4: if type 1 ([i32]->[i64])  6: i64.extend_i32_u
  //  7: else  8: drop  9: i64.const 1  11: end  12: i32.wrap_i64
  // 13: loop (type 0)  15: br_if 0 ... needs i32 cond: local.get 0 first
  t.Func(0,
         "41 07 20 00 04 01 ad 05 1a 42 01 0b a7 "
         "03 00 20 00 0d 00 0b 0b");
  Recorder r = Decode(t);
  const auto& s = r.seen;
  ASSERT_EQ(s.size(), 14u);
  EXPECT_EQ(s[2].op, Opcode::kIf);
  EXPECT_EQ(s[2].height, 2u);
  EXPECT_EQ(r.instrs[2].block.params.size(), 1u);
  // Inside the then-branch: the frame starts below its param (the condition is gone).
  EXPECT_EQ(s[3].label0, LabelKind::kIf);
  EXPECT_EQ(s[3].label0_height, 0u);
  EXPECT_EQ(s[3].height, 1u);
  EXPECT_EQ(s[3].top, StackType::kI32);
  EXPECT_EQ(s[4].op, Opcode::kElse);
  EXPECT_EQ(s[4].label0, LabelKind::kIf);
  EXPECT_EQ(s[4].top, StackType::kI64);
  EXPECT_EQ(s[5].label0, LabelKind::kElse);  // params pushed again for the else branch
  EXPECT_EQ(s[5].height, 1u);
  EXPECT_EQ(s[7].op, Opcode::kEnd);
  EXPECT_EQ(s[7].label0, LabelKind::kElse);
  EXPECT_EQ(s[8].op, Opcode::kI32WrapI64);
  EXPECT_EQ(s[8].top, StackType::kI64);
  EXPECT_EQ(s[11].op, Opcode::kBrIf);
  EXPECT_EQ(s[11].label0, LabelKind::kLoop);
  EXPECT_EQ(s[11].label0_branch_arity, 1u);  // a loop's label takes its params
  EXPECT_EQ(s[11].height, 2u);
}

TEST(Consumer, BrTableTargetsAndUnreachableTypes) {
  TestModule t;
  t.Type({I32}, {});
  // block block local.get 0 br_table [1 0] default 1 end end; then unreachable + i32.add
  t.Func(0, "02 40 02 40 20 00 0e 02 01 00 01 0b 0b 00 6a 1a 0b");
  Recorder r = Decode(t);
  ASSERT_EQ(r.seen.size(), 10u);
  EXPECT_EQ(r.seen[3].op, Opcode::kBrTable);
  EXPECT_EQ(r.targets[3], (std::vector<uint32_t>{1, 0, 1}));
  EXPECT_EQ(r.seen[7].op, Opcode::kI32Add);
  EXPECT_TRUE(r.seen[7].unreachable);
  EXPECT_EQ(r.seen[7].height, 0u);
  EXPECT_EQ(r.seen[7].top, StackType::kBottom);
  EXPECT_EQ(r.seen[8].op, Opcode::kDrop);
  EXPECT_EQ(r.seen[8].height, 1u);  // i32.add pushed its (typed) result
  EXPECT_EQ(r.seen[8].top, StackType::kI32);
}

TEST(Consumer, ImmediatesReachTheConsumer) {
  TestModule t;
  t.Type({}, {});
  t.Memory(1);
  t.Table(FuncRef, 1);
  t.Table(FuncRef, 1);
  // i64.const -2; i32.const 0; i64.store align=3 offset=16; f64.const bits; drop;
  // i32.const x3; table.copy 1 0; ref.null extern; drop
  t.Func(0,
         "41 00 42 7e 37 03 10 44 00 00 00 00 00 00 f0 3f 1a "
         "41 00 41 00 41 00 fc 0e 01 00 d0 6f 1a 0b");
  Recorder r = Decode(t);
  ASSERT_EQ(r.instrs.size(), 12u);
  EXPECT_EQ(r.instrs[1].value, static_cast<uint64_t>(-2));
  EXPECT_EQ(r.instrs[2].op, Opcode::kI64Store);
  EXPECT_EQ(r.instrs[2].align, 3u);
  EXPECT_EQ(r.instrs[2].value, 16u);
  EXPECT_EQ(r.instrs[3].value, 0x3ff0000000000000u);
  EXPECT_EQ(r.instrs[8].op, Opcode::kTableCopy);
  EXPECT_EQ(r.instrs[8].index, 1u);
  EXPECT_EQ(r.instrs[8].index2, 0u);
  EXPECT_EQ(r.instrs[8].offset, kBodyBase + 23);
  EXPECT_EQ(r.instrs[9].type, ExternRef);
}

// A consumer never sees the instruction that failed, nor anything after it.
TEST(Consumer, StopsBeforeInvalidInstruction) {
  TestModule t;
  t.Type({}, {});
  t.Func(0, "41 00 42 00 6a 1a 0b");
  ModuleContext ctx = ModuleContext::Build(t.m);
  Recorder rec;
  auto st = DecodeFunctionBody(ctx, 0, rec);
  ASSERT_FALSE(st);
  EXPECT_EQ(rec.seen.size(), 2u);
  EXPECT_EQ(rec.ends, 0);
}

// One scratch reused across functions and consumers gives the same result as fresh ones.
TEST(Consumer, ScratchReuse) {
  TestModule t;
  t.Type({I32}, {I32});
  t.Func(0, "20 00 02 7f 41 01 0b 6a 0b");
  t.Func(0, "20 00 04 7f 41 01 05 41 02 0b 0b");
  ModuleContext ctx = ModuleContext::Build(t.m);
  DecodeScratch scratch;
  for (int round = 0; round < 2; ++round) {
    for (uint32_t f = 0; f < 2; ++f) {
      Recorder rec;
      ASSERT_TRUE(DecodeFunctionBody(ctx, f, rec, scratch));
      EXPECT_EQ(rec.ends, 1);
      EXPECT_EQ(rec.seen.back().height, 1u);
    }
  }
}

}  // namespace
}  // namespace nw

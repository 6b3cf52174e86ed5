// Config::canonicalize_nans: which operations return the canonical NaN in each mode, in scalar
// and SIMD code, and that the extra check composes with the translator's peepholes (a result
// stored straight into a local, constants, comparisons). Inputs are NaNs with a payload and a
// sign (propagated by x86 when not canonicalized) and 0/0, sqrt(-1) (x86's default NaN,
// 0xffc00000, negative).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "runtime/vm.h"
#include "text/wat.h"

namespace nw {
namespace {

using Mode = Config::NanCanonicalization;

constexpr std::string_view kNans = R"((module
  (global $p32 (mut f32) (f32.const -nan:0x2a))
  (global $p64 (mut f64) (f64.const -nan:0x2a))
  (func (export "add") (result i32) (i32.reinterpret_f32 (f32.add (global.get $p32) (f32.const 1))))
  (func (export "div0") (result i32) (i32.reinterpret_f32 (f32.div (f32.const 0) (f32.const 0))))
  (func (export "max64") (result i64) (i64.reinterpret_f64 (f64.max (f64.const 1) (global.get $p64))))
  (func (export "sqrt") (result i32) (i32.reinterpret_f32 (f32.sqrt (f32.const -1))))
  (func (export "ceil64") (result i64) (i64.reinterpret_f64 (f64.ceil (global.get $p64))))
  (func (export "demote") (result i32) (i32.reinterpret_f32 (f32.demote_f64 (global.get $p64))))
  (func (export "neg") (result i32) (i32.reinterpret_f32 (f32.neg (global.get $p32))))
  (func (export "to_local") (result i32) (local $x f32)
    (local.set $x (f32.mul (global.get $p32) (f32.const 2)))
    (i32.reinterpret_f32 (local.get $x)))
  (func (export "not_nan") (result i32) (local $x f32)
    (local.set $x (f32.add (f32.const 1.5) (f32.const 2)))
    (i32.reinterpret_f32 (local.get $x)))
  (func (export "lanes") (result i32)
    (i32x4.extract_lane 1 (f32x4.sub (f32x4.splat (global.get $p32)) (f32x4.splat (f32.const 1)))))
  (func (export "lanes_sqrt") (result i64)
    (i64x2.extract_lane 0 (f64x2.sqrt (f64x2.splat (global.get $p64)))))
  (func (export "pmin") (result i32)
    (i32x4.extract_lane 0 (f32x4.pmin (f32x4.splat (global.get $p32)) (f32x4.splat (f32.const 1)))))))";

class NanTest : public ::testing::TestWithParam<Mode> {
 protected:
  uint64_t Run(const char* name) {
    Config config;
    config.canonicalize_nans = GetParam();
    Engine engine(config);
    Store store(engine);
    auto desc = ParseWat(kNans);
    EXPECT_TRUE(desc.has_value());
    auto m = Module::FromDesc(engine, std::move(*desc));
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().ToString());
    Linker linker;
    auto inst = linker.Instantiate(store, *m);
    EXPECT_TRUE(inst.has_value());
    auto r = (*inst)->GetFunc(name)->Call(store, {});
    EXPECT_TRUE(r.has_value());
    const Val& v = (*r)[0];
    return v.type == ValType::kI32 ? uint32_t(v.i32()) : uint64_t(v.i64());
  }
};

constexpr uint32_t kPayload32 = 0xffc0002a;  // -nan:0x2a quieted
constexpr uint64_t kPayload64 = 0xfff800000000002a;
constexpr uint32_t kCanon32 = 0x7fc00000;
constexpr uint64_t kCanon64 = 0x7ff8000000000000;
constexpr uint32_t kX86Default32 = 0xffc00000;

TEST_P(NanTest, ArithmeticMinMax) {
  const bool canon = GetParam() != Mode::kNone;
  EXPECT_EQ(Run("add"), canon ? kCanon32 : kPayload32);
  EXPECT_EQ(Run("div0"), canon ? kCanon32 : kX86Default32);
  EXPECT_EQ(Run("max64"), canon ? kCanon64 : kPayload64);
  EXPECT_EQ(Run("to_local"), canon ? kCanon32 : kPayload32);
  EXPECT_EQ(Run("lanes"), canon ? kCanon32 : kPayload32);
}

TEST_P(NanTest, SqrtRoundingConversions) {
  const bool canon = GetParam() == Mode::kAll;
  EXPECT_EQ(Run("sqrt"), canon ? kCanon32 : kX86Default32);
  EXPECT_EQ(Run("ceil64"), canon ? kCanon64 : kPayload64);
  EXPECT_EQ(Run("demote"), canon ? kCanon32 : 0xffc00000u);  // the top payload bits survive
  EXPECT_EQ(Run("lanes_sqrt"), canon ? kCanon64 : kPayload64);
}

TEST_P(NanTest, BitExactOperationsAndNumbersUnchanged) {
  EXPECT_EQ(Run("neg"), 0x7f80002au);  // signalling NaN stays signalling: neg only flips the sign
  EXPECT_EQ(Run("pmin"), 0xff80002au);
  float f = 3.5f;
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  EXPECT_EQ(Run("not_nan"), bits);
}

INSTANTIATE_TEST_SUITE_P(Modes, NanTest,
                         ::testing::Values(Mode::kNone, Mode::kAll, Mode::kArithmetic),
                         [](const auto& info) {
                           return std::string(info.param == Mode::kNone  ? "None"
                                              : info.param == Mode::kAll ? "All"
                                                                         : "Arithmetic");
                         });

}  // namespace
}  // namespace nw

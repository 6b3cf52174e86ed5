// Known-answer tests, hand-derived from the WebAssembly SIMD semantics, run against every
// backend. They cover what the spec-wast test cannot reach without a memory (the load/store
// value transforms) and pin down the edge cases each family is known for: saturation,
// wrap-around, shift counts modulo the lane width, out-of-range swizzle indices, NaN and
// signed-zero handling in min/max/pmin/pmax, rounding ties, and float<->int conversion bounds.
#include <gtest/gtest.h>

#include "backends.h"

namespace nw::simd::testing {
namespace {

template <class Ops>
class SimdKnownAnswer : public ::testing::Test {};
TYPED_TEST_SUITE(SimdKnownAnswer, AllBackends, BackendNames);

// ---- memory value transforms ----

TYPED_TEST(SimdKnownAnswer, LoadExtend) {
  using Ops = TypeParam;
  // Bytes in memory order: 7f 80 ff 00 01 fe 40 c0.
  const uint64_t bytes = 0xc040fe0100ff807full;
  EXPECT_EQ(Ops::V128Load8x8S(bytes), (Vec<int16_t>(127, -128, -1, 0, 1, -2, 64, -64)));
  EXPECT_EQ(Ops::V128Load8x8U(bytes), (Vec<uint16_t>(127, 128, 255, 0, 1, 254, 64, 192)));
  const uint64_t halves = 0x80007fffffff0001ull;  // 0x0001 0xffff 0x7fff 0x8000
  EXPECT_EQ(Ops::V128Load16x4S(halves), (Vec<int32_t>(1, -1, 32767, -32768)));
  EXPECT_EQ(Ops::V128Load16x4U(halves), (Vec<uint32_t>(1, 65535, 32767, 32768)));
  const uint64_t words = 0x80000000ffffffffull;
  EXPECT_EQ(Ops::V128Load32x2S(words), (Vec<int64_t>(-1, INT32_MIN)));
  EXPECT_EQ(Ops::V128Load32x2U(words), (Vec<uint64_t>(0xffffffffu, 0x80000000u)));
}

TYPED_TEST(SimdKnownAnswer, LoadSplatZeroAndIdentity) {
  using Ops = TypeParam;
  EXPECT_EQ(Ops::V128Load8Splat(0xab), Ops::I8x16Splat(0xab));
  EXPECT_EQ(Ops::V128Load8Splat(0xab),
            (Vec<uint32_t>(0xabababab, 0xabababab, 0xabababab, 0xabababab)));
  EXPECT_EQ(Ops::V128Load16Splat(0xabcd),
            (Vec<uint32_t>(0xabcdabcd, 0xabcdabcd, 0xabcdabcd, 0xabcdabcd)));
  EXPECT_EQ(Ops::V128Load32Splat(0xdeadbeef),
            (Vec<uint32_t>(0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef)));
  EXPECT_EQ(Ops::V128Load64Splat(0x0123456789abcdefull),
            (Vec<uint64_t>(0x0123456789abcdefull, 0x0123456789abcdefull)));
  EXPECT_EQ(Ops::V128Load32Zero(0xdeadbeef), (Vec<uint32_t>(0xdeadbeef, 0, 0, 0)));
  EXPECT_EQ(Ops::V128Load64Zero(0xfedcba9876543210ull), (Vec<uint64_t>(0xfedcba9876543210ull, 0)));
  V128Bits v = Vec<uint32_t>(1, 2, 3, 4);
  EXPECT_EQ(Ops::V128Load(v), v);
  EXPECT_EQ(Ops::V128Store(v), v);
  EXPECT_EQ(Ops::V128Const(v), v);
}

TYPED_TEST(SimdKnownAnswer, LoadAndStoreLane) {
  using Ops = TypeParam;
  V128Bits v = Vec<uint8_t>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  EXPECT_EQ(Ops::V128Load8Lane(v, 5, 0x77),
            (Vec<uint8_t>(0, 1, 2, 3, 4, 0x77, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)));
  EXPECT_EQ(Ops::V128Load16Lane(v, 7, 0xbeef),
            (Vec<uint8_t>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xef, 0xbe)));
  EXPECT_EQ(Ops::V128Load32Lane(v, 1, 0xaabbccdd),
            (Vec<uint8_t>(0, 1, 2, 3, 0xdd, 0xcc, 0xbb, 0xaa, 8, 9, 10, 11, 12, 13, 14, 15)));
  EXPECT_EQ(Ops::V128Load64Lane(v, 0, 0), (Vec<uint64_t>(0, 0x0f0e0d0c0b0a0908ull)));
  EXPECT_EQ(Ops::V128Store8Lane(v, 15), 15);
  EXPECT_EQ(Ops::V128Store16Lane(v, 1), 0x0302);
  EXPECT_EQ(Ops::V128Store32Lane(v, 3), 0x0f0e0d0cu);
  EXPECT_EQ(Ops::V128Store64Lane(v, 1), 0x0f0e0d0c0b0a0908ull);
}

// ---- lanes, shuffles ----

TYPED_TEST(SimdKnownAnswer, ExtractReplaceSplat) {
  using Ops = TypeParam;
  V128Bits v = Vec<uint8_t>(0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f);
  EXPECT_EQ(Ops::I8x16ExtractLaneS(v, 0), -1);
  EXPECT_EQ(Ops::I8x16ExtractLaneU(v, 0), 255);
  EXPECT_EQ(Ops::I8x16ExtractLaneS(v, 1), -128);
  EXPECT_EQ(Ops::I8x16ExtractLaneU(v, 15), 127);
  EXPECT_EQ(Ops::I16x8ExtractLaneS(v, 0), int16_t(0x80ff));
  EXPECT_EQ(Ops::I16x8ExtractLaneU(v, 0), 0x80ff);
  EXPECT_EQ(Ops::I8x16ReplaceLane(v, 15, 0x1234), Ops::I8x16ReplaceLane(v, 15, 0x34));
  EXPECT_EQ(Ops::I16x8Splat(0x12345),
            (Vec<uint16_t>(0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345)));
  EXPECT_EQ(Ops::F32x4Splat(0x7fa00001),
            (Vec<uint32_t>(0x7fa00001, 0x7fa00001, 0x7fa00001, 0x7fa00001)));
  EXPECT_EQ(Ops::F32x4ExtractLane(Ops::F32x4Splat(0xffa00001), 3), 0xffa00001u);  // sNaN intact
  EXPECT_EQ(Ops::F64x2ReplaceLane(Ops::F64x2Splat(0), 1, 0x7ff0000000000001ull),
            (Vec<uint64_t>(0, 0x7ff0000000000001ull)));
  EXPECT_EQ(Ops::I64x2ExtractLane(Ops::I64x2Splat(-5), 1), -5);
}

TYPED_TEST(SimdKnownAnswer, ShuffleSwizzle) {
  using Ops = TypeParam;
  V128Bits a = Vec<uint8_t>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  V128Bits b = Vec<uint8_t>(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
  const uint8_t lanes[16] = {31, 0, 16, 15, 1, 17, 30, 14, 2, 2, 2, 2, 18, 18, 18, 18};
  EXPECT_EQ(Ops::I8x16Shuffle(a, b, lanes),
            (Vec<uint8_t>(31, 0, 16, 15, 1, 17, 30, 14, 2, 2, 2, 2, 18, 18, 18, 18)));
  V128Bits idx = Vec<uint8_t>(15, 16, 0x80, 0xff, 0, 17, 3, 255, 1, 1, 1, 1, 100, 15, 14, 13);
  EXPECT_EQ(Ops::I8x16Swizzle(a, idx),
            (Vec<uint8_t>(15, 0, 0, 0, 0, 0, 3, 0, 1, 1, 1, 1, 0, 15, 14, 13)));
}

TYPED_TEST(SimdKnownAnswer, NarrowExtend) {
  using Ops = TypeParam;
  V128Bits w = Vec<int16_t>(300, -300, 127, -128, 128, -129, -1, 255);
  EXPECT_EQ(Ops::I8x16NarrowI16x8S(w, w), (Vec<int8_t>(127, -128, 127, -128, 127, -128, -1, 127,
                                                       127, -128, 127, -128, 127, -128, -1, 127)));
  EXPECT_EQ(Ops::I8x16NarrowI16x8U(w, Vec<int16_t>(0, 0, 0, 0, 0, 0, 0, 0)),
            (Vec<uint8_t>(255, 0, 127, 0, 128, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0)));
  V128Bits d = Vec<int32_t>(70000, -70000, 65535, -1);
  EXPECT_EQ(Ops::I16x8NarrowI32x4S(d, d),
            (Vec<int16_t>(32767, -32768, 32767, -1, 32767, -32768, 32767, -1)));
  EXPECT_EQ(Ops::I16x8NarrowI32x4U(d, d), (Vec<uint16_t>(65535, 0, 65535, 0, 65535, 0, 65535, 0)));
  V128Bits x = Vec<int32_t>(-1, 2, INT32_MIN, 7);
  EXPECT_EQ(Ops::I64x2ExtendHighI32x4S(x), (Vec<int64_t>(INT32_MIN, 7)));
  EXPECT_EQ(Ops::I64x2ExtendLowI32x4U(x), (Vec<uint64_t>(0xffffffffu, 2)));
  EXPECT_EQ(Ops::I16x8ExtendHighI8x16S(Ops::I8x16Splat(-3)), Ops::I16x8Splat(-3));
  EXPECT_EQ(Ops::I16x8ExtendLowI8x16U(Ops::I8x16Splat(-3)), Ops::I16x8Splat(253));
}

// ---- integer arithmetic ----

TYPED_TEST(SimdKnownAnswer, SaturatingAndWrapping) {
  using Ops = TypeParam;
  V128Bits a = Vec<int8_t>(127, -128, 100, -100, 0, 1, -1, 50, 127, -128, 100, -100, 0, 1, -1, 50);
  V128Bits one = Ops::I8x16Splat(1);
  V128Bits m1 = Ops::I8x16Splat(-1);
  EXPECT_EQ(Ops::I8x16ExtractLaneS(Ops::I8x16AddSatS(a, one), 0), 127);
  EXPECT_EQ(Ops::I8x16ExtractLaneS(Ops::I8x16AddSatS(a, m1), 1), -128);
  EXPECT_EQ(Ops::I8x16ExtractLaneS(Ops::I8x16Add(a, one), 0), -128);  // wraps
  EXPECT_EQ(Ops::I8x16ExtractLaneU(Ops::I8x16AddSatU(m1, one), 0), 255);
  EXPECT_EQ(Ops::I8x16ExtractLaneU(Ops::I8x16SubSatU(one, m1), 0), 0);
  EXPECT_EQ(Ops::I8x16ExtractLaneS(Ops::I8x16SubSatS(a, one), 1), -128);
  EXPECT_EQ(
      Ops::I16x8ExtractLaneS(Ops::I16x8SubSatS(Ops::I16x8Splat(-32768), Ops::I16x8Splat(1)), 0),
      -32768);
  EXPECT_EQ(
      Ops::I16x8ExtractLaneU(Ops::I16x8AddSatU(Ops::I16x8Splat(65000), Ops::I16x8Splat(1000)), 0),
      65535);
  EXPECT_EQ(Ops::I32x4Abs(Vec<int32_t>(INT32_MIN, -5, 5, 0)), (Vec<int32_t>(INT32_MIN, 5, 5, 0)));
  EXPECT_EQ(Ops::I64x2Abs(Vec<int64_t>(INT64_MIN, -5)), (Vec<int64_t>(INT64_MIN, 5)));
  EXPECT_EQ(Ops::I8x16Neg(Ops::I8x16Splat(-128)), Ops::I8x16Splat(-128));
  EXPECT_EQ(Ops::I64x2Mul(Vec<int64_t>(-1, 0x100000001ll), Vec<int64_t>(3, 0x100000001ll)),
            (Vec<int64_t>(-3, 0x200000001ll)));
  EXPECT_EQ(Ops::I32x4Mul(Ops::I32x4Splat(0x10000), Ops::I32x4Splat(0x10000)), Ops::I32x4Splat(0));
  EXPECT_EQ(Ops::I8x16AvgrU(Vec<uint8_t>(255, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                            Vec<uint8_t>(255, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            (Vec<uint8_t>(255, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
  EXPECT_EQ(Ops::I16x8AvgrU(Ops::I16x8Splat(65535), Ops::I16x8Splat(65534)),
            Ops::I16x8Splat(65535));
  EXPECT_EQ(Ops::I32x4MinU(Ops::I32x4Splat(-1), Ops::I32x4Splat(1)), Ops::I32x4Splat(1));
  EXPECT_EQ(Ops::I32x4MinS(Ops::I32x4Splat(-1), Ops::I32x4Splat(1)), Ops::I32x4Splat(-1));
}

TYPED_TEST(SimdKnownAnswer, ShiftsTakeCountModuloLaneWidth) {
  using Ops = TypeParam;
  EXPECT_EQ(Ops::I8x16Shl(Ops::I8x16Splat(0x81), 9), Ops::I8x16Splat(0x02));
  EXPECT_EQ(Ops::I8x16ShrS(Ops::I8x16Splat(-128), 1), Ops::I8x16Splat(-64));
  EXPECT_EQ(Ops::I8x16ShrU(Ops::I8x16Splat(-128), 15), Ops::I8x16Splat(1));
  EXPECT_EQ(Ops::I16x8ShrS(Ops::I16x8Splat(-2), -1), Ops::I16x8Splat(-1));  // count 15
  EXPECT_EQ(Ops::I32x4Shl(Ops::I32x4Splat(1), 32), Ops::I32x4Splat(1));
  EXPECT_EQ(Ops::I64x2ShrS(Ops::I64x2Splat(-8), 65), Ops::I64x2Splat(-4));
  EXPECT_EQ(Ops::I64x2ShrS(Ops::I64x2Splat(INT64_MIN), 63), Ops::I64x2Splat(-1));
  EXPECT_EQ(Ops::I64x2ShrU(Ops::I64x2Splat(INT64_MIN), 127), Ops::I64x2Splat(1));
}

TYPED_TEST(SimdKnownAnswer, WideningProductsAndSums) {
  using Ops = TypeParam;
  EXPECT_EQ(Ops::I32x4DotI16x8S(Ops::I16x8Splat(-32768), Ops::I16x8Splat(-32768)),
            Ops::I32x4Splat(INT32_MIN));  // 2 * 2^30 wraps
  EXPECT_EQ(Ops::I32x4DotI16x8S(Vec<int16_t>(1, 2, 3, 4, -5, 6, 7, 8),
                                Vec<int16_t>(10, 100, 1, 1, 1, 1, -1, 0)),
            (Vec<int32_t>(210, 7, 1, -7)));
  EXPECT_EQ(Ops::I16x8Q15mulrSatS(Ops::I16x8Splat(-32768), Ops::I16x8Splat(-32768)),
            Ops::I16x8Splat(32767));
  EXPECT_EQ(Ops::I16x8Q15mulrSatS(Ops::I16x8Splat(16384), Ops::I16x8Splat(16384)),
            Ops::I16x8Splat(8192));
  EXPECT_EQ(Ops::I16x8Q15mulrSatS(Ops::I16x8Splat(1), Ops::I16x8Splat(16384)),
            Ops::I16x8Splat(1));  // rounds
  EXPECT_EQ(Ops::I16x8ExtaddPairwiseI8x16U(Ops::I8x16Splat(-1)), Ops::I16x8Splat(510));
  EXPECT_EQ(Ops::I16x8ExtaddPairwiseI8x16S(Ops::I8x16Splat(-128)), Ops::I16x8Splat(-256));
  EXPECT_EQ(Ops::I32x4ExtaddPairwiseI16x8U(Ops::I16x8Splat(-1)), Ops::I32x4Splat(131070));
  EXPECT_EQ(Ops::I32x4ExtaddPairwiseI16x8S(Ops::I16x8Splat(-32768)), Ops::I32x4Splat(-65536));
  EXPECT_EQ(Ops::I32x4ExtmulHighI16x8U(Ops::I16x8Splat(-1), Ops::I16x8Splat(-1)),
            Ops::I32x4Splat(int32_t(0xfffe0001)));
  EXPECT_EQ(Ops::I32x4ExtmulLowI16x8S(Ops::I16x8Splat(-32768), Ops::I16x8Splat(-32768)),
            Ops::I32x4Splat(0x40000000));
  EXPECT_EQ(Ops::I64x2ExtmulLowI32x4S(Vec<int32_t>(INT32_MIN, -1, 0, 0),
                                      Vec<int32_t>(INT32_MIN, 5, 0, 0)),
            (Vec<int64_t>(int64_t(1) << 62, -5)));
  EXPECT_EQ(Ops::I64x2ExtmulHighI32x4U(Vec<int32_t>(0, 0, -1, 2), Vec<int32_t>(0, 0, -1, 3)),
            (Vec<uint64_t>(0xfffffffe00000001ull, 6)));
  EXPECT_EQ(Ops::I16x8ExtmulLowI8x16S(Ops::I8x16Splat(-128), Ops::I8x16Splat(-128)),
            Ops::I16x8Splat(16384));
}

TYPED_TEST(SimdKnownAnswer, ReductionsAndPopcnt) {
  using Ops = TypeParam;
  EXPECT_EQ(Ops::I8x16Bitmask(Vec<int8_t>(-1, 0, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5)),
            0x8005);
  EXPECT_EQ(Ops::I16x8Bitmask(Vec<int16_t>(-1, 0, -32768, 1, 0x7fff, 0, 0, -2)), 0x85);
  EXPECT_EQ(Ops::I32x4Bitmask(Vec<int32_t>(0, INT32_MIN, 1, -1)), 0xa);
  EXPECT_EQ(Ops::I64x2Bitmask(Vec<int64_t>(-1, 1)), 1);
  EXPECT_EQ(Ops::I8x16AllTrue(Ops::I8x16Splat(0x80)), 1);
  EXPECT_EQ(Ops::I8x16AllTrue(Vec<uint8_t>(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)), 0);
  EXPECT_EQ(Ops::I16x8AllTrue(Ops::I8x16Splat(0x01)), 1);
  EXPECT_EQ(Ops::I16x8AllTrue(Vec<uint16_t>(1, 1, 1, 1, 0x100, 0, 1, 1)), 0);
  EXPECT_EQ(Ops::I32x4AllTrue(Vec<uint32_t>(1, 0x10000, 0x80000000, 0x100)), 1);
  EXPECT_EQ(Ops::I64x2AllTrue(Vec<uint64_t>(0x100000000ull, 0)), 0);
  EXPECT_EQ(Ops::V128AnyTrue(Vec<uint64_t>(0, 0x8000000000000000ull)), 1);
  EXPECT_EQ(Ops::V128AnyTrue(Vec<uint64_t>(0, 0)), 0);
  EXPECT_EQ(Ops::I8x16Popcnt(Vec<uint8_t>(0, 1, 3, 7, 15, 31, 63, 127, 255, 0x80, 0x55, 0xaa, 0x0f,
                                          0xf0, 0x11, 0x88)),
            (Vec<uint8_t>(0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 4, 4, 4, 4, 2, 2)));
}

TYPED_TEST(SimdKnownAnswer, BitwiseAndCompare) {
  using Ops = TypeParam;
  V128Bits a = Vec<uint32_t>(0xff00ff00, 0x12345678, 0, 0xffffffff);
  V128Bits b = Vec<uint32_t>(0x0ff00ff0, 0xffff0000, 0xffffffff, 0);
  V128Bits c = Vec<uint32_t>(0xf0f0f0f0, 0x0000ffff, 0, 0xffffffff);
  EXPECT_EQ(Ops::V128Andnot(a, b), (Vec<uint32_t>(0xf000f000, 0x00005678, 0, 0xffffffff)));
  EXPECT_EQ(Ops::V128Bitselect(a, b, c),
            (Vec<uint32_t>(0xff00ff00, 0xffff5678, 0xffffffff, 0xffffffff)));
  EXPECT_EQ(Ops::I8x16LtU(Ops::I8x16Splat(1), Ops::I8x16Splat(-1)), Ops::I8x16Splat(-1));
  EXPECT_EQ(Ops::I8x16LtS(Ops::I8x16Splat(1), Ops::I8x16Splat(-1)), Ops::I8x16Splat(0));
  EXPECT_EQ(Ops::I32x4GeU(Ops::I32x4Splat(INT32_MIN), Ops::I32x4Splat(INT32_MAX)),
            Ops::I32x4Splat(-1));
  EXPECT_EQ(Ops::I64x2GtS(Vec<int64_t>(INT64_MIN, 0), Vec<int64_t>(INT64_MAX, -1)),
            (Vec<int64_t>(0, -1)));
  EXPECT_EQ(Ops::I64x2Ne(Vec<int64_t>(5, 0x100000000ll), Vec<int64_t>(5, 0)),
            (Vec<int64_t>(0, -1)));
}

// ---- floating point ----

constexpr uint32_t kNanPayload = 0x7fa00001;  // signalling, with payload
constexpr uint32_t kPosZero = 0x00000000, kNegZero = 0x80000000;

bool IsF32Nan(uint32_t b) {
  return (b & 0x7fffffff) > 0x7f800000;
}

TYPED_TEST(SimdKnownAnswer, MinMaxPropagateNanAndOrderZeros) {
  using Ops = TypeParam;
  V128Bits a = Vec<uint32_t>(kNegZero, kPosZero, kNanPayload, F32Bits(1.0f));
  V128Bits b = Vec<uint32_t>(kPosZero, kNegZero, F32Bits(1.0f), 0xffc00000);
  V128Bits mn = Ops::F32x4Min(a, b), mx = Ops::F32x4Max(a, b);
  EXPECT_EQ(Ops::F32x4ExtractLane(mn, 0), kNegZero);
  EXPECT_EQ(Ops::F32x4ExtractLane(mn, 1), kNegZero);
  EXPECT_EQ(Ops::F32x4ExtractLane(mx, 0), kPosZero);
  EXPECT_EQ(Ops::F32x4ExtractLane(mx, 1), kPosZero);
  for (unsigned lane : {2u, 3u}) {
    EXPECT_TRUE(IsF32Nan(Ops::F32x4ExtractLane(mn, lane))) << lane;
    EXPECT_TRUE(IsF32Nan(Ops::F32x4ExtractLane(mx, lane))) << lane;
  }
  // Lane 3 has only a canonical NaN input: the result must be canonical too.
  EXPECT_EQ(Ops::F32x4ExtractLane(mn, 3) & 0x7fffffff, 0x7fc00000u);
  V128Bits d = Ops::F64x2Min(Vec<uint64_t>(0x8000000000000000ull, F64Bits(-1e300)),
                             Vec<uint64_t>(0, F64Bits(2.0)));
  EXPECT_EQ(d, (Vec<uint64_t>(0x8000000000000000ull, F64Bits(-1e300))));
}

TYPED_TEST(SimdKnownAnswer, PminPmaxAreExactlyTheComparison) {
  using Ops = TypeParam;
  // pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a: operand bits come back unchanged.
  V128Bits a = Vec<uint32_t>(kPosZero, kNanPayload, F32Bits(1.0f), F32Bits(3.0f));
  V128Bits b = Vec<uint32_t>(kNegZero, F32Bits(1.0f), kNanPayload, F32Bits(2.0f));
  EXPECT_EQ(Ops::F32x4Pmin(a, b),
            (Vec<uint32_t>(kPosZero, kNanPayload, F32Bits(1.0f), F32Bits(2.0f))));
  EXPECT_EQ(Ops::F32x4Pmax(a, b),
            (Vec<uint32_t>(kPosZero, kNanPayload, F32Bits(1.0f), F32Bits(3.0f))));
  EXPECT_EQ(Ops::F64x2Pmax(Vec<uint64_t>(F64Bits(-1.0), 0x7ff4000000000000ull),
                           Vec<uint64_t>(F64Bits(2.0), 0)),
            (Vec<uint64_t>(F64Bits(2.0), 0x7ff4000000000000ull)));
}

TYPED_TEST(SimdKnownAnswer, SignOpsKeepNanPayloads) {
  using Ops = TypeParam;
  V128Bits v = Vec<uint32_t>(0xffa00001, kNanPayload, kNegZero, F32Bits(-2.5f));
  EXPECT_EQ(Ops::F32x4Abs(v), (Vec<uint32_t>(0x7fa00001, kNanPayload, kPosZero, F32Bits(2.5f))));
  EXPECT_EQ(Ops::F32x4Neg(v), (Vec<uint32_t>(0x7fa00001, 0xffa00001, kPosZero, F32Bits(2.5f))));
  EXPECT_EQ(Ops::F64x2Neg(Vec<uint64_t>(0x7ff0000000000001ull, 0)),
            (Vec<uint64_t>(0xfff0000000000001ull, 0x8000000000000000ull)));
}

TYPED_TEST(SimdKnownAnswer, RoundingTiesToEven) {
  using Ops = TypeParam;
  V128Bits v = Vec<float>(2.5f, 3.5f, -0.5f, -1.5f);
  EXPECT_EQ(Ops::F32x4Nearest(v), (Vec<float>(2.0f, 4.0f, -0.0f, -2.0f)));
  EXPECT_EQ(Ops::F32x4ExtractLane(Ops::F32x4Nearest(v), 2), kNegZero);
  EXPECT_EQ(Ops::F32x4Ceil(v), (Vec<float>(3.0f, 4.0f, -0.0f, -1.0f)));
  EXPECT_EQ(Ops::F32x4ExtractLane(Ops::F32x4Ceil(v), 2), kNegZero);
  EXPECT_EQ(Ops::F32x4Floor(v), (Vec<float>(2.0f, 3.0f, -1.0f, -2.0f)));
  EXPECT_EQ(Ops::F32x4Trunc(v), (Vec<float>(2.0f, 3.0f, -0.0f, -1.0f)));
  EXPECT_EQ(Ops::F64x2Nearest(Vec<double>(4503599627370497.0, -0.5000000000000001)),
            (Vec<double>(4503599627370497.0, -1.0)));
  EXPECT_EQ(Ops::F64x2Ceil(Vec<double>(-0.25, 1e300)), (Vec<double>(-0.0, 1e300)));
}

TYPED_TEST(SimdKnownAnswer, FloatCompareWithNan) {
  using Ops = TypeParam;
  V128Bits a = Vec<uint32_t>(kNanPayload, kNegZero, F32Bits(1.0f), 0x7fc00000);
  V128Bits b = Vec<uint32_t>(kNanPayload, kPosZero, F32Bits(2.0f), F32Bits(1.0f));
  EXPECT_EQ(Ops::F32x4Eq(a, b), (Vec<int32_t>(0, -1, 0, 0)));
  EXPECT_EQ(Ops::F32x4Ne(a, b), (Vec<int32_t>(-1, 0, -1, -1)));
  EXPECT_EQ(Ops::F32x4Lt(a, b), (Vec<int32_t>(0, 0, -1, 0)));
  EXPECT_EQ(Ops::F32x4Le(a, b), (Vec<int32_t>(0, -1, -1, 0)));
  EXPECT_EQ(Ops::F32x4Gt(a, b), (Vec<int32_t>(0, 0, 0, 0)));
  EXPECT_EQ(Ops::F32x4Ge(a, b), (Vec<int32_t>(0, -1, 0, 0)));
}

TYPED_TEST(SimdKnownAnswer, ArithmeticNaNsAreNaNs) {
  using Ops = TypeParam;
  V128Bits inf = Vec<float>(INFINITY, 0.0f, -1.0f, INFINITY);
  V128Bits r = Ops::F32x4Sub(inf, inf);  // inf - inf, 0 - 0, -1 - -1, inf - inf
  EXPECT_TRUE(IsF32Nan(Ops::F32x4ExtractLane(r, 0)));
  EXPECT_EQ(Ops::F32x4ExtractLane(r, 1), kPosZero);
  EXPECT_TRUE(IsF32Nan(Ops::F32x4ExtractLane(Ops::F32x4Sqrt(inf), 2)));
  EXPECT_EQ(Ops::F32x4ExtractLane(Ops::F32x4Sqrt(Vec<float>(4.0f, 0, 0, 0)), 0), F32Bits(2.0f));
  EXPECT_EQ(Ops::F32x4Div(Vec<float>(1.0f, -1.0f, 1.0f, 1.0f), Vec<float>(0.0f, 0.0f, 3.0f, -0.0f)),
            (Vec<float>(INFINITY, -INFINITY, 1.0f / 3.0f, -INFINITY)));
  EXPECT_EQ(Ops::F64x2Mul(Vec<double>(1e200, 3.0), Vec<double>(1e200, 0.1)),
            (Vec<double>(INFINITY, 3.0 * 0.1)));
}

TYPED_TEST(SimdKnownAnswer, TruncSatBounds) {
  using Ops = TypeParam;
  EXPECT_EQ(Ops::I32x4TruncSatF32x4S(Vec<uint32_t>(0x7fc00000, F32Bits(2147483648.0f),
                                                   F32Bits(-2147483904.0f), F32Bits(-1.9f))),
            (Vec<int32_t>(0, INT32_MAX, INT32_MIN, -1)));
  EXPECT_EQ(Ops::I32x4TruncSatF32x4S(Vec<float>(2147483520.0f, -2147483648.0f, 1e10f, -INFINITY)),
            (Vec<int32_t>(2147483520, INT32_MIN, INT32_MAX, INT32_MIN)));
  EXPECT_EQ(Ops::I32x4TruncSatF32x4U(Vec<float>(-0.9f, 4294967040.0f, 4294967296.0f, -1.0f)),
            (Vec<uint32_t>(0, 4294967040u, UINT32_MAX, 0)));
  EXPECT_EQ(Ops::I32x4TruncSatF32x4U(Vec<uint32_t>(0xffc00000, F32Bits(2147483648.0f),
                                                   F32Bits(3e9f), F32Bits(INFINITY))),
            (Vec<uint32_t>(0, 2147483648u, 3000000000u, UINT32_MAX)));
  EXPECT_EQ(Ops::I32x4TruncSatF64x2SZero(Vec<double>(2147483647.5, -2147483648.9)),
            (Vec<int32_t>(INT32_MAX, INT32_MIN, 0, 0)));
  EXPECT_EQ(
      Ops::I32x4TruncSatF64x2SZero(Vec<uint64_t>(0x7ff8000000000000ull, F64Bits(-2147483649.0))),
      (Vec<int32_t>(0, INT32_MIN, 0, 0)));
  EXPECT_EQ(Ops::I32x4TruncSatF64x2UZero(Vec<double>(4294967295.9, -0.5)),
            (Vec<uint32_t>(UINT32_MAX, 0, 0, 0)));
  EXPECT_EQ(Ops::I32x4TruncSatF64x2UZero(Vec<double>(4294967296.0, 1e300)),
            (Vec<uint32_t>(UINT32_MAX, UINT32_MAX, 0, 0)));
  EXPECT_EQ(Ops::I32x4TruncSatF64x2UZero(Vec<double>(3000000000.7, 1.5)),
            (Vec<uint32_t>(3000000000u, 1, 0, 0)));
}

TYPED_TEST(SimdKnownAnswer, IntToFloatRoundsCorrectly) {
  using Ops = TypeParam;
  // u32 -> f32: 0x80000080 is halfway between 2^31 and 2^31+256 (ties to even: down);
  // 0x80000081 is just above (up); 0xffffffff rounds to 2^32.
  EXPECT_EQ(Ops::F32x4ConvertI32x4U(Vec<uint32_t>(0x80000080, 0x80000081, 0xffffffff, 16777217)),
            (Vec<uint32_t>(0x4f000000, 0x4f000001, 0x4f800000, F32Bits(16777216.0f))));
  EXPECT_EQ(Ops::F32x4ConvertI32x4U(Vec<uint32_t>(0x7fffffc0, 0xfffffe81, 1, 0)),
            (Vec<uint32_t>(0x4f000000, 0x4f7fffff, F32Bits(1.0f), 0)));
  EXPECT_EQ(Ops::F32x4ConvertI32x4S(Vec<int32_t>(-1, INT32_MIN, 16777219, INT32_MAX)),
            (Vec<float>(-1.0f, -2147483648.0f, 16777220.0f, 2147483648.0f)));
  EXPECT_EQ(Ops::F64x2ConvertLowI32x4U(Vec<uint32_t>(0xffffffff, 0x80000000, 7, 7)),
            (Vec<double>(4294967295.0, 2147483648.0)));
  EXPECT_EQ(Ops::F64x2ConvertLowI32x4S(Vec<int32_t>(-1, INT32_MIN, 7, 7)),
            (Vec<double>(-1.0, -2147483648.0)));
}

TYPED_TEST(SimdKnownAnswer, DemotePromote) {
  using Ops = TypeParam;
  V128Bits d = Ops::F32x4DemoteF64x2Zero(Vec<double>(1e300, 0x1p-200));
  EXPECT_EQ(d, (Vec<float>(INFINITY, 0.0f, 0.0f, 0.0f)));
  V128Bits n =
      Ops::F32x4DemoteF64x2Zero(Vec<uint64_t>(0x7ff8000000000000ull, F64Bits(1.0 + 0x1p-24)));
  EXPECT_EQ(Ops::F32x4ExtractLane(n, 0) & 0x7fffffff, 0x7fc00000u);  // canonical stays canonical
  EXPECT_EQ(Ops::F32x4ExtractLane(n, 1), F32Bits(1.0f));             // tie to even
  EXPECT_EQ(Ops::F64x2PromoteLowF32x4(Vec<float>(1.5f, -0x1p-149f, 9.0f, 9.0f)),
            (Vec<double>(1.5, -0x1p-149)));
  V128Bits p = Ops::F64x2PromoteLowF32x4(Vec<uint32_t>(0xffc00000, 0, 0, 0));
  EXPECT_EQ(Ops::I64x2ExtractLane(p, 0), int64_t(0xfff8000000000000ull));
}

// ---- the printer ----

TEST(SimdFormat, PrintsLanesAndFloatBits) {
  EXPECT_EQ(FormatV128(Vec<int32_t>(1, -2, 3, INT32_MIN), Shape::kI32x4),
            "i32x4 1 -2 3 -2147483648");
  EXPECT_EQ(FormatV128(Vec<int64_t>(-1, 2), Shape::kI64x2), "i64x2 -1 2");
  EXPECT_EQ(FormatV128(Vec<uint32_t>(0x7fc00000, F32Bits(1.5f), 0, 0x80000000), Shape::kF32x4),
            "f32x4 0x7fc00000(nan) 0x3fc00000(1.5) 0x00000000(0) 0x80000000(-0)");
}

}  // namespace
}  // namespace nw::simd::testing

// LEB128 decoding limits as the spec's malformed tests exercise them.
#include "base/reader.h"
#include "base/writer.h"

#include <gtest/gtest.h>

#include <vector>

namespace nw {
namespace {

Result<uint64_t> U(std::vector<uint8_t> b, unsigned bits) { return Reader(b).ULeb(bits); }
Result<int64_t> S(std::vector<uint8_t> b, unsigned bits) { return Reader(b).SLeb(bits); }

TEST(Reader, UnsignedLeb) {
  EXPECT_EQ(*U({0x00}, 32), 0u);
  EXPECT_EQ(*U({0xe5, 0x8e, 0x26}, 32), 624485u);
  EXPECT_EQ(*U({0xff, 0xff, 0xff, 0xff, 0x0f}, 32), 0xffffffffu);
  EXPECT_EQ(U({0xff, 0xff, 0xff, 0xff, 0x1f}, 32).error().message, "integer too large");
  EXPECT_EQ(U({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32).error().message,
            "integer representation too long");
  EXPECT_EQ(U({0x80}, 32).error().message, "unexpected end");
}

TEST(Reader, SignedLeb) {
  EXPECT_EQ(*S({0x7f}, 32), -1);
  EXPECT_EQ(*S({0x80, 0x80, 0x80, 0x80, 0x78}, 32), INT32_MIN);
  EXPECT_EQ(*S({0xff, 0xff, 0xff, 0xff, 0x07}, 32), INT32_MAX);
  EXPECT_FALSE(S({0xff, 0xff, 0xff, 0xff, 0x4f}, 32));  // bits above 32 not a sign extension
  EXPECT_FALSE(S({0x80, 0x80, 0x80, 0x80, 0x08}, 32));
  EXPECT_EQ(*S({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, 64), INT64_MIN);
  EXPECT_FALSE(S({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 64));
}

TEST(Reader, RoundTripsWriter) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{63}, int64_t{64}, int64_t{-64}, int64_t{-65},
                    INT64_MIN, INT64_MAX}) {
    Writer w;
    w.SLeb(v);
    EXPECT_EQ(*Reader(w.bytes()).SLeb(64), v) << v;
  }
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, UINT64_MAX}) {
    Writer w;
    w.ULeb(v);
    EXPECT_EQ(*Reader(w.bytes()).ULeb(64), v) << v;
  }
}

}  // namespace
}  // namespace nw

// The printer on hostile shapes (docs/robustness.md): its output stays linear in the input
// (indentation stops growing at a fixed depth), so `nanowasm print` of 100,000 nested blocks
// is megabytes, not the ~10^10 bytes of unbounded indentation.
#include <gtest/gtest.h>

#include <chrono>

#include "format/module.h"
#include "text/printer.h"
#include "text/wat.h"

namespace nw {
namespace {

TEST(PrinterRobustness, DeepNestingIsLinear) {
  constexpr size_t kDepth = 100000;
  ModuleDesc m;
  m.types.push_back(FuncType{});
  Function f;
  for (size_t i = 0; i < kDepth; ++i) f.body.insert(f.body.end(), {0x02, 0x40});
  f.body.insert(f.body.end(), kDepth + 1, 0x0b);
  m.functions.push_back(f);
  auto t0 = std::chrono::steady_clock::now();
  auto text = PrintWat(m);
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_LT(text->size(), 200 * (2 * kDepth + 1));  // < 200 bytes per instruction
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
  // Still the same module when parsed back.
  auto again = ParseWat(*text);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->functions.at(0).body, f.body);
}

}  // namespace
}  // namespace nw

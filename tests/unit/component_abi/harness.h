// Runs a lift or lower both through the compiled plan and through the per-type reference on
// identical fake guests, asserts they agree (result or trap, memory bytes, realloc calls,
// handle tables) and returns the plan's outcome for the test's hand-computed expectations.
#pragma once

#include <gtest/gtest.h>

#include "component/canon_plan.h"
#include "component/canon_reference.h"
#include "fake_guest.h"

namespace nw::component::testing {

struct LowerOutcome {
  Result<std::vector<uint64_t>> flat;
  std::vector<uint8_t> mem;
  std::vector<ReallocCall> calls;
};

// lower_flat_values(max_flat) of host values into a guest whose memory starts as `init`.
inline LowerOutcome LowerBoth(const TypeTable& types, std::vector<TypeId> ts,
                              std::vector<ComponentValue> vs, StringEncoding enc = StringEncoding::kUtf8,
                              size_t max_flat = kMaxFlatParams) {
  LowerOutcome out[2];
  for (int which = 0; which < 2; ++which) {
    FakeGuest g(enc);
    ComponentInstanceState inst;
    Task task(&inst);
    Side s = g.MakeSide(&inst, &task);
    if (which == 0) {
      ValuesPlan vp = CompileValues(types, ts, max_flat);
      std::vector<uint64_t> flat(std::max<uint32_t>(vp.flat_count, 1));
      auto n = PlanLowerValues(vp, types, s, vs, flat);
      if (n) flat.resize(*n);
      out[0].flat = n ? Result<std::vector<uint64_t>>(flat) : std::unexpected(n.error());
    } else {
      out[1].flat = reference::LowerFlatValues(types, s, max_flat, vs, ts);
    }
    out[which].mem = g.mem;
    out[which].calls = g.calls;
    while (task.num_borrows() > 0) task.DropBorrow();  // borrows are not the subject here
  }
  EXPECT_EQ(out[0].flat.has_value(), out[1].flat.has_value());
  if (out[0].flat && out[1].flat) EXPECT_EQ(*out[0].flat, *out[1].flat);
  if (!out[0].flat && !out[1].flat) EXPECT_EQ(IsTrap(out[0].flat.error()), IsTrap(out[1].flat.error()));
  EXPECT_TRUE(out[0].mem == out[1].mem) << "plan and reference wrote different memory";
  EXPECT_EQ(out[0].calls.size(), out[1].calls.size());
  EXPECT_TRUE(out[0].calls == out[1].calls) << "plan and reference called realloc differently";
  return std::move(out[0]);
}

// lift_flat_values(max_flat) of flat values from a guest memory prepared by `setup`.
template <class Setup>
Result<std::vector<ComponentValue>> LiftBoth(const TypeTable& types, std::vector<TypeId> ts,
                                             std::vector<uint64_t> flat, Setup setup,
                                             StringEncoding enc = StringEncoding::kUtf8,
                                             size_t max_flat = kMaxFlatParams) {
  Result<std::vector<ComponentValue>> out[2];
  for (int which = 0; which < 2; ++which) {
    FakeGuest g(enc);
    setup(g);
    ComponentInstanceState inst;
    Side s = g.MakeSide(&inst);
    if (which == 0) {
      ValuesPlan vp = CompileValues(types, ts, max_flat);
      out[0] = PlanLiftValues(vp, s, flat);
    } else {
      out[1] = reference::LiftFlatValues(types, s, max_flat, flat, ts);
    }
  }
  EXPECT_EQ(out[0].has_value(), out[1].has_value());
  if (out[0] && out[1]) EXPECT_TRUE(*out[0] == *out[1]) << "plan and reference lifted different values";
  if (!out[0] && !out[1]) EXPECT_EQ(IsTrap(out[0].error()), IsTrap(out[1].error()));
  return std::move(out[0]);
}

inline auto NoSetup() {
  return [](FakeGuest&) {};
}

#define EXPECT_TRAP(expr)                                                    \
  do {                                                                       \
    auto&& r_ = (expr);                                                      \
    EXPECT_FALSE(r_.has_value()) << "expected a trap";                       \
    if (!r_.has_value())                                                     \
      EXPECT_TRUE(::nw::component::IsTrap(r_.error())) << r_.error().message; \
  } while (0)

}  // namespace nw::component::testing

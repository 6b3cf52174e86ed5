// The canonical ABI transcribed type by type from definitions.py: load, store, lift_flat,
// lower_flat, lift_flat_values, lower_flat_values, walking the type on every value.
//
// This is the reference the compiled plans (canon_plan.h) are tested against; calls go through
// the plans. Flat core values are uint64_t words: i32 zero-extended, f32 as its bit pattern in
// the low 32 bits, i64 and f64 as their 64 bits.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "component/abi_types.h"
#include "component/canon_context.h"
#include "component/component_value.h"

namespace nw::component::reference {

Result<ComponentValue> Load(const TypeTable& types, Side& cx, uint32_t ptr, TypeId t);
Status Store(const TypeTable& types, Side& cx, const ComponentValue& v, TypeId t, uint32_t ptr);

Result<std::vector<ComponentValue>> LiftFlatValues(const TypeTable& types, Side& cx, size_t max_flat,
                                                   std::span<const uint64_t> flat,
                                                   std::span<const TypeId> ts);
// With out_param, results go to that pointer (canon lower's results); otherwise a tuple that
// does not fit is allocated with realloc and its pointer is the one flat value.
Result<std::vector<uint64_t>> LowerFlatValues(const TypeTable& types, Side& cx, size_t max_flat,
                                              std::span<const ComponentValue> vs,
                                              std::span<const TypeId> ts,
                                              std::optional<uint32_t> out_param = std::nullopt);

}  // namespace nw::component::reference

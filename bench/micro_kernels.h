// The WAT kernels of micro_interp.cc, as a binary module. Kept in a translation unit of its
// own so the benchmark itself sees only the public runtime API (nanowasm/runtime.h), not the
// module description used by the text parser.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"

namespace nwbench {

// Exports: nop, add(i32 i32), loop(n), mem_loop(n), fib(n), call_host(n); imports
// bench.host : [i32] -> [i32].
nw::Result<std::vector<uint8_t>> KernelModuleBinary();

}  // namespace nwbench

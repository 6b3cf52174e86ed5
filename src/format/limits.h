// Implementation limits on what a module may declare, enforced by the binary reader (counts,
// sizes) so hostile input is rejected early with a clear "... exceeds the implementation
// limit" error, before anything proportional to a declared count is allocated or translated.
// The values follow the limits the major engines agreed on (V8's wasm-limits.h, the same in
// wasmparser): a module within them loads everywhere. docs/robustness.md lists them with
// the reasons; the spec allows each (WebAssembly 2.0, Appendix A.1 "Implementation Limitations").
// A table's declared initial size is limited by the validator (kMaxTableInitialSize, after
// the spec's own checks so their errors keep priority). Memory sizes keep the spec's bound
// (65536 pages): what a store may really allocate is StoreLimits in the runtime, checked at
// instantiation.
// Per-function limits that need the validator (nesting depth, operand stack) live in
// validate/body_decoder.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nw {

inline constexpr size_t kMaxModuleSize = size_t{1} << 30;  // 1 GiB of binary
inline constexpr uint32_t kMaxTypes = 1000000;
inline constexpr uint32_t kMaxImports = 100000;
inline constexpr uint32_t kMaxFunctions = 1000000;  // defined functions (function section)
inline constexpr uint32_t kMaxTables = 100000;
inline constexpr uint32_t kMaxMemories = 100000;
inline constexpr uint32_t kMaxGlobals = 1000000;
inline constexpr uint32_t kMaxTags = 1000000;
inline constexpr uint32_t kMaxExports = 100000;
inline constexpr uint32_t kMaxElemSegments = 100000;
inline constexpr uint32_t kMaxDataSegments = 100000;
inline constexpr uint32_t kMaxElemSegmentEntries = 10000000;  // entries of one segment
inline constexpr uint32_t kMaxNameLength = 100000;            // import/export/custom names, bytes
inline constexpr uint32_t kMaxFunctionBodySize = 7654321;     // bytes of one code entry
inline constexpr uint64_t kMaxTableInitialSize = 10000000;    // elements
inline constexpr uint32_t kMaxFunctionParams = 1000;
inline constexpr uint32_t kMaxFunctionResults = 1000;
// Declared locals of one function, params excluded (= kMaxLocals in validate/body_decoder.h).
inline constexpr uint64_t kMaxFunctionLocals = 50000;

}  // namespace nw

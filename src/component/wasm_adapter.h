// A fused adapter's split form as core wasm (FusedAdapter::Split): a small module per adapter
// signature whose one function makes the calls into the callee itself — the callee's realloc
// and its core function are imports called as ordinary wasm calls, which a compiled tier turns
// into native calls — and leaves the checks and copies to three host functions ("leaves":
// FusedAdapter::Enter, Params and Results). No tier knows about it: it is plain core wasm
// (MVP plus multi-value), run by whichever tier runs the components' own core modules.
//
//   (func (export "adapter") (param <lower params>) (result <lower results>)
//     [i32.const 0  i32.const 0  i32.const <align>]      ;; realloc's first three arguments
//     local.get 0 ... local.get n-1
//     call $enter                                         ;; -> bytes, or the callee's args
//     [call $realloc  call $params]                       ;; -> dptr -> the callee's args
//     call $callee                                        ;; -> the callee's core results
//     [local.get n-1]                                     ;; the return area, results in memory
//     call $results)                                      ;; -> the lower's results
//
// The bracketed parts are there when the arguments hold the one allocation of the split.
// Imports (module ""): "enter", "callee", "results", and "realloc", "params" when it
// allocates; the function is exported as "adapter" and named "component adapter" (backtraces).
#pragma once

#include <cstdint>
#include <vector>

#include "component/fused_adapter.h"

namespace nw::component {

// The module's bytes: a function of the adapter's signatures and split form only, so modules
// are shared by every adapter with the same ones (ComponentStore caches them by these bytes).
std::vector<uint8_t> WasmAdapterModule(const FunctionPlan& fp, const FusedAdapter::SplitForm& form);

// The direct form (FusedAdapter::Direct), multi-memory: the wasm makes the whole call but for
// one leaf. It checks and clears the flags (may_leave of the caller, may_enter of the entering
// instances), checks the source (a list: its length, alignment and bounds; a string: through
// the host leaf "check", (ptr, len) -> 1 when its length, bounds and UTF-8 pass, else 0 and
// "string_trap" (ptr, len) raises the trap), calls the callee's realloc with its may_leave
// cleared, checks the destination
// (alignment, bounds), copies the allocation's contents from the caller's memory through the
// host leaf "copy" (dst, src, len) -> 1, or 0 when a range is out of its memory, calls the
// callee, checks both return areas and copies the result's fields with loads
// and stores, and sets may_enter again. Imports (module ""): functions "callee", "realloc",
// "trap" (i32 code, below; it never returns), "copy" and, for a string, "check" and
// "string_trap";
// memories
// "caller_memory" (index 0) and "callee_memory" (1); mutable i32 globals "caller_may_leave",
// "callee_may_leave" and "may_enter0".., the bound flags of ComponentInstanceState.
enum class DirectTrap : uint32_t {
  kStringOutOfBounds,    // the string's destination
  kListUnaligned,        // the list's source, or realloc's pointer for it
  kListOutOfBounds,      // the list's source or destination
  kResultUnaligned,      // a return area
  kResultOutOfBounds,
  kCannotLeave,          // the caller's may_leave is clear
  kCannotEnter,          // an entering instance's may_enter is clear
  kListTooLong,          // more than 2^28-1 bytes
};
std::vector<uint8_t> WasmAdapterDirectModule(const FunctionPlan& fp, const FusedAdapter::DirectForm& d,
                                             uint32_t entering);

}  // namespace nw::component

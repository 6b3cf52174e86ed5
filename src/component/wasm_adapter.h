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

}  // namespace nw::component

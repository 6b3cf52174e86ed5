// Which x86-64 CPU features this host has, named as LLVM names them ("avx2", "bmi2",
// "avx512vl", ...): the AOT loader checks that the host has every feature an artifact's code
// was compiled for, without LLVM (CPUID and XGETBV directly). A feature this table does not
// know is reported as unknown, and the loader refuses code that requires one: it cannot prove
// the host runs it. Not here: choosing features to compile for (the compiler's job).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nw::aot {

// True/false when `name` is a feature this table knows; nullopt when it does not.
std::optional<bool> HostHasCpuFeature(std::string_view name);

// Checks an LLVM feature string ("+avx2,-avx512f,+bmi2"): every enabled ("+") feature must be
// known and present on this host. Returns "" when the host qualifies, else a message naming
// the first missing or unknown feature.
std::string MissingCpuFeature(std::string_view features);

}  // namespace nw::aot

// nw::simd: the semantics of every WebAssembly 2.0 SIMD (v128) operation, one inline function
// per opcode, named exactly after the opcode (see format/simd_opcodes.def), for the interpreter's
// handlers and for constant folding. Memory instructions appear as the value transforms only
// (the caller does the bounds-checked access). Floats are passed as bit patterns.
//
// Two backends with one interface: nw::simd::sse (when compiling for SSE4.1 or later) and the
// portable nw::simd::scalar (always). nw::simd names the SSE one unless NW_SIMD_FORCE_SCALAR is
// defined or the target lacks SSE4.1; the choice is made at compile time, per build.
#pragma once

#include <string>
#include <string_view>

#include "simd/scalar.h"
#include "simd/v128.h"

#if defined(__SSE4_1__)
#define NW_SIMD_HAVE_SSE 1
#include "simd/sse.h"
#else
#define NW_SIMD_HAVE_SSE 0
#endif

namespace nw::simd {

// kBackendName is not `inline`: a translation unit built with NW_SIMD_FORCE_SCALAR gets its own.
#if NW_SIMD_HAVE_SSE && !defined(NW_SIMD_FORCE_SCALAR)
namespace backend = sse;
constexpr std::string_view kBackendName = "sse4";
#else
namespace backend = scalar;
constexpr std::string_view kBackendName = "scalar";
#endif

// One using-declaration per opcode: a backend missing an operation fails to compile here.
#define NW_OPCODE(name, prefix, code, text, imm, sig) using backend::name;
#include "format/simd_opcodes.def"
#undef NW_OPCODE

// Lane interpretation, for printing.
enum class Shape : uint8_t { kI8x16, kI16x8, kI32x4, kI64x2, kF32x4, kF64x2 };

// "i32x4 1 2 -3 4" style, as WAST writes v128.const; float lanes print as hex bit patterns
// with the value ("0x7fc00000(nan)"), so NaN payloads stay visible in failure messages.
std::string FormatV128(const V128Bits& v, Shape shape);

}  // namespace nw::simd

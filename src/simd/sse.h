// The SSE4.1/SSE4.2 backend, nw::simd::sse: every SIMD operation, using x86 intrinsics where
// they are a clear win and the scalar code (by using-declaration) where they are not. Only
// available when compiling for SSE4.1 or later; simd/simd.h picks it by default there.
#pragma once

#include "simd/sse_float.h"
#include "simd/sse_integer.h"
#include "simd/sse_lane.h"

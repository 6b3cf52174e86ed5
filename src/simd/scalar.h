// The portable scalar backend, nw::simd::scalar: every SIMD operation written lane by lane.
// Always compiled and tested; nw::simd uses it when the host has no SSE4.1 or when
// NW_SIMD_FORCE_SCALAR is defined, and the SSE backend falls back to it per operation.
#pragma once

#include "simd/scalar_float.h"
#include "simd/scalar_integer.h"
#include "simd/scalar_lane.h"

// XXH64 (Yann Collet's xxHash, 64-bit variant), written from the algorithm's specification: the
// AOT artifact's checksum. Fast (several GB/s, so checking a whole artifact costs well under a
// millisecond per MB) and good at detecting accidental corruption: truncation, bit flips,
// partial writes. It is NOT a signature or MAC: anyone who can write an artifact can
// recompute it (docs/aot.md, "Trust").
#pragma once

#include <cstdint>
#include <span>

namespace nw::aot {

uint64_t Xxh64(std::span<const uint8_t> data, uint64_t seed = 0);

}  // namespace nw::aot

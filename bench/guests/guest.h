/* Shared by every benchmark guest. A guest is freestanding C (no libc, no imports) that
 * exports `long long run(int n)`: the work scales with n and the result is a checksum that the
 * native, Node and nanowasm runners must agree on. The same source is compiled to wasm32 and
 * to x86-64 (linked with native_main.c); nothing here may depend on which. */
#ifndef NANOWASM_BENCH_GUEST_H_
#define NANOWASM_BENCH_GUEST_H_

#include <stdint.h>

long long run(int n);

/* Mixes a 64-bit value into a running checksum (a multiply-xorshift step), so checksums
 * depend on every intermediate result and its order. */
static inline uint64_t GuestMix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 31);
}

#endif

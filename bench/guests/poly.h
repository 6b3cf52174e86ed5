/* Shared by the PolyBench-class loop kernels (poly_*.c): each is our own code for a classic
 * dense linear-algebra or stencil kernel in doubles, sized by run(n) (the matrix order, capped
 * at the kernel's kMaxN), with inputs from fixed integer patterns and a checksum over the exact
 * bits of the outputs, so any rounding difference between runners shows. Nothing here uses
 * libc. No FMA: the native -march=native build passes -ffp-contract=off (the wasm guests
 * cannot fuse), so every runner rounds each multiply and add separately. */
#ifndef NANOWASM_BENCH_POLY_H_
#define NANOWASM_BENCH_POLY_H_

#include "guest.h"

static inline uint64_t PolyBits(double d) {
  union {
    double d;
    uint64_t u;
  } x;
  x.d = d;
  return x.u;
}

/* A value in [-1, 1) from two indices and a salt: small integers scaled exactly. */
static inline double PolyInit(int i, int j, int salt) {
  return (double)((i * (7 + salt) + j * (3 + 2 * salt) + salt) % 97) / 48.5 - 1.0;
}

static inline int PolyClamp(int n, int max_n) {
  if (n < 2) return 2;
  return n > max_n ? max_n : n;
}

static inline uint64_t PolyHashVec(uint64_t h, const double* v, int len) {
  for (int i = 0; i < len; ++i) h = GuestMix(h, PolyBits(v[i]));
  return h;
}

#endif

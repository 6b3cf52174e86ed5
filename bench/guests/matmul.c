/* Dense matrix multiply in doubles (C = A * B, i-k-j loop order): f64 loads, multiplies and
 * adds. run(n): n x n matrices (n capped at kMaxN) filled from a fixed integer pattern; the
 * checksum mixes the exact bits of every element of C, so any rounding difference shows.
 * No FMA: -ffp-contract is left at clang's default, which fuses nothing without -mfma. */
#include "guest.h"

enum { kMaxN = 512 };
static double a[kMaxN * kMaxN], b[kMaxN * kMaxN], c[kMaxN * kMaxN];

static uint64_t DoubleBits(double d) {
  union {
    double d;
    uint64_t u;
  } x;
  x.d = d;
  return x.u;
}

long long run(int n) {
  if (n < 1) n = 1;
  if (n > kMaxN) n = kMaxN;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      a[i * n + j] = (double)((i * 7 + j * 3) % 17) * 0.25 - 1.5;
      b[i * n + j] = (double)((i * 5 + j * 11) % 13) * 0.125 + 0.1;
      c[i * n + j] = 0.0;
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < n; ++k) {
      double aik = a[i * n + k];
      for (int j = 0; j < n; ++j) c[i * n + j] += aik * b[k * n + j];
    }
  }
  uint64_t h = 0;
  for (int i = 0; i < n * n; ++i) h = GuestMix(h, DoubleBits(c[i]));
  return (long long)h;
}

/* gesummv: y = alpha * A x + beta * B x, two matrix-vector products fused in one row sweep.
 * run(n): order n, repeated 8 times with x updated from y; checksum over y. */
#include "poly.h"

enum { kMaxN = 1400, kReps = 8 };
static double A[kMaxN][kMaxN], B[kMaxN][kMaxN], x[kMaxN], y[kMaxN];

static void Gesummv(int n, double alpha, double beta) {
  for (int i = 0; i < n; ++i) {
    double t = 0.0, u = 0.0;
    for (int j = 0; j < n; ++j) {
      t += A[i][j] * x[j];
      u += B[i][j] * x[j];
    }
    y[i] = alpha * t + beta * u;
  }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i) {
    x[i] = PolyInit(i, 0, 3);
    for (int j = 0; j < n; ++j) {
      A[i][j] = PolyInit(i, j, 4);
      B[i][j] = PolyInit(i, j, 5);
    }
  }
  uint64_t h = 0;
  for (int k = 0; k < kReps; ++k) {
    Gesummv(n, 1.5, 1.25);
    h = PolyHashVec(h, y, n);
    for (int i = 0; i < n; ++i) x[i] = y[i] * (1.0 / 512.0);
  }
  return (long long)h;
}

/* atax: y = A^T (A x), matrix-vector products over a row-major n x n matrix (the first walks
 * rows, the second scatters along them). run(n): order n, repeated 8 times with x updated
 * from y; checksum over y. */
#include "poly.h"

enum { kMaxN = 2000, kReps = 8 };
static double A[kMaxN][kMaxN], x[kMaxN], y[kMaxN], tmp[kMaxN];

static void Atax(int n) {
  for (int j = 0; j < n; ++j) y[j] = 0.0;
  for (int i = 0; i < n; ++i) {
    double t = 0.0;
    for (int j = 0; j < n; ++j) t += A[i][j] * x[j];
    tmp[i] = t;
    for (int j = 0; j < n; ++j) y[j] += A[i][j] * t;
  }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i) {
    x[i] = PolyInit(i, 0, 5);
    for (int j = 0; j < n; ++j) A[i][j] = PolyInit(i, j, 1);
  }
  uint64_t h = 0;
  for (int r = 0; r < kReps; ++r) {
    Atax(n);
    h = PolyHashVec(h, y, n);
    for (int i = 0; i < n; ++i) x[i] = y[i] * (1.0 / 1024.0);
  }
  return (long long)h;
}

/* jacobi-2d: a five-point stencil swept back and forth between two n x n grids for a fixed
 * number of time steps. run(n): grid order n; checksum over the final grid. */
#include "poly.h"

enum { kMaxN = 1000, kSteps = 40 };
static double A[kMaxN][kMaxN], B[kMaxN][kMaxN];

static void Jacobi2d(int n) {
  for (int t = 0; t < kSteps; ++t) {
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][j + 1] + A[i + 1][j] + A[i - 1][j]);
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][j + 1] + B[i + 1][j] + B[i - 1][j]);
  }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      A[i][j] = PolyInit(i, j, 2);
      B[i][j] = PolyInit(i, j, 3);
    }
  Jacobi2d(n);
  uint64_t h = 0;
  for (int i = 0; i < n; ++i) h = PolyHashVec(h, A[i], n);
  return (long long)h;
}

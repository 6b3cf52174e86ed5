/* seidel-2d: a nine-point Gauss-Seidel stencil updated in place (each point reads neighbours
 * already updated this sweep: a loop-carried dependence, so it does not vectorize anywhere).
 * run(n): grid order n, a fixed number of sweeps; checksum over the grid. */
#include "poly.h"

enum { kMaxN = 1000, kSteps = 10 };
static double A[kMaxN][kMaxN];

static void Seidel2d(int n) {
  for (int t = 0; t < kSteps; ++t)
    for (int i = 1; i < n - 1; ++i)
      for (int j = 1; j < n - 1; ++j)
        A[i][j] = (A[i - 1][j - 1] + A[i - 1][j] + A[i - 1][j + 1] + A[i][j - 1] + A[i][j] +
                   A[i][j + 1] + A[i + 1][j - 1] + A[i + 1][j] + A[i + 1][j + 1]) /
                  9.0;
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A[i][j] = PolyInit(i, j, 6);
  Seidel2d(n);
  uint64_t h = 0;
  for (int i = 0; i < n; ++i) h = PolyHashVec(h, A[i], n);
  return (long long)h;
}

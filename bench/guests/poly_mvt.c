/* mvt: x1 += A y1 (along rows) and x2 += A^T y2 (down columns, a strided walk of a row-major
 * matrix). run(n): order n, repeated 8 times; checksum over x1 and x2. */
#include "poly.h"

enum { kMaxN = 2000, kReps = 8 };
static double A[kMaxN][kMaxN], x1[kMaxN], x2[kMaxN], y1[kMaxN], y2[kMaxN];

static void Mvt(int n) {
  for (int i = 0; i < n; ++i) {
    double t = x1[i];
    for (int j = 0; j < n; ++j) t += A[i][j] * y1[j];
    x1[i] = t;
  }
  for (int i = 0; i < n; ++i) {
    double t = x2[i];
    for (int j = 0; j < n; ++j) t += A[j][i] * y2[j];
    x2[i] = t;
  }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i) {
    x1[i] = PolyInit(i, 0, 1);
    x2[i] = PolyInit(i, 1, 2);
    y1[i] = PolyInit(i, 2, 3);
    y2[i] = PolyInit(i, 3, 4);
    for (int j = 0; j < n; ++j) A[i][j] = PolyInit(i, j, 5);
  }
  uint64_t h = 0;
  for (int k = 0; k < kReps; ++k) {
    Mvt(n);
    h = PolyHashVec(PolyHashVec(h, x1, n), x2, n);
    for (int i = 0; i < n; ++i) {
      x1[i] *= 0.125;
      x2[i] *= 0.125;
    }
  }
  return (long long)h;
}

/* 2mm: a chain of two matrix products, D = alpha * (A * B) * C + beta * D, through a
 * temporary (i-k-j order in both). run(n): order n; checksum over D. */
#include "poly.h"

enum { kMaxN = 640 };
static double A[kMaxN][kMaxN], B[kMaxN][kMaxN], C[kMaxN][kMaxN], D[kMaxN][kMaxN],
    T[kMaxN][kMaxN];

static void TwoMm(int n, double alpha, double beta) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) T[i][j] = 0.0;
    for (int k = 0; k < n; ++k) {
      double a = alpha * A[i][k];
      for (int j = 0; j < n; ++j) T[i][j] += a * B[k][j];
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) D[i][j] *= beta;
    for (int k = 0; k < n; ++k) {
      double t = T[i][k];
      for (int j = 0; j < n; ++j) D[i][j] += t * C[k][j];
    }
  }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      A[i][j] = PolyInit(i, j, 1);
      B[i][j] = PolyInit(i, j, 2);
      C[i][j] = PolyInit(i, j, 3);
      D[i][j] = PolyInit(i, j, 4);
    }
  TwoMm(n, 1.25, 0.5);
  uint64_t h = 0;
  for (int i = 0; i < n; ++i) h = PolyHashVec(h, D[i], n);
  return (long long)h;
}

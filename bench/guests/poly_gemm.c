/* gemm: C = alpha * A * B + beta * C on n x n doubles (i-k-j order, so the inner loop streams
 * rows of B and C). run(n): order n; checksum over C. */
#include "poly.h"

enum { kMaxN = 800 };
static double A[kMaxN][kMaxN], B[kMaxN][kMaxN], C[kMaxN][kMaxN];

static void Gemm(int n, double alpha, double beta) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) C[i][j] *= beta;
    for (int k = 0; k < n; ++k) {
      double a = alpha * A[i][k];
      for (int j = 0; j < n; ++j) C[i][j] += a * B[k][j];
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
    }
  Gemm(n, 1.5, 0.75);
  uint64_t h = 0;
  for (int i = 0; i < n; ++i) h = PolyHashVec(h, C[i], n);
  return (long long)h;
}

/* covariance: column means, centering, then the symmetric covariance matrix of m samples of
 * n variables (the j-k-i triple loop walks two columns of the data down its rows). run(n): n
 * variables and n samples; checksum over the covariance matrix. */
#include "poly.h"

enum { kMaxN = 900 };
static double data[kMaxN][kMaxN], cov[kMaxN][kMaxN], mean[kMaxN];

static void Covariance(int n) {
  double inv = 1.0 / (double)n;
  for (int j = 0; j < n; ++j) mean[j] = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) mean[j] += data[i][j];
  for (int j = 0; j < n; ++j) mean[j] *= inv;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) data[i][j] -= mean[j];
  /* Row-wise accumulation: cov[j][*] += data[i][j] * data[i][*], then symmetric fill. */
  for (int j = 0; j < n; ++j)
    for (int k = j; k < n; ++k) cov[j][k] = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double dij = data[i][j];
      for (int k = j; k < n; ++k) cov[j][k] += dij * data[i][k];
    }
  double scale = 1.0 / (double)(n - 1);
  for (int j = 0; j < n; ++j)
    for (int k = j; k < n; ++k) {
      cov[j][k] *= scale;
      cov[k][j] = cov[j][k];
    }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) data[i][j] = PolyInit(i, j, 7) * (double)(1 + (j & 3));
  Covariance(n);
  uint64_t h = 0;
  for (int i = 0; i < n; ++i) h = PolyHashVec(h, cov[i], n);
  return (long long)h;
}

/* bicg: the two products of BiCG, s = A^T r and q = A p, in one sweep over A. run(n): order
 * n, repeated 8 times with r and p updated from the results; checksum over s and q. */
#include "poly.h"

enum { kMaxN = 2000, kReps = 8 };
static double A[kMaxN][kMaxN], r[kMaxN], p[kMaxN], s[kMaxN], q[kMaxN];

static void Bicg(int n) {
  for (int j = 0; j < n; ++j) s[j] = 0.0;
  for (int i = 0; i < n; ++i) {
    double qi = 0.0, ri = r[i];
    for (int j = 0; j < n; ++j) {
      s[j] += ri * A[i][j];
      qi += A[i][j] * p[j];
    }
    q[i] = qi;
  }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i) {
    r[i] = PolyInit(i, 1, 6);
    p[i] = PolyInit(i, 2, 7);
    for (int j = 0; j < n; ++j) A[i][j] = PolyInit(i, j, 2);
  }
  uint64_t h = 0;
  for (int k = 0; k < kReps; ++k) {
    Bicg(n);
    h = PolyHashVec(PolyHashVec(h, s, n), q, n);
    for (int i = 0; i < n; ++i) {
      r[i] = s[i] * (1.0 / 256.0);
      p[i] = q[i] * (1.0 / 256.0);
    }
  }
  return (long long)h;
}

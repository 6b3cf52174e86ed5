/* floyd-warshall: all-pairs shortest paths over an n-node graph with int32 weights (a
 * min-plus triple loop; the k loop carries the dependence, the inner j loop vectorizes).
 * run(n): n nodes; checksum over the distance matrix. */
#include "poly.h"

enum { kMaxN = 600, kInf = 1 << 28 };
static int32_t D[kMaxN][kMaxN];

static void Floyd(int n) {
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i) {
      int32_t dik = D[i][k];
      for (int j = 0; j < n; ++j) {
        int32_t via = dik + D[k][j];
        if (via < D[i][j]) D[i][j] = via;
      }
    }
}

long long run(int n) {
  n = PolyClamp(n, kMaxN);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      int w = (i * 37 + j * 91 + (i ^ j)) % 101;
      /* A sparse-ish graph: about a third of the edges exist. */
      D[i][j] = i == j ? 0 : (w % 3 == 0 ? w + 1 : kInf);
    }
  Floyd(n);
  uint64_t h = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; j += 2)
      h = GuestMix(h, (uint32_t)D[i][j] | ((uint64_t)(uint32_t)D[i][j + 1 < n ? j + 1 : j] << 32));
  return (long long)h;
}

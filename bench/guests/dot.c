/* SIMD benchmark guest: an int16 dot product and a byte sum of absolute differences over 4 KiB
 * arrays, the kind of inner loop codecs and image code run. Plain C: clang vectorizes it when
 * built with -msimd128 (bench/CMakeLists.txt builds it both ways: dot.wasm, dot_simd.wasm). */
#include "guest.h"

#define kLen 4096

static int16_t a[kLen], b[kLen];
static uint8_t p[kLen], q[kLen];

long long run(int n) {
  uint32_t seed = 12345;
  for (int i = 0; i < kLen; ++i) {
    seed = seed * 1103515245u + 12345u;
    a[i] = (int16_t)(seed >> 16);
    seed = seed * 1103515245u + 12345u;
    b[i] = (int16_t)(seed >> 16);
    p[i] = (uint8_t)(seed >> 8);
    q[i] = (uint8_t)(seed >> 20);
  }
  uint64_t h = 0;
  for (int r = 0; r < n; ++r) {
    int32_t dot = 0;
    for (int i = 0; i < kLen; ++i) dot += a[i] * b[i];
    uint32_t sad = 0;
    for (int i = 0; i < kLen; ++i) {
      int d = p[i] - q[i];
      sad += (uint32_t)(d < 0 ? -d : d);
    }
    h = GuestMix(h, (uint32_t)dot ^ ((uint64_t)sad << 32));
    /* Change one element of each array so no iteration's work can be reused. */
    a[r & (kLen - 1)] += 1;
    p[(r * 7) & (kLen - 1)] ^= 0x5a;
  }
  return (long long)h;
}

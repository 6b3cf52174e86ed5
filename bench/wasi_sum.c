// Bulk-read benchmark guest: sums the bytes of a file with a C loop over fread (64 KiB at a
// time) and prints the byte count and the sum. Built once for wasm32-wasi and run as the
// preview1 module and as a WASI 0.2 command component (jco's preview1 command adapter), so the
// difference is the cost of the 0.2 I/O path (docs/performance.md, "WASI 0.2 bulk reads").
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: wasi_sum FILE\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  static unsigned char buf[65536];
  unsigned long long sum = 0, total = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    for (size_t i = 0; i < n; ++i) sum += buf[i];
    total += n;
  }
  fclose(f);
  printf("%llu bytes, sum %llu\n", total, sum);
  return 0;
}

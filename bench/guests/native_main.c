/* Native runner for a benchmark guest: `NAME N` prints run(N) on stdout and the time spent
 * inside run (milliseconds, monotonic clock) on stderr as "run_ms=...". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "guest.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s N\n", argv[0]);
    return 2;
  }
  int n = atoi(argv[1]);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long long r = run(n);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%lld\n", r);
  fprintf(stderr, "run_ms=%.3f\n",
          (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
  return 0;
}

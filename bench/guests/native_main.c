/* Native runner for a benchmark guest: `NAME N` prints run(N) on stdout and the time spent
 * inside run on stderr as "run_ms=... run_cpu_ms=..." (milliseconds: monotonic wall clock, and
 * this process's CPU time, user + system, which a shared machine's load does not inflate). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "guest.h"

static double Ms(struct timespec a, struct timespec b) {
  return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s N\n", argv[0]);
    return 2;
  }
  int n = atoi(argv[1]);
  struct timespec t0, t1, c0, c1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long long r = run(n);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  printf("%lld\n", r);
  fprintf(stderr, "run_ms=%.3f run_cpu_ms=%.3f\n", Ms(t0, t1), Ms(c0, c1));
  return 0;
}

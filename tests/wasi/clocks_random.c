// WASI guest: the four clocks, their resolutions, sleeping (poll_oneoff on a relative
// monotonic clock) and random_get. Prints "clocks ok" / "random ok".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long Ns(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) {
    printf("FAIL clock_gettime %d\n", (int)id);
    exit(1);
  }
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                     CLOCK_THREAD_CPUTIME_ID};
  for (int i = 0; i < 4; ++i) {
    struct timespec res;
    if (clock_getres(ids[i], &res) != 0 || (res.tv_sec == 0 && res.tv_nsec == 0)) {
      printf("FAIL clock_getres %d\n", i);
      return 1;
    }
    (void)Ns(ids[i]);
  }
  if (Ns(CLOCK_REALTIME) < 1600000000LL * 1000000000LL) {
    printf("FAIL realtime before 2020\n");
    return 1;
  }
  long long t0 = Ns(CLOCK_MONOTONIC);
  struct timespec nap = {0, 20 * 1000 * 1000};
  if (nanosleep(&nap, NULL) != 0) {
    printf("FAIL nanosleep\n");
    return 1;
  }
  long long slept = Ns(CLOCK_MONOTONIC) - t0;
  if (slept < 20 * 1000 * 1000) {
    printf("FAIL slept only %lld ns\n", slept);
    return 1;
  }
  long long cpu0 = Ns(CLOCK_PROCESS_CPUTIME_ID);
  volatile unsigned x = 0;
  for (unsigned i = 0; i < 3000000; ++i) x += i;
  if (Ns(CLOCK_PROCESS_CPUTIME_ID) <= cpu0) {
    printf("FAIL process cputime did not advance\n");
    return 1;
  }
  printf("clocks ok\n");
  unsigned char a[64], b[64];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  if (getentropy(a, sizeof a) != 0 || getentropy(b, sizeof b) != 0 || memcmp(a, b, 64) == 0) {
    printf("FAIL random\n");
    return 1;
  }
  int zeros = 0;
  for (int i = 0; i < 64; ++i) zeros += a[i] == 0;
  if (zeros > 8) {
    printf("FAIL random has %d zero bytes\n", zeros);
    return 1;
  }
  printf("random ok\n");
  return 0;
}

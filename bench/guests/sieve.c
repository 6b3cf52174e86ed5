/* Sieve of Eratosthenes: memory-bound byte stores in nested loops.
 * run(n): primes below n (n capped at kMaxN); checksum = count * 2^32 + (sum of primes mod 2^32). */
#include "guest.h"

enum { kMaxN = 1 << 25 };
static unsigned char composite[kMaxN];

long long run(int n) {
  if (n < 0) n = 0;
  if (n > kMaxN) n = kMaxN;
  for (int i = 0; i < n; ++i) composite[i] = 0;
  uint32_t count = 0, sum = 0;
  for (int i = 2; i < n; ++i) {
    if (composite[i]) continue;
    ++count;
    sum += (uint32_t)i;
    for (long long j = (long long)i * i; j < n; j += i) composite[j] = 1;
  }
  return (long long)(((uint64_t)count << 32) | sum);
}

/* Doubly recursive Fibonacci: call and return overhead, almost nothing else.
 * run(n) = fib(n) (fib(0) = 0, fib(1) = 1). noinline keeps the recursion a real call. */
#include "guest.h"

__attribute__((noinline)) static long long Fib(int n) {
  return n < 2 ? n : Fib(n - 1) + Fib(n - 2);
}

long long run(int n) { return Fib(n); }

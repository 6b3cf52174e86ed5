// WASI guest: prints its arguments and its whole environment (so a test can see that nothing
// was inherited), then exits with the code given as argv[1] ("trap" executes unreachable,
// "abort" calls abort(), "sleep" sleeps for an hour in poll_oneoff, "read" waits for stdin).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("arg[%d]=%s\n", i, argv[i]);
  for (char** e = environ; *e; ++e) printf("env %s\n", *e);
  fflush(stdout);
  if (argc > 1 && strcmp(argv[1], "trap") == 0) __builtin_trap();
  if (argc > 1 && strcmp(argv[1], "abort") == 0) abort();
  if (argc > 1 && strcmp(argv[1], "sleep") == 0) sleep(3600);
  if (argc > 1 && strcmp(argv[1], "read") == 0) {
    char c;
    return (int)read(0, &c, 1);
  }
  return argc > 1 ? atoi(argv[1]) : 0;
}

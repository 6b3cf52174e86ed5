/* Process wall time of short commands, measured interleaved (hyperfine is not installed here):
 *   spawn_time RUNS 'cmd1 arg...' 'cmd2 arg...' ...
 * runs each command RUNS times, round-robin (cmd1, cmd2, ..., cmd1, ...) so that every command
 * sees the same machine load, with stdout to /dev/null; prints min, median and mean wall time
 * (fork/posix_spawn to wait4 return) and the mean user+sys CPU of each. Arguments are split on
 * spaces (no quoting). A command that exits non-zero is reported and stops the run.
 * Not a benchmark harness for guests (bench/ has those): only for startup times. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int CompareDouble(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: spawn_time RUNS 'command args' ...\n");
    return 2;
  }
  int runs = atoi(argv[1]);
  int ncmd = argc - 2;
  if (runs < 1) return 2;
  char*** cmds = calloc(ncmd, sizeof *cmds);
  double* wall = calloc((size_t)ncmd * runs, sizeof *wall);
  double* cpu = calloc(ncmd, sizeof *cpu);
  for (int c = 0; c < ncmd; ++c) {
    char* s = strdup(argv[c + 2]);
    cmds[c] = calloc(strlen(s) / 2 + 2, sizeof(char*));
    int n = 0;
    for (char* tok = strtok(s, " "); tok; tok = strtok(NULL, " ")) cmds[c][n++] = tok;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  for (int r = -2; r < runs; ++r) { /* two warm-up rounds */
    for (int c = 0; c < ncmd; ++c) {
      pid_t pid;
      int status;
      struct rusage ru;
      double t0 = Now();
      if (posix_spawn(&pid, cmds[c][0], &fa, NULL, cmds[c], environ) != 0) {
        perror(cmds[c][0]);
        return 1;
      }
      wait4(pid, &status, 0, &ru);
      double t = Now() - t0;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s: exit status %d\n", argv[c + 2], status);
        return 1;
      }
      if (r < 0) continue;
      wall[(size_t)c * runs + r] = t;
      cpu[c] += ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
                ru.ru_stime.tv_usec / 1e3;
    }
  }
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  printf("%d runs each, interleaved; load average %.2f %.2f %.2f\n", runs, load[0], load[1],
         load[2]);
  printf("%10s %10s %10s %12s  command\n", "min ms", "median ms", "mean ms", "cpu ms mean");
  for (int c = 0; c < ncmd; ++c) {
    double* w = wall + (size_t)c * runs;
    double sum = 0;
    for (int r = 0; r < runs; ++r) sum += w[r];
    qsort(w, runs, sizeof *w, CompareDouble);
    printf("%10.3f %10.3f %10.3f %12.3f  %s\n", w[0], w[runs / 2], sum / runs, cpu[c] / runs,
           argv[c + 2]);
  }
  return 0;
}

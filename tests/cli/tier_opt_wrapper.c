// nanowasm on the opt tier, for the CLI test scripts' second runs (tests/CMakeLists.txt,
// NW_OPT_CLI): `run` and `wast` (explicit, or the implicit `run` of `nanowasm [OPTIONS] FILE`)
// get `--tier opt` unless the arguments already choose a tier; every other subcommand is passed
// on unchanged. A program rather than a shell script so that tests running it under `env -i`
// see exactly the environment they set (a shell adds PWD and others).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int IsOther(const char* a) {  // subcommands other than run/wast, and top-level flags
  static const char* const kOther[] = {"validate", "parse", "print", "wit", "caps", "interp-dump",
                                       "compile", "help", "-h", "--help", "-V", "--version"};
  for (size_t i = 0; i < sizeof kOther / sizeof kOther[0]; ++i)
    if (strcmp(a, kOther[i]) == 0) return 1;
  return 0;
}

int main(int argc, char** argv) {
  char** args = calloc((size_t)argc + 4, sizeof *args);
  if (args == NULL) return 127;
  int n = 0, add = argc > 1 && !IsOther(argv[1]);
  for (int i = 1; i < argc; ++i)
    if (strcmp(argv[i], "--tier") == 0 || strncmp(argv[i], "--tier=", 7) == 0 ||
        strncmp(argv[i], "tier=", 5) == 0)
      add = 0;
  args[n++] = (char*)NW_NANOWASM;
  int first = 1;
  if (add) {
    if (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "wast") == 0) args[n++] = argv[first++];
    else args[n++] = (char*)"run";  // the implicit run, made explicit
    args[n++] = (char*)"--tier";
    args[n++] = (char*)"opt";
  }
  for (int i = first; i < argc; ++i) args[n++] = argv[i];
  args[n] = NULL;
  execv(NW_NANOWASM, args);
  perror("tier_opt_wrapper: " NW_NANOWASM);
  return 127;
}

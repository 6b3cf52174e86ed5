// A WASI 0.2 command component (wasi-libc + jco's preview1 command adapter): prints its
// arguments, then the sorted names and contents of the files in the directory named by its
// first argument, then writes a file there. Run with that directory granted.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int Compare(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) printf("arg %d: %s\n", i, argv[i]);
  if (argc < 2) return 2;
  DIR* d = opendir(argv[1]);
  if (!d) {
    perror("opendir");
    return 1;
  }
  char* names[64];
  int n = 0;
  for (struct dirent* e; (e = readdir(d)) && n < 64;)
    if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], Compare);
  for (int i = 0; i < n; ++i) {
    char path[512], buf[256];
    snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
    FILE* f = fopen(path, "r");
    size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[len] = 0;
    printf("%s: %s\n", names[i], buf);
  }
  return 0;
}

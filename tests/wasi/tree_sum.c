// A portable program (built both for wasm32-wasi and for the host) that walks the directory
// tree given as argv[1], prints every regular file (sorted paths) with its size and an FNV-1a
// hash, and writes the same report to argv[2]. The test compares the guest's output with the
// native build's, byte for byte.
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char* paths[4096];
static int npaths = 0;

static void Walk(const char* dir) {
  DIR* d = opendir(dir);
  if (!d) return;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) Walk(path);
    else if (S_ISREG(st.st_mode) && npaths < 4096) paths[npaths++] = strdup(path);
  }
  closedir(d);
}

static int Cmp(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: tree_sum DIR REPORT\n");
    return 2;
  }
  Walk(argv[1]);
  qsort(paths, (size_t)npaths, sizeof paths[0], Cmp);
  FILE* out = fopen(argv[2], "w");
  if (!out) {
    perror(argv[2]);
    return 1;
  }
  uint64_t all = 1469598103934665603ull;
  for (int i = 0; i < npaths; ++i) {
    FILE* f = fopen(paths[i], "rb");
    if (!f) continue;
    uint64_t h = 1469598103934665603ull;
    long size = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
      h = (h ^ (uint8_t)c) * 1099511628211ull;
      ++size;
    }
    fclose(f);
    all = (all ^ h) * 1099511628211ull;
    const char* rel = paths[i] + strlen(argv[1]);
    printf("%s %ld %016llx\n", rel, size, (unsigned long long)h);
    fprintf(out, "%s %ld %016llx\n", rel, size, (unsigned long long)h);
  }
  printf("files %d total %016llx\n", npaths, (unsigned long long)all);
  fprintf(out, "files %d total %016llx\n", npaths, (unsigned long long)all);
  return fclose(out) == 0 ? 0 : 1;
}

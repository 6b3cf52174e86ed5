// A deliberately vulnerable archive extractor (the classic "ZipSlip" bug), used to show what
// the WASI sandbox prevents. It reads an archive from stdin and writes each member beneath the
// directory given as argv[1] WITHOUT checking the member's name, so "../x" lands outside it.
// Archive format (text headers): "<name>\n<size>\n<size bytes>" repeated.
// See examples/zipslip_demo.sh.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// Creates the parent directories of `path` (best effort, as careless extractors do).
static void MakeParents(const char* path) {
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char* p = tmp + 1; *p; ++p) {
    if (*p == '/') {
      *p = 0;
      mkdir(tmp, 0755);
      *p = '/';
    }
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: extract OUTDIR < ARCHIVE\n");
    return 2;
  }
  char name[512], size_line[64];
  int failures = 0;
  while (fgets(name, sizeof name, stdin) && fgets(size_line, sizeof size_line, stdin)) {
    name[strcspn(name, "\n")] = 0;
    long size = strtol(size_line, NULL, 10);
    char* data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, stdin) != (size_t)size) {
      fprintf(stderr, "truncated archive\n");
      return 1;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", argv[1], name);  // BUG: name is not checked
    MakeParents(path);
    FILE* f = fopen(path, "wb");
    if (!f) {
      fprintf(stderr, "extract: %s: %s\n", path, strerror(errno));
      ++failures;
    } else {
      fwrite(data, 1, (size_t)size, f);
      fclose(f);
      printf("extracted %s\n", path);
    }
    free(data);
  }
  return failures ? 1 : 0;
}

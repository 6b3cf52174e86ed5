// The root of the ZipSlip story (docs/security.md, "Trees of nanoprocesses"): an app that
// holds two directories, data/ (its own records) and uploads/ (where users' archives are
// unpacked), and hands the archive to a third-party extractor, a separate nanoprocess that was
// granted uploads/ only.
// After the extraction the app shows that it can still write data/ itself.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Satisfied by the manifest's node "extractor": the archive is copied into its memory.
__attribute__((import_module("extractor"), import_name("extract"))) int extract(const char* archive,
                                                                                size_t len);

int main(void) {
  static char archive[1 << 16];
  size_t len = fread(archive, 1, sizeof archive, stdin);
  int failed = extract(archive, len);
  printf("app: the extractor reported %d refused member(s)\n", failed);
  FILE* f = fopen("data/app.log", "a");
  if (!f) {
    perror("app: data/app.log");
    return 1;
  }
  fprintf(f, "extraction done, %d refused\n", failed);
  fclose(f);
  printf("app: appended to data/app.log (the app itself may write data/)\n");
  return 0;
}

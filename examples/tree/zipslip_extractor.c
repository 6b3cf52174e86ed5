// A dependency with the classic ZipSlip bug, built as a reactor (a library nanoprocess): it
// joins "uploads/" and each member's name without checking it, so "../data/x" and "/data/x"
// aim outside uploads/. In the tree it holds uploads/ only, so those members are refused by
// the WASI context it was handed, not by its own code. Archive format as examples/extract.c:
// "<name>\n<size>\n<size bytes>" repeated.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The tree copies string arguments into this module's memory through this allocator.
__attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old,
                                                                size_t old_size,
                                                                size_t align,
                                                                size_t new_size) {
  (void)old_size, (void)align;
  return realloc(old, new_size);
}

__attribute__((export_name("extract"))) int extract(char* archive, size_t len) {
  int refused = 0;
  size_t at = 0;
  while (at < len) {
    char* name = archive + at;
    char* nl = memchr(name, '\n', len - at);
    if (!nl)
      break;
    *nl = 0;
    char* size_text = nl + 1;
    char* nl2 = memchr(size_text, '\n', len - (size_t)(size_text - archive));
    if (!nl2)
      break;
    *nl2 = 0;
    size_t size = strtoul(size_text, NULL, 10);
    char* data = nl2 + 1;
    if (size > len - (size_t)(data - archive))
      break;
    char path[1024];
    // BUG (on purpose): the member name is not checked.
    snprintf(path, sizeof path, name[0] == '/' ? "%.0s%s" : "%s/%s", "uploads", name);
    FILE* f = fopen(path, "wb");
    if (!f) {
      fprintf(stderr, "extractor: %s: %s\n", path, strerror(errno));
      ++refused;
    } else {
      fwrite(data, 1, size, f);
      fclose(f);
      fprintf(stderr, "extractor: wrote %s\n", path);
    }
    at = (size_t)(data - archive) + size;
  }
  free(archive);
  return refused;
}

// Version 1 of the notification dependency: it prints the message, nothing else.
#include <stdio.h>
#include <stdlib.h>

__attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old,
                                                                size_t old_size,
                                                                size_t align,
                                                                size_t new_size) {
  (void)old_size, (void)align;
  return realloc(old, new_size);
}

__attribute__((export_name("notify"))) int notify(char* msg, size_t len) {
  printf("notify v1: %.*s\n", (int)len, msg);
  free(msg);
  fflush(stdout);  // a reactor never exits: nothing else flushes it
  return 0;
}

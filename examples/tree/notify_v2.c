// Version 2 of the notification dependency, which has turned hostile: besides printing the
// message it tries to phone home over TCP and to find the app's secret: in its own memory
// (the app's is not addressable from here), and through descriptor numbers that are the
// app's in the app's own context. `nanowasm caps --diff notify_v1.wasm notify_v2.wasm` shows
// the new network capability; under v1's manifest every attempt fails.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

// nanowasm's outbound TCP: allowed only to addresses the node's keys name.
__attribute__((import_module("nanowasm_sock"), import_name("sock_connect"))) uint32_t
sock_connect(const char* addr, size_t len, uint32_t* fd);

extern unsigned char __heap_base;

__attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old,
                                                                size_t old_size,
                                                                size_t align,
                                                                size_t new_size) {
  (void)old_size, (void)align;
  return realloc(old, new_size);
}

__attribute__((export_name("notify"))) int notify(char* msg, size_t len) {
  printf("notify v2: %.*s\n", (int)len, msg);
  free(msg);
  int stolen = 0;
  const char* addr = "127.0.0.1:9";
  uint32_t fd = 0;
  uint32_t e = sock_connect(addr, strlen(addr), &fd);
  if (e == 0) {
    printf("notify v2: CONNECTED to %s (fd %u)\n", addr, fd);
    ++stolen;
  } else {
    printf("notify v2: connect %s refused: errno %u%s\n", addr, e,
           e == __WASI_ERRNO_NOTCAPABLE ? " (not capable)" : "");
  }
  // The whole of this nanoprocess's memory: the secret is not in it.
  size_t size = __builtin_wasm_memory_size(0) * 65536;
  const char* needle = "s3cr3t";
  int found = 0;
  for (uintptr_t i = 1; i + 6 <= size; ++i) {
    volatile const unsigned char* p = (volatile const unsigned char*)i;
    if ((const char*)p == needle)
      continue;  // the literal above
    int k = 0;
    while (k < 6 && p[k] == (unsigned char)needle[k])
      ++k;
    found |= k == 6;
  }
  printf("notify v2: scanned all %zu bytes of its own memory: secret %s\n", size,
         found ? "FOUND" : "not there");
  stolen += found;
  // The app's directories are its fds 3 and 4; here those numbers name nothing.
  for (int guess = 3; guess <= 4; ++guess) {
    __wasi_fdstat_t st;
    __wasi_errno_t r = __wasi_fd_fdstat_get(guess, &st);
    printf("notify v2: fd %d: %s\n", guess,
           r == 0                   ? "OPEN"
           : r == __WASI_ERRNO_BADF ? "bad descriptor"
                                    : "error");
    stolen += r == 0;
  }
  fflush(stdout);  // a reactor never exits: nothing else flushes it
  return stolen;
}

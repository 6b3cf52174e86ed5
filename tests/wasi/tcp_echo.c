// WASI guest: finds the TCP listener the host granted (the first descriptor whose filetype is
// socket_stream), accepts one connection with the raw sock_accept import, echoes what it reads
// until the peer shuts down its side, then shuts down and exits 0.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_accept")))
uint16_t RawAccept(uint32_t fd, uint16_t flags, uint32_t* out);

int main(void) {
  int listener = -1;
  for (int fd = 3; fd < 64 && listener < 0; ++fd) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get((__wasi_fd_t)fd, &st) == 0 &&
        st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
      listener = fd;
  }
  if (listener < 0) {
    printf("FAIL no listener granted\n");
    return 1;
  }
  uint32_t conn = 0;
  uint16_t err = RawAccept((uint32_t)listener, 0, &conn);
  if (err != 0) {
    printf("FAIL accept %u\n", err);
    return 1;
  }
  char buf[256];
  size_t total = 0;
  for (;;) {
    ssize_t n = read((int)conn, buf, sizeof buf);
    if (n < 0) {
      printf("FAIL read\n");
      return 1;
    }
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write((int)conn, buf + off, (size_t)(n - off));
      if (w <= 0) {
        printf("FAIL write\n");
        return 1;
      }
      off += w;
    }
    total += (size_t)n;
  }
  if (__wasi_sock_shutdown((__wasi_fd_t)conn, __WASI_SDFLAGS_WR) != 0) {
    printf("FAIL shutdown\n");
    return 1;
  }
  close((int)conn);
  printf("echoed %zu bytes\n", total);
  return 0;
}

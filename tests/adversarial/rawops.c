// Adversarial WASI guest: performs the operations named on its command line through the RAW
// wasi_snapshot_preview1 imports (no libc path rewriting) and prints one line per operation,
// "<op-index> <op> = ok" or "= <wasi errno>". The host test decides what must fail and how.
// Operation syntax, fields separated by '|':
//   open|DIRFD|PATH|OFLAGS|FOLLOW|RIGHTS  OFLAGS from "cdet" (creat, directory, excl, trunc) or
//                                         "-"; RIGHTS "r", "w", "rw" or "d"; on success writes
//                                         "PWNED" if RIGHTS has w, then closes
//   keep|DIRFD|PATH                       opens a directory and keeps it (prints its fd)
//   mkdir|FD|PATH  rmdir|FD|PATH  unlink|FD|PATH  readlink|FD|PATH  stat|FD|PATH|FOLLOW
//   utimes|FD|PATH|FOLLOW  rename|FD|PATH|FD2|PATH2  link|FD|PATH|FD2|PATH2|FOLLOW
//   symlink|TARGET|FD|PATH  close|FD  renumber|FROM|TO  fdtrunc|DIRFD|PATH  fdtimes|DIRFD|PATH
//   grow|FD (fd_fdstat_set_rights asking for every right)  nul|FD  long|FD|BYTES
//   hugepath|FD  hugeiov  hugeiovlen  hugereaddir|FD  hugepoll  hugeargs  hugerandom
//   hugereadlink|FD|PATH  race|FD|N (create+write through a path a host thread keeps swapping)
//   sock|CALL|FD  sockon|CALL|DIRFD|PATH  CALL = accept, recv, send or shutdown, on FD or on a
//                                         file opened (read+write) at PATH for the call
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WASI_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

WASI_IMPORT(path_open)
uint16_t RawPathOpen(uint32_t fd, uint32_t dirflags, const char* path, uint32_t path_len,
                     uint32_t oflags, uint64_t base, uint64_t inh, uint32_t fdflags,
                     uint32_t* out);
WASI_IMPORT(path_create_directory)
uint16_t RawMkdir(uint32_t fd, const char* path, uint32_t len);
WASI_IMPORT(path_remove_directory)
uint16_t RawRmdir(uint32_t fd, const char* path, uint32_t len);
WASI_IMPORT(path_unlink_file)
uint16_t RawUnlink(uint32_t fd, const char* path, uint32_t len);
WASI_IMPORT(path_readlink)
uint16_t RawReadlink(uint32_t fd, const char* path, uint32_t len, char* buf, uint32_t buf_len,
                     uint32_t* used);
WASI_IMPORT(path_filestat_get)
uint16_t RawStat(uint32_t fd, uint32_t flags, const char* path, uint32_t len, void* buf);
WASI_IMPORT(path_filestat_set_times)
uint16_t RawUtimes(uint32_t fd, uint32_t flags, const char* path, uint32_t len, uint64_t atim,
                   uint64_t mtim, uint32_t fst);
WASI_IMPORT(path_rename)
uint16_t RawRename(uint32_t fd, const char* a, uint32_t alen, uint32_t fd2, const char* b,
                   uint32_t blen);
WASI_IMPORT(path_link)
uint16_t RawLink(uint32_t fd, uint32_t flags, const char* a, uint32_t alen, uint32_t fd2,
                 const char* b, uint32_t blen);
WASI_IMPORT(path_symlink)
uint16_t RawSymlink(const char* target, uint32_t tlen, uint32_t fd, const char* path,
                    uint32_t len);
WASI_IMPORT(fd_close)
uint16_t RawClose(uint32_t fd);
WASI_IMPORT(fd_renumber)
uint16_t RawRenumber(uint32_t from, uint32_t to);
WASI_IMPORT(fd_write)
uint16_t RawWrite(uint32_t fd, const void* iovs, uint32_t n, uint32_t* written);
WASI_IMPORT(fd_pwrite)
uint16_t RawPwrite(uint32_t fd, const void* iovs, uint32_t n, uint64_t offset, uint32_t* written);
WASI_IMPORT(fd_seek)
uint16_t RawSeek(uint32_t fd, int64_t offset, uint32_t whence, uint64_t* new_offset);
WASI_IMPORT(fd_allocate)
uint16_t RawAllocate(uint32_t fd, uint64_t offset, uint64_t len);
WASI_IMPORT(fd_readdir)
uint16_t RawReaddir(uint32_t fd, void* buf, uint32_t len, uint64_t cookie, uint32_t* used);
WASI_IMPORT(fd_filestat_set_size)
uint16_t RawFdSetSize(uint32_t fd, uint64_t size);
WASI_IMPORT(fd_filestat_set_times)
uint16_t RawFdSetTimes(uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst);
WASI_IMPORT(fd_fdstat_set_rights)
uint16_t RawSetRights(uint32_t fd, uint64_t base, uint64_t inh);
WASI_IMPORT(poll_oneoff)
uint16_t RawPoll(const void* in, void* out, uint32_t n, uint32_t* nevents);
WASI_IMPORT(args_get)
uint16_t RawArgsGet(uint32_t argv, uint32_t buf);
WASI_IMPORT(random_get)
uint16_t RawRandom(uint32_t buf, uint32_t len);
WASI_IMPORT(sock_accept)
uint16_t RawSockAccept(uint32_t fd, uint32_t flags, uint32_t* out);
WASI_IMPORT(sock_recv)
uint16_t RawSockRecv(uint32_t fd, const void* iovs, uint32_t n, uint32_t flags, uint32_t* len,
                     uint16_t* oflags);
WASI_IMPORT(sock_send)
uint16_t RawSockSend(uint32_t fd, const void* iovs, uint32_t n, uint32_t flags, uint32_t* len);
WASI_IMPORT(sock_shutdown)
uint16_t RawSockShutdown(uint32_t fd, uint32_t how);

#define R_READ (1ull << 1)
#define R_SEEK (1ull << 2)
#define R_WRITE (1ull << 6)
#define R_ALLOCATE (1ull << 8)
#define R_FILESTAT_SET_SIZE (1ull << 22)
#define R_FILESTAT_SET_TIMES (1ull << 23)
#define R_DIR_ALL 0x0000000003fffe00ull /* every path_* right and fd_readdir */

static char* fields[8];
static int nfields;

static void Split(char* op) {
  nfields = 0;
  for (char* p = op; nfields < 8;) {
    fields[nfields++] = p;
    char* bar = strchr(p, '|');
    if (!bar) break;
    *bar = 0;
    p = bar + 1;
  }
}

static uint32_t U(int i) { return i < nfields ? (uint32_t)strtoul(fields[i], NULL, 0) : 0; }
static const char* S(int i) { return i < nfields ? fields[i] : ""; }
static uint32_t L(int i) { return (uint32_t)strlen(S(i)); }

static uint16_t Open(uint32_t dirfd, const char* path, const char* of, uint32_t follow,
                     const char* rights, uint32_t* out) {
  uint32_t oflags = 0;
  for (const char* c = of; *c; ++c) {
    if (*c == 'c') oflags |= 1;
    if (*c == 'd') oflags |= 2;
    if (*c == 'e') oflags |= 4;
    if (*c == 't') oflags |= 8;
  }
  uint64_t base = 0;
  if (strchr(rights, 'r')) base |= R_READ | R_SEEK;
  if (strchr(rights, 'w')) base |= R_WRITE | R_SEEK;
  if (strchr(rights, 'd')) base |= R_DIR_ALL;
  return RawPathOpen(dirfd, follow, path, (uint32_t)strlen(path), oflags, base,
                     strchr(rights, 'd') ? (R_DIR_ALL | R_READ | R_SEEK | R_WRITE) : 0, 0, out);
}

static uint16_t Race(uint32_t dirfd, uint32_t n) {
  // The host swaps sandbox/a/b between a directory and symlinks that point outside while
  // this loop creates and writes files beneath it. Successes are fine; escapes are not.
  static const char* paths[] = {"a/b/c/target.txt", "a/b/../b/c/t2.txt", "a/b/c/../../b/t3.txt"};
  uint32_t ok = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const char* p = paths[i % 3];
    uint32_t fd;
    if (Open(dirfd, p, "c", 1, "w", &fd) == 0) {
      struct { const void* buf; uint32_t len; } iov = {"PWNED\n", 6};
      uint32_t w;
      RawWrite(fd, &iov, 1, &w);
      RawClose(fd);
      ++ok;
    }
    uint8_t st[64];
    RawStat(dirfd, 1, "a/b/c", 5, st);
    RawMkdir(dirfd, "a/b/c/x", 7);
    RawRmdir(dirfd, "a/b/c/x", 7);
  }
  printf("race successes %u of %u\n", ok, n);
  return 0;
}

static uint16_t Sock(const char* call, uint32_t fd) {
  char data[4];
  struct { void* buf; uint32_t len; } iov = {data, sizeof data};
  uint32_t n = 0;
  uint16_t flags = 0;
  if (!strcmp(call, "accept")) return RawSockAccept(fd, 0, &n);
  if (!strcmp(call, "recv")) return RawSockRecv(fd, &iov, 1, 0, &n, &flags);
  if (!strcmp(call, "send")) return RawSockSend(fd, &iov, 1, 0, &n);
  if (!strcmp(call, "shutdown")) return RawSockShutdown(fd, 3);
  printf("unknown sock call %s\n", call);
  exit(2);
}

static uint16_t Do(const char* op) {
  uint32_t fd = 0, used = 0;
  uint8_t st[64];
  char buf[256];
  if (!strcmp(op, "open")) {
    uint16_t e = Open(U(1), S(2), S(3), U(4), S(5), &fd);
    if (e == 0) {
      if (strchr(S(5), 'w')) {
        struct { const void* buf; uint32_t len; } iov = {"PWNED\n", 6};
        RawWrite(fd, &iov, 1, &used);
      }
      RawClose(fd);
    }
    return e;
  }
  if (!strcmp(op, "keep")) {
    uint16_t e = Open(U(1), S(2), "d", 0, "d", &fd);
    if (e == 0) printf("kept fd %u\n", fd);
    return e;
  }
  if (!strcmp(op, "mkdir")) return RawMkdir(U(1), S(2), L(2));
  if (!strcmp(op, "rmdir")) return RawRmdir(U(1), S(2), L(2));
  if (!strcmp(op, "unlink")) return RawUnlink(U(1), S(2), L(2));
  if (!strcmp(op, "readlink")) return RawReadlink(U(1), S(2), L(2), buf, sizeof buf, &used);
  if (!strcmp(op, "stat")) return RawStat(U(1), U(3), S(2), L(2), st);
  if (!strcmp(op, "utimes")) return RawUtimes(U(1), U(3), S(2), L(2), 0, 0, 2 | 8);
  if (!strcmp(op, "rename")) return RawRename(U(1), S(2), L(2), U(3), S(4), L(4));
  if (!strcmp(op, "link")) return RawLink(U(1), U(5), S(2), L(2), U(3), S(4), L(4));
  if (!strcmp(op, "symlink")) return RawSymlink(S(1), L(1), U(2), S(3), L(3));
  if (!strcmp(op, "close")) return RawClose(U(1));
  if (!strcmp(op, "renumber")) return RawRenumber(U(1), U(2));
  if (!strcmp(op, "fdtrunc") || !strcmp(op, "fdtimes")) {
    uint16_t e = Open(U(1), S(2), "", 0, "r", &fd);
    if (e) return e;
    e = !strcmp(op, "fdtrunc") ? RawFdSetSize(fd, 0) : RawFdSetTimes(fd, 0, 0, 2 | 8);
    RawClose(fd);
    return e;
  }
  if (!strcmp(op, "grow")) return RawSetRights(U(1), ~0ull, ~0ull);
  if (!strcmp(op, "nul")) return RawPathOpen(U(1), 0, "file\0/../../x", 13, 1, R_WRITE, 0, 0, &fd);
  if (!strcmp(op, "long")) {
    uint32_t n = U(2);
    char* p = malloc(n);
    for (uint32_t i = 0; i < n; ++i) p[i] = (i % 2) ? '/' : 'a';
    uint16_t e = RawPathOpen(U(1), 0, p, n, 1, R_WRITE, 0, 0, &fd);
    free(p);
    return e;
  }
  if (!strcmp(op, "hugepath")) return RawPathOpen(U(1), 0, "x", 0xfffffff0u, 1, R_WRITE, 0, 0, &fd);
  if (!strcmp(op, "hugeiov")) {
    struct { const void* buf; uint32_t len; } iov = {"x", 1};
    return RawWrite(1, &iov, 0x10000000u, &used);
  }
  if (!strcmp(op, "hugeiovlen")) {
    struct { const void* buf; uint32_t len; } iov[2] = {{"x", 1}, {"y", 0xffffffffu}};
    return RawWrite(1, iov, 2, &used);
  }
  if (!strcmp(op, "hugereaddir")) return RawReaddir(U(1), buf, 0xfffffff0u, 0, &used);
  if (!strcmp(op, "hugepoll")) return RawPoll(st, buf, 0x7fffffffu, &used);
  if (!strcmp(op, "hugeargs")) return RawArgsGet(0xfffffff0u, 0xfffffff0u);
  if (!strcmp(op, "hugerandom")) return RawRandom(16, 0xffffffffu);
  if (!strcmp(op, "hugereadlink"))
    return RawReadlink(U(1), S(2), L(2), buf, 0xfffffff0u, &used);
  if (!strcmp(op, "race")) return Race(U(1), U(2));
  if (!strcmp(op, "sock")) return Sock(S(1), U(2));
  if (!strcmp(op, "sockon")) {
    uint16_t e = Open(U(2), S(3), "", 0, "rw", &fd);
    if (e) return e;
    e = Sock(S(1), fd);
    RawClose(fd);
    return e;
  }
  // Growing a file to 1 GiB + 1 byte four ways (under a host file-size limit these must fail
  // with fbig, not kill the host with SIGXFSZ).
  if (!strcmp(op, "bigtrunc") || !strcmp(op, "bigpwrite") || !strcmp(op, "bigseekwrite") ||
      !strcmp(op, "bigalloc")) {
    uint16_t e = RawPathOpen(U(1), 0, S(2), (uint32_t)strlen(S(2)), 1,
                             R_WRITE | R_SEEK | R_FILESTAT_SET_SIZE | R_ALLOCATE, 0, 0, &fd);
    if (e != 0) return e;
    const uint64_t big = 1ull << 30;
    struct { const void* buf; uint32_t len; } iov = {"x", 1};
    uint64_t pos = 0;
    if (!strcmp(op, "bigtrunc")) e = RawFdSetSize(fd, big + 1);
    else if (!strcmp(op, "bigpwrite")) e = RawPwrite(fd, &iov, 1, big, &used);
    else if (!strcmp(op, "bigalloc")) e = RawAllocate(fd, 0, big + 1);
    else if ((e = RawSeek(fd, (int64_t)big, 0, &pos)) == 0) e = RawWrite(fd, &iov, 1, &used);
    RawClose(fd);
    return e;
  }
  printf("unknown op %s\n", op);
  exit(2);
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* copy = strdup(argv[i]);
    Split(copy);
    uint16_t e = Do(fields[0]);
    if (e == 0) printf("%d %s = ok\n", i, fields[0]);
    else printf("%d %s = %u\n", i, fields[0], e);
    free(copy);
  }
  printf("done\n");
  return 0;
}

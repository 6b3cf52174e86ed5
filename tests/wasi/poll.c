// WASI guest: poll_oneoff through the raw import: a clock subscription fires after its
// timeout; of two clocks the earlier one fires; fd_write on stdout and fd_read on a regular
// file are ready at once (with the file's byte count); a bad fd gives an EBADF event.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("poll_oneoff")))
uint16_t RawPoll(const void* in, void* out, uint32_t n, uint32_t* nevents);

struct Sub {  // preview1 subscription, 48 bytes
  uint64_t userdata;
  uint8_t tag;
  uint8_t pad[7];
  union {
    struct {
      uint32_t id;
      uint64_t timeout, precision;
      uint16_t flags;
    } clock;
    struct {
      uint32_t fd;
    } rw;
  } u;
};
struct Event {  // 32 bytes
  uint64_t userdata;
  uint16_t error;
  uint8_t type;
  uint8_t pad[5];
  uint64_t nbytes;
  uint16_t flags;
};
_Static_assert(sizeof(struct Sub) == 48, "subscription layout");
_Static_assert(sizeof(struct Event) == 32, "event layout");

static long long NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  struct Sub s[3];
  struct Event ev[3];
  uint32_t n = 0;
  memset(s, 0, sizeof s);
  s[0].userdata = 11;
  s[0].tag = 0;
  s[0].u.clock.id = 1;  // monotonic
  s[0].u.clock.timeout = 30 * 1000 * 1000;
  s[1].userdata = 22;
  s[1].tag = 0;
  s[1].u.clock.id = 1;
  s[1].u.clock.timeout = 5 * 1000 * 1000 * 1000ull;
  long long t0 = NowNs();
  if (RawPoll(s, ev, 2, &n) != 0 || n != 1 || ev[0].userdata != 11 || ev[0].error != 0) {
    printf("FAIL two clocks: n=%u userdata=%llu\n", n, (unsigned long long)ev[0].userdata);
    return 1;
  }
  if (NowNs() - t0 < 30 * 1000 * 1000) {
    printf("FAIL clock fired early\n");
    return 1;
  }
  printf("clock ok\n");

  int fd = open("poll.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "0123456789", 10) != 10 || lseek(fd, 0, SEEK_SET) != 0) {
    printf("FAIL setup\n");
    return 1;
  }
  memset(s, 0, sizeof s);
  s[0].userdata = 1;
  s[0].tag = 2;  // fd_write
  s[0].u.rw.fd = 1;
  s[1].userdata = 2;
  s[1].tag = 1;  // fd_read
  s[1].u.rw.fd = (uint32_t)fd;
  s[2].userdata = 3;
  s[2].tag = 1;
  s[2].u.rw.fd = 999;  // not granted
  if (RawPoll(s, ev, 3, &n) != 0 || n != 3) {
    printf("FAIL fd poll n=%u\n", n);
    return 1;
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (ev[i].userdata == 2 && (ev[i].error != 0 || ev[i].nbytes != 10 || ev[i].type != 1)) {
      printf("FAIL file read event error=%u nbytes=%llu\n", ev[i].error,
             (unsigned long long)ev[i].nbytes);
      return 1;
    }
    if (ev[i].userdata == 3 && ev[i].error != 8) {  // badf
      printf("FAIL bad fd event error=%u\n", ev[i].error);
      return 1;
    }
    if (ev[i].userdata == 1 && (ev[i].error != 0 || ev[i].type != 2)) {
      printf("FAIL stdout write event\n");
      return 1;
    }
  }
  printf("fd ok\n");
  if (RawPoll(s, ev, 0, &n) != 28) {  // inval
    printf("FAIL zero subscriptions\n");
    return 1;
  }
  close(fd);
  unlink("poll.txt");
  printf("poll ok\n");
  return 0;
}

// Host calls that can raise a signal whose default action kills the whole host process
// (SIGPIPE, SIGXFSZ), run with the signal blocked and consumed so the guest gets an errno.
// Shared by preview1 (fd.cc) and WASI 0.2 (src/wasi2): the same guard for both.
#pragma once

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

namespace nw::wasi {

// Signals a host call can raise and whose default action kills the whole host process:
// - SIGPIPE, for a write to a pipe, FIFO or socket whose reader is gone. The guest can arrange
//   that alone (a FIFO in a grant: open both ends, close the reader, write).
// - SIGXFSZ, for a call that would make a file larger than the process's RLIMIT_FSIZE (when the
//   host runs under `ulimit -f`, systemd's LimitFSIZE= or a judge's sandbox): ftruncate, a write
//   or pwrite past the limit, fallocate. The guest needs only a writable grant.
// GuardSignals runs `call` (returning -1 with errno on failure) with `sigs` blocked for this
// thread and consumes the ones it raised (not ones already pending), so the guest gets EPIPE or
// EFBIG. It costs three syscalls, so it is used only where such a signal can happen.
template <class Call>
inline
ssize_t GuardSignals(const sigset_t& sigs, Call call) {
  sigset_t old_mask, pending;
  pthread_sigmask(SIG_BLOCK, &sigs, &old_mask);
  sigpending(&pending);
  ssize_t done = call();
  int saved = errno;
  if (done < 0 && (saved == EPIPE || saved == EFBIG)) {
    sigset_t raised;
    sigemptyset(&raised);
    for (int sig : {SIGPIPE, SIGXFSZ})
      if (sigismember(&sigs, sig) && !sigismember(&pending, sig)) sigaddset(&raised, sig);
    timespec zero{};
    while (sigtimedwait(&raised, nullptr, &zero) > 0 || errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return done;
}

// Whether a call that grows a file can raise SIGXFSZ: the limit is read at each such call (one
// syscall), since an embedder may lower it at any time. Without a limit, the usual case, file
// writes stay a single syscall.
inline bool FileSizeLimited() {
  rlimit lim{};
  return getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY;
}

inline sigset_t SignalSet(bool pipe, bool fsize) {
  sigset_t set;
  sigemptyset(&set);
  if (pipe) sigaddset(&set, SIGPIPE);
  if (fsize) sigaddset(&set, SIGXFSZ);
  return set;
}

// Runs a call that may grow a regular file: guarded only when there is a file-size limit.
template <class Call>
inline
ssize_t GrowingFileCall(Call call) {
  if (!FileSizeLimited()) return call();
  return GuardSignals(SignalSet(false, true), call);
}

}  // namespace nw::wasi

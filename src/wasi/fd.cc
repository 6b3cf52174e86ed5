// fd_* of wasi_snapshot_preview1: operations on an already granted descriptor. Each one checks
// the descriptor's rights first, then every guest pointer it will write, then acts. Data moves
// directly between the host fd and guest memory (iovecs point into it); nothing is buffered in
// proportion to a guest-supplied length.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "wasi/funcs.h"
#include "wasi/signals.h"

namespace nw::wasi {

Errno GetFd(Call& c, uint32_t fd, uint64_t rights, Descriptor** out) {
  Descriptor* d = c.ctx.Get(fd);
  if (!d) return kBadf;
  if ((d->rights_base & rights) != rights) return kNotCapable;
  *out = d;
  return kSuccess;
}

Errno GuestIovecs(Call& c, uint32_t iovs, uint32_t iovs_len, iovec* out, uint64_t* total) {
  if (iovs_len > kMaxIovecs) return kInval;
  if (!c.mem.InBounds(iovs, uint64_t{iovs_len} * layout::kIovecSize)) return kFault;
  *total = 0;
  for (uint32_t i = 0; i < iovs_len; ++i) {
    uint32_t buf = 0, len = 0;
    c.mem.Load(uint64_t{iovs} + uint64_t{i} * 8, buf);
    c.mem.Load(uint64_t{iovs} + uint64_t{i} * 8 + 4, len);
    uint8_t* p = c.mem.Span(buf, len);
    if (!p && len != 0) return kFault;
    out[i].iov_base = p;
    out[i].iov_len = len;
    *total += len;
  }
  return kSuccess;
}

uint8_t FiletypeOf(mode_t m) {
  if (S_ISREG(m)) return kFtRegularFile;
  if (S_ISDIR(m)) return kFtDirectory;
  if (S_ISCHR(m)) return kFtCharacterDevice;
  if (S_ISBLK(m)) return kFtBlockDevice;
  if (S_ISLNK(m)) return kFtSymbolicLink;
  if (S_ISSOCK(m)) return kFtSocketStream;
  return kFtUnknown;
}


Errno StoreFilestat(Call& c, uint32_t ptr, const struct stat& st) {
  uint32_t size = c.unstable ? layout::kFilestatSizeUnstable : layout::kFilestatSize;
  uint8_t* p = c.mem.Span(ptr, size);
  if (!p) return kFault;
  std::memset(p, 0, size);
  uint64_t dev = st.st_dev, ino = st.st_ino, fsize = static_cast<uint64_t>(st.st_size);
  uint8_t ft = FiletypeOf(st.st_mode);
  uint64_t at = ToNanos(st.st_atim), mt = ToNanos(st.st_mtim), ct = ToNanos(st.st_ctim);
  std::memcpy(p + 0, &dev, 8);
  std::memcpy(p + 8, &ino, 8);
  p[16] = ft;
  if (c.unstable) {
    uint32_t nlink = static_cast<uint32_t>(st.st_nlink);
    std::memcpy(p + 20, &nlink, 4);
    std::memcpy(p + 24, &fsize, 8);
    std::memcpy(p + 32, &at, 8);
    std::memcpy(p + 40, &mt, 8);
    std::memcpy(p + 48, &ct, 8);
  } else {
    uint64_t nlink = st.st_nlink;
    std::memcpy(p + 24, &nlink, 8);
    std::memcpy(p + 32, &fsize, 8);
    std::memcpy(p + 40, &at, 8);
    std::memcpy(p + 48, &mt, 8);
    std::memcpy(p + 56, &ct, 8);
  }
  return kSuccess;
}

Errno TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec out[2]) {
  if (flags & ~(kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow)) return kInval;
  if ((flags & kFstAtim) && (flags & kFstAtimNow)) return kInval;
  if ((flags & kFstMtim) && (flags & kFstMtimNow)) return kInval;
  auto one = [](uint64_t t, bool set, bool now, struct timespec* ts) {
    if (now) {
      ts->tv_sec = 0;
      ts->tv_nsec = UTIME_NOW;
    } else if (set) {
      ts->tv_sec = static_cast<time_t>(t / 1000000000ull);
      ts->tv_nsec = static_cast<long>(t % 1000000000ull);
    } else {
      ts->tv_sec = 0;
      ts->tv_nsec = UTIME_OMIT;
    }
  };
  one(atim, flags & kFstAtim, flags & kFstAtimNow, &out[0]);
  one(mtim, flags & kFstMtim, flags & kFstMtimNow, &out[1]);
  return kSuccess;
}

Errno FdAdvise(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdAdvise, &d)) return e;
  static constexpr int kMap[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                 POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  uint32_t advice = c.U32(3);
  if (advice > kAdviceNoreuse) return kInval;
  if (d->host_fd < 0) return kSuccess;
  int rc = posix_fadvise(d->host_fd, static_cast<off_t>(c.U64(1)), static_cast<off_t>(c.U64(2)),
                         kMap[advice]);
  return rc == 0 ? kSuccess : FromHostErrno(rc);
}

Errno FdAllocate(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdAllocate, &d)) return e;
  if (d->kind != FdKind::kFile) return kBadf;
  uint64_t off = c.U64(1), len = c.U64(2);
  if (off > INT64_MAX || len > INT64_MAX || off + len > INT64_MAX) return kFbig;
  // The fallocate syscall itself: glibc's posix_fallocate falls back to writing a byte per block
  // where the file system lacks it, one host call that fuel and timeouts cannot interrupt.
  ssize_t rc = GrowingFileCall([&]() -> ssize_t {
    return fallocate(d->host_fd, 0, static_cast<off_t>(off), static_cast<off_t>(len));
  });
  if (rc == 0) return kSuccess;
  return errno == EOPNOTSUPP ? kNotSup : LastErrno();
}

Errno FdClose(Call& c) {
  if (!c.ctx.Get(c.U32(0))) return kBadf;
  c.ctx.Remove(c.U32(0));
  return kSuccess;
}

Errno FdDatasync(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdDatasync, &d)) return e;
  if (d->host_fd < 0) return kSuccess;
  return fdatasync(d->host_fd) == 0 ? kSuccess : LastErrno();
}

Errno FdSync(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdSync, &d)) return e;
  if (d->host_fd < 0) return kSuccess;
  return fsync(d->host_fd) == 0 ? kSuccess : LastErrno();
}

Errno FdFdstatGet(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), 0, &d)) return e;
  uint8_t* p = c.mem.Span(c.U32(1), layout::kFdstatSize);
  if (!p) return kFault;
  uint16_t flags = 0;
  if (d->host_fd >= 0) {
    int fl = fcntl(d->host_fd, F_GETFL);
    if (fl >= 0) {
      if (fl & O_APPEND) flags |= kFdflagAppend;
      if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
      if ((fl & O_SYNC) == O_SYNC) flags |= kFdflagSync | kFdflagRsync;
      else if (fl & O_DSYNC) flags |= kFdflagDsync;
    }
  }
  std::memset(p, 0, layout::kFdstatSize);
  p[0] = d->filetype;
  std::memcpy(p + 2, &flags, 2);
  std::memcpy(p + 8, &d->rights_base, 8);
  std::memcpy(p + 16, &d->rights_inheriting, 8);
  return kSuccess;
}

Errno FdFdstatSetFlags(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdFdstatSetFlags, &d)) return e;
  uint32_t flags = c.U32(1);
  if (flags & ~uint32_t{kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync})
    return kInval;
  if ((flags & kFdflagAppend) && !(d->rights_base & right::kFdWrite)) return kNotCapable;
  int fl = d->host_fd < 0 ? 0 : fcntl(d->host_fd, F_GETFL);
  if (fl < 0) return LastErrno();
  // The sync flags are fixed at open: asking for the ones the descriptor has (what fd_fdstat_get
  // reports, as wasi-libc's fcntl(F_SETFL, fcntl(F_GETFL) | O_NONBLOCK) passes back) is fine,
  // asking for others is notsup. Compared by the host flag each maps to, as path_open maps them.
  int have_sync = (fl & O_SYNC) == O_SYNC ? O_SYNC : (fl & O_DSYNC) ? O_DSYNC : 0;
  int want_sync = (flags & (kFdflagSync | kFdflagRsync)) ? O_SYNC
                  : (flags & kFdflagDsync)                ? O_DSYNC
                                                          : 0;
  if (want_sync != have_sync) return kNotSup;
  if (d->host_fd < 0) return kSuccess;
  int want = fl & ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) want |= O_APPEND;
  if (flags & kFdflagNonblock) want |= O_NONBLOCK;
  if (want == fl) return kSuccess;
  // Stdio descriptors share the host's open file description (its terminal or pipe): a change
  // would outlive the guest and affect the host and its parent. Only fds the guest owns change.
  if (!d->owned.valid()) return kNotSup;
  return fcntl(d->host_fd, F_SETFL, want) == 0 ? kSuccess : LastErrno();
}

Errno FdFdstatSetRights(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), 0, &d)) return e;
  uint64_t base = c.U64(1), inh = c.U64(2);
  if ((base & ~d->rights_base) || (inh & ~d->rights_inheriting)) return kNotCapable;
  d->rights_base = base;
  d->rights_inheriting = inh;
  return kSuccess;
}

Errno FdFilestatGet(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdFilestatGet, &d)) return e;
  struct stat st{};
  if (d->host_fd < 0) st.st_mode = S_IFCHR;
  else if (fstat(d->host_fd, &st) != 0) return LastErrno();
  return StoreFilestat(c, c.U32(1), st);
}

Errno FdFilestatSetSize(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdFilestatSetSize, &d)) return e;
  if (d->read_only) return kRofs;
  if (c.U64(1) > INT64_MAX) return kFbig;
  if (d->host_fd < 0) return kInval;
  ssize_t rc = GrowingFileCall(
      [&]() -> ssize_t { return ftruncate(d->host_fd, static_cast<off_t>(c.U64(1))); });
  return rc == 0 ? kSuccess : LastErrno();
}

Errno FdFilestatSetTimes(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdFilestatSetTimes, &d)) return e;
  if (d->read_only) return kRofs;
  struct timespec ts[2];
  if (Errno e = TimesFromFlags(c.U64(1), c.U64(2), c.U32(3), ts)) return e;
  if (d->host_fd < 0) return kSuccess;
  return futimens(d->host_fd, ts) == 0 ? kSuccess : LastErrno();
}

namespace {

// Reads or writes through iovecs; `offset` < 0 means at the current position.
Errno Transfer(Call& c, bool write, int64_t offset, uint32_t result_ptr) {
  uint64_t need = write ? right::kFdWrite : right::kFdRead;
  if (offset >= 0) need |= right::kFdSeek;
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), need, &d)) return e;
  if (!c.mem.InBounds(result_ptr, 4)) return kFault;
  iovec iov[kMaxIovecs];
  uint64_t total = 0;
  uint32_t n = c.U32(2);
  if (Errno e = GuestIovecs(c, c.U32(1), n, iov, &total)) return e;
  // A pipe, socket or terminal can block for ever: wait for it in a way an interruption of the
  // store (the --timeout epoch, Store::Interrupt) ends. Files and directories never block.
  if (d->host_fd >= 0 && d->filetype != kFtRegularFile && d->filetype != kFtDirectory &&
      d->filetype != kFtBlockDevice && total > 0)
    if (Errno e = WaitReady(c, d->host_fd, write ? POLLOUT : POLLIN)) return e;
  ssize_t done;
  if (d->host_fd < 0) {
    done = write ? static_cast<ssize_t>(std::min<uint64_t>(total, UINT32_MAX)) : 0;
  } else if (d->kind == FdKind::kSocket && offset < 0) {
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    done = write ? sendmsg(d->host_fd, &msg, MSG_NOSIGNAL) : recvmsg(d->host_fd, &msg, 0);
  } else if (!write) {
    done = offset >= 0 ? preadv(d->host_fd, iov, static_cast<int>(n), offset)
                       : readv(d->host_fd, iov, static_cast<int>(n));
  } else {
    int count = static_cast<int>(n);
    auto call = [&]() -> ssize_t {
      return offset >= 0 ? pwritev(d->host_fd, iov, count, offset) : writev(d->host_fd, iov, count);
    };
    // Regular files and character devices (a terminal) cannot raise SIGPIPE; a regular file can
    // raise SIGXFSZ only under a file-size limit. Otherwise a plain write, without the
    // signal-mask syscalls around it.
    if (d->filetype == kFtRegularFile) done = GrowingFileCall(call);
    else if (d->filetype == kFtCharacterDevice) done = call();
    else done = GuardSignals(SignalSet(true, FileSizeLimited()), call);
  }
  if (done < 0) return LastErrno();
  c.mem.Store<uint32_t>(result_ptr, static_cast<uint32_t>(done));
  return ChargeBytes(c, static_cast<uint64_t>(done));
}

}  // namespace

Errno FdRead(Call& c) { return Transfer(c, false, -1, c.U32(3)); }
Errno FdWrite(Call& c) { return Transfer(c, true, -1, c.U32(3)); }
Errno FdPread(Call& c) {
  if (c.U64(3) > INT64_MAX) return kInval;
  return Transfer(c, false, static_cast<int64_t>(c.U64(3)), c.U32(4));
}
Errno FdPwrite(Call& c) {
  if (c.U64(3) > INT64_MAX) return kInval;
  return Transfer(c, true, static_cast<int64_t>(c.U64(3)), c.U32(4));
}

Errno FdPrestatGet(Call& c) {
  Descriptor* d = c.ctx.Get(c.U32(0));
  if (!d || !d->is_preopen) return kBadf;
  uint8_t* p = c.mem.Span(c.U32(1), layout::kPrestatSize);
  if (!p) return kFault;
  std::memset(p, 0, layout::kPrestatSize);
  uint32_t len = static_cast<uint32_t>(d->preopen_name.size());
  std::memcpy(p + 4, &len, 4);
  return kSuccess;
}

Errno FdPrestatDirName(Call& c) {
  Descriptor* d = c.ctx.Get(c.U32(0));
  if (!d || !d->is_preopen) return kBadf;
  uint32_t len = c.U32(2);
  if (len < d->preopen_name.size()) return kNameTooLong;
  uint8_t* p = c.mem.Span(c.U32(1), d->preopen_name.size());
  if (!p) return kFault;
  std::memcpy(p, d->preopen_name.data(), d->preopen_name.size());
  return kSuccess;
}

Errno FdReaddir(Call& c) {
  Descriptor* d;
  if (Errno e = GetFd(c, c.U32(0), right::kFdReaddir, &d)) return e;
  if (d->kind != FdKind::kDir) return kNotDir;
  uint32_t buf = c.U32(1), buf_len = c.U32(2), used_ptr = c.U32(4);
  uint64_t cookie = c.U64(3);
  uint8_t* out = c.mem.Span(buf, buf_len);
  if (!out || !c.mem.InBounds(used_ptr, 4)) return kFault;
  if (cookie > INT64_MAX) return kInval;
  if (lseek(d->host_fd, static_cast<off_t>(cookie), SEEK_SET) < 0) return LastErrno();
  alignas(8) char host[16384];
  uint64_t used = 0;
  while (used < buf_len) {
    long n = syscall(SYS_getdents64, d->host_fd, host, sizeof(host));
    if (n < 0) return LastErrno();
    if (n == 0) break;
    for (long off = 0; off < n && used < buf_len;) {
      // linux_dirent64: ino u64, off s64, reclen u16, type u8, name (NUL-terminated)
      uint64_t ino;
      int64_t next;
      uint16_t reclen;
      uint8_t dtype;
      std::memcpy(&ino, host + off, 8);
      std::memcpy(&next, host + off + 8, 8);
      std::memcpy(&reclen, host + off + 16, 2);
      dtype = static_cast<uint8_t>(host[off + 18]);
      const char* name = host + off + 19;
      size_t namelen = strnlen(name, reclen - 19);
      off += reclen;
      uint8_t ft = kFtUnknown;
      switch (dtype) {
        case DT_REG: ft = kFtRegularFile; break;
        case DT_DIR: ft = kFtDirectory; break;
        case DT_LNK: ft = kFtSymbolicLink; break;
        case DT_CHR: ft = kFtCharacterDevice; break;
        case DT_BLK: ft = kFtBlockDevice; break;
        case DT_SOCK: ft = kFtSocketStream; break;
        default: {
          struct stat st;
          if (fstatat(d->host_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) ft = FiletypeOf(st.st_mode);
        }
      }
      uint8_t hdr[layout::kDirentSize] = {};
      uint64_t dnext = static_cast<uint64_t>(next);
      uint32_t nl = static_cast<uint32_t>(namelen);
      std::memcpy(hdr + 0, &dnext, 8);
      std::memcpy(hdr + 8, &ino, 8);
      std::memcpy(hdr + 16, &nl, 4);
      hdr[20] = ft;
      uint64_t room = buf_len - used;
      uint64_t take = std::min<uint64_t>(room, sizeof(hdr));
      std::memcpy(out + used, hdr, take);
      used += take;
      room = buf_len - used;
      take = std::min<uint64_t>(room, namelen);
      std::memcpy(out + used, name, take);
      used += take;
    }
  }
  c.mem.Store<uint32_t>(used_ptr, static_cast<uint32_t>(used));
  return kSuccess;
}

Errno FdRenumber(Call& c) {
  uint32_t from = c.U32(0), to = c.U32(1);
  if (!c.ctx.Get(from) || !c.ctx.Get(to)) return kBadf;
  if (from == to) return kSuccess;
  c.ctx.fds_[to] = std::move(c.ctx.fds_[from]);  // closes what `to` owned
  c.ctx.Remove(from);
  return kSuccess;
}

Errno FdSeek(Call& c) {
  int64_t offset = static_cast<int64_t>(c.U64(1));
  uint32_t whence = c.U32(2);
  int host_whence;
  if (c.unstable) {
    static constexpr int kMap[] = {SEEK_CUR, SEEK_END, SEEK_SET};
    if (whence > 2) return kInval;
    host_whence = kMap[whence];
  } else {
    static constexpr int kMap[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    if (whence > 2) return kInval;
    host_whence = kMap[whence];
  }
  uint64_t need = (offset == 0 && host_whence == SEEK_CUR) ? right::kFdTell : right::kFdSeek;
  Descriptor* d = c.ctx.Get(c.U32(0));
  if (!d) return kBadf;
  if (!(d->rights_base & (need | right::kFdSeek))) return kNotCapable;
  if (!c.mem.InBounds(c.U32(3), 8)) return kFault;
  if (d->host_fd < 0 || d->kind == FdKind::kDir) return kSpipe;
  off_t r = lseek(d->host_fd, offset, host_whence);
  if (r < 0) return LastErrno();
  c.mem.Store<uint64_t>(c.U32(3), static_cast<uint64_t>(r));
  return kSuccess;
}

Errno FdTell(Call& c) {
  Descriptor* d = c.ctx.Get(c.U32(0));
  if (!d) return kBadf;
  if (!(d->rights_base & (right::kFdTell | right::kFdSeek))) return kNotCapable;
  if (!c.mem.InBounds(c.U32(1), 8)) return kFault;
  if (d->host_fd < 0 || d->kind == FdKind::kDir) return kSpipe;
  off_t r = lseek(d->host_fd, 0, SEEK_CUR);
  if (r < 0) return LastErrno();
  c.mem.Store<uint64_t>(c.U32(1), static_cast<uint64_t>(r));
  return kSuccess;
}

}  // namespace nw::wasi

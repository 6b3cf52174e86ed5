// The preview1 functions that are not about files: arguments and environment (only what the
// WasiConfig lists), clocks, random bytes, poll_oneoff over clocks and granted descriptors,
// sched_yield, proc_raise (ENOSYS), and sockets accepted from listeners the host granted.
// There is no way for a guest to create a socket or connect anywhere.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "wasi/funcs.h"

namespace nw::wasi {

namespace {

Errno SizesGet(Call& c, const std::vector<std::string>& list) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  if (total > UINT32_MAX || list.size() > UINT32_MAX) return kOverflow;
  if (!c.mem.InBounds(c.U32(0), 4) || !c.mem.InBounds(c.U32(1), 4)) return kFault;
  c.mem.Store<uint32_t>(c.U32(0), static_cast<uint32_t>(list.size()));
  c.mem.Store<uint32_t>(c.U32(1), static_cast<uint32_t>(total));
  return kSuccess;
}

Errno ListGet(Call& c, const std::vector<std::string>& list) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  uint32_t ptrs = c.U32(0), buf = c.U32(1);
  if (!c.mem.InBounds(ptrs, uint64_t{4} * list.size()) || !c.mem.InBounds(buf, total))
    return kFault;
  uint64_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    c.mem.Store<uint32_t>(ptrs + uint64_t{4} * i, static_cast<uint32_t>(at));
    uint8_t* p = c.mem.Span(at, list[i].size() + 1);
    std::memcpy(p, list[i].data(), list[i].size());
    p[list[i].size()] = 0;
    at += list[i].size() + 1;
  }
  return kSuccess;
}

bool HostClock(uint32_t id, clockid_t* out) {
  switch (id) {
    case kClockRealtime: *out = CLOCK_REALTIME; return true;
    case kClockMonotonic: *out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t NowNanos(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return ToNanos(ts);
}

}  // namespace

Errno ArgsSizesGet(Call& c) { return SizesGet(c, c.ctx.args_); }
Errno ArgsGet(Call& c) { return ListGet(c, c.ctx.args_); }
Errno EnvironSizesGet(Call& c) { return SizesGet(c, c.ctx.env_); }
Errno EnvironGet(Call& c) { return ListGet(c, c.ctx.env_); }

namespace {
// clock_res_get(id, out) and clock_time_get(id, precision, out): one host query, whose result
// (nanoseconds) is stored at `out`.
Errno ClockQuery(Call& c, int (*query)(clockid_t, timespec*), uint32_t out) {
  if (!c.ctx.clocks_) return kNotCapable;
  clockid_t id;
  if (!HostClock(c.U32(0), &id)) return kInval;
  if (!c.mem.InBounds(out, 8)) return kFault;
  timespec ts{};
  if (query(id, &ts) != 0) return LastErrno();
  c.mem.Store<uint64_t>(out, ToNanos(ts));
  return kSuccess;
}
}  // namespace

Errno ClockResGet(Call& c) { return ClockQuery(c, clock_getres, c.U32(1)); }
Errno ClockTimeGet(Call& c) { return ClockQuery(c, clock_gettime, c.U32(2)); }

Errno WaitReady(Call& c, int host_fd, short events) {
  pollfd p{host_fd, events, 0};
  if (poll(&p, 1, 0) != 0) return kSuccess;  // ready, hung up, or an error the call will report
  int fl = fcntl(host_fd, F_GETFL);
  if (fl >= 0 && (fl & O_NONBLOCK)) return kSuccess;  // the call itself returns again
  HostWait wait(c.store);
  auto r = wait.Poll({&p, 1}, UINT64_MAX);
  if (!r) return c.Stop(std::move(r.error()));
  return *r < 0 ? LastErrno() : kSuccess;
}

Errno ChargeBytes(Call& c, uint64_t bytes) {
  if (auto r = c.store.ConsumeFuel(bytes / kFuelBytesPerUnit); !r) return c.Stop(std::move(r.error()));
  return kSuccess;
}

// In chunks: each one is paid for in fuel before it is filled, and an interruption (the
// --timeout epoch, Store::Interrupt) stops the call between chunks, so a 4 GiB request is no
// longer one uninterruptible host call.
Errno RandomGet(Call& c) {
  if (!c.ctx.random_) return kNotCapable;
  uint8_t* p = c.mem.Span(c.U32(0), c.U32(1));
  if (!p) return kFault;
  size_t left = c.U32(1);
  while (left > 0) {
    size_t chunk = std::min(left, kRandomChunkBytes);
    if (Errno e = ChargeBytes(c, chunk)) return e;
    if (auto r = c.store.CheckInterrupt(); !r) return c.Stop(std::move(r.error()));
    while (chunk > 0) {
      ssize_t n = getrandom(p, chunk, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return LastErrno();
      }
      p += n;
      chunk -= static_cast<size_t>(n);
      left -= static_cast<size_t>(n);
    }
  }
  return kSuccess;
}

Errno SchedYield(Call&) {
  sched_yield();
  return kSuccess;
}

Errno ProcRaise(Call&) { return kNoSys; }

// ---- poll_oneoff ----------------------------------------------------------------------------

namespace {

constexpr uint32_t kMaxSubscriptions = 4096;

struct Sub {
  uint64_t userdata = 0;
  uint8_t type = 0;
  Errno error = kSuccess;     // immediate failure reported as this subscription's event
  bool immediate = false;     // ready without waiting (error, null stdio)
  uint64_t deadline = 0;      // clocks: CLOCK_MONOTONIC nanoseconds
  int host_fd = -1;
  int poll_index = -1;
};

void WriteEvent(Call& c, uint32_t out, uint32_t index, const Sub& s, uint64_t nbytes,
                uint16_t flags) {
  uint8_t ev[layout::kEventSize] = {};
  std::memcpy(ev + 0, &s.userdata, 8);
  std::memcpy(ev + 8, &s.error, 2);
  ev[10] = s.type;
  std::memcpy(ev + 16, &nbytes, 8);
  std::memcpy(ev + 24, &flags, 2);
  std::memcpy(c.mem.Span(uint64_t{out} + uint64_t{index} * layout::kEventSize, layout::kEventSize),
              ev, sizeof(ev));
}

uint64_t BytesAvailable(int fd, bool read) {
  if (!read) return 0;
  int avail = 0;
  if (ioctl(fd, FIONREAD, &avail) == 0 && avail > 0) return static_cast<uint64_t>(avail);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (pos >= 0 && st.st_size > pos) return static_cast<uint64_t>(st.st_size - pos);
  }
  return 0;
}

}  // namespace

Errno PollOneoff(Call& c) {
  uint32_t in = c.U32(0), out = c.U32(1), n = c.U32(2), nevents_ptr = c.U32(3);
  if (n == 0 || n > kMaxSubscriptions) return kInval;
  uint32_t sub_size = c.unstable ? layout::kSubscriptionSizeUnstable : layout::kSubscriptionSize;
  if (!c.mem.InBounds(in, uint64_t{n} * sub_size) ||
      !c.mem.InBounds(out, uint64_t{n} * layout::kEventSize) || !c.mem.InBounds(nevents_ptr, 4))
    return kFault;
  std::vector<Sub> subs(n);
  std::vector<pollfd> pfds;
  uint64_t start = NowNanos(CLOCK_MONOTONIC);
  bool any_immediate = false, any_clock = false;
  uint64_t earliest = UINT64_MAX;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t base = uint64_t{in} + uint64_t{i} * sub_size;
    Sub& s = subs[i];
    c.mem.Load(base, s.userdata);
    c.mem.Load(base + 8, s.type);
    if (s.type == kEventClock) {
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      uint32_t o = c.unstable ? 24 : 16;
      c.mem.Load(base + o, id);
      c.mem.Load(base + o + 8, timeout);
      c.mem.Load(base + o + 24, flags);
      clockid_t host;
      if (!c.ctx.clocks_) {
        s.error = kNotCapable;
        s.immediate = any_immediate = true;
        continue;
      }
      if (!HostClock(id, &host)) {
        s.error = kInval;
        s.immediate = any_immediate = true;
        continue;
      }
      uint64_t rel = timeout;
      if (flags & kSubclockAbstime) {
        uint64_t now = NowNanos(host);
        rel = timeout > now ? timeout - now : 0;
      }
      s.deadline = rel > UINT64_MAX - start ? UINT64_MAX : start + rel;
      earliest = std::min(earliest, s.deadline);
      any_clock = true;
    } else if (s.type == kEventFdRead || s.type == kEventFdWrite) {
      uint32_t fd = 0;
      c.mem.Load(base + 16, fd);
      bool read = s.type == kEventFdRead;
      Descriptor* d = c.ctx.Get(fd);
      uint64_t need = d && d->kind == FdKind::kListener
                          ? right::kSockAccept
                          : (read ? right::kFdRead : right::kFdWrite) | right::kPollFdReadwrite;
      if (!d) s.error = kBadf;
      else if ((d->rights_base & need) != need) s.error = kNotCapable;
      if (s.error || d->host_fd < 0) {
        s.immediate = any_immediate = true;
        continue;
      }
      s.host_fd = d->host_fd;
      s.poll_index = static_cast<int>(pfds.size());
      pfds.push_back({d->host_fd, static_cast<short>(read ? POLLIN : POLLOUT), 0});
    } else {
      return kInval;
    }
  }
  uint32_t nevents = 0;
  // The wait also ends when the store is interrupted (the --timeout epoch, Store::Interrupt):
  // then the guest traps as running wasm would, however long its clocks are.
  HostWait wait(c.store);
  for (;;) {
    uint64_t timeout = UINT64_MAX;
    if (any_immediate) {
      timeout = 0;
    } else if (any_clock) {
      uint64_t now = NowNanos(CLOCK_MONOTONIC);
      timeout = earliest > now ? earliest - now : 0;
    }
    auto polled = wait.Poll(pfds, timeout);
    if (!polled) return c.Stop(std::move(polled.error()));
    if (*polled < 0) return LastErrno();
    uint64_t now = NowNanos(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < n; ++i) {
      Sub& s = subs[i];
      if (s.immediate) {
        WriteEvent(c, out, nevents++, s, 0, 0);
      } else if (s.type == kEventClock) {
        if (s.deadline <= now) WriteEvent(c, out, nevents++, s, 0, 0);
      } else {
        short re = pfds[static_cast<size_t>(s.poll_index)].revents;
        if (!re) continue;
        if (re & POLLNVAL) s.error = kBadf;
        else if ((re & POLLERR) && !(re & (POLLIN | POLLOUT))) s.error = kIo;
        uint16_t flags = (re & POLLHUP) ? kEventHangup : 0;
        WriteEvent(c, out, nevents++, s, BytesAvailable(s.host_fd, s.type == kEventFdRead), flags);
      }
    }
    if (nevents > 0) break;
  }
  c.mem.Store<uint32_t>(nevents_ptr, nevents);
  return kSuccess;
}

// ---- sockets --------------------------------------------------------------------------------

// Every sock_* asks first whether the descriptor is a socket at all (notsock for stdio, files
// and directories, as the witx and Wasmtime say), then whether it holds the right.
Errno GetSock(Call& c, uint32_t fd, uint64_t rights, Descriptor** out) {
  Descriptor* d = c.ctx.Get(fd);
  if (!d) return kBadf;
  if (d->kind != FdKind::kSocket && d->kind != FdKind::kListener) return kNotSock;
  return GetFd(c, fd, rights, out);
}

Errno SockAccept(Call& c) {
  Descriptor* d;
  if (Errno e = GetSock(c, c.U32(0), right::kSockAccept, &d)) return e;
  if (d->kind != FdKind::kListener) return kInval;  // accept(2) on a connected socket
  uint32_t flags = c.U32(1);
  if (flags & ~uint32_t{kFdflagNonblock}) return kInval;
  if (!c.mem.InBounds(c.U32(2), 4)) return kFault;
  if (Errno e = WaitReady(c, d->host_fd, POLLIN)) return e;
  int s = accept4(d->host_fd, nullptr, nullptr,
                  SOCK_CLOEXEC | ((flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0));
  if (s < 0) return LastErrno();
  Descriptor nd;
  nd.owned = UniqueFd(s);
  nd.host_fd = s;
  nd.kind = FdKind::kSocket;
  nd.filetype = kFtSocketStream;
  nd.rights_base = d->rights_inheriting & right::kSocket;
  uint32_t fd;
  if (Errno e = c.ctx.Insert(std::move(nd), &fd)) return e;
  c.mem.Store<uint32_t>(c.U32(2), fd);
  return kSuccess;
}

Errno SockRecv(Call& c) {
  Descriptor* d;
  if (Errno e = GetSock(c, c.U32(0), right::kFdRead, &d)) return e;
  if (d->kind != FdKind::kSocket) return kNotConn;  // a listener has no peer
  uint32_t riflags = c.U32(3), len_ptr = c.U32(4), flags_ptr = c.U32(5);
  if (riflags & ~uint32_t{kRecvPeek | kRecvWaitall}) return kInval;
  if (!c.mem.InBounds(len_ptr, 4) || !c.mem.InBounds(flags_ptr, 2)) return kFault;
  iovec iov[kMaxIovecs];
  uint64_t total;
  if (Errno e = GuestIovecs(c, c.U32(1), c.U32(2), iov, &total)) return e;
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = c.U32(2);
  // MSG_WAITALL is done here, one wait and one non-blocking receive at a time, so that each
  // wait can be interrupted; a descriptor the guest made non-blocking is never waited for.
  int fl = fcntl(d->host_fd, F_GETFL);
  bool nonblocking = fl >= 0 && (fl & O_NONBLOCK);
  int host_flags = ((riflags & kRecvPeek) ? MSG_PEEK : 0) | MSG_DONTWAIT;
  ssize_t got = 0;
  size_t iov_at = 0;
  for (;;) {
    if (!nonblocking)
      if (Errno e = WaitReady(c, d->host_fd, POLLIN)) return e;
    ssize_t n = recvmsg(d->host_fd, &msg, host_flags);
    if (n < 0) {
      if ((errno == EAGAIN || errno == EINTR) && !nonblocking) continue;
      if (got > 0) break;  // what arrived before the error is returned, as recv(2) does
      return LastErrno();
    }
    got += n;
    if (Errno e = ChargeBytes(c, static_cast<uint64_t>(n))) return e;
    if (!(riflags & kRecvWaitall) || (riflags & kRecvPeek) || n == 0 ||
        static_cast<uint64_t>(got) >= total)
      break;
    // Advance the iovecs past what was received, then receive the rest.
    for (size_t left = static_cast<size_t>(n); left > 0 && iov_at < c.U32(2);) {
      size_t take = std::min(left, iov[iov_at].iov_len);
      iov[iov_at].iov_base = static_cast<uint8_t*>(iov[iov_at].iov_base) + take;
      iov[iov_at].iov_len -= take;
      left -= take;
      if (iov[iov_at].iov_len == 0) ++iov_at;
    }
    msg.msg_iov = iov + iov_at;
    msg.msg_iovlen = c.U32(2) - iov_at;
  }
  c.mem.Store<uint32_t>(len_ptr, static_cast<uint32_t>(got));
  c.mem.Store<uint16_t>(flags_ptr, (msg.msg_flags & MSG_TRUNC) ? kRecvDataTruncated : 0);
  return kSuccess;
}

Errno SockSend(Call& c) {
  Descriptor* d;
  if (Errno e = GetSock(c, c.U32(0), right::kFdWrite, &d)) return e;
  if (d->kind != FdKind::kSocket) return kNotConn;  // a listener has no peer
  if (c.U32(3) != 0) return kInval;
  if (!c.mem.InBounds(c.U32(4), 4)) return kFault;
  iovec iov[kMaxIovecs];
  uint64_t total;
  if (Errno e = GuestIovecs(c, c.U32(1), c.U32(2), iov, &total)) return e;
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = c.U32(2);
  if (total > 0)
    if (Errno e = WaitReady(c, d->host_fd, POLLOUT)) return e;
  ssize_t sent = sendmsg(d->host_fd, &msg, MSG_NOSIGNAL);
  if (sent < 0) return LastErrno();
  c.mem.Store<uint32_t>(c.U32(4), static_cast<uint32_t>(sent));
  return ChargeBytes(c, static_cast<uint64_t>(sent));
}

Errno SockShutdown(Call& c) {
  Descriptor* d;
  if (Errno e = GetSock(c, c.U32(0), right::kSockShutdown, &d)) return e;
  if (d->kind != FdKind::kSocket) return kNotConn;  // a listener has no peer
  int how;
  switch (c.U32(1)) {
    case kShutRd: how = SHUT_RD; break;
    case kShutWr: how = SHUT_WR; break;
    case kShutRd | kShutWr: how = SHUT_RDWR; break;
    default: return kInval;
  }
  return shutdown(d->host_fd, how) == 0 ? kSuccess : LastErrno();
}

}  // namespace nw::wasi

namespace nw::wasi {

// nanowasm_sock.sock_connect(addr, addr_len, fd_out): preview1 has no outbound sockets; this one
// call opens a TCP connection to a numeric "ADDR:PORT" the context was granted (WasiConfig::
// connect, a capability-tree edge's `connect`), and nothing else: notcapable otherwise, before
// any socket exists. The new descriptor is a connected socket (sock_send, sock_recv, fd_write).
Errno SockConnect(Call& c) {
  std::string_view text;
  if (Errno e = GuestPath(c, c.U32(0), c.U32(1), &text)) return e;
  if (!c.mem.InBounds(c.U32(2), 4)) return kFault;
  sockaddr_storage addr;
  socklen_t len;
  if (!ParseSockAddr(text, &addr, &len)) return kInval;
  if (!ConnectGranted(c.ctx, addr)) return kNotCapable;
  UniqueFd s(socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) return LastErrno();
  while (connect(s.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    if (errno != EINTR) return LastErrno();
  }
  Descriptor nd;
  nd.host_fd = s.get();
  nd.owned = std::move(s);
  nd.kind = FdKind::kSocket;
  nd.filetype = kFtSocketStream;
  nd.rights_base = right::kSocket;
  uint32_t fd;
  if (Errno e = c.ctx.Insert(std::move(nd), &fd)) return e;
  c.mem.Store<uint32_t>(c.U32(2), fd);
  return kSuccess;
}

}  // namespace nw::wasi

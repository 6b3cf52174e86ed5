// wasi:io@0.2.x — error, poll, streams — over host fds. Reads and writes are synchronous: a
// write completes before it returns (check-write always grants kMaxIoBytes), `read` on a pipe,
// terminal or socket returns what is there without waiting, `blocking-read` and `poll` wait in
// a HostWait, so the store's interruption (--timeout, Store::Interrupt) ends the wait with a
// trap. Host work is charged to fuel like preview1's (one unit per kFuelBytesPerUnit bytes).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "component/canon_options.h"
#include "nanowasm/runtime.h"
#include "wasi/funcs.h"
#include "wasi/signals.h"
#include "wasi2/objects.h"

namespace nw::wasi2 {

namespace {

// Most bytes one read returns and what check-write grants (host.h).
constexpr uint64_t kReadChunk = kMaxIoBytes;
constexpr uint64_t kWriteBudget = kMaxIoBytes;
// More pollables than this in one poll call traps (the host builds one pollfd each).
constexpr size_t kMaxPollables = 4096;

Status Charge(Host& h, uint64_t bytes) {
  if (auto r = h.store().ConsumeFuel(bytes / wasi::kFuelBytesPerUnit); !r)
    return component::Trap(r.error().message);
  return nw::Ok();
}

// A write that reports EPIPE / EFBIG instead of raising SIGPIPE / SIGXFSZ (whose default
// actions kill the host process): preview1's guard (wasi/signals.h).
ssize_t GuardedWrite(int fd, const void* p, size_t n, bool socket, int64_t offset) {
  if (socket) return send(fd, p, n, MSG_NOSIGNAL);
  if (offset >= 0) return wasi::GrowingFileCall([&] { return pwrite(fd, p, n, offset); });
  return wasi::GuardSignals(wasi::SignalSet(true, wasi::FileSizeLimited()),
                            [&] { return write(fd, p, n); });
}

// Waits until fd has `events` or the store is interrupted (then a trap).
Status WaitFd(Host& h, int fd, short events, uint64_t timeout_ns = UINT64_MAX) {
  pollfd p{fd, events, 0};
  HostWait wait(h.store());
  auto r = wait.Poll({&p, 1}, timeout_ns);
  if (!r) return component::Trap(r.error().message);
  return nw::Ok();
}

bool ReadyNow(int fd, short events) {
  pollfd p{fd, events, 0};
  return poll(&p, 1, 0) != 0;
}

Result<ComponentValue> Read(Host& h, InputStreamObj& s, uint64_t len, bool blocking) {
  if (s.fd < 0) return Err(StreamClosed());
  uint64_t n = std::min(len, kReadChunk);
  if (n == 0) return Ok(Bytes(std::string()));
  std::string buf;
  ssize_t got;
  if (s.file) {
    got = ReadInto(buf, n, [&](char* p, size_t m) { return pread(s.fd, p, m, static_cast<off_t>(s.offset)); });
  } else {
    if (!ReadyNow(s.fd, POLLIN)) {
      if (!blocking) return Ok(Bytes(std::string()));
      NW_TRY(WaitFd(h, s.fd, POLLIN));
    }
    got = ReadInto(buf, n, [&](char* p, size_t m) { return read(s.fd, p, m); });
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Ok(Bytes(std::string()));
  }
  if (got < 0) return Err(StreamFailed(h, wasi::LastErrno(), std::strerror(errno)));
  if (got == 0) return Err(StreamClosed());
  // Charged for the bytes moved (a large request on a short file costs what it read).
  NW_TRY(Charge(h, static_cast<uint64_t>(got)));
  s.offset += static_cast<uint64_t>(got);
  return Ok(Bytes(std::move(buf)));
}

Result<ComponentValue> Write(Host& h, OutputStreamObj& s, std::string_view data) {
  if (data.size() > kWriteBudget)
    return component::Trap("write of more than check-write permitted");
  NW_TRY(Charge(h, data.size()));
  if (s.fd < 0) return Ok();
  size_t done = 0;
  while (done < data.size()) {
    int64_t at = -1;
    if (s.file) {
      if (s.append) {
        struct stat st;
        if (fstat(s.fd, &st) != 0)
          return Err(StreamFailed(h, wasi::LastErrno(), std::strerror(errno)));
        s.offset = static_cast<uint64_t>(st.st_size);
      }
      at = static_cast<int64_t>(s.offset);
    }
    ssize_t w = GuardedWrite(s.fd, data.data() + done, data.size() - done, s.socket, at);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      NW_TRY(WaitFd(h, s.fd, POLLOUT));
      continue;
    }
    if (w < 0) {
      if (errno == EPIPE) return Err(StreamClosed());
      return Err(StreamFailed(h, wasi::LastErrno(), std::strerror(errno)));
    }
    done += static_cast<size_t>(w);
    if (s.file) s.offset += static_cast<uint64_t>(w);
  }
  return Ok();
}

InputStreamObj* In(Host& h, std::span<const ComponentValue> a) {
  return h.Get<InputStreamObj>(static_cast<uint32_t>(a[0].bits()));
}
OutputStreamObj* Out(Host& h, std::span<const ComponentValue> a) {
  return h.Get<OutputStreamObj>(static_cast<uint32_t>(a[0].bits()));
}
std::unexpected<Error> Gone() { return component::Trap("wasi:io: unknown stream"); }

HostResult StreamRead(Host& h, std::span<const ComponentValue> a, bool blocking) {
  auto* s = In(h, a);
  if (!s) return Gone();
  NW_TRY_ASSIGN(ComponentValue v, Read(h, *s, a[1].as_u64(), blocking));
  return One(std::move(v));
}

HostResult StreamSkip(Host& h, std::span<const ComponentValue> a, bool blocking) {
  auto* s = In(h, a);
  if (!s) return Gone();
  NW_TRY_ASSIGN(ComponentValue v, Read(h, *s, a[1].as_u64(), blocking));
  if (v.case_index() != 0) return One(std::move(v));
  return One(Ok(ComponentValue::U64(v.payload()->list_size())));
}

HostResult Subscribe(Host& h, int fd, SharedFd keep, short events) {
  auto p = std::make_unique<PollableObj>();
  p->fd = fd;
  p->keep = std::move(keep);
  p->events = events;
  return One(h.Own(std::move(p)));
}

HostResult OutWrite(Host& h, std::span<const ComponentValue> a) {
  auto* s = Out(h, a);
  if (!s) return Gone();
  std::string scratch;
  NW_TRY_ASSIGN(ComponentValue v, Write(h, *s, BytesOf(a[1], scratch)));
  return One(std::move(v));
}

HostResult OutZeroes(Host& h, std::span<const ComponentValue> a) {
  auto* s = Out(h, a);
  if (!s) return Gone();
  if (a[1].as_u64() > kWriteBudget)
    return component::Trap("write-zeroes of more than check-write permitted");
  NW_TRY_ASSIGN(ComponentValue v, Write(h, *s, std::string(a[1].as_u64(), '\0')));
  return One(std::move(v));
}

HostResult Splice(Host& h, std::span<const ComponentValue> a, bool blocking) {
  auto* out = Out(h, a);
  auto* in = h.Get<InputStreamObj>(static_cast<uint32_t>(a[1].bits()));
  if (!out || !in) return Gone();
  NW_TRY_ASSIGN(ComponentValue v,
                Read(h, *in, std::min<uint64_t>(a[2].as_u64(), kWriteBudget), blocking));
  if (v.case_index() != 0) return One(std::move(v));
  std::string scratch;
  std::string_view bytes = BytesOf(*v.payload(), scratch);
  NW_TRY_ASSIGN(ComponentValue w, Write(h, *out, bytes));
  if (w.case_index() != 0) return One(std::move(w));
  return One(Ok(ComponentValue::U64(bytes.size())));
}

bool PollableReady(const PollableObj& p, uint64_t now) {
  if (p.deadline) return now >= *p.deadline;
  if (p.fd < 0) return true;
  return ReadyNow(p.fd, p.events);
}

// Waits until at least one of `ps` is ready; returns the ready indices.
Result<std::vector<uint32_t>> PollList(Host& h, const std::vector<PollableObj*>& ps) {
  if (ps.empty()) return component::Trap("poll of an empty list");
  if (ps.size() > kMaxPollables) return component::Trap("poll of too many pollables");
  for (;;) {
    uint64_t now = MonotonicNow();
    std::vector<uint32_t> ready;
    std::vector<pollfd> fds;
    uint64_t timeout = UINT64_MAX;
    for (size_t i = 0; i < ps.size(); ++i) {
      const PollableObj& p = *ps[i];
      if (PollableReady(p, now))
        ready.push_back(static_cast<uint32_t>(i));
      else if (p.deadline)
        timeout = std::min(timeout, *p.deadline - now);
      else
        fds.push_back({p.fd, p.events, 0});
    }
    if (!ready.empty()) return ready;
    HostWait wait(h.store());
    auto r = wait.Poll(fds, timeout);
    if (!r) return component::Trap(r.error().message);
  }
}

HostResult Poll(Host& h, std::span<const ComponentValue> a) {
  std::vector<PollableObj*> ps;
  for (const auto& e : a[0].elems()) {
    auto* p = h.Get<PollableObj>(static_cast<uint32_t>(e.bits()));
    if (!p) return component::Trap("wasi:io/poll: unknown pollable");
    ps.push_back(p);
  }
  NW_TRY_ASSIGN(auto ready, PollList(h, ps));
  std::vector<ComponentValue> out;
  for (uint32_t i : ready) out.push_back(ComponentValue::U32(i));
  return One(ComponentValue::List(std::move(out)));
}

PollableObj* PollableArg(Host& h, std::span<const ComponentValue> a) {
  return h.Get<PollableObj>(static_cast<uint32_t>(a[0].bits()));
}

}  // namespace

uint64_t MonotonicNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return wasi::ToNanos(ts);
}

ComponentValue StreamClosed() { return ComponentValue::Variant(1); }

ComponentValue StreamFailed(Host& h, wasi::Errno code, std::string message) {
  auto e = std::make_unique<ErrorObj>();
  e->code = code;
  e->message = std::move(message);
  return ComponentValue::Variant(0, h.Own(std::move(e)));
}

void AddIoInterfaces(std::vector<InterfaceSpec>& out) {
  out.push_back({"wasi:io/error",
                 {},
                 {{"error", "resource"}},
                 {{"[method]error.to-debug-string", "() -> string",
                   [](Host& h, std::span<const ComponentValue> a) -> HostResult {
                     auto* e = h.Get<ErrorObj>(static_cast<uint32_t>(a[0].bits()));
                     if (!e) return component::Trap("unknown error");
                     NW_TRY_ASSIGN(ComponentValue s, ComponentValue::String(e->message));
                     return One(std::move(s));
                   }}}});
  out.push_back({"wasi:io/poll",
                 {},
                 {{"pollable", "resource"}},
                 {{"[method]pollable.ready", "() -> bool",
                   [](Host& h, std::span<const ComponentValue> a) -> HostResult {
                     auto* p = PollableArg(h, a);
                     if (!p) return component::Trap("unknown pollable");
                     return One(ComponentValue::Bool(PollableReady(*p, MonotonicNow())));
                   }},
                  {"[method]pollable.block", "()",
                   [](Host& h, std::span<const ComponentValue> a) -> HostResult {
                     auto* p = PollableArg(h, a);
                     if (!p) return component::Trap("unknown pollable");
                     NW_TRY(PollList(h, {p}));
                     return Nothing();
                   }},
                  {"poll", "(list<borrow<pollable>>) -> list<u32>", Poll}}});
  out.push_back(
      {"wasi:io/streams",
       {"wasi:io/error", "wasi:io/poll"},
       {{"stream-error", "variant{last-operation-failed(error), closed}"},
        {"input-stream", "resource"},
        {"output-stream", "resource"}},
       {
           {"[method]input-stream.read", "(u64) -> result<list<u8>, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) { return StreamRead(h, a, false); }},
           {"[method]input-stream.blocking-read", "(u64) -> result<list<u8>, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) { return StreamRead(h, a, true); }},
           {"[method]input-stream.skip", "(u64) -> result<u64, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) { return StreamSkip(h, a, false); }},
           {"[method]input-stream.blocking-skip", "(u64) -> result<u64, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) { return StreamSkip(h, a, true); }},
           {"[method]input-stream.subscribe", "() -> pollable",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              auto* s = In(h, a);
              if (!s) return Gone();
              return Subscribe(h, s->file ? -1 : s->fd, s->keep, POLLIN);
            }},
           {"[method]output-stream.check-write", "() -> result<u64, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              if (!Out(h, a)) return Gone();
              return One(Ok(ComponentValue::U64(kWriteBudget)));
            }},
           {"[method]output-stream.write", "(list<u8>) -> result<_, stream-error>", OutWrite},
           {"[method]output-stream.blocking-write-and-flush",
            "(list<u8>) -> result<_, stream-error>", OutWrite},
           {"[method]output-stream.flush", "() -> result<_, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              if (!Out(h, a)) return Gone();
              return One(Ok());
            }},
           {"[method]output-stream.blocking-flush", "() -> result<_, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              if (!Out(h, a)) return Gone();
              return One(Ok());
            }},
           {"[method]output-stream.subscribe", "() -> pollable",
            [](Host& h, std::span<const ComponentValue> a) -> HostResult {
              auto* s = Out(h, a);
              if (!s) return Gone();
              // Writes complete before they return: the stream is always ready for more.
              return Subscribe(h, -1, nullptr, POLLOUT);
            }},
           {"[method]output-stream.write-zeroes", "(u64) -> result<_, stream-error>", OutZeroes},
           {"[method]output-stream.blocking-write-zeroes-and-flush",
            "(u64) -> result<_, stream-error>", OutZeroes},
           {"[method]output-stream.splice",
            "(borrow<input-stream>, u64) -> result<u64, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) { return Splice(h, a, false); }},
           {"[method]output-stream.blocking-splice",
            "(borrow<input-stream>, u64) -> result<u64, stream-error>",
            [](Host& h, std::span<const ComponentValue> a) { return Splice(h, a, true); }},
       }});
}

}  // namespace nw::wasi2

// The shape shared by every WASI host function: a Call gives the handler the guest's capability
// table, the bounds-checked memory of the calling instance and the raw arguments; the handler
// returns a WASI errno. The table in define.cc binds names and signatures to these handlers.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <optional>
#include <span>

#include "nanowasm/runtime.h"
#include "wasi/ctx.h"

namespace nw::wasi {

struct Call {
  WasiCtx& ctx;
  GuestMemory mem;
  bool unstable;  // called through the wasi_unstable names (older layouts)
  std::span<const Val> args;
  Store& store;   // the caller's store: interruption and fuel of host work
  std::optional<Trap> trap;  // set by Stop: the call traps instead of returning an errno
  uint32_t U32(size_t i) const { return static_cast<uint32_t>(args[i].bits); }
  uint64_t U64(size_t i) const { return args[i].bits; }
  // Ends the call with a trap (an interruption, fuel running out); the errno is not seen.
  Errno Stop(Trap t) {
    trap = std::move(t);
    return kIntr;
  }
};

// Host work is charged one unit of fuel per this many bytes (random_get, fd_read/fd_write and
// the other transfers), on top of the call instruction wasm already paid for.
inline constexpr uint64_t kFuelBytesPerUnit = 64;
// random_get fills at most this much before it charges fuel and checks for an interruption.
inline constexpr size_t kRandomChunkBytes = size_t{1} << 20;

// Waits until `host_fd` is ready for `events` (POLLIN/POLLOUT) unless it is non-blocking,
// waking up for an interruption of the store (then the call stops with the trap). For reads,
// writes and accepts on pipes, sockets, terminals: the system call that follows does not block
// (unless another process drains the descriptor in between).
Errno WaitReady(Call& c, int host_fd, short events);
// Charges fuel for `bytes` of host work; the call stops when it runs out.
Errno ChargeBytes(Call& c, uint64_t bytes);

using Handler = Errno (*)(Call&);

// Most iovecs accepted in one call (Linux's IOV_MAX); more is EINVAL, so the host never
// allocates in proportion to a guest-supplied count.
inline constexpr uint32_t kMaxIovecs = 1024;

// Looks up `fd` and checks that it holds all of `rights`.
Errno GetFd(Call& c, uint32_t fd, uint64_t rights, Descriptor** out);
// Builds host iovecs pointing into guest memory (bounds-checked); *total is their sum.
Errno GuestIovecs(Call& c, uint32_t iovs, uint32_t iovs_len, iovec* out, uint64_t* total);
// Writes a filestat of `st` in the preview1 or wasi_unstable layout.
Errno StoreFilestat(Call& c, uint32_t ptr, const struct stat& st);
uint8_t FiletypeOf(mode_t m);
// A host timespec as WASI nanoseconds.
inline uint64_t ToNanos(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
// Reads a guest path (bounds-checked, at most kMaxPathBytes; NUL bytes rejected).
Errno GuestPath(Call& c, uint32_t ptr, uint32_t len, std::string_view* out);

// fd_* (fd.cc)
Errno FdAdvise(Call&);
Errno FdAllocate(Call&);
Errno FdClose(Call&);
Errno FdDatasync(Call&);
Errno FdFdstatGet(Call&);
Errno FdFdstatSetFlags(Call&);
Errno FdFdstatSetRights(Call&);
Errno FdFilestatGet(Call&);
Errno FdFilestatSetSize(Call&);
Errno FdFilestatSetTimes(Call&);
Errno FdPread(Call&);
Errno FdPrestatGet(Call&);
Errno FdPrestatDirName(Call&);
Errno FdPwrite(Call&);
Errno FdRead(Call&);
Errno FdReaddir(Call&);
Errno FdRenumber(Call&);
Errno FdSeek(Call&);
Errno FdSync(Call&);
Errno FdTell(Call&);
Errno FdWrite(Call&);
// path_* (path.cc)
Errno PathCreateDirectory(Call&);
Errno PathFilestatGet(Call&);
Errno PathFilestatSetTimes(Call&);
Errno PathLink(Call&);
Errno PathOpen(Call&);
Errno PathReadlink(Call&);
Errno PathRemoveDirectory(Call&);
Errno PathRename(Call&);
Errno PathSymlink(Call&);
Errno PathUnlinkFile(Call&);
// the rest (misc.cc)
Errno ArgsGet(Call&);
Errno ArgsSizesGet(Call&);
Errno EnvironGet(Call&);
Errno EnvironSizesGet(Call&);
Errno ClockResGet(Call&);
Errno ClockTimeGet(Call&);
Errno RandomGet(Call&);
Errno PollOneoff(Call&);
Errno ProcRaise(Call&);
Errno SchedYield(Call&);
Errno SockAccept(Call&);
Errno SockRecv(Call&);
Errno SockSend(Call&);
Errno SockShutdown(Call&);
Errno SockConnect(Call&);  // nanowasm_sock.sock_connect (not preview1)

// Converts a WASI timestamp pair + fstflags into utimensat times; EINVAL on contradictions and
// on unknown bits (fstflags is a u16 passed as an i32: the upper bits are unknown bits too).
Errno TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec out[2]);

}  // namespace nw::wasi

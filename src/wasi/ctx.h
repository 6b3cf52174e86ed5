// Internals of the WASI host: the per-guest capability table (WasiCtx: descriptors, each with a
// host fd, its kind and its rights), owned host fds, the bounds-checked view of guest memory,
// and the host-errno -> WASI-errno mapping. Everything a host function touches of the guest goes
// through GuestMemory: 64-bit arithmetic against the current memory size, nothing else.
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nanowasm/wasi.h"
#include "wasi/abi.h"

namespace nw {

namespace wasi {

// A host file descriptor closed on destruction (move-only).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.Release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) Reset(o.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

Errno FromHostErrno(int e);
inline Errno LastErrno() { return FromHostErrno(errno); }

enum class FdKind : uint8_t { kStdio, kFile, kDir, kListener, kSocket };

struct Descriptor {
  UniqueFd owned;       // the host fd when this descriptor owns it
  int host_fd = -1;     // -1 only for a null stdio descriptor
  FdKind kind = FdKind::kFile;
  uint8_t filetype = kFtUnknown;
  uint64_t rights_base = 0, rights_inheriting = 0;
  bool read_only = false;  // beneath a read-only grant: mutating rights never granted
  bool is_preopen = false;
  std::string preopen_name;
};

// The bounds-checked view of the caller's memory for one host call.
class GuestMemory {
 public:
  explicit GuestMemory(std::span<uint8_t> m) : m_(m) {}
  bool InBounds(uint64_t ptr, uint64_t len) const {
    return ptr <= m_.size() && len <= m_.size() - ptr;
  }
  // Pointer to [ptr, ptr+len) or nullptr when any byte is outside memory.
  uint8_t* Span(uint64_t ptr, uint64_t len) const {
    return InBounds(ptr, len) ? m_.data() + ptr : nullptr;
  }
  template <class T>
  bool Load(uint64_t ptr, T& out) const {
    const uint8_t* p = Span(ptr, sizeof(T));
    if (!p) return false;
    std::memcpy(&out, p, sizeof(T));
    return true;
  }
  template <class T>
  bool Store(uint64_t ptr, T v) const {
    uint8_t* p = Span(ptr, sizeof(T));
    if (!p) return false;
    std::memcpy(p, &v, sizeof(T));
    return true;
  }
  size_t size() const { return m_.size(); }

 private:
  std::span<uint8_t> m_;
};

// Path resolution beneath a directory fd (resolve.cc). On success `parent` is a directory
// beneath (or equal to) `root` and `name` a single component without '/', or "." when the path
// names that directory itself. When `follow_last`, `name` was not a symbolic link when looked at;
// callers act on (parent, name) only with no-follow operations, so a race turns into an error,
// never into an escape.
struct Resolved {
  UniqueFd parent;
  std::string name;
  bool trailing_slash = false;  // the guest path ended in '/': the object must be a directory
};
struct ResolveResult {
  Errno error = kSuccess;
  Resolved value;
};
ResolveResult ResolvePath(int root, std::string_view path, bool follow_last, WasiResolver mode);

// A numeric "ADDR:PORT" / "[ADDR]:PORT" (no name lookup), for connect grants.
bool ParseSockAddr(std::string_view spec, sockaddr_storage* out, socklen_t* len);
bool SameSockAddr(const sockaddr_storage& a, const sockaddr_storage& b);
inline constexpr int kMaxSymlinkExpansions = 40;
inline constexpr size_t kMaxPathBytes = 4096;

}  // namespace wasi

class WasiCtx;
namespace wasi {
// Whether `ctx` was granted a connection to `addr` (same family, address and port).
bool ConnectGranted(const WasiCtx& ctx, const sockaddr_storage& addr);
}  // namespace wasi

class WasiCtx {
 public:
  std::vector<std::string> args_;
  std::vector<std::string> env_;  // "NAME=VALUE"
  std::vector<wasi::Descriptor> fds_;  // index = guest fd; host_fd == -2 marks a free slot
  std::vector<bool> used_;
  std::vector<std::string> listener_addrs_;  // "" once released (ReleaseWasiListener)
  std::vector<uint32_t> listener_fds_;       // the guest fd of each, as created
  std::vector<std::string> connect_;   // "ADDR:PORT" as granted (nanowasm_sock.sock_connect)
  bool clocks_ = true, random_ = true;
  int stdio_host_[3] = {-1, -1, -1};   // the host stdio as granted, handed down to children
  uint32_t max_fds_ = 1024;
  WasiResolver resolver_ = WasiResolver::kAuto;

  wasi::Descriptor* Get(uint32_t fd) {
    return fd < fds_.size() && used_[fd] ? &fds_[fd] : nullptr;
  }
  // Lowest free guest fd, or EMFILE.
  wasi::Errno Insert(wasi::Descriptor d, uint32_t* out_fd);
  void Remove(uint32_t fd);
  size_t OpenCount() const;
};

}  // namespace nw

// The host objects behind WASI 0.2 resources that more than one interface makes: errors,
// pollables and the two stream kinds (over a host fd: stdio, pipes, sockets; or over a file at
// an offset, sharing the descriptor's host fd). Streams and pollables keep what they read
// alive by shared ownership, so dropping a parent resource first never leaves a dangling fd.
#pragma once

#include <poll.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi2/host.h"

namespace nw::wasi2 {

// A host fd shared by a descriptor and the streams made from it (-1: none).
using SharedFd = std::shared_ptr<wasi::UniqueFd>;

struct ErrorObj : Object {
  std::string message;
  wasi::Errno code = wasi::kIo;  // the preview1 errno it came from (filesystem-error-code)
};

struct PollableObj : Object {
  SharedFd keep;  // the fd polled, kept open
  int fd = -1;    // -1: no fd (always ready unless a deadline is set)
  short events = 0;
  std::optional<uint64_t> deadline;  // monotonic ns
};

struct InputStreamObj : Object {
  SharedFd keep;
  int fd = -1;        // -1: an empty stream (closed at once)
  bool file = false;  // pread at offset instead of read
  bool socket = false;
  uint64_t offset = 0;
};

struct OutputStreamObj : Object {
  SharedFd keep;
  int fd = -1;        // -1: output is discarded
  bool file = false;  // pwrite at offset (or at the end when append)
  bool append = false;
  bool socket = false;
  uint64_t offset = 0;
};

// stream-error values.
ComponentValue StreamClosed();
ComponentValue StreamFailed(Host& h, wasi::Errno code, std::string message);

// Monotonic clock in ns.
uint64_t MonotonicNow();

}  // namespace nw::wasi2

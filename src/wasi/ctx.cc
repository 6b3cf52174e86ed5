// Creating a guest's capability table from a WasiConfig: stdio descriptors, the granted
// directories (opened once, O_DIRECTORY, rights cut down for read-only grants) and the granted
// TCP listeners; the errno mapping; descriptor numbering.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/ctx.h"
#include "wasi/funcs.h"

namespace nw {

namespace wasi {

void UniqueFd::Reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

Errno FromHostErrno(int e) {
  switch (e) {
    case 0: return kSuccess;
    case E2BIG: return k2Big;
    case EACCES: return kAcces;
    case EADDRINUSE: return kAddrInUse;
    case EADDRNOTAVAIL: return kAddrNotAvail;
    case EAFNOSUPPORT: return kAfNoSupport;
    case EAGAIN: return kAgain;
    case EALREADY: return kAlready;
    case EBADF: return kBadf;
    case EBADMSG: return kBadMsg;
    case EBUSY: return kBusy;
    case ECANCELED: return kCanceled;
    case ECHILD: return kChild;
    case ECONNABORTED: return kConnAborted;
    case ECONNREFUSED: return kConnRefused;
    case ECONNRESET: return kConnReset;
    case EDEADLK: return kDeadlk;
    case EDESTADDRREQ: return kDestAddrReq;
    case EDOM: return kDom;
    case EDQUOT: return kDquot;
    case EEXIST: return kExist;
    case EFAULT: return kFault;
    case EFBIG: return kFbig;
    case EHOSTUNREACH: return kHostUnreach;
    case EIDRM: return kIdrm;
    case EILSEQ: return kIlseq;
    case EINPROGRESS: return kInProgress;
    case EINTR: return kIntr;
    case EINVAL: return kInval;
    case EIO: return kIo;
    case EISCONN: return kIsConn;
    case EISDIR: return kIsDir;
    case ELOOP: return kLoop;
    case EMFILE: return kMfile;
    case EMLINK: return kMlink;
    case EMSGSIZE: return kMsgSize;
    case EMULTIHOP: return kMultihop;
    case ENAMETOOLONG: return kNameTooLong;
    case ENETDOWN: return kNetDown;
    case ENETRESET: return kNetReset;
    case ENETUNREACH: return kNetUnreach;
    case ENFILE: return kNfile;
    case ENOBUFS: return kNoBufs;
    case ENODEV: return kNoDev;
    case ENOENT: return kNoEnt;
    case ENOEXEC: return kNoExec;
    case ENOLCK: return kNoLck;
    case ENOLINK: return kNoLink;
    case ENOMEM: return kNoMem;
    case ENOMSG: return kNoMsg;
    case ENOPROTOOPT: return kNoProtoOpt;
    case ENOSPC: return kNoSpc;
    case ENOSYS: return kNoSys;
    case ENOTCONN: return kNotConn;
    case ENOTDIR: return kNotDir;
    case ENOTEMPTY: return kNotEmpty;
    case ENOTRECOVERABLE: return kNotRecoverable;
    case ENOTSOCK: return kNotSock;
    case EOPNOTSUPP: return kNotSup;
    case ENOTTY: return kNotTy;
    case ENXIO: return kNxio;
    case EOVERFLOW: return kOverflow;
    case EOWNERDEAD: return kOwnerDead;
    case EPERM: return kPerm;
    case EPIPE: return kPipe;
    case EPROTO: return kProto;
    case EPROTONOSUPPORT: return kProtoNoSupport;
    case EPROTOTYPE: return kProtoType;
    case ERANGE: return kRange;
    case EROFS: return kRofs;
    case ESPIPE: return kSpipe;
    case ESRCH: return kSrch;
    case ESTALE: return kStale;
    case ETIMEDOUT: return kTimedOut;
    case ETXTBSY: return kTxtBsy;
    case EXDEV: return kXdev;
    default: return kIo;
  }
}

namespace {

Descriptor MakeStdio(int host_fd, bool input) {
  Descriptor d;
  d.kind = FdKind::kStdio;
  d.host_fd = host_fd;
  d.filetype = kFtCharacterDevice;
  struct stat st;
  if (host_fd >= 0 && fstat(host_fd, &st) == 0) d.filetype = FiletypeOf(st.st_mode);
  d.rights_base = (input ? right::kFdRead : right::kFdWrite) | right::kFdFdstatSetFlags |
                  right::kFdFilestatGet | right::kPollFdReadwrite;
  return d;
}

// Parses "ADDR:PORT" / "[ADDR]:PORT" and returns a listening socket, or an error message.
Result<int> OpenListener(const std::string& spec, std::string* bound) {
  std::string host, port;
  if (!spec.empty() && spec[0] == '[') {
    size_t close_br = spec.find(']');
    if (close_br == std::string::npos || close_br + 1 >= spec.size() || spec[close_br + 1] != ':')
      return MakeError("--listen " + spec + ": expected [ADDR]:PORT");
    host = spec.substr(1, close_br - 1);
    port = spec.substr(close_br + 2);
  } else {
    size_t colon = spec.rfind(':');
    if (colon == std::string::npos) return MakeError("--listen " + spec + ": expected ADDR:PORT");
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return MakeError("--listen " + spec + ": " + gai_strerror(rc));
  int fd = -1;
  std::string why = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 128) == 0) break;
    why = std::strerror(errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) return MakeError("--listen " + spec + ": " + why);
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  char text[INET6_ADDRSTRLEN] = "?";
  uint16_t p = 0;
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    p = ntohs(in->sin_port);
    *bound = std::string(text) + ":" + std::to_string(p);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    p = ntohs(in6->sin6_port);
    *bound = "[" + std::string(text) + "]:" + std::to_string(p);
  }
  return fd;
}

}  // namespace

bool ParseSockAddr(std::string_view spec, sockaddr_storage* out, socklen_t* len) {
  std::string host, port;
  if (!spec.empty() && spec[0] == '[') {
    size_t close_br = spec.find(']');
    if (close_br == std::string::npos || close_br + 1 >= spec.size() || spec[close_br + 1] != ':')
      return false;
    host = spec.substr(1, close_br - 1);
    port = spec.substr(close_br + 2);
  } else {
    size_t colon = spec.rfind(':');
    if (colon == std::string::npos) return false;
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  if (host.empty() || port.empty()) return false;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res) return false;
  std::memset(out, 0, sizeof(*out));
  std::memcpy(out, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  freeaddrinfo(res);
  return true;
}

bool SameSockAddr(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    auto& x = reinterpret_cast<const sockaddr_in&>(a);
    auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    auto& y = reinterpret_cast<const sockaddr_in6&>(b);
    return x.sin6_port == y.sin6_port &&
           std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(x.sin6_addr)) == 0;
  }
  return false;
}

bool ConnectGranted(const WasiCtx& ctx, const sockaddr_storage& addr) {
  for (const std::string& g : ctx.connect_) {
    sockaddr_storage ss;
    socklen_t len;
    if (ParseSockAddr(g, &ss, &len) && SameSockAddr(ss, addr)) return true;
  }
  return false;
}

}  // namespace wasi

using namespace wasi;

Errno WasiCtx::Insert(Descriptor d, uint32_t* out_fd) {
  for (uint32_t i = 0; i < fds_.size(); ++i) {
    if (!used_[i]) {
      fds_[i] = std::move(d);
      used_[i] = true;
      *out_fd = i;
      return kSuccess;
    }
  }
  if (fds_.size() >= max_fds_) return kMfile;
  fds_.push_back(std::move(d));
  used_.push_back(true);
  *out_fd = static_cast<uint32_t>(fds_.size() - 1);
  return kSuccess;
}

void WasiCtx::Remove(uint32_t fd) {
  if (fd >= fds_.size() || !used_[fd]) return;
  fds_[fd] = Descriptor{};  // closes an owned host fd
  used_[fd] = false;
}

size_t WasiCtx::OpenCount() const {
  size_t n = 0;
  for (bool u : used_) n += u;
  return n;
}

Result<std::shared_ptr<WasiCtx>> CreateWasiCtx(const WasiConfig& config) {
  auto ctx = std::make_shared<WasiCtx>();
  ctx->args_ = config.args;
  for (const auto& [k, v] : config.env) {
    if (k.empty() || k.find('=') != std::string::npos || k.find('\0') != std::string::npos ||
        v.find('\0') != std::string::npos)
      return MakeError("invalid environment variable name \"" + k + "\"");
    ctx->env_.push_back(k + "=" + v);
  }
  for (const auto& a : config.args)
    if (a.find('\0') != std::string::npos) return MakeError("argument contains a NUL byte");
  ctx->max_fds_ = std::max<uint32_t>(config.max_fds, 3 + config.dirs.size() + config.listen.size());
  ctx->resolver_ = config.resolver;
  ctx->clocks_ = config.clocks;
  ctx->random_ = config.random;
  for (const auto& spec : config.connect) {
    sockaddr_storage ss;
    socklen_t len;
    if (!ParseSockAddr(spec, &ss, &len))
      return MakeError("connect grant \"" + spec + "\": expected a numeric ADDR:PORT");
    ctx->connect_.push_back(spec);
  }
  ctx->stdio_host_[0] = config.stdin_fd;
  ctx->stdio_host_[1] = config.stdout_fd;
  ctx->stdio_host_[2] = config.stderr_fd;
  uint32_t fd;
  ctx->Insert(MakeStdio(config.stdin_fd, true), &fd);
  ctx->Insert(MakeStdio(config.stdout_fd, false), &fd);
  ctx->Insert(MakeStdio(config.stderr_fd, false), &fd);
  for (const auto& dir : config.dirs) {
    int h = open(dir.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h < 0)
      return MakeError("cannot open directory \"" + dir.host_path + "\": " + std::strerror(errno));
    Descriptor d;
    d.owned = UniqueFd(h);
    d.host_fd = h;
    d.kind = FdKind::kDir;
    d.filetype = kFtDirectory;
    d.rights_base = right::kDir;
    d.rights_inheriting = right::kDir | right::kFile;
    d.read_only = dir.read_only;
    if (dir.read_only) {
      d.rights_base &= ~right::kMutating;
      d.rights_inheriting &= ~right::kMutating;
    }
    d.is_preopen = true;
    d.preopen_name = dir.guest_path.empty() ? "." : dir.guest_path;
    ctx->Insert(std::move(d), &fd);
  }
  for (const auto& spec : config.listen) {
    std::string bound;
    auto sock = OpenListener(spec, &bound);
    if (!sock) return std::unexpected(sock.error());
    Descriptor d;
    d.owned = UniqueFd(*sock);
    d.host_fd = *sock;
    d.kind = FdKind::kListener;
    d.filetype = kFtSocketStream;
    d.rights_base = right::kListener;
    d.rights_inheriting = right::kSocket;
    ctx->Insert(std::move(d), &fd);
    ctx->listener_addrs_.push_back(bound);
    ctx->listener_fds_.push_back(fd);
  }
  return ctx;
}

std::string WasiListenerAddress(const WasiCtx& ctx, size_t index) {
  return index < ctx.listener_addrs_.size() ? ctx.listener_addrs_[index] : std::string();
}

}  // namespace nw
